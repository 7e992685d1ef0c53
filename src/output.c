/* output: tables and JSON for facts. */
#include "config.h"

#include <string.h>

#include "buf.h"
#include "cert.h"
#include "err.h"
#include "esc.h"
#include "output.h"

void
output_field(FILE *fp, const char *s, int width)
{
	struct buf b;

	buf_init(&b, 4 * strlen(s) + 16);
	esc_add(&b, s, strlen(s), 0);
	if (width > 0)
		fprintf(fp, "%-*s ", width, buf_str(&b));
	else
		fputs(buf_str(&b), fp);
	buf_clear(&b);
}

const char *
output_product(enum vos_product p)
{
	return p == PRODUCT_IMP ? "IM/P" : p == PRODUCT_CUCM ? "CUCM" : "?";
}

const char *
output_role(const struct fact_node *n)
{
	if (n->product == PRODUCT_IMP)
		return n->imp_publisher ? "publisher" : "subscriber";
	if (n->product == PRODUCT_CUCM)
		return n->cucm_publisher ? "publisher" : "subscriber";
	return "unknown";
}

void
output_time(time_t t, char *dst, size_t n)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(dst, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

json_t *
output_jstr(const char *s)
{
	json_t *j = json_string(s);
	struct buf b;

	if (j != NULL)
		return j;
	/* Not valid UTF-8: the escaped form, which is ASCII. */
	buf_init(&b, 4 * strlen(s) + 16);
	esc_add(&b, s, strlen(s), 0);
	j = json_string(buf_str(&b));
	buf_clear(&b);
	return j;
}

json_t *
output_node_json(const struct fact_node *n)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", output_jstr(n->name));
	json_object_set_new(o, "host", output_jstr(n->host));
	if (n->port)
		json_object_set_new(o, "port", json_integer(n->port));
	json_object_set_new(o, "product", output_jstr(n->product ==
	    PRODUCT_IMP ? "imp" : n->product == PRODUCT_CUCM ? "cucm" :
	    "unknown"));
	json_object_set_new(o, "role", output_jstr(output_role(n)));
	if (n->version[0])
		json_object_set_new(o, "version", output_jstr(n->version));
	return o;
}

json_t *
output_cert_json(const struct cert_info *ci, time_t now)
{
	char t[32];
	json_t *o = json_object();

	json_object_set_new(o, "serial", output_jstr(ci->serial));
	json_object_set_new(o, "sha256", output_jstr(ci->sha256_hex));
	json_object_set_new(o, "subject", output_jstr(ci->subject));
	json_object_set_new(o, "issuer", output_jstr(ci->issuer));
	output_time(ci->not_before, t, sizeof t);
	json_object_set_new(o, "not_before", output_jstr(t));
	output_time(ci->not_after, t, sizeof t);
	json_object_set_new(o, "not_after", output_jstr(t));
	json_object_set_new(o, "days_left",
	    json_integer(cert_days_left(ci, now)));
	json_object_set_new(o, "key_type", output_jstr(ci->key_type));
	json_object_set_new(o, "self_signed", json_boolean(ci->self_signed));
	return o;
}

int
output_json(json_t *v, FILE *fp)
{
	int r = json_dumpf(v, fp, JSON_INDENT(2) | JSON_SORT_KEYS);

	json_decref(v);
	if (r != 0 || fputc('\n', fp) == EOF || fflush(fp) != 0)
		return ERR_IO;
	return 0;
}

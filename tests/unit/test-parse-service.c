/*
 * Unit tests for parse_service_list (strict and skipping) and
 * parse_service_progress: data/parse/service-list-*.txt and
 * service-progress-*.txt (the progress cases ask for "Cisco Tomcat").
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "parse.h"
#include "parse-golden.h"
#include "tap.h"

static void
fmt_list(const char *name, const char *in, size_t n, struct buf *out)
{
	struct vos_service *v = NULL;
	struct parse_skipped sk;
	size_t nv = 0, i;
	char why[512] = "";
	int r;

	r = parse_service_list(in, n, &v, &nv, why, sizeof why);
	if (r != 0)
		golden_err(out, "strict:", r, why);
	else
		buf_addf(out, "strict: %zu services\n", nv);
	free(v);
	v = NULL;
	r = parse_service_list_skip(in, n, &v, &nv, &sk, why, sizeof why);
	if (r != 0)
		golden_err(out, "skip:", r, why);
	else
		for (i = 0; i < nv; i++)
			buf_addf(out, "service \"%s\" %s activated=%d "
			    "reason=\"%s\"\n", v[i].name,
			    vos_svc_state_name(v[i].state), v[i].activated,
			    v[i].reason);
	buf_addf(out, "skipped %zu%s%s\n", sk.n, sk.n ? " first: " : "",
	    sk.first);
	free(v);
}

static void
fmt_progress(const char *name, const char *in, size_t n, struct buf *out)
{
	enum vos_svc_state st = SVC_STOPPED;
	char why[512] = "";
	int r;

	r = parse_service_progress(in, n, "Cisco Tomcat", &st, why,
	    sizeof why);
	if (r != 0)
		golden_err(out, NULL, r, why);
	else
		buf_addf(out, "last %s\n", vos_svc_state_name(st));
}

int
main(void)
{
	struct vos_service *v = NULL;
	const struct vos_service *f;
	enum vos_svc_state st;
	size_t nv = 0;
	char why[512];
	int r;

	ok(golden_run("service-list-", fmt_list) >= 9, "list samples ran");
	ok(golden_run("service-progress-", fmt_progress) >= 10,
	    "progress samples ran");

	r = parse_service_list("System SSH [STARTED]\nCisco Tomcat[STOPPED]\n",
	    42, &v, &nv, why, sizeof why);
	is_int(r, 0, "two services");
	f = vos_service_find(v, nv, "cisco tomcat");
	ok(f != NULL && f->state == SVC_STOPPED, "find is case-insensitive");
	ok(vos_service_find(v, nv, "Cisco Tomcat Stats") == NULL,
	    "find wants the whole name");
	free(v);

	/* The listing loop: lenient and strict forms, limits, bad calls. */
	{
		static const char t[] = "Cisco Tomcat[STARTED]\n"
		    "Cisco $(x)[STOPPED]\nCisco `y`[STARTED]\n"
		    "Cisco DRF Local[STOPPED]\n";
		struct parse_skipped sk;
		struct buf b;
		size_t i;

		r = parse_service_list_skip(t, sizeof t - 1, &v, &nv, &sk, why,
		    sizeof why);
		is_int(r, 0, "lenient: hostile names skipped");
		ok(nv == 2 && strcmp(v[1].name, "Cisco DRF Local") == 0,
		    "lenient: the two good services kept, in order");
		is_int(sk.n, 2, "lenient: both bad lines counted");
		has_str(sk.first, "line 2: ", "lenient: the first one named");
		free(v);
		v = NULL;
		r = parse_service_list(t, sizeof t - 1, &v, &nv, why,
		    sizeof why);
		is_int(r, ERR_PARSE, "strict: a hostile name fails the list");
		has_str(why, "line 2: service name not in", "strict: says where");
		ok(v == NULL, "strict: no output");
		r = parse_service_list("a\nb\n", 4, &v, &nv, NULL, 0);
		is_int(r, ERR_PARSE, "no service line, why NULL");
		r = parse_service_list("a\nb\n", 4, &v, &nv, why, sizeof why);
		is_str(why, "no service line (\"Name[STATE]\") in 2 lines",
		    "no service line: the reason");
		is_int(parse_service_list(t, sizeof t - 1, NULL, &nv, why,
		    sizeof why), ERR_INVAL, "NULL out");
		is_int(parse_service_list(t, sizeof t - 1, &v, NULL, why,
		    sizeof why), ERR_INVAL, "NULL count");
		buf_init(&b, 1 << 20);
		for (i = 0; i < 20000; i++)
			buf_addstr(&b, "Cisco Tomcat[STARTED]\n");
		r = parse_service_list(buf_str(&b), b.len, &v, &nv, why,
		    sizeof why);
		is_int(r, ERR_TOOBIG, "20000 service lines: too many");
		has_str(why, "more than 10000 service lines", "... says so");
		ok(v == NULL, "... and no output");
		buf_clear(&b);
	}

	r = parse_service_progress("", 0, "Cisco `x`", &st, why, sizeof why);
	is_int(r, ERR_INVAL, "a hostile service name is ERR_INVAL");
	r = parse_service_progress("", 0, NULL, &st, why, sizeof why);
	is_int(r, ERR_INVAL, "NULL service is ERR_INVAL");
	is_str(vos_svc_state_name((enum vos_svc_state)99), "UNKNOWN",
	    "state name of a bad value");

	ok(parse_valid_service("Cisco SOAP - CDRonDemand Service", 32),
	    "service with ' - ' ok");
	ok(!parse_valid_service("Cisco Tomcat ", 13), "trailing space refused");
	ok(!parse_valid_service("Cisco\nTomcat", 12), "newline refused");
	return tap_done();
}

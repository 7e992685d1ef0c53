/*
 * conf: the site file loader.  It reads the file (cfgfile.c: size cap, NUL
 * and @include checks), lets libconfig parse it, then walks a fixed schema:
 * each group lists its keys, each key has a type and a range, and anything
 * else is reported with file:line (and a "did you mean" for typos).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cfgfile.h"
#include "conf.h"
#include "err.h"
#include "esc.h"
#include "log.h"
#include "secret.h"
#include "unit.h"

#define CONF_STR_MAX 4096

struct ctx {
	struct cfgfile f;     /* the file, its errors, out of memory */
	struct site *s;
};

static const struct cfgfile_kind conf_kind = {
	.max = CONF_MAX_FILE,
	.what = "site file",
	.include = "keep a site in one file",
	.empty = "the file is empty; a site file needs at least name, "
	    "publishers and credentials",
	.regular = 0,
};

/* ------------------------------------------------------------ errors */

static void
conf_add_error(struct ctx *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
conf_add_error(struct ctx *c, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfgfile_verror(&c->f, line, fmt, ap);
	va_end(ap);
}

static int
conf_line(const config_setting_t *st)
{
	return st ? (int)config_setting_source_line(st) : 0;
}

void
conf_errors_print(const struct conf_errors *errs, FILE *fp)
{
	size_t i;

	for (i = 0; i < errs->n; i++) {
		struct buf b;

		buf_init(&b, 64 * 1024);
		esc_add(&b, errs->v[i].msg, strlen(errs->v[i].msg), 0);
		if (errs->v[i].line > 0)
			fprintf(fp, "%s:%d: %s\n", errs->v[i].file,
			    errs->v[i].line, buf_str(&b));
		else
			fprintf(fp, "%s: %s\n", errs->v[i].file, buf_str(&b));
		buf_clear(&b);
	}
}

void
conf_errors_clear(struct conf_errors *errs)
{
	size_t i;

	for (i = 0; i < errs->n; i++) {
		free(errs->v[i].file);
		free(errs->v[i].msg);
	}
	free(errs->v);
	errs->v = NULL;
	errs->n = 0;
}

/* ------------------------------------------------------------ helpers */

static char *
conf_strdup(struct ctx *c, const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		c->f.nomem = 1;
	return p;
}

/* Report every member of grp whose name is not in known (NULL-ended). */
static void
conf_check_keys(struct ctx *c, const config_setting_t *grp, const char *where,
    const char *const *known)
{
	int i, n = config_setting_length(grp);

	for (i = 0; i < n; i++) {
		const config_setting_t *m = config_setting_get_elem(grp, (unsigned)i);
		const char *name = config_setting_name(m);
		const char *best;

		/* A typo in another case is still a typo: suggest folded. */
		if (name == NULL || cfgfile_known(name, known, 1, &best))
			continue;
		if (best != NULL)
			conf_add_error(c, conf_line(m),
			    "unknown key '%s%s%s' (did you mean '%s'?)",
			    where, *where ? "." : "", name, best);
		else
			conf_add_error(c, conf_line(m), "unknown key '%s%s%s'",
			    where, *where ? "." : "", name);
	}
}

/* A group member, checking that the group is one. */
static const config_setting_t *
conf_group(struct ctx *c, const config_setting_t *parent, const char *name,
    const char *const *known)
{
	const config_setting_t *g = config_setting_get_member(parent, name);

	if (g == NULL)
		return NULL;
	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		conf_add_error(c, conf_line(g), "%s: expected a group { ... }, "
		    "got %s", name, cfgfile_type_name(config_setting_type(g)));
		return NULL;
	}
	conf_check_keys(c, g, name, known);
	return g;
}

/* Text a person may put in a config string: no control bytes. */
static int
conf_text_ok(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

enum str_kind {
	STR_TEXT,     /* any printable text */
	STR_HOST,     /* host name or address */
	STR_NAME,     /* [A-Za-z0-9._-] */
	STR_ENV,      /* environment variable name */
	STR_PATH,     /* a file or directory; relative to the site file */
};

static int
conf_str_kind_ok(const char *v, enum str_kind kind, const char **expect)
{
	const char *p;

	switch (kind) {
	case STR_TEXT:
	case STR_PATH:
		*expect = "printable text";
		return conf_text_ok(v);
	case STR_HOST:
		*expect = "a host name or an IP address";
		if (strlen(v) > 253)
			return 0;
		for (p = v; *p; p++)
			if (!isalnum((unsigned char)*p) && !strchr(".-_:", *p))
				return 0;
		return 1;
	case STR_NAME:
		*expect = "letters, digits, '.', '_' or '-' (at most 64)";
		if (strlen(v) > 64)
			return 0;
		for (p = v; *p; p++)
			if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
				return 0;
		return 1;
	case STR_ENV:
		*expect = "an environment variable name ([A-Za-z_][A-Za-z0-9_]*)";
		if (!isalpha((unsigned char)*v) && *v != '_')
			return 0;
		for (p = v; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '_')
				return 0;
		return 1;
	}
	return 0;
}

/* Resolve a relative path against the site file's directory. */
static char *
conf_path(struct ctx *c, const char *v)
{
	struct buf b;

	if (v[0] == '/')
		return conf_strdup(c, v);
	buf_init(&b, 2 * CONF_STR_MAX);
	if (buf_addf(&b, "%s/%s", c->s->dir, v) != 0) {
		c->f.nomem = 1;
		return NULL;
	}
	return buf_take(&b);
}

/*
 * A string member: absent is fine unless required (then an error at the
 * group's line); *dst is replaced only when the value is valid.
 */
static void
conf_get_str(struct ctx *c, const config_setting_t *grp, const char *where,
    const char *name, char **dst, enum str_kind kind, int required)
{
	const config_setting_t *m;
	const char *v, *expect;

	if (grp == NULL)
		return;
	m = config_setting_get_member(grp, name);
	if (m == NULL) {
		if (required)
			conf_add_error(c, conf_line(grp), "%s%s%s: missing; it "
			    "is required", where, *where ? "." : "", name);
		return;
	}
	if (config_setting_type(m) != CONFIG_TYPE_STRING) {
		conf_add_error(c, conf_line(m), "%s%s%s: expected a string in "
		    "double quotes, got %s", where, *where ? "." : "", name,
		    cfgfile_type_name(config_setting_type(m)));
		return;
	}
	v = config_setting_get_string(m);
	if (*v == '\0') {
		conf_add_error(c, conf_line(m), "%s%s%s: must not be empty",
		    where, *where ? "." : "", name);
		return;
	}
	if (strlen(v) > CONF_STR_MAX) {
		conf_add_error(c, conf_line(m), "%s%s%s: longer than %d bytes",
		    where, *where ? "." : "", name, CONF_STR_MAX);
		return;
	}
	if (!conf_str_kind_ok(v, kind, &expect)) {
		char shown[80];

		esc_fixed(shown, sizeof shown, v, strlen(v));
		conf_add_error(c, conf_line(m), "%s%s%s: expected %s, got \"%s\"",
		    where, *where ? "." : "", name, expect, shown);
		return;
	}
	free(*dst);
	*dst = kind == STR_PATH ? conf_path(c, v) : conf_strdup(c, v);
}

static void
conf_get_int(struct ctx *c, const config_setting_t *grp, const char *where,
    const char *name, int *dst, long long min, long long max)
{
	const config_setting_t *m;
	long long v;

	if (grp == NULL || (m = config_setting_get_member(grp, name)) == NULL)
		return;
	if (config_setting_type(m) != CONFIG_TYPE_INT &&
	    config_setting_type(m) != CONFIG_TYPE_INT64) {
		conf_add_error(c, conf_line(m), "%s%s%s: expected an integer "
		    "from %lld to %lld, got %s", where, *where ? "." : "", name,
		    min, max, cfgfile_type_name(config_setting_type(m)));
		return;
	}
	v = config_setting_get_int64(m);
	if (v < min || v > max) {
		conf_add_error(c, conf_line(m), "%s%s%s: expected an integer "
		    "from %lld to %lld, got %lld", where, *where ? "." : "", name,
		    min, max, v);
		return;
	}
	*dst = (int)v;
}

static void
conf_get_bool(struct ctx *c, const config_setting_t *grp, const char *where,
    const char *name, int *dst)
{
	const config_setting_t *m;

	if (grp == NULL || (m = config_setting_get_member(grp, name)) == NULL)
		return;
	if (config_setting_type(m) != CONFIG_TYPE_BOOL) {
		conf_add_error(c, conf_line(m), "%s%s%s: expected true or false "
		    "(no quotes), got %s", where, *where ? "." : "", name,
		    cfgfile_type_name(config_setting_type(m)));
		return;
	}
	*dst = config_setting_get_bool(m);
}

/* true, false or "auto". */
static void
conf_get_tri(struct ctx *c, const config_setting_t *grp, const char *where,
    const char *name, enum tristate *dst)
{
	const config_setting_t *m;

	if (grp == NULL || (m = config_setting_get_member(grp, name)) == NULL)
		return;
	if (config_setting_type(m) == CONFIG_TYPE_BOOL) {
		*dst = config_setting_get_bool(m) ? TRI_ON : TRI_OFF;
		return;
	}
	if (config_setting_type(m) == CONFIG_TYPE_STRING &&
	    strcmp(config_setting_get_string(m), "auto") == 0) {
		*dst = TRI_AUTO;
		return;
	}
	conf_add_error(c, conf_line(m), "%s.%s: expected true, false or "
	    "\"auto\"", where, name);
}

/* Both of two exclusive keys given? */
static int
conf_exclusive(struct ctx *c, const config_setting_t *grp, const char *where,
    const char *a, const char *b)
{
	const config_setting_t *mb;

	if (grp == NULL || b == NULL || config_setting_get_member(grp, a) == NULL ||
	    (mb = config_setting_get_member(grp, b)) == NULL)
		return 0;
	conf_add_error(c, conf_line(mb), "%s: give either %s or %s, not both",
	    where, a, b);
	return 1;
}

/* ------------------------------------------------------------ sections */

static const char *const top_keys[] = { "name", "publishers", "nodes", "ssh",
	"credentials", "certificates", "tls_ports", "federation", "maintenance",
	"renew", "services", "paths", "log", "hooks", "axl", NULL };

static void
conf_publishers(struct ctx *c, const config_setting_t *root)
{
	static const char *const keys[] = { "imp", "cucm", NULL };
	const config_setting_t *g = conf_group(c, root, "publishers", keys);

	if (g == NULL) {
		if (config_setting_get_member(root, "publishers") == NULL)
			conf_add_error(c, 0, "publishers: missing; give at least "
			    "publishers = { imp = \"IM/P publisher\"; }");
		return;
	}
	conf_get_str(c, g, "publishers", "imp", &c->s->imp_publisher, STR_HOST, 1);
	conf_get_str(c, g, "publishers", "cucm", &c->s->cucm_publisher,
	    STR_HOST, 0);
}

static void
conf_nodes(struct ctx *c, const config_setting_t *root)
{
	static const char *const keys[] = { "name", "host", "port", NULL };
	const config_setting_t *l = config_setting_get_member(root, "nodes");
	int i, j, n;

	if (l == NULL)
		return;
	if (config_setting_type(l) != CONFIG_TYPE_LIST) {
		conf_add_error(c, conf_line(l), "nodes: expected a list ( { name "
		    "= ...; host = ...; }, ... ), got %s",
		    cfgfile_type_name(config_setting_type(l)));
		return;
	}
	n = config_setting_length(l);
	if (n == 0) {
		conf_add_error(c, conf_line(l), "nodes: the list is empty; leave "
		    "it out to discover the nodes");
		return;
	}
	if ((c->s->nodes = calloc((size_t)n, sizeof *c->s->nodes)) == NULL) {
		c->f.nomem = 1;
		return;
	}
	c->s->nnodes = (size_t)n;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
		struct site_node *nd = &c->s->nodes[i];
		char where[32];

		snprintf(where, sizeof where, "nodes[%d]", i);
		if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
			conf_add_error(c, conf_line(e), "%s: expected a group "
			    "{ name = ...; host = ...; }", where);
			continue;
		}
		conf_check_keys(c, e, where, keys);
		conf_get_str(c, e, where, "name", &nd->name, STR_NAME, 1);
		conf_get_str(c, e, where, "host", &nd->host, STR_HOST, 0);
		conf_get_int(c, e, where, "port", &nd->port, 1, 65535);
		if (nd->name != NULL && nd->host == NULL)
			nd->host = conf_strdup(c, nd->name);
		for (j = 0; j < i && nd->name; j++)
			if (c->s->nodes[j].name &&
			    strcasecmp(c->s->nodes[j].name, nd->name) == 0)
				conf_add_error(c, conf_line(e), "%s: node '%s' "
				    "is listed twice", where, nd->name);
	}
}

static void
conf_ssh(struct ctx *c, const config_setting_t *root)
{
	static const char *const keys[] = { "port", "known_hosts",
		"host_key_policy", "connect_timeout", "login_timeout",
		"command_timeout", "send_delay_ms", "keepalive", "parallel",
		"term", "columns", "rows", NULL };
	const config_setting_t *g = conf_group(c, root, "ssh", keys);
	char *policy = NULL;
	struct site *s = c->s;

	if (g == NULL)
		return;
	conf_get_int(c, g, "ssh", "port", &s->ssh.port, 1, 65535);
	conf_get_str(c, g, "ssh", "known_hosts", &s->ssh.known_hosts, STR_PATH, 0);
	conf_get_str(c, g, "ssh", "host_key_policy", &policy, STR_NAME, 0);
	if (policy != NULL) {
		if (strcmp(policy, "strict") == 0)
			s->ssh.policy = HOSTKEY_STRICT;
		else if (strcmp(policy, "accept-new") == 0)
			s->ssh.policy = HOSTKEY_ACCEPT_NEW;
		else
			conf_add_error(c, conf_line(config_setting_get_member(g,
			    "host_key_policy")), "ssh.host_key_policy: expected "
			    "\"strict\" or \"accept-new\", got \"%s\"", policy);
		free(policy);
	}
	conf_get_int(c, g, "ssh", "connect_timeout", &s->ssh.connect_timeout, 1,
	    3600);
	conf_get_int(c, g, "ssh", "login_timeout", &s->ssh.login_timeout, 1,
	    3600);
	conf_get_int(c, g, "ssh", "command_timeout", &s->ssh.command_timeout, 1,
	    86400);
	conf_get_int(c, g, "ssh", "send_delay_ms", &s->ssh.send_delay_ms, 0,
	    1000);
	conf_get_int(c, g, "ssh", "keepalive", &s->ssh.keepalive, 0, 3600);
	conf_get_int(c, g, "ssh", "parallel", &s->ssh.parallel, 1, 256);
	conf_get_str(c, g, "ssh", "term", &s->ssh.term, STR_NAME, 0);
	conf_get_int(c, g, "ssh", "columns", &s->ssh.cols, 80, 1000);
	conf_get_int(c, g, "ssh", "rows", &s->ssh.rows, 24, 1000);
}

/* Load a secret named by FILEKEY or ENVKEY of g into *dst. */
static void
conf_secret(struct ctx *c, const config_setting_t *g, const char *where,
    const char *filekey, const char *envkey, char **file, char **env,
    struct secret **dst)
{
	char why[512];
	int r;

	if (conf_exclusive(c, g, where, filekey, envkey))
		return;
	conf_get_str(c, g, where, filekey, file, STR_PATH, 0);
	if (envkey != NULL)
		conf_get_str(c, g, where, envkey, env, STR_ENV, 0);
	if (*file != NULL) {
		r = secret_from_file(*file, dst, why, sizeof why);
		if (r != 0)
			conf_add_error(c, conf_line(config_setting_get_member(g,
			    filekey)), "%s.%s: %s", where, filekey, why);
	} else if (env != NULL && *env != NULL) {
		r = secret_from_env(*env, dst);
		if (r == ERR_NOTFOUND)
			conf_add_error(c, conf_line(config_setting_get_member(g,
			    envkey)), "%s.%s: the environment variable %s is "
			    "not set or empty", where, envkey, *env);
		else if (r != 0)
			conf_add_error(c, conf_line(config_setting_get_member(g,
			    envkey)), "%s.%s: cannot use %s: %s", where, envkey,
			    *env, err_str(r));
	}
}

static void
conf_credentials(struct ctx *c, const config_setting_t *root)
{
	static const char *const keys[] = { "user", "password_file",
		"password_env", "private_key", "passphrase_file", "agent", NULL };
	const config_setting_t *g = conf_group(c, root, "credentials", keys);
	struct site *s = c->s;

	if (g == NULL) {
		if (config_setting_get_member(root, "credentials") == NULL)
			conf_add_error(c, 0, "credentials: missing; give at least "
			    "the user and one of password_file, password_env, "
			    "private_key or agent");
		return;
	}
	conf_get_str(c, g, "credentials", "user", &s->cred.user, STR_NAME, 1);
	conf_secret(c, g, "credentials", "password_file", "password_env",
	    &s->cred.password_file, &s->cred.password_env, &s->cred.password);
	conf_get_str(c, g, "credentials", "private_key", &s->cred.private_key,
	    STR_PATH, 0);
	conf_secret(c, g, "credentials", "passphrase_file", NULL,
	    &s->cred.passphrase_file, NULL, &s->cred.passphrase);
	conf_get_bool(c, g, "credentials", "agent", &s->cred.agent);
	if (s->cred.private_key != NULL && access(s->cred.private_key, R_OK) != 0)
		conf_add_error(c, conf_line(config_setting_get_member(g,
		    "private_key")), "credentials.private_key: cannot read %s: %s",
		    s->cred.private_key, strerror(errno));
	if (s->cred.passphrase_file != NULL && s->cred.private_key == NULL)
		conf_add_error(c, conf_line(config_setting_get_member(g,
		    "passphrase_file")), "credentials.passphrase_file: there is "
		    "no private_key to unlock");
	if (config_setting_get_member(g, "password_file") == NULL &&
	    config_setting_get_member(g, "password_env") == NULL &&
	    s->cred.private_key == NULL && !s->cred.agent)
		conf_add_error(c, conf_line(g), "credentials: no way to log in; "
		    "give password_file, password_env, private_key or agent = "
		    "true (a password is never written in the site file)");
}

static void
conf_certificates(struct ctx *c, const config_setting_t *root)
{
	const config_setting_t *a = config_setting_get_member(root,
	    "certificates");
	int i, n, u;

	if (a == NULL)
		return;
	if (config_setting_type(a) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(a) != CONFIG_TYPE_LIST) {
		conf_add_error(c, conf_line(a), "certificates: expected an array "
		    "of unit names, such as [ \"cup\", \"tomcat\" ]");
		return;
	}
	n = config_setting_length(a);
	c->s->units = 0;
	c->s->force_units = 1;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(a, (unsigned)i);
		char shown[80];
		const char *v;

		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			conf_add_error(c, conf_line(e), "certificates[%d]: expected "
			    "a unit name in quotes", i);
			continue;
		}
		v = config_setting_get_string(e);
		if ((u = unit_from_name(v)) == -1) {
			esc_fixed(shown, sizeof shown, v, strlen(v));
			conf_add_error(c, conf_line(e), "certificates[%d]: unknown "
			    "unit \"%s\"; expected one of cup, cup-xmpp, "
			    "cup-xmpp-s2s, ipsec, tomcat (or their -ECDSA forms)",
			    i, shown);
			continue;
		}
		if (c->s->units & UNIT_BIT(u))
			conf_add_error(c, conf_line(e), "certificates[%d]: \"%s\" "
			    "is listed twice", i, v);
		c->s->units |= UNIT_BIT(u);
	}
	if (n == 0)
		conf_add_error(c, conf_line(a), "certificates: the array is "
		    "empty; leave it out for the five default units");
}

static void
conf_tls_ports(struct ctx *c, const config_setting_t *root)
{
	const config_setting_t *g = config_setting_get_member(root, "tls_ports");
	int i, n, u;

	if (g == NULL)
		return;
	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		conf_add_error(c, conf_line(g), "tls_ports: expected a group "
		    "{ tomcat = 8443; ... }");
		return;
	}
	n = config_setting_length(g);
	for (i = 0; i < n; i++) {
		const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(m);

		if ((u = unit_from_name(name)) == -1) {
			conf_add_error(c, conf_line(m), "unknown key "
			    "'tls_ports.%s': expected a unit name such as tomcat",
			    name);
			continue;
		}
		/* 0 turns the probe of that unit off. */
		conf_get_int(c, g, "tls_ports", name, &c->s->tls_port[u], 0,
		    65535);
	}
}

static void
conf_federation(struct ctx *c, const config_setting_t *root)
{
	static const char *const keys[] = { "sip", "xmpp", NULL };
	const config_setting_t *g = conf_group(c, root, "federation", keys);

	conf_get_tri(c, g, "federation", "sip", &c->s->federation.sip);
	conf_get_tri(c, g, "federation", "xmpp", &c->s->federation.xmpp);
}

static void
conf_maintenance(struct ctx *c, const config_setting_t *root)
{
	static const char *const keys[] = { "windows", "timezone", NULL };
	const config_setting_t *g = conf_group(c, root, "maintenance", keys);
	const config_setting_t *a;
	int i, n;

	if (g == NULL)
		return;
	conf_get_str(c, g, "maintenance", "timezone", &c->s->timezone, STR_TEXT,
	    0);
	if ((a = config_setting_get_member(g, "windows")) == NULL)
		return;
	if (config_setting_type(a) == CONFIG_TYPE_STRING) {
		n = 1;
	} else if (config_setting_type(a) == CONFIG_TYPE_ARRAY ||
	    config_setting_type(a) == CONFIG_TYPE_LIST) {
		n = config_setting_length(a);
	} else {
		conf_add_error(c, conf_line(a), "maintenance.windows: expected "
		    "an array of windows such as [ \"Sat,Sun 01:00-05:00\" ]");
		return;
	}
	if (n == 0)
		return;
	if ((c->s->windows = calloc((size_t)n, sizeof *c->s->windows)) == NULL) {
		c->f.nomem = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_type(a) ==
		    CONFIG_TYPE_STRING ? a : config_setting_get_elem(a, (unsigned)i);
		char why[160], shown[80];
		const char *v;

		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			conf_add_error(c, conf_line(e), "maintenance.windows[%d]: "
			    "expected a string such as \"Sat 01:00-05:00\"", i);
			continue;
		}
		v = config_setting_get_string(e);
		if (window_parse(v, &c->s->windows[c->s->nwindows], why,
		    sizeof why) != 0) {
			esc_fixed(shown, sizeof shown, v, strlen(v));
			conf_add_error(c, conf_line(e), "maintenance.windows[%d]: "
			    "\"%s\": %s", i, shown, why);
			continue;
		}
		c->s->nwindows++;
	}
}

static void
conf_renew(struct ctx *c, const config_setting_t *root)
{
	static const char *const keys[] = { "threshold_days", "random_delay",
		NULL };
	const config_setting_t *g = conf_group(c, root, "renew", keys);

	conf_get_int(c, g, "renew", "threshold_days",
	    &c->s->renew.threshold_days, 1, 3650);
	conf_get_int(c, g, "renew", "random_delay", &c->s->renew.random_delay,
	    0, 86400);
}

static void
conf_services(struct ctx *c, const config_setting_t *root)
{
	static const char *const keys[] = { "default_timeout", "poll_interval",
		"timeouts", NULL };
	static const char *const tkeys[] = { "service", "seconds", NULL };
	const config_setting_t *g = conf_group(c, root, "services", keys);
	const config_setting_t *l;
	struct site *s = c->s;
	int i, n;

	if (g == NULL)
		return;
	conf_get_int(c, g, "services", "default_timeout",
	    &s->services.default_timeout, 10, 86400);
	conf_get_int(c, g, "services", "poll_interval",
	    &s->services.poll_interval, 1, 600);
	if ((l = config_setting_get_member(g, "timeouts")) == NULL)
		return;
	if (config_setting_type(l) != CONFIG_TYPE_LIST) {
		conf_add_error(c, conf_line(l), "services.timeouts: expected a "
		    "list ( { service = \"Cisco Tomcat\"; seconds = 900; }, ... )");
		return;
	}
	n = config_setting_length(l);
	if (n == 0)
		return;
	if ((s->services.timeouts = calloc((size_t)n,
	    sizeof *s->services.timeouts)) == NULL) {
		c->f.nomem = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
		struct site_timeout *t = &s->services.timeouts[s->services.ntimeouts];
		char where[40];

		snprintf(where, sizeof where, "services.timeouts[%d]", i);
		if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
			conf_add_error(c, conf_line(e), "%s: expected a group "
			    "{ service = \"...\"; seconds = N; }", where);
			continue;
		}
		conf_check_keys(c, e, where, tkeys);
		t->seconds = -1;
		conf_get_str(c, e, where, "service", &t->service, STR_TEXT, 1);
		conf_get_int(c, e, where, "seconds", &t->seconds, 10, 86400);
		if (config_setting_get_member(e, "seconds") == NULL)
			conf_add_error(c, conf_line(e), "%s.seconds: missing; it "
			    "is required", where);
		if (t->service != NULL && t->seconds > 0)
			s->services.ntimeouts++;
		else {
			free(t->service);
			t->service = NULL;
		}
	}
}

static void
conf_paths(struct ctx *c, const config_setting_t *root)
{
	static const char *const keys[] = { "state_dir", "log_dir", "dialog_dir",
		"export_dir", NULL };
	const config_setting_t *g = conf_group(c, root, "paths", keys);

	conf_get_str(c, g, "paths", "state_dir", &c->s->state_dir, STR_PATH, 0);
	conf_get_str(c, g, "paths", "log_dir", &c->s->log_dir, STR_PATH, 0);
	conf_get_str(c, g, "paths", "dialog_dir", &c->s->dialog_dir, STR_PATH, 0);
	conf_get_str(c, g, "paths", "export_dir", &c->s->export_dir, STR_PATH, 0);
	if (c->s->dialog_dir != NULL) {
		struct stat st;

		if (stat(c->s->dialog_dir, &st) != 0 || !S_ISDIR(st.st_mode))
			conf_add_error(c, conf_line(config_setting_get_member(g,
			    "dialog_dir")), "paths.dialog_dir: %s is not a "
			    "directory", c->s->dialog_dir);
	}
}

static void
conf_log(struct ctx *c, const config_setting_t *root)
{
	static const char *const keys[] = { "syslog", "facility", "ident",
		"file", "level", "transcripts_keep", NULL };
	const config_setting_t *g = conf_group(c, root, "log", keys);
	struct site *s = c->s;

	if (g == NULL)
		return;
	conf_get_bool(c, g, "log", "syslog", &s->log.syslog);
	conf_get_str(c, g, "log", "facility", &s->log.facility, STR_NAME, 0);
	if (!log_facility_valid(s->log.facility))
		conf_add_error(c, conf_line(config_setting_get_member(g,
		    "facility")), "log.facility: expected daemon, user, auth, "
		    "authpriv, cron or local0 ... local7, got \"%s\"",
		    s->log.facility);
	conf_get_str(c, g, "log", "ident", &s->log.ident, STR_NAME, 0);
	conf_get_str(c, g, "log", "file", &s->log.file, STR_PATH, 0);
	conf_get_str(c, g, "log", "level", &s->log.level, STR_NAME, 0);
	if (log_level_parse(s->log.level) == -1)
		conf_add_error(c, conf_line(config_setting_get_member(g, "level")),
		    "log.level: expected error, warn, notice, info or debug, got "
		    "\"%s\"", s->log.level);
	conf_get_int(c, g, "log", "transcripts_keep", &s->log.transcripts_keep,
	    0, 10000);
}

static void
conf_hook(struct ctx *c, const config_setting_t *g, const char *name,
    char **dst)
{
	const config_setting_t *m = config_setting_get_member(g, name);
	struct stat st;

	conf_get_str(c, g, "hooks", name, dst, STR_PATH, 0);
	if (*dst == NULL || m == NULL)
		return;
	if (stat(*dst, &st) != 0)
		conf_add_error(c, conf_line(m), "hooks.%s: %s: %s", name, *dst,
		    strerror(errno));
	else if (!S_ISREG(st.st_mode) || access(*dst, X_OK) != 0)
		conf_add_error(c, conf_line(m), "hooks.%s: %s is not an "
		    "executable file (hooks run without a shell)", name, *dst);
}

static void
conf_hooks(struct ctx *c, const config_setting_t *root)
{
	static const char *const keys[] = { "pre", "post", "deploy", "failure",
		"timeout", NULL };
	const config_setting_t *g = conf_group(c, root, "hooks", keys);

	if (g == NULL)
		return;
	conf_hook(c, g, "pre", &c->s->hooks.pre);
	conf_hook(c, g, "post", &c->s->hooks.post);
	conf_hook(c, g, "deploy", &c->s->hooks.deploy);
	conf_hook(c, g, "failure", &c->s->hooks.failure);
	conf_get_int(c, g, "hooks", "timeout", &c->s->hooks.timeout, 1, 86400);
}

/* 64 hex digits, colons allowed between pairs; normalised in place. */
static int
conf_pin_normalise(char *pin)
{
	char *r = pin, *w = pin;
	size_t n = 0;

	for (; *r; r++) {
		if (*r == ':')
			continue;
		if (!isxdigit((unsigned char)*r))
			return -1;
		*w++ = (char)tolower((unsigned char)*r);
		n++;
	}
	*w = '\0';
	return n == 64 ? 0 : -1;
}

static void
conf_axl(struct ctx *c, const config_setting_t *root)
{
	static const char *const keys[] = { "url", "user", "password_file",
		"password_env", "ca_file", "pin_sha256", "pin_file", "version",
		"timeout", "groups", NULL };
	const config_setting_t *g = conf_group(c, root, "axl", keys);
	const config_setting_t *a;
	struct site_axl *x = &c->s->axl;

	if (g == NULL)
		return;
	x->configured = 1;
	conf_get_str(c, g, "axl", "url", &x->url, STR_TEXT, 1);
	if (x->url != NULL && strncasecmp(x->url, "https://", 8) != 0)
		conf_add_error(c, conf_line(config_setting_get_member(g, "url")),
		    "axl.url: expected an https:// address (AXL carries "
		    "credentials; plain HTTP is refused)");
	conf_get_str(c, g, "axl", "user", &x->user, STR_NAME, 1);
	conf_secret(c, g, "axl", "password_file", "password_env",
	    &x->password_file, &x->password_env, &x->password);
	if (config_setting_get_member(g, "password_file") == NULL &&
	    config_setting_get_member(g, "password_env") == NULL)
		conf_add_error(c, conf_line(g), "axl: give password_file or "
		    "password_env");
	conf_get_str(c, g, "axl", "ca_file", &x->ca_file, STR_PATH, 0);
	conf_get_str(c, g, "axl", "pin_sha256", &x->pin_sha256, STR_TEXT, 0);
	if (x->pin_sha256 != NULL && conf_pin_normalise(x->pin_sha256) != 0)
		conf_add_error(c, conf_line(config_setting_get_member(g,
		    "pin_sha256")), "axl.pin_sha256: expected the SHA-256 "
		    "fingerprint of the server certificate: 64 hex digits, "
		    "colons allowed");
	if (x->ca_file != NULL && access(x->ca_file, R_OK) != 0)
		conf_add_error(c, conf_line(config_setting_get_member(g,
		    "ca_file")), "axl.ca_file: cannot read %s: %s", x->ca_file,
		    strerror(errno));
	conf_get_str(c, g, "axl", "pin_file", &x->pin_file, STR_PATH, 0);
	if ((config_setting_get_member(g, "ca_file") != NULL) +
	    (config_setting_get_member(g, "pin_sha256") != NULL) +
	    (config_setting_get_member(g, "pin_file") != NULL) > 1)
		conf_add_error(c, conf_line(g), "axl: give one of ca_file, "
		    "pin_sha256 and pin_file");
	if (config_setting_get_member(g, "ca_file") == NULL &&
	    config_setting_get_member(g, "pin_sha256") == NULL &&
	    config_setting_get_member(g, "pin_file") == NULL)
		conf_add_error(c, conf_line(g), "axl: give ca_file, pin_sha256 "
		    "or pin_file so that the server's certificate can be "
		    "verified (it is never skipped)");
	conf_get_str(c, g, "axl", "version", &x->version, STR_NAME, 0);
	conf_get_int(c, g, "axl", "timeout", &x->timeout, 1, 3600);
	if ((a = config_setting_get_member(g, "groups")) != NULL) {
		int i, n;

		if (config_setting_type(a) != CONFIG_TYPE_ARRAY ||
		    config_setting_length(a) == 0) {
			conf_add_error(c, conf_line(a), "axl.groups: expected an "
			    "array of Presence Redundancy Group names");
			return;
		}
		n = config_setting_length(a);
		if ((x->groups = calloc((size_t)n, sizeof *x->groups)) == NULL) {
			c->f.nomem = 1;
			return;
		}
		for (i = 0; i < n; i++) {
			const config_setting_t *e = config_setting_get_elem(a,
			    (unsigned)i);

			if (config_setting_type(e) != CONFIG_TYPE_STRING ||
			    !conf_text_ok(config_setting_get_string(e)) ||
			    *config_setting_get_string(e) == '\0') {
				conf_add_error(c, conf_line(e), "axl.groups[%d]: "
				    "expected a group name in quotes", i);
				continue;
			}
			x->groups[x->ngroups++] = conf_strdup(c,
			    config_setting_get_string(e));
		}
	}
}

/* ------------------------------------------------------------ loading */

static void
site_defaults(struct ctx *c)
{
	struct site *s = c->s;

	s->ssh.port = 22;
	s->ssh.policy = HOSTKEY_STRICT;
	s->ssh.connect_timeout = 10;
	s->ssh.login_timeout = 300;
	s->ssh.command_timeout = 120;
	s->ssh.send_delay_ms = 0;
	s->ssh.keepalive = 30;
	s->ssh.parallel = 32;
	s->ssh.term = conf_strdup(c, "vt100");
	s->ssh.cols = 200;
	s->ssh.rows = 50;
	s->units = UNIT_DEFAULT_SET;
	for (int u = 0; u < UNIT_COUNT; u++)
		s->tls_port[u] = unit_default_port((enum unit_id)u);
	s->federation.sip = TRI_AUTO;
	s->federation.xmpp = TRI_AUTO;
	s->renew.threshold_days = 30;
	s->services.default_timeout = 600;
	s->services.poll_interval = 5;
	s->log.facility = conf_strdup(c, "daemon");
	s->log.ident = conf_strdup(c, "certregen");
	s->log.level = conf_strdup(c, "notice");
	s->log.transcripts_keep = 10;
	s->hooks.timeout = 300;
	s->axl.version = conf_strdup(c, "12.5");
	s->axl.timeout = 30;
}

/* Derived defaults, once the name and state_dir are known. */
static void
site_finish(struct ctx *c)
{
	struct site *s = c->s;
	struct buf b;

	buf_init(&b, 2 * CONF_STR_MAX);
	if (s->name == NULL)
		return;
	if (s->state_dir == NULL) {
		buf_addf(&b, "/var/lib/certregen/%s", s->name);
		s->state_dir = buf_take(&b);
	}
	if (s->log_dir == NULL) {
		buf_addf(&b, "/var/log/certregen/%s", s->name);
		s->log_dir = buf_take(&b);
	}
	if (s->export_dir == NULL && s->state_dir != NULL) {
		buf_addf(&b, "%s/export", s->state_dir);
		s->export_dir = buf_take(&b);
	}
	if (s->ssh.known_hosts == NULL && s->state_dir != NULL) {
		buf_addf(&b, "%s/known_hosts", s->state_dir);
		s->ssh.known_hosts = buf_take(&b);
	}
	if (s->state_dir == NULL || s->log_dir == NULL || s->export_dir == NULL ||
	    s->ssh.known_hosts == NULL)
		c->f.nomem = 1;
}

/* The directory of the site file, absolute when it exists, so that paths
 * taken from it stay right whatever the working directory. */
static char *
conf_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir, *abs;

	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (dir != NULL && (abs = realpath(dir, NULL)) != NULL) {
		free(dir);
		dir = abs;
	}
	return dir;
}

/* Parse and validate text (a copy of the file named path). */
static int
conf_parse(struct ctx *c, const char *text, size_t len, struct site **out)
{
	const config_setting_t *root;
	config_t cfg;
	char *z;
	int ret = ERR_CONFIG;

	/* The checks libconfig does not make (it would stop at a NUL). */
	if (cfgfile_check_text(&c->f, &conf_kind, text, len) != 0)
		return ERR_CONFIG;
	/* libconfig wants a C string. */
	if ((z = strndup(text, len)) == NULL)
		return ERR_NOMEM;
	config_init(&cfg);
	if (config_read_string(&cfg, z) != CONFIG_TRUE) {
		conf_add_error(c, config_error_line(&cfg), "syntax error: %s "
		    "(settings look like: name = \"value\"; groups like ssh = "
		    "{ port = 22; };)", config_error_text(&cfg));
		goto out;
	}
	root = config_root_setting(&cfg);
	conf_check_keys(c, root, "", top_keys);

	conf_get_str(c, root, "", "name", &c->s->name, STR_NAME, 1);
	conf_publishers(c, root);
	conf_nodes(c, root);
	conf_ssh(c, root);
	conf_credentials(c, root);
	conf_certificates(c, root);
	conf_tls_ports(c, root);
	conf_federation(c, root);
	conf_maintenance(c, root);
	conf_renew(c, root);
	conf_services(c, root);
	conf_paths(c, root);
	conf_log(c, root);
	conf_hooks(c, root);
	conf_axl(c, root);
	site_finish(c);
	if (c->f.nomem) {
		ret = ERR_NOMEM;
		goto out;
	}
	if (c->f.errs->n == 0) {
		*out = c->s;
		c->s = NULL;
		ret = 0;
	}
out:
	config_destroy(&cfg);
	explicit_bzero(z, len);
	free(z);
	return ret;
}

/* Set up the context for a file named path. */
static int
conf_begin(struct ctx *c, const char *path, struct conf_errors *errs)
{
	memset(c, 0, sizeof *c);
	c->f.path = path;
	c->f.errs = errs;
	errs->v = NULL;
	errs->n = 0;
	if ((c->s = calloc(1, sizeof *c->s)) == NULL)
		return ERR_NOMEM;
	c->s->path = strdup(path);
	c->s->dir = conf_dirname(path);
	if (c->s->path == NULL || c->s->dir == NULL)
		return ERR_NOMEM;
	site_defaults(c);
	return 0;
}

int
conf_load(const char *path, struct site **out, struct conf_errors *errs)
{
	struct ctx c;
	struct buf text;
	int ret;

	*out = NULL;
	if ((ret = conf_begin(&c, path, errs)) != 0) {
		site_free(c.s);
		return ret;
	}
	buf_init(&text, CONF_MAX_FILE);
	ret = cfgfile_read(&c.f, &conf_kind, &text);
	if (ret == 0)
		ret = conf_parse(&c, buf_str(&text), text.len, out);
	if (text.data != NULL)
		explicit_bzero(text.data, text.len);
	buf_clear(&text);
	site_free(c.s);
	return ret;
}

int
conf_load_mem(const char *name, const char *text, size_t len,
    struct site **out, struct conf_errors *errs)
{
	struct ctx c;
	int ret;

	*out = NULL;
	if ((ret = conf_begin(&c, name, errs)) == 0)
		ret = conf_parse(&c, text, len, out);
	site_free(c.s);
	return ret;
}

void
site_free(struct site *s)
{
	size_t i;

	if (s == NULL)
		return;
	free(s->path);
	free(s->dir);
	free(s->name);
	free(s->imp_publisher);
	free(s->cucm_publisher);
	for (i = 0; i < s->nnodes; i++) {
		free(s->nodes[i].name);
		free(s->nodes[i].host);
	}
	free(s->nodes);
	free(s->ssh.known_hosts);
	free(s->ssh.term);
	free(s->cred.user);
	secret_free(s->cred.password);
	free(s->cred.password_file);
	free(s->cred.password_env);
	free(s->cred.private_key);
	secret_free(s->cred.passphrase);
	free(s->cred.passphrase_file);
	free(s->windows);
	free(s->timezone);
	for (i = 0; i < s->services.ntimeouts; i++)
		free(s->services.timeouts[i].service);
	free(s->services.timeouts);
	free(s->state_dir);
	free(s->log_dir);
	free(s->dialog_dir);
	free(s->export_dir);
	free(s->log.facility);
	free(s->log.ident);
	free(s->log.file);
	free(s->log.level);
	free(s->hooks.pre);
	free(s->hooks.post);
	free(s->hooks.deploy);
	free(s->hooks.failure);
	free(s->axl.url);
	free(s->axl.user);
	secret_free(s->axl.password);
	free(s->axl.password_file);
	free(s->axl.password_env);
	free(s->axl.ca_file);
	free(s->axl.pin_sha256);
	free(s->axl.pin_file);
	free(s->axl.version);
	for (i = 0; i < s->axl.ngroups; i++)
		free(s->axl.groups[i]);
	free(s->axl.groups);
	free(s);
}

int
site_service_timeout(const struct site *s, const char *service)
{
	size_t i;

	for (i = 0; i < s->services.ntimeouts; i++)
		if (strcasecmp(s->services.timeouts[i].service, service) == 0)
			return s->services.timeouts[i].seconds;
	return s->services.default_timeout;
}

/* ------------------------------------------------------------ dump */

static void
dump_str(FILE *fp, const char *key, const char *v)
{
	struct buf b;

	if (v == NULL) {
		fprintf(fp, "%s none\n", key);
		return;
	}
	buf_init(&b, 4 * CONF_STR_MAX + 16);
	esc_add(&b, v, strlen(v), 0);
	fprintf(fp, "%s %s\n", key, buf_str(&b));
	buf_clear(&b);
}

static const char *
dump_tri(enum tristate t)
{
	return t == TRI_ON ? "yes" : t == TRI_OFF ? "no" : "auto";
}

static void
dump_secret(FILE *fp, const char *key, const struct secret *sec,
    const char *file, const char *env)
{
	if (sec == NULL) {
		fprintf(fp, "%s none\n", key);
		return;
	}
	if (file != NULL)
		fprintf(fp, "%s *** (from file %s)\n", key, file);
	else
		fprintf(fp, "%s *** (from environment %s)\n", key, env);
}

void
conf_dump(const struct site *s, FILE *fp)
{
	char w[64];
	size_t i;
	int u;

	dump_str(fp, "name", s->name);
	dump_str(fp, "file", s->path);
	dump_str(fp, "publishers.imp", s->imp_publisher);
	dump_str(fp, "publishers.cucm", s->cucm_publisher);
	if (s->nnodes == 0)
		fprintf(fp, "nodes discover\n");
	for (i = 0; i < s->nnodes; i++)
		fprintf(fp, "node %s %s:%d\n", s->nodes[i].name, s->nodes[i].host,
		    s->nodes[i].port ? s->nodes[i].port : s->ssh.port);
	fprintf(fp, "ssh.port %d\n", s->ssh.port);
	dump_str(fp, "ssh.known_hosts", s->ssh.known_hosts);
	fprintf(fp, "ssh.host_key_policy %s\n",
	    s->ssh.policy == HOSTKEY_STRICT ? "strict" : "accept-new");
	fprintf(fp, "ssh.connect_timeout %d\n", s->ssh.connect_timeout);
	fprintf(fp, "ssh.login_timeout %d\n", s->ssh.login_timeout);
	fprintf(fp, "ssh.command_timeout %d\n", s->ssh.command_timeout);
	fprintf(fp, "ssh.send_delay_ms %d\n", s->ssh.send_delay_ms);
	fprintf(fp, "ssh.keepalive %d\n", s->ssh.keepalive);
	fprintf(fp, "ssh.parallel %d\n", s->ssh.parallel);
	fprintf(fp, "ssh.term %s %dx%d\n", s->ssh.term, s->ssh.cols, s->ssh.rows);
	dump_str(fp, "credentials.user", s->cred.user);
	dump_secret(fp, "credentials.password", s->cred.password,
	    s->cred.password_file, s->cred.password_env);
	dump_str(fp, "credentials.private_key", s->cred.private_key);
	dump_secret(fp, "credentials.passphrase", s->cred.passphrase,
	    s->cred.passphrase_file, NULL);
	fprintf(fp, "credentials.agent %s\n", s->cred.agent ? "yes" : "no");
	fprintf(fp, "certificates");
	for (u = 0; u < UNIT_COUNT; u++)
		if (s->units & UNIT_BIT(u))
			fprintf(fp, " %s", unit_name((enum unit_id)u));
	fprintf(fp, "\n");
	for (u = 0; u < UNIT_COUNT; u++)
		if (s->tls_port[u] != 0)
			fprintf(fp, "tls_ports.%s %d\n", unit_name((enum unit_id)u),
			    s->tls_port[u]);
	fprintf(fp, "federation.sip %s\n", dump_tri(s->federation.sip));
	fprintf(fp, "federation.xmpp %s\n", dump_tri(s->federation.xmpp));
	if (s->nwindows == 0)
		fprintf(fp, "maintenance.window none (changes are refused)\n");
	for (i = 0; i < s->nwindows; i++) {
		window_format(&s->windows[i], w, sizeof w);
		fprintf(fp, "maintenance.window %s\n", w);
	}
	dump_str(fp, "maintenance.timezone", s->timezone ? s->timezone : "local");
	fprintf(fp, "renew.threshold_days %d\n", s->renew.threshold_days);
	fprintf(fp, "renew.random_delay %d\n", s->renew.random_delay);
	fprintf(fp, "services.default_timeout %d\n", s->services.default_timeout);
	fprintf(fp, "services.poll_interval %d\n", s->services.poll_interval);
	for (i = 0; i < s->services.ntimeouts; i++)
		fprintf(fp, "services.timeout \"%s\" %d\n",
		    s->services.timeouts[i].service,
		    s->services.timeouts[i].seconds);
	dump_str(fp, "paths.state_dir", s->state_dir);
	dump_str(fp, "paths.log_dir", s->log_dir);
	dump_str(fp, "paths.dialog_dir", s->dialog_dir ? s->dialog_dir : "built-in");
	dump_str(fp, "paths.export_dir", s->export_dir);
	fprintf(fp, "log.syslog %s\n", s->log.syslog ? "yes" : "no");
	dump_str(fp, "log.facility", s->log.facility);
	dump_str(fp, "log.ident", s->log.ident);
	dump_str(fp, "log.file", s->log.file);
	dump_str(fp, "log.level", s->log.level);
	fprintf(fp, "log.transcripts_keep %d\n", s->log.transcripts_keep);
	dump_str(fp, "hooks.pre", s->hooks.pre);
	dump_str(fp, "hooks.post", s->hooks.post);
	dump_str(fp, "hooks.deploy", s->hooks.deploy);
	dump_str(fp, "hooks.failure", s->hooks.failure);
	fprintf(fp, "hooks.timeout %d\n", s->hooks.timeout);
	if (!s->axl.configured) {
		fprintf(fp, "axl none\n");
		return;
	}
	dump_str(fp, "axl.url", s->axl.url);
	dump_str(fp, "axl.user", s->axl.user);
	dump_secret(fp, "axl.password", s->axl.password, s->axl.password_file,
	    s->axl.password_env);
	dump_str(fp, "axl.ca_file", s->axl.ca_file);
	dump_str(fp, "axl.pin_sha256", s->axl.pin_sha256);
	dump_str(fp, "axl.pin_file", s->axl.pin_file);
	dump_str(fp, "axl.version", s->axl.version);
	fprintf(fp, "axl.timeout %d\n", s->axl.timeout);
	for (i = 0; i < s->axl.ngroups; i++)
		dump_str(fp, "axl.group", s->axl.groups[i]);
}

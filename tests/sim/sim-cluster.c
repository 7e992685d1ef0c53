/*
 * sim-cluster: the cluster file loader.  libconfig parses; this walks a
 * fixed schema, fills in the defaults a real cluster has (units, services,
 * ports per product) and reports every problem with file:line before
 * giving up.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "sim-cluster.h"
#include "sim-util.h"

struct lctx {
	const char *path;
	int nerr;
};

static void lctx_err(struct lctx *c, const config_setting_t *st,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
lctx_err(struct lctx *c, const config_setting_t *st, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: ", c->path,
	    st ? (int)config_setting_source_line(st) : 0);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	c->nerr++;
}

/* Report members of a group that the schema does not know. */
static void
lctx_keys(struct lctx *c, const config_setting_t *g, const char *const *keys)
{
	int i, n = config_setting_length(g);
	size_t k;

	for (i = 0; i < n; i++) {
		config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(m);

		if (name == NULL)
			continue;
		for (k = 0; keys[k] != NULL; k++)
			if (strcmp(keys[k], name) == 0)
				break;
		if (keys[k] == NULL)
			lctx_err(c, m, "unknown setting '%s'", name);
	}
}

static int
lctx_str(struct lctx *c, const config_setting_t *g, const char *key,
    char *out, size_t sz)
{
	config_setting_t *m;
	const char *s;

	if (g == NULL || (m = config_setting_get_member(g, key)) == NULL)
		return 0;
	if ((s = config_setting_get_string(m)) == NULL) {
		lctx_err(c, m, "'%s' must be a string", key);
		return 0;
	}
	if (strlen(s) >= sz) {
		lctx_err(c, m, "'%s' is too long", key);
		return 0;
	}
	memcpy(out, s, strlen(s) + 1);
	return 1;
}

static int
lctx_dup(struct lctx *c, const config_setting_t *g, const char *key,
    char **out)
{
	char tmp[4096];

	if (!lctx_str(c, g, key, tmp, sizeof tmp))
		return 0;
	free(*out);
	*out = strdup(tmp);
	return *out != NULL;
}

static int
lctx_num(struct lctx *c, const config_setting_t *g, const char *key,
    double *out)
{
	config_setting_t *m;

	if (g == NULL || (m = config_setting_get_member(g, key)) == NULL)
		return 0;
	switch (config_setting_type(m)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		*out = (double)config_setting_get_int64(m);
		return 1;
	case CONFIG_TYPE_FLOAT:
		*out = config_setting_get_float(m);
		return 1;
	default:
		lctx_err(c, m, "'%s' must be a number", key);
		return 0;
	}
}

static int
lctx_int(struct lctx *c, const config_setting_t *g, const char *key,
    int *out, int lo, int hi)
{
	double d;

	if (!lctx_num(c, g, key, &d))
		return 0;
	if (d < lo || d > hi || d != (double)(int)d) {
		lctx_err(c, config_setting_get_member(g, key),
		    "'%s' must be an integer from %d to %d", key, lo, hi);
		return 0;
	}
	*out = (int)d;
	return 1;
}

static int
lctx_bool(struct lctx *c, const config_setting_t *g, const char *key,
    int *out)
{
	config_setting_t *m;

	if (g == NULL || (m = config_setting_get_member(g, key)) == NULL)
		return 0;
	if (config_setting_type(m) != CONFIG_TYPE_BOOL) {
		lctx_err(c, m, "'%s' must be true or false", key);
		return 0;
	}
	*out = config_setting_get_bool(m);
	return 1;
}

/* A string or a list of strings, joined with spaces. */
static int
lctx_words(struct lctx *c, const config_setting_t *g, const char *key,
    char *out, size_t sz)
{
	config_setting_t *m;
	size_t len = 0;
	int i, n;

	if (g == NULL || (m = config_setting_get_member(g, key)) == NULL)
		return 0;
	if (config_setting_type(m) == CONFIG_TYPE_STRING)
		return lctx_str(c, g, key, out, sz);
	if (!config_setting_is_aggregate(m)) {
		lctx_err(c, m, "'%s' must be a string or a list", key);
		return 0;
	}
	out[0] = '\0';
	n = config_setting_length(m);
	for (i = 0; i < n; i++) {
		const char *s = config_setting_get_string_elem(m, i);
		size_t l;

		if (s == NULL) {
			lctx_err(c, m, "'%s' must hold strings", key);
			return 0;
		}
		l = strlen(s);
		if (len + l + 2 > sz) {
			lctx_err(c, m, "'%s' is too long", key);
			return 0;
		}
		if (len > 0)
			out[len++] = ' ';
		memcpy(out + len, s, l + 1);
		len += l;
	}
	return 1;
}

int
sim_scale(const struct sim_cluster *cl, double seconds)
{
	double ms = seconds * cl->time_factor * 1000.0 + 0.5;

	/* !(ms >= 0): NaN too (an infinite delay times a factor of 0). */
	return !(ms >= 0) ? 0 : ms > 3600000.0 ? 3600000 : (int)ms;
}

/* ------------------------------------------------------------ tables */

static const char *const imp_units[] = { "cup", "cup-ECDSA", "cup-xmpp",
	"cup-xmpp-ECDSA", "cup-xmpp-s2s", "cup-xmpp-s2s-ECDSA", "ipsec",
	"tomcat", "tomcat-ECDSA", NULL };
static const char *const cucm_units[] = { "CallManager",
	"CallManager-ECDSA", "CAPF", "ipsec", "ITLRecovery", "tomcat",
	"tomcat-ECDSA", "TVS", NULL };

struct svc_def {
	const char *name;
	int platform;
	int state;
	const char *reason;
};

#define NA SVC_NOTACTIVATED
static const struct svc_def imp_svcs[] = {
	{ "A Cisco DB", 0, SVC_STARTED, "" },
	{ "A Cisco DB Replicator", 0, SVC_STARTED, "" },
	{ "Cisco AXL Web Service", 0, NA, "Service Not Activated" },
	{ "Cisco Audit Event Service", 0, SVC_STARTED, "" },
	{ "Cisco Certificate Expiry Monitor", 0, SVC_STARTED, "" },
	{ "Cisco Client Profile Agent", 0, SVC_STARTED, "" },
	{ "Cisco Config Agent", 0, SVC_STARTED, "" },
	{ "Cisco DRF Local", 0, SVC_STARTED, "" },
	{ "Cisco DRF Master", 0, SVC_STOPPED, "Commanded Out of Service" },
	{ "Cisco Database Layer Monitor", 0, SVC_STARTED, "" },
	{ "Cisco Intercluster Sync Agent", 0, SVC_STARTED, "" },
	{ "Cisco Presence Engine", 0, SVC_STARTED, "" },
	{ "Cisco SIP Proxy", 0, SVC_STARTED, "" },
	{ "Cisco Server Recovery Manager", 0, SVC_STARTED, "" },
	{ "Cisco Tomcat", 0, SVC_STARTED, "" },
	{ "Cisco Tomcat Stats Servlet", 0, SVC_STARTED, "" },
	{ "Cisco XCP Authentication Service", 0, SVC_STARTED, "" },
	{ "Cisco XCP Connection Manager", 0, SVC_STARTED, "" },
	{ "Cisco XCP Router", 0, SVC_STARTED, "" },
	{ "Cisco XCP SIP Federation Connection Manager", 0, NA,
	    "Service Not Activated" },
	{ "Cisco XCP XMPP Federation Connection Manager", 0, NA,
	    "Service Not Activated" },
	{ "Host Resources Agent", 1, SVC_STARTED, "" },
	{ "SNMP Master Agent", 1, SVC_STARTED, "" },
	{ "System NTP", 1, SVC_STARTED, "" },
	{ NULL, 0, 0, NULL }
};

static const struct svc_def cucm_svcs[] = {
	{ "A Cisco DB", 0, SVC_STARTED, "" },
	{ "A Cisco DB Replicator", 0, SVC_STARTED, "" },
	{ "Cisco AXL Web Service", 0, SVC_STARTED, "" },
	{ "Cisco CTIManager", 0, SVC_STARTED, "" },
	{ "Cisco CallManager", 0, SVC_STARTED, "" },
	{ "Cisco Certificate Authority Proxy Function", 0, SVC_STARTED, "" },
	{ "Cisco Certificate Change Notification", 0, SVC_STARTED, "" },
	{ "Cisco Certificate Expiry Monitor", 0, SVC_STARTED, "" },
	{ "Cisco DRF Local", 0, SVC_STARTED, "" },
	{ "Cisco DRF Master", 0, SVC_STARTED, "" },
	{ "Cisco Database Layer Monitor", 0, SVC_STARTED, "" },
	{ "Cisco Tftp", 0, SVC_STARTED, "" },
	{ "Cisco Tomcat", 0, SVC_STARTED, "" },
	{ "Cisco Tomcat Stats Servlet", 0, SVC_STARTED, "" },
	{ "Cisco Trust Verification Service", 0, SVC_STARTED, "" },
	{ "Host Resources Agent", 1, SVC_STARTED, "" },
	{ "SNMP Master Agent", 1, SVC_STARTED, "" },
	{ "System NTP", 1, SVC_STARTED, "" },
	{ NULL, 0, 0, NULL }
};
#undef NA

static const char *const svc_state_names[] = { "STARTED", "STOPPED",
	"STARTING", "STOPPING", "NOTACTIVATED" };

const char *
sim_svc_state_name(int state)
{
	return state >= 0 && state <= SVC_NOTACTIVATED ?
	    svc_state_names[state] : "UNKNOWN";
}

static int
svc_state_parse(const char *s)
{
	int i;

	for (i = 0; i <= SVC_NOTACTIVATED; i++)
		if (strcasecmp(s, svc_state_names[i]) == 0)
			return i;
	return -1;
}

static const char *const port_names[] = { "tomcat", "cup", "cup-xmpp",
	"cup-xmpp-s2s" };
static const char *const port_keys[] = { "tomcat", "cup", "xmpp", "s2s" };
static const int port_defaults[] = { 8443, 5062, 5222, 5269 };

const char *
sim_port_name(int port)
{
	return port >= 0 && port < PORT_COUNT ? port_names[port] : "?";
}

static const char *const fault_names[] = { "drop", "slow", "stall",
	"regen-fail", "service-fail", "service-hang", "hostkey-changed",
	"auth-reject", "ansi", "tiny-pty", "drop-input", "huge-line",
	"nul-bytes", "axl" };

const char *
sim_fault_kind_name(int kind)
{
	return kind >= 0 && kind < FAULT_KIND_COUNT ? fault_names[kind] : "?";
}

static const char *const axl_mode_names[] = { "http-500", "soap-fault",
	"reset", "slow" };

const char *
sim_axl_mode_name(int mode)
{
	return mode >= 0 && mode < AXL_MODE_COUNT ? axl_mode_names[mode] : "?";
}

/* ------------------------------------------------------------ lookups */

struct sim_node *
sim_cluster_node(struct sim_cluster *cl, const char *name)
{
	size_t i;

	for (i = 0; i < cl->nnodes; i++)
		if (strcasecmp(cl->nodes[i].name, name) == 0)
			return &cl->nodes[i];
	return NULL;
}

struct sim_unit *
sim_node_unit(struct sim_node *n, const char *name)
{
	size_t i;

	for (i = 0; i < n->nunits; i++)
		if (strcasecmp(n->units[i].name, name) == 0)
			return &n->units[i];
	return NULL;
}

struct sim_svc *
sim_node_svc(struct sim_node *n, const char *name)
{
	size_t i;

	for (i = 0; i < n->nsvcs; i++)
		if (sim_words_eq(n->svcs[i].name, name))
			return &n->svcs[i];
	return NULL;
}

/* ------------------------------------------------------------ faults */

static const char *const fault_keys[] = { "kind", "node", "match", "prefix",
	"at", "when", "count", "ms", "lines", "rows", "unit", "service",
	"bytes", "mode", NULL };

static void
fault_parse(struct lctx *c, config_setting_t *g, struct sim_fault *f)
{
	char kind[32] = "", tmp[512] = "";
	int i;

	memset(f, 0, sizeof *f);
	f->kind = -1;
	if (!config_setting_is_group(g)) {
		lctx_err(c, g, "a fault is a group { kind = ...; }");
		return;
	}
	lctx_keys(c, g, fault_keys);
	if (!lctx_str(c, g, "kind", kind, sizeof kind)) {
		lctx_err(c, g, "a fault needs a kind");
		return;
	}
	for (i = 0; i < FAULT_KIND_COUNT; i++)
		if (strcmp(kind, fault_names[i]) == 0)
			f->kind = i;
	if (f->kind < 0) {
		lctx_err(c, g, "unknown fault kind '%s'", kind);
		return;
	}
	lctx_str(c, g, "node", f->node, sizeof f->node);
	if (strcmp(f->node, "*") == 0)
		f->node[0] = '\0';
	if (lctx_str(c, g, "match", tmp, sizeof tmp)) {
		if (regcomp(&f->rx, tmp, REG_EXTENDED | REG_NOSUB |
		    REG_ICASE) != 0)
			lctx_err(c, g, "bad regular expression '%s'", tmp);
		else
			f->has_rx = 1;
	}
	lctx_str(c, g, "prefix", f->prefix, sizeof f->prefix);
	lctx_int(c, g, "at", &f->at_cmd, 0, 1000000);
	if (lctx_str(c, g, "when", tmp, sizeof tmp)) {
		if (strcmp(tmp, "after") == 0)
			f->after = 1;
		else if (strcmp(tmp, "before") != 0)
			lctx_err(c, g, "'when' is \"before\" or \"after\"");
	}
	switch (f->kind) {
	case FAULT_DROP: case FAULT_STALL: case FAULT_REGEN_FAIL:
	case FAULT_SVC_FAIL: case FAULT_SVC_HANG: case FAULT_AXL:
		f->count = 1;
		break;
	default:
		f->count = -1;
	}
	if (lctx_int(c, g, "count", &f->count, 0, 1000000) && f->count == 0)
		f->count = -1;
	f->ms = f->kind == FAULT_SLOW ? 200 : f->kind == FAULT_DROP_INPUT ?
	    30 : f->kind == FAULT_AXL ? 3000 : 0;
	lctx_int(c, g, "ms", &f->ms, 0, 3600000);
	f->bytes = 1 << 20;
	if (lctx_int(c, g, "bytes", &f->bytes, 1, 64 << 20) &&
	    f->kind != FAULT_HUGE_LINE)
		lctx_err(c, g, "'bytes' is for huge-line faults");
	f->mode = -1;
	if (lctx_str(c, g, "mode", tmp, sizeof tmp)) {
		for (i = 0; i < AXL_MODE_COUNT; i++)
			if (strcmp(tmp, axl_mode_names[i]) == 0)
				f->mode = i;
		if (f->kind != FAULT_AXL)
			lctx_err(c, g, "'mode' is for axl faults");
		else if (f->mode < 0)
			lctx_err(c, g, "axl mode is http-500, soap-fault, "
			    "reset or slow");
	} else if (f->kind == FAULT_AXL)
		lctx_err(c, g, "an axl fault needs a mode (http-500, "
		    "soap-fault, reset or slow)");
	f->lines = 2;
	lctx_int(c, g, "lines", &f->lines, 0, 100000);
	f->rows = 6;
	lctx_int(c, g, "rows", &f->rows, 2, 1000);
	lctx_str(c, g, "unit", f->arg, sizeof f->arg);
	lctx_str(c, g, "service", f->arg, sizeof f->arg);
}

void
sim_faults_free(struct sim_fault *f, size_t n)
{
	size_t i;

	for (i = 0; f != NULL && i < n; i++)
		if (f[i].has_rx)
			regfree(&f[i].rx);
	free(f);
}

static int
faults_from(struct lctx *c, config_t *cfg, struct sim_fault **out,
    size_t *nout)
{
	config_setting_t *l = config_lookup(cfg, "faults");
	struct sim_fault *v = NULL;
	int i, n, before = c->nerr;

	*out = NULL;
	*nout = 0;
	if (l == NULL)
		return 0;
	if (!config_setting_is_aggregate(l)) {
		lctx_err(c, l, "'faults' must be a list of groups");
		return ERR_CONFIG;
	}
	n = config_setting_length(l);
	if (n > 0 && (v = calloc((size_t)n, sizeof *v)) == NULL)
		return ERR_NOMEM;
	for (i = 0; i < n; i++)
		fault_parse(c, config_setting_get_elem(l, (unsigned)i), &v[i]);
	if (c->nerr > before) {
		sim_faults_free(v, (size_t)n);
		return ERR_CONFIG;
	}
	*out = v;
	*nout = (size_t)n;
	return 0;
}

int
sim_faults_load(const char *path, struct sim_fault **out, size_t *n)
{
	struct lctx c = { path, 0 };
	config_t cfg;
	int r;

	config_init(&cfg);
	if (config_read_file(&cfg, path) != CONFIG_TRUE) {
		fprintf(stderr, "%s:%d: %s\n", path, config_error_line(&cfg),
		    config_error_text(&cfg));
		config_destroy(&cfg);
		return ERR_CONFIG;
	}
	r = faults_from(&c, &cfg, out, n);
	config_destroy(&cfg);
	return r;
}

/* ------------------------------------------------------------ nodes */

static const char *const cli_keys[] = { "prompt_after_newline",
	"drop_fast_input_ms", "rows", "ansi", "pager", "regen_confirm",
	"exec", "hardware", "cert_dump", "ha_form", "start_settle", NULL };

static void
cli_opts_parse(struct lctx *c, const config_setting_t *g,
    struct sim_cli_opts *o)
{
	char tmp[16];

	if (g == NULL)
		return;
	lctx_keys(c, g, cli_keys);
	lctx_bool(c, g, "prompt_after_newline", &o->prompt_after_newline);
	lctx_int(c, g, "drop_fast_input_ms", &o->drop_fast_ms, 0, 10000);
	lctx_int(c, g, "rows", &o->rows, 0, 1000);
	lctx_bool(c, g, "ansi", &o->ansi);
	lctx_bool(c, g, "pager", &o->pager);
	lctx_bool(c, g, "regen_confirm", &o->regen_confirm);
	if (lctx_num(c, g, "start_settle", &o->start_settle) &&
	    !(o->start_settle >= 0 && o->start_settle <= 3600))
		lctx_err(c, g, "'start_settle' is from 0 to 3600 seconds");
	if (lctx_str(c, g, "exec", tmp, sizeof tmp)) {
		if (strcmp(tmp, "hang") == 0)
			o->exec_hang = 1;
		else if (strcmp(tmp, "banner") == 0)
			o->exec_hang = 0;
		else
			lctx_err(c, g, "'exec' is \"banner\" or \"hang\"");
	}
	if (lctx_str(c, g, "hardware", tmp, sizeof tmp)) {
		if (strcmp(tmp, "vmware") && strcmp(tmp, "spaces") &&
		    strcmp(tmp, "warning") && strcmp(tmp, "none"))
			lctx_err(c, g, "'hardware' is vmware, spaces, "
			    "warning or none");
		else
			memcpy(o->hardware, tmp, strlen(tmp) + 1);
	}
	if (lctx_str(c, g, "cert_dump", tmp, sizeof tmp)) {
		if (strcmp(tmp, "java") && strcmp(tmp, "openssl"))
			lctx_err(c, g, "'cert_dump' is java or openssl");
		else
			memcpy(o->cert_dump, tmp, strlen(tmp) + 1);
	}
	if (lctx_str(c, g, "ha_form", tmp, sizeof tmp)) {
		if (strcmp(tmp, "A") && strcmp(tmp, "B"))
			lctx_err(c, g, "'ha_form' is \"A\" or \"B\"");
		else
			memcpy(o->ha_form, tmp, strlen(tmp) + 1);
	}
}

static int
methods_parse(struct lctx *c, const config_setting_t *g, int *out)
{
	char words[256], *p, *save = NULL;
	int m = 0;

	if (!lctx_words(c, g, "methods", words, sizeof words))
		return 0;
	for (p = strtok_r(words, " ", &save); p != NULL;
	    p = strtok_r(NULL, " ", &save)) {
		if (strcmp(p, "password") == 0)
			m |= SIM_AUTH_PASSWORD;
		else if (strcmp(p, "keyboard-interactive") == 0)
			m |= SIM_AUTH_KBDINT;
		else if (strcmp(p, "publickey") == 0)
			m |= SIM_AUTH_PUBKEY;
		else
			lctx_err(c, config_setting_get_member(g, "methods"),
			    "unknown auth method '%s'", p);
	}
	*out = m;
	return 1;
}

static const char *const cred_keys[] = { "user", "password", "methods",
	"authorized_keys", NULL };

static void
cred_parse(struct lctx *c, const config_setting_t *g, struct sim_node *n)
{
	if (g == NULL)
		return;
	lctx_keys(c, g, cred_keys);
	lctx_str(c, g, "user", n->user, sizeof n->user);
	lctx_dup(c, g, "password", &n->password);
	methods_parse(c, g, &n->methods);
	lctx_dup(c, g, "authorized_keys", &n->authorized_keys);
}

static const char *const port_group_keys[] = { "ssh", "tomcat", "cup",
	"xmpp", "s2s", NULL };

static void
ports_parse(struct lctx *c, const config_setting_t *g, struct sim_node *n)
{
	int i;

	if (g == NULL)
		return;
	lctx_keys(c, g, port_group_keys);
	lctx_int(c, g, "ssh", &n->ssh_port, 1, 65535);
	for (i = 0; i < PORT_COUNT; i++)
		lctx_int(c, g, port_keys[i], &n->ports[i], 0, 65535);
}

struct delay_ov {
	char name[SIM_NAME];
	double stop, start;
};

static void
svcs_build(struct lctx *c, struct sim_cluster *cl, struct sim_node *n,
    const config_setting_t *ov, double stop_s, double start_s,
    const struct delay_ov *dov, size_t ndov)
{
	const struct svc_def *d = n->product == SIM_IMP ? imp_svcs : cucm_svcs;
	struct sim_svc *s;
	size_t i, k;
	int j, len;

	n->nsvcs = 0;
	for (; d->name != NULL; d++) {
		if (n->product == SIM_CUCM && !n->cucm_pub &&
		    (strcmp(d->name, "Cisco DRF Master") == 0 ||
		    strcmp(d->name, "Cisco Certificate Authority Proxy "
		    "Function") == 0))
			continue;
		s = &n->svcs[n->nsvcs++];
		memset(s, 0, sizeof *s);
		memcpy(s->name, d->name, strlen(d->name) + 1);
		s->platform = d->platform;
		s->state = d->state;
		memcpy(s->reason, d->reason, strlen(d->reason) + 1);
		if (n->product == SIM_CUCM && !n->cucm_pub &&
		    strcmp(d->name, "Cisco AXL Web Service") == 0) {
			s->state = SVC_NOTACTIVATED;
			memcpy(s->reason, "Service Not Activated", 22);
		}
		if ((strstr(d->name, "SIP Federation") && cl->fed_sip) ||
		    (strstr(d->name, "XMPP Federation") && cl->fed_xmpp)) {
			s->state = SVC_STARTED;
			s->reason[0] = '\0';
		}
	}
	len = ov ? config_setting_length(ov) : 0;
	for (j = 0; j < len; j++) {
		static const char *const keys[] = { "name", "state", "reason",
			"platform", NULL };
		config_setting_t *g = config_setting_get_elem(ov, (unsigned)j);
		char name[SIM_NAME] = "", state[16] = "";
		int st;

		lctx_keys(c, g, keys);
		if (!lctx_str(c, g, "name", name, sizeof name)) {
			lctx_err(c, g, "a service needs a name");
			continue;
		}
		if ((s = sim_node_svc(n, name)) == NULL) {
			if (n->nsvcs >= SIM_MAX_SVCS) {
				lctx_err(c, g, "too many services");
				continue;
			}
			s = &n->svcs[n->nsvcs++];
			memset(s, 0, sizeof *s);
			memcpy(s->name, name, strlen(name) + 1);
		}
		if (lctx_str(c, g, "state", state, sizeof state)) {
			if ((st = svc_state_parse(state)) < 0 ||
			    st == SVC_STARTING || st == SVC_STOPPING)
				lctx_err(c, g, "state is STARTED, STOPPED or "
				    "NOTACTIVATED");
			else
				s->state = st;
		}
		lctx_str(c, g, "reason", s->reason, sizeof s->reason);
		lctx_bool(c, g, "platform", &s->platform);
	}
	for (i = 0; i < n->nsvcs; i++) {
		s = &n->svcs[i];
		s->stop_ms = sim_scale(cl, stop_s);
		s->start_ms = sim_scale(cl, start_s);
		for (k = 0; k < ndov; k++)
			if (sim_words_eq(dov[k].name, s->name)) {
				if (dov[k].stop >= 0)
					s->stop_ms = sim_scale(cl, dov[k].stop);
				if (dov[k].start >= 0)
					s->start_ms = sim_scale(cl,
					    dov[k].start);
			}
	}
}

/* A node's "key = { unit = days; }" into each unit's validity_days
 * (regen 0) or regen_days (regen 1; 0 days is refused there, it means
 * the default). */
static void
validity_parse(struct lctx *c, struct sim_node *n, const config_setting_t *g,
    const char *key, int regen)
{
	config_setting_t *val = g ? config_setting_get_member(g, key) : NULL;
	int i, len, days;

	if (val == NULL)
		return;
	if (!config_setting_is_group(val)) {
		lctx_err(c, val, "%s is a group { unit = days; }", key);
		return;
	}
	len = config_setting_length(val);
	for (i = 0; i < len; i++) {
		config_setting_t *m = config_setting_get_elem(val,
		    (unsigned)i);
		struct sim_unit *x;

		x = sim_node_unit(n, config_setting_name(m));
		if (x == NULL) {
			lctx_err(c, m, "no unit '%s' on %s",
			    config_setting_name(m), n->name);
			continue;
		}
		if (!lctx_int(c, val, config_setting_name(m), &days, -36500,
		    36500))
			continue;
		if (!regen)
			x->validity_days = days;
		else if (days == 0)
			lctx_err(c, m, "%s: 0 days (leave the unit out for "
			    "the default)", key);
		else
			x->regen_days = days;
	}
}

static void
units_build(struct lctx *c, struct sim_node *n, const config_setting_t *g)
{
	const char *const *u = n->product == SIM_IMP ? imp_units : cucm_units;
	char words[256], *p, *save = NULL;

	n->nunits = 0;
	for (; *u != NULL; u++) {
		struct sim_unit *x = &n->units[n->nunits++];

		memset(x, 0, sizeof *x);
		memcpy(x->name, *u, strlen(*u) + 1);
		x->ec = strstr(*u, "-ECDSA") != NULL;
		x->validity_days = 1826;
	}
	validity_parse(c, n, g, "validity", 0);
	validity_parse(c, n, g, "regen_validity", 1);
	memcpy(words, n->ca_units, strlen(n->ca_units) + 1);
	for (p = strtok_r(words, " ", &save); p != NULL;
	    p = strtok_r(NULL, " ", &save)) {
		struct sim_unit *x = sim_node_unit(n, p);

		if (x == NULL)
			lctx_err(c, g, "ca_signed: no unit '%s' on %s", p,
			    n->name);
		else
			x->ca_signed = 1;
	}
}

static const char *const node_keys[] = { "name", "fqdn", "ip", "ssh_port",
	"product", "cucm_role", "db_role", "version", "credentials", "ports",
	"cli", "ca_signed", "validity", "regen_validity", "services", NULL };

static int
version_major(const char *v)
{
	long m = strtol(v, NULL, 10);

	return m < 0 || m > 99 ? 0 : (int)m;
}

/* ------------------------------------------------------------ cluster */

static const char *const top_keys[] = { "name", "domain", "time_factor",
	"rsa_bits", "host_key", "version", "credentials", "axl", "federation",
	"sso", "delays", "ports", "cli", "nodes", "groups", "ca", "subject",
	"expired_trust", "faults", NULL };

int
sim_cluster_load(struct sim_cluster *cl, const char *path)
{
	struct lctx c = { path, 0 };
	config_t cfg;
	config_setting_t *root, *nodes, *g, *dl;
	struct sim_node proto;
	struct delay_ov *dov = NULL;
	size_t ndov = 0, i, k;
	char domain[96] = "sim.lab", version[32] = "14.0.1.12900-2";
	double stop_s = 4, start_s = 10, d;
	int n, j, seen_cucm_pub = 0, seen_imp_pub = 0, r = ERR_CONFIG;

	memset(cl, 0, sizeof *cl);
	pthread_mutex_init(&cl->lock, NULL);
	if (strlen(path) >= sizeof cl->file)
		return ERR_TOOBIG;
	memcpy(cl->file, path, strlen(path) + 1);
	config_init(&cfg);
	if (config_read_file(&cfg, path) != CONFIG_TRUE) {
		fprintf(stderr, "%s:%d: %s\n", path, config_error_line(&cfg),
		    config_error_text(&cfg));
		config_destroy(&cfg);
		return ERR_CONFIG;
	}
	root = config_root_setting(&cfg);
	lctx_keys(&c, root, top_keys);

	memcpy(cl->name, "vos-sim", 8);
	lctx_str(&c, root, "name", cl->name, sizeof cl->name);
	lctx_str(&c, root, "domain", domain, sizeof domain);
	lctx_str(&c, root, "version", version, sizeof version);
	cl->time_factor = 1.0;
	if (lctx_num(&c, root, "time_factor", &d)) {
		if (d < 0 || d > 100)
			lctx_err(&c, config_setting_get_member(root,
			    "time_factor"), "time_factor is from 0 to 100");
		else
			cl->time_factor = d;
	}
	cl->rsa_bits = 2048;
	lctx_int(&c, root, "rsa_bits", &cl->rsa_bits, 1024, 8192);
	memcpy(cl->host_key_type, "ecdsa", 6);
	if (lctx_str(&c, root, "host_key", cl->host_key_type,
	    sizeof cl->host_key_type) && strcmp(cl->host_key_type, "ecdsa") &&
	    strcmp(cl->host_key_type, "ed25519") &&
	    strcmp(cl->host_key_type, "rsa"))
		lctx_err(&c, root, "host_key is ecdsa, ed25519 or rsa");
	lctx_bool(&c, root, "sso", &cl->sso);

	if ((g = config_setting_get_member(root, "federation")) != NULL) {
		static const char *const keys[] = { "sip", "xmpp", NULL };

		lctx_keys(&c, g, keys);
		lctx_bool(&c, g, "sip", &cl->fed_sip);
		lctx_bool(&c, g, "xmpp", &cl->fed_xmpp);
	}
	memcpy(cl->axl_user, "axladmin", 9);
	if ((g = config_setting_get_member(root, "axl")) != NULL) {
		static const char *const keys[] = { "user", "password", NULL };

		lctx_keys(&c, g, keys);
		lctx_str(&c, g, "user", cl->axl_user, sizeof cl->axl_user);
		lctx_dup(&c, g, "password", &cl->axl_password);
	}
	memcpy(cl->ca_name, "VOS-SIM Issuing CA", 19);
	if ((g = config_setting_get_member(root, "ca")) != NULL) {
		static const char *const keys[] = { "name", NULL };

		lctx_keys(&c, g, keys);
		lctx_str(&c, g, "name", cl->ca_name, sizeof cl->ca_name);
	}
	memcpy(cl->org, "Simulated Lab", 14);
	memcpy(cl->ou, "UC", 3);
	memcpy(cl->locality, "San Jose", 9);
	memcpy(cl->st, "California", 11);
	memcpy(cl->country, "US", 3);
	if ((g = config_setting_get_member(root, "subject")) != NULL) {
		static const char *const keys[] = { "o", "ou", "l", "st", "c",
			NULL };

		lctx_keys(&c, g, keys);
		lctx_str(&c, g, "o", cl->org, sizeof cl->org);
		lctx_str(&c, g, "ou", cl->ou, sizeof cl->ou);
		lctx_str(&c, g, "l", cl->locality, sizeof cl->locality);
		lctx_str(&c, g, "st", cl->st, sizeof cl->st);
		lctx_str(&c, g, "c", cl->country, sizeof cl->country);
	}

	/* Delays, in seconds of simulated time. */
	d = 8;
	if ((g = config_setting_get_member(root, "delays")) != NULL) {
		static const char *const keys[] = { "cli_start", "regen",
			"service_stop", "service_start", "services", NULL };

		lctx_keys(&c, g, keys);
		lctx_num(&c, g, "cli_start", &d);
		lctx_num(&c, g, "service_stop", &stop_s);
		lctx_num(&c, g, "service_start", &start_s);
	}
	cl->cli_start_ms = sim_scale(cl, d);
	d = 6;
	if (g != NULL)
		lctx_num(&c, g, "regen", &d);
	cl->regen_ms = sim_scale(cl, d);
	if (g != NULL && (dl = config_setting_get_member(g, "services"))) {
		n = config_setting_length(dl);
		dov = calloc((size_t)n + 1, sizeof *dov);
		for (j = 0; dov != NULL && j < n; j++) {
			static const char *const keys[] = { "name", "stop",
				"start", NULL };
			config_setting_t *e = config_setting_get_elem(dl,
			    (unsigned)j);

			lctx_keys(&c, e, keys);
			dov[ndov].stop = dov[ndov].start = -1;
			if (!lctx_str(&c, e, "name", dov[ndov].name,
			    sizeof dov[ndov].name)) {
				lctx_err(&c, e, "a service delay needs a name");
				continue;
			}
			lctx_num(&c, e, "stop", &dov[ndov].stop);
			lctx_num(&c, e, "start", &dov[ndov].start);
			ndov++;
		}
	}

	/* What every node inherits. */
	memset(&proto, 0, sizeof proto);
	proto.ssh_port = 22;
	for (j = 0; j < PORT_COUNT; j++)
		proto.ports[j] = port_defaults[j];
	memcpy(proto.user, "admin", 6);
	proto.methods = SIM_AUTH_PASSWORD | SIM_AUTH_KBDINT | SIM_AUTH_PUBKEY;
	proto.cli.pager = 1;
	proto.cli.regen_confirm = 1;
	memcpy(proto.cli.hardware, "vmware", 7);
	memcpy(proto.cli.cert_dump, "java", 5);
	ports_parse(&c, config_setting_get_member(root, "ports"), &proto);
	cli_opts_parse(&c, config_setting_get_member(root, "cli"), &proto.cli);
	cred_parse(&c, config_setting_get_member(root, "credentials"), &proto);

	nodes = config_setting_get_member(root, "nodes");
	if (nodes == NULL || !config_setting_is_list(nodes) ||
	    config_setting_length(nodes) == 0) {
		lctx_err(&c, nodes ? nodes : root,
		    "'nodes' must be a non-empty list of groups");
		goto out;
	}
	n = config_setting_length(nodes);
	if (n > SIM_MAX_NODES) {
		lctx_err(&c, nodes, "at most %d nodes", SIM_MAX_NODES);
		goto out;
	}
	if ((cl->nodes = calloc((size_t)n, sizeof *cl->nodes)) == NULL) {
		r = ERR_NOMEM;
		goto out;
	}
	for (j = 0; j < n; j++) {
		struct sim_node *x = &cl->nodes[cl->nnodes];
		char tmp[32] = "";
		struct in_addr in;

		g = config_setting_get_elem(nodes, (unsigned)j);
		if (!config_setting_is_group(g)) {
			lctx_err(&c, g, "a node is a group");
			continue;
		}
		cl->nnodes++;
		lctx_keys(&c, g, node_keys);
		*x = proto;
		x->password = proto.password ? strdup(proto.password) : NULL;
		x->authorized_keys = proto.authorized_keys ?
		    strdup(proto.authorized_keys) : NULL;
		x->group = -1;
		if (!lctx_str(&c, g, "name", x->name, sizeof x->name)) {
			lctx_err(&c, g, "a node needs a name");
			continue;
		}
		for (k = 0; x->name[k]; k++)
			if (!isalnum((unsigned char)x->name[k]) &&
			    x->name[k] != '-' && x->name[k] != '_')
				break;
		if (x->name[k] != '\0')
			lctx_err(&c, g, "node name '%s': letters, digits, - "
			    "and _ only", x->name);
		if (sim_cluster_node(cl, x->name) != x)
			lctx_err(&c, g, "node '%s' listed twice", x->name);
		if (!lctx_str(&c, g, "fqdn", x->fqdn, sizeof x->fqdn)) {
			for (k = 0; x->name[k]; k++)
				x->fqdn[k] = (char)tolower(
				    (unsigned char)x->name[k]);
			snprintf(x->fqdn + k, sizeof x->fqdn - k, ".%s",
			    domain);
		}
		/* inet_pton: what main_listen() will bind, no other form. */
		if (!lctx_str(&c, g, "ip", x->ip, sizeof x->ip) ||
		    inet_pton(AF_INET, x->ip, &in) != 1 ||
		    (ntohl(in.s_addr) >> 24) != 127)
			lctx_err(&c, g, "node %s needs an ip on 127.0.0.0/8",
			    x->name);
		ports_parse(&c, config_setting_get_member(g, "ports"), x);
		lctx_int(&c, g, "ssh_port", &x->ssh_port, 1, 65535);
		if (!lctx_str(&c, g, "product", tmp, sizeof tmp))
			lctx_err(&c, g, "node %s needs a product", x->name);
		else if (strcmp(tmp, "cucm") == 0)
			x->product = SIM_CUCM;
		else if (strcmp(tmp, "imp") == 0)
			x->product = SIM_IMP;
		else
			lctx_err(&c, g, "product is cucm or imp");
		if (lctx_str(&c, g, "cucm_role", tmp, sizeof tmp)) {
			if (strcmp(tmp, "publisher") == 0)
				x->cucm_pub = 1;
			else if (strcmp(tmp, "subscriber") != 0)
				lctx_err(&c, g, "cucm_role is publisher or "
				    "subscriber");
		} else
			x->cucm_pub = x->product == SIM_CUCM && !seen_cucm_pub;
		if (lctx_str(&c, g, "db_role", tmp, sizeof tmp)) {
			if (strcmp(tmp, "publisher") == 0)
				x->db_pub = 1;
			else if (strcmp(tmp, "subscriber") != 0)
				lctx_err(&c, g, "db_role is publisher or "
				    "subscriber");
		} else
			x->db_pub = x->product == SIM_CUCM ? x->cucm_pub :
			    !seen_imp_pub;
		if (x->product == SIM_IMP && x->cucm_pub)
			lctx_err(&c, g, "an IM/P node is a CUCM subscriber");
		if (x->cucm_pub)
			seen_cucm_pub++;
		if (x->product == SIM_IMP && x->db_pub)
			seen_imp_pub++;
		memcpy(x->version, version, sizeof version);
		lctx_str(&c, g, "version", x->version, sizeof x->version);
		if ((x->major = version_major(x->version)) < 8)
			lctx_err(&c, g, "version '%s' is not like 14.0.1.1-1",
			    x->version);
		cred_parse(&c, config_setting_get_member(g, "credentials"), x);
		if (x->password == NULL && !(x->methods == SIM_AUTH_PUBKEY))
			lctx_err(&c, g, "node %s has no password", x->name);
		if (x->methods == 0)
			lctx_err(&c, g, "node %s allows no auth method",
			    x->name);
		cli_opts_parse(&c, config_setting_get_member(g, "cli"),
		    &x->cli);
		lctx_words(&c, g, "ca_signed", x->ca_units,
		    sizeof x->ca_units);
		if (x->product == SIM_CUCM) {
			x->ports[PORT_CUP] = x->ports[PORT_XMPP] = 0;
			x->ports[PORT_S2S] = 0;
		} else if (!cl->fed_xmpp)
			x->ports[PORT_S2S] = 0;
		units_build(&c, x, g);
		svcs_build(&c, cl, x, config_setting_get_member(g, "services"),
		    stop_s, start_s, dov, ndov);
	}
	if (seen_cucm_pub != 1)
		lctx_err(&c, nodes, "the cluster needs one CUCM publisher");
	if (seen_imp_pub > 1)
		lctx_err(&c, nodes, "more than one IM/P DB publisher");
	for (i = 0; i < cl->nnodes; i++)
		for (k = i + 1; k < cl->nnodes; k++)
			if (strcmp(cl->nodes[i].ip, cl->nodes[k].ip) == 0 &&
			    cl->nodes[i].ssh_port == cl->nodes[k].ssh_port)
				lctx_err(&c, nodes, "%s and %s share %s:%d",
				    cl->nodes[i].name, cl->nodes[k].name,
				    cl->nodes[i].ip, cl->nodes[i].ssh_port);

	/* Presence Redundancy Groups. */
	if ((g = config_setting_get_member(root, "groups")) != NULL) {
		n = config_setting_length(g);
		cl->groups = calloc((size_t)n + 1, sizeof *cl->groups);
		for (j = 0; cl->groups != NULL && j < n; j++) {
			static const char *const keys[] = { "name", "nodes",
				"ha", NULL };
			config_setting_t *e = config_setting_get_elem(g,
			    (unsigned)j);
			struct sim_group *gr = &cl->groups[cl->ngroups];
			char words[256], *p, *save = NULL;

			lctx_keys(&c, e, keys);
			if (!lctx_str(&c, e, "name", gr->name,
			    sizeof gr->name)) {
				lctx_err(&c, e, "a group needs a name");
				continue;
			}
			lctx_bool(&c, e, "ha", &gr->ha);
			if (!lctx_words(&c, e, "nodes", words, sizeof words))
				words[0] = '\0';
			for (p = strtok_r(words, " ", &save); p != NULL;
			    p = strtok_r(NULL, " ", &save)) {
				struct sim_node *x = sim_cluster_node(cl, p);

				if (x == NULL || x->product != SIM_IMP) {
					lctx_err(&c, e, "group %s: '%s' is "
					    "not an IM/P node", gr->name, p);
					continue;
				}
				if (gr->nnodes == 2) {
					lctx_err(&c, e, "a group has at most "
					    "two nodes");
					break;
				}
				if (x->group >= 0)
					lctx_err(&c, e, "%s is in two groups",
					    x->name);
				x->group = (int)cl->ngroups;
				gr->nodes[gr->nnodes++] = (int)(x - cl->nodes);
			}
			if (gr->nnodes == 0)
				lctx_err(&c, e, "group %s has no nodes",
				    gr->name);
			snprintf(gr->uuid, sizeof gr->uuid,
			    "{%08X-4E1C-A7D2-%04X-5C1D0000%04X}",
			    0x3F2A0000u + ((unsigned)j & 0xffff),
			    0x9B00u + ((unsigned)j & 0xff),
			    (unsigned)j & 0xffff);
			cl->ngroups++;
		}
	}

	/* Expired certificates seeded in trust stores. */
	if ((g = config_setting_get_member(root, "expired_trust")) != NULL) {
		n = config_setting_length(g);
		cl->expired = calloc((size_t)n + 1, sizeof *cl->expired);
		for (j = 0; cl->expired != NULL && j < n; j++) {
			static const char *const keys[] = { "nodes", "unit",
				"cn", "serial_in_name", "days_ago", NULL };
			config_setting_t *e = config_setting_get_elem(g,
			    (unsigned)j);
			struct sim_expired *x = &cl->expired[cl->nexpired];

			lctx_keys(&c, e, keys);
			memcpy(x->nodes, "*", 2);
			lctx_words(&c, e, "nodes", x->nodes, sizeof x->nodes);
			if (!lctx_str(&c, e, "unit", x->unit, sizeof x->unit) ||
			    strlen(x->unit) < 7 ||
			    strcmp(x->unit + strlen(x->unit) - 6, "-trust")) {
				lctx_err(&c, e, "expired_trust needs a unit "
				    "ending in -trust");
				continue;
			}
			if (!lctx_str(&c, e, "cn", x->cn, sizeof x->cn)) {
				lctx_err(&c, e, "expired_trust needs a cn");
				continue;
			}
			x->serial_in_name = 1;
			lctx_bool(&c, e, "serial_in_name", &x->serial_in_name);
			x->days_ago = 30;
			lctx_int(&c, e, "days_ago", &x->days_ago, 1, 36500);
			cl->nexpired++;
		}
	}

	if (faults_from(&c, &cfg, &cl->faults, &cl->nfaults) == ERR_NOMEM) {
		r = ERR_NOMEM;
		goto out;
	}
	r = c.nerr ? ERR_CONFIG : 0;
out:
	free(proto.password);
	free(proto.authorized_keys);
	free(dov);
	config_destroy(&cfg);
	if (r != 0)
		sim_cluster_free(cl);   /* outputs only on success */
	return r;
}

void
sim_cluster_free(struct sim_cluster *cl)
{
	size_t i, k;

	for (i = 0; i < cl->nnodes; i++) {
		struct sim_node *n = &cl->nodes[i];

		if (n->password != NULL) {
			memset(n->password, 0, strlen(n->password));
			free(n->password);
		}
		free(n->authorized_keys);
		for (k = 0; k < n->nunits; k++) {
			X509_free(n->units[k].cert);
			EVP_PKEY_free(n->units[k].key);
			X509_free(n->units[k].served);
			EVP_PKEY_free(n->units[k].served_key);
			X509_free(n->units[k].staged);
			EVP_PKEY_free(n->units[k].staged_key);
		}
		for (k = 0; k < n->ntrust; k++)
			X509_free(n->trust[k].cert);
		free(n->trust);
	}
	free(cl->nodes);
	free(cl->groups);
	free(cl->expired);
	free(cl->axl_password);
	sim_faults_free(cl->faults, cl->nfaults);
	X509_free(cl->ca);
	EVP_PKEY_free(cl->ca_key);
	pthread_mutex_destroy(&cl->lock);
	memset(cl, 0, sizeof *cl);
}

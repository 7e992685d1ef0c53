/* sim-state: certificates, trust stores, services and HA, on disk. */
#include "config.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "err.h"
#include "sim-cert.h"
#include "sim-events.h"
#include "sim-state.h"
#include "sim-util.h"

/* Where a node's certificate of a unit lands in trust stores. */
enum { TO_ALL, TO_IMP, TO_CUCM, TO_IPSEC };
static const struct {
	const char *unit, *trust;
	int scope;
} state_props[] = {
	{ "tomcat", "tomcat-trust", TO_ALL },
	{ "tomcat-ECDSA", "tomcat-trust", TO_ALL },
	{ "ipsec", "ipsec-trust", TO_IPSEC },
	{ "cup", "cup-trust", TO_IMP },
	{ "cup", "CallManager-trust", TO_CUCM },
	{ "cup-ECDSA", "cup-trust", TO_IMP },
	{ "cup-xmpp", "cup-xmpp-trust", TO_IMP },
	{ "cup-xmpp-ECDSA", "cup-xmpp-trust", TO_IMP },
	{ "cup-xmpp-s2s", "cup-xmpp-trust", TO_IMP },
	{ "cup-xmpp-s2s-ECDSA", "cup-xmpp-trust", TO_IMP },
	{ "CallManager", "CallManager-trust", TO_CUCM },
	{ "CallManager-ECDSA", "CallManager-trust", TO_CUCM },
	{ "CAPF", "CAPF-trust", TO_CUCM },
	{ "TVS", "CallManager-trust", TO_CUCM },
};
#define NPROPS (sizeof state_props / sizeof state_props[0])

static int
state_prop_hits(const struct sim_cluster *cl, const struct sim_node *src,
    const struct sim_node *dst, int scope)
{
	switch (scope) {
	case TO_ALL: return 1;
	case TO_IMP: return dst->product == SIM_IMP;
	case TO_CUCM: return dst->product == SIM_CUCM;
	case TO_IPSEC: return src->cucm_pub || dst->cucm_pub || src == dst;
	}
	(void)cl;
	return 0;
}

static void
state_unit_cn(const struct sim_node *n, const struct sim_unit *u, char *out,
    size_t sz)
{
	if (strcmp(u->name, "CAPF") == 0)
		snprintf(out, sz, "CAPF-%s", n->name);
	else if (strcmp(u->name, "ITLRecovery") == 0)
		snprintf(out, sz, "ITLRECOVERY_%s", n->name);
	else
		snprintf(out, sz, "%s%s", n->name, u->ec ? "-EC" : "");
}

static X509 *
state_unit_cert(struct sim_cluster *cl, struct sim_node *n,
    struct sim_unit *u, EVP_PKEY *key, int ca)
{
	struct cert_subject s;
	char cn[128];
	long from = -60, to = (long)u->validity_days * 86400;

	state_unit_cn(n, u, cn, sizeof cn);
	memset(&s, 0, sizeof s);
	s.cn = cn;
	s.o = cl->org;
	s.ou = cl->ou;
	s.l = cl->locality;
	s.st = cl->st;
	s.c = cl->country;
	s.dns1 = n->fqdn;
	s.dns2 = n->name;
	if (u->validity_days <= 0)
		from = to - 2L * 365 * 86400;
	return cert_new(key, &s, ca ? cl->ca : NULL, ca ? cl->ca_key : NULL,
	    from, to, strcmp(u->name, "ipsec") == 0 ? CERT_IPSEC : 0);
}

/* Replace *x / *k with new references to nx / nk. */
static void
state_ref(X509 **x, EVP_PKEY **k, X509 *nx, EVP_PKEY *nk)
{
	X509_up_ref(nx);
	EVP_PKEY_up_ref(nk);
	X509_free(*x);
	EVP_PKEY_free(*k);
	*x = nx;
	*k = nk;
}

static int
state_save_pair(struct sim_node *n, const char *sub, const char *unit,
    X509 *x, EVP_PKEY *k)
{
	char p[4300];

	if (sim_path(p, sizeof p, "%s/%s", n->dir, sub) != 0 ||
	    sim_mkdirs(p, 0700) != 0 ||
	    sim_path(p, sizeof p, "%s/%s/%s.key", n->dir, sub, unit) != 0 ||
	    cert_key_write(p, k) != 0 ||
	    sim_path(p, sizeof p, "%s/%s/%s.pem", n->dir, sub, unit) != 0 ||
	    cert_write(p, x) != 0)
		return ERR_IO;
	return 0;
}

static int
state_load_pair(struct sim_node *n, const char *sub, const char *unit,
    X509 **x, EVP_PKEY **k)
{
	char p[4300];

	if (sim_path(p, sizeof p, "%s/%s/%s.pem", n->dir, sub, unit) != 0 ||
	    !sim_exists(p))
		return ERR_NOTFOUND;
	if ((*x = cert_read(p)) == NULL)
		return ERR_CRYPTO;
	if (sim_path(p, sizeof p, "%s/%s/%s.key", n->dir, sub, unit) != 0 ||
	    (*k = cert_key_read(p)) == NULL) {
		X509_free(*x);
		*x = NULL;
		return ERR_CRYPTO;
	}
	return 0;
}

/* ------------------------------------------------------------ trust */

static int
state_trust_cmp(const void *a, const void *b)
{
	const struct sim_trust *x = a, *y = b;
	int c = strcmp(x->unit, y->unit);

	return c ? c : strcmp(x->file, y->file);
}

void
state_trust_sort(struct sim_node *n)
{
	if (n->ntrust > 1)
		qsort(n->trust, n->ntrust, sizeof *n->trust, state_trust_cmp);
}

struct sim_trust *
state_trust_find(struct sim_node *n, const char *unit, const char *file)
{
	size_t i;

	for (i = 0; i < n->ntrust; i++)
		if (strcasecmp(n->trust[i].unit, unit) == 0 &&
		    strcmp(n->trust[i].file, file) == 0)
			return &n->trust[i];
	return NULL;
}

/* Add (or replace) unit/file holding x; persist when save. */
static int
state_trust_put(struct sim_node *n, const char *unit, const char *file,
    X509 *x, int save)
{
	struct sim_trust *t = state_trust_find(n, unit, file), *v;
	char p[4400];

	if (strlen(unit) >= sizeof t->unit || strlen(file) >= sizeof t->file)
		return ERR_TOOBIG;
	if (t == NULL) {
		v = realloc(n->trust, (n->ntrust + 1) * sizeof *v);
		if (v == NULL)
			return ERR_NOMEM;
		n->trust = v;
		t = &v[n->ntrust++];
		memset(t, 0, sizeof *t);
		memcpy(t->unit, unit, strlen(unit) + 1);
		memcpy(t->file, file, strlen(file) + 1);
	}
	X509_up_ref(x);
	X509_free(t->cert);
	t->cert = x;
	if (save) {
		/* Most writes go to a directory that exists: try first. */
		if (sim_path(p, sizeof p, "%s/trust/%s/%s", n->dir, unit,
		    file) != 0)
			return ERR_TOOBIG;
		if (cert_write(p, x) == 0)
			return 0;
		if (sim_path(p, sizeof p, "%s/trust/%s", n->dir, unit) != 0 ||
		    sim_mkdirs(p, 0700) != 0 ||
		    sim_path(p, sizeof p, "%s/trust/%s/%s", n->dir, unit,
		    file) != 0 || cert_write(p, x) != 0)
			return ERR_IO;
	}
	return 0;
}

static void
state_trust_remove(struct sim_node *n, size_t i)
{
	char p[4400];

	if (sim_path(p, sizeof p, "%s/trust/%s/%s", n->dir, n->trust[i].unit,
	    n->trust[i].file) == 0)
		unlink(p);
	X509_free(n->trust[i].cert);
	memmove(&n->trust[i], &n->trust[i + 1],
	    (n->ntrust - i - 1) * sizeof *n->trust);
	n->ntrust--;
}

static void
state_trust_file(X509 *x, int with_serial, char *out, size_t sz)
{
	char cn[128], serial[80];

	cert_cn(x, cn, sizeof cn);
	cert_serial_hex(x, serial, sizeof serial);
	if (with_serial)
		snprintf(out, sz, "%s_%s.pem", cn, serial);
	else
		snprintf(out, sz, "%s.pem", cn);
}

/* Put src's certificate of unit u in the trust stores it reaches; drop
 * the entry of the certificate it replaces (old, may be NULL). */
static void
state_trust_spread(struct sim_cluster *cl, struct sim_node *src,
    struct sim_unit *u, X509 *old, int save)
{
	char file[300];
	size_t p, i, k;

	for (p = 0; p < NPROPS; p++) {
		if (strcmp(state_props[p].unit, u->name) != 0)
			continue;
		for (i = 0; i < cl->nnodes; i++) {
			struct sim_node *dst = &cl->nodes[i];

			if (!state_prop_hits(cl, src, dst,
			    state_props[p].scope))
				continue;
			for (k = 0; old != NULL && k < dst->ntrust; k++)
				if (strcmp(dst->trust[k].unit,
				    state_props[p].trust) == 0 &&
				    X509_cmp(dst->trust[k].cert, old) == 0) {
					state_trust_remove(dst, k);
					break;
				}
			state_trust_file(u->cert, 1, file, sizeof file);
			state_trust_put(dst, state_props[p].trust, file,
			    u->cert, save);
			state_trust_sort(dst);
		}
	}
}

static int
state_trust_load(struct sim_node *n)
{
	char p[4400];
	DIR *d, *d2;
	struct dirent *e, *f;

	if (sim_path(p, sizeof p, "%s/trust", n->dir) != 0 ||
	    (d = opendir(p)) == NULL)
		return ERR_NOTFOUND;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (sim_path(p, sizeof p, "%s/trust/%s", n->dir,
		    e->d_name) != 0 || (d2 = opendir(p)) == NULL)
			continue;
		while ((f = readdir(d2)) != NULL) {
			X509 *x;

			if (f->d_name[0] == '.' || strstr(f->d_name, ".tmp"))
				continue;
			if (sim_path(p, sizeof p, "%s/trust/%s/%s", n->dir,
			    e->d_name, f->d_name) != 0 ||
			    (x = cert_read(p)) == NULL)
				continue;
			state_trust_put(n, e->d_name, f->d_name, x, 0);
			X509_free(x);
		}
		closedir(d2);
	}
	closedir(d);
	state_trust_sort(n);
	return 0;
}

static int
state_words_has(const char *words, const char *w)
{
	size_t l = strlen(w);
	const char *p = words;

	if (strcmp(words, "*") == 0)
		return 1;
	while ((p = strstr(p, w)) != NULL) {
		if ((p == words || p[-1] == ' ') && (p[l] == ' ' || !p[l]))
			return 1;
		p += l;
	}
	return 0;
}

/* First start: every node's certificates where a real cluster has them,
 * the CA where CA-signed units are, and the expired seeds. */
static int
state_trust_seed(struct sim_cluster *cl, int use_ca)
{
	size_t i, k;
	char file[300];

	for (i = 0; i < cl->nnodes; i++)
		for (k = 0; k < cl->nodes[i].nunits; k++)
			state_trust_spread(cl, &cl->nodes[i],
			    &cl->nodes[i].units[k], NULL, 1);
	for (i = 0; use_ca && i < cl->nnodes; i++) {
		state_trust_file(cl->ca, 0, file, sizeof file);
		state_trust_put(&cl->nodes[i], "tomcat-trust", file, cl->ca,
		    1);
		state_trust_put(&cl->nodes[i], "cup-trust", file, cl->ca, 1);
	}
	for (k = 0; k < cl->nexpired; k++) {
		struct sim_expired *e = &cl->expired[k];
		struct cert_subject s;
		EVP_PKEY *key = cert_key_new(1, 0);
		X509 *x;
		long to = -(long)e->days_ago * 86400;

		memset(&s, 0, sizeof s);
		s.cn = e->cn;
		s.o = cl->org;
		s.c = cl->country;
		if (key == NULL || (x = cert_new(key, &s, NULL, NULL,
		    to - 3L * 365 * 86400, to, 0)) == NULL) {
			EVP_PKEY_free(key);
			return ERR_CRYPTO;
		}
		state_trust_file(x, e->serial_in_name, file, sizeof file);
		for (i = 0; i < cl->nnodes; i++)
			if (state_words_has(e->nodes, cl->nodes[i].name))
				state_trust_put(&cl->nodes[i], e->unit, file, x,
				    1);
		X509_free(x);
		EVP_PKEY_free(key);
	}
	for (i = 0; i < cl->nnodes; i++)
		state_trust_sort(&cl->nodes[i]);
	return 0;
}

/* ------------------------------------------------------------ persist */

static void
state_save_node(struct sim_cluster *cl, struct sim_node *n)
{
	json_t *o = json_object(), *s = json_object();
	char p[4300], *txt;
	size_t i;

	for (i = 0; i < n->nsvcs; i++)
		json_object_set_new(s, n->svcs[i].name, json_pack("{s:s,s:b}",
		    "state", sim_svc_state_name(n->svcs[i].state), "ha_taint",
		    n->svcs[i].ha_taint));
	json_object_set_new(o, "services", s);
	txt = json_dumps(o, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	if (txt != NULL && sim_path(p, sizeof p, "%s/state.json", n->dir) == 0)
		sim_write_file(p, txt, strlen(txt), 0644);
	free(txt);
	json_decref(o);
	(void)cl;
}

static void
state_load_node(struct sim_node *n)
{
	char p[4300];
	json_t *o, *s, *v;
	size_t i;

	if (sim_path(p, sizeof p, "%s/state.json", n->dir) != 0 ||
	    (o = json_load_file(p, 0, NULL)) == NULL)
		return;
	s = json_object_get(o, "services");
	for (i = 0; i < n->nsvcs; i++) {
		const char *st;
		int k;

		if ((v = json_object_get(s, n->svcs[i].name)) == NULL)
			continue;
		st = json_string_value(json_object_get(v, "state"));
		for (k = 0; st != NULL && k <= SVC_NOTACTIVATED; k++)
			if (strcmp(st, sim_svc_state_name(k)) == 0)
				n->svcs[i].state = k;
		n->svcs[i].ha_taint = json_is_true(json_object_get(v,
		    "ha_taint"));
	}
	json_decref(o);
}

static void
state_save_cluster(struct sim_cluster *cl)
{
	json_t *o = json_object(), *h = json_object();
	char p[4300], *txt;
	size_t i;

	for (i = 0; i < cl->ngroups; i++)
		json_object_set_new(h, cl->groups[i].name,
		    json_boolean(cl->groups[i].ha));
	json_object_set_new(o, "ha", h);
	txt = json_dumps(o, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	if (txt != NULL && sim_path(p, sizeof p, "%s/cluster-state.json",
	    cl->statedir) == 0)
		sim_write_file(p, txt, strlen(txt), 0644);
	free(txt);
	json_decref(o);
}

static void
state_load_cluster(struct sim_cluster *cl)
{
	char p[4300];
	json_t *o, *h, *v;
	size_t i;

	if (sim_path(p, sizeof p, "%s/cluster-state.json", cl->statedir) != 0 ||
	    (o = json_load_file(p, 0, NULL)) == NULL)
		return;
	h = json_object_get(o, "ha");
	for (i = 0; i < cl->ngroups; i++)
		if ((v = json_object_get(h, cl->groups[i].name)) != NULL)
			cl->groups[i].ha = json_is_true(v);
	json_decref(o);
}

/* ------------------------------------------------------------ init */

static int
state_ca(struct sim_cluster *cl)
{
	char cp[4300], kp[4300];
	struct cert_subject s;

	if (sim_path(cp, sizeof cp, "%s/ca/ca.pem", cl->statedir) != 0 ||
	    sim_path(kp, sizeof kp, "%s/ca/ca.key", cl->statedir) != 0)
		return ERR_TOOBIG;
	if (sim_exists(cp)) {
		cl->ca = cert_read(cp);
		cl->ca_key = cert_key_read(kp);
		return cl->ca && cl->ca_key ? 0 : ERR_CRYPTO;
	}
	if (sim_path(kp, sizeof kp, "%s/ca", cl->statedir) != 0 ||
	    sim_mkdirs(kp, 0700) != 0)
		return ERR_IO;
	memset(&s, 0, sizeof s);
	s.cn = cl->ca_name;
	s.o = cl->org;
	s.c = cl->country;
	if ((cl->ca_key = cert_key_new(0, cl->rsa_bits)) == NULL ||
	    (cl->ca = cert_new(cl->ca_key, &s, NULL, NULL, -86400,
	    3650L * 86400, CERT_CA)) == NULL)
		return ERR_CRYPTO;
	sim_path(kp, sizeof kp, "%s/ca/ca.key", cl->statedir);
	if (cert_write(cp, cl->ca) != 0 || cert_key_write(kp, cl->ca_key) != 0)
		return ERR_IO;
	return 0;
}

static int
state_node_units(struct sim_cluster *cl, struct sim_node *n, int *fresh)
{
	size_t k;
	int r;

	for (k = 0; k < n->nunits; k++) {
		struct sim_unit *u = &n->units[k];

		r = state_load_pair(n, "own", u->name, &u->cert, &u->key);
		if (r == ERR_NOTFOUND) {
			*fresh = 1;
			if ((u->key = cert_key_new(u->ec, cl->rsa_bits)) ==
			    NULL || (u->cert = state_unit_cert(cl, n, u, u->key,
			    u->ca_signed)) == NULL)
				return ERR_CRYPTO;
			if (state_save_pair(n, "own", u->name, u->cert,
			    u->key) != 0)
				return ERR_IO;
		} else if (r != 0)
			return r;
		u->ca_signed = cert_ca_signed(u->cert);
		if (state_load_pair(n, "served", u->name, &u->served,
		    &u->served_key) != 0)
			state_ref(&u->served, &u->served_key, u->cert, u->key);
		if (state_load_pair(n, "staged", u->name, &u->staged,
		    &u->staged_key) != 0)
			state_ref(&u->staged, &u->staged_key, u->served,
			    u->served_key);
	}
	return 0;
}

int
state_init(struct sim_cluster *cl)
{
	size_t i;
	int r, fresh = 0, use_ca = 0;
	char p[4300];

	if ((r = state_ca(cl)) != 0) {
		fprintf(stderr, "vos-sim: cannot make or load the CA: %s\n",
		    err_str(r));
		return r;
	}
	for (i = 0; i < cl->nnodes; i++) {
		struct sim_node *n = &cl->nodes[i];

		if (sim_path(n->dir, sizeof n->dir, "%s/nodes/%s",
		    cl->statedir, n->name) != 0 ||
		    sim_mkdirs(n->dir, 0700) != 0) {
			fprintf(stderr, "vos-sim: cannot create %s\n", n->dir);
			return ERR_IO;
		}
		if ((r = state_node_units(cl, n, &fresh)) != 0) {
			fprintf(stderr, "vos-sim: %s: certificates: %s\n",
			    n->name, err_str(r));
			return r;
		}
		if (strstr(n->ca_units, " ") || n->ca_units[0])
			use_ca = 1;
		state_load_node(n);
	}
	/* Trust stores: loaded if any node has one, else seeded. */
	sim_path(p, sizeof p, "%s/trust", cl->nodes[0].dir);
	if (sim_exists(p)) {
		for (i = 0; i < cl->nnodes; i++)
			state_trust_load(&cl->nodes[i]);
	} else if ((r = state_trust_seed(cl, use_ca)) != 0) {
		fprintf(stderr, "vos-sim: cannot seed trust stores: %s\n",
		    err_str(r));
		return r;
	}
	(void)fresh;
	state_load_cluster(cl);
	state_save_cluster(cl);
	for (i = 0; i < cl->nnodes; i++)
		state_save_node(cl, &cl->nodes[i]);
	return 0;
}

/* ------------------------------------------------------------ events */

static json_t *
state_node_json(struct sim_cluster *cl, struct sim_node *n)
{
	json_t *units = json_object(), *trust = json_object(),
	    *svcs = json_object();
	char serial[80], served[80], na[40];
	size_t k;

	for (k = 0; k < n->nunits; k++) {
		struct sim_unit *u = &n->units[k];

		cert_serial_hex(u->cert, serial, sizeof serial);
		cert_serial_hex(u->served, served, sizeof served);
		cert_not_after_iso(u->cert, na, sizeof na);
		json_object_set_new(units, u->name, json_pack(
		    "{s:s,s:b,s:s,s:s}", "serial", serial, "ca_signed",
		    cert_ca_signed(u->cert), "not_after", na, "served_serial",
		    served));
	}
	for (k = 0; k < n->ntrust; k++) {
		json_t *a = json_object_get(trust, n->trust[k].unit);

		if (a == NULL) {
			a = json_array();
			json_object_set_new(trust, n->trust[k].unit, a);
		}
		json_array_append_new(a, events_str(n->trust[k].file));
	}
	for (k = 0; k < n->nsvcs; k++)
		json_object_set_new(svcs, n->svcs[k].name,
		    json_string(sim_svc_state_name(n->svcs[k].state)));
	(void)cl;
	return json_pack("{s:s,s:o,s:o,s:o}", "node", n->name, "units", units,
	    "trust", trust, "services", svcs);
}

void
state_emit_opening(struct sim_cluster *cl)
{
	json_t *nodes = json_array(), *groups = json_array(), *o;
	size_t i;
	int k;

	for (i = 0; i < cl->nnodes; i++) {
		struct sim_node *n = &cl->nodes[i];

		json_array_append_new(nodes, json_pack(
		    "{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:i}",
		    "name", n->name, "fqdn", n->fqdn, "ip", n->ip,
		    "product", n->product == SIM_IMP ? "imp" : "cucm",
		    "cucm_role", n->cucm_pub ? "publisher" : "subscriber",
		    "db_role", n->db_pub ? "publisher" : "subscriber",
		    "version", n->version, "imp_publisher",
		    n->product == SIM_IMP && n->db_pub, "ssh_port",
		    n->ssh_port));
	}
	for (i = 0; i < cl->ngroups; i++) {
		json_t *m = json_array();

		for (k = 0; k < cl->groups[i].nnodes; k++)
			json_array_append_new(m, json_string(
			    cl->nodes[cl->groups[i].nodes[k]].name));
		json_array_append_new(groups, json_pack("{s:s,s:o}", "name",
		    cl->groups[i].name, "nodes", m));
	}
	o = json_pack("{s:s,s:o,s:{s:b,s:b},s:o,s:b}", "name", cl->name,
	    "nodes", nodes, "federation", "sip", cl->fed_sip, "xmpp",
	    cl->fed_xmpp, "groups", groups, "sso", cl->sso);
	if (cl->restarted)
		json_object_set_new(o, "restart", json_true());
	events_emit(cl, "cluster", o);
	for (i = 0; i < cl->nnodes; i++)
		events_emit(cl, "state", state_node_json(cl, &cl->nodes[i]));
	for (i = 0; i < cl->ngroups; i++)
		events_emit(cl, "ha", json_pack("{s:s,s:b}", "group",
		    cl->groups[i].name, "value", cl->groups[i].ha));
}

static void
state_emit_serve(struct sim_cluster *cl, struct sim_node *n,
    struct sim_unit *u, int port)
{
	char serial[80];

	cert_serial_hex(u->served, serial, sizeof serial);
	events_emit(cl, "serve", json_pack("{s:s,s:s,s:s,s:i}", "node",
	    n->name, "unit", u->name, "serial", serial, "port", port));
}

void
state_emit_serves(struct sim_cluster *cl)
{
	size_t i;
	int p;

	for (i = 0; i < cl->nnodes; i++)
		for (p = 0; p < PORT_COUNT; p++)
			if (cl->nodes[i].ports[p] > 0)
				state_emit_serve(cl, &cl->nodes[i],
				    state_port_unit(&cl->nodes[i], p),
				    cl->nodes[i].ports[p]);
}

/* ------------------------------------------------------------ actions */

int
state_regen(struct sim_cluster *cl, struct sim_node *n, struct sim_unit *u)
{
	EVP_PKEY *k = cert_key_new(u->ec, cl->rsa_bits);
	X509 *x, *old;
	char os[80], ns[80];
	int saved = u->validity_days;

	if (k == NULL)
		return ERR_CRYPTO;
	/* VOS gives a regenerated certificate its normal validity, not
	 * the first one's; regen_validity (tests) overrides it. */
	u->validity_days = u->regen_days != 0 ? u->regen_days : 1826;
	x = state_unit_cert(cl, n, u, k, 0);
	u->validity_days = saved;
	if (x == NULL) {
		EVP_PKEY_free(k);
		return ERR_CRYPTO;
	}
	old = u->cert;
	cert_serial_hex(old, os, sizeof os);
	cert_serial_hex(x, ns, sizeof ns);
	EVP_PKEY_free(u->key);
	u->cert = x;
	u->key = k;
	u->ca_signed = 0;
	if (state_save_pair(n, "own", u->name, x, k) != 0)
		fprintf(stderr, "vos-sim: %s: cannot save %s\n", n->name,
		    u->name);
	state_trust_spread(cl, n, u, old, 1);
	X509_free(old);
	events_emit(cl, "regen", json_pack("{s:s,s:s,s:s,s:s}", "node", n->name,
	    "unit", u->name, "old_serial", os, "new_serial", ns));
	return 0;
}

static void
state_serve(struct sim_cluster *cl, struct sim_node *n, const char *unit,
    int stage, int from_stage)
{
	struct sim_unit *u = sim_node_unit(n, unit);
	X509 *src;
	EVP_PKEY *key;
	int p, port = 0;

	if (u == NULL)
		return;
	src = from_stage ? u->staged : u->cert;
	key = from_stage ? u->staged_key : u->key;
	if (stage) {
		state_ref(&u->staged, &u->staged_key, src, key);
		state_save_pair(n, "staged", u->name, u->staged, u->staged_key);
		return;
	}
	if (X509_cmp(u->served, src) == 0)
		return;
	state_ref(&u->served, &u->served_key, src, key);
	state_save_pair(n, "served", u->name, u->served, u->served_key);
	for (p = 0; p < PORT_COUNT; p++)
		if (n->ports[p] > 0 && state_port_unit(n, p) == u)
			port = n->ports[p];
	state_emit_serve(cl, n, u, port);
}

void
state_svc_set(struct sim_cluster *cl, struct sim_node *n, struct sim_svc *s,
    int state)
{
	s->state = state;
	if (state == SVC_STARTED) {
		const char *nm = s->name;

		if (sim_words_eq(nm, "Cisco Tomcat")) {
			state_serve(cl, n, "tomcat", 0, 0);
			state_serve(cl, n, "tomcat-ECDSA", 0, 0);
		} else if (sim_words_eq(nm, "Cisco SIP Proxy")) {
			state_serve(cl, n, "cup", 0, 0);
			state_serve(cl, n, "cup-ECDSA", 0, 0);
		} else if (sim_words_eq(nm, "Cisco XCP Router")) {
			state_serve(cl, n, "cup-xmpp", 0, 0);
			state_serve(cl, n, "cup-xmpp-ECDSA", 0, 0);
			state_serve(cl, n, "cup-xmpp-s2s", 1, 0);
			state_serve(cl, n, "cup-xmpp-s2s-ECDSA", 1, 0);
		} else if (sim_words_eq(nm, "Cisco XCP XMPP Federation "
		    "Connection Manager")) {
			state_serve(cl, n, "cup-xmpp-s2s", 0, 1);
			state_serve(cl, n, "cup-xmpp-s2s-ECDSA", 0, 1);
		} else if (sim_words_eq(nm, "Cisco DRF Local")) {
			state_serve(cl, n, "ipsec", 0, 0);
		} else if (sim_words_eq(nm, "Cisco CallManager")) {
			state_serve(cl, n, "CallManager", 0, 0);
			state_serve(cl, n, "CallManager-ECDSA", 0, 0);
		} else if (sim_words_eq(nm, "Cisco Certificate Authority Proxy "
		    "Function")) {
			state_serve(cl, n, "CAPF", 0, 0);
		} else if (sim_words_eq(nm, "Cisco Trust Verification "
		    "Service")) {
			state_serve(cl, n, "TVS", 0, 0);
		}
	}
	state_save_node(cl, n);
}

int
state_trust_delete(struct sim_cluster *cl, struct sim_node *n,
    const char *unit, const char *file)
{
	int wide = n->major >= 11, found = 0;
	char canon[40], serial[80] = "", cn[256] = "";
	json_t *reached = json_array();
	struct sim_trust *t;
	size_t i, k;

	if ((t = state_trust_find(n, unit, file)) == NULL) {
		json_decref(reached);
		return ERR_NOTFOUND;
	}
	snprintf(canon, sizeof canon, "%s", t->unit);
	if (t->cert != NULL) {
		cert_serial_hex(t->cert, serial, sizeof serial);
		cert_cn(t->cert, cn, sizeof cn);
	}
	for (i = 0; i < cl->nnodes; i++) {
		struct sim_node *x = &cl->nodes[i];

		if (!wide && x != n)
			continue;
		for (k = 0; k < x->ntrust; k++)
			if (strcmp(x->trust[k].unit, canon) == 0 &&
			    strcmp(x->trust[k].file, file) == 0) {
				state_trust_remove(x, k);
				found++;
				json_array_append_new(reached,
				    json_string(x->name));
				break;
			}
	}
	events_emit(cl, "trust-delete", json_pack("{s:s,s:s,s:o,s:b,s:i,s:o,"
	    "s:s,s:o}", "node", n->name, "unit", canon, "file", events_str(file),
	    "cluster_wide", wide, "nodes", found, "reached", reached,
	    "serial", serial, "cn", events_str(cn)));
	return 0;
}

void
state_settle(struct sim_cluster *cl)
{
	int64_t now = sim_now_ms();
	size_t i, k;

	pthread_mutex_lock(&cl->lock);
	for (i = 0; i < cl->nnodes; i++)
		for (k = 0; k < cl->nodes[i].nsvcs; k++) {
			struct sim_node *n = &cl->nodes[i];
			struct sim_svc *s = &n->svcs[k];

			if (s->settle_at == 0 || now < s->settle_at)
				continue;
			s->settle_at = 0;
			if (s->state != SVC_STARTING)
				continue;
			state_svc_set(cl, n, s, SVC_STARTED);
			events_emit(cl, "svc-state", json_pack("{s:s,s:s,s:s,"
			    "s:s,s:s}", "node", n->name, "service", s->name,
			    "from", "STARTING", "state", "STARTED", "cause",
			    "settle"));
		}
	pthread_mutex_unlock(&cl->lock);
}

int
state_ha(const struct sim_cluster *cl, const struct sim_node *n)
{
	return n->group >= 0 && cl->groups[n->group].ha;
}

void
state_ha_set(struct sim_cluster *cl, struct sim_group *g, int on)
{
	g->ha = on;
	state_save_cluster(cl);
}

struct sim_unit *
state_port_unit(struct sim_node *n, int port)
{
	static const char *const u[] = { "tomcat", "cup", "cup-xmpp",
		"cup-xmpp-s2s" };

	return sim_node_unit(n, u[port]);
}

struct sim_svc *
state_port_svc(struct sim_node *n, int port)
{
	static const char *const s[] = { "Cisco Tomcat", "Cisco SIP Proxy",
		"Cisco XCP Router",
		"Cisco XCP XMPP Federation Connection Manager" };

	return sim_node_svc(n, s[port]);
}

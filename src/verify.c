/*
 * verify: the proof that a run worked, read from the nodes themselves and
 * from their TLS ports, never from what the run believes it did.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cert.h"
#include "conf.h"
#include "err.h"
#include "exec.h"
#include "facts.h"
#include "journal.h"
#include "log.h"
#include "output.h"
#include "par.h"
#include "plan.h"
#include "runtime.h"
#include "unit.h"
#include "vos.h"

/*
 * The checks of one part of the run: each node's own checks and its
 * ipsec-trust check go to separate contexts, filled by one thread each and
 * merged in node order afterwards, so the report and the log do not depend
 * on which node answers first.
 */
struct vctx {
	struct runtime *rt;
	json_t *checks;
	int failed;
};

static void vcheck(struct vctx *v, const char *check, const char *node,
    const char *what, int ok, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void
vcheck(struct vctx *v, const char *check, const char *node, const char *what,
    int ok, const char *fmt, ...)
{
	char detail[600];
	json_t *j = json_object();
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	json_object_set_new(j, "check", json_string(check));
	if (node != NULL)
		json_object_set_new(j, "node", output_jstr(node));
	if (what != NULL)
		json_object_set_new(j, "what", output_jstr(what));
	json_object_set_new(j, "ok", json_boolean(ok));
	json_object_set_new(j, "detail", output_jstr(detail));
	json_array_append_new(v->checks, j);
	if (!ok)
		v->failed++;
}

/* Move the checks of from to the end of to, logging each (in the calling
 * thread, in order). */
static void
vmerge(struct vctx *to, struct vctx *from)
{
	size_t i;

	for (i = 0; i < json_array_size(from->checks); i++) {
		json_t *c = json_array_get(from->checks, i);
		const char *check = json_string_value(json_object_get(c,
		    "check"));
		const char *node = json_string_value(json_object_get(c, "node"));
		const char *what = json_string_value(json_object_get(c, "what"));
		const char *detail = json_string_value(json_object_get(c,
		    "detail"));

		if (json_is_true(json_object_get(c, "ok")))
			log_info("verify %s: %s %s: %s", check, node ? node : "",
			    what ? what : "", detail);
		else
			log_error("verify %s: %s %s: %s", check, node ? node :
			    "", what ? what : "", detail);
		json_array_append(to->checks, c);
	}
	to->failed += from->failed;
	json_decref(from->checks);
	from->checks = NULL;
	from->failed = 0;
}

static struct vos_session *
vsession(struct vctx *v, size_t i)
{
	struct pool *pl = &v->rt->pool;
	struct fact_node *nd = &v->rt->facts.nodes[i];
	struct vos_target t = { nd->name, nd->host, nd->port };
	char why[1024];

	if (i < pl->n && pl->s[i] != NULL) {
		if (!vos_broken(pl->s[i]))
			return pl->s[i];
		vos_close(pl->s[i]);
		pl->s[i] = NULL;
	}
	if (i >= pl->n || vos_open(v->rt->site, v->rt->dialogs, &t,
	    pl->transcript_dir, &pl->s[i], why, sizeof why) != 0) {
		vcheck(v, "session", nd->name, NULL, 0, "%s", i < pl->n ? why :
		    "no slot");
		return NULL;
	}
	return pl->s[i];
}

static enum cert_tls_mode
vmode(int u)
{
	if (u == UNIT_CUP_XMPP)
		return CERT_TLS_XMPP_CLIENT;
	if (u == UNIT_CUP_XMPP_S2S)
		return CERT_TLS_XMPP_SERVER;
	return CERT_TLS_DIRECT;
}

/* The old serial of a regenerated unit, from the journal; NULL if none. */
static const char *
vold_serial(struct journal *j, const struct plan *p, const char *node, int u)
{
	size_t i;

	if (j == NULL || p == NULL)
		return NULL;
	for (i = 0; i < p->n; i++) {
		char key[400];

		if (p->steps[i].kind != STEP_REGEN || p->steps[i].unit != u)
			continue;
		snprintf(key, sizeof key, "regen:%s:%s", node, unit_name(u));
		if (strcmp(key, p->steps[i].key) == 0)
			return json_string_value(json_object_get(
			    journal_step_data(j, key), "old_serial"));
	}
	return NULL;
}

/* One unit of a node: what `show cert own` said, and its TLS port's
 * answer (probed from a thread of its own). */
struct vunit {
	int u, shown, probe;
	struct cert_info ci, served;
	const char *host;
	int port, timeout_ms, rc;
	char why[600];
};

/* arg: the array of the units to probe (a par_run callback). */
static void
vprobe(void *arg, size_t i)
{
	struct vunit *vu = ((struct vunit **)arg)[i];

	vu->rc = cert_probe_tls(vu->host, vu->port, vmode(vu->u), NULL,
	    vu->timeout_ms, &vu->served, vu->why, sizeof vu->why);
}

/*
 * The certificates of one IM/P node: every `show cert own` on its session
 * first, then the TLS ports all at once (they need no session), then the
 * checks in unit order.
 */
static void
vnode_units(struct vctx *v, struct journal *j, const struct plan *p, size_t i)
{
	struct fact_node *nd = &v->rt->facts.nodes[i];
	const struct site *site = v->rt->site;
	unsigned units = p != NULL ? p->units : site->units;
	time_t now = time(NULL);
	struct vunit vu[UNIT_COUNT], *probes[UNIT_COUNT];
	struct vos_session *s;
	size_t n = 0, np = 0, k;
	int u;

	if (nd->product != PRODUCT_IMP || !nd->reachable)
		return;
	if ((s = vsession(v, i)) == NULL)
		return;
	for (u = 0; u < UNIT_COUNT; u++) {
		struct vunit *x = &vu[n];
		int port = site->tls_port[u];

		if (!(units & UNIT_BIT(u)) || !nd->units[u].present)
			continue;
		memset(x, 0, sizeof *x);
		x->u = u;
		n++;
		if (vos_cert_show(s, 0, unit_name(u), nd->units[u].file, &x->ci,
		    NULL) != 0) {
			snprintf(x->why, sizeof x->why, "%s", vos_error(s));
			continue;
		}
		x->shown = 1;
		if (port == 0 || (u == UNIT_CUP_XMPP_S2S && !v->rt->facts.fed_xmpp))
			continue;
		x->probe = 1;
		x->host = nd->host;
		x->port = port;
		x->timeout_ms = site->ssh.connect_timeout * 1000;
		probes[np++] = x;
	}
	par_run(np, (int)np, vprobe, probes);
	for (k = 0; k < n; k++) {
		const struct vunit *x = &vu[k];
		const char *name = unit_name(x->u);
		const char *old = vold_serial(j, p, nd->name, x->u);

		if (!x->shown) {
			vcheck(v, "certificate", nd->name, name, 0, "%s", x->why);
			continue;
		}
		if (old != NULL)
			vcheck(v, "new-serial", nd->name, name,
			    strcmp(old, x->ci.serial) != 0, "serial %s (was %s)",
			    x->ci.serial, old);
		vcheck(v, "not-after", nd->name, name, x->ci.not_after > now,
		    "valid for %ld more days", cert_days_left(&x->ci, now));
		if (!x->probe)
			continue;
		if (x->rc != 0) {
			vcheck(v, "tls", nd->name, name, 0, "port %d: %s", x->port,
			    x->why);
			continue;
		}
		vcheck(v, "tls", nd->name, name,
		    memcmp(x->served.sha256, x->ci.sha256, 32) == 0,
		    "port %d serves %.16s..., show cert own has %.16s...", x->port,
		    x->served.sha256_hex, x->ci.sha256_hex);
	}
}

static void
vnode_services(struct vctx *v, const struct plan *p, size_t i)
{
	struct fact_node *nd = &v->rt->facts.nodes[i];
	struct vos_service *sv = NULL;
	struct vos_session *s;
	size_t n = 0, k, m;

	if (!nd->reachable || (s = vsession(v, i)) == NULL)
		return;
	if (vos_service_list(s, &sv, &n) != 0) {
		vcheck(v, "services", nd->name, NULL, 0, "%s", vos_error(s));
		return;
	}
	for (k = 0; p != NULL && k < p->n; k++) {
		const struct plan_step *st = &p->steps[k];

		if ((st->kind != STEP_RESTART && st->kind != STEP_START) ||
		    st->node != (int)i)
			continue;
		for (m = 0; m < n; m++)
			if (strcasecmp(sv[m].name, st->service) == 0)
				break;
		vcheck(v, "service", nd->name, st->service, m < n &&
		    sv[m].state == SVC_STARTED, "%s", m < n ?
		    vos_svc_state_name(sv[m].state) : "not listed");
	}
	if (p == NULL) {
		/* Alone: every activated service of the procedure runs. */
		for (k = 0; k < plan_nservices; k++)
			for (m = 0; m < n; m++)
				if (strcasecmp(sv[m].name,
				    plan_services[k].name) == 0 &&
				    sv[m].activated &&
				    strcmp(sv[m].reason, "") == 0)
					vcheck(v, "service", nd->name, sv[m].name,
					    sv[m].state == SVC_STARTED, "%s",
					    vos_svc_state_name(sv[m].state));
	}
	free(sv);
}

/*
 * The CUCM publisher's ipsec certificate, which every other node's
 * ipsec-trust must hold (the TechNote's DRS check): the publisher's node
 * index with *ipsec filled, or -1 when there is nothing to compare against
 * (the reason is in v).
 */
static int
vipsec_pub(struct vctx *v, struct cert_info *ipsec)
{
	struct facts *f = &v->rt->facts;
	int pub = facts_cucm_publisher(f);
	struct vos_session *s;

	if (pub < 0 || !f->nodes[pub].reachable) {
		vcheck(v, "ipsec-trust", NULL, NULL, 1, "skipped: no reachable "
		    "CUCM publisher (publishers.cucm)");
		return -1;
	}
	if ((s = vsession(v, (size_t)pub)) == NULL)
		return -1;
	if (vos_cert_show(s, 0, "ipsec", "ipsec.pem", ipsec, NULL) != 0) {
		vcheck(v, "ipsec-trust", f->nodes[pub].name, "ipsec", 0, "%s",
		    vos_error(s));
		return -1;
	}
	return pub;
}

/* Node i's ipsec-trust holds the publisher's ipsec certificate. */
static void
vipsec_node(struct vctx *v, const struct cert_info *ipsec, size_t i)
{
	struct fact_node *nd = &v->rt->facts.nodes[i];
	struct vos_cert_entry *e = NULL;
	struct vos_session *s;
	size_t k, n = 0;
	int found = 0;

	if (!nd->reachable || (s = vsession(v, i)) == NULL)
		return;
	if (vos_cert_list(s, 1, &e, &n) != 0) {
		vcheck(v, "ipsec-trust", nd->name, NULL, 0, "%s", vos_error(s));
		return;
	}
	for (k = 0; k < n && !found; k++) {
		struct cert_info ci;

		if (strcmp(e[k].unit, "ipsec-trust") != 0)
			continue;
		if (vos_cert_show(s, 1, e[k].unit, e[k].file, &ci, NULL) == 0 &&
		    strcmp(ci.serial, ipsec->serial) == 0)
			found = 1;
	}
	free(e);
	vcheck(v, "ipsec-trust", nd->name, "ipsec-trust", found,
	    "%s the CUCM publisher's ipsec certificate (serial %s)",
	    found ? "holds" : "lacks", ipsec->serial);
}

struct vrun {
	struct journal *j;
	const struct plan *p;
	struct vctx *node;          /* per node: its own checks */
	struct vctx *trust;         /* per node: its ipsec-trust check */
	const struct cert_info *ipsec;  /* NULL: no ipsec-trust checks */
	int pub;
};

/* One node's checks, on its own session (a par_run callback). */
static void
vnode(void *arg, size_t i)
{
	struct vrun *r = arg;

	vnode_units(&r->node[i], r->j, r->p, i);
	vnode_services(&r->node[i], r->p, i);
	if (r->ipsec != NULL && (int)i != r->pub)
		vipsec_node(&r->trust[i], r->ipsec, i);
}

int
exec_verify(struct runtime *rt, struct journal *j, const struct plan *p,
    json_t *report)
{
	struct vctx v = { rt, json_array(), 0 };
	struct vctx pre = { rt, json_array(), 0 };
	struct vrun r = { j, p, NULL, NULL, NULL, -1 };
	struct cert_info ipsec;
	size_t n = rt->facts.n, i;

	/*
	 * The publisher's certificate first (one command); then every node at
	 * once, each thread on its own node's session only.
	 */
	if ((r.pub = vipsec_pub(&pre, &ipsec)) >= 0)
		r.ipsec = &ipsec;
	if (n > 0 && ((r.node = calloc(n, sizeof *r.node)) == NULL ||
	    (r.trust = calloc(n, sizeof *r.trust)) == NULL)) {
		free(r.node);
		vcheck(&v, "verify", NULL, NULL, 0, "out of memory");
		vmerge(&v, &pre);
		json_object_set_new(report, "verify", v.checks);
		return v.failed;
	}
	for (i = 0; i < n; i++) {
		r.node[i] = (struct vctx){ rt, json_array(), 0 };
		r.trust[i] = (struct vctx){ rt, json_array(), 0 };
	}
	par_run(n, rt->site->ssh.parallel, vnode, &r);
	/* The order of the serial checks: nodes, then ipsec-trust. */
	for (i = 0; i < n; i++)
		vmerge(&v, &r.node[i]);
	vmerge(&v, &pre);
	for (i = 0; i < n; i++)
		vmerge(&v, &r.trust[i]);
	free(r.node);
	free(r.trust);
	json_object_set_new(report, "verify", v.checks);
	return v.failed;
}

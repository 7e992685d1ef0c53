/*
 * plan: the procedure as data.  Nothing here does I/O: the facts come in,
 * the ordered steps (each one dialog on one node, or one AXL call) go out,
 * with a stable key per step for the journal and a reason per skip.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "facts.h"
#include "plan.h"
#include "unit.h"

#define U(x) UNIT_BIT(x)
#define CUP_UNITS (U(UNIT_CUP) | U(UNIT_CUP_ECDSA))
#define XMPP_UNITS (U(UNIT_CUP_XMPP) | U(UNIT_CUP_XMPP_ECDSA))
#define S2S_UNITS (U(UNIT_CUP_XMPP_S2S) | U(UNIT_CUP_XMPP_S2S_ECDSA))
#define TOMCAT_UNITS (U(UNIT_TOMCAT) | U(UNIT_TOMCAT_ECDSA))

/* DESIGN.md's restart table, in the order the restarts happen. */
const struct plan_service plan_services[] = {
	{ "Cisco SIP Proxy", CUP_UNITS, PLAN_ON_IMP, 0 },
	{ "Cisco Presence Engine", CUP_UNITS, PLAN_ON_IMP, 0 },
	{ "Cisco XCP SIP Federation Connection Manager", CUP_UNITS,
	    PLAN_ON_IMP, PLAN_FED_SIP },
	{ "Cisco XCP Router", XMPP_UNITS | S2S_UNITS, PLAN_ON_IMP, 0 },
	{ "Cisco XCP XMPP Federation Connection Manager", S2S_UNITS,
	    PLAN_ON_IMP, PLAN_FED_XMPP },
	{ "Cisco DRF Master", U(UNIT_IPSEC), PLAN_ON_DRF_MASTER, 0 },
	{ "Cisco DRF Local", U(UNIT_IPSEC), PLAN_ON_IMP, 0 },
	{ "Cisco Tomcat", TOMCAT_UNITS, PLAN_ON_IMP, 0 },
};
const size_t plan_nservices = sizeof plan_services / sizeof plan_services[0];

/* The monitors stopped around a trust deletion. */
static const char *const plan_imp_monitors[] = {
	"Cisco Certificate Expiry Monitor",
	"Cisco Intercluster Sync Agent",
};
static const char *const plan_cucm_monitors[] = {
	"Cisco Certificate Expiry Monitor",
	"Cisco Certificate Change Notification",
};

static const char *const kind_names[] = {
	[STEP_BACKUP] = "backup", [STEP_REGEN] = "regen",
	[STEP_HA_OFF] = "ha-off", [STEP_STOP] = "stop",
	[STEP_DELETE] = "delete", [STEP_RESTART] = "restart",
	[STEP_START] = "start", [STEP_HA_ON] = "ha-on",
	[STEP_VERIFY] = "verify", [STEP_EXPORT] = "export",
};

const char *
plan_kind_name(enum step_kind k)
{
	return (unsigned)k < sizeof kind_names / sizeof kind_names[0] ?
	    kind_names[k] : "?";
}

void
plan_clear(struct plan *p)
{
	free(p->steps);
	free(p->skips);
	memset(p, 0, sizeof *p);
}

size_t
plan_resume(const struct plan *p, const unsigned char *done,
    unsigned char *run)
{
	int service_left = 0, delete_left = 0;
	size_t i, n = 0;
	int u;

	for (i = 0; i < p->n; i++) {
		enum step_kind k = p->steps[i].kind;

		if (done[i])
			continue;
		if (k == STEP_RESTART || k == STEP_STOP || k == STEP_START ||
		    k == STEP_DELETE)
			service_left = 1;
		if (k == STEP_DELETE)
			delete_left = 1;
	}
	for (i = 0; i < p->n; i++) {
		switch (p->steps[i].kind) {
		case STEP_HA_OFF:
		case STEP_HA_ON:
			run[i] = !done[i] || service_left;
			break;
		case STEP_STOP:
			run[i] = !done[i] || delete_left;
			break;
		default:
			run[i] = !done[i];
			break;
		}
	}
	/* A start whose stop runs again runs again too. */
	for (i = 0; i < p->n; i++)
		if (p->steps[i].kind == STEP_STOP && run[i] &&
		    (u = plan_undo(p, i)) >= 0)
			run[u] = 1;
	for (i = 0; i < p->n; i++)
		n += run[i] != 0;
	return n;
}

int
plan_undo(const struct plan *p, size_t i)
{
	const struct plan_step *s = &p->steps[i];
	size_t k;

	if (s->kind != STEP_STOP && s->kind != STEP_HA_OFF)
		return -1;
	for (k = i + 1; k < p->n; k++) {
		const struct plan_step *t = &p->steps[k];

		if (s->kind == STEP_STOP && t->kind == STEP_START &&
		    t->node == s->node && strcmp(t->service, s->service) == 0)
			return (int)k;
		if (s->kind == STEP_HA_OFF && t->kind == STEP_HA_ON &&
		    strcmp(t->group, s->group) == 0)
			return (int)k;
	}
	return -1;
}

struct pctx {
	const struct facts *f;
	const struct plan_request *rq;
	struct plan *p;
	int nomem;
};

static struct plan_step *
plan_add(struct pctx *c, enum step_kind kind, int node)
{
	struct plan_step *v, *s;

	if (c->nomem)
		return NULL;
	if ((v = realloc(c->p->steps, (c->p->n + 1) * sizeof *v)) == NULL) {
		c->nomem = 1;
		return NULL;
	}
	c->p->steps = v;
	s = &v[c->p->n++];
	memset(s, 0, sizeof *s);
	s->kind = kind;
	s->node = node;
	s->unit = -1;
	s->mutating = kind != STEP_BACKUP && kind != STEP_VERIFY &&
	    kind != STEP_EXPORT;
	return s;
}

static void plan_skip(struct pctx *c, int node, int unit, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static void
plan_skip(struct pctx *c, int node, int unit, const char *fmt, ...)
{
	struct plan_skip *v;
	va_list ap;

	if (c->nomem)
		return;
	if ((v = realloc(c->p->skips, (c->p->nskips + 1) * sizeof *v)) == NULL) {
		c->nomem = 1;
		return;
	}
	c->p->skips = v;
	v = &v[c->p->nskips++];
	v->node = node;
	v->unit = unit;
	va_start(ap, fmt);
	vsnprintf(v->reason, sizeof v->reason, fmt, ap);
	va_end(ap);
}

/* The node is one the request covers. */
static int
plan_in_scope(const struct pctx *c, int i)
{
	size_t k;

	if (c->rq->nodes == NULL || c->rq->nnodes == 0)
		return 1;
	for (k = 0; k < c->rq->nnodes; k++)
		if (strcasecmp(c->rq->nodes[k], c->f->nodes[i].name) == 0)
			return 1;
	return 0;
}

/* IM/P nodes in procedure order: the publisher, then the subscribers. */
static size_t
plan_imp_order(const struct facts *f, int *order)
{
	int pub = facts_imp_publisher(f);
	size_t i, n = 0;

	if (pub >= 0)
		order[n++] = pub;
	for (i = 0; i < f->n; i++)
		if (f->nodes[i].product == PRODUCT_IMP && (int)i != pub)
			order[n++] = (int)i;
	return n;
}

/* CUCM nodes: the publisher, then the subscribers. */
static size_t
plan_cucm_order(const struct facts *f, int *order)
{
	int pub = facts_cucm_publisher(f);
	size_t i, n = 0;

	if (pub >= 0)
		order[n++] = pub;
	for (i = 0; i < f->n; i++)
		if (f->nodes[i].product == PRODUCT_CUCM && (int)i != pub)
			order[n++] = (int)i;
	return n;
}

/*
 * Whether a service on a node is one to act on: present, activated and
 * running (a service an administrator stopped stays stopped).  reason gets
 * why not.
 */
static int
plan_service_running(const struct fact_node *nd, const char *service,
    const char **reason)
{
	const struct vos_service *sv = facts_service(nd, service);

	if (sv == NULL) {
		*reason = "not on this node";
		return 0;
	}
	if (!sv->activated) {
		*reason = "not activated";
		return 0;
	}
	if (sv->state == SVC_STOPPED) {
		*reason = "stopped before the run; left as it was";
		return 0;
	}
	return 1;
}

static void
plan_ha(struct pctx *c, enum step_kind kind)
{
	struct plan_step *s;
	size_t g, ng = c->rq->nha_groups;

	if (c->f->ha_enabled != 1)
		return;
	c->p->ha_touched = 1;
	for (g = 0; g < (ng ? ng : 1); g++) {
		/* HA comes back in the reverse order it went. */
		size_t k = kind == STEP_HA_ON && ng ? ng - 1 - g : g;
		const char *name = ng ? c->rq->ha_groups[k] : "";

		if ((s = plan_add(c, kind, -1)) == NULL)
			return;
		snprintf(s->group, sizeof s->group, "%s", name);
		snprintf(s->key, sizeof s->key, "%s:%s", plan_kind_name(kind),
		    name);
		snprintf(s->why, sizeof s->why, kind == STEP_HA_OFF ?
		    "High Availability off before services restart or stop "
		    "(TechNote 217304)" : "High Availability back on");
	}
}

static void
plan_service_step(struct pctx *c, enum step_kind kind, int node,
    const char *service, unsigned units, const char *why)
{
	struct plan_step *s = plan_add(c, kind, node);

	if (s == NULL)
		return;
	snprintf(s->service, sizeof s->service, "%s", service);
	s->units = units;
	snprintf(s->key, sizeof s->key, "%s:%s:%s", plan_kind_name(kind),
	    c->f->nodes[node].name, service);
	snprintf(s->why, sizeof s->why, "%s", why);
}

/* "make the new cup, tomcat certificates active" */
static void
plan_units_text(unsigned units, char *dst, size_t n)
{
	size_t len;
	int u;

	len = (size_t)snprintf(dst, n, "make the new");
	for (u = 0; u < UNIT_COUNT && len < n; u++)
		if (units & U(u))
			len += (size_t)snprintf(dst + len, n - len, "%s %s",
			    len > 12 ? "," : "", unit_name(u));
	if (len < n)
		snprintf(dst + len, n - len, " active");
}

/* A regenerated unit's restart: the same reason on every node. */
static void
plan_regen_why(const struct pctx *c, int node, unsigned units, char *dst,
    size_t n)
{
	(void)c;
	(void)node;
	plan_units_text(units, dst, n);
}

/*
 * The restarts that make units' new certificates (or changed trust)
 * active, on every IM/P node in scope (touched, when given, limits them);
 * why_cb gives each step its reason.
 */
static size_t
plan_restarts(struct pctx *c, unsigned units, const unsigned char *touched,
    void (*why_cb)(const struct pctx *, int, unsigned, char *, size_t))
{
	const struct facts *f = c->f;
	int order[FACTS_MAX_NODES];
	size_t k, no, count = 0;
	const char *reason;
	char why[sizeof c->p->steps[0].why];

	no = plan_imp_order(f, order);
	for (k = 0; k < plan_nservices; k++) {
		const struct plan_service *ps = &plan_services[k];
		unsigned need = ps->units & units;

		if (need == 0)
			continue;
		if ((ps->needs_fed == PLAN_FED_SIP && !f->fed_sip) ||
		    (ps->needs_fed == PLAN_FED_XMPP && !f->fed_xmpp))
			continue;
		if (ps->where == PLAN_ON_DRF_MASTER) {
			int done = 0;
			size_t i;

			for (i = 0; i < f->n; i++) {
				if (!f->nodes[i].reachable ||
				    !plan_service_running(&f->nodes[i], ps->name,
				    &reason))
					continue;
				why_cb(c, (int)i, need, why, sizeof why);
				plan_service_step(c, STEP_RESTART, (int)i,
				    ps->name, need, why);
				count++;
				done = 1;
			}
			if (!done)
				plan_skip(c, -1, -1, "%s: runs on no reachable "
				    "node (is the CUCM publisher configured?)",
				    ps->name);
			continue;
		}
		for (size_t j = 0; j < no; j++) {
			int i = order[j];
			const struct fact_node *nd = &f->nodes[i];

			if (!plan_in_scope(c, i) || !nd->reachable ||
			    (touched != NULL && !touched[i]))
				continue;
			if (!plan_service_running(nd, ps->name, &reason)) {
				if (strcmp(reason, "not on this node") != 0)
					plan_skip(c, i, -1, "%s: %s", ps->name,
					    reason);
				continue;
			}
			why_cb(c, i, need, why, sizeof why);
			plan_service_step(c, STEP_RESTART, i, ps->name, need,
			    why);
			count++;
		}
	}
	return count;
}

static int
plan_begin(struct pctx *c, const struct facts *f, const struct plan_request *rq,
    struct plan *out, char *why, size_t whysz)
{
	memset(out, 0, sizeof *out);
	c->f = f;
	c->rq = rq;
	c->p = out;
	c->nomem = 0;
	if (f->n > FACTS_MAX_NODES) {
		snprintf(why, whysz, "%zu nodes: more than the %d certregen "
		    "plans for", f->n, FACTS_MAX_NODES);
		return ERR_TOOBIG;
	}
	if (facts_imp_publisher(f) < 0) {
		snprintf(why, whysz, "the cluster has no IM/P publisher");
		return ERR_INVAL;
	}
	return 0;
}

static int
plan_end(struct pctx *c, char *why, size_t whysz)
{
	if (c->nomem) {
		plan_clear(c->p);
		snprintf(why, whysz, "out of memory");
		return ERR_NOMEM;
	}
	return 0;
}

int
plan_regen(const struct facts *f, const struct plan_request *rq,
    struct plan *out, char *why, size_t whysz)
{
	struct pctx c;
	int order[FACTS_MAX_NODES];
	unsigned char unreach_said[FACTS_MAX_NODES];
	size_t j, no;
	struct plan_step *s;
	int r, u;

	if ((r = plan_begin(&c, f, rq, out, why, whysz)) != 0)
		return r;
	memset(unreach_said, 0, sizeof unreach_said);
	no = plan_imp_order(f, order);
	for (u = 0; u < UNIT_COUNT; u++) {
		if (!(rq->units & U(u)))
			continue;
		for (j = 0; j < no; j++) {
			int i = order[j];
			const struct fact_node *nd = &f->nodes[i];
			const struct fact_unit *fu = &nd->units[u];

			if (!plan_in_scope(&c, i))
				continue;
			if (!nd->reachable) {
				if (!unreach_said[i]++)
					plan_skip(&c, i, -1, "unreachable: %s",
					    nd->error);
				continue;
			}
			if (!fu->present) {
				plan_skip(&c, i, u, "no %s certificate on this "
				    "node", unit_name(u));
				continue;
			}
			if (fu->ca_signed && !rq->force_ca_signed) {
				plan_skip(&c, i, u, "CA-signed%s%s: regenerating "
				    "would replace it with a self-signed one "
				    "(--force-ca-signed overrides)",
				    fu->have_cert ? " by " : "", fu->have_cert ?
				    fu->cert.issuer_cn : "");
				continue;
			}
			if ((s = plan_add(&c, STEP_BACKUP, i)) != NULL) {
				s->unit = u;
				snprintf(s->key, sizeof s->key, "backup:%s:%s",
				    nd->name, unit_name(u));
				snprintf(s->why, sizeof s->why, "keep the old "
				    "%s certificate", unit_name(u));
			}
			if ((s = plan_add(&c, STEP_REGEN, i)) != NULL) {
				s->unit = u;
				snprintf(s->key, sizeof s->key, "regen:%s:%s",
				    nd->name, unit_name(u));
				snprintf(s->why, sizeof s->why, "%s %s",
				    nd->imp_publisher ? "publisher first:" :
				    "then subscriber:", unit_name(u));
			}
			out->units |= U(u);
		}
	}
	if (out->units != 0) {
		size_t mark = out->n, nrestart;

		plan_ha(&c, STEP_HA_OFF);
		nrestart = plan_restarts(&c, out->units, NULL, plan_regen_why);
		if (nrestart == 0 && !c.nomem) {
			/* Nothing to restart: HA need not go off. */
			out->n = mark;
			out->ha_touched = 0;
		} else
			plan_ha(&c, STEP_HA_ON);
		if ((s = plan_add(&c, STEP_VERIFY, -1)) != NULL) {
			snprintf(s->key, sizeof s->key, "verify");
			snprintf(s->why, sizeof s->why, "new serials, future "
			    "notAfter, TLS ports, services, ipsec trust");
		}
		if ((out->units & (TOMCAT_UNITS | XMPP_UNITS)) &&
		    (s = plan_add(&c, STEP_EXPORT, -1)) != NULL) {
			snprintf(s->key, sizeof s->key, "export");
			snprintf(s->why, sizeof s->why, "the new tomcat and "
			    "cup-xmpp certificates for Jabber clients");
		}
	}
	return plan_end(&c, why, whysz);
}

/* The trust units certregen prunes, with the identity unit whose services
 * read them. */
static const struct {
	const char *trust;
	int unit;
} plan_trust_map[] = {
	{ "cup-trust", UNIT_CUP },
	{ "cup-xmpp-trust", UNIT_CUP_XMPP },
	{ "cup-xmpp-s2s-trust", UNIT_CUP_XMPP_S2S },
	{ "ipsec-trust", UNIT_IPSEC },
	{ "tomcat-trust", UNIT_TOMCAT },
};

/* The identity unit whose services a trust unit feeds, or -1. */
static int
plan_trust_unit(const char *trust)
{
	size_t i;

	for (i = 0; i < sizeof plan_trust_map / sizeof plan_trust_map[0]; i++)
		if (strcmp(trust, plan_trust_map[i].trust) == 0)
			return plan_trust_map[i].unit;
	return -1;
}

/* Most file names one prune reason looks at (the rest are counted). */
#define PLAN_WHY_FILES 64

/*
 * Whether the delete step d changed the trust store of node i: it ran on
 * i, or it is a cluster-wide delete (11.0 on) on a node of i's product.
 */
static int
plan_delete_reaches(const struct facts *f, const struct plan_step *d, int i)
{
	const struct fact_node *a = &f->nodes[d->node], *b = &f->nodes[i];

	return d->node == i || (a->product == b->product && a->major >= 11 &&
	    b->major >= 11);
}

/*
 * For the prune reason of a restart on node serving units: the identity
 * unit behind delete step d when the reason names d (pass 0: only a delete
 * that reached the node), else -1.
 */
static int
plan_why_delete(const struct pctx *c, const struct plan_step *d, int node,
    unsigned units, int pass)
{
	int u;

	if (d->kind != STEP_DELETE ||
	    (u = plan_trust_unit(d->trust_unit)) < 0 || !(units & U(u)) ||
	    (pass == 0 && !plan_delete_reaches(c->f, d, node)))
		return -1;
	return u;
}

/*
 * A restart after a prune: "drop the deleted cup-xmpp-trust certificates
 * (old_1.pem, old_2.pem and 3 more)".  The files are the plan's deletes of
 * the trust units behind units that reached this node; when none did (DRF
 * Master on the CUCM publisher reads the IM/P nodes' ipsec-trust), every
 * delete of those units.  Each file name once, whole names only, as many
 * as fit in n, the rest counted.
 */
static void
plan_prune_why(const struct pctx *c, int node, unsigned units, char *dst,
    size_t n)
{
	const struct plan *p = c->p;
	const char *files[PLAN_WHY_FILES];
	size_t i, k, m, nfiles = 0, nshown = 0, len, nnames = 0, sofar;
	unsigned trust = 0;
	int pass, u;

	/* Pass 0: the deletes that reached this node; 1: all of them. */
	for (pass = 0; pass < 2 && nfiles == 0; pass++)
		for (i = 0; i < p->n; i++) {
			const struct plan_step *d = &p->steps[i];
			int dup = 0;

			if ((u = plan_why_delete(c, d, node, units, pass)) < 0)
				continue;
			trust |= U(u);
			for (m = 0; m < i && !dup; m++)
				dup = strcmp(p->steps[m].file, d->file) == 0 &&
				    plan_why_delete(c, &p->steps[m], node,
				    units, pass) >= 0;
			if (dup)
				continue;
			if (nshown < PLAN_WHY_FILES)
				files[nshown++] = d->file;
			nfiles++;
		}
	if (trust == 0)
		trust = units;
	for (i = 0; i < sizeof plan_trust_map / sizeof plan_trust_map[0]; i++)
		nnames += (trust & U(plan_trust_map[i].unit)) != 0;
	len = (size_t)snprintf(dst, n, "drop the deleted");
	for (i = 0, sofar = 0; i < sizeof plan_trust_map /
	    sizeof plan_trust_map[0] && len < n; i++) {
		if (!(trust & U(plan_trust_map[i].unit)))
			continue;
		sofar++;
		len += (size_t)snprintf(dst + len, n - len, "%s %s",
		    sofar == 1 ? "" : sofar == nnames ? " and" : ",",
		    plan_trust_map[i].trust);
	}
	if (len < n)
		len += (size_t)snprintf(dst + len, n - len, " certificates");
	if (len >= n || nfiles == 0)
		return;
	/* Each name goes in only if the tail the rest would need (" and N
	 * more)" or ")") still fits after it. */
	for (k = 0; k < nshown; k++) {
		size_t rest = nfiles - k - 1;
		int tail = rest ? snprintf(NULL, 0, " and %zu more)", rest) : 1;

		if (len + 2 + strlen(files[k]) + (size_t)tail >= n)
			break;
		len += (size_t)snprintf(dst + len, n - len, "%s%s",
		    k ? ", " : " (", files[k]);
	}
	if (k == 0)
		snprintf(dst + len, n - len, " (%zu file%s)", nfiles,
		    nfiles == 1 ? "" : "s");
	else if (k < nfiles)
		snprintf(dst + len, n - len, " and %zu more)", nfiles - k);
	else
		snprintf(dst + len, n - len, ")");
}

static void
plan_monitors(struct pctx *c, enum step_kind kind, int tomcat_trust)
{
	const struct facts *f = c->f;
	int order[FACTS_MAX_NODES];
	size_t j, k, no;
	const char *reason;

	no = plan_imp_order(f, order);
	for (j = 0; j < no; j++)
		for (k = 0; k < 2; k++) {
			const char *svc = plan_imp_monitors[kind == STEP_STOP ?
			    k : 1 - k];

			if (plan_in_scope(c, order[j]) &&
			    f->nodes[order[j]].reachable &&
			    plan_service_running(&f->nodes[order[j]], svc,
			    &reason))
				plan_service_step(c, kind, order[j], svc, 0,
				    kind == STEP_STOP ? "quiet while trust "
				    "certificates go" : "started again");
		}
	if (!tomcat_trust)
		return;
	no = plan_cucm_order(f, order);
	for (j = 0; j < no; j++)
		for (k = 0; k < 2; k++) {
			const char *svc = plan_cucm_monitors[kind == STEP_STOP ?
			    k : 1 - k];

			if (plan_in_scope(c, order[j]) &&
			    f->nodes[order[j]].reachable &&
			    plan_service_running(&f->nodes[order[j]], svc,
			    &reason))
				plan_service_step(c, kind, order[j], svc, 0,
				    kind == STEP_STOP ? "quiet while "
				    "tomcat-trust certificates go" :
				    "started again");
		}
}

int
plan_prune(const struct facts *f, const struct plan_request *rq, time_t now,
    struct plan *out, char *why, size_t whysz)
{
	struct pctx c;
	int cucm = facts_cucm_publisher(f);
	const struct cert_info *ipsec = NULL;
	unsigned char touched[FACTS_MAX_NODES];
	unsigned units = 0;
	int tomcat_trust = 0, r;
	size_t i, k, j, ndel = 0;
	struct plan_step *s;

	if ((r = plan_begin(&c, f, rq, out, why, whysz)) != 0)
		return r;
	memset(touched, 0, sizeof touched);
	if (cucm >= 0 && f->nodes[cucm].units[UNIT_IPSEC].have_cert)
		ipsec = &f->nodes[cucm].units[UNIT_IPSEC].cert;

	/* First pass: which deletions, so the monitors can go first. */
	for (i = 0; i < f->n; i++) {
		const struct fact_node *nd = &f->nodes[i];

		if (!plan_in_scope(&c, (int)i) || !nd->reachable)
			continue;
		for (k = 0; k < nd->ntrust; k++) {
			const struct fact_trust *t = &nd->trust[k];
			size_t ul = strlen(t->unit);
			int u, covered = -1;

			if (!t->have_cert || t->cert.not_after >= now)
				continue;
			if (ul < 7 || strcmp(t->unit + ul - 6, "-trust") != 0) {
				plan_skip(&c, (int)i, -1, "%s/%s: not a trust "
				    "certificate; identity certificates are "
				    "never deleted", t->unit, t->file);
				continue;
			}
			if (ipsec != NULL && strcmp(t->unit, "ipsec-trust") == 0 &&
			    (strcmp(t->cert.serial, ipsec->serial) == 0 ||
			    memcmp(t->cert.sha256, ipsec->sha256, 32) == 0)) {
				plan_skip(&c, (int)i, -1, "%s/%s: the CUCM "
				    "publisher's current ipsec certificate; "
				    "deleting it breaks DRS", t->unit, t->file);
				continue;
			}
			if ((u = plan_trust_unit(t->unit)) < 0) {
				plan_skip(&c, (int)i, -1, "%s/%s: expired, but "
				    "certregen knows no restart rule for %s; "
				    "left for a person", t->unit, t->file,
				    t->unit);
				continue;
			}
			/* From 11.0 one delete is cluster-wide: the same
			 * certificate on an earlier node of the same product
			 * covers this one. */
			for (j = 0; j < i && nd->major >= 11; j++) {
				const struct fact_node *o = &f->nodes[j];
				size_t m;

				if (o->product != nd->product || !o->reachable ||
				    o->major < 11 || !plan_in_scope(&c, (int)j))
					continue;
				for (m = 0; m < o->ntrust; m++)
					if (o->trust[m].have_cert &&
					    strcmp(o->trust[m].unit, t->unit) == 0 &&
					    memcmp(o->trust[m].cert.sha256,
					    t->cert.sha256, 32) == 0)
						covered = (int)j;
			}
			touched[i] = 1;
			units |= U(u);
			if (u == UNIT_TOMCAT)
				tomcat_trust = 1;
			if (covered >= 0)
				continue;
			ndel++;
		}
	}
	if (ndel == 0)
		return plan_end(&c, why, whysz);

	plan_ha(&c, STEP_HA_OFF);
	plan_monitors(&c, STEP_STOP, tomcat_trust);
	for (i = 0; i < f->n; i++) {
		const struct fact_node *nd = &f->nodes[i];

		if (!touched[i])
			continue;
		for (k = 0; k < nd->ntrust; k++) {
			const struct fact_trust *t = &nd->trust[k];
			int covered = 0;

			if (!t->have_cert || t->cert.not_after >= now ||
			    plan_trust_unit(t->unit) < 0)
				continue;
			if (ipsec != NULL && strcmp(t->unit, "ipsec-trust") == 0 &&
			    (strcmp(t->cert.serial, ipsec->serial) == 0 ||
			    memcmp(t->cert.sha256, ipsec->sha256, 32) == 0))
				continue;
			for (j = 0; j < i && nd->major >= 11 && !covered; j++) {
				const struct fact_node *o = &f->nodes[j];
				size_t m;

				if (o->product != nd->product || !touched[j] ||
				    o->major < 11)
					continue;
				for (m = 0; m < o->ntrust; m++)
					if (o->trust[m].have_cert &&
					    strcmp(o->trust[m].unit, t->unit) == 0 &&
					    memcmp(o->trust[m].cert.sha256,
					    t->cert.sha256, 32) == 0)
						covered = 1;
			}
			if (covered)
				continue;
			if ((s = plan_add(&c, STEP_DELETE, (int)i)) == NULL)
				break;
			snprintf(s->trust_unit, sizeof s->trust_unit, "%s",
			    t->unit);
			snprintf(s->file, sizeof s->file, "%s", t->file);
			snprintf(s->key, sizeof s->key, "delete:%s:%s:%s",
			    nd->name, t->unit, t->file);
			snprintf(s->why, sizeof s->why, "expired%s",
			    nd->major >= 11 ? " (cluster-wide from 11.0)" : "");
		}
	}
	/* Restart what uses the changed trust, on IM/P nodes. */
	{
		unsigned char imp_touched[FACTS_MAX_NODES];
		int any_imp = 0;

		for (i = 0; i < f->n; i++) {
			/* A cluster-wide delete changes every node of the
			 * product. */
			imp_touched[i] = f->nodes[i].product == PRODUCT_IMP &&
			    (touched[i] || f->nodes[i].major >= 11);
			any_imp |= touched[i] && f->nodes[i].product ==
			    PRODUCT_IMP;
		}
		if (any_imp)
			plan_restarts(&c, units, imp_touched, plan_prune_why);
	}
	/* CUCM nodes whose tomcat-trust changed: their Tomcat. */
	if (tomcat_trust) {
		int order[FACTS_MAX_NODES];
		const char *reason;
		char rwhy[sizeof s->why];

		j = plan_cucm_order(f, order);
		for (k = 0; k < j; k++) {
			if (!touched[order[k]] ||
			    !f->nodes[order[k]].reachable ||
			    !plan_service_running(&f->nodes[order[k]],
			    "Cisco Tomcat", &reason))
				continue;
			plan_prune_why(&c, order[k], U(UNIT_TOMCAT), rwhy,
			    sizeof rwhy);
			plan_service_step(&c, STEP_RESTART, order[k],
			    "Cisco Tomcat", U(UNIT_TOMCAT), rwhy);
		}
	}
	plan_monitors(&c, STEP_START, tomcat_trust);
	plan_ha(&c, STEP_HA_ON);
	if ((s = plan_add(&c, STEP_VERIFY, -1)) != NULL) {
		snprintf(s->key, sizeof s->key, "verify");
		snprintf(s->why, sizeof s->why, "the expired trust certificates "
		    "are gone; services started");
	}
	return plan_end(&c, why, whysz);
}

void
plan_step_text(const struct facts *f, const struct plan_step *s, char *dst,
    size_t dstsz)
{
	const char *node = s->node >= 0 && (size_t)s->node < f->n ?
	    f->nodes[s->node].name : "";

	switch (s->kind) {
	case STEP_BACKUP:
	case STEP_REGEN:
		snprintf(dst, dstsz, "%-7s %-20s on %s", plan_kind_name(s->kind),
		    unit_name(s->unit), node);
		break;
	case STEP_STOP:
	case STEP_RESTART:
	case STEP_START:
		snprintf(dst, dstsz, "%-7s %s on %s", plan_kind_name(s->kind),
		    s->service, node);
		break;
	case STEP_DELETE:
		snprintf(dst, dstsz, "%-7s %s/%s on %s", plan_kind_name(s->kind),
		    s->trust_unit, s->file, node);
		break;
	case STEP_HA_OFF:
	case STEP_HA_ON:
		snprintf(dst, dstsz, "%-7s %s", plan_kind_name(s->kind),
		    s->group[0] ? s->group : "(all groups)");
		break;
	default:
		snprintf(dst, dstsz, "%s", plan_kind_name(s->kind));
		break;
	}
}

/*
 * inventory: discovery from the publishers and per-node fact collection,
 * one thread per node (par.c), each on its own session from the pool.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cert.h"
#include "conf.h"
#include "err.h"
#include "esc.h"
#include "inventory.h"
#include "log.h"
#include "par.h"
#include "parse.h"
#include "unit.h"
#include "vos.h"

void
pool_init(struct pool *p, const struct site *site,
    const struct dialog_set *dialogs, const char *transcript_dir)
{
	memset(p, 0, sizeof *p);
	p->site = site;
	p->dialogs = dialogs;
	p->transcript_dir = transcript_dir;
}

void
pool_close(struct pool *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		vos_close(p->s[i]);
	free(p->s);
	p->s = NULL;
	p->n = 0;
}

/* Make room for n sessions (new slots NULL). */
static int
pool_grow(struct pool *p, size_t n)
{
	struct vos_session **s;

	if (n <= p->n)
		return 0;
	if ((s = realloc(p->s, n * sizeof *s)) == NULL)
		return ERR_NOMEM;
	memset(s + p->n, 0, (n - p->n) * sizeof *s);
	p->s = s;
	p->n = n;
	return 0;
}

struct open_ctx {
	struct pool *p;
	struct facts *f;
};

static void
pool_open_one(void *arg, size_t i)
{
	struct open_ctx *c = arg;
	struct fact_node *nd = &c->f->nodes[i];
	struct vos_target t = { nd->name, nd->host, nd->port };
	char why[1024];

	if (c->p->s[i] != NULL)
		return;
	if (vos_open(c->p->site, c->p->dialogs, &t, c->p->transcript_dir,
	    &c->p->s[i], why, sizeof why) != 0) {
		nd->reachable = 0;
		snprintf(nd->error, sizeof nd->error, "%s", why);
		log_error("%s", why);
		return;
	}
	nd->reachable = 1;
	nd->error[0] = '\0';
	log_info("%s: logged in (%s)", nd->name, vos_auth_method(c->p->s[i]));
}

size_t
pool_open(struct pool *p, struct facts *f)
{
	struct open_ctx c = { p, f };
	size_t i, bad = 0;

	if (pool_grow(p, f->n) != 0) {
		for (i = 0; i < f->n; i++)
			snprintf(f->nodes[i].error, sizeof f->nodes[i].error,
			    "out of memory");
		return f->n;
	}
	par_run(f->n, p->site->ssh.parallel, pool_open_one, &c);
	for (i = 0; i < f->n; i++)
		if (p->s[i] == NULL)
			bad++;
	return bad;
}

/* ------------------------------------------------------------ discovery */

/* The static node entry for a name, or NULL. */
static const struct site_node *
inventory_static(const struct site *site, const char *name)
{
	size_t i;

	for (i = 0; i < site->nnodes; i++)
		if (strcasecmp(site->nodes[i].name, name) == 0)
			return &site->nodes[i];
	return NULL;
}

/* Add or merge one listed node; 0 or ERR_NOMEM. */
static int
inventory_add(struct facts *f, const struct site *site,
    const struct vos_node *vn)
{
	const struct site_node *sn;
	struct fact_node *nd, *v;
	int i = facts_node_index(f, vn->host);

	if (i >= 0)
		return 0;
	if (f->n >= FACTS_MAX_NODES)
		return ERR_TOOBIG;
	if ((v = realloc(f->nodes, (f->n + 1) * sizeof *v)) == NULL)
		return ERR_NOMEM;
	f->nodes = v;
	nd = &f->nodes[f->n++];
	memset(nd, 0, sizeof *nd);
	snprintf(nd->name, sizeof nd->name, "%s", vn->host);
	nd->product = vn->product;
	nd->cucm_publisher = vn->product == PRODUCT_CUCM && vn->cucm_publisher;
	nd->imp_publisher = vn->product == PRODUCT_IMP && vn->db_publisher;
	if ((sn = inventory_static(site, vn->host)) != NULL) {
		snprintf(nd->host, sizeof nd->host, "%s", sn->host);
		nd->port = sn->port;
	} else
		snprintf(nd->host, sizeof nd->host, "%s", vn->ip);
	return 0;
}

/* One publisher's answer to `show network cluster`, asked in its own
 * thread: only this struct is written there. */
struct ask {
	const char *host;
	struct vos_session *s;      /* kept open on success */
	struct vos_node *v;
	size_t n;
	int r;
	char why[1024];
};

struct ask_ctx {
	struct pool *p;
	struct ask *a;
};

/* Ask one publisher for the cluster (a par_run callback). */
static void
inventory_ask(void *arg, size_t i)
{
	struct ask_ctx *c = arg;
	struct ask *a = &c->a[i];
	struct vos_target t = { a->host, a->host, 0 };
	const struct site_node *sn;

	a->s = NULL;
	a->v = NULL;
	a->n = 0;
	a->why[0] = '\0';
	/* The publisher may be named in the static list with its address. */
	if ((sn = inventory_static(c->p->site, a->host)) != NULL) {
		t.host = sn->host;
		t.port = sn->port;
	}
	a->r = vos_open(c->p->site, c->p->dialogs, &t, c->p->transcript_dir,
	    &a->s, a->why, sizeof a->why);
	if (a->r != 0)
		return;
	if ((a->r = vos_cluster(a->s, &a->v, &a->n)) != 0) {
		snprintf(a->why, sizeof a->why, "%s", vos_error(a->s));
		vos_close(a->s);
		a->s = NULL;
	}
}

/* Add one publisher's listing to f; 0 or an ERR_* with a->why. */
static int
inventory_merge(struct facts *f, const struct site *site, struct ask *a)
{
	size_t i;
	int r = 0;

	for (i = 0; i < a->n && r == 0; i++)
		r = inventory_add(f, site, &a->v[i]);
	if (r != 0)
		snprintf(a->why, sizeof a->why, "%s", err_str(r));
	return r;
}

/* Give a publisher's session to its node's pool slot (by address or name). */
static void
inventory_adopt(struct pool *p, struct facts *f, const char *host,
    struct vos_session *s)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (p->s[i] == NULL &&
		    (strcasecmp(f->nodes[i].host, host) == 0 ||
		    strcasecmp(f->nodes[i].name, host) == 0)) {
			p->s[i] = s;
			f->nodes[i].reachable = 1;
			vos_rename(s, f->nodes[i].name);
			return;
		}
	}
	/* The publisher is not in its own listing: keep nothing open. */
	vos_close(s);
}

/*
 * Both publishers are asked at once, each on its own session; their lists
 * are merged in a fixed order (IM/P first), so the result does not depend
 * on which answers first.
 */
int
inventory_discover(struct pool *p, struct facts *f, char *why, size_t whysz)
{
	const struct site *site = p->site;
	struct ask a[2];
	struct ask_ctx c = { p, a };
	struct ask *imp = &a[0], *cucm = &a[1];
	size_t na = 1, i;
	int r;

	memset(a, 0, sizeof a);
	imp->host = site->imp_publisher;
	if (site->cucm_publisher != NULL) {
		cucm->host = site->cucm_publisher;
		na = 2;
	}
	par_run(na, 2, inventory_ask, &c);
	if ((r = imp->r) == 0)
		r = inventory_merge(f, site, imp);
	if (r != 0) {
		snprintf(why, whysz, "%s", imp->why);
		goto out;
	}
	if (na == 2 && (cucm->r != 0 || inventory_merge(f, site, cucm) != 0))
		log_warn("CUCM publisher %s: %s (going on with the IM/P "
		    "publisher's list)", site->cucm_publisher, cucm->why);
	facts_sort(f);
	if (pool_grow(p, f->n) != 0) {
		snprintf(why, whysz, "out of memory");
		r = ERR_NOMEM;
		goto out;
	}
	inventory_adopt(p, f, site->imp_publisher, imp->s);
	imp->s = NULL;
	if (cucm->s != NULL)
		inventory_adopt(p, f, site->cucm_publisher, cucm->s);
	cucm->s = NULL;
	if (facts_imp_publisher(f) < 0) {
		snprintf(why, whysz, "%s: show network cluster lists no IM/P "
		    "publisher (a 'cups DBPub' line)", site->imp_publisher);
		r = ERR_PARSE;
	}
out:
	for (i = 0; i < na; i++) {
		vos_close(a[i].s);
		free(a[i].v);
	}
	return r;
}

/* ------------------------------------------------------------ collection */

struct collect_ctx {
	struct pool *p;
	struct facts *f;
	unsigned what;
};

/* Which units matter on a node of this product. */
static int
inventory_unit_wanted(enum vos_product prod, int u)
{
	if (prod == PRODUCT_IMP)
		return 1;
	/* On CUCM nodes: the ipsec certificate (DRS trust) and tomcat. */
	return u == UNIT_IPSEC || u == UNIT_TOMCAT;
}

static int
inventory_certs(struct vos_session *s, struct fact_node *nd)
{
	struct vos_cert_entry *v = NULL;
	size_t n = 0, i;
	int r, u;

	if ((r = vos_cert_list(s, 0, &v, &n)) != 0)
		return r;
	for (i = 0; i < n && r == 0; i++) {
		struct fact_unit *fu;

		if ((u = unit_from_name(v[i].unit)) < 0 ||
		    !inventory_unit_wanted(nd->product, u))
			continue;
		fu = &nd->units[u];
		fu->present = 1;
		fu->ca_signed = v[i].ca_signed || !v[i].self_signed;
		snprintf(fu->file, sizeof fu->file, "%s", v[i].file);
		/* The PEM is kept for the backup before a regen (exec.c). */
		free(fu->pem);
		fu->pem = NULL;
		r = vos_cert_show(s, 0, v[i].unit, v[i].file, &fu->cert,
		    &fu->pem);
		if (r == 0) {
			fu->have_cert = 1;
			/* Trust the certificate over the listing's words. */
			if (!fu->cert.self_signed)
				fu->ca_signed = 1;
		}
	}
	free(v);
	return r;
}

static int
inventory_trust(struct vos_session *s, struct fact_node *nd)
{
	struct vos_cert_entry *v = NULL;
	size_t n = 0, i;
	int r;

	if ((r = vos_cert_list(s, 1, &v, &n)) != 0)
		return r;
	free(nd->trust);
	nd->ntrust = 0;
	if (n > 0 && (nd->trust = calloc(n, sizeof *nd->trust)) == NULL) {
		free(v);
		return ERR_NOMEM;
	}
	for (i = 0; i < n && r == 0; i++) {
		struct fact_trust *t = &nd->trust[nd->ntrust++];

		snprintf(t->unit, sizeof t->unit, "%s", v[i].unit);
		snprintf(t->file, sizeof t->file, "%s", v[i].file);
		r = vos_cert_show(s, 1, v[i].unit, v[i].file, &t->cert, NULL);
		t->have_cert = r == 0;
	}
	free(v);
	return r;
}

static void
inventory_collect_one(void *arg, size_t i)
{
	struct collect_ctx *c = arg;
	struct fact_node *nd = &c->f->nodes[i];
	struct open_ctx oc = { c->p, c->f };
	struct vos_session *s;
	int r = 0, imp_pub = nd->product == PRODUCT_IMP && nd->imp_publisher;

	/* Log in here, not in a pool_open() before: a node whose session is
	 * open (the publishers') starts at once, the others as they log in. */
	pool_open_one(&oc, i);
	if ((s = c->p->s[i]) == NULL)
		return;
	if ((c->what & INV_VERSION) && r == 0)
		r = vos_version(s, nd->version, sizeof nd->version, &nd->major);
	if ((c->what & INV_CERTS) && r == 0) {
		facts_units_clear(nd);
		r = inventory_certs(s, nd);
	}
	if ((c->what & INV_SERVICES) && r == 0) {
		free(nd->services);
		nd->services = NULL;
		nd->nservices = 0;
		r = vos_service_list(s, &nd->services, &nd->nservices);
	}
	if ((c->what & INV_TRUST) && r == 0)
		r = inventory_trust(s, nd);
	else if ((c->what & INV_TRUST_LIST) && r == 0) {
		struct vos_cert_entry *v = NULL;
		size_t n = 0;

		r = vos_cert_list(s, 1, &v, &n);
		free(v);
	}
	/* Each IM/P node reports its own Presence Redundancy Group only:
	 * every node is asked, and the views are merged afterwards. */
	if ((c->what & INV_HA) && nd->product == PRODUCT_IMP && r == 0) {
		vos_ha_clear(&nd->ha);
		r = vos_ha_status(s, &nd->ha);
	}
	if ((c->what & INV_HA) && imp_pub && r == 0) {
		int sso;

		if ((r = vos_sso_status(s, &sso)) == 0)
			c->f->sso_enabled = sso;
	}
	if (r != 0) {
		nd->reachable = 0;
		snprintf(nd->error, sizeof nd->error, "%s", vos_error(s));
		log_error("%s", vos_error(s));
	}
}

/*
 * f->ha from every IM/P node's own view: one entry per (group, node), and
 * HA counted as enabled if any node reports it enabled.
 */
static int
inventory_merge_ha(struct facts *f)
{
	struct vos_ha *m = &f->ha;
	size_t i, k, j;
	int seen = 0;

	vos_ha_clear(m);
	m->enabled = 0;
	for (i = 0; i < f->n; i++) {
		const struct vos_ha *h = &f->nodes[i].ha;

		if (f->nodes[i].product != PRODUCT_IMP || !f->nodes[i].reachable)
			continue;
		seen = 1;
		m->enabled |= h->enabled;
		for (k = 0; k < h->n; k++) {
			struct vos_ha_node *v;

			for (j = 0; j < m->n; j++)
				if (strcmp(m->nodes[j].group, h->nodes[k].group) == 0 &&
				    strcasecmp(m->nodes[j].name, h->nodes[k].name) == 0)
					break;
			if (j < m->n)
				continue;
			if ((v = realloc(m->nodes, (m->n + 1) * sizeof *v)) == NULL)
				return ERR_NOMEM;
			m->nodes = v;
			m->nodes[m->n++] = h->nodes[k];
		}
	}
	f->ha_enabled = seen ? m->enabled : -1;
	return 0;
}

size_t
inventory_collect(struct pool *p, struct facts *f, unsigned what)
{
	struct collect_ctx c = { p, f, what };
	size_t i, bad = 0;

	if (pool_grow(p, f->n) != 0) {
		for (i = 0; i < f->n; i++) {
			f->nodes[i].reachable = 0;
			snprintf(f->nodes[i].error, sizeof f->nodes[i].error,
			    "out of memory");
		}
		return f->n;
	}
	if (what & INV_HA) {
		f->ha_enabled = -1;
		f->sso_enabled = -1;
	}
	f->now = time(NULL);
	par_run(f->n, p->site->ssh.parallel, inventory_collect_one, &c);
	for (i = 0; i < f->n; i++)
		if (!f->nodes[i].reachable)
			bad++;
	if ((what & INV_HA) && inventory_merge_ha(f) != 0) {
		log_error("out of memory merging the HA status of the nodes");
		bad++;
	}
	inventory_federation(p->site, f);
	return bad;
}

/* Whether a service is activated on any IM/P node. */
static int
inventory_activated(const struct facts *f, const char *service)
{
	const struct vos_service *sv;
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->nodes[i].product == PRODUCT_IMP &&
		    (sv = facts_service(&f->nodes[i], service)) != NULL &&
		    sv->activated)
			return 1;
	return 0;
}

void
inventory_federation(const struct site *site, struct facts *f)
{
	f->fed_sip = site->federation.sip == TRI_AUTO ?
	    inventory_activated(f,
		"Cisco XCP SIP Federation Connection Manager") :
	    site->federation.sip == TRI_ON;
	f->fed_xmpp = site->federation.xmpp == TRI_AUTO ?
	    inventory_activated(f,
		"Cisco XCP XMPP Federation Connection Manager") :
	    site->federation.xmpp == TRI_ON;
}

size_t
inventory_ha_groups(const struct facts *f, const char **out, size_t max)
{
	size_t i, k, n = 0;

	for (i = 0; i < f->ha.n && n < max; i++) {
		const char *g = f->ha.nodes[i].group;

		if (g[0] == '\0')
			continue;
		for (k = 0; k < n && strcmp(out[k], g) != 0; k++)
			;
		if (k == n)
			out[n++] = g;
	}
	return n;
}

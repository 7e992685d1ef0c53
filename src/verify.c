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
#include "plan.h"
#include "runtime.h"
#include "unit.h"
#include "vos.h"

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
	if (!ok) {
		v->failed++;
		log_error("verify %s: %s %s: %s", check, node ? node : "",
		    what ? what : "", detail);
	} else
		log_info("verify %s: %s %s: %s", check, node ? node : "",
		    what ? what : "", detail);
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

static void
vnode_units(struct vctx *v, struct journal *j, const struct plan *p, size_t i)
{
	struct fact_node *nd = &v->rt->facts.nodes[i];
	const struct site *site = v->rt->site;
	unsigned units = p != NULL ? p->units : site->units;
	time_t now = time(NULL);
	struct vos_session *s;
	int u;

	if (nd->product != PRODUCT_IMP || !nd->reachable)
		return;
	if ((s = vsession(v, i)) == NULL)
		return;
	for (u = 0; u < UNIT_COUNT; u++) {
		const char *old = vold_serial(j, p, nd->name, u);
		struct cert_info ci, served;
		char why[600];
		int port = site->tls_port[u];

		if (!(units & UNIT_BIT(u)) || !nd->units[u].present)
			continue;
		if (vos_cert_show(s, 0, unit_name(u), nd->units[u].file, &ci,
		    NULL) != 0) {
			vcheck(v, "certificate", nd->name, unit_name(u), 0, "%s",
			    vos_error(s));
			continue;
		}
		if (old != NULL)
			vcheck(v, "new-serial", nd->name, unit_name(u),
			    strcmp(old, ci.serial) != 0, "serial %s (was %s)",
			    ci.serial, old);
		vcheck(v, "not-after", nd->name, unit_name(u),
		    ci.not_after > now, "valid for %ld more days",
		    cert_days_left(&ci, now));
		if (port == 0 || (u == UNIT_CUP_XMPP_S2S && !v->rt->facts.fed_xmpp))
			continue;
		if (cert_probe_tls(nd->host, port, vmode(u), NULL,
		    site->ssh.connect_timeout * 1000, &served, why,
		    sizeof why) != 0) {
			vcheck(v, "tls", nd->name, unit_name(u), 0, "port %d: %s",
			    port, why);
			continue;
		}
		vcheck(v, "tls", nd->name, unit_name(u),
		    memcmp(served.sha256, ci.sha256, 32) == 0,
		    "port %d serves %.16s..., show cert own has %.16s...", port,
		    served.sha256_hex, ci.sha256_hex);
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

/* The CUCM publisher's ipsec certificate in every other node's
 * ipsec-trust, same serial (the TechNote's DRS check). */
static void
vipsec(struct vctx *v)
{
	struct facts *f = &v->rt->facts;
	int pub = facts_cucm_publisher(f);
	struct cert_info ipsec;
	struct vos_session *s;
	size_t i, k, n;

	if (pub < 0 || !f->nodes[pub].reachable) {
		vcheck(v, "ipsec-trust", NULL, NULL, 1, "skipped: no reachable "
		    "CUCM publisher (publishers.cucm)");
		return;
	}
	if ((s = vsession(v, (size_t)pub)) == NULL)
		return;
	if (vos_cert_show(s, 0, "ipsec", "ipsec.pem", &ipsec, NULL) != 0) {
		vcheck(v, "ipsec-trust", f->nodes[pub].name, "ipsec", 0, "%s",
		    vos_error(s));
		return;
	}
	for (i = 0; i < f->n; i++) {
		struct vos_cert_entry *e = NULL;
		int found = 0;

		if ((int)i == pub || !f->nodes[i].reachable ||
		    (s = vsession(v, i)) == NULL)
			continue;
		if (vos_cert_list(s, 1, &e, &n) != 0) {
			vcheck(v, "ipsec-trust", f->nodes[i].name, NULL, 0, "%s",
			    vos_error(s));
			continue;
		}
		for (k = 0; k < n && !found; k++) {
			struct cert_info ci;

			if (strcmp(e[k].unit, "ipsec-trust") != 0)
				continue;
			if (vos_cert_show(s, 1, e[k].unit, e[k].file, &ci,
			    NULL) == 0 && strcmp(ci.serial, ipsec.serial) == 0)
				found = 1;
		}
		free(e);
		vcheck(v, "ipsec-trust", f->nodes[i].name, "ipsec-trust", found,
		    "%s the CUCM publisher's ipsec certificate (serial %s)",
		    found ? "holds" : "lacks", ipsec.serial);
	}
}

int
exec_verify(struct runtime *rt, struct journal *j, const struct plan *p,
    json_t *report)
{
	struct vctx v = { rt, json_array(), 0 };
	size_t i;

	for (i = 0; i < rt->facts.n; i++) {
		vnode_units(&v, j, p, i);
		vnode_services(&v, p, i);
	}
	vipsec(&v);
	json_object_set_new(report, "verify", v.checks);
	return v.failed;
}

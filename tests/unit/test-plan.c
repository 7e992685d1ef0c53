/*
 * Unit tests for the planner: facts made by hand, the ordered steps checked
 * against DESIGN.md's procedure rules.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "facts.h"
#include "plan.h"
#include "tap.h"
#include "unit.h"

static const char *const imp_services[] = {
	"Cisco SIP Proxy", "Cisco Presence Engine", "Cisco XCP Router",
	"Cisco XCP SIP Federation Connection Manager",
	"Cisco XCP XMPP Federation Connection Manager", "Cisco DRF Local",
	"Cisco DRF Master", "Cisco Tomcat", "Cisco Certificate Expiry Monitor",
	"Cisco Intercluster Sync Agent", NULL,
};
static const char *const cucm_services[] = {
	"Cisco CallManager", "Cisco DRF Master", "Cisco DRF Local",
	"Cisco Tomcat", "Cisco Certificate Expiry Monitor",
	"Cisco Certificate Change Notification", NULL,
};

static void
node_services(struct fact_node *n, const char *const *names, int cucm_pub)
{
	size_t k, c = 0;

	while (names[c] != NULL)
		c++;
	n->services = calloc(c, sizeof *n->services);
	n->nservices = c;
	for (k = 0; k < c; k++) {
		struct vos_service *s = &n->services[k];

		snprintf(s->name, sizeof s->name, "%s", names[k]);
		s->state = SVC_STARTED;
		s->activated = 1;
		if (strstr(names[k], "Federation") != NULL)
			s->activated = 0, s->state = SVC_STOPPED;
		if (strcmp(names[k], "Cisco DRF Master") == 0 && !cucm_pub)
			s->state = SVC_STOPPED; /* Commanded Out of Service */
	}
}

static void
set_service(struct fact_node *n, const char *name, int activated,
    enum vos_svc_state st)
{
	size_t k;

	for (k = 0; k < n->nservices; k++)
		if (strcmp(n->services[k].name, name) == 0) {
			n->services[k].activated = activated;
			n->services[k].state = st;
		}
}

static void
node_unit(struct fact_node *n, int u, int ca, const char *serial)
{
	struct fact_unit *fu = &n->units[u];

	fu->present = 1;
	fu->ca_signed = ca;
	fu->have_cert = 1;
	snprintf(fu->file, sizeof fu->file, "%s.pem", unit_name(u));
	snprintf(fu->cert.serial, sizeof fu->cert.serial, "%s", serial);
	{
		char issuer[64];

		snprintf(issuer, sizeof issuer, "%s", ca ? "Example Issuing CA" :
		    n->name);
		snprintf(fu->cert.issuer_cn, sizeof fu->cert.issuer_cn, "%s",
		    issuer);
	}
	fu->cert.self_signed = !ca;
	fu->cert.not_after = 2000000000;
}

/* CUCMPUB, CUCMSUB, IMPPUB, IMPSUB1, IMPSUB2 with the five units. */
static void
demo_facts(struct facts *f, int major)
{
	static const struct {
		const char *name;
		enum vos_product p;
		int pub;
	} nodes[] = {
		{ "IMPSUB2", PRODUCT_IMP, 0 }, { "CUCMSUB", PRODUCT_CUCM, 0 },
		{ "IMPPUB", PRODUCT_IMP, 1 }, { "CUCMPUB", PRODUCT_CUCM, 1 },
		{ "IMPSUB1", PRODUCT_IMP, 0 },
	};
	size_t i;
	int u;

	memset(f, 0, sizeof *f);
	f->n = 5;
	f->nodes = calloc(f->n, sizeof *f->nodes);
	for (i = 0; i < f->n; i++) {
		struct fact_node *n = &f->nodes[i];
		char serial[32];

		snprintf(n->name, sizeof n->name, "%s", nodes[i].name);
		n->product = nodes[i].p;
		n->imp_publisher = nodes[i].p == PRODUCT_IMP && nodes[i].pub;
		n->cucm_publisher = nodes[i].p == PRODUCT_CUCM && nodes[i].pub;
		n->reachable = 1;
		n->major = major;
		if (n->product == PRODUCT_IMP) {
			node_services(n, imp_services, 0);
			for (u = 0; u < UNIT_COUNT; u++) {
				if (u == UNIT_CUP_ECDSA || u == UNIT_TOMCAT_ECDSA ||
				    u == UNIT_CUP_XMPP_ECDSA ||
				    u == UNIT_CUP_XMPP_S2S_ECDSA)
					continue;
				snprintf(serial, sizeof serial, "%zx%x", i, u);
				node_unit(n, u, 0, serial);
			}
		} else {
			node_services(n, cucm_services, n->cucm_publisher);
			node_unit(n, UNIT_IPSEC, 0, n->cucm_publisher ? "c0ffee" :
			    "c0ffef");
			node_unit(n, UNIT_TOMCAT, 0, "cafe");
		}
	}
	f->ha_enabled = 1;
	f->sso_enabled = 0;
	facts_sort(f);
}

static const char *groups[] = { "DefaultCUPSubcluster" };

static struct plan_request
req(unsigned units)
{
	struct plan_request rq;

	memset(&rq, 0, sizeof rq);
	rq.units = units;
	rq.ha_groups = groups;
	rq.nha_groups = 1;
	return rq;
}

/* Index of the first step with this key, or -1. */
static int
find(const struct plan *p, const char *key)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->steps[i].key, key) == 0)
			return (int)i;
	return -1;
}

/* Both steps exist and a comes before b. */
static int
before(const struct plan *p, const char *a, const char *b)
{
	int ia = find(p, a), ib = find(p, b);

	if (ia < 0 || ib < 0)
		tap_diag("missing step: %s", ia < 0 ? a : b);
	return ia >= 0 && ib >= 0 && ia < ib;
}

static int
count_kind(const struct plan *p, enum step_kind k, const char *service)
{
	size_t i;
	int n = 0;

	for (i = 0; i < p->n; i++)
		if (p->steps[i].kind == k && (service == NULL ||
		    strcmp(p->steps[i].service, service) == 0))
			n++;
	return n;
}

static int
last_of(const struct plan *p, enum step_kind k)
{
	int i, last = -1;

	for (i = 0; i < (int)p->n; i++)
		if (p->steps[i].kind == k)
			last = i;
	return last;
}

static int
first_of(const struct plan *p, enum step_kind k)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->steps[i].kind == k)
			return (int)i;
	return -1;
}

static const char *
skip_reason(const struct plan *p, const struct facts *f, const char *node,
    int unit)
{
	size_t i;

	for (i = 0; i < p->nskips; i++)
		if (p->skips[i].node >= 0 &&
		    strcmp(f->nodes[p->skips[i].node].name, node) == 0 &&
		    p->skips[i].unit == unit)
			return p->skips[i].reason;
	return NULL;
}

static void
test_full(void)
{
	struct facts f;
	struct plan p;
	struct plan_request rq = req(UNIT_DEFAULT_SET);
	char why[256];
	size_t i, j;
	int ok_keys = 1;

	demo_facts(&f, 14);
	is_int(plan_regen(&f, &rq, &p, why, sizeof why), 0, "full plan");
	is_int(count_kind(&p, STEP_REGEN, NULL), 15, "5 units x 3 IM/P nodes");
	is_int(count_kind(&p, STEP_BACKUP, NULL), 15, "each one backed up");
	ok(before(&p, "backup:IMPPUB:tomcat", "regen:IMPPUB:tomcat"),
	    "backup before regen");
	ok(before(&p, "regen:IMPPUB:cup", "regen:IMPSUB1:cup") &&
	    before(&p, "regen:IMPSUB1:cup", "regen:IMPSUB2:cup"),
	    "publisher first, then each subscriber");
	ok(find(&p, "regen:CUCMPUB:ipsec") == -1, "no regen on CUCM nodes");
	ok(last_of(&p, STEP_REGEN) < first_of(&p, STEP_HA_OFF),
	    "HA goes off after every regen");
	ok(first_of(&p, STEP_HA_OFF) < first_of(&p, STEP_RESTART),
	    "HA off before the first restart");
	ok(last_of(&p, STEP_RESTART) < first_of(&p, STEP_HA_ON),
	    "HA on after the last restart");
	is_str(p.steps[first_of(&p, STEP_HA_OFF)].group, "DefaultCUPSubcluster",
	    "the group is named");
	is_int(count_kind(&p, STEP_RESTART, "Cisco XCP Router"), 3,
	    "one XCP Router restart per node for cup-xmpp and cup-xmpp-s2s");
	is_int(count_kind(&p, STEP_RESTART, "Cisco SIP Proxy"), 3, "SIP Proxy");
	is_int(count_kind(&p, STEP_RESTART, "Cisco Presence Engine"), 3, "PE");
	is_int(count_kind(&p, STEP_RESTART,
	    "Cisco XCP SIP Federation Connection Manager"), 0,
	    "no SIP federation CM without SIP federation");
	is_int(count_kind(&p, STEP_RESTART,
	    "Cisco XCP XMPP Federation Connection Manager"), 0,
	    "no XMPP federation CM without XMPP federation");
	is_int(count_kind(&p, STEP_RESTART, "Cisco DRF Master"), 1,
	    "DRF Master once");
	ok(find(&p, "restart:CUCMPUB:Cisco DRF Master") >= 0,
	    "DRF Master on the CUCM publisher");
	is_int(count_kind(&p, STEP_RESTART, "Cisco DRF Local"), 3,
	    "DRF Local on each IM/P node");
	ok(before(&p, "restart:CUCMPUB:Cisco DRF Master", "restart:IMPPUB:Cisco DRF Local"), "DRF Master first");
	is_int(count_kind(&p, STEP_RESTART, "Cisco Tomcat"), 3,
	    "Tomcat on each IM/P node");
	ok(before(&p, "restart:IMPSUB2:Cisco SIP Proxy", "restart:IMPPUB:Cisco Presence Engine"),
	    "all SIP Proxy restarts before any Presence Engine restart");
	ok(before(&p, "restart:IMPPUB:Cisco Tomcat", "restart:IMPSUB1:Cisco Tomcat"),
	    "restarts publisher first");
	is_int(p.steps[p.n - 2].kind, STEP_VERIFY, "verify near the end");
	is_int(p.steps[p.n - 1].kind, STEP_EXPORT, "export last");
	ok(p.ha_touched, "the plan touches HA");
	for (i = 0; i < p.n; i++)
		for (j = i + 1; j < p.n; j++)
			if (strcmp(p.steps[i].key, p.steps[j].key) == 0)
				ok_keys = 0;
	ok(ok_keys, "every step key is unique");
	ok(!p.steps[first_of(&p, STEP_BACKUP)].mutating &&
	    p.steps[first_of(&p, STEP_REGEN)].mutating, "mutating flags");
	plan_clear(&p);
	facts_clear(&f);
}

static void
test_variants(void)
{
	struct facts f;
	struct plan p;
	struct plan_request rq;
	char why[256];
	const char *r;
	const char *only[] = { "IMPSUB1" };

	/* Federation on. */
	demo_facts(&f, 14);
	f.fed_sip = f.fed_xmpp = 1;
	for (size_t i = 0; i < f.n; i++) {
		set_service(&f.nodes[i],
		    "Cisco XCP SIP Federation Connection Manager", 1, SVC_STARTED);
		set_service(&f.nodes[i],
		    "Cisco XCP XMPP Federation Connection Manager", 1, SVC_STARTED);
	}
	rq = req(UNIT_DEFAULT_SET);
	plan_regen(&f, &rq, &p, why, sizeof why);
	is_int(count_kind(&p, STEP_RESTART,
	    "Cisco XCP SIP Federation Connection Manager"), 3,
	    "SIP federation CM restarted with SIP federation");
	ok(before(&p, "restart:IMPSUB2:Cisco Presence Engine", "restart:IMPPUB:Cisco XCP SIP Federation Connection Manager"),
	    "after the Presence Engine");
	ok(before(&p, "restart:IMPSUB2:Cisco XCP Router", "restart:IMPPUB:Cisco XCP XMPP Federation Connection Manager"),
	    "XMPP federation CM after the XCP Router");
	plan_clear(&p);

	/* Only tomcat. */
	rq = req(UNIT_BIT(UNIT_TOMCAT));
	plan_regen(&f, &rq, &p, why, sizeof why);
	is_int(count_kind(&p, STEP_REGEN, NULL), 3, "tomcat only: 3 regens");
	is_int(count_kind(&p, STEP_RESTART, NULL), 3, "tomcat only: 3 restarts");
	is_int(count_kind(&p, STEP_RESTART, "Cisco Tomcat"), 3,
	    "and they are Tomcat");
	plan_clear(&p);

	/* cup-xmpp-s2s alone still needs the XCP Router. */
	rq = req(UNIT_BIT(UNIT_CUP_XMPP_S2S));
	plan_regen(&f, &rq, &p, why, sizeof why);
	is_int(count_kind(&p, STEP_RESTART, "Cisco XCP Router"), 3,
	    "s2s: XCP Router");
	is_int(count_kind(&p, STEP_RESTART,
	    "Cisco XCP XMPP Federation Connection Manager"), 3,
	    "s2s: XMPP federation CM");
	plan_clear(&p);
	facts_clear(&f);

	/* A CA-signed unit is skipped, with a reason, unless forced. */
	demo_facts(&f, 14);
	f.nodes[facts_node_index(&f, "IMPSUB1")].units[UNIT_TOMCAT].ca_signed = 1;
	snprintf(f.nodes[facts_node_index(&f, "IMPSUB1")].units[UNIT_TOMCAT]
	    .cert.issuer_cn, 256, "Example Issuing CA");
	rq = req(UNIT_BIT(UNIT_TOMCAT));
	plan_regen(&f, &rq, &p, why, sizeof why);
	ok(find(&p, "regen:IMPSUB1:tomcat") == -1, "CA-signed tomcat skipped");
	r = skip_reason(&p, &f, "IMPSUB1", UNIT_TOMCAT);
	has_str(r, "CA-signed by Example Issuing CA", "the reason names the CA");
	has_str(r, "--force-ca-signed", "and the override");
	ok(find(&p, "regen:IMPPUB:tomcat") >= 0, "the others still regenerate");
	plan_clear(&p);
	rq.force_ca_signed = 1;
	plan_regen(&f, &rq, &p, why, sizeof why);
	ok(find(&p, "regen:IMPSUB1:tomcat") >= 0, "forced: regenerated");
	plan_clear(&p);
	facts_clear(&f);

	/* HA off: no HA steps. */
	demo_facts(&f, 14);
	f.ha_enabled = 0;
	rq = req(UNIT_DEFAULT_SET);
	plan_regen(&f, &rq, &p, why, sizeof why);
	is_int(count_kind(&p, STEP_HA_OFF, NULL) + count_kind(&p, STEP_HA_ON,
	    NULL), 0, "HA disabled: no HA steps");
	ok(!p.ha_touched, "HA untouched");
	plan_clear(&p);

	/* An unreachable subscriber is skipped with its error. */
	f.nodes[facts_node_index(&f, "IMPSUB2")].reachable = 0;
	snprintf(f.nodes[facts_node_index(&f, "IMPSUB2")].error, 256,
	    "connection refused");
	plan_regen(&f, &rq, &p, why, sizeof why);
	ok(find(&p, "regen:IMPSUB2:cup") == -1 &&
	    find(&p, "restart:IMPSUB2:Cisco Tomcat") == -1,
	    "nothing planned on an unreachable node");
	has_str(skip_reason(&p, &f, "IMPSUB2", -1), "connection refused",
	    "the skip says why");
	plan_clear(&p);
	f.nodes[facts_node_index(&f, "IMPSUB2")].reachable = 1;

	/* A service stopped by the administrator stays stopped. */
	set_service(&f.nodes[facts_node_index(&f, "IMPSUB1")],
	    "Cisco Presence Engine", 1, SVC_STOPPED);
	plan_regen(&f, &rq, &p, why, sizeof why);
	ok(find(&p, "restart:IMPSUB1:Cisco Presence Engine") == -1,
	    "a stopped service is not restarted");
	has_str(skip_reason(&p, &f, "IMPSUB1", -1), "left as it was",
	    "the skip says so");
	plan_clear(&p);

	/* Limited to one node. */
	rq.nodes = only;
	rq.nnodes = 1;
	plan_regen(&f, &rq, &p, why, sizeof why);
	is_int(count_kind(&p, STEP_REGEN, NULL), 5, "one node: five regens");
	ok(find(&p, "regen:IMPPUB:cup") == -1, "not on the others");
	plan_clear(&p);
	facts_clear(&f);

	/* Nothing self-signed: nothing to do. */
	demo_facts(&f, 14);
	for (size_t i = 0; i < f.n; i++)
		for (int u = 0; u < UNIT_COUNT; u++)
			f.nodes[i].units[u].ca_signed = 1;
	rq = req(UNIT_DEFAULT_SET);
	is_int(plan_regen(&f, &rq, &p, why, sizeof why), 0, "all CA-signed");
	is_int(p.n, 0, "an empty plan");
	ok(p.nskips >= 15, "every unit skipped with a reason");
	plan_clear(&p);
	facts_clear(&f);

	/* No IM/P publisher. */
	demo_facts(&f, 14);
	f.nodes[facts_imp_publisher(&f)].imp_publisher = 0;
	is_int(plan_regen(&f, &rq, &p, why, sizeof why), ERR_INVAL,
	    "no IM/P publisher refused");
	has_str(why, "no IM/P publisher", "with a reason");
	facts_clear(&f);
}

static void
add_trust(struct fact_node *n, const char *unit, const char *file,
    unsigned char tag, time_t not_after, const char *serial)
{
	struct fact_trust *t;

	n->trust = realloc(n->trust, (n->ntrust + 1) * sizeof *n->trust);
	t = &n->trust[n->ntrust++];
	memset(t, 0, sizeof *t);
	snprintf(t->unit, sizeof t->unit, "%s", unit);
	snprintf(t->file, sizeof t->file, "%s", file);
	t->have_cert = 1;
	t->cert.not_after = not_after;
	memset(t->cert.sha256, tag, 32);
	snprintf(t->cert.serial, sizeof t->cert.serial, "%s", serial);
}

static void
test_prune(void)
{
	struct facts f;
	struct plan p;
	struct plan_request rq = req(0);
	char why[256];
	time_t now = 1800000000;
	int pub, sub1, cucm;

	demo_facts(&f, 14);
	pub = facts_node_index(&f, "IMPPUB");
	sub1 = facts_node_index(&f, "IMPSUB1");
	cucm = facts_node_index(&f, "CUCMPUB");
	memset(f.nodes[cucm].units[UNIT_IPSEC].cert.sha256, 0xee, 32);
	/* The same expired tomcat-trust on two IM/P nodes (cluster-wide). */
	add_trust(&f.nodes[pub], "tomcat-trust", "old_1.pem", 1, now - 86400, "1");
	add_trust(&f.nodes[sub1], "tomcat-trust", "old_1.pem", 1, now - 86400, "1");
	/* Valid ones stay. */
	add_trust(&f.nodes[pub], "cup-trust", "good.pem", 2, now + 86400, "2");
	/* The CUCM publisher's current ipsec, expired: protected. */
	add_trust(&f.nodes[sub1], "ipsec-trust", "CUCMPUB.pem", 0xee, now - 1,
	    "c0ffee");
	/* An unknown trust unit: left for a person. */
	add_trust(&f.nodes[cucm], "CallManager-trust", "x.pem", 3, now - 5, "3");

	is_int(plan_prune(&f, &rq, now, &p, why, sizeof why), 0, "prune plan");
	is_int(count_kind(&p, STEP_DELETE, NULL), 1,
	    "one cluster-wide delete for the same certificate");
	ok(find(&p, "delete:IMPPUB:tomcat-trust:old_1.pem") >= 0,
	    "on the first node that has it");
	ok(find(&p, "delete:IMPPUB:cup-trust:good.pem") == -1,
	    "a valid trust certificate stays");
	ok(find(&p, "delete:IMPSUB1:ipsec-trust:CUCMPUB.pem") == -1,
	    "the CUCM publisher's ipsec certificate is never deleted");
	ok(find(&p, "delete:CUCMPUB:CallManager-trust:x.pem") == -1,
	    "no delete without a restart rule");
	ok((find(&p, "stop:IMPPUB:Cisco Certificate Expiry Monitor") >= 0 && find(&p, "stop:IMPPUB:Cisco Certificate Expiry Monitor") < first_of(&p, STEP_DELETE)) &&
	    (find(&p, "stop:IMPSUB2:Cisco Intercluster Sync Agent") >= 0 && find(&p, "stop:IMPSUB2:Cisco Intercluster Sync Agent") < first_of(&p, STEP_DELETE)), "IM/P monitors stopped first");
	ok(find(&p, "stop:CUCMPUB:Cisco Certificate Change Notification") >= 0 &&
	    (find(&p, "stop:CUCMSUB:Cisco Certificate Expiry Monitor") >= 0 && find(&p, "stop:CUCMSUB:Cisco Certificate Expiry Monitor") < first_of(&p, STEP_DELETE)),
	    "tomcat-trust: CUCM monitors stopped first too");
	ok(first_of(&p, STEP_HA_OFF) < first_of(&p, STEP_STOP),
	    "HA off before any stop");
	is_int(count_kind(&p, STEP_RESTART, "Cisco Tomcat"), 3,
	    "Tomcat restarted on the IM/P nodes (cluster-wide change)");
	is_int(count_kind(&p, STEP_START, NULL), count_kind(&p, STEP_STOP, NULL),
	    "every stopped service started again");
	ok(last_of(&p, STEP_RESTART) < first_of(&p, STEP_START),
	    "starts after the restarts");
	ok(last_of(&p, STEP_START) < first_of(&p, STEP_HA_ON),
	    "HA on at the end");
	plan_clear(&p);

	/* Before 11.0, a delete per node. */
	for (size_t i = 0; i < f.n; i++)
		f.nodes[i].major = 10;
	plan_prune(&f, &rq, now, &p, why, sizeof why);
	is_int(count_kind(&p, STEP_DELETE, NULL), 2, "10.x: one delete per node");
	plan_clear(&p);

	/* Nothing expired: an empty plan. */
	is_int(plan_prune(&f, &rq, now - 10 * 86400, &p, why, sizeof why), 0,
	    "nothing expired");
	is_int(p.n, 0, "empty prune plan");
	plan_clear(&p);
	facts_clear(&f);
}

/* The reason of the step with this key, or NULL. */
static const char *
why_of(const struct plan *p, const char *key)
{
	int i = find(p, key);

	if (i < 0)
		tap_diag("missing step: %s", key);
	return i >= 0 ? p->steps[i].why : NULL;
}

/* No restart of the plan gives regen's reason. */
static int
no_regen_reason(const struct plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->steps[i].kind == STEP_RESTART &&
		    strstr(p->steps[i].why, "make the new") != NULL) {
			tap_diag("%s: %s", p->steps[i].key, p->steps[i].why);
			return 0;
		}
	return 1;
}

/*
 * "drop the deleted X certificates (a, b and N more)": the names listed
 * (each must be one of files[], whole) plus N; -1 when the text is not of
 * that form.
 */
static int
why_file_count(const char *why, const char *const *files, size_t nfiles)
{
	const char *o = strchr(why, '('), *q;
	char name[300];
	int count = 0;
	unsigned long more = 0;
	size_t k, len;

	if (o == NULL || why[strlen(why) - 1] != ')')
		return -1;
	for (q = o + 1;;) {
		const char *end = strstr(q, ", ");
		const char *and = strstr(q, " and ");
		const char *close = strrchr(q, ')');
		int found = 0;

		if (end == NULL || (and != NULL && and < end))
			end = and != NULL ? and : close;
		len = (size_t)(end - q);
		if (len >= sizeof name)
			return -1;
		memcpy(name, q, len);
		name[len] = '\0';
		for (k = 0; k < nfiles; k++)
			found |= strcmp(name, files[k]) == 0;
		if (!found) {
			tap_diag("not a whole file name: \"%s\"", name);
			return -1;
		}
		count++;
		if (end == close)
			return count;
		if (end == and) {
			if (sscanf(and, " and %lu more)", &more) != 1)
				return -1;
			return count + (int)more;
		}
		q = end + 2;
	}
}

/* The reasons of prune-trust's restarts: the deleted trust, not "the
 * new" certificates. */
static void
test_prune_why(void)
{
	struct facts f;
	struct plan p;
	struct plan_request rq = req(0);
	char why[256], name[300];
	const char *w;
	time_t now = 1800000000;
	int pub, sub1, cucm, cucmsub;
	size_t i, k;
	const char *many[20];
	char manybuf[20][40];

	/* 11.x: two files, one on each of two IM/P nodes: every IM/P node's
	 * Tomcat dropped both (the deletes are cluster-wide). */
	demo_facts(&f, 14);
	pub = facts_node_index(&f, "IMPPUB");
	sub1 = facts_node_index(&f, "IMPSUB1");
	cucm = facts_node_index(&f, "CUCMPUB");
	memset(f.nodes[cucm].units[UNIT_IPSEC].cert.sha256, 0xee, 32);
	add_trust(&f.nodes[pub], "tomcat-trust", "old_1.pem", 1, now - 86400,
	    "1");
	add_trust(&f.nodes[sub1], "tomcat-trust", "sub1-only.pem", 2, now - 60,
	    "2");
	is_int(plan_prune(&f, &rq, now, &p, why, sizeof why), 0, "why: a plan");
	is_str(why_of(&p, "restart:IMPPUB:Cisco Tomcat"), "drop the deleted "
	    "tomcat-trust certificates (old_1.pem, sub1-only.pem)",
	    "11.x: the trust unit and both files");
	is_str(why_of(&p, "restart:IMPSUB2:Cisco Tomcat"), "drop the deleted "
	    "tomcat-trust certificates (old_1.pem, sub1-only.pem)",
	    "11.x: the same on a node that deleted nothing itself");
	ok(no_regen_reason(&p), "no prune restart says \"make the new\"");
	plan_clear(&p);

	/* 10.x: each node dropped its own. */
	for (i = 0; i < f.n; i++)
		f.nodes[i].major = 10;
	plan_prune(&f, &rq, now, &p, why, sizeof why);
	is_str(why_of(&p, "restart:IMPPUB:Cisco Tomcat"), "drop the deleted "
	    "tomcat-trust certificates (old_1.pem)", "10.x: IMPPUB's own file");
	is_str(why_of(&p, "restart:IMPSUB1:Cisco Tomcat"), "drop the deleted "
	    "tomcat-trust certificates (sub1-only.pem)", "10.x: IMPSUB1's own");
	ok(find(&p, "restart:IMPSUB2:Cisco Tomcat") == -1,
	    "10.x: nothing deleted on IMPSUB2, no restart there");
	ok(no_regen_reason(&p), "10.x: no \"make the new\"");
	plan_clear(&p);
	facts_clear(&f);

	/* cup-xmpp-trust and cup-xmpp-s2s-trust: one XCP Router restart
	 * names both units; the same file name under two units (or two
	 * certificates) is named once. */
	demo_facts(&f, 14);
	pub = facts_node_index(&f, "IMPPUB");
	sub1 = facts_node_index(&f, "IMPSUB1");
	add_trust(&f.nodes[pub], "cup-xmpp-trust", "peer.pem", 1, now - 1, "1");
	add_trust(&f.nodes[pub], "cup-xmpp-s2s-trust", "peer.pem", 2, now - 1,
	    "2");
	add_trust(&f.nodes[sub1], "cup-xmpp-s2s-trust", "other.pem", 3, now - 1,
	    "3");
	add_trust(&f.nodes[sub1], "cup-xmpp-trust", "peer.pem", 4, now - 1,
	    "4");
	plan_prune(&f, &rq, now, &p, why, sizeof why);
	is_int(count_kind(&p, STEP_DELETE, NULL), 4, "two units: four deletes");
	is_int(count_kind(&p, STEP_RESTART, "Cisco XCP Router"), 3,
	    "one XCP Router restart per IM/P node");
	is_str(why_of(&p, "restart:IMPSUB2:Cisco XCP Router"), "drop the "
	    "deleted cup-xmpp-trust and cup-xmpp-s2s-trust certificates "
	    "(peer.pem, other.pem)", "both units named, each file once");
	plan_clear(&p);
	facts_clear(&f);

	/* Twenty files: as many names as fit, whole, the rest counted. */
	demo_facts(&f, 14);
	pub = facts_node_index(&f, "IMPPUB");
	for (k = 0; k < 20; k++) {
		snprintf(manybuf[k], sizeof manybuf[k],
		    "expired-peer-%02zu_1a2b3c.pem", k);
		many[k] = manybuf[k];
		add_trust(&f.nodes[pub], "cup-xmpp-trust", manybuf[k],
		    (unsigned char)(10 + k), now - 1, manybuf[k]);
	}
	plan_prune(&f, &rq, now, &p, why, sizeof why);
	w = why_of(&p, "restart:IMPPUB:Cisco XCP Router");
	tap_diag("%s", w ? w : "(none)");
	has_str(w, "drop the deleted cup-xmpp-trust certificates "
	    "(expired-peer-00", "many files: the first ones named");
	has_str(w, " more)", "the rest counted");
	ok(w != NULL && strlen(w) < sizeof p.steps[0].why,
	    "the reason fits its field");
	is_int(w ? why_file_count(w, many, 20) : -1, 20,
	    "named + counted = the twenty files, no name cut");
	ok(no_regen_reason(&p), "many: no \"make the new\"");
	plan_clear(&p);
	facts_clear(&f);

	/* A name too long to list: the count alone.  A hostile name (format
	 * directives, a parenthesis, an escape) goes in as text. */
	demo_facts(&f, 14);
	pub = facts_node_index(&f, "IMPPUB");
	memset(name, 'x', 250);
	memcpy(name + 246, ".pem", 5);
	add_trust(&f.nodes[pub], "cup-trust", name, 1, now - 1, "1");
	plan_prune(&f, &rq, now, &p, why, sizeof why);
	is_str(why_of(&p, "restart:IMPPUB:Cisco SIP Proxy"),
	    "drop the deleted cup-trust certificates (1 file)",
	    "a file name too long for the reason: counted");
	plan_clear(&p);
	f.nodes[pub].ntrust = 0;
	add_trust(&f.nodes[pub], "cup-trust", "%s%n) \x1b[2J.pem", 1, now - 1,
	    "1");
	add_trust(&f.nodes[pub], "cup-trust", "b.pem", 2, now - 1, "2");
	plan_prune(&f, &rq, now, &p, why, sizeof why);
	is_str(why_of(&p, "restart:IMPPUB:Cisco Presence Engine"),
	    "drop the deleted cup-trust certificates "
	    "(%s%n) \x1b[2J.pem, b.pem)",
	    "a hostile file name is text, not a format");
	plan_clear(&p);
	facts_clear(&f);

	/* ipsec-trust deleted on an IM/P node: DRF Master on the CUCM
	 * publisher names the IM/P file; DRF Local too.  A CUCM node's own
	 * tomcat-trust: its Tomcat names its file. */
	demo_facts(&f, 14);
	pub = facts_node_index(&f, "IMPPUB");
	cucm = facts_node_index(&f, "CUCMPUB");
	cucmsub = facts_node_index(&f, "CUCMSUB");
	memset(f.nodes[cucm].units[UNIT_IPSEC].cert.sha256, 0xee, 32);
	add_trust(&f.nodes[pub], "ipsec-trust", "old-cucm_9f.pem", 5, now - 1,
	    "9f");
	add_trust(&f.nodes[cucmsub], "tomcat-trust", "cm-old.pem", 6, now - 1,
	    "6");
	is_int(plan_prune(&f, &rq, now, &p, why, sizeof why), 0,
	    "ipsec and CUCM tomcat-trust plan");
	is_str(why_of(&p, "restart:CUCMPUB:Cisco DRF Master"), "drop the "
	    "deleted ipsec-trust certificates (old-cucm_9f.pem)",
	    "DRF Master on the CUCM publisher: the IM/P node's file");
	is_str(why_of(&p, "restart:IMPSUB1:Cisco DRF Local"), "drop the "
	    "deleted ipsec-trust certificates (old-cucm_9f.pem)", "DRF Local");
	is_str(why_of(&p, "restart:CUCMSUB:Cisco Tomcat"), "drop the deleted "
	    "tomcat-trust certificates (cm-old.pem)",
	    "a CUCM node's Tomcat: its own tomcat-trust file");
	ok(find(&p, "restart:CUCMPUB:Cisco Tomcat") == -1,
	    "not on the CUCM node whose trust did not change");
	ok(no_regen_reason(&p), "ipsec: no \"make the new\"");
	plan_clear(&p);
	facts_clear(&f);

	/* regen keeps its reasons. */
	demo_facts(&f, 14);
	rq = req(UNIT_DEFAULT_SET);
	plan_regen(&f, &rq, &p, why, sizeof why);
	is_str(why_of(&p, "restart:IMPPUB:Cisco XCP Router"),
	    "make the new cup-xmpp, cup-xmpp-s2s active", "regen: XCP Router");
	is_str(why_of(&p, "restart:IMPSUB1:Cisco Tomcat"),
	    "make the new tomcat active", "regen: Tomcat");
	is_str(why_of(&p, "restart:CUCMPUB:Cisco DRF Master"),
	    "make the new ipsec active", "regen: DRF Master");
	plan_clear(&p);
	facts_clear(&f);
}

/* plan_resume: which steps of a journaled plan run again. */
static void
test_resume(void)
{
	struct facts f;
	struct plan p;
	struct plan_request rq = req(0);
	unsigned char *done, *run;
	char why[256];
	time_t now = 1800000000;
	size_t i, n;
	int ok_all, del, rst, k;

	demo_facts(&f, 14);
	add_trust(&f.nodes[facts_node_index(&f, "IMPPUB")], "cup-xmpp-trust",
	    "old_1.pem", 1, now - 86400, "1");
	is_int(plan_prune(&f, &rq, now, &p, why, sizeof why), 0,
	    "resume: a prune plan");
	done = calloc(p.n, 1);
	run = calloc(p.n, 1);
	del = first_of(&p, STEP_DELETE);
	rst = first_of(&p, STEP_RESTART);
	ok(del >= 0 && rst >= 0, "resume: the plan deletes and restarts");

	is_int((int)plan_resume(&p, done, run), (int)p.n,
	    "nothing done: every step runs");

	memset(done, 1, p.n);
	is_int((int)plan_resume(&p, done, run), 0, "all done: nothing runs");

	/* Killed in the restarts: HA off again, the monitors stay as
	 * they are (no delete left), the restart runs. */
	memset(done, 1, p.n);
	done[rst] = 0;
	plan_resume(&p, done, run);
	ok_all = run[rst] && !run[del];
	for (i = 0; i < p.n; i++) {
		enum step_kind kd = p.steps[i].kind;

		if ((kd == STEP_HA_OFF || kd == STEP_HA_ON) && !run[i])
			ok_all = 0;
		if ((kd == STEP_STOP || kd == STEP_START) && run[i])
			ok_all = 0;
	}
	ok(ok_all, "restart left: HA brackets again, no stop or start again");

	/* Killed before the delete: the monitors are stopped again and
	 * started again after. */
	memset(done, 1, p.n);
	done[del] = 0;
	plan_resume(&p, done, run);
	ok_all = run[del] && !run[rst];
	for (i = 0; i < p.n; i++) {
		enum step_kind kd = p.steps[i].kind;

		if ((kd == STEP_STOP || kd == STEP_START || kd == STEP_HA_OFF ||
		    kd == STEP_HA_ON) && !run[i])
			ok_all = 0;
	}
	ok(ok_all, "delete left: HA off, monitors stopped, started, HA on");

	/* Only ha-on left (killed in it): nothing else is toggled. */
	memset(done, 1, p.n);
	done[last_of(&p, STEP_HA_ON)] = 0;
	n = plan_resume(&p, done, run);
	ok(n == 1 && run[last_of(&p, STEP_HA_ON)], "only ha-on left: only it runs");

	/* plan_undo pairs a stop with its start, ha-off with ha-on. */
	k = plan_undo(&p, (size_t)first_of(&p, STEP_STOP));
	ok(k >= 0 && p.steps[k].kind == STEP_START &&
	    p.steps[k].node == p.steps[first_of(&p, STEP_STOP)].node &&
	    strcmp(p.steps[k].service,
	    p.steps[first_of(&p, STEP_STOP)].service) == 0,
	    "plan_undo: the start of the stopped service, same node");
	is_int(plan_undo(&p, (size_t)first_of(&p, STEP_HA_OFF)),
	    last_of(&p, STEP_HA_ON), "plan_undo: ha-off -> ha-on");
	is_int(plan_undo(&p, (size_t)del), -1, "plan_undo: a delete has none");
	free(done);
	free(run);
	plan_clear(&p);
	facts_clear(&f);
}

int
main(void)
{
	test_full();
	test_variants();
	test_prune();
	test_prune_why();
	test_resume();
	return tap_done();
}

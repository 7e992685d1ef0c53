/*
 * cmd-inventory: per node, every identity certificate (unit, self-signed or
 * CA-signed, serial, notAfter, days left), the services of the procedure
 * and their state, HA and SSO.  All sessions are opened in parallel.
 */
#include "config.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "conf.h"
#include "err.h"
#include "inventory.h"
#include "log.h"
#include "output.h"
#include "runtime.h"
#include "unit.h"

/* The services the procedure touches, in the order people read them. */
static const char *const inv_services[] = {
	"Cisco SIP Proxy",
	"Cisco Presence Engine",
	"Cisco XCP Router",
	"Cisco XCP SIP Federation Connection Manager",
	"Cisco XCP XMPP Federation Connection Manager",
	"Cisco DRF Master",
	"Cisco DRF Local",
	"Cisco Tomcat",
	"Cisco Certificate Expiry Monitor",
	"Cisco Intercluster Sync Agent",
	"Cisco Certificate Change Notification",
	NULL,
};

static json_t *
inv_node_json(const struct facts *f, const struct fact_node *n)
{
	json_t *o = output_node_json(n), *certs = json_array(),
	    *svcs = json_object();
	const struct vos_service *sv;
	size_t i;
	int u;

	json_object_set_new(o, "reachable", json_boolean(n->reachable));
	if (!n->reachable)
		json_object_set_new(o, "error", output_jstr(n->error));
	for (u = 0; u < UNIT_COUNT; u++) {
		const struct fact_unit *fu = &n->units[u];
		json_t *c;

		if (!fu->present)
			continue;
		c = fu->have_cert ? output_cert_json(&fu->cert, f->now) :
		    json_object();
		json_object_set_new(c, "unit", json_string(unit_name(u)));
		json_object_set_new(c, "file", output_jstr(fu->file));
		json_object_set_new(c, "ca_signed", json_boolean(fu->ca_signed));
		json_array_append_new(certs, c);
	}
	json_object_set_new(o, "certificates", certs);
	for (i = 0; inv_services[i] != NULL; i++)
		if ((sv = facts_service(n, inv_services[i])) != NULL)
			json_object_set_new(svcs, sv->name, output_jstr(
			    sv->activated ? vos_svc_state_name(sv->state) :
			    "NOT ACTIVATED"));
	json_object_set_new(o, "services", svcs);
	return o;
}

static void
inv_node_print(const struct facts *f, const struct fact_node *n)
{
	const struct vos_service *sv;
	char t[32];
	size_t i;
	int u;

	printf("%s (%s %s, %s)%s%s\n", n->name, output_product(n->product),
	    output_role(n), n->host, n->version[0] ? " version " : "",
	    n->version);
	if (!n->reachable) {
		printf("  unreachable: ");
		output_field(stdout, n->error, 0);
		printf("\n\n");
		return;
	}
	printf("  %-20s %-10s %-34s %-20s %s\n", "UNIT", "SIGNED", "SERIAL",
	    "NOT AFTER", "DAYS");
	for (u = 0; u < UNIT_COUNT; u++) {
		const struct fact_unit *fu = &n->units[u];

		if (!fu->present)
			continue;
		printf("  %-20s %-10s ", unit_name(u),
		    fu->ca_signed ? "CA" : "self");
		if (fu->have_cert) {
			output_time(fu->cert.not_after, t, sizeof t);
			printf("%-34.34s %-20s %ld\n", fu->cert.serial, t,
			    cert_days_left(&fu->cert, f->now));
		} else
			printf("(certificate not read)\n");
	}
	for (i = 0; inv_services[i] != NULL; i++)
		if ((sv = facts_service(n, inv_services[i])) != NULL)
			printf("  %-46s %s\n", sv->name, sv->activated ?
			    vos_svc_state_name(sv->state) : "NOT ACTIVATED");
	printf("\n");
}

static int
cmd_inventory_exec(struct cmd_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct runtime rt;
	char why[1024];
	size_t i, bad;
	int ch, json = 0, ret;

	while ((ch = getopt_long(ctx->argc, ctx->argv, "j", longopts, NULL)) !=
	    -1) {
		if (ch != 'j')
			return cmd_usage(&cmd_inventory_entry);
		json = 1;
	}
	if (optind != ctx->argc)
		return cmd_usage(&cmd_inventory_entry);
	if ((ret = runtime_begin(ctx, &rt)) != EXIT_DONE) {
		runtime_end(&rt);
		return ret;
	}
	if (inventory_discover(&rt.pool, &rt.facts, why, sizeof why) != 0) {
		log_error("discovery failed: %s", why);
		runtime_end(&rt);
		return EXIT_FAIL;
	}
	bad = inventory_collect(&rt.pool, &rt.facts, INV_CERTS | INV_SERVICES |
	    INV_HA | INV_VERSION);
	if (json) {
		json_t *o = json_object(), *a = json_array();

		json_object_set_new(o, "site", output_jstr(ctx->site->name));
		for (i = 0; i < rt.facts.n; i++)
			json_array_append_new(a, inv_node_json(&rt.facts,
			    &rt.facts.nodes[i]));
		json_object_set_new(o, "nodes", a);
		json_object_set_new(o, "ha_enabled", rt.facts.ha_enabled < 0 ?
		    json_null() : json_boolean(rt.facts.ha_enabled));
		json_object_set_new(o, "sso_enabled", rt.facts.sso_enabled < 0 ?
		    json_null() : json_boolean(rt.facts.sso_enabled));
		json_object_set_new(o, "federation", json_pack("{s:b,s:b}",
		    "sip", rt.facts.fed_sip, "xmpp", rt.facts.fed_xmpp));
		ret = output_json(o, stdout) == 0 ? EXIT_DONE : EXIT_FAIL;
	} else {
		for (i = 0; i < rt.facts.n; i++)
			inv_node_print(&rt.facts, &rt.facts.nodes[i]);
		printf("High Availability: %s\n", rt.facts.ha_enabled < 0 ?
		    "unknown" : rt.facts.ha_enabled ? "enabled" : "disabled");
		for (i = 0; i < rt.facts.ha.n; i++) {
			printf("  ");
			output_field(stdout, rt.facts.ha.nodes[i].name, 16);
			output_field(stdout, rt.facts.ha.nodes[i].state, 24);
			output_field(stdout, rt.facts.ha.nodes[i].reason, 0);
			printf("\n");
		}
		printf("SAML SSO: %s\n", rt.facts.sso_enabled < 0 ? "unknown" :
		    rt.facts.sso_enabled ? "enabled" : "disabled");
		printf("Federation: SIP %s, XMPP %s\n",
		    rt.facts.fed_sip ? "on" : "off",
		    rt.facts.fed_xmpp ? "on" : "off");
		ret = fflush(stdout) == 0 ? EXIT_DONE : EXIT_FAIL;
	}
	if (bad > 0) {
		log_error("%zu node%s could not be inventoried", bad,
		    bad == 1 ? "" : "s");
		ret = EXIT_FAIL;
	}
	runtime_end(&rt);
	return ret;
}

const struct cmd_entry cmd_inventory_entry = {
	.name = "inventory",
	.usage = "[--json]",
	.summary = "identity certificates, services, HA and SSO of every node",
	.flags = CMD_NEEDS_SITE,
	.exec = cmd_inventory_exec,
};

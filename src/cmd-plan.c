/*
 * cmd-plan: what regen (or prune-trust) would do, in order, read from the
 * live cluster and changing nothing.  For people, or --json.
 */
#include "config.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "conf.h"
#include "err.h"
#include "inventory.h"
#include "log.h"
#include "output.h"
#include "plan.h"
#include "plan-json.h"
#include "runtime.h"
#include "unit.h"

/* The request from --cert options (or the site's units) and HA facts. */
static void
cmd_plan_request(const struct site *site, const struct facts *f,
    unsigned units, struct plan_request *rq)
{
	memset(rq, 0, sizeof *rq);
	rq->units = units ? units : site->units;
	static const char *groups[16];

	rq->ha_groups = (const char *const *)site->axl.groups;
	rq->nha_groups = site->axl.ngroups;
	if (rq->nha_groups == 0) {
		rq->nha_groups = inventory_ha_groups(f, groups, 16);
		rq->ha_groups = groups;
	}
}

static int
cmd_plan_exec(struct cmd_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "cert", required_argument, NULL, 'C' },
		{ "prune-trust", no_argument, NULL, 'P' },
		{ "force-ca-signed", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	struct plan_request rq;
	struct runtime rt;
	struct plan p;
	char why[1024];
	unsigned units = 0;
	int ch, json = 0, prune = 0, force = 0, u, ret;

	while ((ch = getopt_long(ctx->argc, ctx->argv, "jC:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 'C':
			if ((u = unit_from_name(optarg)) < 0) {
				log_error("--cert %s: unknown unit (cup, cup-xmpp, "
				    "cup-xmpp-s2s, ipsec, tomcat, or an -ECDSA "
				    "form)", optarg);
				return EXIT_USAGE;
			}
			units |= UNIT_BIT(u);
			break;
		case 'P':
			prune = 1;
			break;
		case 'F':
			force = 1;
			break;
		default:
			return cmd_usage(&cmd_plan_entry);
		}
	}
	if (optind != ctx->argc)
		return cmd_usage(&cmd_plan_entry);
	if ((ret = runtime_begin(ctx, &rt)) != EXIT_DONE) {
		runtime_end(&rt);
		return ret;
	}
	if (inventory_discover(&rt.pool, &rt.facts, why, sizeof why) != 0) {
		log_error("discovery failed: %s", why);
		runtime_end(&rt);
		return EXIT_FAIL;
	}
	inventory_collect(&rt.pool, &rt.facts, INV_ALL & ~(prune ? 0 : INV_TRUST));
	cmd_plan_request(ctx->site, &rt.facts, units, &rq);
	rq.force_ca_signed = force;
	if ((prune ? plan_prune(&rt.facts, &rq, time(NULL), &p, why, sizeof why) :
	    plan_regen(&rt.facts, &rq, &p, why, sizeof why)) != 0) {
		log_error("cannot plan: %s", why);
		runtime_end(&rt);
		return EXIT_FAIL;
	}
	if (json)
		ret = output_json(plan_json(&rt.facts, &p), stdout) == 0 ?
		    EXIT_DONE : EXIT_FAIL;
	else {
		plan_print(&rt.facts, &p, stdout);
		ret = fflush(stdout) == 0 ? EXIT_DONE : EXIT_FAIL;
	}
	plan_clear(&p);
	runtime_end(&rt);
	return ret;
}

const struct cmd_entry cmd_plan_entry = {
	.name = "plan",
	.usage = "[--cert UNIT]... [--prune-trust] [--force-ca-signed] [--json]",
	.summary = "show the steps regen (or prune-trust) would take",
	.flags = CMD_NEEDS_SITE,
	.exec = cmd_plan_exec,
};

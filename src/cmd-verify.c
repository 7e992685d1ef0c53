/*
 * cmd-verify: the checks of a finished regen, on the cluster as it is:
 * certificates valid, TLS ports serving what `show cert own` shows,
 * services STARTED, the CUCM publisher's ipsec certificate trusted by
 * every other node.  Read-only.
 */
#include "config.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "conf.h"
#include "err.h"
#include "exec.h"
#include "inventory.h"
#include "log.h"
#include "output.h"
#include "runtime.h"

static int
cmd_verify_exec(struct cmd_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct runtime rt;
	char why[1024];
	json_t *report, *checks;
	size_t i, bad;
	int ch, json = 0, ret, failed;

	while ((ch = getopt_long(ctx->argc, ctx->argv, "j", longopts, NULL)) !=
	    -1) {
		if (ch != 'j')
			return cmd_usage(&cmd_verify_entry);
		json = 1;
	}
	if (optind != ctx->argc)
		return cmd_usage(&cmd_verify_entry);
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
	    INV_VERSION);
	report = json_object();
	failed = exec_verify(&rt, NULL, NULL, report);
	checks = json_object_get(report, "verify");
	if (json) {
		json_object_set_new(report, "site", output_jstr(ctx->site->name));
		json_object_set_new(report, "ok", json_boolean(failed == 0 &&
		    bad == 0));
		output_json(json_incref(report), stdout);
	} else {
		for (i = 0; i < json_array_size(checks); i++) {
			json_t *c = json_array_get(checks, i);
			const char *node = json_string_value(json_object_get(c,
			    "node"));
			const char *what = json_string_value(json_object_get(c,
			    "what"));

			printf("%-4s %-12s ", json_is_true(json_object_get(c,
			    "ok")) ? "ok" : "FAIL", json_string_value(
			    json_object_get(c, "check")));
			output_field(stdout, node ? node : "-", 10);
			output_field(stdout, what ? what : "-", 30);
			output_field(stdout, json_string_value(json_object_get(c,
			    "detail")), 0);
			printf("\n");
		}
		printf("%zu checks, %d failed\n", json_array_size(checks),
		    failed);
	}
	json_decref(report);
	runtime_end(&rt);
	return failed == 0 && bad == 0 ? EXIT_DONE : EXIT_FAIL;
}

const struct cmd_entry cmd_verify_entry = {
	.name = "verify",
	.usage = "[--json]",
	.summary = "check certificates, TLS ports, services and ipsec trust",
	.flags = CMD_NEEDS_SITE,
	.exec = cmd_verify_exec,
};

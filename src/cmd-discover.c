/* cmd-discover: the cluster's nodes from `show network cluster`. */
#include "config.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "inventory.h"
#include "log.h"
#include "output.h"
#include "runtime.h"

static int
cmd_discover_exec(struct cmd_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct runtime rt;
	char why[1024];
	int ch, json = 0, ret;
	size_t i;

	while ((ch = getopt_long(ctx->argc, ctx->argv, "j", longopts, NULL)) !=
	    -1) {
		if (ch != 'j')
			return cmd_usage(&cmd_discover_entry);
		json = 1;
	}
	if (optind != ctx->argc)
		return cmd_usage(&cmd_discover_entry);
	if ((ret = runtime_begin(ctx, &rt)) != EXIT_DONE) {
		runtime_end(&rt);
		return ret;
	}
	if (inventory_discover(&rt.pool, &rt.facts, why, sizeof why) != 0) {
		log_error("discovery failed: %s", why);
		runtime_end(&rt);
		return EXIT_FAIL;
	}
	if (json) {
		json_t *a = json_array();

		for (i = 0; i < rt.facts.n; i++)
			json_array_append_new(a, output_node_json(&rt.facts.nodes[i]));
		ret = output_json(a, stdout) == 0 ? EXIT_DONE : EXIT_FAIL;
	} else {
		printf("%-16s %-40s %-6s %s\n", "NODE", "ADDRESS", "PRODUCT",
		    "ROLE");
		for (i = 0; i < rt.facts.n; i++) {
			const struct fact_node *n = &rt.facts.nodes[i];

			output_field(stdout, n->name, 16);
			output_field(stdout, n->host, 40);
			printf("%-7s %s\n", output_product(n->product),
			    output_role(n));
		}
		ret = fflush(stdout) == 0 ? EXIT_DONE : EXIT_FAIL;
	}
	runtime_end(&rt);
	return ret;
}

const struct cmd_entry cmd_discover_entry = {
	.name = "discover",
	.usage = "[--json]",
	.summary = "list the cluster's nodes (show network cluster)",
	.flags = CMD_NEEDS_SITE,
	.exec = cmd_discover_exec,
};

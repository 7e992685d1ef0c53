/*
 * cmd-status: where a run stands, from the journal alone (no cluster
 * access): the pending run's steps done, in progress and failed.
 */
#include "config.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "conf.h"
#include "err.h"
#include "journal.h"
#include "log.h"
#include "output.h"

static int
cmd_status_exec(struct cmd_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct journal *j;
	char why[1024];
	json_t *plan;
	size_t i, done = 0;
	int ch, json = 0, begun = 0;

	while ((ch = getopt_long(ctx->argc, ctx->argv, "j", longopts, NULL)) !=
	    -1) {
		if (ch != 'j')
			return cmd_usage(&cmd_status_entry);
		json = 1;
	}
	if (optind != ctx->argc)
		return cmd_usage(&cmd_status_entry);
	if (journal_open(ctx->site->state_dir, &j, why, sizeof why) != 0) {
		log_error("%s", why);
		return EXIT_FAIL;
	}
	if (!journal_pending(j)) {
		if (json)
			output_json(json_pack("{s:b}", "pending", 0), stdout);
		else
			printf("No run in progress for %s.\n", ctx->site->name);
		journal_free(j);
		return EXIT_DONE;
	}
	plan = journal_plan(j);
	if (json) {
		json_t *o = json_object(), *steps = json_array();
		json_t *left = json_array();

		json_object_set_new(o, "pending", json_true());
		json_object_set_new(o, "command", json_string(journal_command(j)));
		json_object_set_new(o, "run", output_jstr(journal_run_id(j)));
		for (i = 0; i < json_array_size(plan); i++) {
			json_t *s = json_deep_copy(json_array_get(plan, i));
			const char *key = json_string_value(json_object_get(s,
			    "key"));
			static const char *const names[] = { "pending", "begun",
				"done", "failed" };

			enum journal_state st = journal_step_state(j, key ? key :
			    "");
			const char *e = journal_step_error(j, key ? key : "");

			json_object_set_new(s, "state", json_string(names[st]));
			if (e != NULL)
				json_object_set_new(s, "error", output_jstr(e));
			if (st != JSTEP_DONE)
				json_array_append_new(left, output_jstr(key ? key :
				    "?"));
			json_array_append_new(steps, s);
		}
		json_object_set_new(o, "steps", steps);
		json_object_set_new(o, "left", left);
		output_json(o, stdout);
		journal_free(j);
		return EXIT_DONE;
	}
	printf("An interrupted %s run is pending: %s\n", journal_command(j),
	    journal_run_id(j));
	for (i = 0; i < json_array_size(plan); i++) {
		json_t *s = json_array_get(plan, i);
		const char *key = json_string_value(json_object_get(s, "key"));
		enum journal_state st = journal_step_state(j, key ? key : "");
		const char *e = journal_step_error(j, key ? key : "");

		if (st == JSTEP_DONE)
			done++;
		begun |= st == JSTEP_BEGUN;
		printf("  %-8s ", st == JSTEP_DONE ? "done" : st == JSTEP_BEGUN ?
		    "BEGUN" : st == JSTEP_FAILED ? "FAILED" : "-");
		output_field(stdout, key ? key : "?", 0);
		printf("\n");
		if (e != NULL) {
			printf("           error: ");
			output_field(stdout, e, 0);
			printf("\n");
		}
	}
	printf("%zu of %zu steps done, %zu left (BEGUN: interrupted inside "
	    "it; FAILED: see its error; -: not begun).\n", done,
	    json_array_size(plan), json_array_size(plan) - done);
	if (begun)
		printf("The run was interrupted inside a step (killed or "
		    "crashed): services it stopped may still be stopped and HA "
		    "off until it is finished.\n");
	printf("Run `certregen -c %s %s` to finish it.\n", ctx->site->path,
	    journal_command(j));
	journal_free(j);
	return EXIT_DONE;
}

const struct cmd_entry cmd_status_entry = {
	.name = "status",
	.usage = "[--json]",
	.summary = "where an interrupted run stands (from the journal)",
	.flags = CMD_NEEDS_SITE,
	.exec = cmd_status_exec,
};

/*
 * cmd-cli: one command line on one node through the expect engine, its
 * output printed (escaped).  For troubleshooting a dialog or a node.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "cmd.h"
#include "conf.h"
#include "dialog.h"
#include "err.h"
#include "esc.h"
#include "inventory.h"
#include "log.h"
#include "runtime.h"
#include "vos.h"

struct cli_out {
	char last;   /* the last byte printed, '\0' before any */
};

/* Print a piece of the output, escaped (remote-controlled bytes). */
static int
cli_sink(void *arg, const char *p, size_t n)
{
	struct cli_out *o = arg;
	struct buf esc;
	int r = 0;

	if (n == 0)
		return 0;
	buf_init(&esc, 4 * n + 16);
	if (esc_add(&esc, p, n, ESC_KEEP_NL | ESC_KEEP_TAB) != 0 ||
	    fwrite(buf_str(&esc), 1, esc.len, stdout) != esc.len)
		r = -1;
	else if (esc.len > 0)
		o->last = esc.data[esc.len - 1];
	buf_clear(&esc);
	return r;
}

static int
cmd_cli_exec(struct cmd_ctx *ctx)
{
	const struct site *site = ctx->site;
	struct vos_session *s = NULL;
	struct vos_target t;
	struct runtime rt;
	struct cli_out o;
	char why[1024];
	const char *node, *line;
	size_t i;
	int ret, r, idx;

	if (ctx->argc != 3)
		return cmd_usage(&cmd_cli_entry);
	node = ctx->argv[1];
	line = ctx->argv[2];
	if ((ret = runtime_begin(ctx, &rt)) != EXIT_DONE) {
		runtime_end(&rt);
		return ret;
	}
	/* A hostile line (control bytes, escapes, a newline) is refused
	 * before any node is contacted. */
	{
		struct dialog_param p = { "line", line };

		if (dialog_check(dialog_get(rt.dialogs, "command"), &p, 1, why,
		    sizeof why) != 0) {
			log_error("refused: %s", why);
			runtime_end(&rt);
			return EXIT_USAGE;
		}
	}
	memset(&t, 0, sizeof t);
	t.name = node;
	/* A publisher or a static node is reached without discovery. */
	if (strcasecmp(node, site->imp_publisher) == 0 ||
	    (site->cucm_publisher && strcasecmp(node, site->cucm_publisher) == 0))
		t.host = node;
	for (i = 0; i < site->nnodes; i++)
		if (strcasecmp(node, site->nodes[i].name) == 0) {
			t.host = site->nodes[i].host;
			t.port = site->nodes[i].port;
		}
	if (t.host == NULL) {
		if (inventory_discover(&rt.pool, &rt.facts, why, sizeof why) != 0) {
			log_error("discovery failed: %s", why);
			runtime_end(&rt);
			return EXIT_FAIL;
		}
		if ((idx = facts_node_index(&rt.facts, node)) < 0) {
			log_error("no node named '%s' in the cluster (certregen "
			    "discover lists them)", node);
			runtime_end(&rt);
			return EXIT_USAGE;
		}
		pool_open(&rt.pool, &rt.facts);
		s = rt.pool.s[idx];
		if (s == NULL) {
			log_error("%s", rt.facts.nodes[idx].error);
			runtime_end(&rt);
			return EXIT_FAIL;
		}
	} else if (vos_open(site, rt.dialogs, &t, rt.tdir, &s, why,
	    sizeof why) != 0) {
		log_error("%s", why);
		runtime_end(&rt);
		return EXIT_FAIL;
	}
	/* Streamed: output of any size is printed as it comes. */
	memset(&o, 0, sizeof o);
	r = vos_command_stream(s, line, cli_sink, &o);
	if (o.last != '\0' && o.last != '\n')
		fputc('\n', stdout);
	if (fflush(stdout) != 0 && r == 0) {
		log_error("cannot write the output: %s", strerror(errno));
		ret = EXIT_FAIL;
	}
	if (r != 0) {
		log_error("%s", vos_error(s));
		ret = EXIT_FAIL;
	}
	if (t.host != NULL)
		vos_close(s);
	runtime_end(&rt);
	return ret;
}

const struct cmd_entry cmd_cli_entry = {
	.name = "cli",
	.usage = "NODE 'COMMAND'",
	.summary = "run one CLI command on a node and print its output",
	.flags = CMD_NEEDS_SITE,
	.exec = cmd_cli_exec,
};

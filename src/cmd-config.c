/* cmd-config: print the effective site configuration (like ssh -G). */
#include "config.h"

#include <stdio.h>

#include "cmd.h"
#include "conf.h"

static int
cmd_config_exec(struct cmd_ctx *ctx)
{
	if (ctx->argc != 1)
		return cmd_usage(&cmd_config_entry);
	conf_dump(ctx->site, stdout);
	return fflush(stdout) == 0 ? EXIT_DONE : EXIT_FAIL;
}

const struct cmd_entry cmd_config_entry = {
	.name = "config",
	.usage = "",
	.summary = "print the effective configuration, secrets as ***",
	.flags = CMD_NEEDS_SITE,
	.exec = cmd_config_exec,
};

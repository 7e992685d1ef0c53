/* cmd: the table of subcommands. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"

const struct cmd_entry *const cmd_table[] = {
	&cmd_config_entry,
	&cmd_discover_entry,
	&cmd_inventory_entry,
	&cmd_plan_entry,
	&cmd_regen_entry,
	&cmd_renew_entry,
	&cmd_prune_entry,
	&cmd_verify_entry,
	&cmd_status_entry,
	&cmd_check_entry,
	&cmd_cli_entry,
	NULL,
};

const struct cmd_entry *
cmd_find(const char *name)
{
	size_t i;

	for (i = 0; cmd_table[i] != NULL; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

int
cmd_usage(const struct cmd_entry *e)
{
	fprintf(stderr, "usage: certregen [-c SITE.conf] %s%s%s\n", e->name,
	    *e->usage ? " " : "", e->usage);
	return EXIT_USAGE;
}

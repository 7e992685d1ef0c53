/*
 * cmd: the subcommand table (tmux's cmd_entry shape).  Each command lives in
 * its own cmd-*.c file and is listed once in cmd.c.
 */
#ifndef CERTREGEN_CMD_H
#define CERTREGEN_CMD_H

struct site;

/* Exit codes: documented in certregen(1) and README.md. */
#define EXIT_DONE 0        /* the job was done (regen: or nothing to do) */
#define EXIT_FAIL 1        /* something failed; see the messages */
#define EXIT_USAGE 2       /* bad command line or site file */
#define EXIT_REFUSED 3     /* a safety rule refused the change */
#define EXIT_LOCKED 4      /* another run holds the site's lock */
#define EXIT_NOTHING_DUE 5 /* renew: no certificate is due */

/* check: the Nagios plugin convention, not the codes above. */
#define EXIT_CHECK_OK 0
#define EXIT_CHECK_WARNING 1
#define EXIT_CHECK_CRITICAL 2
#define EXIT_CHECK_UNKNOWN 3

struct cmd_ctx {
	const char *conf_path; /* -c FILE, or NULL */
	struct site *site;     /* loaded when the entry asks for it */
	int argc;              /* the command's own arguments, argv[0] = name */
	char **argv;
};

#define CMD_NEEDS_SITE 0x01
#define CMD_MUTATING 0x02   /* changes the cluster: takes the site's lock,
                               timestamped lines when not on a terminal */
#define CMD_NAGIOS 0x04     /* a monitoring plugin: usage and site file
                               errors exit EXIT_CHECK_UNKNOWN */

struct cmd_entry {
	const char *name;
	const char *usage;   /* arguments, for usage messages */
	const char *summary; /* one line for --help */
	int flags;
	int (*exec)(struct cmd_ctx *); /* returns an EXIT_* code */
};

/* The entries, one per cmd-*.c file. */
extern const struct cmd_entry cmd_check_entry;
extern const struct cmd_entry cmd_cli_entry;
extern const struct cmd_entry cmd_config_entry;
extern const struct cmd_entry cmd_discover_entry;
extern const struct cmd_entry cmd_inventory_entry;
extern const struct cmd_entry cmd_plan_entry;
extern const struct cmd_entry cmd_prune_entry;
extern const struct cmd_entry cmd_regen_entry;
extern const struct cmd_entry cmd_renew_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_verify_entry;

/* Find a command by exact name; NULL if none. */
const struct cmd_entry *cmd_find(const char *name);
/* All commands, NULL-terminated. */
extern const struct cmd_entry *const cmd_table[];

/* Print "usage: certregen [-c SITE] NAME USAGE" to stderr; EXIT_USAGE. */
int cmd_usage(const struct cmd_entry *e);

#endif

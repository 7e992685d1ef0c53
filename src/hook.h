/*
 * hook: the site's pre, post, deploy and failure programs.  A hook is run
 * without a shell (fork and execve of the configured path, argv = { path,
 * hook name }), with an explicit, minimal environment that never holds a
 * secret, stdin from /dev/null, its output logged line by line, in its own
 * process group, killed when it overruns its timeout.
 */
#ifndef CERTREGEN_HOOK_H
#define CERTREGEN_HOOK_H

#include <stddef.h>

/* What a hook is told, as CERTREGEN_* variables (docs: certregen.conf(5)). */
struct hook_env {
	const char *site;       /* CERTREGEN_SITE */
	const char *command;    /* CERTREGEN_COMMAND: regen, renew, prune-trust */
	const char *run;        /* CERTREGEN_RUN: the run id */
	const char *units;      /* CERTREGEN_UNITS: "tomcat cup-xmpp" */
	const char *nodes;      /* CERTREGEN_NODES: "IMPPUB IMPSUB1" */
	const char *result;     /* CERTREGEN_RESULT: planned, done, failed */
	const char *report;     /* CERTREGEN_REPORT: the JSON report, or "" */
	int exit_code;          /* CERTREGEN_EXIT: the EXIT_* so far */
	const char *state_dir;  /* CERTREGEN_STATE_DIR */
	const char *log_dir;    /* CERTREGEN_LOG_DIR */
	const char *export_dir; /* CERTREGEN_EXPORT_DIR */
	const char *transcripts; /* CERTREGEN_TRANSCRIPTS: this run's */
};

/*
 * Run the hook called name ("pre", ...) at path (NULL: nothing to do, 0),
 * wait for it at most timeout_s seconds.  0 when it exited 0; ERR_CLI when
 * it exited with another status or was killed by a signal; ERR_TIMEOUT
 * when it overran (its process group is killed); ERR_IO when it could not
 * be started.  Messages are logged here.
 */
int hook_run(const char *name, const char *path, int timeout_s,
    const struct hook_env *e);

#endif

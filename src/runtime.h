/*
 * runtime: what the commands that talk to a cluster share: the dialogs,
 * the SSH library, the state and log directories, the run's transcript
 * directory, the session pool and the facts.
 */
#ifndef CERTREGEN_RUNTIME_H
#define CERTREGEN_RUNTIME_H

#include <limits.h>
#include <sys/types.h>

#include "facts.h"
#include "inventory.h"

struct cmd_ctx;
struct dialog_set;
struct site;

struct runtime {
	const struct site *site;
	struct dialog_set *dialogs;
	struct pool pool;
	struct facts facts;
	char run_id[64];          /* 20261201T093000Z-1234 */
	char tdir[PATH_MAX];      /* this run's transcripts */
	int ssh_up;
};

/*
 * Load the dialogs (errors printed with file:line), start the SSH library,
 * make the state and log directories and this run's transcript directory.
 * Returns an EXIT_* code: EXIT_DONE when ready.
 */
int runtime_begin(struct cmd_ctx *ctx, struct runtime *rt);
void runtime_end(struct runtime *rt);

/* Keep the keep newest run directories (named by run id) of dir, the
 * runs of mutating commands (marked) and the others counted apart; remove
 * the rest.  keep <= 0 keeps everything. */
void runtime_prune_transcripts(const char *dir, int keep);

/* The directory of the built-in dialogs. */
const char *runtime_dialog_dir(void);

/* mkdir -p with a mode for the directories it makes; 0 or ERR_IO. */
int runtime_mkdirs(const char *path, mode_t mode);

/*
 * Interruption of a run that changes the cluster.  runtime_catch_signals()
 * makes SIGTERM, SIGINT (unless ignored) and, when stdin or stderr is a
 * terminal, SIGHUP (unless ignored; the log file is still reopened) ask
 * the run to stop: the first one is remembered (runtime_interrupted()
 * gives its number) and wakes runtime_pause_ms(); the second is ignored
 * with a message on stderr; the third ends the process at once (exit 1;
 * the journal stays pending).  No SA_RESTART: a blocking poll() or read()
 * returns EINTR.  runtime_release_signals() puts the old handlers back.
 */
int runtime_catch_signals(void);
void runtime_release_signals(void);
int runtime_interrupted(void);
const char *runtime_signal_name(int sig);
/* The second signal's message: 0 while the step in progress finishes, 1
 * once the safe path runs. */
void runtime_set_safe_path(int on);
/* Sleep ms milliseconds; 1 when an interrupting signal arrived (at once
 * if one had already), else 0.  With ignore_signals a signal does not cut
 * the sleep short (the safe path waits for real). */
int runtime_pause_ms(long ms, int ignore_signals);

#endif

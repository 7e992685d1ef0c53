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

#endif

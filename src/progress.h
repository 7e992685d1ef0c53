/*
 * progress: a live per-node status block on a terminal while a plan runs
 * (one line a node: steps done, the current step), redrawn below the log
 * lines.  Off a terminal there is none: log lines carry time stamps.
 */
#ifndef CERTREGEN_PROGRESS_H
#define CERTREGEN_PROGRESS_H

struct exec_opts;
struct facts;
struct plan;

struct progress;

/* NULL when stderr is not a terminal (or TERM is dumb), or on ENOMEM. */
struct progress *progress_new(const struct facts *f, const struct plan *p);
/* Make exec_run() report steps to it; NULL p is a no-op. */
void progress_attach(struct progress *p, struct exec_opts *eo);
/* Erase the block, stop observing the log; NULL is a no-op. */
void progress_free(struct progress *p);

#endif

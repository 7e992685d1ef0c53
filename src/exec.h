/*
 * exec: runs a plan on the live cluster.  One session per node from the
 * pool, steps in plan order, each mutating step journaled before and after;
 * a step interrupted by a dropped connection is re-checked and retried on a
 * new session; a run that fails leaves the cluster safe (stopped services
 * started, HA restored) and its journal pending, so the same command run
 * again resumes it.
 */
#ifndef CERTREGEN_EXEC_H
#define CERTREGEN_EXEC_H

#include <jansson.h>

struct journal;
struct plan;
struct plan_step;
struct runtime;

struct exec_opts {
	const char *command;   /* "regen" or "prune-trust" */
	int resume;            /* the plan came from a pending journal */
	const char *run_id;    /* the journal's run id (backups live there) */
	/* Optional observer (progress display): called before each step
	 * (done = 0) and after it (done = 1, r its result). */
	void (*step_cb)(void *arg, const struct plan_step *st, int done, int r);
	void *step_arg;
};

/*
 * Run every step not yet done.  Progress lines go to the log; report (a
 * JSON object) gets "steps", "verify", "exported", "left".  Returns 0 when
 * every step is done, else the ERR_* of the first failed step.
 */
int exec_run(struct runtime *rt, struct journal *j, const struct plan *p,
    const struct exec_opts *o, json_t *report);

/*
 * The read-only checks of a finished run (or, with j == NULL, of the
 * cluster as it is): serials changed, notAfter in the future, each TLS port
 * serves the certificate `show cert own` shows, services STARTED, the CUCM
 * publisher's ipsec certificate in every other node's ipsec-trust.
 * Appends to report["verify"]; returns the number of failed checks.
 */
int exec_verify(struct runtime *rt, struct journal *j, const struct plan *p,
    json_t *report);

#endif

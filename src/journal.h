/*
 * journal: the write-ahead record of a run in the site's state directory.
 * Every mutating step is written and fsync'd before it runs and after it
 * ends, so a run interrupted anywhere (kill -9, a dropped connection, a
 * restarted node) is resumed by running the same command again.  One JSON
 * object a line; the format is in docs/journal.md.
 */
#ifndef CERTREGEN_JOURNAL_H
#define CERTREGEN_JOURNAL_H

#include <jansson.h>
#include <stddef.h>

struct journal;

/* What a step's last record says. */
enum journal_state {
	JSTEP_NONE = 0,    /* never begun */
	JSTEP_BEGUN,       /* begun, no end: interrupted inside it */
	JSTEP_DONE,
	JSTEP_FAILED,
};

/*
 * Open STATE_DIR/journal.jsonl.  If it holds a run without an end, that run
 * is loaded (journal_pending() then says so).  0, or ERR_JOURNAL with why
 * (a torn last line is tolerated: it is the write that was interrupted).
 */
int journal_open(const char *state_dir, struct journal **out, char *why,
    size_t whysz);
void journal_free(struct journal *j);

/* An unfinished run: its command ("regen", "prune-trust"), id and plan
 * (borrowed JSON array of steps, as written by journal_begin_run). */
int journal_pending(const struct journal *j);
const char *journal_command(const struct journal *j);
const char *journal_run_id(const struct journal *j);
json_t *journal_plan(const struct journal *j);
json_t *journal_request(const struct journal *j);

/* Start a new run (there must be no pending one): plan and request are
 * stored (the references are stolen, also on failure). */
int journal_begin_run(struct journal *j, const char *run_id,
    const char *command, json_t *request, json_t *plan);
/* Record a step's start and end; data (may be NULL, reference stolen)
 * carries what a resume needs (old serial, HA value before ...). */
int journal_step_begin(struct journal *j, const char *key, json_t *data);
int journal_step_end(struct journal *j, const char *key, int ok,
    const char *error, json_t *data);
/* Record that a signal interrupted the run (signal: "SIGTERM" ...; key:
 * the step it came in, or NULL).  The run stays pending. */
int journal_interrupted(struct journal *j, const char *signal,
    const char *key);
/* The signal of the last run-interrupted record of the current run, or
 * NULL. */
const char *journal_interrupted_by(const struct journal *j);
/* End the run: the journal is moved to STATE_DIR/runs/RUN_ID.jsonl. */
int journal_end_run(struct journal *j, const char *result);

/* The state of a step in the current run, and its latest data (borrowed;
 * merged from begin and end records), or NULL. */
enum journal_state journal_step_state(const struct journal *j,
    const char *key);
json_t *journal_step_data(const struct journal *j, const char *key);

/* The error of a step whose last record is a failed step-end (borrowed),
 * else NULL. */
const char *journal_step_error(const struct journal *j, const char *key);

/* Records read or written in the current run (for status). */
size_t journal_records(const struct journal *j);
/* The current run's records, for `status` (borrowed array). */
json_t *journal_log(const struct journal *j);

#endif

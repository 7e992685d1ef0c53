/*
 * sim-events: the event log STATE/events.jsonl of docs/events.md, one a
 * cluster.  One JSON object a line, "t" then "ev" first, flushed after
 * each line; safe to call from any thread.  A cluster whose log is not
 * open (the unit tests) writes nothing.
 */
#ifndef VOS_SIM_EVENTS_H
#define VOS_SIM_EVENTS_H

#include <jansson.h>
#include <stdint.h>

struct sim_cluster;

/* Open (append) the cluster's log; t continues from the last line of an
 * old log.  0 or -1. */
int events_open(struct sim_cluster *cl, const char *path);
void events_close(struct sim_cluster *cl);
/* Write one event of kind ev with the members of fields (stolen; may be
 * NULL).  Never fails the caller: a write error is reported once. */
void events_emit(struct sim_cluster *cl, const char *ev, json_t *fields);
/* The t an event written now would have (for "begin" fields). */
int64_t events_t(struct sim_cluster *cl);
/* A JSON string for arbitrary bytes (invalid UTF-8 is escaped). */
json_t *events_str(const char *s);

#endif

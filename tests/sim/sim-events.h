/*
 * sim-events: the event log STATE/events.jsonl of docs/events.md.  One JSON
 * object a line, "t" then "ev" first, flushed after each line; safe to call
 * from any thread.
 */
#ifndef VOS_SIM_EVENTS_H
#define VOS_SIM_EVENTS_H

#include <jansson.h>

/* Open (append) the log; t continues from the last line of an old log. */
int events_open(const char *path);
void events_close(void);
/* Write one event of kind ev with the members of fields (stolen; may be
 * NULL).  Never fails the caller: a write error is reported once. */
void events_emit(const char *ev, json_t *fields);
/* The t an event written now would have (for "begin" fields). */
int64_t events_t(void);
/* A JSON string for arbitrary bytes (invalid UTF-8 is escaped). */
json_t *events_str(const char *s);

#endif

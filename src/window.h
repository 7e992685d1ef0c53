/*
 * window: maintenance windows such as "Sat,Sun 01:00-05:00" or
 * "Mon-Fri 22:00-04:00" (ends next morning), or "always".  Pure.
 */
#ifndef CERTREGEN_WINDOW_H
#define CERTREGEN_WINDOW_H

#include <stddef.h>
#include <time.h>

struct window {
	unsigned days;  /* bit 0 = Sunday ... bit 6 = Saturday: start days */
	int start;      /* minutes after midnight, 0..1439 */
	int end;        /* minutes after midnight, 1..1440; <= start: next day */
};

/*
 * Parse one window.  On error returns ERR_INVAL and writes what was
 * expected to why.
 */
int window_parse(const char *s, struct window *w, char *why, size_t whysz);

/* Whether the broken-down local time tm falls inside w. */
int window_contains(const struct window *w, const struct tm *tm);

/* Minutes from tm to the end of w (tm inside w), for "time left". */
int window_minutes_left(const struct window *w, const struct tm *tm);

/* Format w back into the canonical text form. */
void window_format(const struct window *w, char *dst, size_t dstsz);

#endif

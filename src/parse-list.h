/*
 * parse-list: the loop of the listing parsers (internal to parse-*.c):
 * one element per matching line, lines that are no element skipped, a
 * rejected line failing the listing or, in the lenient variants, counted
 * in a struct parse_skipped; an array that grows up to a ceiling.
 */
#ifndef CERTREGEN_PARSE_LIST_H
#define CERTREGEN_PARSE_LIST_H

#include <stddef.h>

#include "parse-line.h"
#include "parse.h"

/*
 * One line into elem: 1 taken, 0 not an element line, or a negative
 * ERR_* with the reason in why (the line is rejected).
 */
typedef int (*plist_line_cb)(const struct pline *pl, void *elem, char *why,
    size_t whysz);

struct plist {
	size_t size;           /* bytes of one element */
	size_t first;          /* elements allocated at first */
	size_t max;            /* most elements */
	const char *too_many;  /* why past max: "more than 10000 ... lines" */
	const char *what;      /* "service": "no usable service line" */
	const char *shape;     /* "\"Name[STATE]\"": "no service line (...)" */
	plist_line_cb line;
};

/*
 * Make room for element nv of *v (capacity *cap, doubling from first up
 * to max): 0, ERR_NOMEM, or ERR_TOOBIG with why naming the line and
 * too_many.  *v is kept on failure (the caller frees it).
 */
int plist_grow(const struct pline *pl, void **v, size_t size, size_t nv,
    size_t *cap, size_t first, size_t max, const char *too_many, char *why,
    size_t whysz);

/*
 * Parse text with spec: *out (malloc'd) and *n on success.  Without sk a
 * rejected line fails the whole listing with its reason; with sk it is
 * skipped and counted there.  ERR_PARSE when no element is found.
 */
int plist_parse(const struct plist *spec, const char *text, size_t len,
    void **out, size_t *n, struct parse_skipped *sk, char *why,
    size_t whysz);

#endif

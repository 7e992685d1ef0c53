/*
 * parse-line: what every parse-*.c shares (internal to the parsers): a line
 * reader that copes with CR, CRLF, NUL bytes, stray escapes and long lines,
 * and the helpers that write the "line N: ..." reasons.
 */
#ifndef CERTREGEN_PARSE_LINE_H
#define CERTREGEN_PARSE_LINE_H

#include <stddef.h>

#include "parse.h"

/*
 * Reads text one line at a time.  LF, CRLF and a lone CR each end a line;
 * NUL bytes and ANSI escape sequences (CSI, OSC, two-byte ESC x) are
 * dropped; leading and trailing blanks (space, TAB) are cut.  Other control
 * bytes stay, so that the name checks refuse them.  Linear in the input.
 */
struct pline {
	const char *text;
	size_t len;
	size_t off;
	size_t lineno;          /* of the line in s, 1-based */
	size_t n;               /* bytes in s */
	const char *raw;        /* the line as received, for reasons */
	size_t rawn;
	char s[PARSE_LINE_MAX + 1];   /* the cleaned line, NUL-terminated */
	/* Where in s bytes were dropped (escapes, NULs): a name with a cut
	 * inside is not the name on the node and must not be used. */
	size_t cuts[16];
	size_t ncut;            /* may exceed 16: then every range is cut */
};

void pline_init(struct pline *pl, const char *text, size_t len);
/* 1 with a line in pl->s, 0 at the end, ERR_TOOBIG (why set) for a line
 * longer than PARSE_LINE_MAX. */
int pline_next(struct pline *pl, char *why, size_t whysz);

/* 1 when bytes were dropped strictly inside s[b..e) of the current line. */
int pline_cut_inside(const struct pline *pl, size_t b, size_t e);

/* why = "line N: what: \"escaped text\"" (the text cut to ~80 bytes). */
void pline_why(char *why, size_t whysz, size_t lineno, const char *what,
    const char *s, size_t n);

/* The same for the current line, quoting it as received (escaped). */
void pline_fail(const struct pline *pl, char *why, size_t whysz,
    const char *what);

/* Case-insensitive prefix test on s[0..n); 1 when it matches. */
int pline_prefix(const char *s, size_t n, const char *pfx);
/* Case-insensitive search of needle in s[0..n); offset or (size_t)-1. */
size_t pline_find(const char *s, size_t n, const char *needle);
/* Copy s[0..n) into dst[dstsz] when it fits (n < dstsz); 0 or -1. */
int pline_copy(char *dst, size_t dstsz, const char *s, size_t n);
/* Trim blanks on both sides of s[*b..*e). */
void pline_trim(const char *s, size_t *b, size_t *e);
/* Note a skipped line in sk (may be NULL). */
void pline_skip(struct parse_skipped *sk, const char *reason);

#endif

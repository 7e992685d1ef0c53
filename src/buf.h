/*
 * buf: a growable byte buffer with a ceiling fixed at init (curl's dynbuf).
 * The contents are always NUL-terminated so that text can be used as a C
 * string; a failed append frees the contents and leaves the buffer empty.
 */
#ifndef CERTREGEN_BUF_H
#define CERTREGEN_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;   /* NULL until the first append */
	size_t len;   /* bytes used, not counting the NUL */
	size_t cap;   /* bytes allocated */
	size_t max;   /* ceiling on len */
};

/* Set up an empty buffer that may hold at most max bytes. */
void buf_init(struct buf *b, size_t max);
/* Free the contents; the buffer can be used again. */
void buf_clear(struct buf *b);
/* Forget the contents but keep the allocation. */
void buf_reset(struct buf *b);
/* Append; 0, ERR_TOOBIG (past the ceiling) or ERR_NOMEM.  Failure clears. */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_addstr(struct buf *b, const char *s);
int buf_addf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Drop the first n bytes (n <= len). */
void buf_consume(struct buf *b, size_t n);
/* Cut to n bytes (n <= len). */
void buf_truncate(struct buf *b, size_t n);
/* The text, or "" when empty; valid until the next change. */
const char *buf_str(const struct buf *b);
/* Hand the contents over (caller frees; NULL when empty); b is reset. */
char *buf_take(struct buf *b);

#endif

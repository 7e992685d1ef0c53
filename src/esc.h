/*
 * esc: make remote-controlled text safe for a terminal or a log (OpenSSH
 * strnvis).  Control bytes, DEL, C1 controls, invalid UTF-8 and backslash
 * are written as C escapes; valid printable UTF-8 passes through.
 */
#ifndef CERTREGEN_ESC_H
#define CERTREGEN_ESC_H

#include <stddef.h>

struct buf;

/* Flags for esc_add(). */
#define ESC_KEEP_NL 0x01 /* pass '\n' through (multi-line output) */
#define ESC_KEEP_TAB 0x02 /* pass '\t' through */

/* Append the escaped form of s[0..n) to out; 0 or an ERR_* of buf_add. */
int esc_add(struct buf *out, const char *s, size_t n, int flags);

/* Escape into a caller's fixed array, truncating with "..." if needed. */
void esc_fixed(char *dst, size_t dstsz, const char *s, size_t n);

/* The length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
size_t esc_utf8_len(const unsigned char *s, size_t n);

#endif

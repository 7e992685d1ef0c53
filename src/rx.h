/*
 * rx: compiled PCRE2 patterns (JIT when available) for the expect engine
 * and the dialogs.  A pattern is compiled once and may be used by many
 * sessions at once (match data is per call).
 */
#ifndef CERTREGEN_RX_H
#define CERTREGEN_RX_H

#include <stddef.h>

struct rx;

#define RX_CASELESS 0x01
#define RX_MULTILINE 0x02 /* ^ and $ at line ends; the default for dialogs */

/* Compile; on error ERR_INVAL with PCRE2's message and offset in why. */
int rx_compile(const char *pattern, int flags, struct rx **out, char *why,
    size_t whysz);
void rx_free(struct rx *rx);
const char *rx_pattern(const struct rx *rx);

#endif

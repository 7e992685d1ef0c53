/*
 * rx: compiled PCRE2 patterns (JIT when available) for the expect engine
 * and the dialogs.  A pattern is compiled once and may be used by many
 * sessions at once (match data is per call).
 *
 * Patterns work on bytes (UTF off, and a pattern cannot turn it on with
 * (*UTF)), so CLI output that is not valid UTF-8 can never make a match
 * fail or crash.  Newline is LF.  A match that needs more work than a
 * fixed limit counts as no match (hostile output cannot stall a session).
 */
#ifndef CERTREGEN_RX_H
#define CERTREGEN_RX_H

#include <stddef.h>

struct rx;
struct rx_md;

/* Compile flags. */
#define RX_CASELESS 0x01
#define RX_MULTILINE 0x02 /* ^ and $ at line ends; the default for dialogs */

/* rx_exec() flags. */
#define RX_NOTBOL 0x100   /* the subject does not start a line */
#define RX_PARTIAL 0x200  /* PCRE2_PARTIAL_HARD: report a match that more
			     bytes could complete or extend */

/* Groups reported by rx_exec(), the whole match included. */
#define RX_GROUPS 10
#define RX_UNSET ((size_t)-1)

/* rx_exec() results. */
#define RX_NOMATCH 0
#define RX_MATCH 1
#define RX_PARTIALMATCH 2

/* Compile; on error ERR_INVAL with PCRE2's message and offset in why. */
int rx_compile(const char *pattern, int flags, struct rx **out, char *why,
    size_t whysz);
void rx_free(struct rx *rx);
const char *rx_pattern(const struct rx *rx);
/* 1 when the JIT compiled the pattern (else the interpreter runs it). */
int rx_jit(const struct rx *rx);

/* Match data for one session (or one thread); NULL on ERR_NOMEM. */
struct rx_md *rx_md_new(void);
void rx_md_free(struct rx_md *md);

/*
 * Match rx against s[0..len).  Returns RX_NOMATCH, RX_MATCH (ov[0..1] the
 * match, ov[2k..2k+1] group k or RX_UNSET), RX_PARTIALMATCH (only with
 * RX_PARTIAL: ov[0] is where the partial match starts, ov[1] == len), or
 * ERR_NOMEM.  md may be NULL (then it is allocated for the call).
 */
int rx_exec(const struct rx *rx, struct rx_md *md, const char *s, size_t len,
    int flags, size_t ov[2 * RX_GROUPS]);

/* 1 when the whole of s[0..len) matches rx, else 0 (for checks). */
int rx_test(const struct rx *rx, const char *s, size_t len);

#endif

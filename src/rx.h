/*
 * rx: compiled PCRE2 patterns (JIT when available) for the expect engine
 * and the dialogs.  A pattern is compiled once and may be used by many
 * sessions at once (match data is per call).
 *
 * Patterns work on bytes (UTF off, and a pattern cannot turn it on with
 * (*UTF)), so CLI output that is not valid UTF-8 can never make a match
 * fail or crash.  Newline is LF.  A match that needs more work than a
 * fixed limit counts as no match (hostile output cannot stall a session).
 *
 * CERTREGEN_NO_JIT=1 in the environment (read once, at the first compile)
 * turns the JIT off: every pattern runs in the interpreter (for valgrind,
 * which cannot follow JIT-compiled code).
 */
#ifndef CERTREGEN_RX_H
#define CERTREGEN_RX_H

#include <stddef.h>
#include <stdint.h>

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
#define RX_LIMIT 3 /* rx_exec_at only: a work limit (or another PCRE2
		      error) ended the search; nothing is known past start */

/* Compile; on error ERR_INVAL with PCRE2's message and offset in why. */
int rx_compile(const char *pattern, int flags, struct rx **out, char *why,
    size_t whysz);
void rx_free(struct rx *rx);
const char *rx_pattern(const struct rx *rx);
/* 1 when the JIT compiled the pattern (else the interpreter runs it). */
int rx_jit(const struct rx *rx);
/* 1 when CERTREGEN_NO_JIT turned the JIT off for this process. */
int rx_jit_disabled(void);
/* A number unique to this compile in the process (never reused, unlike
 * the address of a freed pattern); never 0. */
uint64_t rx_id(const struct rx *rx);

/*
 * For callers that resume a search (the expect engine's memo).
 * rx_resumable(): 0 when the outcome of a match attempt at a position may
 * depend on where the search started, not only on the subject (\G, \K,
 * backtracking verbs such as (*COMMIT), callouts): such a pattern must be
 * searched from the subject's start every time.  rx_context(): how many
 * positions from the subject's start have attempts that look before them
 * (lookbehind, \b, \B, \A: PCRE2's largest lookbehind; ^: 1), so whose
 * outcome may change when the subject's start moves; 0 when none does.
 */
int rx_resumable(const struct rx *rx);
size_t rx_context(const struct rx *rx);
/* 1 when all that looks before a position is a multiline ^ (rx_context()
 * 1): an attempt at the subject's start with NOTBOL set exactly when the
 * byte before it is not LF then gives what it gives with that byte. */
int rx_context_bol(const struct rx *rx);

/*
 * All of the above (and the number of groups) in one call, for a caller
 * that needs them per search: valid as long as rx.
 */
struct rx_info {
	uint64_t id;         /* rx_id() */
	size_t context;      /* rx_context() */
	int resumable;       /* rx_resumable() */
	int context_bol;     /* rx_context_bol() */
	int groups;          /* slots rx_exec() can set: the whole match
				and the capture groups, at most RX_GROUPS */
};
const struct rx_info *rx_info(const struct rx *rx);

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
/*
 * The same from offset start of s (start <= len): the subject still begins
 * at s, so ^, NOTBOL and lookbehind see what they would in a search from
 * s, but no match is tried before start.
 * A work limit or a PCRE2 error gives RX_LIMIT instead of RX_NOMATCH.
 */
int rx_exec_at(const struct rx *rx, struct rx_md *md, const char *s,
    size_t len, size_t start, int flags, size_t ov[2 * RX_GROUPS]);

/* 1 when the whole of s[0..len) matches rx, else 0 (for checks). */
int rx_test(const struct rx *rx, const char *s, size_t len);

#endif

/*
 * expect: an expect-style matcher over a byte stream (Don Libes' semantics,
 * none of his globals).  It knows nothing about SSH: bytes come from an
 * expect_io.  Output is normalised (ANSI escapes removed, CRLF and lone CR
 * to LF, NUL and other control bytes dropped) into a bounded buffer; ordered
 * cases are tried, first match wins, the buffer is consumed to the end of
 * the match.  PCRE2 partial matching lets each byte be scanned about once:
 * bytes that cannot start a match are handed to the capture sink (or
 * dropped) so memory stays bounded whatever the size of the output.
 *
 * Always-on cases (expect_before) are tried before a call's own cases: the
 * pager ("Press <enter> ...": answered and removed from the output) and the
 * failure trailer ("Executed command unsuccessfully": returned).
 *
 * A transcript sink sees everything read and sent, with every registered
 * secret value replaced by "***", also when a value is split across reads.
 */
#ifndef CERTREGEN_EXPECT_H
#define CERTREGEN_EXPECT_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct rx;
struct secret;

struct expect_io {
	/*
	 * Read up to n bytes, waiting at most timeout_ms (-1: no limit).
	 * Returns the count (> 0), 0 on timeout, ERR_EOF at end of stream,
	 * or another negative ERR_*.
	 */
	int (*read)(void *arg, char *p, size_t n, int timeout_ms);
	/* Write all n bytes; 0 or a negative ERR_*. */
	int (*write)(void *arg, const char *p, size_t n);
	void *arg;
};

/* Transcript sink: dir is '<' (read) or '>' (sent); bytes are redacted. */
typedef void (*expect_transcript_cb)(void *arg, char dir, const char *p,
    size_t n);

enum expect_outcome {
	EXPECT_MATCHED = 1,
	EXPECT_TIMEOUT,      /* idle timer or overall deadline */
	EXPECT_EOF,
	EXPECT_FULL,         /* the match buffer filled without a match */
};

/* What an always-on case does when it matches. */
enum expect_action {
	EXPECT_ACT_RETURN = 0, /* return it as the match */
	EXPECT_ACT_SEND,       /* send reply, drop the matched text, go on */
};

struct expect_case {
	const struct rx *rx;
	int id;                    /* reported on a match */
	enum expect_action action; /* only for always-on cases */
	const char *reply;         /* for EXPECT_ACT_SEND (sent as is) */
};

#define EXPECT_MAX_GROUPS 10

struct expect_result {
	enum expect_outcome outcome;
	int id;                    /* the case's id when matched */
	int before;                /* it was an always-on case */
	/* Valid until the next call on the session: */
	const char *match;         /* the matched text */
	size_t match_len;
	struct {
		const char *p;     /* NULL when the group did not take part
				      or starts before the match (inside a
				      lookbehind, before \K: that text went
				      to the capture) */
		size_t len;
	} group[EXPECT_MAX_GROUPS];
	int timed_out_idle;        /* TIMEOUT: 1 idle timer, 0 deadline */
	int capture_full;          /* FULL: 1 the capture's ceiling, 0 the
				      match buffer */
};

struct expect;

/*
 * A session over io (copied) with a match buffer of at most bufmax bytes
 * (0: EXPECT_BUF_DEFAULT; at least EXPECT_BUF_MIN); NULL on ERR_NOMEM.
 * expect_free() hands the transcript what it still holds back.
 */
struct expect *expect_new(const struct expect_io *io, size_t bufmax);
void expect_free(struct expect *e);

void expect_set_transcript(struct expect *e, expect_transcript_cb cb,
    void *arg);
/* Redact this value in the transcript (the pointer is kept). */
void expect_add_secret(struct expect *e, const struct secret *s);
/* Always-on cases (copied; the rx pointers must outlive the session). */
int expect_before(struct expect *e, const struct expect_case *cases,
    size_t n);

/*
 * Where the text that precedes matches goes: appended to capture (bounded
 * by its own ceiling; ERR_TOOBIG ends the wait as EXPECT_FULL) or, with
 * NULL, dropped.  The text of a match is not captured.
 */
void expect_capture(struct expect *e, struct buf *capture);
/*
 * Stream the capture: when an append would pass the capture's ceiling, cb
 * gets what it holds (and then any piece larger than the ceiling) and the
 * capture is emptied, so output of any size goes through in bounded
 * memory.  cb returns 0, or non-zero to stop (the wait ends EXPECT_FULL).
 * NULL cb: the ceiling is a hard limit (the default).
 */
typedef int (*expect_flush_cb)(void *arg, const char *p, size_t n);
void expect_capture_flush(struct expect *e, expect_flush_cb cb, void *arg);
/* Append to the capture as the engine does (flushing when streaming); 0 or
 * ERR_TOOBIG.  For callers that capture matched text themselves. */
int expect_capture_add(struct expect *e, const char *p, size_t n);

/*
 * Wait for the first case (always-on ones first) to match.  idle_ms is
 * the silence allowed (restarted whenever bytes arrive; -1: none);
 * deadline is an absolute expect_now_ms() value (0: none).  Returns 0 with
 * the outcome in *r, or a negative ERR_* from the io.
 *
 * "First" is a position in the output: the match that starts earliest
 * wins, and among matches that start at the same byte the case listed
 * first (always-on cases before the call's own).  A case is only decided
 * when more output could not change it (partial matching), so the result
 * does not depend on how the output was split into reads.  ^ means the
 * start of a line of the output.  At EOF what is buffered is matched once
 * more as final.  The buffer is checked before anything is read.
 */
int expect_wait(struct expect *e, const struct expect_case *cases, size_t n,
    int idle_ms, int64_t deadline, struct expect_result *r);

/*
 * Send bytes; delay_ms > 0 sends one character at a time with that pause
 * (for nodes that drop fast input).  secret = 1: the transcript shows ***.
 */
int expect_send(struct expect *e, const char *p, size_t n, int delay_ms,
    int secret);

/* Drop whatever is buffered and not yet matched (into capture if set). */
void expect_flush(struct expect *e);

/* Bytes read so far, and the largest the buffer has been (for benches). */
uint64_t expect_bytes_read(const struct expect *e);
size_t expect_peak_buffer(const struct expect *e);
/*
 * Bytes handed to PCRE2 so far (the subject past the start offset, summed
 * over every search): the matching work, about once per byte per case.
 */
uint64_t expect_bytes_scanned(const struct expect *e);
/*
 * The resume memo (docs/expect.md): window is the first window of the
 * subject handed to PCRE2 (EXPECT_WINDOW by default); 0 turns the memo off
 * (every case searched over the whole unmatched text on every scan, the
 * reference the tests compare against).  Forgets what was remembered.
 */
void expect_set_memo(struct expect *e, size_t window);

/* Monotonic milliseconds. */
int64_t expect_now_ms(void);

/*
 * The clock the session uses for its timers (default expect_now_ms); for
 * tests that simulate time.  Deadlines passed to expect_wait() are in it.
 */
typedef int64_t (*expect_clock_cb)(void *arg);
void expect_set_clock(struct expect *e, expect_clock_cb cb, void *arg);
int64_t expect_clock(const struct expect *e);

/*
 * The last (up to) n bytes of normalised output seen, for messages: copied
 * to dst (not NUL-terminated); returns the count.  Pager text included.
 */
size_t expect_recent(const struct expect *e, char *dst, size_t n);

/* Default and smallest match buffer sizes for expect_new(). */
#define EXPECT_BUF_DEFAULT (64 * 1024)
#define EXPECT_BUF_MIN 256
/* The memo's first search window (expect_set_memo). */
#define EXPECT_WINDOW 64

#endif

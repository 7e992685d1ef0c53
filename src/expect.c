/*
 * expect: the matcher between a CLI byte stream and the dialogs.  It owns
 * the normaliser (ANSI escapes, CR, control bytes; its state carries across
 * reads), the bounded match buffer with partial matching, the timers, the
 * always-on cases and the redacting transcript.  docs/expect.md has the
 * semantics.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "err.h"
#include "expect.h"
#include "rx.h"
#include "secret.h"

/* Raw bytes read at once, and what a read may gather without waiting. */
#define EXPECT_RAW 16384
#define EXPECT_GATHER 4096
/* Longest escape sequences honoured before they count as text again. */
#define EXPECT_CSI_MAX 64
#define EXPECT_STR_MAX 4096
#define EXPECT_INTER_MAX 16
#define EXPECT_HIST 1024
#define EXPECT_MAX_SECRETS 32
/* The memo: patterns remembered at once (EXPECT_WINDOW: expect.h), and
 * the case positions (always-on ones first) whose slot is remembered. */
#define EXPECT_MEMO_MAX 32
#define EXPECT_HINTS 32

/*
 * The resume memo: what the last search of one pattern found, so that the
 * next search (a later expect_wait, another read) starts where that one
 * stopped instead of at the front of the buffer.  Positions are absolute
 * stream offsets (e->base is that of buf[off]).  The invariant, for the
 * text as it is now and any text appended to it:
 *
 *   every match attempt at a position in [front, x) fails, with the
 *   subject starting at front and buf[front] starting a line iff bol;
 *   with has_match, the attempt at x gives the complete match ov.
 *
 * It holds because searches use PCRE2_PARTIAL_HARD: an attempt that
 * reaches the end of the subject is reported as partial at once, so one
 * that failed or matched never looked at the end, and appending bytes
 * cannot change it (the normaliser only appends; the buffer's text never
 * changes in place).  The same holds for the final search at EOF (no
 * partial flag): a failure or a match found without reaching the end is
 * the same without the flag.  A partial at P gives x = P (P itself must
 * be tried again); no match gives x = end and at_end (the attempt at the
 * end itself failed too, known only while the end does not move and in
 * the same mode).  Searching from x with PCRE2's start offset, the subject
 * still at the front, gives what a search from the front would: the first
 * attempt that succeeds or reaches the end.
 *
 * When the front moves (a match taken, text dropped, the pager's reply)
 * or bol changes, positions before the new front are gone: an entry whose
 * x or cached match lies before it starts over.  Attempts at the first
 * rx_context() positions from the new front may change (^, \b, \A and
 * lookbehind see the subject's start or less text before them): those
 * are tried again (a search from the front that stops there) and a cached
 * match among them is forgotten; a cached match further on keeps its
 * groups inside the text (a lookbehind reaches back no further than
 * rx_context()).  Not for a pattern whose only look back is a multiline
 * ^ while bol says what the byte before the front says (always, but right
 * after a pager reply, which sets bol to what it was before the pager):
 * ^ there gives what it gave with that byte in the subject.  Patterns
 * whose attempts depend on where the search started (rx_resumable() 0)
 * have no memo.  Entries are keyed by rx_id(), unique per compile, so a
 * pattern freed and another compiled at the same address never share
 * one, and a case list that changes between calls finds its patterns'
 * entries.
 *
 * Searches hand PCRE2 a window of the subject (EXPECT_WINDOW, doubling):
 * with PARTIAL_HARD a result that did not reach the window's end is the
 * result on the whole subject, and one that did (partial) is searched
 * again from its start with a larger window; so the bytes handed to PCRE2
 * (expect_bytes_scanned) are about those it looks at.
 */
struct expect_memo {
	uint64_t rxid;       /* 0: free */
	uint64_t used;       /* last use, for eviction */
	uint64_t front;      /* the front the entry is valid for */
	uint64_t x;
	uint64_t end;        /* the end when at_end was found */
	uint64_t ovbase;     /* the cached match: ov relative to ovbase */
	size_t ov[2 * RX_GROUPS];
	size_t nov;          /* ov[nov..] are unset (the pattern's groups) */
	int bol;
	int has_match;
	int at_end;
	int final;           /* found by a final search (no partial flag) */
};

/* Normaliser states. */
enum norm_state {
	N_TEXT = 0,
	N_ESC,     /* after ESC */
	N_CSI,     /* ESC [ parameters */
	N_STR,     /* OSC, DCS, SOS, PM, APC: up to BEL or ESC \ */
	N_STR_ESC, /* ESC inside a string */
	N_INTER,   /* ESC, intermediates 0x20-0x2f, then a final byte */
};

struct expect {
	struct expect_io io;

	/* The match buffer: unmatched text is buf[off .. off + len). */
	char *buf;
	size_t off, len, max, peak;
	size_t pending;      /* the last match, at buf[off], to consume */
	int bol;             /* buf[off] starts a line */
	int bol_nat;         /* bol says whether the byte before buf[off]
				was LF (it does but after a pager reply) */
	int eat;             /* drop blanks and one LF after a pager reply */
	int eof;
	uint64_t base;       /* stream offset of buf[off] */

	struct expect_memo memo[EXPECT_MEMO_MAX];
	/* The slot that case k (over before + cases) found last: tried
	 * first, so a case list used again finds its entries at once. */
	unsigned char hint[EXPECT_HINTS];
	uint64_t memo_clock;
	size_t window;       /* first search window; 0: no memo */
	uint64_t scanned;    /* bytes handed to PCRE2 */

	enum norm_state ns;
	size_t nseq;         /* bytes of the current escape sequence */
	int after_cr;        /* a CR was turned into LF: drop a following LF */
	char last;           /* the last byte the normaliser let through */

	struct buf *cap;
	expect_flush_cb flush;  /* takes a full capture (streaming), or NULL */
	void *flush_arg;
	struct expect_case *before;
	size_t nbefore;
	struct rx_md *md;

	expect_transcript_cb tcb;
	void *targ;
	const struct secret *secrets[EXPECT_MAX_SECRETS];
	size_t nsecrets;
	struct buf hold[2];  /* held-back transcript tails: read, sent */

	expect_clock_cb clock;
	void *clockarg;

	uint64_t nread;
	char hist[EXPECT_HIST];
	size_t hpos, hlen;
};

int64_t
expect_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t
expect_default_clock(void *arg)
{
	(void)arg;
	return expect_now_ms();
}

struct expect *
expect_new(const struct expect_io *io, size_t bufmax)
{
	struct expect *e;

	if (bufmax == 0)
		bufmax = EXPECT_BUF_DEFAULT;
	if (bufmax < EXPECT_BUF_MIN)
		bufmax = EXPECT_BUF_MIN;
	if ((e = calloc(1, sizeof *e)) == NULL)
		return NULL;
	e->io = *io;
	e->max = bufmax;
	e->bol = e->bol_nat = 1;
	e->last = '\n';
	e->clock = expect_default_clock;
	e->window = EXPECT_WINDOW;
	buf_init(&e->hold[0], EXPECT_RAW + 2 * SECRET_MAX + 16);
	buf_init(&e->hold[1], 1024 * 1024 + 2 * SECRET_MAX + 16);
	if ((e->buf = malloc(bufmax + 1)) == NULL ||
	    (e->md = rx_md_new()) == NULL) {
		expect_free(e);
		return NULL;
	}
	return e;
}

/* ------------------------------------------------------------ transcript */

static size_t
expect_secret_max(const struct expect *e)
{
	size_t i, m = 0;

	for (i = 0; i < e->nsecrets; i++)
		if (secret_len(e->secrets[i]) > m)
			m = secret_len(e->secrets[i]);
	return m;
}

/*
 * Hand the transcript the held text of one direction plus p[0..n), every
 * secret replaced by ***.  Unless final, a tail that could be the start of
 * a secret is held back for the next call.
 */
static void
expect_redact(struct expect *e, int d, const char *p, size_t n, int final)
{
	struct buf *h = &e->hold[d];
	char dir = d ? '>' : '<';
	size_t i, k, start, slen, rest;
	const char *s, *v;

	if (e->tcb == NULL)
		return;
	if (e->nsecrets == 0 || expect_secret_max(e) == 0) {
		if (h->len > 0)
			e->tcb(e->targ, dir, h->data, h->len);
		buf_reset(h);
		if (n > 0)
			e->tcb(e->targ, dir, p, n);
		return;
	}
	if (n > 0 && buf_add(h, p, n) != 0) {
		/* Larger than the hold can take: say so rather than leak. */
		e->tcb(e->targ, dir, "[***]", 5);
		return;
	}
	s = h->data;
	start = 0;
	for (i = 0; i < h->len;) {
		size_t full = 0;
		int maybe = 0;

		rest = h->len - i;
		for (k = 0; k < e->nsecrets; k++) {
			v = secret_value(e->secrets[k]);
			slen = secret_len(e->secrets[k]);
			if (slen == 0 || s[i] != v[0])
				continue;
			if (rest >= slen) {
				if (slen > full && memcmp(s + i, v, slen) == 0)
					full = slen;
			} else if (!final && memcmp(s + i, v, rest) == 0) {
				maybe = 1;
			}
		}
		/* A longer secret may start here: wait and see. */
		if (maybe)
			break;
		if (full == 0) {
			i++;
			continue;
		}
		if (i > start)
			e->tcb(e->targ, dir, s + start, i - start);
		e->tcb(e->targ, dir, "***", 3);
		i += full;
		start = i;
	}
	if (i > start)
		e->tcb(e->targ, dir, s + start, i - start);
	if (h->data != NULL)
		explicit_bzero(h->data, i);
	buf_consume(h, i);
}

void
expect_free(struct expect *e)
{
	if (e == NULL)
		return;
	expect_redact(e, 0, NULL, 0, 1);
	expect_redact(e, 1, NULL, 0, 1);
	if (e->hold[0].data != NULL)
		explicit_bzero(e->hold[0].data, e->hold[0].cap);
	if (e->hold[1].data != NULL)
		explicit_bzero(e->hold[1].data, e->hold[1].cap);
	buf_clear(&e->hold[0]);
	buf_clear(&e->hold[1]);
	free(e->buf);
	free(e->before);
	rx_md_free(e->md);
	free(e);
}

void
expect_set_transcript(struct expect *e, expect_transcript_cb cb, void *arg)
{
	e->tcb = cb;
	e->targ = arg;
}

void
expect_add_secret(struct expect *e, const struct secret *s)
{
	size_t i;

	if (s == NULL || secret_len(s) == 0)
		return;
	for (i = 0; i < e->nsecrets; i++)
		if (e->secrets[i] == s)
			return;
	if (e->nsecrets < EXPECT_MAX_SECRETS)
		e->secrets[e->nsecrets++] = s;
}

void
expect_set_clock(struct expect *e, expect_clock_cb cb, void *arg)
{
	e->clock = cb ? cb : expect_default_clock;
	e->clockarg = arg;
}

int64_t
expect_clock(const struct expect *e)
{
	return e->clock(e->clockarg);
}

int
expect_before(struct expect *e, const struct expect_case *cases, size_t n)
{
	struct expect_case *v = NULL;

	if (n > 0) {
		if ((v = calloc(n, sizeof *v)) == NULL)
			return ERR_NOMEM;
		memcpy(v, cases, n * sizeof *v);
	}
	free(e->before);
	e->before = v;
	e->nbefore = n;
	return 0;
}

void
expect_capture(struct expect *e, struct buf *capture)
{
	e->cap = capture;
}

void
expect_capture_flush(struct expect *e, expect_flush_cb cb, void *arg)
{
	e->flush = cb;
	e->flush_arg = arg;
}

int
expect_capture_add(struct expect *e, const char *p, size_t n)
{
	struct buf *b = e->cap;

	if (b == NULL || n == 0)
		return 0;
	if (e->flush != NULL && b->len + n > b->max) {
		/* Streaming: hand over what is held, then what does not fit. */
		if (b->len > 0 && e->flush(e->flush_arg, b->data, b->len) != 0)
			return ERR_TOOBIG;
		buf_reset(b);
		if (n > b->max)
			return e->flush(e->flush_arg, p, n) != 0 ? ERR_TOOBIG : 0;
	}
	return buf_add(b, p, n);
}

uint64_t
expect_bytes_read(const struct expect *e)
{
	return e->nread;
}

size_t
expect_peak_buffer(const struct expect *e)
{
	return e->peak;
}

uint64_t
expect_bytes_scanned(const struct expect *e)
{
	return e->scanned;
}

void
expect_set_memo(struct expect *e, size_t window)
{
	e->window = window;
	memset(e->memo, 0, sizeof e->memo);
}

size_t
expect_recent(const struct expect *e, char *dst, size_t n)
{
	size_t k = e->hlen < n ? e->hlen : n, first, i;

	/* The oldest of the k bytes wanted. */
	first = (e->hpos + EXPECT_HIST - k) % EXPECT_HIST;
	for (i = 0; i < k; i++)
		dst[i] = e->hist[(first + i) % EXPECT_HIST];
	return k;
}

/* ------------------------------------------------------------ normaliser */

/* Remember out[0..n) as the most recent output (a ring of EXPECT_HIST). */
static void
expect_hist_add(struct expect *e, const char *out, size_t n)
{
	size_t k;

	if (n >= EXPECT_HIST) {
		out += n - EXPECT_HIST;
		n = EXPECT_HIST;
	}
	while (n > 0) {
		k = EXPECT_HIST - e->hpos;
		if (k > n)
			k = n;
		memcpy(e->hist + e->hpos, out, k);
		e->hpos = (e->hpos + k) % EXPECT_HIST;
		out += k;
		n -= k;
		e->hlen = e->hlen + k > EXPECT_HIST ? EXPECT_HIST : e->hlen + k;
	}
}

/* Non-zero when a byte of w is below 0x20 or is DEL (0x7f). */
static uint64_t
expect_word_special(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull;
	const uint64_t high = 0x8080808080808080ull;
	uint64_t del = w ^ (0x7f * ones);

	return ((w - 0x20 * ones) & ~w & high) | ((del - ones) & ~del & high);
}

/*
 * The end of the run of plain bytes (>= 0x20 but DEL; bytes >= 0x80 are
 * text too) in in[j..n): sixteen at a time with SSE2, then eight at a
 * time.  In the word test's result the flag of the first special byte is
 * exact (a borrow only reaches the bytes after it), so on a little-endian
 * machine its lowest set bit says where the run ends.
 */
static size_t
expect_plain_end(const char *in, size_t j, size_t n)
{
	uint64_t w, m;
#if defined(__SSE2__) && defined(__GNUC__)
	/* SSE2 (all of x86-64): a byte <= 0x1f or == 0x7f, unsigned. */
	const __m128i ctl = _mm_set1_epi8(0x1f), del = _mm_set1_epi8(0x7f);

	while (n - j >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)
		    (in + j));
		int bits = _mm_movemask_epi8(_mm_or_si128(
		    _mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v),
		    _mm_cmpeq_epi8(v, del)));

		if (bits != 0)
			return j + (size_t)__builtin_ctz((unsigned)bits);
		j += 16;
	}
#endif
	while (n - j >= 8) {
		memcpy(&w, in + j, 8);
		if ((m = expect_word_special(w)) != 0) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			return j + (size_t)__builtin_ctzll(m) / 8;
#else
			break;
#endif
		}
		j += 8;
	}
	while (j < n && (unsigned char)in[j] >= 0x20 &&
	    (unsigned char)in[j] != 0x7f)
		j++;
	return j;
}

/*
 * Normalise in[0..n) onto the end of the buffer (never longer than the
 * input, so the caller only needs n bytes free).
 */
static void
expect_normalise(struct expect *e, const char *in, size_t n)
{
	char *out = e->buf + e->off + e->len;
	size_t i, o = 0;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)in[i];
again:
		switch (e->ns) {
		case N_TEXT:
			if (c >= 0x20 && c != 0x7f) {
				/* A run of plain bytes goes through as is. */
				size_t j = expect_plain_end(in, i + 1, n);

				memcpy(out + o, in + i, j - i);
				o += j - i;
				e->last = in[j - 1];
				e->after_cr = 0;
				i = j - 1;
			} else if (c == 0x1b) {
				e->ns = N_ESC;
				e->nseq = 0;
			} else if (c == '\r') {
				/* CR, CRLF, CR CR LF: one LF, at once.  A CR
				 * at the start of a line moves nothing. */
				if (!e->after_cr && e->last != '\n') {
					out[o++] = e->last = '\n';
					e->after_cr = 1;
				}
			} else if (c == '\n') {
				if (!e->after_cr)
					out[o++] = e->last = '\n';
				e->after_cr = 0;
			} else if (c == '\t') {
				out[o++] = e->last = (char)c;
				e->after_cr = 0;
			}
			/* Other control bytes (NUL, BEL, BS...) are dropped
			 * and do not end a CR LF pair. */
			break;
		case N_ESC:
			if (c == '[') {
				e->ns = N_CSI;
			} else if (c == ']' || c == 'P' || c == 'X' ||
			    c == '^' || c == '_') {
				e->ns = N_STR;
			} else if (c >= 0x20 && c <= 0x2f) {
				e->ns = N_INTER;
			} else if (c >= 0x30 && c <= 0x7e) {
				e->ns = N_TEXT; /* a two-byte sequence */
			} else if (c == 0x1b) {
				/* ESC ESC: start over */
			} else {
				/* Not a sequence: CAN, SUB, controls, 8-bit. */
				e->ns = N_TEXT;
				if (c != 0x18 && c != 0x1a)
					goto again;
			}
			break;
		case N_CSI:
			if (c >= 0x40 && c <= 0x7e) {
				e->ns = N_TEXT;
			} else if (c >= 0x20 && c <= 0x3f) {
				if (++e->nseq > EXPECT_CSI_MAX)
					e->ns = N_TEXT;
			} else if (c == 0x1b) {
				e->ns = N_ESC;
				e->nseq = 0;
			} else {
				e->ns = N_TEXT;
				if (c != 0x18 && c != 0x1a)
					goto again;
			}
			break;
		case N_STR:
			if (c == 0x07 || c == 0x18 || c == 0x1a)
				e->ns = N_TEXT;
			else if (c == 0x1b)
				e->ns = N_STR_ESC;
			else if (++e->nseq > EXPECT_STR_MAX)
				e->ns = N_TEXT;
			break;
		case N_STR_ESC:
			if (c == '\\') {
				e->ns = N_TEXT;
			} else {
				/* The string ended; this ESC starts anew. */
				e->ns = N_ESC;
				e->nseq = 0;
				goto again;
			}
			break;
		case N_INTER:
			if (c >= 0x20 && c <= 0x2f) {
				if (++e->nseq > EXPECT_INTER_MAX)
					e->ns = N_TEXT;
			} else if (c >= 0x30 && c <= 0x7e) {
				e->ns = N_TEXT;
			} else {
				e->ns = N_TEXT;
				goto again;
			}
			break;
		}
	}
	expect_hist_add(e, out, o);
	e->len += o;
	if (e->len > e->peak)
		e->peak = e->len;
}

/* ------------------------------------------------------------ buffer */

/* Drop n bytes from the front of the unmatched text, into capture if
 * asked to; ERR_TOOBIG when the capture is over its ceiling. */
static int
expect_drop(struct expect *e, size_t n, int capture)
{
	int r = 0;

	if (n == 0)
		return 0;
	if (capture && e->cap != NULL)
		r = expect_capture_add(e, e->buf + e->off, n);
	e->bol = e->buf[e->off + n - 1] == '\n';
	e->bol_nat = 1;
	e->off += n;
	e->len -= n;
	e->base += n;
	if (e->len == 0)
		e->off = 0;
	return r;
}

/* Room for at least want more bytes at the end, moving the text down. */
static size_t
expect_room(struct expect *e)
{
	if (e->off > 0 && e->max - e->off - e->len < EXPECT_RAW) {
		memmove(e->buf, e->buf + e->off, e->len);
		e->off = 0;
	}
	return e->max - e->off - e->len;
}

void
expect_flush(struct expect *e)
{
	if (e->pending > 0) {
		expect_drop(e, e->pending, 0);
		e->pending = 0;
	}
	expect_drop(e, e->len, 1);
}

/*
 * After a pager reply the CLI erases its prompt (CR, ESC[K, or CR, blanks,
 * CR): the blank lines that follow go too, up to the last line break of
 * the run; blanks after it start the next line and stay.  Returns 1 while
 * only blanks have come (wait for more).
 */
static int
expect_eat(struct expect *e)
{
	const char *p = e->buf + e->off;
	size_t i = 0, cut = 0;

	if (!e->eat)
		return 0;
	while (i < e->len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n')) {
		if (p[i] == '\n')
			cut = i + 1;
		i++;
	}
	if (i == e->len)
		return 1;
	expect_drop(e, cut, 0);
	e->eat = 0;
	return 0;
}

struct pick {
	int k;                    /* index over before + cases, -1 none */
	size_t ovs[2][2 * RX_GROUPS];
	const size_t *ov;         /* the winner's, one of ovs */
	size_t keep;              /* no match can start before this */
};

static const struct expect_case *
expect_case_at(const struct expect *e, const struct expect_case *cases,
    size_t k)
{
	return k < e->nbefore ? &e->before[k] : &cases[k - e->nbefore];
}

/* ------------------------------------------------------------ memo */

/*
 * Search rx in the unmatched text from pos (relative to buf[off]) as one
 * search of the whole text from pos would (flags: RX_NOTBOL, RX_PARTIAL
 * unless final), in windows: a window that ends before the text is
 * searched with PARTIAL_HARD, so a match or a failure there is the answer
 * on the whole text, and a partial at P goes on from P with a window twice
 * as large; no match goes on from the window's end.  Once nothing was
 * found before stop, RX_NOMATCH (the attempts in [pos, stop) all fail).
 * Returns RX_* (ov relative to buf[off]) or ERR_NOMEM.
 */
static int
expect_search(struct expect *e, const struct rx *rx, size_t pos,
    size_t stop, int flags, size_t ov[2 * RX_GROUPS])
{
	const char *s = e->buf + e->off, *nl;
	size_t win = e->window, tend;
	int rc, trunc;

	for (;;) {
		trunc = e->len - pos > win;
		tend = trunc ? pos + win : e->len;
		/* A window that ends inside a line cuts the match of a line
		 * pattern short (a partial, searched again): it ends after
		 * the line break, if there is one within as much again. */
		if (trunc && (nl = memchr(s + tend, '\n', e->len - tend < win ?
		    e->len - tend : win)) != NULL) {
			tend = (size_t)(nl - s) + 1;
			trunc = tend < e->len;
		}
		e->scanned += tend - pos;
		rc = rx_exec_at(rx, e->md, s, tend, pos,
		    trunc ? flags | RX_PARTIAL : flags, ov);
		if (rc < 0 || rc == RX_LIMIT)
			return rc;
		if (rc != RX_NOMATCH && ov[0] >= stop)
			return RX_NOMATCH;
		if (!trunc || rc == RX_MATCH)
			return rc;
		pos = rc == RX_PARTIALMATCH ? ov[0] : tend;
		if (pos >= stop)
			return RX_NOMATCH;
		if (win < SIZE_MAX / 2)
			win *= 2;
	}
}

static void
expect_memo_reset(const struct expect *e, struct expect_memo *m)
{
	m->front = m->x = e->base;
	m->bol = e->bol;
	m->has_match = m->at_end = m->final = 0;
}

/*
 * The entry of pattern id for case k, a new one in the least recently used
 * slot if none.  The slot case k had last is tried first (the id tells
 * whether it is still this pattern's).
 */
static struct expect_memo *
expect_memo_get(struct expect *e, uint64_t id, size_t k)
{
	struct expect_memo *m;
	size_t i, at = 0;

	if (k < EXPECT_HINTS && e->memo[e->hint[k]].rxid == id) {
		m = &e->memo[e->hint[k]];
		m->used = ++e->memo_clock;
		return m;
	}
	for (i = 0; i < EXPECT_MEMO_MAX; i++)
		if (e->memo[i].rxid == id)
			break;
	if (i < EXPECT_MEMO_MAX) {
		m = &e->memo[i];
		m->used = ++e->memo_clock;
	} else {
		for (i = 1; i < EXPECT_MEMO_MAX; i++)
			if (e->memo[i].used < e->memo[at].used)
				at = i;
		i = at;
		m = &e->memo[i];
		memset(m, 0, sizeof *m);
		m->rxid = id;
		m->used = ++e->memo_clock;
		expect_memo_reset(e, m);
	}
	if (k < EXPECT_HINTS)
		e->hint[k] = (unsigned char)i;
	return m;
}

/*
 * What one search of rx over the whole unmatched text gives (the result
 * of rx_exec() on it, ov relative to buf[off]), using and updating the
 * memo (see struct expect_memo for the invariant).
 */
static int
expect_search_case(struct expect *e, const struct rx *rx, size_t k,
    int flags, size_t ov[2 * RX_GROUPS])
{
	const struct rx_info *ri = rx_info(rx);
	struct expect_memo *m;
	uint64_t front = e->base, end = e->base + e->len, lim;
	size_t i, pov[2 * RX_GROUPS];
	int final = !(flags & RX_PARTIAL), rc = RX_NOMATCH;

	if (e->window == 0 || !ri->resumable)
		goto whole;
	m = expect_memo_get(e, ri->id, k);
	/* A final search's failures may have needed the end: not valid for
	 * a search with partial matching (none comes after EOF anyway). */
	if (m->final && !final)
		expect_memo_reset(e, m);
	if (m->front != front || m->bol != e->bol) {
		if (m->x < front) {
			/* Its knowledge (or its match) reaches into text that
			 * was taken or dropped. */
			expect_memo_reset(e, m);
		} else {
			/* The first positions from the new front may now
			 * give something: try them again.  Not when only a
			 * multiline ^ looks back and bol tells what the byte
			 * before the front (was in the subject and) says. */
			lim = front;
			if (!ri->context_bol || m->front == front ||
			    !e->bol_nat)
				lim += ri->context;
			if (m->x < lim)
				m->has_match = m->at_end = 0;
			if (lim > m->x)
				lim = m->x;
			if (lim > front)
				rc = expect_search(e, rx, 0,
				    (size_t)(lim - front), flags, pov);
			if (rc == RX_MATCH || rc == RX_PARTIALMATCH) {
				m->x = front + pov[0];
				m->has_match = m->at_end = 0;
			} else if (rc < 0 || rc == RX_LIMIT) {
				expect_memo_reset(e, m);
				if (rc < 0)
					return rc;
				goto whole;
			}
			m->front = front;
			m->bol = e->bol;
		}
	}
	if (m->has_match) {
		size_t d = (size_t)(front - m->ovbase);

		memcpy(ov, m->ov, sizeof m->ov);
		/* A group before the new front (none should be: see above)
		 * is unset rather than wrapped. */
		for (i = 0; d > 0 && i < m->nov; i += 2) {
			if (ov[i] == RX_UNSET)
				continue;
			if (ov[i] < d) {
				ov[i] = ov[i + 1] = RX_UNSET;
				continue;
			}
			ov[i] -= d;
			ov[i + 1] -= d;
		}
		return RX_MATCH;
	}
	if (m->at_end && m->x == end && m->end == end && m->final == final)
		return RX_NOMATCH;
	rc = expect_search(e, rx, (size_t)(m->x - front), SIZE_MAX, flags,
	    ov);
	if (rc < 0 || rc == RX_LIMIT) {
		expect_memo_reset(e, m);
		if (rc < 0)
			return rc;
		goto whole;
	}
	m->final = final;
	m->at_end = 0;
	m->has_match = 0;
	if (rc == RX_NOMATCH) {
		m->x = m->end = end;
		m->at_end = 1;
	} else {
		m->x = front + ov[0];
	}
	if (rc == RX_MATCH) {
		m->has_match = 1;
		m->ovbase = front;
		memcpy(m->ov, ov, sizeof m->ov);
		m->nov = 2 * (size_t)ri->groups;
	}
	return rc;
whole:
	/* No memo, or a work limit: the search of the whole text. */
	e->scanned += e->len;
	return rx_exec(rx, e->md, e->buf + e->off, e->len, flags, ov);
}

/* ------------------------------------------------------------ scan */

/*
 * Try every case on the unmatched text.  Returns 1 with a decided winner
 * in p, 0 when none is decided yet (p->keep says what must stay), or
 * ERR_NOMEM.  final: no more output will come (no partial matching).
 */
static int
expect_scan(struct expect *e, const struct expect_case *cases, size_t n,
    int final, struct pick *p)
{
	size_t k, total = e->nbefore + n, best_start = (size_t)-1;
	size_t part = e->len, *ov = p->ovs[0];
	int flags = 0, rc, best = -1, part_k = INT_MAX;

	if (!e->bol)
		flags |= RX_NOTBOL;
	if (!final)
		flags |= RX_PARTIAL;
	for (k = 0; k < total; k++) {
		const struct expect_case *c = k < e->nbefore ? &e->before[k] :
		    &cases[k - e->nbefore];

		if (c->rx == NULL)
			continue;
		rc = expect_search_case(e, c->rx, k, flags, ov);
		if (rc < 0)
			return rc;
		if (rc == RX_PARTIALMATCH && ov[0] < part) {
			part = ov[0];
			part_k = (int)k;
		} else if (rc == RX_MATCH && ov[0] < best_start) {
			best_start = ov[0];
			best = (int)k;
			/* Keep it: the next case writes in the other. */
			p->ov = ov;
			ov = ov == p->ovs[0] ? p->ovs[1] : p->ovs[0];
		}
	}
	p->k = -1;
	p->keep = part;
	if (best < 0)
		return 0;
	/* A case that could still match at or before the best start and
	 * would win there keeps the question open. */
	if (part < best_start || (part == best_start && part_k < best))
		return 0;
	p->k = best;
	return 1;
}

/* Fill r for the winner (moving the text before it out of the way). */
static int
expect_take(struct expect *e, const struct expect_case *cases,
    const struct pick *p, struct expect_result *r)
{
	const struct expect_case *c = expect_case_at(e, cases, (size_t)p->k);
	size_t ms = p->ov[0], i, ng;

	if (expect_drop(e, ms, 1) != 0) {
		r->outcome = EXPECT_FULL;
		r->capture_full = 1;
		return 0;
	}
	r->outcome = EXPECT_MATCHED;
	r->id = c->id;
	r->before = (size_t)p->k < e->nbefore;
	r->match = e->buf + e->off;
	r->match_len = p->ov[1] - ms;
	/* Every group is written (expect_wait clears none).  One that starts
	 * before the match (a capture inside a lookbehind, or before \K) is
	 * in text that was just dropped: unset, like a group that did not
	 * take part.  One that ends after it (inside a lookahead) lies in the
	 * unmatched text that follows, which stays until the next call. */
	ng = (size_t)rx_info(c->rx)->groups;
	for (i = 0; i < ng && i < EXPECT_MAX_GROUPS; i++) {
		if (p->ov[2 * i] == RX_UNSET || p->ov[2 * i] < ms) {
			r->group[i].p = NULL;
			r->group[i].len = 0;
			continue;
		}
		r->group[i].p = e->buf + e->off + (p->ov[2 * i] - ms);
		r->group[i].len = p->ov[2 * i + 1] - p->ov[2 * i];
	}
	/* The pattern has no more groups. */
	for (; i < EXPECT_MAX_GROUPS; i++) {
		r->group[i].p = NULL;
		r->group[i].len = 0;
	}
	e->pending = r->match_len;
	return 0;
}

int
expect_send(struct expect *e, const char *p, size_t n, int delay_ms,
    int secret)
{
	struct timespec ts;
	size_t i;
	int r;

	if (secret) {
		expect_redact(e, 1, NULL, 0, 1);
		if (e->tcb != NULL)
			e->tcb(e->targ, '>', "***", 3);
	} else {
		expect_redact(e, 1, p, n, 0);
	}
	if (delay_ms <= 0 || n <= 1)
		return n == 0 ? 0 : e->io.write(e->io.arg, p, n);
	ts.tv_sec = delay_ms / 1000;
	ts.tv_nsec = (long)(delay_ms % 1000) * 1000000L;
	for (i = 0; i < n; i++) {
		if ((r = e->io.write(e->io.arg, p + i, 1)) != 0)
			return r;
		if (i + 1 < n)
			while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
				;
		ts.tv_sec = delay_ms / 1000;
		ts.tv_nsec = (long)(delay_ms % 1000) * 1000000L;
	}
	return 0;
}

/* Read once (waiting at most wait_ms), then gather what is ready. */
static int
expect_read(struct expect *e, int wait_ms, int *got)
{
	char raw[EXPECT_RAW];
	size_t room, total = 0;
	int r;

	*got = 0;
	for (;;) {
		room = expect_room(e);
		if (room > sizeof raw)
			room = sizeof raw;
		if (room == 0)
			return 0;
		r = e->io.read(e->io.arg, raw, room, total == 0 ? wait_ms : 0);
		if (r == ERR_EOF) {
			e->eof = 1;
			return 0;
		}
		if (r < 0)
			return total > 0 ? 0 : r;
		if (r == 0)
			return 0;
		if ((size_t)r > room)
			return ERR_IO;
		e->nread += (uint64_t)r;
		expect_redact(e, 0, raw, (size_t)r, 0);
		expect_normalise(e, raw, (size_t)r);
		*got = 1;
		total += (size_t)r;
		if (total >= EXPECT_GATHER)
			return 0;
	}
}

/*
 * The result's fields but the groups, which expect_take() writes whole on
 * a match and expect_wait() clears on any other return: each field is
 * written once per call.
 */
static void
expect_result_clear(struct expect_result *r)
{
	r->outcome = (enum expect_outcome)0;
	r->id = r->before = 0;
	r->match = NULL;
	r->match_len = 0;
	r->timed_out_idle = r->capture_full = 0;
}

static int expect_wait_1(struct expect *, const struct expect_case *,
    size_t, int, int64_t, struct expect_result *);

int
expect_wait(struct expect *e, const struct expect_case *cases, size_t n,
    int idle_ms, int64_t deadline, struct expect_result *r)
{
	size_t i;
	int rc;

	rc = expect_wait_1(e, cases, n, idle_ms, deadline, r);
	if (rc != 0 || r->outcome != EXPECT_MATCHED) {
		for (i = 0; i < EXPECT_MAX_GROUPS; i++) {
			r->group[i].p = NULL;
			r->group[i].len = 0;
		}
	}
	return rc;
}

static int
expect_wait_1(struct expect *e, const struct expect_case *cases, size_t n,
    int idle_ms, int64_t deadline, struct expect_result *r)
{
	struct pick p;
	int64_t now, last, left, dl;
	int rc, got, wait_ms, started = 0;

	expect_result_clear(r);
	if (e->pending > 0) {
		expect_drop(e, e->pending, 0);
		e->pending = 0;
	}
	/* The idle timer starts with the wait: its clock is read when the
	 * wait first has to wait for output (after the buffered text was
	 * matched, which takes no time on a simulated clock and microseconds
	 * on a real one), so a wait the buffer answers reads no clock. */
	last = 0;
	for (;;) {
		if (expect_eat(e) == 0 || e->eof) {
			e->eat = 0;
			rc = expect_scan(e, cases, n, e->eof, &p);
			if (rc < 0)
				return rc;
			if (rc == 1) {
				const struct expect_case *c =
				    expect_case_at(e, cases, (size_t)p.k);

				if (expect_take(e, cases, &p, r) != 0 ||
				    r->outcome != EXPECT_MATCHED)
					return 0;
				if (!r->before || c->action != EXPECT_ACT_SEND)
					return 0;
				/* An always-on reply: out of the text, on; the
				 * text after it continues what came before. */
				got = e->bol;
				expect_drop(e, e->pending, 0);
				e->pending = 0;
				if (e->bol != got)
					e->bol_nat = 0;
				e->bol = got;
				expect_result_clear(r);
				if (c->reply != NULL && (rc = expect_send(e,
				    c->reply, strlen(c->reply), 0, 0)) != 0)
					return rc;
				e->eat = 1;
				continue;
			}
			if (expect_drop(e, e->eof ? e->len : p.keep, 1) != 0) {
				r->outcome = EXPECT_FULL;
				r->capture_full = 1;
				return 0;
			}
		}
		if (e->eof) {
			r->outcome = EXPECT_EOF;
			return 0;
		}
		if (e->len >= e->max) {
			r->outcome = EXPECT_FULL;
			return 0;
		}
		now = expect_clock(e);
		if (!started) {
			last = now;
			started = 1;
		}
		wait_ms = -1;
		if (idle_ms >= 0) {
			left = last + idle_ms - now;
			if (left <= 0) {
				r->outcome = EXPECT_TIMEOUT;
				r->timed_out_idle = 1;
				return 0;
			}
			wait_ms = left > INT_MAX ? INT_MAX : (int)left;
		}
		if (deadline > 0) {
			dl = deadline - now;
			if (dl <= 0) {
				r->outcome = EXPECT_TIMEOUT;
				return 0;
			}
			if (wait_ms < 0 || dl < wait_ms)
				wait_ms = dl > INT_MAX ? INT_MAX : (int)dl;
		}
		if ((rc = expect_read(e, wait_ms, &got)) != 0)
			return rc;
		if (got)
			last = expect_clock(e);
	}
}

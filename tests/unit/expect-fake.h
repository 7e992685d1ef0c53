/*
 * expect-fake: a scripted expect_io for the expect and dialog tests.  The
 * script is a list of segments, each made available at a simulated time
 * and, optionally, only once the client has written a given text; reads
 * hand them out in chunks of a chosen size (1 byte, fixed, random).  Time
 * is simulated: a read that would wait advances the clock instead.
 */
#ifndef CERTREGEN_EXPECT_FAKE_H
#define CERTREGEN_EXPECT_FAKE_H

#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "expect.h"

struct fake_seg {
	const char *text;
	size_t len;          /* 0: strlen(text) */
	int delay_ms;        /* after the previous segment (or the start) */
	const char *after;   /* written by the client before it comes */
};

#define FAKE_MAX_SEGS 64
/* Not every test uses every helper. */
#define FAKE_FN static __attribute__((unused))

struct fake {
	struct fake_seg seg[FAKE_MAX_SEGS];
	size_t nseg, cur, pos;
	int64_t now, ready;  /* simulated ms; when cur became available */
	int started;         /* cur's time is fixed */
	long chunk;          /* > 0 fixed size, 0 whole, < 0 random 1..-chunk */
	uint32_t seed;
	int eof;             /* after the last segment: ERR_EOF (else silence) */
	struct buf sent;     /* everything written */
	size_t mark;         /* sent offset when the last segment was read */
	size_t writes;
	int read_error;      /* return this from read once the script is over */
};

FAKE_FN void
fake_init(struct fake *f, long chunk, uint32_t seed)
{
	memset(f, 0, sizeof *f);
	f->chunk = chunk;
	f->seed = seed ? seed : 1;
	f->eof = 1;
	buf_init(&f->sent, 1 << 20);
}

FAKE_FN void
fake_add(struct fake *f, const char *text, int delay_ms, const char *after)
{
	if (f->nseg >= FAKE_MAX_SEGS)
		abort();
	f->seg[f->nseg].text = text;
	f->seg[f->nseg].len = strlen(text);
	f->seg[f->nseg].delay_ms = delay_ms;
	f->seg[f->nseg].after = after;
	f->nseg++;
}

FAKE_FN void
fake_add_n(struct fake *f, const char *text, size_t len, int delay_ms)
{
	if (f->nseg >= FAKE_MAX_SEGS)
		abort();
	f->seg[f->nseg].text = text;
	f->seg[f->nseg].len = len;
	f->seg[f->nseg].delay_ms = delay_ms;
	f->seg[f->nseg].after = NULL;
	f->nseg++;
}

FAKE_FN uint32_t
fake_rand(struct fake *f)
{
	f->seed = f->seed * 1103515245u + 12345u;
	return (f->seed >> 8) & 0xffffff;
}

FAKE_FN int64_t
fake_clock(void *arg)
{
	return ((struct fake *)arg)->now;
}

/* The current segment may be read from time t (or never: -1). */
FAKE_FN int64_t
fake_when(struct fake *f)
{
	const struct fake_seg *s = &f->seg[f->cur];

	if (s->after != NULL) {
		const char *hay = buf_str(&f->sent) + f->mark;

		if (strstr(hay, s->after) == NULL)
			return -1;
	}
	if (!f->started) {
		f->ready = f->now + s->delay_ms;
		f->started = 1;
	}
	return f->ready;
}

FAKE_FN int
fake_read(void *arg, char *p, size_t n, int timeout_ms)
{
	struct fake *f = arg;
	const struct fake_seg *s;
	size_t k;
	int64_t t;

	while (f->cur < f->nseg && f->pos >= f->seg[f->cur].len) {
		f->cur++;
		f->pos = 0;
		f->started = 0;
	}
	if (f->cur >= f->nseg) {
		if (f->read_error)
			return f->read_error;
		if (f->eof)
			return ERR_EOF;
		if (timeout_ms < 0)
			return ERR_IO; /* would hang for ever */
		f->now += timeout_ms;
		return 0;
	}
	s = &f->seg[f->cur];
	t = fake_when(f);
	if (t < 0 || t > f->now) {
		if (t >= 0 && (timeout_ms < 0 || f->now + timeout_ms >= t)) {
			f->now = t;
		} else {
			if (timeout_ms < 0)
				return ERR_IO;
			f->now += timeout_ms;
			return 0;
		}
	}
	k = s->len - f->pos;
	if (f->chunk > 0 && k > (size_t)f->chunk)
		k = (size_t)f->chunk;
	else if (f->chunk < 0) {
		size_t r = 1 + fake_rand(f) % (size_t)(-f->chunk);

		if (k > r)
			k = r;
	}
	if (k > n)
		k = n;
	memcpy(p, s->text + f->pos, k);
	f->pos += k;
	/* What the client writes from now on answers the next segment. */
	if (f->pos == s->len)
		f->mark = f->sent.len;
	return (int)k;
}

FAKE_FN int
fake_write(void *arg, const char *p, size_t n)
{
	struct fake *f = arg;

	f->writes++;
	return buf_add(&f->sent, p, n) == 0 ? 0 : ERR_IO;
}

/* A session over f on f's clock. */
FAKE_FN struct expect *
fake_expect(struct fake *f, size_t bufmax)
{
	struct expect_io io = { fake_read, fake_write, NULL };
	struct expect *e;

	io.arg = f;
	if ((e = expect_new(&io, bufmax)) == NULL)
		abort();
	expect_set_clock(e, fake_clock, f);
	return e;
}

FAKE_FN void
fake_clear(struct fake *f)
{
	buf_clear(&f->sent);
}

#endif

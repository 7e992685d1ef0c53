/*
 * Unit tests for the expect engine over a scripted fake io with simulated
 * time: every outcome, case order, partial matches across reads (the same
 * input fed whole, a byte at a time and in random chunks gives the same
 * results), normalisation split across reads, the pager and the failure
 * trailer, timers, buffer and capture ceilings, transcript redaction,
 * hostile input, and the resume memo (against the engine with the memo
 * off, and the work it saves).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "expect.h"
#include "expect-fake.h"
#include "rx.h"
#include "secret.h"
#include "tap.h"

static struct rx *rx_pager, *rx_fail, *rx_prompt;
static struct expect_case before[2];

static struct rx *
comp(const char *pat)
{
	struct rx *rx = NULL;
	char why[256];

	if (rx_compile(pat, RX_MULTILINE, &rx, why, sizeof why) != 0) {
		printf("Bail out! %s: %s\n", pat, why);
		exit(99);
	}
	return rx;
}

static void
setup(void)
{
	rx_pager = comp("Press <enter> for 1 line, <space> for one page, "
	    "or <q> to quit");
	rx_fail = comp("(?i)executed command unsuccessfully");
	rx_prompt = comp("^admin:");
	before[0].rx = rx_pager;
	before[0].id = 100;
	before[0].action = EXPECT_ACT_SEND;
	before[0].reply = " ";
	before[1].rx = rx_fail;
	before[1].id = 101;
	before[1].action = EXPECT_ACT_RETURN;
}

static void
add_text(struct buf *b, const char *p, size_t n)
{
	if (buf_add(b, p, n) != 0)
		abort();
}

/* ------------------------------------------------------------ transcripts */

/* The transcript as text: "{...}" around what was sent. */
static char tdir = '<';

static void
tcb(void *arg, char dir, const char *p, size_t n)
{
	struct buf *b = arg;

	if (dir != tdir)
		add_text(b, dir == '>' ? "{" : "}", 1);
	tdir = dir;
	add_text(b, p, n);
}

/*
 * A CLI session: prompt, command, output with a pager, a question, a
 * failure, progress lines.  Each wait's result is written to log.
 */
static void
session(long chunk, uint32_t seed, struct buf *log)
{
	struct fake f;
	struct expect *e;
	struct expect_result r;
	struct expect_case q[3];
	struct rx *rq = comp("\\((?:yes\\||yes/)no\\)\\s*[?:]");
	struct rx *rs = comp("Cisco ([A-Za-z ]+)\\[ ?(STOPPING|STARTING|"
	    "STARTED) ?\\]");
	struct buf cap;
	int i, rc;

	fake_init(&f, chunk, seed);
	fake_add(&f, "\x1b[K\r\nadmin:", 0, NULL);
	fake_add(&f, "show thing\r\nline one\r\nline \x1b[1mtwo\x1b[0m\r\n"
	    "Press <enter> for 1 line, <space> for one page, or <q> to quit",
	    10, NULL);
	fake_add(&f, "\r\x1b[Kline three\r\n\radmin:", 10, " ");
	fake_add(&f, "set thing\r\nWARNING: sure?\r\nProceed (yes|no)? ", 10,
	    NULL);
	fake_add(&f, "yes\r\n\r\nDone.\r\nadmin:", 10, "yes\n");
	fake_add(&f, "bad\r\nInvalid: bad\r\nExecuted command unsuccessfully"
	    "\r\nadmin:", 10, NULL);
	fake_add(&f, "restart\r\nService Manager is running\r\n"
	    "Cisco Tomcat[STOPPING]\r\nCisco Tomcat[STARTING]\r\n"
	    "Cisco Tomcat[ STARTED ]\r\nadmin:", 10, NULL);
	e = fake_expect(&f, 0);
	expect_before(e, before, 2);
	buf_init(&cap, 1 << 20);
	expect_capture(e, &cap);
	q[0].rx = rx_prompt;
	q[0].id = 0;
	q[1].rx = rq;
	q[1].id = 1;
	q[2].rx = rs;
	q[2].id = 2;
	for (i = 0; i < 14; i++) {
		rc = expect_wait(e, q, 3, 5000, 0, &r);
		if (rc != 0) {
			buf_addf(log, "rc %d\n", rc);
			break;
		}
		buf_addf(log, "%d:%d:%d [%.*s] {%s}", r.outcome, r.before,
		    r.id, (int)r.match_len, r.match ? r.match : "",
		    buf_str(&cap));
		if (r.outcome == EXPECT_MATCHED && r.id == 2)
			buf_addf(log, " g1=%.*s g2=%.*s", (int)r.group[1].len,
			    r.group[1].p, (int)r.group[2].len, r.group[2].p);
		buf_addstr(log, "\n");
		buf_reset(&cap);
		if (r.outcome != EXPECT_MATCHED)
			break;
		if (r.id == 1)
			expect_send(e, "yes\n", 4, 0, 0);
	}
	buf_addf(log, "sent {%s}\n", buf_str(&f.sent));
	expect_free(e);
	buf_clear(&cap);
	fake_clear(&f);
	rx_free(rq);
	rx_free(rs);
}

static void
test_chunking(void)
{
	struct buf want, got;
	long chunks[] = { 1, 2, 3, 5, 7, 13, 64, 4096 };
	size_t i;
	int same = 1;

	buf_init(&want, 1 << 20);
	buf_init(&got, 1 << 20);
	session(0, 1, &want);
	has_str(buf_str(&want), "1:0:0 [admin:] {\n}", "first prompt");
	has_str(buf_str(&want), "{show thing\nline one\nline two\nline three\n}",
	    "pager answered and removed: the output is continuous");
	has_str(buf_str(&want), "1:0:1 [(yes|no)?] {set thing\nWARNING: sure?\n"
	    "Proceed }", "question");
	has_str(buf_str(&want), "1:1:101 [Executed command unsuccessfully] "
	    "{bad\nInvalid: bad\n}", "failure trailer is an always-on match");
	has_str(buf_str(&want), "g1=Tomcat g2=STOPPING", "groups");
	has_str(buf_str(&want), "[Cisco Tomcat[ STARTED ]]", "inner spaces");
	has_str(buf_str(&want), "3:0:0 [] {", "EOF at the end");
	has_str(buf_str(&want), "sent { yes\n}", "sent the pager reply, yes");
	for (i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
		buf_reset(&got);
		session(chunks[i], 1, &got);
		if (strcmp(buf_str(&got), buf_str(&want)) != 0) {
			same = 0;
			tap_diag("chunk %ld differs:\n%s\nwant:\n%s", chunks[i],
			    buf_str(&got), buf_str(&want));
		}
	}
	ok(same, "same results with fixed chunk sizes 1..4096");
	same = 1;
	for (i = 1; i <= 40; i++) {
		buf_reset(&got);
		session(-(long)(1 + i % 17), (uint32_t)i * 7919u, &got);
		if (strcmp(buf_str(&got), buf_str(&want)) != 0) {
			same = 0;
			tap_diag("random seed %zu differs:\n%s", i, buf_str(&got));
		}
	}
	ok(same, "same results with random chunk sizes (40 seeds)");
	buf_clear(&want);
	buf_clear(&got);
}

/* ------------------------------------------------------------ one wait */

struct one {
	int rc;
	struct expect_result r;
	char match[256];
	struct buf cap;
	struct buf sent;
	int64_t now;
	size_t peak;
};

/* Feed text (chunked) and wait once for cases; EOF after the text. */
static void
one_wait(const char *text, size_t len, long chunk, const char *const *pats,
    size_t npat, int idle, size_t bufmax, size_t capmax, struct one *o)
{
	struct fake f;
	struct expect *e;
	struct expect_case c[8];
	struct rx *rx[8];
	size_t i;

	memset(o, 0, sizeof *o);
	fake_init(&f, chunk, 42);
	fake_add_n(&f, text, len, 0);
	e = fake_expect(&f, bufmax);
	expect_before(e, before, 2);
	buf_init(&o->cap, capmax);
	expect_capture(e, &o->cap);
	for (i = 0; i < npat; i++) {
		rx[i] = comp(pats[i]);
		c[i].rx = rx[i];
		c[i].id = (int)i;
		c[i].action = EXPECT_ACT_RETURN;
		c[i].reply = NULL;
	}
	o->rc = expect_wait(e, c, npat, idle, 0, &o->r);
	if (o->r.match != NULL)
		snprintf(o->match, sizeof o->match, "%.*s",
		    (int)o->r.match_len, o->r.match);
	o->r.match = NULL;
	o->now = f.now;
	o->peak = expect_peak_buffer(e);
	buf_init(&o->sent, 1 << 20);
	buf_add(&o->sent, buf_str(&f.sent), f.sent.len);
	expect_free(e);
	for (i = 0; i < npat; i++)
		rx_free(rx[i]);
	fake_clear(&f);
}

static void
one_clear(struct one *o)
{
	buf_clear(&o->cap);
	buf_clear(&o->sent);
}

static void
test_order(void)
{
	const char *p2[] = { "world", "hello" };
	const char *p3[] = { "hel+o", "hello" };
	const char *p4[] = { "abc", "ab" };
	struct one o;
	long ch;

	one_wait("say hello world", 15, 0, p2, 2, 1000, 0, 1 << 20, &o);
	is_int(o.r.outcome, EXPECT_MATCHED, "matched");
	is_int(o.r.id, 1, "the earliest match in the output wins over order");
	is_str(buf_str(&o.cap), "say ", "text before it captured");
	one_clear(&o);
	one_wait("say hello world", 15, 1, p3, 2, 1000, 0, 1 << 20, &o);
	is_int(o.r.id, 0, "same start: the first case wins");
	one_clear(&o);
	/* "abc" could still match where "ab" did: wait; at EOF "ab" wins. */
	for (ch = 0; ch <= 1; ch++) {
		one_wait("xab", 3, ch, p4, 2, 1000, 0, 1 << 20, &o);
		is_int(o.r.outcome, EXPECT_MATCHED, "chunk %ld: final match "
		    "at EOF", ch);
		is_int(o.r.id, 1, "chunk %ld: ab, once abc cannot come", ch);
		one_clear(&o);
	}
	one_wait("xabd", 4, 1, p4, 2, 1000, 0, 1 << 20, &o);
	is_int(o.r.id, 1, "ab decided by the next byte");
	one_clear(&o);
}

static void
test_normalise(void)
{
	static const char in[] =
	    "a\x1b[1mb\x1b[0m\r\nc\rd\x1b]0;title\x07" "e\x1b(Bf\x00g\x07h"
	    "\r\r\ni\x1b[2;5Hj\x1b]2;t\x1b\\k\tl\x7fm\x1b=n\x1b\x1bo\x1b[?25lp"
	    "\r\x1b[K\nq\x1b[\x18r\x1b\x7fs\nadmin:";
	const char *pr[] = { "^admin:" };
	/* ESC ESC o: the second ESC starts over and "o" is its final. */
	const char *want = "ab\nc\ndefgh\nijk\tlmnp\nqrs\n";
	struct one o;
	long ch;
	int same = 1;

	one_wait(in, sizeof in - 1, 0, pr, 1, 1000, 0, 1 << 20, &o);
	is_str(buf_str(&o.cap), want, "escapes, CR, NUL, DEL removed");
	one_clear(&o);
	for (ch = 1; ch <= 9; ch++) {
		one_wait(in, sizeof in - 1, ch, pr, 1, 1000, 0, 1 << 20, &o);
		if (strcmp(buf_str(&o.cap), want) != 0 ||
		    o.r.outcome != EXPECT_MATCHED) {
			same = 0;
			tap_diag("chunk %ld: %s", ch, buf_str(&o.cap));
		}
		one_clear(&o);
	}
	ok(same, "the same split across reads (chunks 1..9)");

	/*
	 * The plain-run scan (16 and 8 bytes at a time): one special byte
	 * at every position of a 45-byte run, the run's other bytes the
	 * edges of plain text (0x20, 0x7e, 0x80, 0x9f, 0xa0, 0xff).
	 */
	{
		static const unsigned char plain[] = { 0x20, 'a', 0x7e, 0x80,
			0x9f, 0xa0, 0xff };
		static const unsigned char special[] = { 0x00, 0x07, 0x1f,
			0x7f, '\t', '\n' };
		char run[64], exp[64];
		size_t p, k, i, ne;
		int good = 1;

		for (k = 0; k < sizeof special; k++) {
			for (p = 0; p < 45; p++) {
				ne = 0;
				for (i = 0; i < 45; i++) {
					run[i] = (char)(i == p ? special[k] :
					    plain[(i * 5 + k) % sizeof plain]);
					/* Kept: TAB, LF and plain bytes. */
					if (i != p || special[k] == '\t' ||
					    special[k] == '\n')
						exp[ne++] = run[i];
				}
				memcpy(run + 45, "\nadmin:", 7);
				exp[ne++] = '\n';
				exp[ne] = '\0';
				one_wait(run, 52, 0, pr, 1, 1000, 0, 1 << 20, &o);
				if (o.r.outcome != EXPECT_MATCHED ||
				    strcmp(buf_str(&o.cap), exp) != 0) {
					good = 0;
					tap_diag("special 0x%02x at %zu",
					    special[k], p);
				}
				one_clear(&o);
			}
		}
		ok(good, "a control byte or DEL anywhere in a long run of "
		    "plain bytes (>= 0x80 included) is found");
	}
}

/* A streamed capture: output far larger than the capture's ceiling goes
 * to the flush callback in pieces, whole and in order, and the capture
 * never holds more than its ceiling. */
struct flushed {
	struct buf all;
	size_t calls, most;
	int stop_after;   /* > 0: refuse the call after this many */
};

static int
flush_cb(void *arg, const char *p, size_t n)
{
	struct flushed *fl = arg;

	fl->calls++;
	if (n > fl->most)
		fl->most = n;
	if (fl->stop_after > 0 && fl->calls > (size_t)fl->stop_after)
		return -1;
	return buf_add(&fl->all, p, n);
}

static void
test_stream(void)
{
	struct expect_case c = { NULL, 7, EXPECT_ACT_RETURN, NULL };
	struct expect_result r;
	struct flushed fl;
	struct buf cap, want;
	struct fake f;
	struct expect *e;
	char line[64];
	int i, k;

	for (k = 0; k < 2; k++) {
		buf_init(&want, 1 << 22);
		for (i = 0; i < 20000; i++) {
			snprintf(line, sizeof line, "Cisco Flood %05d[STARTED]\n",
			    i);
			buf_addstr(&want, line);
		}
		fake_init(&f, k == 0 ? 0 : -7, 1);
		fake_add(&f, buf_str(&want), 0, NULL);
		fake_add(&f, "admin:", 5, NULL);
		e = fake_expect(&f, 0);
		buf_init(&cap, 1000);
		memset(&fl, 0, sizeof fl);
		buf_init(&fl.all, 1 << 22);
		expect_capture(e, &cap);
		expect_capture_flush(e, flush_cb, &fl);
		c.rx = rx_prompt;
		is_int(expect_wait(e, &c, 1, 1000, 0, &r), 0, "stream %d: "
		    "wait", k);
		is_int(r.outcome, EXPECT_MATCHED, "stream %d: %zu bytes through "
		    "a 1000-byte capture, prompt found", k, want.len);
		buf_add(&fl.all, buf_str(&cap), cap.len);
		ok(fl.all.len == want.len && memcmp(fl.all.data, want.data,
		    want.len) == 0, "stream %d: flushed + left = the output, in "
		    "order", k);
		ok(fl.calls > 10 && cap.len <= 1000, "stream %d: flushed in "
		    "%zu pieces, the capture stayed under its ceiling", k,
		    fl.calls);
		expect_free(e);
		fake_clear(&f);
		buf_clear(&cap);
		buf_clear(&fl.all);
		buf_clear(&want);
	}

	/* The callback refuses: the wait ends FULL (capture_full). */
	fake_init(&f, 0, 1);
	for (i = 0; i < 4; i++)
		fake_add(&f, "0123456789\n", 5, NULL);
	fake_add(&f, "admin:", 5, NULL);
	e = fake_expect(&f, 0);
	buf_init(&cap, 16);
	memset(&fl, 0, sizeof fl);
	fl.stop_after = 1;
	buf_init(&fl.all, 4096);
	expect_capture(e, &cap);
	expect_capture_flush(e, flush_cb, &fl);
	expect_wait(e, &c, 1, 1000, 0, &r);
	is_int(r.outcome, EXPECT_FULL, "stream: a refusing sink ends FULL");
	ok(r.capture_full, "stream: ... with capture_full");
	expect_free(e);
	fake_clear(&f);
	buf_clear(&cap);
	buf_clear(&fl.all);
}

static void
test_bol(void)
{
	struct fake f;
	struct expect *e;
	struct expect_result r;
	struct expect_case c = { NULL, 7, EXPECT_ACT_RETURN, NULL };
	struct buf cap;

	/* "xxx" leaves the buffer before "admin:" arrives: ^ must not
	 * match inside the line. */
	fake_init(&f, 0, 1);
	fake_add(&f, "xxx", 0, NULL);
	fake_add(&f, "admin: then\nadmin:", 10, NULL);
	e = fake_expect(&f, 0);
	buf_init(&cap, 4096);
	expect_capture(e, &cap);
	c.rx = rx_prompt;
	expect_wait(e, &c, 1, 1000, 0, &r);
	is_int(r.outcome, EXPECT_MATCHED, "prompt found");
	is_str(buf_str(&cap), "xxxadmin: then\n", "not at xxx|admin: (NOTBOL "
	    "after a discard)");
	expect_free(e);
	fake_clear(&f);
	buf_reset(&cap);

	fake_init(&f, 0, 1);
	fake_add(&f, "xxx\n", 0, NULL);
	fake_add(&f, "admin:", 10, NULL);
	e = fake_expect(&f, 0);
	expect_capture(e, &cap);
	expect_wait(e, &c, 1, 1000, 0, &r);
	is_int(r.outcome, EXPECT_MATCHED, "line start kept after a discard");
	is_str(buf_str(&cap), "xxx\n", "captured the line");
	expect_free(e);
	fake_clear(&f);
	buf_clear(&cap);
}

static void
test_pager_trailer(void)
{
	static const char in[] =
	    "l1\r\nl2\r\nPress <enter> for 1 line, <space> for one page, or "
	    "<q> to quit";
	struct fake f;
	struct expect *e;
	struct expect_result r;
	struct expect_case c = { NULL, 0, EXPECT_ACT_RETURN, NULL };
	struct buf cap;
	long ch;
	int good = 1;

	for (ch = 0; ch <= 5; ch++) {
		fake_init(&f, ch, 1);
		fake_add(&f, in, 0, NULL);
		fake_add(&f, "\r      \r\x1b[K\tl3\r\nl4\r\n", 5, " ");
		fake_add(&f, in, 5, NULL);
		fake_add(&f, "l5\r\nExecuted command unsuccessfully.\r\nadmin:",
		    5, " ");
		e = fake_expect(&f, 0);
		expect_before(e, before, 2);
		buf_init(&cap, 4096);
		expect_capture(e, &cap);
		c.rx = rx_prompt;
		expect_wait(e, &c, 1, 1000, 0, &r);
		if (r.outcome != EXPECT_MATCHED || !r.before || r.id != 101 ||
		    strcmp(buf_str(&cap), "l1\nl2\n\tl3\nl4\nl1\nl2\n"
		    "l5\n") != 0 || strcmp(buf_str(&f.sent), "  ") != 0) {
			good = 0;
			tap_diag("chunk %ld: %d %d {%s} sent {%s}", ch,
			    r.outcome, r.id, buf_str(&cap), buf_str(&f.sent));
		}
		buf_reset(&cap);
		expect_wait(e, &c, 1, 1000, 0, &r);
		if (r.outcome != EXPECT_MATCHED || r.before ||
		    strcmp(buf_str(&cap), ".\n") != 0)
			good = 0;
		expect_free(e);
		fake_clear(&f);
		buf_clear(&cap);
	}
	ok(good, "pager replied to and removed, trailer returned, whatever "
	    "the chunking");
}

static void
test_timers(void)
{
	struct fake f;
	struct expect *e;
	struct expect_result r;
	struct expect_case c = { NULL, 0, EXPECT_ACT_RETURN, NULL };
	int i, rc;

	/* Silence: the idle timer. */
	fake_init(&f, 0, 1);
	f.eof = 0;
	e = fake_expect(&f, 0);
	c.rx = rx_prompt;
	rc = expect_wait(e, &c, 1, 1500, 0, &r);
	is_int(rc, 0, "timeout is an outcome, not an error");
	is_int(r.outcome, EXPECT_TIMEOUT, "idle timeout");
	is_int(r.timed_out_idle, 1, "by the idle timer");
	is_int(f.now, 1500, "after 1500 ms of silence");
	expect_free(e);
	fake_clear(&f);

	/* Output every 900 ms keeps a 1000 ms idle timer from expiring. */
	fake_init(&f, 3, 1);
	f.eof = 0;
	for (i = 0; i < 10; i++)
		fake_add(&f, "Cisco Tomcat[STARTING]\r\n", 900, NULL);
	fake_add(&f, "admin:", 900, NULL);
	e = fake_expect(&f, 0);
	rc = expect_wait(e, &c, 1, 1000, 0, &r);
	is_int(r.outcome, EXPECT_MATCHED, "the idle timer restarts while "
	    "output flows");
	is_int(f.now, 9900, "matched at 9.9 s");
	expect_free(e);
	fake_clear(&f);

	/* ... but not past the overall deadline. */
	fake_init(&f, 0, 1);
	f.eof = 0;
	for (i = 0; i < 20; i++)
		fake_add(&f, "Cisco Tomcat[STARTING]\r\n", 900, NULL);
	e = fake_expect(&f, 0);
	rc = expect_wait(e, &c, 1, 1000, 5000, &r);
	is_int(r.outcome, EXPECT_TIMEOUT, "deadline");
	is_int(r.timed_out_idle, 0, "by the deadline, not the idle timer");
	is_int(f.now, 5000, "at 5 s");
	expect_free(e);
	fake_clear(&f);

	/* idle 0: only what is buffered. */
	fake_init(&f, 0, 1);
	f.eof = 0;
	fake_add(&f, "admin:", 10, NULL);
	e = fake_expect(&f, 0);
	rc = expect_wait(e, &c, 1, 0, 0, &r);
	is_int(r.outcome, EXPECT_TIMEOUT, "idle 0 does not wait");
	expect_free(e);
	fake_clear(&f);

	/* An io error is returned as such. */
	fake_init(&f, 0, 1);
	f.read_error = ERR_SSH;
	e = fake_expect(&f, 0);
	rc = expect_wait(e, &c, 1, 100, 0, &r);
	is_int(rc, ERR_SSH, "io error returned");
	expect_free(e);
	fake_clear(&f);

	/* Real clock: the default, and it moves forward. */
	ok(expect_now_ms() > 0, "monotonic clock");
}

static void
test_full(void)
{
	const char *pl[] = { "start[^\n]*end" };
	const char *pr[] = { "^admin:" };
	char *big;
	struct one o;

	big = malloc(2000);
	memcpy(big, "start", 5);
	memset(big + 5, 'x', 1995);
	one_wait(big, 2000, 7, pl, 1, 1000, 256, 1 << 20, &o);
	is_int(o.r.outcome, EXPECT_FULL, "buffer full with a partial match");
	is_int(o.r.capture_full, 0, "the match buffer");
	ok(o.peak <= 256, "the buffer stayed at its size (%zu)", o.peak);
	one_clear(&o);
	free(big);

	one_wait("a long line of output\nadmin:", 28, 3, pr, 1, 1000, 0, 10, &o);
	is_int(o.r.outcome, EXPECT_FULL, "capture ceiling");
	is_int(o.r.capture_full, 1, "reported as the capture's");
	one_clear(&o);
}

static void
test_eof(void)
{
	const char *pr[] = { "^admin:" };
	struct one o;

	one_wait("some output\nno prompt", 21, 4, pr, 1, 1000, 0, 1 << 20, &o);
	is_int(o.rc, 0, "EOF is an outcome");
	is_int(o.r.outcome, EXPECT_EOF, "EOF");
	is_str(buf_str(&o.cap), "some output\nno prompt", "the rest captured");
	one_clear(&o);
	one_wait("", 0, 0, pr, 1, 1000, 0, 1 << 20, &o);
	is_int(o.r.outcome, EXPECT_EOF, "EOF at once");
	one_clear(&o);
}

static void
test_redact(void)
{
	static const char in[] = "pw S3cr3t! and S3cr3t! end S3cr\n";
	const char *want = "pw *** and *** end S3cr\n";
	struct secret *s = secret_new("S3cr3t!", 7), *s2 = secret_new("S3", 2);
	struct expect_case c = { NULL, 0, EXPECT_ACT_RETURN, NULL };
	struct expect_result r;
	struct buf t;
	size_t split, n = sizeof in - 1;
	int good = 1;

	buf_init(&t, 1 << 16);
	for (split = 0; split <= n; split++) {
		struct fake f;
		struct expect *e;

		fake_init(&f, 0, 1);
		fake_add_n(&f, in, split, 0);
		fake_add_n(&f, in + split, n - split, 5);
		e = fake_expect(&f, 0);
		expect_set_transcript(e, tcb, &t);
		expect_add_secret(e, s);
		c.rx = rx_prompt;
		expect_wait(e, &c, 1, 1000, 0, &r);
		expect_free(e);
		if (strcmp(buf_str(&t), want) != 0) {
			good = 0;
			tap_diag("split %zu: %s", split, buf_str(&t));
		}
		buf_reset(&t);
		fake_clear(&f);
	}
	ok(good, "a secret split across reads is redacted at every split "
	    "point (%zu)", n + 1);

	{
		struct fake f;
		struct expect *e;

		fake_init(&f, 1, 1);
		fake_add(&f, "S3cr3t! S3x", 0, NULL);
		e = fake_expect(&f, 0);
		expect_set_transcript(e, tcb, &t);
		expect_add_secret(e, s2);
		expect_add_secret(e, s);
		expect_add_secret(e, s);
		expect_wait(e, &c, 1, 1000, 0, &r);
		expect_send(e, "S3cr3t!", 7, 0, 1);
		expect_send(e, "user S3cr3t!\n", 13, 0, 0);
		expect_send(e, "abc", 3, 1, 0);
		expect_free(e);
		tcb(&t, '<', "", 0);
		is_str(buf_str(&t), "*** ***x{***user ***\nabc}",
		    "the longest secret wins; sent secrets as ***");
		is_str(buf_str(&f.sent), "S3cr3t!user S3cr3t!\nabc",
		    "the real bytes were sent");
		is_int(f.writes, 5, "a delay sends one character at a time");
		fake_clear(&f);
	}
	buf_clear(&t);
	secret_free(s);
	secret_free(s2);
}

static void
test_hostile(void)
{
	const char *pr[] = { "^admin:" };
	const char *pc[] = { "^admin:", "Cisco [A-Za-z ]+\\[" };
	struct one o;
	char *big;
	size_t n = 10 * 1024 * 1024;

	one_wait("a\0b\0\0c\xff\xfe\xc0\x80\nadmin:", 17, 1, pr, 1, 1000, 0,
	    1 << 20, &o);
	is_int(o.r.outcome, EXPECT_MATCHED, "NUL and invalid UTF-8");
	ok(o.cap.len == 8 && memcmp(o.cap.data, "abc\xff\xfe\xc0\x80\n", 8)
	    == 0, "NULs dropped, other bytes kept");
	one_clear(&o);

	/* A 10 MB line without a newline, then the prompt. */
	big = malloc(n + 8);
	memset(big, 'x', n);
	memcpy(big + n, "\nadmin:", 7);
	one_wait(big, n + 7, 0, pc, 2, 1000, 0, 64, &o);
	is_int(o.r.outcome, EXPECT_FULL, "capture ceiling hit by the line");
	one_clear(&o);
	one_wait(big, n + 7, 0, pc, 2, 1000, 0, 0, &o);
	ok(o.r.outcome == EXPECT_FULL && o.r.capture_full, "capture max 0");
	one_clear(&o);
	{
		struct fake f;
		struct expect *e;
		struct expect_case c[2];
		struct expect_result r;

		fake_init(&f, 0, 1);
		fake_add_n(&f, big, n + 7, 0);
		e = fake_expect(&f, 0);
		c[0].rx = rx_prompt;
		c[0].id = 0;
		c[1].rx = rx_pager;
		c[1].id = 1;
		expect_wait(e, c, 2, 1000, 0, &r);
		is_int(r.outcome, EXPECT_MATCHED, "10 MB line, no capture: "
		    "prompt found");
		ok(expect_peak_buffer(e) <= EXPECT_BUF_DEFAULT,
		    "buffer stayed bounded (%zu)", expect_peak_buffer(e));
		is_int(expect_bytes_read(e), n + 7, "all bytes read");
		expect_free(e);
		fake_clear(&f);
	}

	/* Endless escape sequences: CSI parameters, an OSC string. */
	memcpy(big, "\x1b[", 2);
	memset(big + 2, '1', 100000);
	memcpy(big + 100002, "\nadmin:", 7);
	one_wait(big, 100009, 0, pr, 1, 1000, 0, 1 << 20, &o);
	is_int(o.r.outcome, EXPECT_MATCHED, "endless CSI ends");
	one_clear(&o);
	memcpy(big, "\x1b]", 2);
	memset(big + 2, 'z', 100000);
	one_wait(big, 100009, 5, pr, 1, 1000, 0, 1 << 20, &o);
	is_int(o.r.outcome, EXPECT_MATCHED, "endless OSC ends");
	ok(o.cap.len < 100000, "most of it dropped (%zu kept)", o.cap.len);
	one_clear(&o);
	free(big);
}

static void
test_misc(void)
{
	struct fake f;
	struct expect *e;
	struct expect_result r;
	struct expect_case c = { NULL, 0, EXPECT_ACT_RETURN, NULL };
	struct buf cap;
	struct rx *rx;
	char recent[16];
	size_t k;

	fake_init(&f, 0, 1);
	fake_add(&f, "one admin: two admin: three", 0, NULL);
	e = fake_expect(&f, 0);
	buf_init(&cap, 4096);
	expect_capture(e, &cap);
	c.rx = rx = comp("admin:");
	expect_wait(e, &c, 1, 1000, 0, &r);
	is_str(buf_str(&cap), "one ", "first");
	expect_wait(e, &c, 1, 1000, 0, &r);
	is_str(buf_str(&cap), "one  two ", "the match was consumed");
	expect_flush(e);
	is_str(buf_str(&cap), "one  two  three", "flush into capture");
	k = expect_recent(e, recent, sizeof recent);
	is_int(k, 16, "recent output");
	ok(memcmp(recent, "two admin: three", 16) == 0, "its last bytes");
	expect_free(e);
	fake_clear(&f);
	buf_clear(&cap);
	rx_free(rx);
	expect_free(NULL);
}

/*
 * Groups outside the match: one that starts before it (a capture inside a
 * lookbehind, or before \K) is in text that went to the capture, so it is
 * reported unset; one inside a lookahead lies in the text that follows
 * and is kept.  The same with the memo on and off, whole and byte by byte.
 */
static void
test_groups_outside(void)
{
	struct fake f;
	struct expect *e;
	struct expect_result r;
	struct expect_case c[2];
	struct rx *lb = comp("(?<=(ab))cd(e)?"), *kk = comp("(x\\Ky)z");
	struct rx *la = comp("q(?=(rs))"), *zz = comp("zz");
	struct buf cap;
	char what[64];
	int round, rc;

	buf_init(&cap, 4096);
	for (round = 0; round < 4; round++) {
		snprintf(what, sizeof what, "%s, %s", round & 1 ? "bytes" :
		    "whole", round & 2 ? "no memo" : "memo");
		fake_init(&f, round & 1 ? 1 : 0, 7);
		fake_add(&f, "..abcd zz abcde wxyz qrst", 0, NULL);
		e = fake_expect(&f, 0);
		if (round & 2)
			expect_set_memo(e, 0);
		expect_capture(e, &cap);
		c[0].rx = zz;
		c[1].rx = lb;
		c[0].id = 0;
		c[1].id = 1;
		c[0].action = c[1].action = EXPECT_ACT_RETURN;
		c[0].reply = c[1].reply = NULL;

		rc = expect_wait(e, c, 2, 1000, 0, &r);
		ok(rc == 0 && r.outcome == EXPECT_MATCHED && r.id == 1 &&
		    r.match_len == 2 && memcmp(r.match, "cd", 2) == 0,
		    "%s: the lookbehind case matches \"cd\"", what);
		ok(r.group[0].p == r.match && r.group[0].len == 2,
		    "%s: group 0 is the match", what);
		ok(r.group[1].p == NULL && r.group[1].len == 0,
		    "%s: the group in the lookbehind (before the match) is "
		    "unset", what);
		ok(r.group[2].p == NULL && r.group[3].p == NULL,
		    "%s: groups that did not take part are unset", what);
		is_str(buf_str(&cap), "..ab", "%s: the text before went to the "
		    "capture", what);
		buf_reset(&cap);

		/* "zz" comes first; the lookbehind case's later match is
		 * remembered and handed out on the next wait. */
		rc = expect_wait(e, c, 2, 1000, 0, &r);
		ok(rc == 0 && r.id == 0, "%s: zz first", what);
		rc = expect_wait(e, c, 2, 1000, 0, &r);
		ok(rc == 0 && r.id == 1 && r.match_len == 3 &&
		    r.group[1].p == NULL && r.group[2].p != NULL &&
		    r.group[2].len == 1 && r.group[2].p[0] == 'e',
		    "%s: again, group 2 inside the match is set", what);
		buf_reset(&cap);

		c[0].rx = kk;
		rc = expect_wait(e, c, 1, 1000, 0, &r);
		ok(rc == 0 && r.id == 0 && r.match_len == 2 &&
		    memcmp(r.match, "yz", 2) == 0, "%s: \\K: the match starts "
		    "after it", what);
		ok(r.group[1].p == NULL && r.group[1].len == 0,
		    "%s: a group that starts before \\K is unset", what);
		is_str(buf_str(&cap), " wx", "%s: x went to the capture", what);
		buf_reset(&cap);

		c[0].rx = la;
		rc = expect_wait(e, c, 1, 1000, 0, &r);
		ok(rc == 0 && r.id == 0 && r.match_len == 1 &&
		    r.group[1].p == r.match + 1 && r.group[1].len == 2 &&
		    memcmp(r.group[1].p, "rs", 2) == 0,
		    "%s: a group in a lookahead (after the match) is kept",
		    what);
		rc = expect_wait(e, c, 1, 1000, 0, &r);
		ok(rc == 0 && r.outcome == EXPECT_EOF &&
		    r.group[0].p == NULL && r.group[1].p == NULL,
		    "%s: no groups on EOF after a match", what);
		expect_free(e);
		fake_clear(&f);
		buf_reset(&cap);
	}
	buf_clear(&cap);
	rx_free(lb);
	rx_free(kk);
	rx_free(la);
	rx_free(zz);
}

/* ------------------------------------------------------------ the memo */

/*
 * The resume memo against the reference (memo off: every case searched
 * over the whole unmatched text on every scan): random output and random
 * case lists, the same results, the same captures, the same replies.
 */
#define DIFF_NPAT 20
static const char *const diff_pats[DIFF_NPAT] = {
	"^admin:", "a+b", "b$", "\\bab", "(?<=a)b", "(?<=\n)c", "ab|b",
	"x\n^y", "c[^\n]*d", "\\d+", "a(?!b)", "(a|ab)(c|bcd)", "\\Ab",
	"b\\b", "(?<=ab\n)x", "a(*COMMIT)b", "y\\Bx", "^b", "(?-m)^c",
	"(?i)AB\\nC",
};

static uint32_t
diff_rand(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8) & 0xffffff;
}

static void
diff_text(uint32_t seed, struct buf *t)
{
	static const char *const bits[] = {
		"a", "b", "c", "d", "x", "y", "1", "23", " ", "\n", "\n", "ab",
		"\r\n", "\x1b[K", "admin:", "PG", "bcd", "AB", "\r",
	};
	uint32_t s = seed;
	size_t i, n = 200 + diff_rand(&s) % 400;

	buf_reset(t);
	for (i = 0; i < n; i++)
		buf_addstr(t, bits[diff_rand(&s) % (sizeof bits /
		    sizeof bits[0])]);
}

/* One session over text; every result appended to log. */
static void
diff_session(const struct buf *text, long chunk, uint32_t seed,
    size_t window, size_t bufmax, struct rx *const *rx, struct buf *log)
{
	struct fake f;
	struct expect *e;
	struct expect_result r;
	struct expect_case bc, c[4];
	struct buf cap;
	uint32_t s = seed ^ 0x5bd1e995u;
	size_t i, k, n;
	int w, rc;

	fake_init(&f, chunk, seed);
	fake_add_n(&f, text->data, text->len, 0);
	e = fake_expect(&f, bufmax);
	expect_set_memo(e, window);
	bc.rx = rx[DIFF_NPAT];
	bc.id = 99;
	bc.action = EXPECT_ACT_SEND;
	bc.reply = " ";
	expect_before(e, &bc, 1);
	buf_init(&cap, 1 << 20);
	expect_capture(e, &cap);
	for (w = 0; w < 400; w++) {
		n = 1 + diff_rand(&s) % 4;
		for (i = 0; i < n; i++) {
			k = diff_rand(&s) % DIFF_NPAT;
			c[i].rx = rx[k];
			c[i].id = (int)k;
			c[i].action = EXPECT_ACT_RETURN;
			c[i].reply = NULL;
		}
		rc = expect_wait(e, c, n, 1000, 0, &r);
		buf_addf(log, "%d:%d:%d:%d [%.*s]", rc, r.outcome, r.before,
		    r.id, (int)r.match_len, r.match ? r.match : "");
		for (i = 1; i < 3; i++)
			if (r.group[i].p != NULL)
				buf_addf(log, " g%zu=%.*s", i,
				    (int)r.group[i].len, r.group[i].p);
		buf_addf(log, " {%s}\n", buf_str(&cap));
		buf_reset(&cap);
		if (rc != 0 || r.outcome == EXPECT_EOF)
			break;
		if (r.outcome != EXPECT_MATCHED || diff_rand(&s) % 9 == 0) {
			expect_flush(e);
			buf_addf(log, "flush {%s}\n", buf_str(&cap));
			buf_reset(&cap);
		}
	}
	buf_addf(log, "sent {%s}\n", buf_str(&f.sent));
	expect_free(e);
	buf_clear(&cap);
	fake_clear(&f);
}

static void
test_memo_diff(void)
{
	static const long chunks[] = { 0, 1, 3, -9, -40 };
	static const size_t windows[] = { 1, 2, 5, EXPECT_WINDOW };
	struct rx *rx[DIFF_NPAT + 1];
	struct buf text, want, got;
	char why[256];
	size_t i, ci, wi, runs = 0, bad = 0;
	uint32_t seed;

	for (i = 0; i < DIFF_NPAT; i++)
		if (rx_compile(diff_pats[i], i == 17 ? 0 : RX_MULTILINE,
		    &rx[i], why, sizeof why) != 0) {
			printf("Bail out! %s: %s\n", diff_pats[i], why);
			exit(99);
		}
	rx[DIFF_NPAT] = comp("PG");
	ok(!rx_resumable(rx[15]) && rx_resumable(rx[0]) &&
	    rx_context(rx[0]) == 1 && rx_context_bol(rx[0]) &&
	    rx_context(rx[14]) == 3 && !rx_context_bol(rx[18]) &&
	    rx_context(rx[1]) == 0, "what rx tells the memo");
	buf_init(&text, 1 << 16);
	buf_init(&want, 1 << 20);
	buf_init(&got, 1 << 20);
	for (seed = 1; seed <= 60; seed++) {
		diff_text(seed, &text);
		for (ci = 0; ci < sizeof chunks / sizeof chunks[0]; ci++) {
			size_t bufmax = seed % 5 == 0 ? 256 : 0;

			buf_reset(&want);
			diff_session(&text, chunks[ci], seed, 0, bufmax, rx,
			    &want);
			for (wi = 0; wi < sizeof windows / sizeof windows[0];
			    wi++) {
				buf_reset(&got);
				diff_session(&text, chunks[ci], seed,
				    windows[wi], bufmax, rx, &got);
				runs++;
				if (strcmp(buf_str(&got), buf_str(&want)) == 0)
					continue;
				if (bad++ < 3)
					tap_diag("seed %u chunk %ld window %zu:"
					    "\n%s\nwant:\n%s", seed, chunks[ci],
					    windows[wi], buf_str(&got),
					    buf_str(&want));
			}
		}
	}
	ok(bad == 0, "memo on = memo off: %zu sessions of random output and "
	    "cases (%zu differ)", runs, bad);
	buf_clear(&text);
	buf_clear(&want);
	buf_clear(&got);
	for (i = 0; i <= DIFF_NPAT; i++)
		rx_free(rx[i]);
}

/* Waits over a script; "id[match]" per result, to compare. */
struct scripted {
	struct fake f;
	struct expect *e;
	struct buf cap;
	char log[1024];
};

static void
sc_start(struct scripted *sc, const char *text, size_t window)
{
	fake_init(&sc->f, 0, 1);
	fake_add(&sc->f, text, 0, NULL);
	sc->e = fake_expect(&sc->f, 0);
	expect_set_memo(sc->e, window);
	buf_init(&sc->cap, 1 << 16);
	expect_capture(sc->e, &sc->cap);
	sc->log[0] = '\0';
}

static void
sc_wait(struct scripted *sc, struct rx *const *rx, const int *ids, size_t n)
{
	struct expect_case c[8];
	struct expect_result r;
	size_t i, l = strlen(sc->log);

	for (i = 0; i < n; i++) {
		c[i].rx = rx[ids[i]];
		c[i].id = ids[i];
		c[i].action = EXPECT_ACT_RETURN;
		c[i].reply = NULL;
	}
	expect_wait(sc->e, c, n, 1000, 0, &r);
	if (r.outcome == EXPECT_MATCHED && r.group[1].p != NULL)
		snprintf(sc->log + l, sizeof sc->log - l, "%d[%.*s|%.*s]",
		    r.id, (int)r.match_len, r.match, (int)r.group[1].len,
		    r.group[1].p);
	else if (r.outcome == EXPECT_MATCHED)
		snprintf(sc->log + l, sizeof sc->log - l, "%d[%.*s]", r.id,
		    (int)r.match_len, r.match);
	else
		snprintf(sc->log + l, sizeof sc->log - l, "o%d", r.outcome);
}

static void
sc_end(struct scripted *sc)
{
	expect_free(sc->e);
	buf_clear(&sc->cap);
	fake_clear(&sc->f);
}

static void
test_memo_cases(void)
{
	struct rx *rx[8];
	struct scripted sc;
	static const int ab[] = { 0, 1 }, ba[] = { 1, 0 }, b[] = { 1 };
	static const int fx[] = { 2, 3 }, xf[] = { 2, 4 };
	static const int lb[] = { 5, 6 }, wb[] = { 5, 7 };
	size_t w;
	int i;

	rx[0] = comp("A(\\d)");
	rx[1] = comp("B(\\d)");
	rx[2] = comp("X");
	rx[3] = comp("\\bfoo");
	rx[4] = comp("(?<=X)foo");
	rx[5] = comp("Y");
	rx[6] = comp("(?<=Y)(bar)");
	rx[7] = comp("\\bbar");
	for (w = 0; w <= 1; w++) {
		const size_t win = w ? EXPECT_WINDOW : 0;

		/* The winner changes between calls; a later case found
		 * earlier in the output; the list changes, same patterns. */
		sc_start(&sc, "A1 B1 A2 B2 A3 A4 B3 B4", win);
		for (i = 0; i < 3; i++)
			sc_wait(&sc, rx, ab, 2);
		sc_wait(&sc, rx, b, 1);
		sc_wait(&sc, rx, ba, 2);
		sc_wait(&sc, rx, ab, 2);
		sc_wait(&sc, rx, b, 1);
		sc_wait(&sc, rx, ab, 2);
		sc_wait(&sc, rx, ab, 2);
		is_str(sc.log, "0[A1|1]1[B1|1]0[A2|2]1[B2|2]0[A3|3]0[A4|4]"
		    "1[B3|3]1[B4|4]o3", "window %zu: interleaved cases, a "
		    "later case first, a match kept from an earlier scan, "
		    "changing lists", win);
		sc_end(&sc);

		/* \b and lookbehind at the front after a match is taken:
		 * the text before it has left the subject. */
		sc_start(&sc, "Xfoo Xfoo", win);
		sc_wait(&sc, rx, fx, 2);
		sc_wait(&sc, rx, fx, 2);
		sc_wait(&sc, rx, fx, 2);
		is_str(sc.log, "2[X]3[foo]2[X]", "window %zu: \\b matches at "
		    "the new front", win);
		sc_end(&sc);
		sc_start(&sc, "XfooXfoo", win);
		sc_wait(&sc, rx, xf, 2);
		sc_wait(&sc, rx, xf, 2);
		sc_wait(&sc, rx, xf, 2);
		is_str(sc.log, "2[X]2[X]o3", "window %zu: a lookbehind that "
		    "matched before the front moved does not after", win);
		sc_end(&sc);
		sc_start(&sc, "Ybar Ybar", win);
		sc_wait(&sc, rx, lb, 2);
		sc_wait(&sc, rx, wb, 2);
		sc_wait(&sc, rx, lb, 2);
		sc_wait(&sc, rx, lb, 2);
		is_str(sc.log, "5[Y]7[bar]5[Y]o3", "window %zu: cached "
		    "lookbehind match dropped, \\b found", win);
		sc_end(&sc);
	}
	for (i = 0; i < 8; i++)
		rx_free(rx[i]);
}

/*
 * A multiline ^ after the newline that ends a read asks for more (it does
 * not fail), so a match across two reads is found however they split;
 * after the pager's reply, ^ at the front follows bol (the text before the
 * pager), not the pager's last byte, also for a pattern remembered from
 * before the reply.
 */
static void
test_memo_bol(void)
{
	struct rx *xy = comp("x\n^y"), *pg = comp("PG");
	struct expect_case c = { NULL, 1, EXPECT_ACT_RETURN, NULL };
	struct expect_case bc = { NULL, 9, EXPECT_ACT_SEND, " " };
	struct expect_result r;
	struct fake f;
	struct expect *e;
	size_t w;

	for (w = 0; w <= 1; w++) {
		fake_init(&f, 0, 1);
		fake_add(&f, "ax\n", 0, NULL);
		fake_add(&f, "y", 10, NULL);
		e = fake_expect(&f, 0);
		expect_set_memo(e, w ? EXPECT_WINDOW : 0);
		c.rx = xy;
		expect_wait(e, &c, 1, 1000, 0, &r);
		ok(r.outcome == EXPECT_MATCHED && r.match_len == 3,
		    "window %zu: x\\n^y across two reads", w);
		expect_free(e);
		fake_clear(&f);

		fake_init(&f, 0, 1);
		fake_add(&f, "abc\nPGadmin: x", 0, NULL);
		e = fake_expect(&f, 0);
		expect_set_memo(e, w ? EXPECT_WINDOW : 0);
		bc.rx = pg;
		expect_before(e, &bc, 1);
		c.rx = rx_prompt;
		expect_wait(e, &c, 1, 1000, 0, &r);
		ok(r.outcome == EXPECT_MATCHED && !r.before && r.id == 1,
		    "window %zu: ^admin: right after the pager (outcome %d)",
		    w, r.outcome);
		is_str(buf_str(&f.sent), " ", "window %zu: the pager answered",
		    w);
		expect_free(e);
		fake_clear(&f);
	}
	rx_free(xy);
	rx_free(pg);
}

/*
 * A pattern freed and another compiled (often at the same address): the
 * memo of the first must not answer for the second.  "START" holds the
 * buffer (a partial) while "nothing" found no match in it; "bar", in the
 * place of "nothing", must find its match there at EOF.
 */
static void
test_memo_reuse(void)
{
	struct fake f;
	struct expect *e;
	struct expect_case c[2];
	struct expect_result r;
	struct rx *hold = comp("START[^!]*!"), *a = comp("nothing"), *b;
	const void *was = a;

	fake_init(&f, 0, 1);
	fake_add(&f, "START bar ", 0, NULL);
	fake_add(&f, "end", 500, NULL);
	e = fake_expect(&f, 0);
	c[0] = (struct expect_case){ hold, 0, EXPECT_ACT_RETURN, NULL };
	c[1] = (struct expect_case){ a, 1, EXPECT_ACT_RETURN, NULL };
	expect_wait(e, c, 2, 100, 0, &r);
	is_int(r.outcome, EXPECT_TIMEOUT, "reuse: the partial holds the text");
	rx_free(a);
	b = comp("bar");
	tap_diag("reuse: the new pattern is %sat the old one's address",
	    (const void *)b == was ? "" : "not ");
	ok(rx_id(b) != 0 && rx_id(b) != rx_id(hold), "reuse: ids differ");
	c[1].rx = b;
	expect_wait(e, c, 2, 1000, 0, &r);
	ok(r.outcome == EXPECT_MATCHED && r.id == 1 && r.match_len == 3 &&
	    memcmp(r.match, "bar", 3) == 0, "reuse: the new pattern's match "
	    "in the text the old one had searched");
	expect_free(e);
	fake_clear(&f);
	rx_free(hold);
	rx_free(b);
}

/*
 * The work bound: service-list output as the CLI sends it (a pager every
 * 40 lines), read through the dialogs' cases, one wait per line.  The
 * bytes handed to PCRE2 stay within a small constant of the input (each
 * case looks at each byte about once); without the memo they do not.
 */
struct svcgen {
	uint64_t total, sent;
	size_t line, pos, nlines;
	int pager_due, waiting, done;
	const char *cur;
};

static const char *const svc_lines[] = {
	"Cisco Certificate Expiry Monitor[STARTED]\r\n",
	"Cisco DRF Local[STARTED]\r\n",
	"Cisco DRF Master[STOPPED]  Commanded Out of Service\r\n",
	"System SSH [STARTED]\r\n",
	"Cisco XCP Router[ STARTED ]\r\n",
	"\x1b[KCisco Tomcat[STARTED]\r\n",
	"Cisco AXL Web Service[STOPPED]  Service Not Activated\r\n",
	("Cisco XCP XMPP Federation Connection Manager[STOPPED]  Service Not "
	    "Activated\r\n"),
};
static const char svc_pager[] = "\x1b[1mPress <enter> for 1 line, <space> "
    "for one page, or <q> to quit\x1b[0m";

static int
svc_read(void *arg, char *p, size_t n, int timeout_ms)
{
	struct svcgen *g = arg;
	size_t k = 0, len;

	(void)timeout_ms;
	if (g->done)
		return ERR_EOF;
	while (k < n && !g->waiting && !g->done) {
		if (g->cur == NULL) {
			if (g->sent >= g->total)
				g->cur = "\r\nadmin:";
			else if (g->pager_due)
				g->cur = svc_pager;
			else
				g->cur = svc_lines[g->line++ % 8];
			g->pos = 0;
		}
		len = strlen(g->cur);
		while (k < n && g->pos < len)
			p[k++] = g->cur[g->pos++];
		if (g->pos < len)
			break;
		if (g->cur == svc_pager) {
			g->waiting = 1;
			g->pager_due = 0;
		} else if (g->cur[2] == 'a' && g->sent >= g->total) {
			g->done = 1;
		} else if (++g->nlines % 40 == 0) {
			g->pager_due = 1;
		}
		g->cur = NULL;
	}
	g->sent += k;
	return (int)k;
}

static int
svc_write(void *arg, const char *p, size_t n)
{
	struct svcgen *g = arg;

	if (n == 1 && p[0] == ' ' && g->waiting) {
		g->waiting = 0;
		g->cur = "\r\x1b[K";
		g->pos = 0;
	}
	return 0;
}

static void
svc_run(uint64_t total, size_t window, uint64_t *read, uint64_t *scanned,
    uint64_t *lines)
{
	struct svcgen g;
	struct expect_io io = { svc_read, svc_write, NULL };
	struct expect_case c[2];
	struct expect_result r;
	struct expect *e;
	struct rx *sv = comp("[A-Za-z][A-Za-z ]*\\[ ?(STARTED|STOPPED|"
	    "STARTING|STOPPING)");

	memset(&g, 0, sizeof g);
	g.total = total;
	io.arg = &g;
	e = expect_new(&io, 0);
	expect_set_memo(e, window);
	expect_before(e, before, 2);
	c[0] = (struct expect_case){ rx_prompt, 3, EXPECT_ACT_RETURN, NULL };
	c[1] = (struct expect_case){ sv, 4, EXPECT_ACT_RETURN, NULL };
	*lines = 0;
	while (expect_wait(e, c, 2, 1000, 0, &r) == 0 &&
	    r.outcome == EXPECT_MATCHED && r.id == 4)
		(*lines)++;
	if (r.outcome != EXPECT_MATCHED || r.id != 3)
		tap_diag("svc: ended with outcome %d id %d", r.outcome, r.id);
	*read = expect_bytes_read(e);
	*scanned = expect_bytes_scanned(e);
	expect_free(e);
	rx_free(sv);
}

static void
test_memo_work(void)
{
	uint64_t rd, sc, lines, rd0, sc0, lines0;

	svc_run(8u << 20, EXPECT_WINDOW, &rd, &sc, &lines);
	ok(rd >= 8u << 20 && lines > 190000, "work: %llu bytes, %llu service "
	    "lines", (unsigned long long)rd, (unsigned long long)lines);
	ok(sc <= 8 * rd, "work: %llu bytes handed to PCRE2 for %llu read "
	    "(%.1fx, at most 8x: 4 cases, each byte about once)",
	    (unsigned long long)sc, (unsigned long long)rd,
	    (double)sc / (double)rd);
	svc_run(256u << 10, 0, &rd0, &sc0, &lines0);
	ok(sc0 > 8 * rd0, "work: without the memo %.1fx (the bound above "
	    "catches rescanning)", (double)sc0 / (double)rd0);
	svc_run(256u << 10, EXPECT_WINDOW, &rd, &sc, &lines);
	ok(lines == lines0 && rd == rd0, "work: the same %llu lines with and "
	    "without", (unsigned long long)lines);
}

int
main(void)
{
	setup();
	test_order();
	test_chunking();
	test_normalise();
	test_bol();
	test_pager_trailer();
	test_timers();
	test_full();
	test_eof();
	test_redact();
	test_hostile();
	test_misc();
	test_groups_outside();
	test_stream();
	test_memo_cases();
	test_memo_bol();
	test_memo_reuse();
	test_memo_diff();
	test_memo_work();
	rx_free(rx_pager);
	rx_free(rx_fail);
	rx_free(rx_prompt);
	return tap_done();
}

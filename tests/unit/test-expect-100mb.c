/*
 * Bounded memory: 100 MB of realistic CLI output (service lines with CRLF
 * and escapes, a pager prompt every 40 lines, the prompt at the end) goes
 * through the engine with capture off.  The match buffer's peak and the
 * process's peak RSS must stay under fixed bounds.  Twice: once waiting
 * for the prompt alone, once matching every service line as the dialogs
 * do (one wait per line), where the bytes handed to PCRE2 must stay
 * within a small constant of the input (the memo: no rescanning).  No
 * timing is asserted (benchmarks live in bench/).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "err.h"
#include "expect.h"
#include "rx.h"
#include "tap.h"

#define TOTAL (100ull * 1024 * 1024)

static const char *const lines[] = {
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
static const char pager[] =
    "\x1b[1mPress <enter> for 1 line, <space> for one page, or <q> to "
    "quit\x1b[0m";

struct gen {
	uint64_t sent;    /* bytes handed out */
	size_t line, pos, nlines;
	int in_pager, waiting, done;
	size_t replies;
	const char *cur;
};

static int
gen_read(void *arg, char *p, size_t n, int timeout_ms)
{
	struct gen *g = arg;
	size_t k, len;

	(void)timeout_ms;
	if (g->done)
		return ERR_EOF;
	if (g->waiting)
		return 0; /* the pager waits for its reply */
	if (g->cur == NULL) {
		if (g->sent >= TOTAL) {
			g->cur = "\r\nadmin:";
		} else if (g->nlines > 0 && g->nlines % 40 == 0 &&
		    !g->in_pager) {
			g->cur = pager;
			g->in_pager = 1;
		} else {
			g->cur = lines[g->line++ % 8];
			g->in_pager = 0;
			g->nlines++;
		}
		g->pos = 0;
	}
	len = strlen(g->cur);
	k = len - g->pos;
	if (k > n)
		k = n;
	memcpy(p, g->cur + g->pos, k);
	g->pos += k;
	g->sent += k;
	if (g->pos == len) {
		if (g->cur == pager)
			g->waiting = 1;
		else if (g->sent >= TOTAL && strcmp(g->cur, "\r\nadmin:") == 0)
			g->done = 1;
		g->cur = NULL;
	}
	return (int)k;
}

static int
gen_write(void *arg, const char *p, size_t n)
{
	struct gen *g = arg;

	if (n == 1 && p[0] == ' ' && g->waiting) {
		g->waiting = 0;
		g->replies++;
		g->cur = "\r\x1b[K";
		g->pos = 0;
	}
	return 0;
}

int
main(void)
{
	struct gen g;
	struct expect_io io = { gen_read, gen_write, NULL };
	struct expect *e;
	struct expect_case before[2], c[2];
	struct expect_result r;
	struct rx *pg, *fl, *pr, *sv, *line;
	struct rusage ru;
	char why[256];
	uint64_t nlines = 0;
	int rc;

	memset(&g, 0, sizeof g);
	io.arg = &g;
	if (rx_compile("Press <enter> for 1 line, <space> for one page, or "
	    "<q> to quit", RX_MULTILINE, &pg, why, sizeof why) != 0 ||
	    rx_compile("(?i)executed command unsuccessfully", RX_MULTILINE,
	    &fl, why, sizeof why) != 0 ||
	    rx_compile("^admin:", RX_MULTILINE, &pr, why, sizeof why) != 0 ||
	    rx_compile("Cisco Bogus Service\\[", RX_MULTILINE, &sv, why,
	    sizeof why) != 0 ||
	    rx_compile("[A-Za-z][A-Za-z ]*\\[ ?(STARTED|STOPPED|STARTING|"
	    "STOPPING)", RX_MULTILINE, &line, why, sizeof why) != 0) {
		printf("Bail out! %s\n", why);
		return 99;
	}
	before[0].rx = pg;
	before[0].id = 1;
	before[0].action = EXPECT_ACT_SEND;
	before[0].reply = " ";
	before[1].rx = fl;
	before[1].id = 2;
	before[1].action = EXPECT_ACT_RETURN;
	before[1].reply = NULL;
	c[0].rx = pr;
	c[0].id = 3;
	c[1].rx = sv;
	c[1].id = 4;
	e = expect_new(&io, 0);
	expect_before(e, before, 2);
	expect_capture(e, NULL);
	rc = expect_wait(e, c, 2, 10000, 0, &r);
	is_int(rc, 0, "wait returned");
	is_int(r.outcome, EXPECT_MATCHED, "the prompt after 100 MB");
	is_int(r.id, 3, "it was the prompt");
	ok(expect_bytes_read(e) >= TOTAL, "read %llu bytes",
	    (unsigned long long)expect_bytes_read(e));
	ok(g.replies > 1000, "answered %zu pager prompts", g.replies);
	ok(expect_peak_buffer(e) <= 64 * 1024, "match buffer peak %zu <= 64 KiB",
	    expect_peak_buffer(e));
	expect_free(e);

	/* Every service line, one wait each. */
	memset(&g, 0, sizeof g);
	c[1].rx = line;
	e = expect_new(&io, 0);
	expect_before(e, before, 2);
	expect_capture(e, NULL);
	while ((rc = expect_wait(e, c, 2, 10000, 0, &r)) == 0 &&
	    r.outcome == EXPECT_MATCHED && r.id == 4)
		nlines++;
	ok(rc == 0 && r.outcome == EXPECT_MATCHED && r.id == 3, "lines: the "
	    "prompt after %llu service lines", (unsigned long long)nlines);
	ok(nlines > 2000000, "lines: every one matched");
	ok(expect_bytes_scanned(e) <= 8 * expect_bytes_read(e), "lines: %llu "
	    "bytes handed to PCRE2 for %llu read (%.1fx, at most 8x)",
	    (unsigned long long)expect_bytes_scanned(e),
	    (unsigned long long)expect_bytes_read(e),
	    (double)expect_bytes_scanned(e) / (double)expect_bytes_read(e));
	ok(expect_peak_buffer(e) <= 64 * 1024, "lines: match buffer peak %zu",
	    expect_peak_buffer(e));
	getrusage(RUSAGE_SELF, &ru);
#if defined(__SANITIZE_ADDRESS__)
	ok(1, "max RSS %ld KiB (not checked under ASan)", ru.ru_maxrss);
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	ok(1, "max RSS %ld KiB (not checked under ASan)", ru.ru_maxrss);
#else
	ok(ru.ru_maxrss < 16 * 1024, "max RSS %ld KiB < 16 MiB", ru.ru_maxrss);
#endif
#else
	ok(ru.ru_maxrss < 16 * 1024, "max RSS %ld KiB < 16 MiB", ru.ru_maxrss);
#endif
	expect_free(e);
	rx_free(line);
	rx_free(pg);
	rx_free(fl);
	rx_free(pr);
	rx_free(sv);
	return tap_done();
}

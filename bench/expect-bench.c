/*
 * expect-bench: the expect engine (src/expect.c, linked from
 * libcertregen.a) consuming CLI output from a pipe, as bench/run compares
 * it with pcre2grep, Tcl Expect and pexpect on the same bytes.
 *
 *     expect-bench --gen MB        write MB MiB of CLI output to stdout
 *     expect-bench [--bufmax N]    read it from stdin through the engine
 *
 * The output is `utils service list` text as the CLI sends it: CRLF line
 * ends, ESC[K before some names, a pager prompt (bold) every 40 lines
 * erased with CR ESC[K, and `admin:` at the end.  The reader has the
 * dialogs' always-on cases (the pager, answered and dropped; the failure
 * trailer) and, as its own, the prompt and a service line; it loops over
 * service lines until the prompt, capture off.  It prints
 *     bytes B lines L pager P peak_buffer K ms T scanned S
 * (S: the bytes handed to PCRE2, expect_bytes_scanned()).  --no-memo turns
 * the engine's resume memo off (every case searched over the whole
 * unmatched text on every scan, as before issue 8), for comparison.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "expect.h"
#include "rx.h"

/* The patterns; bench/run gives the peers the same ones. */
#define PAT_PAGER "Press <enter> for 1 line, <space> for one page, or <q> to quit"
#define PAT_FAIL "[Ee]xecuted command unsuccessfully"
#define PAT_PROMPT "^admin:"
#define PAT_SVC "[A-Za-z][A-Za-z ]*\\[ ?(STARTED|STOPPED|STARTING|STOPPING)"

static const char *const bench_lines[] = {
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
static const char bench_pager[] =
    "\x1b[1m" PAT_PAGER "\x1b[0m" "\r\x1b[K";

static int
bench_write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(1, p, n);

		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Write mb MiB (at least) of output, then the prompt. */
static int
bench_gen(long mb)
{
	unsigned long long total = (unsigned long long)mb << 20, sent = 0;
	char chunk[65536];
	size_t len = 0, k, i = 0;

	while (sent < total) {
		const char *s = bench_lines[i % 8];

		if (i > 0 && i % 40 == 0 && len + sizeof bench_pager < sizeof chunk) {
			memcpy(chunk + len, bench_pager, sizeof bench_pager - 1);
			len += sizeof bench_pager - 1;
		}
		k = strlen(s);
		if (len + k > sizeof chunk) {
			if (bench_write_all(chunk, len) != 0)
				return 1;
			sent += len;
			len = 0;
		}
		memcpy(chunk + len, s, k);
		len += k;
		i++;
	}
	memcpy(chunk + len, "\r\nadmin:", 8);
	len += 8;
	return bench_write_all(chunk, len) == 0 ? 0 : 1;
}

static int
bench_read(void *arg, char *p, size_t n, int timeout_ms)
{
	struct pollfd pfd = { 0, POLLIN, 0 };
	ssize_t r;

	(void)arg;
	for (;;) {
		int k = poll(&pfd, 1, timeout_ms);

		if (k == -1 && errno == EINTR)
			continue;
		if (k == -1)
			return ERR_IO;
		if (k == 0)
			return 0;
		r = read(0, p, n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return ERR_IO;
		return r == 0 ? ERR_EOF : (int)r;
	}
}

/* The pager's reply goes nowhere (the stream was recorded): counted. */
static int
bench_write(void *arg, const char *p, size_t n)
{
	unsigned long long *replies = arg;

	if (n == 1 && p[0] == ' ')
		(*replies)++;
	return 0;
}

static double
bench_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

int
main(int argc, char **argv)
{
	struct expect_io io = { bench_read, bench_write, NULL };
	struct expect_case before[2], c[2];
	struct expect_result r;
	struct expect *e;
	struct rx *pg, *fl, *pr, *sv;
	unsigned long long lines = 0, pagers = 0;
	size_t bufmax = 0;
	char why[256], *end;
	double t0;
	int rc, memo = 1;

	if (argc == 3 && strcmp(argv[1], "--gen") == 0) {
		long mb = strtol(argv[2], &end, 10);

		if (*end != '\0' || mb < 1 || mb > 100000) {
			fprintf(stderr, "expect-bench: --gen MB: 1..100000\n");
			return 2;
		}
		return bench_gen(mb);
	}
	if (argc >= 2 && strcmp(argv[argc - 1], "--no-memo") == 0) {
		memo = 0;
		argc--;
	}
	if (argc == 3 && strcmp(argv[1], "--bufmax") == 0) {
		long v = strtol(argv[2], &end, 10);

		if (*end != '\0' || v < EXPECT_BUF_MIN || v > (1L << 30)) {
			fprintf(stderr, "expect-bench: --bufmax: %d..2^30\n",
			    EXPECT_BUF_MIN);
			return 2;
		}
		bufmax = (size_t)v;
	} else if (argc != 1) {
		fprintf(stderr, "usage: expect-bench [--bufmax N] [--no-memo] "
		    "< OUTPUT\n"
		    "       expect-bench --gen MB > OUTPUT\n");
		return 2;
	}
	io.arg = &pagers;
	if (rx_compile(PAT_PAGER, RX_MULTILINE, &pg, why, sizeof why) != 0 ||
	    rx_compile(PAT_FAIL, RX_MULTILINE, &fl, why, sizeof why) != 0 ||
	    rx_compile(PAT_PROMPT, RX_MULTILINE, &pr, why, sizeof why) != 0 ||
	    rx_compile(PAT_SVC, RX_MULTILINE, &sv, why, sizeof why) != 0) {
		fprintf(stderr, "expect-bench: %s\n", why);
		return 1;
	}
	before[0] = (struct expect_case){ pg, 1, EXPECT_ACT_SEND, " " };
	before[1] = (struct expect_case){ fl, 2, EXPECT_ACT_RETURN, NULL };
	c[0] = (struct expect_case){ pr, 3, EXPECT_ACT_RETURN, NULL };
	c[1] = (struct expect_case){ sv, 4, EXPECT_ACT_RETURN, NULL };
	if ((e = expect_new(&io, bufmax)) == NULL ||
	    expect_before(e, before, 2) != 0) {
		fprintf(stderr, "expect-bench: out of memory\n");
		return 1;
	}
	expect_capture(e, NULL);
	if (!memo)
		expect_set_memo(e, 0);
	t0 = bench_now_ms();
	for (;;) {
		if ((rc = expect_wait(e, c, 2, 30000, 0, &r)) != 0) {
			fprintf(stderr, "expect-bench: %s\n", err_str(rc));
			break;
		}
		if (r.outcome != EXPECT_MATCHED) {
			fprintf(stderr, "expect-bench: outcome %d before the "
			    "prompt\n", (int)r.outcome);
			rc = 1;
			break;
		}
		if (r.id == 4) {
			lines++;
			continue;
		}
		if (r.id == 3)
			break;
		fprintf(stderr, "expect-bench: the failure trailer\n");
		rc = 1;
		break;
	}
	printf("bytes %llu lines %llu pager %llu peak_buffer %zu ms %.1f "
	    "scanned %llu\n", (unsigned long long)expect_bytes_read(e), lines,
	    pagers, expect_peak_buffer(e), bench_now_ms() - t0,
	    (unsigned long long)expect_bytes_scanned(e));
	expect_free(e);
	rx_free(pg);
	rx_free(fl);
	rx_free(pr);
	rx_free(sv);
	return rc == 0 ? 0 : 1;
}

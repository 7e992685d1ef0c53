/*
 * test-sim-cli: the simulated CLI's input side (sim-cli.c line editing and
 * command dispatch) fed hostile bytes over a fake transport: control
 * bytes, NUL, escape sequences split across reads, 8-bit bytes, lines
 * longer than the buffer, too many words, random noise.  The CLI must
 * keep its line discipline, never echo control bytes, and end cleanly.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "sim-cli.h"
#include "sim-cluster.h"
#include "tap.h"

static char dir[] = "/tmp/test-sim-cli-XXXXXX";

struct fake {
	const char *in;
	size_t len, pos, chunk;
	struct buf out;
};

static int
fake_write(void *ctx, const char *p, size_t n)
{
	struct fake *f = ctx;

	return buf_add(&f->out, p, n) == 0 ? 0 : -1;
}

static int
fake_read(void *ctx, char *p, size_t n, int timeout_ms)
{
	struct fake *f = ctx;
	size_t k = f->len - f->pos;

	if (k == 0)
		return -1;
	if (k > f->chunk)
		k = f->chunk;
	if (k > n)
		k = n;
	memcpy(p, f->in + f->pos, k);
	f->pos += k;
	return (int)k;
}

static struct sim_cluster cl;

/* Run a session over bytes in, cut into reads of chunk bytes. */
static int
session(struct fake *f, const char *in, size_t len, size_t chunk, int rows)
{
	struct sim_io io;

	memset(f, 0, sizeof *f);
	f->in = in;
	f->len = len;
	f->chunk = chunk;
	buf_init(&f->out, (size_t)16 << 20);
	memset(&io, 0, sizeof io);
	io.ctx = f;
	io.write = fake_write;
	io.read = fake_read;
	io.rows = rows;
	io.cols = 200;
	io.pty = 1;
	return cli_run(&cl, &cl.nodes[1], &io);
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* No byte below 0x20 other than CR, LF, TAB, BS in the output. */
static int
clean(const struct buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++) {
		unsigned char ch = (unsigned char)b->data[i];

		if (ch < 0x20 && ch != '\r' && ch != '\n' && ch != '\t' &&
		    ch != '\b')
			return 0;
	}
	return 1;
}

#define RUN(f, s, chunk) session(f, s, sizeof s - 1, chunk, 50)

static void
t_editing(void)
{
	static const char ctl[] = "show ver\x01\x02\x04sion active\r";
	static const char bs[] = "show versionXY\x7f\x08 active\r";
	static const char ku[] = "garbage garbage\x15utils sso status\r";
	static const char cc[] = "utils sso status\x03utils sso status\r";
	static const char esc[] = "\x1b[Autils\x1b[1;5D sso\x1bOA status\r";
	static const char nul[] = "utils\0 sso\0 status\r";
	static const char crlf[] = "utils sso status\r\nutils sso status\n"
	    "utils sso status\r\r";
	static const char ws[] = "   \t \r\t\r";
	static const char hi[] = "\xff\xfe\xc3\x28 \xe2\x82\r";
	struct fake f;
	size_t chunk;
	int end;

	for (chunk = 1; chunk <= 7; chunk += 6) {
		end = RUN(&f, ctl, chunk);
		is_int(end, CLI_END_EOF, "control bytes (reads of %zu): ends "
		    "at EOF", chunk);
		has_str(buf_str(&f.out), "Active Master Version", "control "
		    "bytes are dropped from the line (reads of %zu)", chunk);
		ok(clean(&f.out), "control bytes are not echoed");
		buf_clear(&f.out);

		RUN(&f, bs, chunk);
		has_str(buf_str(&f.out), "Active Master Version", "DEL and BS "
		    "erase (reads of %zu)", chunk);
		has_str(buf_str(&f.out), "\b \b", "the erase is echoed");
		buf_clear(&f.out);

		RUN(&f, esc, chunk);
		has_str(buf_str(&f.out), "SSO Status: SAML SSO Disabled",
		    "escape sequences are skipped, also split across reads "
		    "(%zu)", chunk);
		ok(clean(&f.out), "escape sequences are not echoed");
		buf_clear(&f.out);

		RUN(&f, crlf, chunk);
		is_int(count(buf_str(&f.out), "SSO Status"), 3, "CR, LF and "
		    "CRLF each end one line (reads of %zu)", chunk);
		/* banner prompt + 3 commands + the empty line after CR CR */
		is_int(count(buf_str(&f.out), "admin:"), 5, "CRLF is one "
		    "Enter, CR CR two (reads of %zu)", chunk);
		buf_clear(&f.out);
	}
	RUN(&f, ku, 3);
	has_str(buf_str(&f.out), "SSO Status", "^U kills the line");
	ok(strstr(buf_str(&f.out), "Executed command unsuccessfully") ==
	    NULL, "nothing of the killed line runs");
	buf_clear(&f.out);

	RUN(&f, cc, 3);
	is_int(count(buf_str(&f.out), "SSO Status"), 1, "^C drops the line");
	has_str(buf_str(&f.out), "^C\r\n", "^C is echoed as ^C");
	buf_clear(&f.out);

	RUN(&f, nul, 2);
	has_str(buf_str(&f.out), "SSO Status", "NUL bytes are dropped");
	ok(clean(&f.out), "NUL is not echoed");
	buf_clear(&f.out);

	RUN(&f, ws, 1);
	is_int(count(buf_str(&f.out), "admin:"), 3, "blank lines only give "
	    "a new prompt");
	ok(strstr(buf_str(&f.out), "Executed") == NULL, "blank lines are no "
	    "command");
	buf_clear(&f.out);

	RUN(&f, hi, 4);
	has_str(buf_str(&f.out), "Executed command unsuccessfully", "8-bit "
	    "and broken UTF-8 bytes are an unknown command");
	buf_clear(&f.out);
}

static void
t_long(void)
{
	struct buf in;
	struct fake f;
	size_t i;
	int end;

	/* 100 kB on one line: kept to the line buffer, then refused. */
	buf_init(&in, (size_t)1 << 20);
	for (i = 0; i < 100000; i++)
		buf_add(&in, "a", 1);
	buf_addstr(&in, "\rutils sso status\rexit\r");
	end = session(&f, buf_str(&in), in.len, 509, 50);
	is_int(end, CLI_END_EXIT, "a 100 kB line, then exit: exit");
	has_str(buf_str(&f.out), "Executed command unsuccessfully", "the "
	    "long line is an unknown command");
	has_str(buf_str(&f.out), "SSO Status", "the next line works");
	ok(f.out.len < 4000, "the echo stops at the line buffer (%zu bytes "
	    "out)", f.out.len);
	buf_clear(&f.out);
	buf_clear(&in);

	/* 300 words: more than the argument vector. */
	buf_init(&in, (size_t)1 << 20);
	buf_addstr(&in, "utils service restart");
	for (i = 0; i < 300; i++)
		buf_addstr(&in, " x");
	buf_addstr(&in, "\r");
	session(&f, buf_str(&in), in.len, 64, 50);
	has_str(buf_str(&f.out), "Invalid service name: x x x", "300 words: "
	    "an invalid service name, no overflow");
	buf_clear(&f.out);
	buf_clear(&in);

	/* A 60-byte word where the command table has 64-byte words. */
	buf_init(&in, 1 << 16);
	buf_addstr(&in, "set cert regen ");
	for (i = 0; i < 900; i++)
		buf_add(&in, "%", 1);
	buf_addstr(&in, "%n%s\r");
	session(&f, buf_str(&in), in.len, 100, 50);
	has_str(buf_str(&f.out), "Invalid unit name: %%%%", "format "
	    "characters are printed as text");
	buf_clear(&f.out);
	buf_clear(&in);
}

static void
t_noise(void)
{
	char noise[65536];
	struct fake f;
	unsigned v = 777;
	size_t i;
	int end, seed;

	for (seed = 0; seed < 4; seed++) {
		for (i = 0; i < sizeof noise; i++) {
			v = v * 1103515245u + 12345u + (unsigned)seed;
			noise[i] = (char)(v >> 16);
			/* no q/exit: let it run to EOF; few Enters */
			if (noise[i] == 'q' || noise[i] == 'Q')
				noise[i] = 'z';
		}
		end = session(&f, noise, sizeof noise, 97 + (size_t)seed * 13,
		    6);
		ok(end == CLI_END_EOF || end == CLI_END_EXIT, "64 kB of noise "
		    "(seed %d): the session ends cleanly", seed);
		buf_clear(&f.out);
	}
}

static void
t_pager(void)
{
	static const char q[] = "utils service list\rq";
	static const char sp[] = "utils service list\r       ";
	struct fake f;

	session(&f, q, sizeof q - 1, 5, 6);
	has_str(buf_str(&f.out), "Press <enter> for 1 line", "the pager "
	    "stops a long list");
	ok(strstr(buf_str(&f.out), "System NTP") == NULL, "q discards the "
	    "rest");
	buf_clear(&f.out);
	session(&f, sp, sizeof sp - 1, 5, 6);
	has_str(buf_str(&f.out), "System NTP", "space pages to the end");
	buf_clear(&f.out);
}

int
main(void)
{
	char p[512];
	FILE *fp;

	if (mkdtemp(dir) == NULL)
		return 99;
	snprintf(p, sizeof p, "%s/c.conf", dir);
	if ((fp = fopen(p, "w")) == NULL)
		return 99;
	fputs("time_factor = 0.0;\ncredentials = { password = \"pw\"; };\n"
	    "nodes = ( { name = \"CUCMPUB\"; ip = \"127.0.30.11\"; product = "
	    "\"cucm\"; },\n { name = \"IMPPUB\"; ip = \"127.0.30.13\"; "
	    "product = \"imp\"; } );\n", fp);
	fclose(fp);
	if (sim_cluster_load(&cl, p) != 0)
		return 99;
	unlink(p);
	/* Commands that save state write here. */
	snprintf(cl.statedir, sizeof cl.statedir, "%s", dir);
	snprintf(cl.nodes[1].dir, sizeof cl.nodes[1].dir, "%s", dir);
	t_editing();
	t_long();
	t_noise();
	t_pager();
	sim_cluster_free(&cl);
	snprintf(p, sizeof p, "%s/state.json", dir);
	unlink(p);
	rmdir(dir);
	return tap_done();
}

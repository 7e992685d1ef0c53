/*
 * Unit tests for the dialog loader and runner: the shipped expect/
 * directory loads clean; an override directory replaces one file; every
 * kind of broken file is reported with file:line (all errors at once);
 * hostile files; every shipped dialog runs against canned transcripts of
 * the variants in vos-cli.md and cli-canonical.md (what was sent, what was
 * captured, the marks), chunked in several ways; parameter injection is
 * refused before anything is sent.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "conf.h"
#include "dialog.h"
#include "err.h"
#include "expect.h"
#include "expect-fake.h"
#include "tap.h"

static char tmpdir[] = "/tmp/certregen-dialog-XXXXXX";
static char shipped[1024];
static struct dialog_set *ds;
static struct buf msgs;

/* ------------------------------------------------------------ files */

static void
writefile(const char *dir, const char *name, const char *text, size_t n)
{
	char p[2048];
	int fd;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd == -1 || write(fd, text, n) != (ssize_t)n)
		abort();
	close(fd);
}

static void
rmfiles(const char *dir)
{
	char cmd[64];
	char p[2048];
	const char *names[] = { "a.dialog", "b.dialog", "common.dialog",
	    "cert-regen.dialog", "x.dialog", "huge.dialog", "notes.txt",
	    NULL };
	size_t i;

	(void)cmd;
	for (i = 0; names[i] != NULL; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, names[i]);
		unlink(p);
	}
}

/* Load builtin (+ override); the messages go to msgs. */
static int
load(const char *builtin, const char *override, struct dialog_set **out)
{
	struct conf_errors errs;
	FILE *fp;
	char *mem = NULL;
	size_t memlen = 0;
	int r;

	r = dialog_set_load(builtin, override, out, &errs);
	fp = open_memstream(&mem, &memlen);
	conf_errors_print(&errs, fp);
	fclose(fp);
	buf_reset(&msgs);
	buf_add(&msgs, mem, memlen);
	free(mem);
	conf_errors_clear(&errs);
	return r;
}

static size_t
count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (*s == '\n')
			n++;
	return n;
}

#define COMMON_OK                                                            \
	"name = \"common\";\nprompt = \"^admin:\";\n"                        \
	"before = ( { match = \"Executed command unsuccessfully\"; "         \
	"fail = \"failed\"; } );\n"

/* A dialog file text with a common beside it must be refused, with each
 * of want (NULL-ended) in the messages. */
static void
refused(const char *text, size_t n, const char *const *want,
    const char *what)
{
	struct dialog_set *s = NULL;
	size_t i;
	int r;

	rmfiles(tmpdir);
	writefile(tmpdir, "common.dialog", COMMON_OK, strlen(COMMON_OK));
	writefile(tmpdir, "x.dialog", text, n);
	r = load(tmpdir, NULL, &s);
	is_int(r, ERR_CONFIG, "%s: refused", what);
	ok(s == NULL, "%s: no set", what);
	for (i = 0; want[i] != NULL; i++)
		has_str(buf_str(&msgs), want[i], "%s: says %s", what, want[i]);
	dialog_set_free(s);
}

#define GOOD_HEAD                                                            \
	"name = \"x\";\ncommand = \"show ${a}\";\n"                          \
	"params = ( { name = \"a\"; type = \"unit\"; } );\n"
#define GOOD_STEPS                                                           \
	"steps = ( { name = \"main\"; cases = ( { prompt = true; "           \
	"next = \"done\"; } ); } );\n"

static void
test_load(void)
{
	static const char *const dialogs[] = { "login", "pagination",
	    "cluster-show", "cert-list", "cert-show", "cert-regen",
	    "cert-delete", "service-list", "service-restart", "service-stop",
	    "service-start", "ha-status", "sso-status", "version", NULL };
	struct dialog_set *s = NULL;
	size_t i;
	int r;

	r = load(shipped, NULL, &ds);
	is_int(r, 0, "the shipped expect/ directory loads");
	if (r != 0)
		tap_diag("%s", buf_str(&msgs));
	is_str(buf_str(&msgs), "", "without a message");
	if (ds == NULL) {
		printf("Bail out! no dialogs\n");
		exit(99);
	}
	is_int(dialog_count(ds), 15, "15 dialogs");
	for (i = 0; dialogs[i] != NULL; i++)
		ok(dialog_get(ds, dialogs[i]) != NULL, "dialog %s", dialogs[i]);
	ok(dialog_get(ds, "nope") == NULL, "no such dialog");
	ok(dialog_get(ds, "common") == NULL, "common is not a dialog");
	has_str(dialog_file(dialog_get(ds, "version")), "version.dialog",
	    "dialog_file");
	is_str(dialog_name(dialog_at(ds, 0)), "cert-delete", "sorted by name");
	ok(dialog_at(ds, 99) == NULL, "dialog_at past the end");
	ok(dialog_mark(dialog_get(ds, "cert-regen"), "regenerated") != 0,
	    "mark regenerated");
	ok(dialog_mark(dialog_get(ds, "cert-regen"), "nope") == 0,
	    "unknown mark is 0");

	/* The environment names the built-in directory. */
	setenv("CERTREGEN_DIALOG_DIR", "/some/where", 1);
	is_str(dialog_builtin_dir(), "/some/where", "$CERTREGEN_DIALOG_DIR");
	setenv("CERTREGEN_DIALOG_DIR", "", 1);
	ok(strcmp(dialog_builtin_dir(), "") != 0, "empty: the compiled-in one");
	unsetenv("CERTREGEN_DIALOG_DIR");
	has_str(dialog_builtin_dir(), "expect", "compiled-in directory");

	/* An override directory replacing one file, adding another. */
	rmfiles(tmpdir);
	writefile(tmpdir, "cert-regen.dialog",
	    "name = \"cert-regen\";\ncommand = \"set cert regen ${unit}\";\n"
	    "params = ( { name = \"unit\"; type = \"unit\"; } );\n"
	    "steps = ( { name = \"main\"; cases = (\n"
	    "  { match = \"(?i)regenerate now\\\\?\"; send = \"sure\"; },\n"
	    "  { prompt = true; next = \"done\"; } ); } );\n",
	    strlen("name = \"cert-regen\";\ncommand = \"set cert regen "
	    "${unit}\";\nparams = ( { name = \"unit\"; type = \"unit\"; } );"
	    "\nsteps = ( { name = \"main\"; cases = (\n  { match = "
	    "\"(?i)regenerate now\\\\?\"; send = \"sure\"; },\n  { prompt = "
	    "true; next = \"done\"; } ); } );\n"));
	writefile(tmpdir, "notes.txt", "not a dialog", 12);
	r = load(shipped, tmpdir, &s);
	is_int(r, 0, "override directory loads");
	if (r != 0)
		tap_diag("%s", buf_str(&msgs));
	if (s != NULL) {
		has_str(dialog_file(dialog_get(s, "cert-regen")), tmpdir,
		    "cert-regen comes from the override");
		has_str(dialog_file(dialog_get(s, "version")), shipped,
		    "version from the built-in directory");
		is_int(dialog_count(s), 15, "still 15 dialogs");
	}
	dialog_set_free(s);
	s = NULL;

	r = load("/nonexistent/dir", NULL, &s);
	is_int(r, ERR_CONFIG, "missing directory");
	has_str(buf_str(&msgs), "/nonexistent/dir: cannot open", "says so");
}

static void
test_errors(void)
{
	struct buf t;
	char *big;
	size_t i;

	{
		const char *w[] = { "x.dialog:2: dialog: unknown key 'comand' "
		    "(did you mean 'command'?)", NULL };
		refused("name = \"x\";\ncomand = \"x\";\n" GOOD_STEPS,
		    strlen("name = \"x\";\ncomand = \"x\";\n" GOOD_STEPS), w,
		    "unknown key");
	}
	{
		/* Dialog keys compare case-sensitively, suggestions too:
		 * COMMAND is seven edits from command. */
		const char *w[] = { "x.dialog:2: dialog: unknown key 'COMMAND'\n",
		    NULL };
		refused("name = \"x\";\nCOMMAND = \"x\";\n" GOOD_STEPS,
		    strlen("name = \"x\";\nCOMMAND = \"x\";\n" GOOD_STEPS), w,
		    "a key in capitals");
	}
	{
		const char *w[] = { "x.dialog:4: step main: match: bad regular "
		    "expression: missing closing parenthesis at offset 3",
		    NULL };
		const char *s = GOOD_HEAD "steps = ( { name = \"main\";\n"
		    "cases = ( { match = \"(ab\"; },\n"
		    "{ prompt = true; next = \"done\"; } ); } );\n";
		/* match is on line 5 of the file: HEAD has 3 lines. */
		refused(s, strlen(s), (const char *[]){ "x.dialog:5: step main: "
		    "match: bad regular expression: missing closing "
		    "parenthesis at offset 3", NULL }, "bad regex");
		(void)w;
	}
	{
		const char *s = "name = \"x\";\ncommand = \"show\";\n";
		const char *w[] = { "x.dialog: dialog: steps is missing", NULL };
		refused(s, strlen(s), w, "missing steps");
	}
	{
		const char *s = "name = \"x\";\ncommand = \"show ${b}\";\n"
		    GOOD_STEPS;
		const char *w[] = { "x.dialog:2: command: ${b} is not a "
		    "declared parameter", NULL };
		refused(s, strlen(s), w, "undeclared parameter");
	}
	{
		const char *s = "name = \"x\";\ncommand = \"show $x\";\n"
		    GOOD_STEPS;
		const char *w[] = { "x.dialog:2: command: a '$' must start", NULL };
		refused(s, strlen(s), w, "bare dollar");
	}
	{
		const char *s = GOOD_HEAD "steps = (\n"
		    "{ name = \"main\"; cases = ( { prompt = true; next = "
		    "\"done\"; } ); },\n"
		    "{ name = \"main\"; cases = ( { prompt = true; next = "
		    "\"nowhere\"; } ); } );\n";
		const char *w[] = { "x.dialog:6: step: duplicate name \"main\"",
		    "x.dialog:6: step ?: next \"nowhere\" is not a step", NULL };
		refused(s, strlen(s), w, "duplicate step, bad next");
	}
	{
		const char *s = GOOD_HEAD "steps = ( { name = \"main\"; cases = "
		    "(\n{ match = \"x*\"; },\n{ prompt = true; timeout = true; },"
		    "\n{ eof = true; },\n{ prompt = true; next = \"done\"; "
		    "fail = \"no\"; } ); } );\n";
		const char *w[] = {
		    "x.dialog:5: step main: match: the pattern matches the "
		    "empty string",
		    "x.dialog:6: step main: a case needs exactly one of",
		    "x.dialog:7: step main: an eof case must fail or end",
		    "x.dialog:8: step main: fail ends the dialog; it cannot "
		    "have next", NULL };
		refused(s, strlen(s), w, "all errors of a file at once");
		is_int(count_lines(buf_str(&msgs)), 4, "four messages");
	}
	{
		const char *s = "name = \"x\";\ncommand = \"show ${a}\";\n"
		    "params = ( { name = \"a\"; type = \"path\"; },\n"
		    "{ name = \"b\"; type = \"unit\"; pattern = \"[a-z]+\"; },\n"
		    "{ name = \"b\"; type = \"unit\"; },\n"
		    "{ name = \"Bad\"; type = \"unit\"; } );\n" GOOD_STEPS;
		const char *w[] = { "x.dialog:3: param a: unknown type \"path\"",
		    "x.dialog:4: param b: the pattern must be anchored",
		    "x.dialog:6: param: name \"Bad\"",
		    "x.dialog:2: command: ${a} is not a declared parameter",
		    NULL };
		refused(s, strlen(s), w, "parameter errors");
	}
	{
		const char *s = "name = \"x\";\nsteps = ( { name = \"main\"; "
		    "cases = ( { prompt = true; } ); } );\n";
		const char *w[] = { "no case ends the dialog", NULL };
		refused(s, strlen(s), w, "no way out");
	}
	{
		const char *s = "name = \"x\";\nsteps = ( { ;\n";
		const char *w[] = { "x.dialog:2: syntax error", NULL };
		refused(s, strlen(s), w, "syntax error");
	}
	{
		const char *s = "name = 3;\nsteps = { };\nidle_timeout = 0;\n"
		    "echo = \"yes\";\n";
		const char *w[] = { "x.dialog:1: dialog: name: expected a "
		    "string", "x.dialog:2: dialog: steps: expected a list",
		    "x.dialog:3: dialog: idle_timeout: expected an integer "
		    "from 1 to 86400, got 0", "x.dialog:4: dialog: echo: "
		    "expected true or false", NULL };
		refused(s, strlen(s), w, "wrong types");
	}
	{
		const char *s = "name = \"common\";\n" GOOD_STEPS;
		const char *w[] = { "the name common is kept", NULL };
		refused(s, strlen(s), w, "common as a dialog name");
	}
	{
		const char *s = "name = \"x\";\ncommand = \"a\tb\";\n" GOOD_STEPS;
		const char *w[] = { "x.dialog:2: dialog: command holds a "
		    "control byte (0x09)", NULL };
		refused(s, strlen(s), w, "control byte in a command");
	}
	{
		const char *s = "@include \"other\"\n";
		const char *w[] = { "x.dialog:1: @include is not supported: one "
		    "dialog, one file", NULL };
		refused(s, strlen(s), w, "@include");
	}
	{
		const char *w[] = { "x.dialog: the file is empty", NULL };
		refused(" \n\t\n", 4, w, "empty file");
		refused("", 0, w, "zero bytes");
	}
	{
		static const char bin[] = "name = \"x\";\n\x7f" "ELF\0\x01\x02";
		const char *w[] = { "x.dialog:2: a NUL byte at column 5", NULL };
		refused(bin, sizeof bin - 1, w, "binary file with NUL");
	}
	{
		static const char bin[] = "\x89PNG\r\n\x1a\n\xff\xfe";
		const char *w[] = { "x.dialog:1: syntax error", NULL };
		refused(bin, sizeof bin - 1, w, "binary file");
	}
	big = malloc(DIALOG_MAX_FILE + 100);
	memset(big, '#', DIALOG_MAX_FILE + 100);
	{
		const char *w[] = { "x.dialog: the file is larger than 262144 "
		    "bytes; is it really a dialog file?", NULL };
		refused(big, DIALOG_MAX_FILE + 100, w, "huge file");
	}
	free(big);
	{
		/* A FIFO in place of a dialog file is refused at once: the
		 * open does not wait for a writer. */
		struct dialog_set *s = NULL;
		char p[2048];

		rmfiles(tmpdir);
		writefile(tmpdir, "common.dialog", COMMON_OK, strlen(COMMON_OK));
		snprintf(p, sizeof p, "%s/x.dialog", tmpdir);
		if (mkfifo(p, 0600) != 0)
			abort();
		alarm(20);   /* a blocking open would hang: fail instead */
		is_int(load(tmpdir, NULL, &s), ERR_CONFIG, "a FIFO: refused");
		alarm(0);
		has_str(buf_str(&msgs), "x.dialog: not a regular file",
		    "a FIFO: says it is not a regular file");
		dialog_set_free(s);
		rmfiles(tmpdir);
	}
	buf_init(&t, 1 << 20);
	buf_addstr(&t, "name = \"x\";\nsteps = ");
	for (i = 0; i < 20000; i++)
		buf_addstr(&t, "(");
	for (i = 0; i < 20000; i++)
		buf_addstr(&t, ")");
	buf_addstr(&t, ";\n");
	{
		const char *w[] = { "x.dialog:", NULL };
		refused(t.data, t.len, w, "deep nesting");
	}
	buf_reset(&t);
	buf_addstr(&t, "name = \"x\";\nsteps = ");
	for (i = 0; i < 200; i++)
		buf_addstr(&t, "({ cases = ");
	buf_addstr(&t, "1");
	for (i = 0; i < 200; i++)
		buf_addstr(&t, "; })");
	buf_addstr(&t, ";\n");
	{
		const char *w[] = { "x.dialog:", NULL };
		refused(t.data, t.len, w, "nested groups");
	}
	buf_clear(&t);

	/* Two files, one name; and no common. */
	{
		struct dialog_set *s = NULL;
		const char *f = "name = \"same\";\n" GOOD_STEPS;

		rmfiles(tmpdir);
		writefile(tmpdir, "common.dialog", COMMON_OK, strlen(COMMON_OK));
		writefile(tmpdir, "a.dialog", f, strlen(f));
		writefile(tmpdir, "b.dialog", f, strlen(f));
		is_int(load(tmpdir, NULL, &s), ERR_CONFIG, "duplicate names");
		has_str(buf_str(&msgs), "b.dialog:1: dialog same: the name is "
		    "also used by ", "duplicate name message");
		rmfiles(tmpdir);
		writefile(tmpdir, "a.dialog", f, strlen(f));
		is_int(load(tmpdir, NULL, &s), ERR_CONFIG, "no common");
		has_str(buf_str(&msgs), "no common.dialog", "says no common");
		has_str(buf_str(&msgs), "a.dialog:2: prompt = true, but there "
		    "is no common.dialog", "and where the prompt is used");
		/* Errors in two files: both reported. */
		writefile(tmpdir, "common.dialog", "name = \"common\";\n"
		    "prompt = \"(\";\nbefore = ( { match = \"x\"; } );\n", 61);
		writefile(tmpdir, "b.dialog", "name = \"b\";\n", 12);
		is_int(load(tmpdir, NULL, &s), ERR_CONFIG, "errors in 3 files");
		has_str(buf_str(&msgs), "common.dialog:2: common: prompt: bad "
		    "regular expression", "common's bad prompt");
		has_str(buf_str(&msgs), "common.dialog:3: before: a case needs "
		    "exactly one of send", "common's bad before");
		has_str(buf_str(&msgs), "b.dialog: dialog: steps is missing",
		    "b's missing steps");
		dialog_set_free(s);
	}
}

/* ------------------------------------------------------------ runs */

struct seg {
	const char *text;   /* NULL ends the list */
	int delay_ms;
	const char *after;  /* written by certregen before it comes */
};

struct outcome {
	int rc;
	struct buf out;
	struct buf sent;
	unsigned marks;
	char why[512];
	int64_t now;
};

/* Run dialog name with params over the segments, chunked as chunk says;
 * the fake stays silent after the last one. */
static void
run_with(const char *name, const struct dialog_param *p, size_t np,
    const struct dialog_timing *t, long chunk, const struct seg *segs,
    struct outcome *o)
{
	const struct dialog *d = dialog_get(ds, name);
	struct dialog_result res;
	struct fake f;
	struct expect *e;
	size_t i;

	memset(o, 0, sizeof *o);
	fake_init(&f, chunk, 99);
	f.eof = 0;
	for (i = 0; segs[i].text != NULL; i++)
		fake_add(&f, segs[i].text, segs[i].delay_ms, segs[i].after);
	e = fake_expect(&f, 0);
	buf_init(&res.output, 1 << 20);
	o->rc = d ? dialog_run(d, e, p, np, t, &res) : ERR_NOTFOUND;
	o->out = res.output;
	o->marks = res.marks;
	snprintf(o->why, sizeof o->why, "%s", res.why);
	buf_init(&o->sent, 1 << 20);
	buf_add(&o->sent, buf_str(&f.sent), f.sent.len);
	o->now = f.now;
	expect_free(e);
	fake_clear(&f);
}

static void
outcome_clear(struct outcome *o)
{
	buf_clear(&o->out);
	buf_clear(&o->sent);
}

/*
 * Run and check: rc, what was sent, the captured output (NULL: not
 * checked), the marks that must be set; whole, a byte at a time and in
 * random chunks, with the same result each time.
 */
static void
check_run(const char *what, const char *name, const struct dialog_param *p,
    size_t np, const struct dialog_timing *t, const struct seg *segs,
    int want_rc, const char *want_sent, const char *want_out,
    const char *const *want_marks)
{
	const struct dialog *d = dialog_get(ds, name);
	long chunks[] = { 0, 1, -7, 3 };
	struct outcome o, first;
	size_t i, k;
	unsigned need = 0;
	int same = 1;

	for (k = 0; want_marks != NULL && want_marks[k] != NULL; k++) {
		unsigned bit = d ? dialog_mark(d, want_marks[k]) : 0;

		if (bit == 0)
			tap_diag("%s: dialog %s has no mark %s", what, name,
			    want_marks[k]);
		need |= bit;
	}
	run_with(name, p, np, t, chunks[0], segs, &first);
	is_int(first.rc, want_rc, "%s: %s", what, err_str(want_rc));
	if (first.rc != want_rc)
		tap_diag("why: %s", first.why);
	is_str(buf_str(&first.sent), want_sent, "%s: sent", what);
	if (want_out != NULL)
		is_str(buf_str(&first.out), want_out, "%s: output", what);
	if (want_marks != NULL)
		ok((first.marks & need) == need, "%s: marks", what);
	for (i = 1; i < sizeof chunks / sizeof chunks[0]; i++) {
		run_with(name, p, np, t, chunks[i], segs, &o);
		if (o.rc != first.rc || strcmp(buf_str(&o.out),
		    buf_str(&first.out)) != 0 || strcmp(buf_str(&o.sent),
		    buf_str(&first.sent)) != 0 || o.marks != first.marks) {
			same = 0;
			tap_diag("chunk %ld: rc %d out {%s} sent {%s}",
			    chunks[i], o.rc, buf_str(&o.out), buf_str(&o.sent));
		}
		outcome_clear(&o);
	}
	ok(same, "%s: the same in chunks", what);
	outcome_clear(&first);
}

#define P(n, v) { n, v }

static void
test_login(void)
{
	const char *m_start[] = { "starting", NULL };
	const char *m_nudge[] = { "nudged", "doubled", NULL };
	const struct seg banner[] = {
		{ "Command Line Interface is starting up, please wait ...\r\n",
		    500, NULL },
		{ "\r\n   Welcome to the Platform Command Line Interface\r\n\r\n"
		    "VMware Installation:\r\n\t2 vCPU: Intel(R) Xeon(R) CPU "
		    "E5-2630 v3 @ 2.40GHz\r\n\tDisk 1: 80GB, Partitions aligned"
		    "\r\n\t6144 Mbytes RAM\r\n\r\n\x1b[Kadmin:", 14000, NULL },
		{ NULL, 0, NULL } };
	const struct seg warn[] = {
		{ "\r\n   Welcome to the Platform Command Line Interface\r\n"
		    "WARNING: The disk is 91% full\r\n        4 vCPU: x\r\n"
		    "admin:", 2000, NULL },
		{ NULL, 0, NULL } };
	const struct seg silent[] = {
		{ "admin:", 0, "\n" },
		{ "\r\nadmin:", 5, NULL },
		{ NULL, 0, NULL } };
	const struct seg none[] = { { NULL, 0, NULL } };
	struct outcome o;

	check_run("login, starting up then 14 s of silence", "login", NULL, 0,
	    NULL, banner, 0, "", NULL, m_start);
	run_with("login", NULL, 0, NULL, 0, banner, &o);
	has_str(buf_str(&o.out), "\t6144 Mbytes RAM\n\n", "login: the banner "
	    "is captured");
	outcome_clear(&o);
	check_run("login, WARNING lines", "login", NULL, 0, NULL, warn, 0, "",
	    NULL, NULL);
	check_run("login, prompt only after a newline, doubled", "login", NULL,
	    0, NULL, silent, 0, "\n", NULL, m_nudge);
	run_with("login", NULL, 0, NULL, 0, none, &o);
	is_int(o.rc, ERR_TIMEOUT, "login: no prompt ever: timeout");
	is_str(buf_str(&o.sent), "\n\n\n\n", "login: nudged four times");
	has_str(o.why, "dialog login, step nudged: no output for 30 s",
	    "login: why");
	outcome_clear(&o);
}

static void
test_simple(void)
{
	const char *m_off[] = { "off", NULL };
	const struct seg pag1[] = {
		{ "set cli pagination off\r\nAutomatic pagination is turned "
		    "off\r\n\r\nadmin:", 0, "set cli pagination off\n" },
		{ NULL, 0, NULL } };
	const struct seg pag2[] = {
		{ "set cli pagination off\r\n\r\nadmin:", 0,
		    "set cli pagination off\n" },
		{ NULL, 0, NULL } };
	const struct seg cluster[] = {
		{ "show network cluster\r\n", 0, "show network cluster\n" },
		{ "10.3.74.13 IMPPUB.example.com IMPPUB Subscriber cups DBPub "
		    "authenticated\r\n10.3.74.11 CUCMPUB.example.com CUCMPUB "
		    "Publisher callmanager DBPub authenticated using TCP since "
		    "Thu Oct 28 11:27:36 2021\r\n\r\nServer Table (processnode) "
		    "Entries\r\n----------------------------------\r\nCUCMPUB\r\n"
		    "\r\nadmin:", 300, NULL },
		{ NULL, 0, NULL } };
	const struct seg own[] = {
		{ "show cert list own\r\n\r\ntomcat/tomcat.pem: Self-signed "
		    "certificate generated by system\r\ncup/cup.pem: Certificate "
		    "Signed by ca-CA\r\nipsec/ipsec.pem: Self-signed certificate "
		    "generated by system\r\nadmin:", 0, "show cert list own\n" },
		{ NULL, 0, NULL } };
	const struct seg trust_paged[] = {
		{ "show cert list trust\r\ntomcat-trust/CUCMPUB_6f1a2b3c4d5e6f70"
		    "8192a3b4c5d6e7f8.pem: Trust Certificate\r\n\x1b[7mPress "
		    "<enter> for 1 line, <space> for one page, or <q> to "
		    "quit\x1b[0m", 0, "show cert list trust\n" },
		{ "\r\x1b[Kcup-trust/old-ca.pem: Trust Certificate\r\n"
		    "ipsec-trust/CUCMPUB.pem: Trust Certificate\r\nadmin:", 0,
		    " " },
		{ NULL, 0, NULL } };
	const struct seg show[] = {
		{ "show cert own tomcat/tomcat.pem\r\n", 0,
		    "show cert own tomcat/tomcat.pem\n" },
		{ "[\r\n  Version: V3\r\n  Serial Number: 6F1A\r\n  "
		    "SignatureAlgorithm: SHA256withRSA\r\n  Issuer Name: "
		    "CN=IMPPUB\r\n  Validity From: Fri Feb 04 15:31:39 PST 2022"
		    "\r\n           To:   Wed Feb 03 15:31:38 PST 2027\r\n]\r\n"
		    "-----BEGIN CERTIFICATE-----\r\nMIIB\r\n-----END "
		    "CERTIFICATE-----\r\n\r\nadmin:", 100, NULL },
		{ NULL, 0, NULL } };
	const struct seg show_trust[] = {
		{ "show cert trust tomcat-trust/old-ca.pem\r\n        Not After "
		    ": Feb  3 15:31:38 2027 GMT\r\n-----BEGIN CERTIFICATE-----"
		    "\r\nMIIB\r\n-----END CERTIFICATE-----\r\nadmin:", 0,
		    "show cert trust tomcat-trust/old-ca.pem\n" },
		{ NULL, 0, NULL } };
	const struct seg list[] = {
		{ "utils service list\r\nRequesting service status, please "
		    "wait...\r\n", 0, "utils service list\n" },
		{ "System SSH [STARTED]\r\nService Manager is running\r\n"
		    "Getting list of all services\r\n>> Return code = 0\r\n"
		    "Cisco Certificate Expiry Monitor[STARTED]\r\nCisco DRF "
		    "Local[ STOPPED ]\r\nCisco DRF Master[STOPPED]  Commanded "
		    "Out of Service\r\nCisco Tomcat[STARTED]\r\nadmin:", 20000,
		    NULL },
		{ NULL, 0, NULL } };
	const struct seg haA[] = {
		{ "utils ha status\r\n\r\nSubcluster Name: DefaultCUPSubcluster"
		    "\r\nNode 1 Name : IMPPUB  State: Normal  Reason: Normal\r\n"
		    "Node 2 Name : IMPSUB1 State: Normal  Reason: Normal\r\n\r\n"
		    "admin:", 0, "utils ha status\n" },
		{ NULL, 0, NULL } };
	const struct seg haB[] = {
		{ "utils ha status\r\nPresence Redundancy Group: "
		    "DefaultCUPSubcluster\r\n\tName: IMPPUB\tState: Unknown\t"
		    "Reason: High Availability Not Enabled\r\nadmin:", 0,
		    "utils ha status\n" },
		{ NULL, 0, NULL } };
	const struct seg sso1[] = {
		{ "utils sso status\r\nSSO Status: SAML SSO Disabled\r\nadmin:",
		    0, "utils sso status\n" },
		{ NULL, 0, NULL } };
	const struct seg sso2[] = {
		{ "utils sso status\r\nSSO Status: SAML SSO Enabled\r\nIdP "
		    "Metadata Imported Date = Thu Oct 28 11:27:36 UTC 2021\r\n"
		    "SSO Test Result = passed\r\nadmin:", 0,
		    "utils sso status\n" },
		{ NULL, 0, NULL } };
	const struct seg ver[] = {
		{ "show version active\r\nActive Master Version: "
		    "12.5.1.12900-115\r\nActive Version Installed Software "
		    "Options:\r\nNo Installed Software Options Found.\r\nadmin:",
		    0, "show version active\n" },
		{ NULL, 0, NULL } };
	const struct seg unknown[] = {
		{ "show version active\r\nExecuted command unsuccessfully\r\n"
		    "admin:", 0, "show version active\n" },
		{ NULL, 0, NULL } };
	/* The simulator's forms: a pager erased with CR, blanks, CR; in
	 * ANSI mode lines that start with CR and end in CR CR LF. */
	const struct seg sim_paged[] = {
		{ "show cert list own\r\n\rtomcat/tomcat.pem: Self-signed "
		    "certificate generated by system\r\r\nPress <enter> for 1 "
		    "line, <space> for one page, or <q> to quit", 0,
		    "show cert list own\n" },
		{ "\r                                                          "
		    "    \r\tcup/cup.pem: Self-signed certificate generated by "
		    "system\r\n\r\x1b[Kadmin:", 0, " " },
		{ NULL, 0, NULL } };
	struct dialog_param own_p[] = { P("which", "own") };
	struct dialog_param trust_p[] = { P("which", "trust") };
	struct dialog_param show_p[] = { P("which", "own"), P("unit", "tomcat"),
	    P("file", "tomcat.pem") };
	struct dialog_param showt_p[] = { P("unit", "tomcat-trust"),
	    P("which", "trust"), P("file", "old-ca.pem") };

	check_run("pagination off", "pagination", NULL, 0, NULL, pag1, 0,
	    "set cli pagination off\n", "Automatic pagination is turned off\n"
	    "\n", m_off);
	check_run("pagination, nothing said", "pagination", NULL, 0, NULL,
	    pag2, 0, "set cli pagination off\n", "\n", NULL);
	check_run("cluster-show", "cluster-show", NULL, 0, NULL, cluster, 0,
	    "show network cluster\n", "10.3.74.13 IMPPUB.example.com IMPPUB "
	    "Subscriber cups DBPub authenticated\n10.3.74.11 CUCMPUB.example."
	    "com CUCMPUB Publisher callmanager DBPub authenticated using TCP "
	    "since Thu Oct 28 11:27:36 2021\n\nServer Table (processnode) "
	    "Entries\n----------------------------------\nCUCMPUB\n\n", NULL);
	check_run("cert-list own", "cert-list", own_p, 1, NULL, own, 0,
	    "show cert list own\n", "\ntomcat/tomcat.pem: Self-signed "
	    "certificate generated by system\ncup/cup.pem: Certificate Signed "
	    "by ca-CA\nipsec/ipsec.pem: Self-signed certificate generated by "
	    "system\n", NULL);
	check_run("cert-list, the simulator's pager and line ends",
	    "cert-list", own_p, 1, NULL, sim_paged, 0, "show cert list own\n ",
	    "tomcat/tomcat.pem: Self-signed certificate generated by system\n"
	    "\tcup/cup.pem: Self-signed certificate generated by system\n",
	    NULL);
	check_run("cert-list trust through the pager", "cert-list", trust_p, 1,
	    NULL, trust_paged, 0, "show cert list trust\n ",
	    "tomcat-trust/CUCMPUB_6f1a2b3c4d5e6f708192a3b4c5d6e7f8.pem: Trust "
	    "Certificate\ncup-trust/old-ca.pem: Trust Certificate\n"
	    "ipsec-trust/CUCMPUB.pem: Trust Certificate\n", NULL);
	check_run("cert-show own, Java style", "cert-show", show_p, 3, NULL,
	    show, 0, "show cert own tomcat/tomcat.pem\n", NULL, NULL);
	check_run("cert-show trust, OpenSSL style", "cert-show", showt_p, 3,
	    NULL, show_trust, 0, "show cert trust tomcat-trust/old-ca.pem\n",
	    "        Not After : Feb  3 15:31:38 2027 GMT\n-----BEGIN "
	    "CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", NULL);
	check_run("service-list after 20 s", "service-list", NULL, 0, NULL,
	    list, 0, "utils service list\n", NULL, NULL);
	check_run("ha-status form A", "ha-status", NULL, 0, NULL, haA, 0,
	    "utils ha status\n", NULL, NULL);
	check_run("ha-status form B", "ha-status", NULL, 0, NULL, haB, 0,
	    "utils ha status\n", "Presence Redundancy Group: "
	    "DefaultCUPSubcluster\n\tName: IMPPUB\tState: Unknown\tReason: "
	    "High Availability Not Enabled\n", NULL);
	check_run("sso-status disabled", "sso-status", NULL, 0, NULL, sso1, 0,
	    "utils sso status\n", "SSO Status: SAML SSO Disabled\n", NULL);
	check_run("sso-status enabled", "sso-status", NULL, 0, NULL, sso2, 0,
	    "utils sso status\n", NULL, NULL);
	check_run("version", "version", NULL, 0, NULL, ver, 0,
	    "show version active\n", "Active Master Version: 12.5.1.12900-115"
	    "\nActive Version Installed Software Options:\nNo Installed "
	    "Software Options Found.\n", NULL);
	check_run("unknown command", "version", NULL, 0, NULL, unknown, ERR_CLI,
	    "show version active\n", "", NULL);
}

#define REGEN_WARN                                                           \
	"set cert regen tomcat\r\nWARNING: This operation will overwrite any " \
	"CA signed certificate previously imported for  tomcat\r\n"
#define REGEN_OK                                                             \
	"\r\n\r\nSuccessfully Regenerated Certificate for tomcat.\r\nYou must " \
	"restart services related to tomcat for the regenerated certificates " \
	"to become active.\r\nadmin:"

static void
test_regen(void)
{
	const char *m_all[] = { "confirmed", "regenerated", "restart-hint",
	    NULL };
	const char *m_regen[] = { "regenerated", NULL };
	struct dialog_param up[] = { P("unit", "tomcat") };
	const struct seg yn1[] = {
		{ REGEN_WARN "Proceed with regeneration (yes|no)? ", 0,
		    "set cert regen tomcat\n" },
		{ "yes" REGEN_OK, 0, "yes\n" },
		{ NULL, 0, NULL } };
	const struct seg yn2[] = {
		{ REGEN_WARN "Proceed with regeneration (yes/no)? ", 0,
		    "set cert regen tomcat\n" },
		{ "yes" REGEN_OK, 0, "yes\n" },
		{ NULL, 0, NULL } };
	const struct seg yn3[] = {
		{ REGEN_WARN "Proceed with regeneration (yes/no):", 0,
		    "set cert regen tomcat\n" },
		{ "yes" REGEN_OK, 0, "yes\n" },
		{ NULL, 0, NULL } };
	const struct seg y1[] = {
		{ REGEN_WARN "Continue (y/n)?", 0, "set cert regen tomcat\n" },
		{ "y\r\n\r\nsuccessfully regenerated certificate for tomcat\r\n"
		    "Please restart the Cisco Tomcat service.\r\nadmin:", 0,
		    "y\n" },
		{ NULL, 0, NULL } };
	const struct seg y2[] = {
		{ REGEN_WARN "Enter \"y\" followed by return to continue: ", 0,
		    "set cert regen tomcat\n" },
		{ "y\r\nSUCCESSFULLY REGENERATED CERTIFICATE FOR TOMCAT\r\n"
		    "Restart services related to tomcat.\r\nadmin:", 0, "y\n" },
		{ NULL, 0, NULL } };
	const struct seg none[] = {
		{ "set cert regen tomcat\r\n", 0, "set cert regen tomcat\n" },
		{ "\r\nSuccessfully Regenerated Certificate for tomcat.\r\n"
		    "admin:", 9000, NULL },
		{ NULL, 0, NULL } };
	const struct seg bad[] = {
		{ "set cert regen foo\r\nInvalid unit name: foo\r\nExecuted "
		    "command unsuccessfully\r\n\x1b[Kadmin:", 0,
		    "set cert regen foo\n" },
		{ NULL, 0, NULL } };
	const struct seg quiet[] = {
		{ "set cert regen tomcat\r\n", 0, "set cert regen tomcat\n" },
		{ NULL, 0, NULL } };
	struct dialog_param fp[] = { P("unit", "foo") };
	struct dialog_timing t = { 5000, 0, 0 };
	struct outcome o;

	check_run("cert-regen (yes|no)?", "cert-regen", up, 1, NULL, yn1, 0,
	    "set cert regen tomcat\nyes\n", "WARNING: This operation will "
	    "overwrite any CA signed certificate previously imported for  "
	    "tomcat\nProceed with regeneration (yes|no)? yes\n\nSuccessfully "
	    "Regenerated Certificate for tomcat.\nYou must restart services "
	    "related to tomcat for the regenerated certificates to become "
	    "active.\n", m_all);
	check_run("cert-regen (yes/no)?", "cert-regen", up, 1, NULL, yn2, 0,
	    "set cert regen tomcat\nyes\n", NULL, m_all);
	check_run("cert-regen (yes/no):", "cert-regen", up, 1, NULL, yn3, 0,
	    "set cert regen tomcat\nyes\n", NULL, m_all);
	check_run("cert-regen Continue (y/n)?", "cert-regen", up, 1, NULL, y1,
	    0, "set cert regen tomcat\ny\n", NULL, m_all);
	check_run("cert-regen Enter \"y\"", "cert-regen", up, 1, NULL, y2, 0,
	    "set cert regen tomcat\ny\n", NULL, m_all);
	check_run("cert-regen, no question, 9 s", "cert-regen", up, 1, NULL,
	    none, 0, "set cert regen tomcat\n", "\nSuccessfully Regenerated "
	    "Certificate for tomcat.\n", m_regen);
	check_run("cert-regen, bad unit", "cert-regen", fp, 1, NULL, bad,
	    ERR_CLI, "set cert regen foo\n", "Invalid unit name: foo\n", NULL);
	run_with("cert-regen", fp, 1, NULL, 0, bad, &o);
	has_str(o.why, "dialog cert-regen, step main: the node said: Executed "
	    "command unsuccessfully; last output: \"", "why names dialog and "
	    "step");
	has_str(o.why, "Invalid unit name: foo\\n", "why shows the output");
	outcome_clear(&o);
	run_with("cert-regen", up, 1, &t, 0, quiet, &o);
	is_int(o.rc, ERR_TIMEOUT, "cert-regen: silence past the run's idle");
	is_int(o.now, 5000, "after the run's 5 s, not the dialog's 300 s");
	outcome_clear(&o);
	t.idle_ms = 0;
	t.deadline = 2000;
	run_with("cert-regen", up, 1, &t, 0, quiet, &o);
	is_int(o.rc, ERR_TIMEOUT, "cert-regen: deadline");
	has_str(o.why, "the deadline passed", "why says deadline");
	outcome_clear(&o);
}

/* certregen cli: a question is declined ("no" typed) and the run fails
 * with the CLI back at its prompt; a hostile line is refused by
 * dialog_check() before anything is typed. */
static void
test_command(void)
{
	const struct dialog *d = dialog_get(ds, "command");
	struct dialog_param q[] = { P("line", "set cert regen tomcat") };
	struct dialog_param bad[] = { P("line", "show version\x1b[2J") };
	struct dialog_param nl[] = { P("line", "show version\nexit") };
	const struct seg ask[] = {
		{ REGEN_WARN "Proceed with regeneration (yes|no)? ", 0,
		    "set cert regen tomcat\n" },
		{ "no\r\nadmin:", 0, "no\n" },
		{ NULL, 0, NULL } };
	struct outcome o;
	char why[512];

	check_run("command: a question is declined", "command", q, 1, NULL,
	    ask, ERR_CLI, "set cert regen tomcat\nno\n", NULL, NULL);
	run_with("command", q, 1, NULL, 0, ask, &o);
	ok(strstr(o.why, "asks a question") != NULL,
	    "command: why says the command asks a question");
	ok(o.now < 1000, "command: no wait for the idle timeout (%lld ms)",
	    (long long)o.now);
	outcome_clear(&o);
	is_int(dialog_check(d, q, 1, why, sizeof why), 0,
	    "dialog_check: a printable line passes");
	is_int(dialog_check(d, bad, 1, why, sizeof why), ERR_INVAL,
	    "dialog_check: an escape is refused");
	ok(strstr(why, "\\x1b") != NULL || strstr(why, "\\e") != NULL,
	    "dialog_check: the value is shown escaped (%s)", why);
	is_int(dialog_check(d, nl, 1, why, sizeof why), ERR_INVAL,
	    "dialog_check: a newline is refused");
	is_int(dialog_check(NULL, nl, 1, why, sizeof why), ERR_NOTFOUND,
	    "dialog_check: no dialog");
}

static void
test_delete(void)
{
	const char *m_del[] = { "confirmed", "deleted", NULL };
	const char *m_nf[] = { "not-found", NULL };
	struct dialog_param dp[] = { P("unit", "cup-trust"),
	    P("file", "old-ca.pem") };
	struct dialog_param np[] = { P("unit", "cup-trust"),
	    P("file", "none.pem") };
	const struct seg ok1[] = {
		{ "set cert delete cup-trust old-ca.pem\r\nWarning: deleting a "
		    "trust certificate may stop services that use it.\r\nAre you "
		    "sure you want to delete cup-trust/old-ca.pem (yes|no)? ", 0,
		    "set cert delete cup-trust old-ca.pem\n" },
		{ "yes\r\nSuccessfully deleted certificate cup-trust/old-ca.pem."
		    "\r\nadmin:", 0, "yes\n" },
		{ NULL, 0, NULL } };
	const struct seg nf[] = {
		{ "set cert delete cup-trust none.pem\r\nCertificate not found: "
		    "cup-trust/none.pem\r\nExecuted command unsuccessfully\r\n"
		    "admin:", 0, "set cert delete cup-trust none.pem\n" },
		{ NULL, 0, NULL } };

	check_run("cert-delete", "cert-delete", dp, 2, NULL, ok1, 0,
	    "set cert delete cup-trust old-ca.pem\nyes\n", NULL, m_del);
	check_run("cert-delete, not found", "cert-delete", np, 2, NULL, nf,
	    ERR_CLI, "set cert delete cup-trust none.pem\n",
	    "Certificate not found: cup-trust/none.pem\n", m_nf);
}

static void
test_services(void)
{
	const char *m_full[] = { "stopping", "starting", "started", NULL };
	const char *m_start[] = { "starting", NULL };
	const char *m_na[] = { "not-activated", NULL };
	const char *m_stop[] = { "stopping", "stopped", NULL };
	struct dialog_param tp[] = { P("service", "Cisco Tomcat") };
	struct dialog_param xp[] = { P("service",
	    "Cisco XCP XMPP Federation Connection Manager") };
	const struct seg full[] = {
		{ "utils service restart Cisco Tomcat\r\nDo not press Ctrl+C "
		    "while the service is restarting. If the service has not "
		    "restarted properly, execute the same command again.\r\n"
		    "Service Manager is running\r\nCisco Tomcat[STOPPING]\r\n", 0,
		    "utils service restart Cisco Tomcat\n" },
		{ "Cisco Tomcat[STARTING]\r\n", 120000, NULL },
		{ "Cisco Tomcat[STARTING]\r\n", 120000, NULL },
		{ "Cisco Tomcat[STARTED]\r\nadmin:", 120000, NULL },
		{ NULL, 0, NULL } };
	const struct seg nostop[] = {
		{ "utils service restart Cisco Tomcat\r\nService Manager is "
		    "running\r\nCisco Tomcat[STARTING]\r\nCisco Tomcat[STARTING]"
		    "\r\nadmin:", 0, "utils service restart Cisco Tomcat\n" },
		{ NULL, 0, NULL } };
	const struct seg na[] = {
		{ "utils service restart Cisco XCP XMPP Federation Connection "
		    "Manager\r\nService Manager is running\r\nCisco XCP XMPP "
		    "Federation Connection Manager[NOTACTIVATED]\r\nExecuted "
		    "command unsuccessfully\r\nadmin:", 0, "utils service "
		    "restart Cisco XCP XMPP Federation Connection Manager\n" },
		{ NULL, 0, NULL } };
	const struct seg stop[] = {
		{ "utils service stop Cisco Tomcat\r\nService Manager is running"
		    "\r\nCisco Tomcat[STOPPING]\r\nCisco Tomcat[ STOPPED ]\r\n"
		    "admin:", 0, "utils service stop Cisco Tomcat\n" },
		{ NULL, 0, NULL } };
	const struct seg start[] = {
		{ "utils service start Cisco Tomcat\r\nService Manager is running"
		    "\r\nCisco Tomcat[STARTING]\r\nCisco Tomcat[STARTED]\r\n"
		    "admin:", 0, "utils service start Cisco Tomcat\n" },
		{ NULL, 0, NULL } };
	struct dialog_timing t = { 60000, 0, 0 };
	struct outcome o;

	check_run("service-restart, 2 min between lines", "service-restart",
	    tp, 1, NULL, full, 0, "utils service restart Cisco Tomcat\n",
	    "Do not press Ctrl+C while the service is restarting. If the "
	    "service has not restarted properly, execute the same command "
	    "again.\nService Manager is running\nCisco Tomcat[STOPPING]\n"
	    "Cisco Tomcat[STARTING]\nCisco Tomcat[STARTING]\nCisco Tomcat"
	    "[STARTED]\n", m_full);
	run_with("service-restart", tp, 1, &t, 0, full, &o);
	is_int(o.rc, ERR_TIMEOUT, "service-restart: a 60 s run timeout "
	    "overrides the dialog's default");
	outcome_clear(&o);
	check_run("service-restart, no STOPPING, no STARTED", "service-restart",
	    tp, 1, NULL, nostop, 0, "utils service restart Cisco Tomcat\n",
	    "Service Manager is running\nCisco Tomcat[STARTING]\nCisco Tomcat"
	    "[STARTING]\n", m_start);
	run_with("service-restart", tp, 1, NULL, 0, nostop, &o);
	ok(!(o.marks & dialog_mark(dialog_get(ds, "service-restart"),
	    "started")), "service-restart: no started mark");
	outcome_clear(&o);
	check_run("service-restart, not activated", "service-restart", xp, 1,
	    NULL, na, ERR_CLI, "utils service restart Cisco XCP XMPP "
	    "Federation Connection Manager\n", NULL, m_na);
	check_run("service-stop", "service-stop", tp, 1, NULL, stop, 0,
	    "utils service stop Cisco Tomcat\n", NULL, m_stop);
	check_run("service-start", "service-start", tp, 1, NULL, start, 0,
	    "utils service start Cisco Tomcat\n", NULL, m_full + 1);
}

static void
refuse_param(const char *name, const char *param, const char *value,
    const char *what)
{
	struct dialog_param p[3] = { P("which", "own"), P("unit", "tomcat"),
	    P("file", "tomcat.pem") };
	const struct seg none[] = { { NULL, 0, NULL } };
	struct outcome o;
	size_t n = 1;

	if (strcmp(name, "cert-show") == 0)
		n = 3;
	else if (strcmp(name, "cert-delete") == 0) {
		p[0].name = "unit";
		p[0].value = "cup-trust";
		p[1].name = "file";
		p[1].value = "old.pem";
		n = 2;
	}
	if (strcmp(name, "cert-show") != 0 && strcmp(name, "cert-delete") != 0)
		p[0].name = param;
	{
		size_t i;

		for (i = 0; i < n; i++)
			if (strcmp(p[i].name, param) == 0)
				p[i].value = value;
	}
	run_with(name, p, n, NULL, 0, none, &o);
	is_int(o.rc, ERR_INVAL, "%s: refused", what);
	is_int(o.sent.len, 0, "%s: nothing sent", what);
	if (o.rc == ERR_INVAL && strstr(o.why, "parameter") == NULL)
		tap_diag("why: %s", o.why);
	outcome_clear(&o);
}

static void
test_injection(void)
{
	char longv[201];
	struct dialog_param p1[] = { P("unit", "tomcat"), P("unit", "tomcat") };
	struct dialog_param p2[] = { P("nope", "x") };
	const struct seg none[] = { { NULL, 0, NULL } };
	struct outcome o;

	memset(longv, 'a', 200);
	longv[200] = '\0';
	refuse_param("cert-regen", "unit", "tomcat; utils system restart",
	    "; command");
	refuse_param("cert-regen", "unit", "tomcat\nutils system restart",
	    "newline");
	refuse_param("cert-regen", "unit", "tom\"cat", "quote");
	refuse_param("cert-regen", "unit", "tom'cat", "single quote");
	refuse_param("cert-regen", "unit", "tom\x1b[2Jcat", "ESC");
	refuse_param("cert-regen", "unit", "tomcat ", "trailing space");
	refuse_param("cert-regen", "unit", "", "empty");
	refuse_param("cert-regen", "unit", "-rf", "leading dash");
	refuse_param("cert-regen", "unit", longv, "200 characters");
	refuse_param("cert-regen", "unit", "tomcat\r", "CR");
	refuse_param("service-restart", "service", "Cisco Tomcat; utils system "
	    "restart", "service with ;");
	refuse_param("service-restart", "service", "Cisco Tomcat\nutils "
	    "system restart", "service with newline");
	refuse_param("service-restart", "service", "Tomcat", "service without "
	    "Cisco");
	refuse_param("service-restart", "service", "Cisco Tomcat`id`",
	    "backquote");
	refuse_param("cert-show", "file", "../../etc/passwd", "file with /");
	refuse_param("cert-show", "file", "a b.pem", "file with space");
	refuse_param("cert-show", "which", "own trust", "which with space");
	refuse_param("cert-show", "which", "all", "which not own|trust");
	refuse_param("cert-delete", "unit", "tomcat", "delete an identity "
	    "certificate");
	refuse_param("cert-delete", "file", "x;y.pem", "delete file with ;");
	refuse_param("cert-list", "which", "own\n", "list own newline");
	run_with("cert-regen", p1, 2, NULL, 0, none, &o);
	is_int(o.rc, ERR_INVAL, "parameter given twice");
	outcome_clear(&o);
	run_with("cert-regen", p2, 1, NULL, 0, none, &o);
	is_int(o.rc, ERR_INVAL, "unknown parameter");
	has_str(o.why, "no parameter nope", "says which");
	outcome_clear(&o);
	run_with("cert-regen", NULL, 0, NULL, 0, none, &o);
	is_int(o.rc, ERR_INVAL, "missing parameter");
	has_str(o.why, "parameter unit missing", "says which");
	outcome_clear(&o);
	{
		struct dialog_param p[] = { P("unit", "tomcat; reboot") };

		run_with("cert-regen", p, 1, NULL, 0, none, &o);
		has_str(o.why, "dialog cert-regen: parameter unit: \"tomcat; "
		    "reboot\" is not a unit name (^[A-Za-z0-9]", "why shows the "
		    "value and the pattern");
		outcome_clear(&o);
	}
}

/* The session stays usable: two dialogs in a row, a delay per char. */
static void
test_sequence(void)
{
	struct fake f;
	struct expect *e;
	struct dialog_result res;
	struct dialog_param up[] = { P("unit", "foo") };
	struct dialog_timing t = { 0, 0, 2 };
	int rc;

	fake_init(&f, 5, 1);
	f.eof = 0;
	fake_add(&f, "Welcome\r\nadmin:", 100, NULL);
	fake_add(&f, "set cert regen foo\r\nInvalid unit name: foo\r\n"
	    "Executed command unsuccessfully.\r\n", 0, "set cert regen foo\n");
	fake_add(&f, "admin:", 500, NULL);
	fake_add(&f, "show version active\r\nActive Master Version: 15.0\r\n"
	    "admin:", 0, "show version active\n");
	e = fake_expect(&f, 0);
	buf_init(&res.output, 4096);
	rc = dialog_run(dialog_get(ds, "login"), e, NULL, 0, &t, &res);
	is_int(rc, 0, "login");
	buf_reset(&res.output);
	rc = dialog_run(dialog_get(ds, "cert-regen"), e, up, 1, &t, &res);
	is_int(rc, ERR_CLI, "cert-regen fails");
	buf_reset(&res.output);
	rc = dialog_run(dialog_get(ds, "version"), e, NULL, 0, &t, &res);
	is_int(rc, 0, "the next dialog runs: the failure resynced to the "
	    "prompt");
	is_str(buf_str(&res.output), "Active Master Version: 15.0\n",
	    "its output");
	ok(f.writes == strlen("set cert regen foo\nshow version active\n"),
	    "a send delay types one character at a time (%zu writes)",
	    f.writes);
	buf_clear(&res.output);
	expect_free(e);
	fake_clear(&f);
}

int
main(void)
{
	const char *src = getenv("top_srcdir");

	snprintf(shipped, sizeof shipped, "%s/expect", src ? src : "..");
	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! mkdtemp\n");
		return 99;
	}
	buf_init(&msgs, 1 << 20);
	test_load();
	test_errors();
	test_login();
	test_simple();
	test_regen();
	test_command();
	test_delete();
	test_services();
	test_injection();
	test_sequence();
	dialog_set_free(ds);
	buf_clear(&msgs);
	rmfiles(tmpdir);
	rmdir(tmpdir);
	return tap_done();
}

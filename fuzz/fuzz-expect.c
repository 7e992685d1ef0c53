/*
 * libFuzzer target for the expect engine and the dialog runner: the input
 * is CLI output.  The first byte picks a shipped dialog and the second
 * the read sizes; the rest is handed out as output, on a simulated clock
 * (silence costs no time), to a node that never answers.  The shipped
 * dialogs come from $CERTREGEN_DIALOG_DIR (run it from the source tree
 * with CERTREGEN_DIALOG_DIR=expect).  Each input runs twice, with the
 * engine's resume memo and without (every case searched over the whole
 * buffer on every scan): any difference in what the dialogs return or
 * capture aborts.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "conf.h"
#include "dialog.h"
#include "err.h"
#include "expect.h"
#include "secret.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dialog_set *ds;
static struct secret *pw;

struct feed {
	const uint8_t *p;
	size_t n, pos;
	size_t chunk;
	int64_t now;
};

static int
feed_read(void *arg, char *p, size_t n, int timeout_ms)
{
	struct feed *f = arg;
	size_t k;

	if (f->pos >= f->n)
		return ERR_EOF;
	/* A NUL-free pause marker: 0xff 0xfe stands for silence. */
	if (f->n - f->pos >= 2 && f->p[f->pos] == 0xff &&
	    f->p[f->pos + 1] == 0xfe) {
		f->pos += 2;
		f->now += timeout_ms < 0 ? 1000 : timeout_ms;
		return 0;
	}
	k = f->n - f->pos;
	if (k > f->chunk)
		k = f->chunk;
	if (k > n)
		k = n;
	memcpy(p, f->p + f->pos, k);
	f->pos += k;
	return (int)k;
}

static int
feed_write(void *arg, const char *p, size_t n)
{
	(void)arg;
	(void)p;
	(void)n;
	return 0;
}

static int64_t
feed_clock(void *arg)
{
	return ((struct feed *)arg)->now;
}

static void
sink(void *arg, char dir, const char *p, size_t n)
{
	size_t *total = arg;

	(void)dir;
	(void)p;
	*total += n;
}

static void
setup(void)
{
	struct conf_errors errs;

	if (dialog_set_load(dialog_builtin_dir(), NULL, &ds, &errs) != 0) {
		conf_errors_print(&errs, stderr);
		fprintf(stderr, "fuzz-expect: set CERTREGEN_DIALOG_DIR to the "
		    "expect/ directory\n");
		abort();
	}
	conf_errors_clear(&errs);
	pw = secret_new("S3cr3t!pw", 9);
}

/* What one run gave, to compare the memo's run with the reference. */
struct outcome {
	int rc[2];
	unsigned marks[2];
	struct buf out;
	uint64_t nread;
};

static void
run(const uint8_t *data, size_t size, size_t window, struct outcome *o)
{
	static const struct dialog_param params[] = {
		{ "which", "own" }, { "unit", "tomcat-trust" },
		{ "file", "a.pem" }, { "service", "Cisco Tomcat" },
	};
	struct dialog_param p[4];
	const struct dialog *d;
	struct expect_io io = { feed_read, feed_write, NULL };
	struct dialog_timing t = { 1000, 0, 0 };
	struct dialog_result res;
	struct feed f;
	struct expect *e;
	size_t i, np = 0, total = 0;

	d = dialog_at(ds, data[0] % dialog_count(ds));
	memset(&f, 0, sizeof f);
	f.p = data + 2;
	f.n = size - 2;
	f.chunk = 1 + data[1] % 64;
	io.arg = &f;
	o->rc[0] = o->rc[1] = 1;
	/* A small buffer reaches the full-buffer paths. */
	if ((e = expect_new(&io, data[1] & 0x80 ? 256 : 0)) == NULL)
		return;
	expect_set_memo(e, window);
	expect_set_clock(e, feed_clock, &f);
	expect_set_transcript(e, sink, &total);
	expect_add_secret(e, pw);
	/* The values each dialog declares (valid, so the run gets going). */
	for (i = 0; i < dialog_nparams(d) && np < 4; i++) {
		size_t k;

		for (k = 0; k < 4; k++)
			if (strcmp(params[k].name, dialog_param_name(d, i)) == 0)
				p[np++] = params[k];
	}
	memset(&res, 0, sizeof res);
	buf_init(&res.output, 1 << 20);
	o->rc[0] = dialog_run(d, e, p, np, &t, &res);
	o->marks[0] = res.marks;
	(void)buf_add(&o->out, res.output.data, res.output.len);
	(void)buf_addf(&o->out, "|%s|", res.why);
	buf_reset(&res.output);
	res.marks = 0;
	res.why[0] = '\0';
	/* Whatever is left, read by another dialog on the same session. */
	o->rc[1] = dialog_run(dialog_get(ds, "version"), e, NULL, 0, &t,
	    &res);
	o->marks[1] = res.marks;
	(void)buf_add(&o->out, res.output.data, res.output.len);
	(void)buf_addf(&o->out, "|%s", res.why);
	buf_clear(&res.output);
	o->nread = expect_bytes_read(e);
	expect_free(e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct outcome a, b;

	if (ds == NULL)
		setup();
	if (size < 2)
		return 0;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	buf_init(&a.out, 4 << 20);
	buf_init(&b.out, 4 << 20);
	run(data, size, EXPECT_WINDOW, &a);
	run(data, size, 0, &b);
	if (a.rc[0] != b.rc[0] || a.rc[1] != b.rc[1] ||
	    a.marks[0] != b.marks[0] || a.marks[1] != b.marks[1] ||
	    a.nread != b.nread || a.out.len != b.out.len ||
	    (a.out.len > 0 && memcmp(a.out.data, b.out.data, a.out.len) != 0)) {
		fprintf(stderr, "fuzz-expect: the memo changed a result: rc "
		    "%d/%d vs %d/%d, output %zu vs %zu bytes\n", a.rc[0],
		    a.rc[1], b.rc[0], b.rc[1], a.out.len, b.out.len);
		abort();
	}
	buf_clear(&a.out);
	buf_clear(&b.out);
	return 0;
}

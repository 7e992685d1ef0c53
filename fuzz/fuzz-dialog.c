/*
 * libFuzzer target for the dialog loader (dialog_set_load_mem).  The input
 * is one dialog file beside a fixed common.dialog; an input that starts
 * with "#common\n" is a common.dialog beside a fixed dialog instead.  A
 * set that loads is also run once over silence, so templates, params and
 * steps are exercised.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "conf.h"
#include "dialog.h"
#include "err.h"
#include "expect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char common_text[] =
    "name = \"common\";\nprompt = \"^admin:\";\n"
    "before = ( { name = \"pager\"; match = \"Press <enter>\"; send = \" \";"
    " newline = false; },\n{ name = \"failed\"; match = \"(?i)executed "
    "command unsuccessfully\"; fail = \"failed\"; } );\n";
static const char dialog_text[] =
    "name = \"x\";\ncommand = \"show ${a}\";\nparams = ( { name = \"a\"; "
    "type = \"unit\"; } );\nsteps = ( { name = \"main\"; cases = ( { prompt "
    "= true; next = \"done\"; } ); } );\n";

static int
quiet_read(void *arg, char *p, size_t n, int timeout_ms)
{
	static const char out[] = "x\r\nadmin:";
	size_t *pos = arg;

	(void)timeout_ms;
	if (*pos >= sizeof out - 1)
		return ERR_EOF;
	if (n > sizeof out - 1 - *pos)
		n = sizeof out - 1 - *pos;
	memcpy(p, out + *pos, n);
	*pos += n;
	return (int)n;
}

static int
quiet_write(void *arg, const char *p, size_t n)
{
	(void)arg;
	(void)p;
	(void)n;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dialog_text t[2];
	struct conf_errors errs;
	struct dialog_set *ds = NULL;
	size_t i;

	if (size >= 8 && memcmp(data, "#common\n", 8) == 0) {
		t[0].file = "fuzz/common.dialog";
		t[0].text = (const char *)data;
		t[0].len = size;
		t[1].file = "fuzz/x.dialog";
		t[1].text = dialog_text;
		t[1].len = sizeof dialog_text - 1;
	} else {
		t[0].file = "fuzz/common.dialog";
		t[0].text = common_text;
		t[0].len = sizeof common_text - 1;
		t[1].file = "fuzz/x.dialog";
		t[1].text = (const char *)data;
		t[1].len = size;
	}
	if (dialog_set_load_mem(t, 2, &ds, &errs) == 0) {
		for (i = 0; i < dialog_count(ds); i++) {
			const struct dialog *d = dialog_at(ds, i);
			struct dialog_param p[DIALOG_MAX_PARAMS];
			size_t k, np = dialog_nparams(d);
			struct dialog_timing tm = { 1, 0, 0 };
			struct dialog_result res;
			size_t pos = 0;
			struct expect_io io = { quiet_read, quiet_write, NULL };
			struct expect *e;

			/* A value most types accept. */
			for (k = 0; k < np; k++) {
				p[k].name = dialog_param_name(d, k);
				p[k].value = "tomcat";
			}
			io.arg = &pos;
			if ((e = expect_new(&io, 0)) == NULL)
				break;
			buf_init(&res.output, 4096);
			(void)dialog_run(d, e, p, np, &tm, &res);
			buf_clear(&res.output);
			expect_free(e);
		}
		dialog_set_free(ds);
	}
	conf_errors_clear(&errs);
	return 0;
}

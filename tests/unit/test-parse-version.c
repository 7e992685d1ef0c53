/* Unit tests for parse_version: data/parse/version-*.txt against .out. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "parse.h"
#include "parse-golden.h"
#include "tap.h"

static void
fmt_version(const char *name, const char *in, size_t n, struct buf *out)
{
	char why[512] = "", ver[64] = "";
	int r, major = -1;

	r = parse_version(in, n, ver, sizeof ver, &major, why, sizeof why);
	if (r != 0) {
		golden_err(out, NULL, r, why);
		return;
	}
	buf_addf(out, "version=%s major=%d\n", ver, major);
}

int
main(void)
{
	char small[8], why[256];
	int major = 0;

	ok(golden_run("version-", fmt_version) >= 10, "version samples ran");
	is_int(parse_version("Active Master Version: 12.5.1.12900-115\n", 40,
	    small, sizeof small, &major, why, sizeof why), ERR_TOOBIG,
	    "a version longer than the buffer is ERR_TOOBIG");
	has_str(why, "line 1", "and names the line");
	is_int(parse_version("", 0, NULL, 0, &major, why, sizeof why),
	    ERR_INVAL, "no buffer");
	return tap_done();
}

/* Unit tests for parse_sso_status: data/parse/sso-*.txt against .out. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "parse.h"
#include "parse-golden.h"
#include "tap.h"

static void
fmt_sso(const char *name, const char *in, size_t n, struct buf *out)
{
	char why[512] = "";
	int r, en = -7;

	r = parse_sso_status(in, n, &en, why, sizeof why);
	if (r != 0) {
		golden_err(out, NULL, r, why);
		if (en != -7)
			buf_addstr(out, "BUG: output set on failure\n");
		return;
	}
	buf_addf(out, "enabled=%d\n", en);
}

int
main(void)
{
	ok(golden_run("sso-", fmt_sso) >= 12, "sso samples ran");
	is_int(parse_sso_status("SSO Status: Enabled", 19, NULL, NULL, 0),
	    ERR_INVAL, "NULL out");
	return tap_done();
}

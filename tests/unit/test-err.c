/* Unit tests for the error table. */
#include "config.h"

#include "err.h"
#include "tap.h"

int
main(void)
{
	is_str(err_str(0), "success", "0 is success");
	is_str(err_str(ERR_TIMEOUT), "timed out", "text of ERR_TIMEOUT");
	is_str(err_name(ERR_HOSTKEY_CHANGED), "ERR_HOSTKEY_CHANGED", "name");
	is_str(err_str(-10000), "unknown error", "out of range, negative");
	is_str(err_str(5), "unknown error", "out of range, positive");
	is_str(err_name(-10000), "ERR_UNKNOWN", "unknown name");
	ok(ERR_NOMEM == -1, "numbering starts at -1");
	return tap_done();
}

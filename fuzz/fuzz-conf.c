/* libFuzzer target for the site file loader (conf_load_mem). */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_errors errs;
	struct site *s = NULL;

	/* Relative paths resolve under a directory that does not exist, so a
	 * fuzzed password_file cannot name a real file by accident. */
	if (conf_load_mem("/nonexistent/fuzz/site.conf", (const char *)data,
	    size, &s, &errs) == 0)
		site_free(s);
	conf_errors_clear(&errs);
	return 0;
}

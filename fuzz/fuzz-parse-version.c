/* libFuzzer target for parse_version (`show version active`). */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[256], ver[64];
	int major = 0;

	if (parse_version((const char *)data, size, ver, sizeof ver, &major,
	    why, sizeof why) == 0 &&
	    (major <= 0 || major > 999 || strspn(ver, "0123456789.-") !=
	    strlen(ver)))
		abort();
	return 0;
}

/* libFuzzer target for parse_sso_status (`utils sso status`). */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[256];
	int en = -1;

	if (parse_sso_status((const char *)data, size, &en, why,
	    sizeof why) == 0 && en != 0 && en != 1)
		abort();
	return 0;
}

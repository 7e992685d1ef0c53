/* libFuzzer target for the AXL SOAP reply parsers. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "axl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct axl_group g;
	char why[256];

	(void)axl_parse_get((const char *)data, size, &g, why, sizeof why);
	(void)axl_parse_update((const char *)data, size, why, sizeof why);
	return 0;
}

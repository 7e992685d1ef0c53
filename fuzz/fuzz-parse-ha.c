/* libFuzzer target for parse_ha_status (`utils ha status`). */
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
	struct vos_ha h;
	size_t i;
	char why[256];

	memset(&h, 0, sizeof h);
	if (parse_ha_status((const char *)data, size, &h, why,
	    sizeof why) == 0) {
		for (i = 0; i < h.n; i++)
			if (!parse_valid_host(h.nodes[i].name,
			    strlen(h.nodes[i].name)) ||
			    h.nodes[i].state[0] == '\0')
				abort();
		vos_ha_clear(&h);
	}
	return 0;
}

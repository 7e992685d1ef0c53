/* libFuzzer target for parse_cluster (`show network cluster`). */
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
	struct vos_node *v = NULL;
	size_t n = 0, i;
	char why[256];

	if (parse_cluster((const char *)data, size, &v, &n, why,
	    sizeof why) == 0) {
		/* Every name handed out must pass the strict checks. */
		for (i = 0; i < n; i++)
			if (!parse_valid_host(v[i].fqdn, strlen(v[i].fqdn)) ||
			    !parse_valid_host(v[i].host, strlen(v[i].host)))
				abort();
		free(v);
	}
	return 0;
}

/*
 * libFuzzer target for parse_service_list (strict and skipping) and
 * parse_service_progress.
 */
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
	struct vos_service *v = NULL;
	struct parse_skipped sk;
	enum vos_svc_state st;
	size_t n = 0, i;
	char why[256];

	if (parse_service_list((const char *)data, size, &v, &n, why,
	    sizeof why) == 0)
		free(v);
	v = NULL;
	if (parse_service_list_skip((const char *)data, size, &v, &n, &sk, why,
	    sizeof why) == 0) {
		for (i = 0; i < n; i++)
			if (!parse_valid_service(v[i].name, strlen(v[i].name)))
				abort();
		free(v);
	}
	(void)parse_service_progress((const char *)data, size, "Cisco Tomcat",
	    &st, why, sizeof why);
	return 0;
}

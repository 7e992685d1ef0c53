/*
 * libFuzzer target for parse_cert_show and cert_from_pem / cert_from_der
 * (the same bytes are also tried as DER).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cert_info ci;
	char why[256], *pem = NULL;
	size_t s, l;

	if (parse_cert_show((const char *)data, size, &ci, &pem, why,
	    sizeof why) == 0) {
		if (pem == NULL || strlen(ci.sha256_hex) != 64 ||
		    strchr(pem, '\r') != NULL)
			abort();
		free(pem);
	}
	(void)cert_from_pem((const char *)data, size, &ci, why, sizeof why);
	(void)cert_from_der(data, size, &ci, why, sizeof why);
	if (cert_find_pem((const char *)data, size, &s, &l) == 0 &&
	    (s > size || l > size - s))
		abort();
	return 0;
}

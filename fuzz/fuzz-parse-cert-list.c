/* libFuzzer target for parse_cert_list and parse_cert_list_skip. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct vos_cert_entry *v, size_t n)
{
	size_t i;

	/* Nothing outside the strict sets may come out as a name. */
	for (i = 0; i < n; i++)
		if (!parse_valid_unit(v[i].unit, strlen(v[i].unit)) ||
		    !parse_valid_file(v[i].file, strlen(v[i].file)) ||
		    (v[i].self_signed && v[i].ca_signed))
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vos_cert_entry *v = NULL;
	struct parse_skipped sk;
	size_t n = 0, n2 = 0;
	char why[256];
	int strict;

	strict = parse_cert_list((const char *)data, size, &v, &n, why,
	    sizeof why);
	if (strict == 0) {
		check(v, n);
		free(v);
	}
	v = NULL;
	if (parse_cert_list_skip((const char *)data, size, &v, &n2, &sk, why,
	    sizeof why) == 0) {
		check(v, n2);
		/* Strict success means nothing was skipped, same count. */
		if (strict == 0 && (sk.n != 0 || n2 != n))
			abort();
		free(v);
	}
	return 0;
}

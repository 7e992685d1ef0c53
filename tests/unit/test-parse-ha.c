/* Unit tests for parse_ha_status: data/parse/ha-*.txt against .out. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "parse.h"
#include "parse-golden.h"
#include "tap.h"

static void
fmt_ha(const char *name, const char *in, size_t n, struct buf *out)
{
	struct vos_ha h;
	char why[512] = "";
	size_t i;
	int r;

	memset(&h, 0, sizeof h);
	r = parse_ha_status(in, n, &h, why, sizeof why);
	if (r != 0) {
		golden_err(out, NULL, r, why);
		return;
	}
	buf_addf(out, "enabled=%d nodes=%zu\n", h.enabled, h.n);
	for (i = 0; i < h.n; i++)
		buf_addf(out, "node group=\"%s\" name=\"%s\" state=\"%s\" "
		    "reason=\"%s\"\n", h.nodes[i].group, h.nodes[i].name,
		    h.nodes[i].state, h.nodes[i].reason);
	vos_ha_clear(&h);
}

int
main(void)
{
	struct vos_ha h;
	char why[256];

	ok(golden_run("ha-", fmt_ha) >= 15, "ha samples ran");
	memset(&h, 0, sizeof h);
	is_int(parse_ha_status("Name: A State: Normal", 21, NULL, why,
	    sizeof why), ERR_INVAL, "NULL out");
	vos_ha_clear(&h);
	vos_ha_clear(NULL);
	ok(1, "vos_ha_clear of an empty and a NULL struct");
	return tap_done();
}

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
	struct buf big;
	char why[256];
	size_t i;
	int r;

	ok(golden_run("ha-", fmt_ha) >= 15, "ha samples ran");

	/* The node ceiling: 256 nodes parse, the 257th is refused with the
	 * line that went past it. */
	buf_init(&big, 1u << 20);
	for (i = 0; i < 256; i++)
		buf_addf(&big, "Name: n%zu.example.com State: Normal\n", i);
	memset(&h, 0, sizeof h);
	r = parse_ha_status(big.data, big.len, &h, why, sizeof why);
	is_int(r, 0, "256 nodes parse");
	is_int(h.n, 256, "all 256 of them");
	ok(h.n == 256 && strcmp(h.nodes[255].name, "n255.example.com") == 0,
	    "the last node is kept whole");
	vos_ha_clear(&h);
	buf_addstr(&big, "Name: n256.example.com State: Normal\n");
	buf_addstr(&big, "Name: n257.example.com State: Normal\n");
	why[0] = '\0';
	r = parse_ha_status(big.data, big.len, &h, why, sizeof why);
	is_int(r, ERR_TOOBIG, "257 nodes: ERR_TOOBIG");
	has_str(why, "more than 256 nodes", "the reason says the limit");
	has_str(why, "line 257", "and names the first line too many");
	ok(h.nodes == NULL && h.n == 0, "nothing is handed out on failure");
	buf_clear(&big);

	memset(&h, 0, sizeof h);
	is_int(parse_ha_status("Name: A State: Normal", 21, NULL, why,
	    sizeof why), ERR_INVAL, "NULL out");
	vos_ha_clear(&h);
	vos_ha_clear(NULL);
	ok(1, "vos_ha_clear of an empty and a NULL struct");
	return tap_done();
}

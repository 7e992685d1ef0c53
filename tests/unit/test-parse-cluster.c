/*
 * Unit tests for parse_cluster: the captured and hostile samples in
 * data/parse/cluster-*.txt against their .out, then limits and big inputs.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "err.h"
#include "parse.h"
#include "parse-golden.h"
#include "tap.h"

static const char *const products[] = { "unknown", "cucm", "imp" };

static void
fmt_cluster(const char *name, const char *in, size_t n, struct buf *out)
{
	struct vos_node *v = NULL;
	size_t nv = 0, i;
	char why[512] = "";
	int r;

	r = parse_cluster(in, n, &v, &nv, why, sizeof why);
	if (r != 0) {
		golden_err(out, NULL, r, why);
		return;
	}
	for (i = 0; i < nv; i++)
		buf_addf(out, "node ip=%s fqdn=%s host=%s role=%s product=%s "
		    "db=%s auth=%d local=%d\n", v[i].ip, v[i].fqdn, v[i].host,
		    v[i].cucm_publisher ? "publisher" : "subscriber",
		    products[v[i].product], v[i].db_publisher ? "pub" : "sub",
		    v[i].authenticated, v[i].local);
	free(v);
}

int
main(void)
{
	struct vos_node *v = NULL;
	size_t nv = 0, i;
	char why[512];
	struct buf big;
	clock_t t0;
	int r;

	ok(golden_run("cluster-", fmt_cluster) >= 20, "cluster samples ran");

	/* A line of exactly PARSE_LINE_MAX bytes is fine, one more is not. */
	buf_init(&big, 1u << 26);
	buf_addstr(&big, "10.0.0.1 a.example.com a Publisher callmanager "
	    "DBPub authenticated ");
	while (big.len < PARSE_LINE_MAX)
		buf_add(&big, "x", 1);
	r = parse_cluster(big.data, big.len, &v, &nv, why, sizeof why);
	is_int(r, 0, "a line of exactly PARSE_LINE_MAX bytes parses");
	free(v);
	v = NULL;
	buf_add(&big, "x", 1);
	r = parse_cluster(big.data, big.len, &v, &nv, why, sizeof why);
	is_int(r, ERR_TOOBIG, "PARSE_LINE_MAX + 1 is too long");
	has_str(why, "line 1: line longer than 8192 bytes", "reason names the line");
	ok(v == NULL, "no output on failure");

	/* 40 MB of short non-node lines, then one node: linear time. */
	buf_reset(&big);
	for (i = 0; i < 4000000; i++)
		buf_add(&big, "CUCMPUB.x\n", 10);
	buf_addstr(&big, "10.0.0.1 a.example.com a Publisher callmanager "
	    "DBPub authenticated\n");
	t0 = clock();
	r = parse_cluster(big.data, big.len, &v, &nv, why, sizeof why);
	is_int(r, 0, "40 MB input parses");
	is_int(nv, 1, "one node in it");
	ok((double)(clock() - t0) / CLOCKS_PER_SEC < 10.0,
	    "40 MB in well under 10 s CPU");
	free(v);
	v = NULL;

	/* Too many nodes: PARSE_CLUSTER_MAX parse, one more does not. */
	buf_reset(&big);
	for (i = 0; i < PARSE_CLUSTER_MAX; i++)
		buf_addf(&big, "10.0.%zu.%zu h%zu.example.com h%zu Subscriber "
		    "cups DBSub authenticated using TCP since x\n", i / 250,
		    i % 250, i, i);
	r = parse_cluster(big.data, big.len, &v, &nv, why, sizeof why);
	is_int(r, 0, "PARSE_CLUSTER_MAX nodes parse");
	is_int(nv, PARSE_CLUSTER_MAX, "all of them");
	ok(r == 0 && strcmp(v[nv - 1].host, "h255") == 0,
	    "the last node is kept whole");
	free(v);
	v = NULL;
	buf_addf(&big, "10.0.%zu.%zu h%zu.example.com h%zu Subscriber "
	    "cups DBSub authenticated using TCP since x\n", i / 250,
	    i % 250, i, i);
	r = parse_cluster(big.data, big.len, &v, &nv, why, sizeof why);
	is_int(r, ERR_TOOBIG, "more than PARSE_CLUSTER_MAX nodes");
	has_str(why, "more than 256 node lines", "the reason says the limit");
	has_str(why, "line 257", "the reason names the first line too many");
	/* A repeated node line does not count against the limit. */
	buf_reset(&big);
	for (i = 0; i < 2 * PARSE_CLUSTER_MAX; i++)
		buf_addf(&big, "10.0.0.%zu h%zu.example.com h%zu Subscriber "
		    "cups DBSub authenticated using TCP since x\n", i % 4,
		    i % 4, i % 4);
	r = parse_cluster(big.data, big.len, &v, &nv, why, sizeof why);
	is_int(r, 0, "the same 4 nodes listed 128 times each parse");
	is_int(nv, 4, "as 4 nodes");
	free(v);
	v = NULL;
	buf_clear(&big);

	/* NULL text is an empty output; NULL outputs are ERR_INVAL. */
	r = parse_cluster(NULL, 0, &v, &nv, why, sizeof why);
	is_int(r, ERR_PARSE, "NULL text: no node line");
	r = parse_cluster("", 0, NULL, &nv, why, sizeof why);
	is_int(r, ERR_INVAL, "NULL out: ERR_INVAL");

	ok(parse_valid_host("IMPPUB.example.com", 18), "host ok");
	ok(!parse_valid_host("a..b", 4), "empty label refused");
	ok(!parse_valid_host("-a.b", 4), "leading dash refused");
	ok(!parse_valid_host("a.b.", 4), "trailing dot refused");
	ok(!parse_valid_host("a b", 3), "space refused");
	return tap_done();
}

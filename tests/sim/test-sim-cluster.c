/*
 * test-sim-cluster: the cluster file loader of vos-sim (sim-cluster.c)
 * with hostile files: empty, binary, NUL bytes, huge, deeply nested, very
 * long strings, unknown keys, addresses outside 127/8, duplicate nodes,
 * wrong types.  Every bad file must give an error with FILE:LINE, never a
 * crash or a leak (ASan runs this too), and leave nothing to free.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "sim-cluster.h"
#include "tap.h"

static char dir[] = "/tmp/test-sim-cluster-XXXXXX";
static char errs[65536];

static void
put(const char *name, const char *data, size_t len)
{
	char p[256];
	FILE *fp;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	if ((fp = fopen(p, "wb")) == NULL) {
		perror(p);
		exit(99);
	}
	if (len > 0 && fwrite(data, 1, len, fp) != len)
		exit(99);
	fclose(fp);
}

static void
puts_(const char *name, const char *text)
{
	put(name, text, strlen(text));
}

/* Load bytes as a cluster file; stderr goes to errs. */
static int
load_bytes(struct sim_cluster *cl, const char *data, size_t len)
{
	char p[256], e[256];
	int fd, saved, r;
	ssize_t n;

	put("c.conf", data, len);
	snprintf(p, sizeof p, "%s/c.conf", dir);
	snprintf(e, sizeof e, "%s/err", dir);
	fflush(stderr);
	saved = dup(2);
	if ((fd = open(e, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		exit(99);
	dup2(fd, 2);
	close(fd);
	r = sim_cluster_load(cl, p);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	fd = open(e, O_RDONLY);
	n = fd >= 0 ? read(fd, errs, sizeof errs - 1) : -1;
	errs[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	return r;
}

static int
load(struct sim_cluster *cl, const char *text)
{
	return load_bytes(cl, text, strlen(text));
}

#define GOOD_NODES \
	"nodes = ( { name = \"CUCMPUB\"; ip = \"127.0.30.11\"; product = \"cucm\"; },\n" \
	"  { name = \"IMPPUB\"; ip = \"127.0.30.13\"; product = \"imp\"; } );\n"

/* A bad file: an error, a message with text, a cluster left empty. */
static void
bad(const char *text, const char *msg, const char *what)
{
	struct sim_cluster cl;
	int r = load(&cl, text);

	ok(r != 0, "%s: refused", what);
	if (msg != NULL)
		has_str(errs, msg, "%s: says '%s'", what, msg);
	ok(cl.nodes == NULL && cl.nnodes == 0, "%s: nothing left to free",
	    what);
}

static void
t_good(void)
{
	struct sim_cluster cl;
	int r = load(&cl, "credentials = { password = \"pw\"; };\n"
	    GOOD_NODES);

	is_int(r, 0, "a minimal file loads");
	if (r != 0) {
		tap_diag("%s", errs);
		return;
	}
	is_int(cl.nnodes, 2, "two nodes");
	is_str(cl.nodes[0].fqdn, "cucmpub.sim.lab", "default fqdn");
	ok(cl.nodes[0].cucm_pub && !cl.nodes[1].cucm_pub, "first CUCM node "
	    "is the publisher");
	ok(cl.nodes[1].db_pub, "first IM/P node is the IM/P DB publisher");
	is_int(cl.nodes[1].ports[PORT_S2S], 0, "no s2s port without XMPP "
	    "federation");
	sim_cluster_free(&cl);
}

static void
t_empty_binary_nul(void)
{
	static const char nul[] = "name = \"a\0b\";\n" GOOD_NODES;
	static const char nul2[] = "nodes = (\0 { name = \"X\"; } );";
	char bin[4096];
	size_t i;
	struct sim_cluster cl;
	unsigned v = 12345;

	bad("", "'nodes' must be a non-empty list", "empty file");
	bad("# only a comment\n", "'nodes'", "comment only");
	bad("nodes = ();\n", "non-empty", "no nodes");
	for (i = 0; i < sizeof bin; i++) {
		v = v * 1103515245u + 12345u;
		bin[i] = (char)(v >> 16);
	}
	ok(load_bytes(&cl, bin, sizeof bin) != 0, "binary garbage refused");
	has_str(errs, "c.conf:", "binary garbage: FILE:LINE message");
	ok(cl.nodes == NULL, "binary garbage: nothing left");
	ok(load_bytes(&cl, nul, sizeof nul - 1) != 0 || strchr(cl.name, 'b')
	    == NULL, "a NUL inside a string does not smuggle bytes");
	if (cl.nodes != NULL)
		sim_cluster_free(&cl);
	ok(load_bytes(&cl, nul2, sizeof nul2 - 1) != 0, "a NUL between "
	    "tokens is refused");
	ok(cl.nodes == NULL, "NUL: nothing left");
	bad("\xef\xbb\xbf" "nodes = 5;", NULL, "a byte order mark");
}

static void
t_huge(void)
{
	struct buf b;
	struct sim_cluster cl;
	size_t i;
	int r;

	/* 8 MB of comments before a good file: loads. */
	buf_init(&b, (size_t)64 << 20);
	for (i = 0; i < 100000; i++)
		buf_addstr(&b, "# padding padding padding padding padding pad "
		    "padding padding\n");
	buf_addstr(&b, "credentials = { password = \"pw\"; };\n" GOOD_NODES);
	r = load_bytes(&cl, buf_str(&b), b.len);
	is_int(r, 0, "8 MB of comments then a good file");
	if (r == 0)
		sim_cluster_free(&cl);
	buf_clear(&b);

	/* One string of 1 MB where 64 bytes fit. */
	buf_init(&b, (size_t)8 << 20);
	buf_addstr(&b, "name = \"");
	for (i = 0; i < (1 << 20); i++)
		buf_add(&b, "N", 1);
	buf_addstr(&b, "\";\ncredentials = { password = \"pw\"; };\n"
	    GOOD_NODES);
	bad(buf_str(&b), "'name' is too long", "a 1 MB cluster name");
	buf_clear(&b);

	/* A password longer than the loader's buffer. */
	buf_init(&b, (size_t)8 << 20);
	buf_addstr(&b, "credentials = { password = \"");
	for (i = 0; i < 70000; i++)
		buf_add(&b, "p", 1);
	buf_addstr(&b, "\"; };\n" GOOD_NODES);
	bad(buf_str(&b), "'password' is too long", "a 70 kB password");
	buf_clear(&b);

	/* Node names, fqdn, versions and ca_signed lists at their limits. */
	bad("credentials = { password = \"pw\"; };\n"
	    "nodes = ( { name = \"CUCMPUB\"; ip = \"127.0.30.11\"; product = "
	    "\"cucm\"; fqdn = \"" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "\"; } );", "'fqdn' is too long", "a 128-byte fqdn");
	bad("credentials = { password = \"pw\"; };\n"
	    "nodes = ( { name = \"CUCMPUB\"; ip = \"127.0.30.11\"; product = "
	    "\"cucm\"; version = \"99999999999999999999999.0\"; } );",
	    "is not like", "a version with a huge major");

	/* 257 nodes: more than the simulator serves. */
	buf_init(&b, (size_t)8 << 20);
	buf_addstr(&b, "credentials = { password = \"pw\"; };\nnodes = (\n");
	for (i = 0; i < 257; i++)
		buf_addf(&b, "%s{ name = \"N%zu\"; ip = \"127.0.31.%zu\"; "
		    "product = \"%s\"; ssh_port = %zu; }\n", i ? "," : "", i,
		    i % 250 + 1, i ? "imp" : "cucm", 2000 + i);
	buf_addstr(&b, ");\n");
	bad(buf_str(&b), "at most 256 nodes", "257 nodes");
	buf_clear(&b);
}

static void
t_nesting(void)
{
	struct buf b;
	size_t i;

	buf_init(&b, (size_t)8 << 20);
	buf_addstr(&b, "deep = ");
	for (i = 0; i < 200000; i++)
		buf_add(&b, "(", 1);
	for (i = 0; i < 200000; i++)
		buf_add(&b, ")", 1);
	buf_addstr(&b, ";\n" GOOD_NODES);
	bad(buf_str(&b), "c.conf:", "lists nested 200000 deep");
	buf_clear(&b);

	buf_init(&b, (size_t)8 << 20);
	buf_addstr(&b, "credentials = { password = \"pw\"; };\n" GOOD_NODES
	    "cli = ");
	for (i = 0; i < 5000; i++)
		buf_addstr(&b, "{ x = ");
	buf_addstr(&b, "1;");
	for (i = 0; i < 5000; i++)
		buf_addstr(&b, " };");
	bad(buf_str(&b), "c.conf:", "groups nested 5000 deep");
	buf_clear(&b);
}

static void
t_unknown_and_types(void)
{
	struct sim_cluster cl;
	int r;

	bad("bogus = 1;\ncredentials = { password = \"pw\"; passwd = \"x\"; "
	    "};\n" GOOD_NODES, "c.conf:1: unknown setting 'bogus'",
	    "unknown top-level key, with its line");
	r = load(&cl, "bogus = 1;\ncredentials = { password = \"pw\"; "
	    "passwd = \"x\"; };\ncli = { colour = true; };\n"
	    "nodes = ( { name = \"CUCMPUB\"; ip = \"127.0.30.11\"; product = "
	    "\"cucm\"; rack = 4; } );\n");
	ok(r != 0, "several unknown keys refused");
	has_str(errs, "c.conf:2: unknown setting 'passwd'", "every problem "
	    "in one pass: credentials");
	has_str(errs, "c.conf:3: unknown setting 'colour'", "every problem "
	    "in one pass: cli");
	has_str(errs, "c.conf:4: unknown setting 'rack'", "every problem in "
	    "one pass: node");
	bad("nodes = \"CUCMPUB\";", "'nodes' must be", "nodes as a string");
	bad("nodes = { a = 1; };", "'nodes' must be", "nodes as a group");
	bad("nodes = ( 1, 2 );", "a node is a group", "nodes as numbers");
	bad("credentials = { password = \"pw\"; };\nnodes = ( { name = 5; ip = "
	    "\"127.0.30.11\"; product = \"cucm\"; } );", "'name' must be a "
	    "string", "a numeric node name");
	bad("credentials = { password = 7; };\n" GOOD_NODES, "'password' "
	    "must be a string", "a numeric password");
	bad("time_factor = \"fast\";\ncredentials = { password = \"pw\"; };\n"
	    GOOD_NODES, "'time_factor' must be a number", "time_factor as a "
	    "string");
	bad("time_factor = -1.0;\ncredentials = { password = \"pw\"; };\n"
	    GOOD_NODES, "time_factor is from 0 to 100", "negative time_factor");
	bad("rsa_bits = 1e300;\ncredentials = { password = \"pw\"; };\n"
	    GOOD_NODES, "'rsa_bits' must be an integer", "rsa_bits 1e300");
	bad("rsa_bits = 2048.5;\ncredentials = { password = \"pw\"; };\n"
	    GOOD_NODES, "'rsa_bits' must be an integer", "fractional rsa_bits");
	bad("sso = 1;\ncredentials = { password = \"pw\"; };\n" GOOD_NODES,
	    "'sso' must be true or false", "sso as a number");
	bad("credentials = { password = \"pw\"; methods = [ \"telnet\" ]; };\n"
	    GOOD_NODES, "unknown auth method 'telnet'", "unknown auth method");
	bad("credentials = { password = \"pw\"; methods = ( 1, \"x\" ); };\n"
	    GOOD_NODES, "'methods' must hold strings", "methods with a number");
	bad("credentials = { password = \"pw\"; };\nnodes = ( { name = "
	    "\"CUCMPUB\"; ip = \"127.0.30.11\"; product = \"cucm\"; validity "
	    "= ( 1, 2 ); } );", "validity is a group", "validity as a list");
	bad("credentials = { password = \"pw\"; };\nnodes = ( { name = "
	    "\"CUCMPUB\"; ip = \"127.0.30.11\"; product = \"cucm\"; validity "
	    "= { nounit = 3; }; } );", "no unit 'nounit'", "validity of an "
	    "unknown unit");
	bad("credentials = { password = \"pw\"; };\nnodes = ( { name = "
	    "\"CUCMPUB\"; ip = \"127.0.30.11\"; product = \"cucm\"; services "
	    "= ( { name = \"Cisco Tomcat\"; state = \"STARTING\"; } ); } );",
	    "state is STARTED, STOPPED", "a service state that is transient");
	bad("credentials = { password = \"pw\"; };\n" GOOD_NODES
	    "groups = ( { name = \"G\"; nodes = [ \"CUCMPUB\" ]; } );",
	    "'CUCMPUB' is not an IM/P node", "a group with a CUCM node");
	bad("credentials = { password = \"pw\"; };\n" GOOD_NODES
	    "groups = ( 5 );", "a group needs a name", "a group as a number");
	bad("credentials = { password = \"pw\"; };\n" GOOD_NODES
	    "expired_trust = ( { unit = \"tomcat\"; cn = \"x\"; } );",
	    "ending in -trust", "expired_trust on an identity unit");
	bad("credentials = { password = \"pw\"; };\n" GOOD_NODES
	    "faults = ( { kind = \"explode\"; } );", "unknown fault kind",
	    "an unknown fault kind");
	bad("credentials = { password = \"pw\"; };\n" GOOD_NODES
	    "faults = ( { kind = \"drop\"; match = \"(((\"; } );",
	    "bad regular expression", "a bad fault regex");
	bad("credentials = { password = \"pw\"; };\n" GOOD_NODES
	    "faults = \"drop\";", "'faults' must be a list", "faults as a "
	    "string");
	bad("credentials = { password = \"pw\"; };\nnodes = ( { name = "
	    "\"IMPPUB\"; ip = \"127.0.30.13\"; product = \"imp\"; } );",
	    "needs one CUCM publisher", "no CUCM node");
	bad(GOOD_NODES, "has no password", "no password");
	bad("name = \"a\"; name = \"b\";\n" GOOD_NODES, "c.conf:1:",
	    "a duplicate setting");
}

static void
t_addresses(void)
{
	static const char *const addrs[] = { "10.0.0.1", "128.0.0.1",
		"127.0.0.256", "127.0.0.01", "127.1", "127.0.0.1 ",
		" 127.0.0.1", "127.0.0.-1", "127.+0.0.1", "::1", "",
		"127.0.0.1\n", "localhost", "0x7f.0.0.1", NULL };
	char text[512], what[64];
	struct sim_cluster cl;
	size_t i;
	int r;

	for (i = 0; addrs[i] != NULL; i++) {
		snprintf(text, sizeof text, "credentials = { password = \"pw\"; "
		    "};\nnodes = ( { name = \"CUCMPUB\"; ip = \"%s\"; product = "
		    "\"cucm\"; } );\n", addrs[i]);
		snprintf(what, sizeof what, "ip '%s'", addrs[i]);
		bad(text, "needs an ip on 127.0.0.0/8", what);
	}
	r = load(&cl, "credentials = { password = \"pw\"; };\nnodes = ( { "
	    "name = \"CUCMPUB\"; ip = \"127.255.255.254\"; product = "
	    "\"cucm\"; } );\n");
	is_int(r, 0, "127.255.255.254 is on 127/8");
	if (r == 0)
		sim_cluster_free(&cl);
}

static void
t_duplicates(void)
{
	bad("credentials = { password = \"pw\"; };\nnodes = (\n"
	    "{ name = \"CUCMPUB\"; ip = \"127.0.30.11\"; product = \"cucm\"; },\n"
	    "{ name = \"cucmpub\"; ip = \"127.0.30.12\"; product = \"imp\"; } );",
	    "c.conf:4: node 'cucmpub' listed twice", "the same name twice "
	    "(any case)");
	bad("credentials = { password = \"pw\"; };\nnodes = (\n"
	    "{ name = \"CUCMPUB\"; ip = \"127.0.30.11\"; product = \"cucm\"; },\n"
	    "{ name = \"IMPPUB\"; ip = \"127.0.30.11\"; product = \"imp\"; } );",
	    "share 127.0.30.11:22", "two nodes on one address and port");
	bad("credentials = { password = \"pw\"; };\nnodes = (\n"
	    "{ name = \"A\"; ip = \"127.0.30.11\"; product = \"cucm\"; },\n"
	    "{ name = \"B\"; ip = \"127.0.30.12\"; product = \"cucm\"; "
	    "cucm_role = \"publisher\"; } );", "needs one CUCM publisher",
	    "two CUCM publishers");
	bad("credentials = { password = \"pw\"; };\nnodes = (\n"
	    "{ name = \"bad name\"; ip = \"127.0.30.11\"; product = \"cucm\"; "
	    "} );", "letters, digits", "a node name with a space");
	bad("credentials = { password = \"pw\"; };\nnodes = (\n"
	    "{ name = \"../../etc\"; ip = \"127.0.30.11\"; product = \"cucm\"; "
	    "} );", "letters, digits", "a node name with a path");
	bad("credentials = { password = \"pw\"; };\n" GOOD_NODES
	    "groups = ( { name = \"G1\"; nodes = [ \"IMPPUB\" ]; },\n"
	    "  { name = \"G2\"; nodes = [ \"IMPPUB\" ]; } );",
	    "IMPPUB is in two groups", "a node in two groups");
}

static void
t_scale(void)
{
	struct sim_cluster cl;
	int r;

	/* An infinite delay with a factor of 0 is NaN: it must not reach
	 * an int conversion (UBSan) but mean no delay. */
	r = load(&cl, "time_factor = 0.0;\ndelays = { cli_start = 1e999; "
	    "regen = -1e999; };\ncredentials = { password = \"pw\"; };\n"
	    GOOD_NODES);
	if (r == 0) {
		is_int(cl.cli_start_ms, 0, "inf * 0 scales to 0 ms");
		is_int(cl.regen_ms, 0, "-inf * 0 scales to 0 ms");
		sim_cluster_free(&cl);
	} else {
		ok(1, "1e999 refused by libconfig");
		ok(1, "(no scaling to check)");
	}
	r = load(&cl, "time_factor = 100.0;\ndelays = { cli_start = 1e300; "
	    "};\ncredentials = { password = \"pw\"; };\n" GOOD_NODES);
	is_int(r, 0, "a delay of 1e300 s loads");
	if (r == 0) {
		is_int(cl.cli_start_ms, 3600000, "and is capped at an hour");
		sim_cluster_free(&cl);
	}
}

static void
t_faults_file(void)
{
	struct sim_fault *f = NULL;
	size_t n = 99;
	char p[256];

	snprintf(p, sizeof p, "%s/faults.conf", dir);
	puts_("faults.conf", "faults = ( { kind = \"slow\"; ms = 5; } );");
	is_int(sim_faults_load(p, &f, &n), 0, "a faults.conf loads");
	is_int(n, 1, "one fault");
	sim_faults_free(f, n);
	f = NULL;
	puts_("faults.conf", "faults = ( { kind = \"slow\"; ms = -5; } );");
	ok(sim_faults_load(p, &f, &n) != 0, "a negative ms is refused");
	put("faults.conf", "\x01\x02\x03\xff", 4);
	ok(sim_faults_load(p, &f, &n) != 0, "a binary faults.conf is "
	    "refused");
	snprintf(p, sizeof p, "%s/none.conf", dir);
	ok(sim_faults_load(p, &f, &n) != 0, "a missing file is an error "
	    "(the caller treats it as no faults)");
}

/* The fault kinds of the security tests and their keys. */
static void
t_new_faults(void)
{
	struct sim_fault *f = NULL;
	size_t n = 0;
	char p[256];

	snprintf(p, sizeof p, "%s/faults.conf", dir);
	puts_("faults.conf", "faults = ( { kind = \"huge-line\"; node = "
	    "\"IMPPUB\"; },\n { kind = \"huge-line\"; bytes = 10; },\n"
	    " { kind = \"nul-bytes\"; prefix = \"show cert list\"; },\n"
	    " { kind = \"axl\"; mode = \"reset\"; },\n"
	    " { kind = \"axl\"; mode = \"slow\"; when = \"after\"; "
	    "match = \"^update\"; count = 0; } );");
	is_int(sim_faults_load(p, &f, &n), 0, "new kinds load");
	if (n == 5) {
		is_int(f[0].kind, FAULT_HUGE_LINE, "huge-line");
		is_int(f[0].bytes, 1 << 20, "huge-line: 1 MiB by default");
		is_int(f[0].count, -1, "huge-line: unlimited by default");
		is_int(f[1].bytes, 10, "huge-line: bytes");
		is_int(f[2].kind, FAULT_NUL, "nul-bytes");
		is_int(f[3].kind, FAULT_AXL, "axl");
		is_int(f[3].mode, AXL_MODE_RESET, "axl: mode reset");
		is_int(f[3].count, 1, "axl: once by default");
		is_int(f[4].mode, AXL_MODE_SLOW, "axl: mode slow");
		is_int(f[4].ms, 3000, "axl slow: 3 s by default");
		is_int(f[4].after, 1, "axl: when after");
		is_int(f[4].count, -1, "axl: count 0 is unlimited");
		is_str(sim_axl_mode_name(f[4].mode), "slow", "mode name");
		is_str(sim_fault_kind_name(FAULT_NUL), "nul-bytes",
		    "kind name");
	} else
		ok(0, "five faults (%zu)", n);
	sim_faults_free(f, n);
	f = NULL;
	puts_("faults.conf", "faults = ( { kind = \"axl\"; } );");
	ok(sim_faults_load(p, &f, &n) != 0, "axl without a mode is refused");
	puts_("faults.conf", "faults = ( { kind = \"axl\"; mode = "
	    "\"explode\"; } );");
	ok(sim_faults_load(p, &f, &n) != 0, "an unknown axl mode is refused");
	puts_("faults.conf", "faults = ( { kind = \"slow\"; mode = "
	    "\"reset\"; } );");
	ok(sim_faults_load(p, &f, &n) != 0, "mode on another kind is "
	    "refused");
	puts_("faults.conf", "faults = ( { kind = \"huge-line\"; bytes = 0; "
	    "} );");
	ok(sim_faults_load(p, &f, &n) != 0, "huge-line of 0 bytes is refused");
	puts_("faults.conf", "faults = ( { kind = \"huge-line\"; bytes = "
	    "1000000000; } );");
	ok(sim_faults_load(p, &f, &n) != 0, "huge-line over 64 MiB is "
	    "refused");
	puts_("faults.conf", "faults = ( { kind = \"drop\"; bytes = 5; } );");
	ok(sim_faults_load(p, &f, &n) != 0, "bytes on another kind is "
	    "refused");
}

/* regen_validity: the validity of regenerated certificates. */
static void
t_regen_validity(void)
{
	struct sim_cluster cl;
	int r = load(&cl, "credentials = { password = \"pw\"; };\n"
	    "nodes = ( { name = \"CUCMPUB\"; ip = \"127.0.30.11\"; product = "
	    "\"cucm\"; },\n  { name = \"IMPPUB\"; ip = \"127.0.30.13\"; "
	    "product = \"imp\"; validity = { tomcat = 10; }; regen_validity = "
	    "{ cup = 3; tomcat = -2; }; } );\n");
	struct sim_unit *u;

	is_int(r, 0, "regen_validity loads");
	if (r != 0) {
		tap_diag("%s", errs);
		return;
	}
	u = sim_node_unit(&cl.nodes[1], "tomcat");
	is_int(u->validity_days, 10, "tomcat: first validity 10 days");
	is_int(u->regen_days, -2, "tomcat: regenerated already expired");
	u = sim_node_unit(&cl.nodes[1], "cup");
	is_int(u->validity_days, 1826, "cup: first validity 5 years");
	is_int(u->regen_days, 3, "cup: regenerated for 3 days");
	u = sim_node_unit(&cl.nodes[1], "ipsec");
	is_int(u->regen_days, 0, "ipsec: the default (5 years)");
	sim_cluster_free(&cl);
	bad("credentials = { password = \"pw\"; };\nnodes = ( { name = "
	    "\"CUCMPUB\"; ip = \"127.0.30.11\"; product = \"cucm\"; "
	    "regen_validity = { tomcat = 0; }; } );", "0 days",
	    "regen_validity of 0 days");
	bad("credentials = { password = \"pw\"; };\nnodes = ( { name = "
	    "\"CUCMPUB\"; ip = \"127.0.30.11\"; product = \"cucm\"; "
	    "regen_validity = { cup = 3; }; } );", "no unit 'cup'",
	    "regen_validity of a unit the node lacks");
	bad("credentials = { password = \"pw\"; };\nnodes = ( { name = "
	    "\"CUCMPUB\"; ip = \"127.0.30.11\"; product = \"cucm\"; "
	    "regen_validity = 5; } );", "regen_validity is a group",
	    "regen_validity as a number");
	bad("credentials = { password = \"pw\"; };\nnodes = ( { name = "
	    "\"CUCMPUB\"; ip = \"127.0.30.11\"; product = \"cucm\"; "
	    "regen_validity = { tomcat = \"long\"; }; } );", "must be a number",
	    "regen_validity as a string");
}

int
main(void)
{
	char p[256];

	if (mkdtemp(dir) == NULL)
		return 99;
	t_good();
	t_empty_binary_nul();
	t_huge();
	t_nesting();
	t_unknown_and_types();
	t_addresses();
	t_duplicates();
	t_scale();
	t_faults_file();
	t_new_faults();
	t_regen_validity();
	snprintf(p, sizeof p, "%s/c.conf", dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/err", dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/faults.conf", dir);
	unlink(p);
	rmdir(dir);
	return tap_done();
}

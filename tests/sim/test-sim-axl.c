/*
 * test-sim-axl: the simulator's AXL endpoint (sim-axl.c) called directly
 * with hostile requests: no or bad auth, malformed and huge bodies,
 * external entities (XXE) and entity expansion, DTDs, unknown requests,
 * names that need escaping.  No secret may leak, no file may be read, no
 * request may change HA unless it is a valid authenticated update.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "sim-axl.h"
#include "sim-cluster.h"
#include "sim-fault.h"
#include "sim-util.h"
#include "tap.h"

static char dir[] = "/tmp/test-sim-axl-XXXXXX";
static struct sim_cluster cl;
/* "axladmin:s3cret" */
#define AUTH "Basic YXhsYWRtaW46czNjcmV0"

static struct buf resp;

static int last_rc;     /* axl_handle's AXL_REPLY or AXL_RESET */

static const char *
post(const char *auth, const char *body, size_t len)
{
	struct axl_request req;

	buf_clear(&resp);
	buf_init(&resp, (size_t)4 << 20);
	memset(&req, 0, sizeof req);
	req.method = "POST";
	req.path = "/axl/";
	req.authorization = auth;
	req.body = body;
	req.body_len = len;
	last_rc = axl_handle(&cl, &cl.nodes[0], &req, &resp);
	return buf_str(&resp);
}

static const char *
posts(const char *auth, const char *body)
{
	return post(auth, body, strlen(body));
}

#define ENV_OPEN "<soapenv:Envelope xmlns:soapenv=\"http://schemas." \
	"xmlsoap.org/soap/envelope/\" xmlns:ns=\"http://www.cisco.com/AXL/" \
	"API/14.0\"><soapenv:Body>"
#define ENV_CLOSE "</soapenv:Body></soapenv:Envelope>"
#define GET(name) ENV_OPEN "<ns:getPresenceRedundancyGroup><name>" name \
	"</name></ns:getPresenceRedundancyGroup>" ENV_CLOSE
#define SET(name, v) ENV_OPEN "<ns:updatePresenceRedundancyGroup><name>" \
	name "</name><haEnabled>" v "</haEnabled>" \
	"</ns:updatePresenceRedundancyGroup>" ENV_CLOSE

static void
t_auth(void)
{
	const char *r;

	r = posts(NULL, GET("G1"));
	has_str(r, "HTTP/1.1 401", "no Authorization: 401");
	ok(strstr(r, "<haEnabled>") == NULL, "no auth: no data");
	r = posts("Basic YXhsYWRtaW46d3Jvbmc=", GET("G1"));
	has_str(r, "HTTP/1.1 401", "wrong password: 401");
	ok(strstr(r, "s3cret") == NULL, "the password is not echoed");
	has_str(posts("Bearer xyz", GET("G1")), "HTTP/1.1 401", "another "
	    "scheme: 401");
	has_str(posts("Basic", GET("G1")), "HTTP/1.1 401", "Basic alone: "
	    "401");
	has_str(posts("Basic !!!!", GET("G1")), "HTTP/1.1 401", "bad base64: "
	    "401");
	has_str(posts("Basic YXhsYWRtaW46czNjcmV0YQ==", GET("G1")),
	    "HTTP/1.1 401", "a longer password: 401");
	has_str(posts("Basic YXhsYWRtaW46czNjcmV", GET("G1")), "HTTP/1.1 401",
	    "truncated base64: 401");
	{
		char big[3000];

		memset(big, 'A', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		memcpy(big, "Basic ", 6);
		has_str(posts(big, GET("G1")), "HTTP/1.1 401", "a 3 kB "
		    "credential: 401");
	}
	r = posts(AUTH, GET("G1"));
	has_str(r, "HTTP/1.1 200", "good auth: 200");
	has_str(r, "<haEnabled>false</haEnabled>", "G1 has HA off");
}

static void
t_malformed(void)
{
	static const char nul[] = ENV_OPEN "<ns:getPresence\0RedundancyGroup>"
	    "<name>G1</name></ns:getPresenceRedundancyGroup>" ENV_CLOSE;
	struct buf b;
	size_t i;
	const char *r;

	has_str(posts(AUTH, ""), "Malformed SOAP request", "an empty body");
	has_str(posts(AUTH, "not xml at all"), "Malformed SOAP request",
	    "text");
	has_str(posts(AUTH, "<a><b></a>"), "Malformed SOAP request",
	    "broken XML");
	has_str(posts(AUTH, ENV_OPEN ENV_CLOSE), "Malformed SOAP request",
	    "an empty Body");
	has_str(posts(AUTH, "<Envelope><Header/></Envelope>"),
	    "Malformed SOAP request", "no Body");
	has_str(post(AUTH, nul, sizeof nul - 1), "HTTP/1.1 500", "a NUL "
	    "in the body");
	has_str(posts(AUTH, ENV_OPEN "<ns:executeSQLQuery><sql>select * from "
	    "enduser</sql></ns:executeSQLQuery>" ENV_CLOSE), "<axlcode>5002"
	    "</axlcode>", "another request: fault 5002");
	r = posts(AUTH, ENV_OPEN "<ns:x&amp;y/>" ENV_CLOSE);
	has_str(r, "HTTP/1.1 500", "a bad element name");
	has_str(posts(AUTH, GET("nosuchgroup")), "<axlcode>5007</axlcode>",
	    "an unknown group: 5007");
	r = posts(AUTH, SET("G1", "maybe"));
	has_str(r, "haEnabled must be true or false", "haEnabled maybe");
	r = posts(AUTH, ENV_OPEN "<ns:updatePresenceRedundancyGroup><name>G1"
	    "</name></ns:updatePresenceRedundancyGroup>" ENV_CLOSE);
	has_str(r, "haEnabled must be true or false", "no haEnabled");
	ok(cl.groups[0].ha == 0, "none of these changed HA");

	/* 3 MB of nested elements inside the name. */
	buf_init(&b, (size_t)16 << 20);
	buf_addstr(&b, ENV_OPEN "<ns:getPresenceRedundancyGroup><name>");
	for (i = 0; i < 100000; i++)
		buf_addstr(&b, "<a>");
	buf_addstr(&b, "G1");
	for (i = 0; i < 100000; i++)
		buf_addstr(&b, "</a>");
	buf_addstr(&b, "</name></ns:getPresenceRedundancyGroup>" ENV_CLOSE);
	r = post(AUTH, buf_str(&b), b.len);
	has_str(r, "HTTP/1.1 500", "elements nested 100000 deep: refused "
	    "(libxml2's depth limit)");
	buf_clear(&b);

	/* A 4 MB group name. */
	buf_init(&b, (size_t)16 << 20);
	buf_addstr(&b, ENV_OPEN "<ns:getPresenceRedundancyGroup><name>");
	for (i = 0; i < ((size_t)4 << 20); i++)
		buf_add(&b, "G", 1);
	buf_addstr(&b, "</name></ns:getPresenceRedundancyGroup>" ENV_CLOSE);
	r = post(AUTH, buf_str(&b), b.len);
	has_str(r, "<axlcode>5007</axlcode>", "a 4 MB name: not found");
	ok(resp.len < 4096, "and the name is not echoed (%zu bytes)",
	    resp.len);
	buf_clear(&b);

	/* A 1 MB element name. */
	buf_init(&b, (size_t)16 << 20);
	buf_addstr(&b, ENV_OPEN "<ns:");
	for (i = 0; i < (1 << 20); i++)
		buf_add(&b, "q", 1);
	buf_addstr(&b, "/>" ENV_CLOSE);
	r = post(AUTH, buf_str(&b), b.len);
	has_str(r, "HTTP/1.1 500", "a 1 MB request name: a fault");
	ok(resp.len < 4096, "with the name cut short (%zu bytes)", resp.len);
	buf_clear(&b);

	/* The echoed request name is escaped. */
	r = posts(AUTH, ENV_OPEN "<ns:a xmlns:x=\"&lt;script&gt;\"/>"
	    ENV_CLOSE);
	ok(strstr(r, "<script>") == NULL, "nothing unescaped is echoed");
}

static void
t_entities(void)
{
	char p[512], body[2048];
	FILE *fp;
	const char *r;

	/* A file holding a group's name: an external entity must not be
	 * able to turn it into a match. */
	snprintf(p, sizeof p, "%s/secret.txt", dir);
	if ((fp = fopen(p, "w")) == NULL)
		exit(99);
	fputs("G1", fp);
	fclose(fp);
	snprintf(body, sizeof body, "<?xml version=\"1.0\"?>"
	    "<!DOCTYPE e [<!ENTITY x SYSTEM \"file://%s\">]>"
	    GET("&x;"), p);
	r = posts(AUTH, body);
	ok(strstr(r, "<haEnabled>") == NULL, "XXE: the external entity is "
	    "not loaded");
	has_str(r, "HTTP/1.1 500", "XXE: a fault");
	snprintf(body, sizeof body, "<?xml version=\"1.0\"?>"
	    "<!DOCTYPE e [<!ENTITY x SYSTEM \"file://%s\">]>"
	    SET("&x;", "true"), p);
	posts(AUTH, body);
	ok(cl.groups[0].ha == 0, "XXE: an update through an entity changes "
	    "nothing");
	snprintf(body, sizeof body, "<?xml version=\"1.0\"?>"
	    "<!DOCTYPE e SYSTEM \"file://%s\">" GET("G1"), p);
	r = posts(AUTH, body);
	has_str(r, "HTTP/1.1", "an external DTD: answered");
	snprintf(body, sizeof body, "<?xml version=\"1.0\"?>"
	    "<!DOCTYPE e [<!ENTITY %% d SYSTEM \"http://127.0.30.1:9/x.dtd\">"
	    "%%d;]>" GET("G1"));
	r = posts(AUTH, body);
	has_str(r, "HTTP/1.1", "a parameter entity over the network: "
	    "answered without fetching");

	/* Billion laughs: expansion is refused or bounded. */
	r = posts(AUTH, "<?xml version=\"1.0\"?><!DOCTYPE l ["
	    "<!ENTITY a \"aaaaaaaaaa\">"
	    "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
	    "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
	    "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
	    "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">"
	    "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">"
	    "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">"
	    "<!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">"
	    "<!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">"
	    "]>" GET("&i;"));
	has_str(r, "HTTP/1.1 500", "billion laughs: a fault, in bounded "
	    "time");
	ok(resp.len < 4096, "billion laughs: no expansion in the reply");

	/* An internal entity is text, not a way around the checks. */
	r = posts(AUTH, "<?xml version=\"1.0\"?><!DOCTYPE l ["
	    "<!ENTITY n \"G1\">]>" SET("&n;", "true"));
	ok(strstr(r, "HTTP/1.1 200") == NULL || cl.groups[0].ha == 1,
	    "an internal entity: either refused or taken as its text");
	posts(AUTH, SET("G1", "false"));
	ok(cl.groups[0].ha == 0, "a plain update sets HA back");
}

static void
t_other(void)
{
	struct axl_request req;

	memset(&req, 0, sizeof req);
	buf_clear(&resp);
	buf_init(&resp, 1 << 20);
	req.method = "GET";
	req.path = "/axl/";
	req.authorization = AUTH;
	req.body = "";
	axl_handle(&cl, &cl.nodes[0], &req, &resp);
	has_str(buf_str(&resp), "Use HTTP POST", "GET /axl/: the banner");
	buf_clear(&resp);
	buf_init(&resp, 1 << 20);
	req.path = "/axlfoo";
	axl_handle(&cl, &cl.nodes[0], &req, &resp);
	has_str(buf_str(&resp), "HTTP/1.1 404", "/axlfoo: 404");
	has_str(posts(AUTH, SET("G1", "true")), "HTTP/1.1 200", "a valid "
	    "update: 200");
	ok(cl.groups[0].ha == 1, "and HA is on");
	posts(AUTH, SET("G1", "false"));
}

/* Swap in a fault list as SIGHUP would. */
static void
set_faults(const char *text)
{
	char p[600];
	FILE *fp;

	snprintf(p, sizeof p, "%s/faults.conf", dir);
	if ((fp = fopen(p, "w")) == NULL)
		exit(99);
	fputs(text, fp);
	fclose(fp);
	if (fault_reload(&cl) != 0)
		exit(99);
	unlink(p);
}

/* The axl fault kind, every mode, before and after. */
static void
t_faults(void)
{
	const char *r;
	int64_t t0;

	set_faults("faults = ( { kind = \"axl\"; mode = \"soap-fault\"; "
	    "match = \"^update\"; } );");
	r = posts(AUTH, GET("G1"));
	has_str(r, "HTTP/1.1 200", "axl soap-fault on updates: a get is "
	    "served");
	r = posts("Basic bm86bm8=", SET("G1", "true"));
	has_str(r, "HTTP/1.1 401", "a request with bad credentials does not "
	    "take the fault");
	r = posts(AUTH, SET("G1", "true"));
	has_str(r, "HTTP/1.1 500", "soap-fault: HTTP 500");
	has_str(r, "<faultcode>soapenv:Server</faultcode>", "soap-fault: a "
	    "SOAP fault");
	has_str(r, "<axlcode>-1</axlcode>", "soap-fault: axlcode -1");
	ok(cl.groups[0].ha == 0, "soap-fault before: HA not changed");
	r = posts(AUTH, SET("G1", "true"));
	has_str(r, "HTTP/1.1 200", "the fault fired once (count 1)");
	ok(cl.groups[0].ha == 1, "and the next update is carried out");
	posts(AUTH, SET("G1", "false"));

	set_faults("faults = ( { kind = \"axl\"; mode = \"http-500\"; "
	    "when = \"after\"; } );");
	r = posts(AUTH, SET("G1", "true"));
	has_str(r, "HTTP/1.1 500 Internal Server Error", "http-500: status");
	has_str(r, "Content-Type: text/html", "http-500: an HTML page");
	ok(strstr(r, "Envelope") == NULL, "http-500: no SOAP");
	ok(cl.groups[0].ha == 1, "http-500 after: the update was carried "
	    "out");
	posts(AUTH, SET("G1", "false"));

	set_faults("faults = ( { kind = \"axl\"; mode = \"reset\"; } );");
	r = posts(AUTH, SET("G1", "true"));
	is_int(last_rc, AXL_RESET, "reset: the connection is to be reset");
	is_int(resp.len, 0, "reset: no reply");
	ok(cl.groups[0].ha == 0, "reset before: HA not changed");
	posts(AUTH, GET("G1"));
	is_int(last_rc, AXL_REPLY, "reset: once");

	set_faults("faults = ( { kind = \"axl\"; mode = \"slow\"; ms = 300; "
	    "} );");
	t0 = sim_now_ms();
	r = posts(AUTH, GET("G1"));
	ok(sim_now_ms() - t0 >= 300, "slow: the reply takes 300 ms (%d)",
	    (int)(sim_now_ms() - t0));
	has_str(r, "<haEnabled>false</haEnabled>", "slow: then the normal "
	    "reply");
	set_faults("faults = ( );");
}

int
main(void)
{
	char p[512];
	FILE *fp;

	if (mkdtemp(dir) == NULL)
		return 99;
	snprintf(p, sizeof p, "%s/c.conf", dir);
	if ((fp = fopen(p, "w")) == NULL)
		return 99;
	fputs("time_factor = 0.0;\ncredentials = { password = \"pw\"; };\n"
	    "axl = { password = \"s3cret\"; };\n"
	    "nodes = ( { name = \"CUCMPUB\"; ip = \"127.0.30.11\"; product = "
	    "\"cucm\"; },\n { name = \"IMPPUB\"; ip = \"127.0.30.13\"; "
	    "product = \"imp\"; } );\n"
	    "groups = ( { name = \"G1\"; nodes = [ \"IMPPUB\" ]; } );\n", fp);
	fclose(fp);
	if (sim_cluster_load(&cl, p) != 0)
		return 99;
	unlink(p);
	snprintf(cl.statedir, sizeof cl.statedir, "%s", dir);
	buf_init(&resp, 1 << 20);
	t_auth();
	t_malformed();
	t_entities();
	t_other();
	t_faults();
	buf_clear(&resp);
	sim_cluster_free(&cl);
	snprintf(p, sizeof p, "%s/secret.txt", dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/cluster-state.json", dir);
	unlink(p);
	rmdir(dir);
	return tap_done();
}

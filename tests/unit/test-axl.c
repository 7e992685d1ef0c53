/* Unit tests for the AXL reply parsers: real envelopes, faults, hostile XML. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "axl.h"
#include "buf.h"
#include "err.h"
#include "tap.h"

/*
 * The failure classification (axl_cut_off, axl_check_500, axl_pin_from_file)
 * is static in axl.c: the file itself is compiled in here, so the tests run
 * the real code; the archive's axl.o is then not linked.
 */
#include "axl.c"

static const char get_reply[] =
    "<?xml version='1.0' encoding='UTF-8'?>"
    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">"
    "<soapenv:Body><ns:getPresenceRedundancyGroupResponse "
    "xmlns:ns=\"http://www.cisco.com/AXL/API/12.5\"><return>"
    "<presenceRedundancyGroup uuid=\"{1B1B9EB6-7803-11D3-BDF0-00108302EAD1}\">"
    "<name>DefaultCUPSubcluster</name><description/>"
    "<server1 uuid=\"{A}\">imppub.demo.lab</server1>"
    "<server2 uuid=\"{B}\">impsub1.demo.lab</server2>"
    "<haEnabled>true</haEnabled></presenceRedundancyGroup></return>"
    "</ns:getPresenceRedundancyGroupResponse></soapenv:Body></soapenv:Envelope>";

static const char update_reply[] =
    "<?xml version='1.0' encoding='UTF-8'?>"
    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">"
    "<soapenv:Body><ns:updatePresenceRedundancyGroupResponse "
    "xmlns:ns=\"http://www.cisco.com/AXL/API/14.0\">"
    "<return>{1B1B9EB6-7803-11D3-BDF0-00108302EAD1}</return>"
    "</ns:updatePresenceRedundancyGroupResponse></soapenv:Body>"
    "</soapenv:Envelope>";

static const char fault_reply[] =
    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">"
    "<soapenv:Body><soapenv:Fault><faultcode>soapenv:Client</faultcode>"
    "<faultstring>Item not valid: The specified Presence Redundancy Group "
    "was not found</faultstring><detail><axlError><axlcode>5007</axlcode>"
    "</axlError></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>";

/* Every error code: the transient ones are exactly these. */
static void
test_transient(void)
{
#define AXL_T_(name, text) { name, #name },
	static const struct {
		int err;
		const char *name;
	} all[] = { ERR_TABLE(AXL_T_) };
#undef AXL_T_
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof all / sizeof all[0]; i++) {
		int want = all[i].err == ERR_CONNECT ||
		    all[i].err == ERR_TIMEOUT || all[i].err == ERR_HTTP;

		if (axl_transient(all[i].err) != want) {
			tap_diag("%s: %d", all[i].name,
			    axl_transient(all[i].err));
			bad++;
		}
	}
	is_int(bad, 0, "transient: only ERR_CONNECT, ERR_TIMEOUT, ERR_HTTP "
	    "of the %zu codes", sizeof all / sizeof all[0]);
	ok(!axl_transient(ERR_AXL), "a SOAP fault or 4xx (ERR_AXL): never");
	ok(!axl_transient(ERR_AUTH), "401/403 (ERR_AUTH): never");
	ok(!axl_transient(ERR_TLS), "a refused certificate or pin (ERR_TLS): "
	    "never");
	ok(!axl_transient(ERR_CRYPTO) && !axl_transient(ERR_IO),
	    "an unreadable pin file: never");
	ok(!axl_transient(ERR_PARSE), "a 200 reply that is not AXL: never");
	ok(!axl_transient(0), "success is not retried");
	ok(!axl_transient(1) && !axl_transient(-1000) &&
	    !axl_transient(-2147483647 - 1) && !axl_transient(2147483647),
	    "codes outside the table: never");
}

/* curl's messages for a failed handshake: the connection cut, or a
 * certificate refused. */
static void
test_cut_off(void)
{
	static const char *const cut[] = {
		"OpenSSL SSL_connect: Connection reset by peer in connection "
		    "to cucm:8443",
		"OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to "
		    "cucm:8443",
		"error:0A000126:SSL routines::unexpected eof while reading",
		"Failed to connect to cucm port 8443: Connection refused",
		"Send failure: Broken pipe",
		"TLS connect error: connection closed abruptly",
		"RESET BY PEER",
		"ssl_error_syscall",
	};
	static const char *const cert[] = {
		"SSL certificate problem: self-signed certificate",
		"SSL certificate problem: certificate rejected",
		"SSL certificate problem: unable to get local issuer "
		    "certificate",
		"OpenSSL/3.0.11: error:0A000086:SSL routines::certificate "
		    "verify failed",
		"error:0A000410:SSL routines::sslv3 alert handshake failure",
		"",
		"reset by pee",
		"connection-refused.example: no alternative certificate "
		    "subject name matches",
		"Connection\x1b[2J refused",
	};
	size_t i;
	char *big;

	for (i = 0; i < sizeof cut / sizeof cut[0]; i++)
		ok(axl_cut_off(cut[i]), "cut off: \"%s\"", cut[i]);
	for (i = 0; i < sizeof cert / sizeof cert[0]; i++)
		ok(!axl_cut_off(cert[i]), "not cut off: \"%s\"", cert[i]);
	/* A long message (curl's buffer is CURL_ERROR_SIZE; the function
	 * takes any string). */
	if ((big = malloc(1 << 20)) == NULL)
		abort();
	memset(big, 'x', (1 << 20) - 1);
	big[(1 << 20) - 1] = '\0';
	ok(!axl_cut_off(big), "a 1 MiB message without a pattern");
	memcpy(big + (1 << 20) - 1 - 13, "reset by peer", 13);
	ok(axl_cut_off(big), "the pattern at the very end");
	free(big);
}

static const char url[] = "https://cucm.example:8443/axl/";

/* HTTP 500: a SOAP fault stays a fault (not retried); anything else is the
 * server's trouble (retried).  Other codes pass the parser's result on. */
static void
test_check_500(void)
{
	static const char html[] = "<html><body>Internal Server Error"
	    "</body></html>";
	static const char torn[] = "<soapenv:Envelope xmlns:soapenv=\"http://"
	    "schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body><soapenv:Fault>"
	    "<faultcode>soapenv:Server</faultcode><faultstring>Cann";
	static const char empty_fault[] = "<Envelope><Body><Fault><faultcode>"
	    "Server</faultcode><faultstring/></Fault></Body></Envelope>";
	struct axl_group g;
	char why[512];
	struct buf b;
	int r;

	/* The real parsers' results, as axl_get_group and axl_set_ha pass
	 * them. */
	r = axl_check_500(axl_parse_get(fault_reply, sizeof fault_reply - 1, &g,
	    why, sizeof why), 500, url, why, sizeof why);
	is_int(r, ERR_AXL, "500 with a SOAP fault: ERR_AXL");
	ok(!axl_transient(r), "not retried");
	has_str(why, "was not found", "the faultstring is the message");
	r = axl_check_500(axl_parse_update(fault_reply, sizeof fault_reply - 1,
	    why, sizeof why), 500, url, why, sizeof why);
	ok(r == ERR_AXL && !axl_transient(r), "update: a fault is not retried");
	r = axl_check_500(axl_parse_get(html, sizeof html - 1, &g, why,
	    sizeof why), 500, url, why, sizeof why);
	is_int(r, ERR_HTTP, "500 with an HTML page: ERR_HTTP");
	ok(axl_transient(r), "retried");
	is_str(why, "https://cucm.example:8443/axl/: HTTP 500 without a SOAP "
	    "fault", "and says so");
	r = axl_check_500(axl_parse_update(html, sizeof html - 1, why,
	    sizeof why), 500, url, why, sizeof why);
	ok(r == ERR_HTTP && axl_transient(r), "update: 500 HTML retried");
	r = axl_check_500(axl_parse_get("", 0, &g, why, sizeof why), 500, url,
	    why, sizeof why);
	ok(r == ERR_HTTP && axl_transient(r), "500 with no body: retried");
	r = axl_check_500(axl_parse_get(torn, sizeof torn - 1, &g, why,
	    sizeof why), 500, url, why, sizeof why);
	ok(r == ERR_HTTP && axl_transient(r),
	    "500 with a torn fault (not XML): retried");
	r = axl_check_500(axl_parse_get(empty_fault, sizeof empty_fault - 1, &g,
	    why, sizeof why), 500, url, why, sizeof why);
	ok(r == ERR_AXL && !axl_transient(r),
	    "an empty faultstring is a fault all the same");
	r = axl_check_500(axl_parse_get(get_reply, sizeof get_reply - 1, &g,
	    why, sizeof why), 500, url, why, sizeof why);
	ok(r == ERR_HTTP && axl_transient(r),
	    "500 with a success body is not success");
	/* Not 500: the parser's result as it is. */
	is_int(axl_check_500(0, 200, url, why, sizeof why), 0, "200 ok");
	is_int(axl_check_500(ERR_PARSE, 200, url, why, sizeof why), ERR_PARSE,
	    "200 not AXL: ERR_PARSE");
	ok(!axl_transient(ERR_PARSE), "not retried");
	is_int(axl_check_500(ERR_AXL, 200, url, why, sizeof why), ERR_AXL,
	    "200 with a fault: ERR_AXL");
	is_int(axl_check_500(ERR_PARSE, 0, url, why, sizeof why), ERR_PARSE,
	    "no code: unchanged");
	is_int(axl_check_500(ERR_PARSE, 501, url, why, sizeof why), ERR_PARSE,
	    "only 500 is looked at here (5xx are ERR_HTTP before a parse)");
	/* A hostile fault text: bounded and escaped, still a fault. */
	buf_init(&b, 2 * 1024 * 1024);
	buf_addstr(&b, "<Envelope><Body><Fault><faultstring>\xc2\x9b" "2J");
	while (b.len < 1024 * 1024)
		buf_addstr(&b, "overlong fault text ");
	buf_addstr(&b, "</faultstring></Fault></Body></Envelope>");
	r = axl_check_500(axl_parse_update(buf_str(&b), b.len, why, sizeof why),
	    500, url, why, sizeof why);
	ok(r == ERR_AXL && !axl_transient(r), "a 1 MiB faultstring: a fault");
	ok(strlen(why) < sizeof why, "its message bounded");
	ok(strncmp(why, "\\xc2\\x9b2J", 10) == 0, "and escaped");
	buf_clear(&b);
}

/* A pin that cannot be read is refused before any connection: never
 * retried. */
static void
test_pin_file(void)
{
	char dirt[] = "/tmp/certregen-axl-XXXXXX", path[256], hex[129];
	char why[512];
	FILE *fp;
	int r;

	if (mkdtemp(dirt) == NULL)
		abort();
	snprintf(path, sizeof path, "%s/missing.pem", dirt);
	r = axl_pin_from_file(path, hex, sizeof hex, why, sizeof why);
	ok(r == ERR_IO && !axl_transient(r), "a missing pin file: ERR_IO, "
	    "not retried");
	has_str(why, "cannot read", "and says so");
	snprintf(path, sizeof path, "%s/bad.pem", dirt);
	if ((fp = fopen(path, "w")) == NULL)
		abort();
	fputs("-----BEGIN CERTIFICATE-----\n!!!not base64\x1b[2J\n"
	    "-----END CERTIFICATE-----\n", fp);
	fclose(fp);
	r = axl_pin_from_file(path, hex, sizeof hex, why, sizeof why);
	ok(r == ERR_CRYPTO && !axl_transient(r), "a broken PEM: ERR_CRYPTO, "
	    "not retried");
	has_str(why, "holds no PEM certificate", "and says so");
	unlink(path);
	r = axl_pin_from_file(dirt, hex, sizeof hex, why, sizeof why);
	ok(r != 0 && !axl_transient(r), "a directory: refused, not retried");
	rmdir(dirt);
}

int
main(void)
{
	struct axl_group g;
	char why[512];
	struct buf b;
	size_t i;

	is_int(axl_parse_get(get_reply, sizeof get_reply - 1, &g, why,
	    sizeof why), 0, "a get reply parses");
	is_str(g.name, "DefaultCUPSubcluster", "group name");
	is_str(g.server1, "imppub.demo.lab", "server1");
	is_str(g.server2, "impsub1.demo.lab", "server2");
	is_int(g.ha_enabled, 1, "haEnabled true");
	{
		char *off = strdup(get_reply);
		char *p = strstr(off, ">true<");

		memcpy(p, ">f<", 3);
		memmove(p + 3, p + 6, strlen(p + 6) + 1);
		is_int(axl_parse_get(off, strlen(off), &g, why, sizeof why), 0,
		    "haEnabled 'f' (the database form)");
		is_int(g.ha_enabled, 0, "is false");
		free(off);
	}
	is_int(axl_parse_update(update_reply, sizeof update_reply - 1, why,
	    sizeof why), 0, "an update reply parses");
	is_int(axl_parse_get(fault_reply, sizeof fault_reply - 1, &g, why,
	    sizeof why), ERR_AXL, "a SOAP fault is ERR_AXL");
	has_str(why, "was not found", "with its faultstring");
	is_int(axl_parse_update(fault_reply, sizeof fault_reply - 1, why,
	    sizeof why), ERR_AXL, "a fault on update too");
	is_int(axl_parse_get("", 0, &g, why, sizeof why), ERR_PARSE, "empty");
	is_int(axl_parse_get("<html>Login</html>", 18, &g, why, sizeof why),
	    ERR_PARSE, "an HTML page has no haEnabled");
	has_str(why, "no haEnabled", "and says so");
	is_int(axl_parse_get("not xml at all", 14, &g, why, sizeof why),
	    ERR_PARSE, "not XML");
	is_int(axl_parse_get("<a><haEnabled>maybe</haEnabled></a>", 35, &g, why,
	    sizeof why), ERR_PARSE, "haEnabled neither true nor false");
	is_int(axl_parse_update("<a/>", 4, why, sizeof why), ERR_PARSE,
	    "an update reply without return");
	/* An external entity must not be fetched or expanded. */
	{
		static const char xxe[] =
		    "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM "
		    "\"file:///etc/passwd\">]><r><haEnabled>true</haEnabled>"
		    "<name>&x;</name></r>";

		is_int(axl_parse_get(xxe, sizeof xxe - 1, &g, why, sizeof why), 0,
		    "a reply with an external entity parses");
		ok(strstr(g.name, "root:") == NULL, "the entity is not expanded");
	}
	/* ESC is not an XML character: refused.  A C1 control is one, and
	 * comes out escaped. */
	{
		static const char esc[] = "<r><haEnabled>true</haEnabled><name>a"
		    "&#x1b;[2Jb</name></r>";
		static const char c1[] = "<r><haEnabled>true</haEnabled><name>a"
		    "\xc2\x9b" "2Jb</name></r>";

		is_int(axl_parse_get(esc, sizeof esc - 1, &g, why, sizeof why),
		    ERR_PARSE, "an ESC character reference is not XML");
		is_int(axl_parse_get(c1, sizeof c1 - 1, &g, why, sizeof why), 0,
		    "a C1 control in a name");
		is_str(g.name, "a\\xc2\\x9b2Jb", "comes out escaped");
	}
	/* Deep nesting and a huge reply. */
	buf_init(&b, 8 * 1024 * 1024);
	for (i = 0; i < 100000; i++)
		buf_addstr(&b, "<a>");
	is_int(axl_parse_get(buf_str(&b), b.len, &g, why, sizeof why), ERR_PARSE,
	    "deep nesting refused");
	buf_reset(&b);
	while (b.len < 5 * 1024 * 1024)
		buf_addstr(&b, "<x>yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy</x>");
	is_int(axl_parse_get(buf_str(&b), b.len, &g, why, sizeof why), ERR_PARSE,
	    "a reply over 4 MiB refused");
	buf_clear(&b);
	test_transient();
	test_cut_off();
	test_check_500();
	test_pin_file();
	return tap_done();
}

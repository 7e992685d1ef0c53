/* Unit tests for the AXL reply parsers: real envelopes, faults, hostile XML. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "axl.h"
#include "buf.h"
#include "err.h"
#include "tap.h"

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
	return tap_done();
}

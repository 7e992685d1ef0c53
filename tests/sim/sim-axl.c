/* sim-axl: AXL SOAP requests on the CUCM publisher, parsed with libxml2. */
#include "config.h"

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "sim-axl.h"
#include "sim-events.h"
#include "sim-fault.h"
#include "sim-state.h"
#include "sim-util.h"

#define AXL_SOAP_NS "http://schemas.xmlsoap.org/soap/envelope/"

static void
axl_xml_esc(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<': buf_addstr(b, "&lt;"); break;
		case '>': buf_addstr(b, "&gt;"); break;
		case '&': buf_addstr(b, "&amp;"); break;
		case '"': buf_addstr(b, "&quot;"); break;
		case '\'': buf_addstr(b, "&apos;"); break;
		default: buf_add(b, s, 1);
		}
	}
}

static void
axl_http(struct buf *resp, int status, const char *reason, const char *extra,
    const struct buf *body)
{
	buf_addf(resp, "HTTP/1.1 %d %s\r\n", status, reason);
	buf_addstr(resp, "Server: \r\nX-Frame-Options: SAMEORIGIN\r\n");
	if (extra != NULL)
		buf_addstr(resp, extra);
	buf_addf(resp, "Content-Type: text/xml;charset=utf-8\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n", body->len);
	buf_add(resp, buf_str(body), body->len);
}

static void
axl_fault(struct buf *resp, int status, const char *reason,
    const char *extra, const char *code, const char *msg, int axlcode,
    const char *op)
{
	struct buf b;

	buf_init(&b, 1 << 16);
	buf_addstr(&b, "<?xml version='1.0' encoding='UTF-8'?>"
	    "<soapenv:Envelope xmlns:soapenv=\"" AXL_SOAP_NS "\">"
	    "<soapenv:Body><soapenv:Fault><faultcode>");
	buf_addstr(&b, code);
	buf_addstr(&b, "</faultcode><faultstring>");
	axl_xml_esc(&b, msg);
	buf_addstr(&b, "</faultstring>");
	if (axlcode != 0) {
		buf_addf(&b, "<detail><axlError><axlcode>%d</axlcode>"
		    "<axlmessage>", axlcode);
		axl_xml_esc(&b, msg);
		buf_addstr(&b, "</axlmessage><request>");
		axl_xml_esc(&b, op ? op : "");
		buf_addstr(&b, "</request></axlError></detail>");
	}
	buf_addstr(&b, "</soapenv:Fault></soapenv:Body></soapenv:Envelope>");
	axl_http(resp, status, reason, extra, &b);
	buf_clear(&b);
}

/* Check "Basic base64(user:password)". */
static int
axl_auth_ok(const struct sim_cluster *cl, const char *hdr)
{
	unsigned char dec[512];
	char want[512];
	const char *p;
	size_t l;
	int n;

	if (hdr == NULL || cl->axl_password == NULL ||
	    strncasecmp(hdr, "Basic ", 6) != 0)
		return 0;
	p = hdr + 6;
	while (*p == ' ')
		p++;
	l = strcspn(p, " \r\n");
	if (l == 0 || l > 4 * (sizeof dec / 3) - 4 || l % 4 != 0)
		return 0;
	if ((n = EVP_DecodeBlock(dec, (const unsigned char *)p, (int)l)) < 0)
		return 0;
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	if (p[l - 1] == '=')
		n--;
	if (p[l - 2] == '=')
		n--;
	if (sim_path(want, sizeof want, "%s:%s", cl->axl_user,
	    cl->axl_password) != 0)
		return 0;
	return (size_t)n == strlen(want) && memcmp(dec, want, (size_t)n) == 0;
}

static xmlNode *
axl_child(xmlNode *parent, const char *name)
{
	xmlNode *c;

	for (c = parent ? parent->children : NULL; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

static xmlNode *
axl_first_element(xmlNode *parent)
{
	xmlNode *c;

	for (c = parent ? parent->children : NULL; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	return NULL;
}

/* The trimmed text of an element into out; 0 if absent. */
static int
axl_text(xmlNode *e, char *out, size_t sz)
{
	xmlChar *t;
	const char *p;
	size_t l;

	if (e == NULL || (t = xmlNodeGetContent(e)) == NULL)
		return 0;
	p = (const char *)t;
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	l = strlen(p);
	while (l > 0 && (p[l - 1] == ' ' || p[l - 1] == '\n' ||
	    p[l - 1] == '\t' || p[l - 1] == '\r'))
		l--;
	snprintf(out, sz, "%.*s", (int)l, p);
	xmlFree(t);
	return 1;
}

static struct sim_group *
axl_group(struct sim_cluster *cl, const char *name)
{
	size_t i;

	for (i = 0; i < cl->ngroups; i++)
		if (strcasecmp(cl->groups[i].name, name) == 0)
			return &cl->groups[i];
	return NULL;
}

static void
axl_envelope_open(struct buf *b, const char *op, const char *ns)
{
	buf_addstr(b, "<?xml version='1.0' encoding='UTF-8'?>"
	    "<soapenv:Envelope xmlns:soapenv=\"" AXL_SOAP_NS "\">"
	    "<soapenv:Body><ns:");
	buf_addf(b, "%sResponse xmlns:ns=\"", op);
	axl_xml_esc(b, ns);
	buf_addstr(b, "\">");
}

static void
axl_envelope_close(struct buf *b, const char *op)
{
	buf_addf(b, "</ns:%sResponse></soapenv:Body></soapenv:Envelope>", op);
}

static void
axl_process(struct sim_cluster *cl, struct sim_node *n,
    const struct axl_request *req, struct buf *resp)
{
	char ns[128], op[64] = "", name[128] = "", ha[16] = "";
	struct sim_group *g;
	struct sim_svc *svc;
	xmlDoc *doc = NULL;
	xmlNode *body, *opn;
	struct buf b;
	int running, i, prev, on;

	buf_init(&b, 1 << 20);
	if (strncmp(req->path, "/axl", 4) != 0 || (req->path[4] != '\0' &&
	    req->path[4] != '/' && req->path[4] != '?')) {
		buf_addstr(&b, "<html><body>Not Found</body></html>");
		axl_http(resp, 404, "Not Found", NULL, &b);
		goto out;
	}
	pthread_mutex_lock(&cl->lock);
	svc = sim_node_svc(n, "Cisco AXL Web Service");
	running = svc != NULL && svc->state == SVC_STARTED;
	pthread_mutex_unlock(&cl->lock);
	if (!running) {
		buf_addstr(&b, "<html><body>Service Unavailable</body></html>");
		axl_http(resp, 503, "Service Unavailable", NULL, &b);
		goto out;
	}
	if (!axl_auth_ok(cl, req->authorization)) {
		axl_fault(resp, 401, "Unauthorized",
		    "WWW-Authenticate: Basic realm=\"Cisco AXL\"\r\n",
		    "soapenv:Client", "Authentication failed: bad user name "
		    "or password", 0, NULL);
		goto out;
	}
	if (strcmp(req->method, "POST") != 0) {
		buf_addstr(&b, "<html><body>Cisco CallManager: AXL Web "
		    "Service<br/>The AXL Web Service is working and accepting "
		    "requests. Use HTTP POST to send a request.</body></html>");
		axl_http(resp, 200, "OK", NULL, &b);
		goto out;
	}
	snprintf(ns, sizeof ns, "http://www.cisco.com/AXL/API/%d.0", n->major);
	doc = xmlReadMemory(req->body, (int)req->body_len, "axl.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	body = doc ? axl_child(xmlDocGetRootElement(doc), "Body") : NULL;
	if (doc == NULL || body == NULL || (opn = axl_first_element(body)) ==
	    NULL) {
		axl_fault(resp, 500, "Internal Server Error", NULL,
		    "soapenv:Client", "Malformed SOAP request", 0, NULL);
		goto out;
	}
	snprintf(op, sizeof op, "%s", (const char *)opn->name);
	if (opn->ns != NULL && opn->ns->href != NULL && strstr((const char *)
	    opn->ns->href, "cisco.com/AXL/API/") != NULL)
		snprintf(ns, sizeof ns, "%s", (const char *)opn->ns->href);
	if (strcmp(op, "getPresenceRedundancyGroup") != 0 &&
	    strcmp(op, "updatePresenceRedundancyGroup") != 0) {
		axl_fault(resp, 500, "Internal Server Error", NULL,
		    "soapenv:Client", "The request is not supported by this "
		    "simulator", 5002, op);
		goto out;
	}
	axl_text(axl_child(opn, "name"), name, sizeof name);
	pthread_mutex_lock(&cl->lock);
	g = axl_group(cl, name);
	if (g == NULL) {
		pthread_mutex_unlock(&cl->lock);
		axl_fault(resp, 500, "Internal Server Error", NULL,
		    "soapenv:Server", "Item not valid: The specified "
		    "PresenceRedundancyGroup was not found", 5007, op);
		goto out;
	}
	if (strcmp(op, "getPresenceRedundancyGroup") == 0) {
		axl_envelope_open(&b, op, ns);
		buf_addf(&b, "<return><presenceRedundancyGroup uuid=\"%s\">"
		    "<name>", g->uuid);
		axl_xml_esc(&b, g->name);
		buf_addstr(&b, "</name><description/>");
		for (i = 0; i < 2; i++) {
			buf_addf(&b, "<server%d>", i + 1);
			if (i < g->nnodes)
				axl_xml_esc(&b, cl->nodes[g->nodes[i]].name);
			buf_addf(&b, "</server%d>", i + 1);
		}
		buf_addf(&b, "<haEnabled>%s</haEnabled>"
		    "</presenceRedundancyGroup></return>",
		    g->ha ? "true" : "false");
		axl_envelope_close(&b, op);
		pthread_mutex_unlock(&cl->lock);
		axl_http(resp, 200, "OK", NULL, &b);
		goto out;
	}
	/* update: haEnabled is what the simulator changes. */
	if (!axl_text(axl_child(opn, "haEnabled"), ha, sizeof ha) ||
	    (strcasecmp(ha, "true") && strcasecmp(ha, "false") &&
	    strcmp(ha, "t") && strcmp(ha, "f"))) {
		pthread_mutex_unlock(&cl->lock);
		axl_fault(resp, 500, "Internal Server Error", NULL,
		    "soapenv:Client", "haEnabled must be true or false", 5003,
		    op);
		goto out;
	}
	on = strcasecmp(ha, "true") == 0 || strcmp(ha, "t") == 0;
	prev = g->ha;
	state_ha_set(cl, g, on);
	events_emit(cl, "ha", json_pack("{s:s,s:b,s:s,s:b}", "group", g->name,
	    "value", on, "by", "axl", "previous", prev));
	axl_envelope_open(&b, op, ns);
	buf_addf(&b, "<return>%s</return>", g->uuid);
	axl_envelope_close(&b, op);
	pthread_mutex_unlock(&cl->lock);
	axl_http(resp, 200, "OK", NULL, &b);
out:
	if (doc != NULL)
		xmlFreeDoc(doc);
	buf_clear(&b);
}

/* The operation an authenticated POST /axl/ asks for, into op; 0 when it
 * is not such a request. */
static int
axl_op(const struct sim_cluster *cl, const struct axl_request *req,
    char *op, size_t sz)
{
	xmlDoc *doc;
	xmlNode *body, *opn;
	int r = 0;

	if (strcmp(req->method, "POST") != 0 || strncmp(req->path, "/axl",
	    4) != 0 || !axl_auth_ok(cl, req->authorization))
		return 0;
	doc = xmlReadMemory(req->body, (int)req->body_len, "axl.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	body = doc ? axl_child(xmlDocGetRootElement(doc), "Body") : NULL;
	if (body != NULL && (opn = axl_first_element(body)) != NULL) {
		snprintf(op, sz, "%s", (const char *)opn->name);
		r = 1;
	}
	if (doc != NULL)
		xmlFreeDoc(doc);
	return r;
}

/* What an axl fault puts in place of the reply. */
static int
axl_fault_reply(const struct sim_fault *f, const char *op, struct buf *resp)
{
	struct buf b;

	buf_reset(resp);
	switch (f->mode) {
	case AXL_MODE_HTTP500:
		buf_init(&b, 4096);
		buf_addstr(&b, "<html><head><title>Apache Tomcat - Error "
		    "report</title></head><body><h1>HTTP Status 500 - "
		    "Internal Server Error</h1></body></html>");
		buf_addstr(resp, "HTTP/1.1 500 Internal Server Error\r\n"
		    "Server: \r\nContent-Type: text/html;charset=utf-8\r\n");
		buf_addf(resp, "Content-Length: %zu\r\nConnection: close"
		    "\r\n\r\n", b.len);
		buf_add(resp, buf_str(&b), b.len);
		buf_clear(&b);
		return AXL_REPLY;
	case AXL_MODE_SOAP:
		axl_fault(resp, 500, "Internal Server Error", NULL,
		    "soapenv:Server", "Simulated AXL fault (vos-sim)", -1, op);
		return AXL_REPLY;
	default:
		return AXL_RESET;
	}
}

int
axl_handle(struct sim_cluster *cl, struct sim_node *n,
    const struct axl_request *req, struct buf *resp)
{
	struct sim_fault f;
	char op[64] = "";
	int fired;

	fired = axl_op(cl, req, op, sizeof op) &&
	    fault_take(cl, n, FAULT_AXL, op, 0, NULL, 0, &f);
	if (!fired) {
		axl_process(cl, n, req, resp);
		return AXL_REPLY;
	}
	/* before: the request is not carried out (slow: it is, late);
	 * after: it is, and then its reply is lost or late. */
	if (f.mode == AXL_MODE_SLOW) {
		if (!f.after && sim_sleep_ms(f.ms) != 0)
			return AXL_RESET;
		axl_process(cl, n, req, resp);
		if (f.after && sim_sleep_ms(f.ms) != 0)
			return AXL_RESET;
		return AXL_REPLY;
	}
	if (f.after)
		axl_process(cl, n, req, resp);
	return axl_fault_reply(&f, op, resp);
}

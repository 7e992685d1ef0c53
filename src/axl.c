/*
 * axl: two AXL operations over HTTPS.  The SOAP envelope is built as a
 * libxml2 tree (names are escaped by the library), sent with libcurl, and
 * the reply parsed with libxml2 and XPath on local names (AXL replies carry
 * version-specific namespaces).
 */
#include "config.h"

#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "conf.h"
#include "err.h"
#include "esc.h"
#include "axl.h"
#include "secret.h"

#define AXL_REPLY_MAX (4 * 1024 * 1024)

int
axl_global_init(void)
{
	xmlInitParser();
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : ERR_HTTP;
}

void
axl_global_exit(void)
{
	curl_global_cleanup();
	xmlCleanupParser();
}

/* ------------------------------------------------------------ replies */

/* The text of the first element with this local name, or NULL (free with
 * xmlFree). */
static xmlChar *
axl_find(xmlDocPtr doc, const char *local)
{
	xmlXPathContextPtr xc = xmlXPathNewContext(doc);
	xmlXPathObjectPtr xo;
	xmlChar *v = NULL;
	char expr[160];

	if (xc == NULL)
		return NULL;
	snprintf(expr, sizeof expr, "//*[local-name()='%s']", local);
	xo = xmlXPathEvalExpression((const xmlChar *)expr, xc);
	if (xo != NULL && xo->nodesetval != NULL && xo->nodesetval->nodeNr > 0)
		v = xmlNodeGetContent(xo->nodesetval->nodeTab[0]);
	xmlXPathFreeObject(xo);
	xmlXPathFreeContext(xc);
	return v;
}

/* Parse a SOAP reply; a Fault becomes ERR_AXL with its faultstring. */
static int
axl_reply(const char *xml, size_t len, xmlDocPtr *out, char *why, size_t whysz)
{
	xmlDocPtr doc;
	xmlChar *fault;

	*out = NULL;
	if (len == 0 || len > AXL_REPLY_MAX || len > (size_t)0x7fffffff) {
		snprintf(why, whysz, "AXL reply of %zu bytes", len);
		return ERR_PARSE;
	}
	/* No network access, no entities, no DTD: the reply is data. */
	doc = xmlReadMemory(xml, (int)len, "axl-reply.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		snprintf(why, whysz, "the AXL reply is not XML");
		return ERR_PARSE;
	}
	if ((fault = axl_find(doc, "faultstring")) != NULL) {
		esc_fixed(why, whysz, (const char *)fault, strlen((char *)fault));
		xmlFree(fault);
		xmlFreeDoc(doc);
		return ERR_AXL;
	}
	*out = doc;
	return 0;
}

static void
axl_copy(xmlDocPtr doc, const char *local, char *dst, size_t n)
{
	xmlChar *v = axl_find(doc, local);

	dst[0] = '\0';
	if (v != NULL) {
		esc_fixed(dst, n, (const char *)v, strlen((char *)v));
		xmlFree(v);
	}
}

int
axl_parse_get(const char *xml, size_t len, struct axl_group *out, char *why,
    size_t whysz)
{
	xmlDocPtr doc;
	xmlChar *ha;
	int r;

	memset(out, 0, sizeof *out);
	if ((r = axl_reply(xml, len, &doc, why, whysz)) != 0)
		return r;
	ha = axl_find(doc, "haEnabled");
	if (ha == NULL) {
		snprintf(why, whysz, "the AXL reply has no haEnabled");
		xmlFreeDoc(doc);
		return ERR_PARSE;
	}
	if (strcasecmp((char *)ha, "true") == 0 || strcmp((char *)ha, "t") == 0)
		out->ha_enabled = 1;
	else if (strcasecmp((char *)ha, "false") == 0 ||
	    strcmp((char *)ha, "f") == 0)
		out->ha_enabled = 0;
	else {
		snprintf(why, whysz, "haEnabled is neither true nor false");
		r = ERR_PARSE;
	}
	xmlFree(ha);
	axl_copy(doc, "name", out->name, sizeof out->name);
	axl_copy(doc, "server1", out->server1, sizeof out->server1);
	axl_copy(doc, "server2", out->server2, sizeof out->server2);
	xmlFreeDoc(doc);
	return r;
}

int
axl_parse_update(const char *xml, size_t len, char *why, size_t whysz)
{
	xmlDocPtr doc;
	xmlChar *ret;
	int r;

	if ((r = axl_reply(xml, len, &doc, why, whysz)) != 0)
		return r;
	ret = axl_find(doc, "return");
	if (ret == NULL) {
		snprintf(why, whysz, "the AXL reply has no return element");
		r = ERR_PARSE;
	}
	xmlFree(ret);
	xmlFreeDoc(doc);
	return r;
}

/* ------------------------------------------------------------ requests */

/* The envelope for op with children (name, value) pairs. */
static int
axl_envelope(const char *version, const char *op, const char *const *kv,
    size_t nkv, struct buf *out)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr env, body, req;
	xmlNsPtr soap, ns;
	xmlChar *mem = NULL;
	char uri[128];
	int len = 0, r = 0;
	size_t i;

	env = xmlNewNode(NULL, (const xmlChar *)"Envelope");
	soap = xmlNewNs(env, (const xmlChar *)
	    "http://schemas.xmlsoap.org/soap/envelope/",
	    (const xmlChar *)"soapenv");
	snprintf(uri, sizeof uri, "http://www.cisco.com/AXL/API/%s", version);
	ns = xmlNewNs(env, (const xmlChar *)uri, (const xmlChar *)"ns");
	xmlSetNs(env, soap);
	xmlDocSetRootElement(doc, env);
	xmlNewChild(env, soap, (const xmlChar *)"Header", NULL);
	body = xmlNewChild(env, soap, (const xmlChar *)"Body", NULL);
	req = xmlNewChild(body, ns, (const xmlChar *)op, NULL);
	for (i = 0; i + 1 < nkv; i += 2)
		/* xmlNewTextChild escapes the value. */
		xmlNewTextChild(req, NULL, (const xmlChar *)kv[i],
		    (const xmlChar *)kv[i + 1]);
	xmlDocDumpMemoryEnc(doc, &mem, &len, "UTF-8");
	if (mem == NULL || buf_add(out, mem, (size_t)len) != 0)
		r = ERR_NOMEM;
	xmlFree(mem);
	xmlFreeDoc(doc);
	return r;
}

static size_t
axl_write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;

	if (buf_add(b, p, size * n) != 0)
		return 0; /* too large: curl stops with a write error */
	return size * n;
}

/* The pinned fingerprint travels to the verify callback in the SSL_CTX. */
static int axl_pin_index = -1;

static int
axl_verify_pin(int preverify, X509_STORE_CTX *xs)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(xs,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	const char *pin;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	char hex[2 * EVP_MAX_MD_SIZE + 1];

	(void)preverify;
	if (ssl == NULL || (pin = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl),
	    axl_pin_index)) == NULL)
		return 0;
	/* Only the server's own certificate is pinned; the chain above it
	 * (often absent for a self-signed tomcat) is not consulted. */
	if (X509_STORE_CTX_get_error_depth(xs) != 0) {
		X509_STORE_CTX_set_error(xs, X509_V_OK);
		return 1;
	}
	if (X509_digest(X509_STORE_CTX_get_current_cert(xs), EVP_sha256(), md,
	    &mdlen) != 1)
		return 0;
	for (i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	if (strcmp(hex, pin) != 0) {
		X509_STORE_CTX_set_error(xs, X509_V_ERR_CERT_REJECTED);
		return 0;
	}
	X509_STORE_CTX_set_error(xs, X509_V_OK);
	return 1;
}

static CURLcode
axl_ssl_ctx_cb(CURL *curl, void *sslctx, void *arg)
{
	SSL_CTX *ctx = sslctx;

	(void)curl;
	if (axl_pin_index == -1)
		axl_pin_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL,
		    NULL);
	SSL_CTX_set_ex_data(ctx, axl_pin_index, arg);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, axl_verify_pin);
	return CURLE_OK;
}

/* The SHA-256 of the certificate in a PEM file, as lower-case hex. */
static int
axl_pin_from_file(const char *path, char *hex, size_t hexsz, char *why,
    size_t whysz)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	X509 *x = NULL;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(why, whysz, "axl.pin_file: cannot read %s", path);
		return ERR_IO;
	}
	x = PEM_read_X509(fp, NULL, NULL, NULL);
	fclose(fp);
	if (x == NULL || X509_digest(x, EVP_sha256(), md, &mdlen) != 1 ||
	    2 * mdlen + 1 > hexsz) {
		X509_free(x);
		snprintf(why, whysz, "axl.pin_file: %s holds no PEM certificate",
		    path);
		return ERR_CRYPTO;
	}
	X509_free(x);
	for (i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}

/* Does curl's message for a failed handshake say the connection was cut
 * (reset, closed) rather than that a certificate was refused? */
static int
axl_cut_off(const char *cerr)
{
	static const char *const cut[] = { "reset by peer",
		"SSL_ERROR_SYSCALL", "unexpected eof", "Connection refused",
		"Broken pipe", "connection closed" };
	size_t i;

	for (i = 0; i < sizeof cut / sizeof cut[0]; i++)
		if (strcasestr(cerr, cut[i]) != NULL)
			return 1;
	return 0;
}

int
axl_transient(int err)
{
	return err == ERR_HTTP || err == ERR_CONNECT || err == ERR_TIMEOUT;
}

/* A reply of HTTP 500 must be a SOAP fault; anything else is the server's
 * trouble, worth another try. */
static int
axl_check_500(int r, long code, const char *url, char *why, size_t whysz)
{
	if (code != 500 || r == ERR_AXL)
		return r;
	snprintf(why, whysz, "%s: HTTP 500 without a SOAP fault", url);
	return ERR_HTTP;
}

static int
axl_post(const struct site_axl *a, const char *op, const struct buf *body,
    struct buf *reply, long *codep, char *why, size_t whysz)
{
	char pin[2 * EVP_MAX_MD_SIZE + 1];
	const char *pinp = a->pin_sha256;
	struct curl_slist *hdr = NULL;
	char action[200], cerr[CURL_ERROR_SIZE] = "";
	long code = 0;
	CURLcode cc;
	CURL *c;
	int r = 0;

	*codep = 0;
	if (a->password == NULL) {
		snprintf(why, whysz, "no AXL password");
		return ERR_AXL;
	}
	if (pinp == NULL && a->pin_file != NULL) {
		if ((r = axl_pin_from_file(a->pin_file, pin, sizeof pin, why,
		    whysz)) != 0)
			return r;
		pinp = pin;
	}
	if ((c = curl_easy_init()) == NULL)
		return ERR_NOMEM;
	snprintf(action, sizeof action, "SOAPAction: \"CUCM:DB ver=%s %s\"",
	    a->version, op);
	hdr = curl_slist_append(hdr, "Content-Type: text/xml; charset=utf-8");
	hdr = curl_slist_append(hdr, action);
	curl_easy_setopt(c, CURLOPT_URL, a->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, buf_str(body));
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body->len);
	curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
	curl_easy_setopt(c, CURLOPT_USERNAME, a->user);
	/* From the secret straight into libcurl; never formatted. */
	curl_easy_setopt(c, CURLOPT_PASSWORD, secret_value(a->password));
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)a->timeout);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)a->timeout);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, axl_write_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, reply);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	if (pinp != NULL) {
		/* The pin names the certificate: its name need not match the
		 * address in the URL, but its fingerprint must be the pin. */
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
		/* No CA bundle is used (or needed: a machine may have none). */
		curl_easy_setopt(c, CURLOPT_CAINFO, NULL);
		curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
		curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, axl_ssl_ctx_cb);
		curl_easy_setopt(c, CURLOPT_SSL_CTX_DATA, pinp);
	} else {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
		curl_easy_setopt(c, CURLOPT_CAINFO, a->ca_file);
	}
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	*codep = cc == CURLE_OK ? code : 0;
	if (cc == CURLE_OPERATION_TIMEDOUT) {
		snprintf(why, whysz, "%s: %s", a->url, cerr[0] ? cerr :
		    curl_easy_strerror(cc));
		r = ERR_TIMEOUT;
	} else if (cc == CURLE_COULDNT_CONNECT) {
		snprintf(why, whysz, "%s: %s", a->url, cerr[0] ? cerr :
		    curl_easy_strerror(cc));
		r = ERR_CONNECT;
	} else if (cc == CURLE_SSL_CONNECT_ERROR && axl_cut_off(cerr)) {
		/* The connection closed or reset during the handshake: the
		 * server (or the network) went away, not a certificate. */
		snprintf(why, whysz, "%s: %s", a->url, cerr);
		r = ERR_HTTP;
	} else if (cc == CURLE_PEER_FAILED_VERIFICATION ||
	    cc == CURLE_SSL_CONNECT_ERROR || cc == CURLE_SSL_CACERT_BADFILE) {
		snprintf(why, whysz, "%s: the server's certificate was not "
		    "accepted (%s)%s", a->url, cerr[0] ? cerr :
		    curl_easy_strerror(cc), pinp ?
		    "; it does not match the pinned fingerprint" : "");
		r = ERR_TLS;
	} else if (cc != CURLE_OK) {
		snprintf(why, whysz, "%s: %s", a->url, cerr[0] ? cerr :
		    curl_easy_strerror(cc));
		r = ERR_HTTP;
	} else if (code == 401 || code == 403) {
		snprintf(why, whysz, "%s: HTTP %ld: the AXL user or password "
		    "was refused", a->url, code);
		r = ERR_AUTH;
	} else if (code >= 501 && code <= 599) {
		/* 503 while Cisco AXL Web Service starts, 502/504 from a
		 * proxy: worth another try. */
		snprintf(why, whysz, "%s: HTTP %ld", a->url, code);
		r = ERR_HTTP;
	} else if (code != 200 && code != 500) {
		/* 500 carries SOAP faults: the body says more.  Another code
		 * (404, a redirect) says the URL or request is wrong. */
		snprintf(why, whysz, "%s: HTTP %ld: the request was refused "
		    "(is axl.url right?)", a->url, code);
		r = ERR_AXL;
	}
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	return r;
}

int
axl_get_group(const struct site_axl *a, const char *name,
    struct axl_group *out, char *why, size_t whysz)
{
	const char *kv[] = { "name", name };
	struct buf body, reply;
	long code = 0;
	int r;

	buf_init(&body, 64 * 1024);
	buf_init(&reply, AXL_REPLY_MAX);
	if ((r = axl_envelope(a->version, "getPresenceRedundancyGroup", kv, 2,
	    &body)) == 0 &&
	    (r = axl_post(a, "getPresenceRedundancyGroup", &body, &reply,
	    &code, why, whysz)) == 0)
		r = axl_check_500(axl_parse_get(buf_str(&reply), reply.len, out,
		    why, whysz), code, a->url, why, whysz);
	buf_clear(&body);
	buf_clear(&reply);
	return r;
}

int
axl_set_ha(const struct site_axl *a, const char *name, int enabled,
    char *why, size_t whysz)
{
	const char *kv[] = { "name", name, "haEnabled", enabled ? "true" :
	    "false" };
	struct buf body, reply;
	long code = 0;
	int r;

	buf_init(&body, 64 * 1024);
	buf_init(&reply, AXL_REPLY_MAX);
	if ((r = axl_envelope(a->version, "updatePresenceRedundancyGroup", kv, 4,
	    &body)) == 0 &&
	    (r = axl_post(a, "updatePresenceRedundancyGroup", &body, &reply,
	    &code, why, whysz)) == 0)
		r = axl_check_500(axl_parse_update(buf_str(&reply), reply.len,
		    why, whysz), code, a->url, why, whysz);
	buf_clear(&body);
	buf_clear(&reply);
	return r;
}

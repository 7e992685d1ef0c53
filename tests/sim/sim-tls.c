/* sim-tls: TLS, XMPP STARTTLS and a small HTTPS server with OpenSSL. */
#include "config.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "sim-axl.h"
#include "sim-state.h"
#include "sim-tls.h"
#include "sim-util.h"

#define TLS_IO_TIMEOUT_S 10
#define TLS_REQ_MAX (1 << 20)

/* One context for every listener of a cluster (cl->tls); certificates
 * are set per connection. */
int
tls_init(struct sim_cluster *cl)
{
	SSL_CTX *ctx;

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		return ERR_TLS;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* Test clusters may use 1024-bit keys to start fast. */
	if (cl->rsa_bits < 2048)
		SSL_CTX_set_security_level(ctx, 0);
	cl->tls = ctx;
	return 0;
}

void
tls_free(struct sim_cluster *cl)
{
	SSL_CTX_free(cl->tls);
	cl->tls = NULL;
}

/* Read from the plain socket until needle appears and the tag closes. */
static int
tls_plain_until(int fd, struct buf *in, const char *needle)
{
	char tmp[1024];
	const char *p;
	ssize_t r;

	for (;;) {
		if ((p = strstr(buf_str(in), needle)) != NULL &&
		    strchr(p, '>') != NULL)
			return 0;
		if (in->len > 16384 || sim_stop)
			return -1;
		if ((r = recv(fd, tmp, sizeof tmp, 0)) <= 0)
			return -1;
		if (buf_add(in, tmp, (size_t)r) != 0)
			return -1;
	}
}

static int
tls_send_all(int fd, const char *s)
{
	size_t n = strlen(s);
	ssize_t w;

	while (n > 0) {
		if ((w = send(fd, s, n, MSG_NOSIGNAL)) <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* XMPP up to <proceed/>: 0 when TLS may start. */
static int
tls_xmpp(struct sim_node *n, int fd, int s2s)
{
	const char *want = s2s ? "jabber:server" : "jabber:client";
	struct buf in, out;
	int r = -1;

	buf_init(&in, 32768);
	buf_init(&out, 4096);
	if (tls_plain_until(fd, &in, "<stream:stream") != 0)
		goto out;
	buf_addf(&out, "<?xml version='1.0'?><stream:stream xmlns='%s' "
	    "xmlns:stream='http://etherx.jabber.org/streams'%s "
	    "id='%08lx' from='%s' version='1.0'>", want, s2s ?
	    " xmlns:db='jabber:server:dialback'" : "",
	    (unsigned long)random(), n->fqdn);
	if (strstr(buf_str(&in), want) == NULL) {
		buf_addstr(&out, "<stream:error><invalid-namespace "
		    "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
		    "</stream:error></stream:stream>");
		tls_send_all(fd, buf_str(&out));
		goto out;
	}
	buf_addstr(&out, "<stream:features><starttls "
	    "xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>");
	if (s2s)
		buf_addstr(&out, "<dialback xmlns='urn:xmpp:features:"
		    "dialback'/>");
	buf_addstr(&out, "</stream:features>");
	if (tls_send_all(fd, buf_str(&out)) != 0)
		goto out;
	buf_consume(&in, in.len);
	if (tls_plain_until(fd, &in, "<starttls") != 0)
		goto out;
	r = tls_send_all(fd,
	    "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
out:
	buf_clear(&in);
	buf_clear(&out);
	return r;
}

static const char *
tls_header(const char *head, const char *name, char *out, size_t sz)
{
	size_t l = strlen(name);
	const char *p = head, *e;

	while ((p = strstr(p, "\r\n")) != NULL) {
		p += 2;
		if (strncasecmp(p, name, l) == 0 && p[l] == ':') {
			p += l + 1;
			while (*p == ' ' || *p == '\t')
				p++;
			e = strstr(p, "\r\n");
			snprintf(out, sz, "%.*s", e ? (int)(e - p) :
			    (int)strlen(p), p);
			return out;
		}
	}
	return NULL;
}

/* One HTTP request over TLS; AXL on the CUCM publisher.  0, or -1 when
 * the connection was set to be reset (no TLS close then). */
static int
tls_http(struct sim_cluster *cl, struct sim_node *n, SSL *ssl)
{
	struct buf in, resp, page;
	char tmp[4096], method[16] = "", path[256] = "", auth[1024],
	    action[256], clen[32];
	const char *end;
	size_t hlen, want = 0;
	int r, reset = 0;

	buf_init(&in, TLS_REQ_MAX);
	buf_init(&resp, TLS_REQ_MAX);
	buf_init(&page, 8192);
	for (;;) {
		if ((end = strstr(buf_str(&in), "\r\n\r\n")) != NULL) {
			hlen = (size_t)(end - in.data) + 4;
			if (want == 0) {
				if (tls_header(buf_str(&in), "Content-Length",
				    clen, sizeof clen) != NULL)
					want = strtoul(clen, NULL, 10);
				if (want > TLS_REQ_MAX - hlen)
					goto out;
			}
			if (in.len >= hlen + want)
				break;
		}
		if ((r = SSL_read(ssl, tmp, sizeof tmp)) <= 0)
			goto out;
		if (buf_add(&in, tmp, (size_t)r) != 0)
			goto out;
	}
	if (sscanf(buf_str(&in), "%15s %255s", method, path) != 2)
		goto out;
	if (n->cucm_pub && strncmp(path, "/axl", 4) == 0) {
		struct axl_request req;

		req.method = method;
		req.path = path;
		req.authorization = tls_header(buf_str(&in), "Authorization",
		    auth, sizeof auth);
		req.soapaction = tls_header(buf_str(&in), "SOAPAction",
		    action, sizeof action);
		req.body = in.data + hlen;
		req.body_len = want;
		if (axl_handle(cl, n, &req, &resp) == AXL_RESET) {
			struct linger lg = { 1, 0 };

			/* close() then sends RST instead of FIN. */
			(void)setsockopt(SSL_get_fd(ssl), SOL_SOCKET,
			    SO_LINGER, &lg, sizeof lg);
			reset = 1;
			goto out;
		}
	} else {
		buf_addf(&page, "<html><head><title>%s</title></head><body>"
		    "<h1>%s</h1><p>%s</p></body></html>\n",
		    n->product == SIM_IMP ? "Cisco Unified IM and Presence" :
		    "Cisco Unified Communications Manager",
		    n->product == SIM_IMP ? "Cisco Unified IM and Presence" :
		    "Cisco Unified Communications Manager", n->fqdn);
		buf_addf(&resp, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
		    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
		    page.len, buf_str(&page));
	}
	if (resp.len > 0)
		SSL_write(ssl, resp.data, (int)resp.len);
out:
	buf_clear(&in);
	buf_clear(&resp);
	buf_clear(&page);
	return reset ? -1 : 0;
}

void
tls_run(struct sim_cluster *cl, struct sim_node *n, int port, int fd)
{
	struct timeval tv = { TLS_IO_TIMEOUT_S, 0 };
	struct sim_unit *u;
	struct sim_svc *svc;
	X509 *x = NULL;
	EVP_PKEY *k = NULL;
	SSL *ssl = NULL;
	char tmp[1024];
	int up, ca;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	pthread_mutex_lock(&cl->lock);
	u = state_port_unit(n, port);
	svc = state_port_svc(n, port);
	up = u != NULL && svc != NULL && svc->state == SVC_STARTED;
	if (up) {
		x = u->served;
		k = u->served_key;
		X509_up_ref(x);
		EVP_PKEY_up_ref(k);
	}
	pthread_mutex_unlock(&cl->lock);
	if (!up)
		goto out;
	if ((port == PORT_XMPP || port == PORT_S2S) &&
	    tls_xmpp(n, fd, port == PORT_S2S) != 0)
		goto out;
	if ((ssl = SSL_new(cl->tls)) == NULL ||
	    SSL_use_certificate(ssl, x) != 1 ||
	    SSL_use_PrivateKey(ssl, k) != 1 || SSL_set_fd(ssl, fd) != 1)
		goto out;
	ca = cl->ca != NULL && X509_check_issued(cl->ca, x) == X509_V_OK;
	if (ca)
		SSL_add1_chain_cert(ssl, cl->ca);
	if (SSL_accept(ssl) != 1)
		goto out;
	if (port == PORT_TOMCAT) {
		if (tls_http(cl, n, ssl) != 0)
			goto out;
	} else
		while (!sim_stop && SSL_read(ssl, tmp, sizeof tmp) > 0)
			;
	SSL_shutdown(ssl);
out:
	ERR_clear_error();
	SSL_free(ssl);
	X509_free(x);
	EVP_PKEY_free(k);
	close(fd);
}

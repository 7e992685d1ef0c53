/*
 * cert: X.509 facts from PEM or DER with OpenSSL, and the TLS probe that
 * fetches the certificate a node serves (direct TLS or XMPP STARTTLS).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
#include <openssl/core_names.h>
#else
#include <openssl/ec.h>
#include <openssl/rsa.h>
#endif

#include "cert.h"
#include "err.h"
#include "esc.h"
#include "parse.h"

#define PEM_BEGIN "-----BEGIN CERTIFICATE-----"
#define PEM_END "-----END CERTIFICATE-----"

/* Largest DER certificate accepted (a VOS certificate is 1-2 KiB). */
#define CERT_DER_MAX (256 * 1024)

/*
 * why = "what: <OpenSSL's queued errors>"; the queue is emptied either way
 * so that a later call does not report a stale error.
 */
static void
cert_why_ssl(char *why, size_t whysz, const char *what)
{
	char one[256], all[512];
	size_t used = 0;
	unsigned long e;

	all[0] = '\0';
	while ((e = ERR_get_error()) != 0) {
		ERR_error_string_n(e, one, sizeof one);
		if (used + strlen(one) + 3 < sizeof all) {
			used += (size_t)snprintf(all + used, sizeof all - used,
			    "%s%s", used ? "; " : "", one);
		}
	}
	if (why == NULL || whysz == 0)
		return;
	if (used)
		snprintf(why, whysz, "%s: %s", what, all);
	else
		snprintf(why, whysz, "%s", what);
}

static void cert_why(char *why, size_t whysz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
cert_why(char *why, size_t whysz, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL || whysz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whysz, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------ fields */

/* Lower-case hex without leading zeros ("0" for zero, "-" if negative). */
static int
cert_serial(X509 *x, char *dst, size_t dstsz)
{
	const ASN1_INTEGER *ai = X509_get0_serialNumber(x);
	BIGNUM *bn;
	char *hex, *p;
	int neg, r = -1;

	if (ai == NULL || (bn = ASN1_INTEGER_to_BN(ai, NULL)) == NULL)
		return -1;
	neg = BN_is_negative(bn);
	BN_set_negative(bn, 0);
	hex = BN_bn2hex(bn);
	BN_free(bn);
	if (hex == NULL)
		return -1;
	for (p = hex; *p == '0' && p[1] != '\0'; p++)
		;
	if (strlen(p) + (size_t)neg < dstsz) {
		char *d = dst;

		if (neg)
			*d++ = '-';
		for (; *p; p++)
			*d++ = (*p >= 'A' && *p <= 'F') ? (char)(*p - 'A' + 'a')
			                                : *p;
		*d = '\0';
		r = 0;
	}
	OPENSSL_free(hex);
	return r;
}

/*
 * RFC 2253 one-line form.  OpenSSL escapes controls, non-ASCII bytes and the
 * RFC 2253 specials itself; a name too long for dst is cut with "...".
 */
static int
cert_name_line(const X509_NAME *nm, char *dst, size_t dstsz)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	size_t i;
	long n;

	if (b == NULL || dstsz == 0) {
		BIO_free(b);
		return -1;
	}
	if (X509_NAME_print_ex(b, nm, 0, XN_FLAG_RFC2253) < 0) {
		BIO_free(b);
		return -1;
	}
	n = BIO_get_mem_data(b, &p);
	if (n < 0)
		n = 0;
	/* The flags escape controls and non-ASCII already; anything else
	 * unprintable is replaced rather than escaped a second time. */
	for (i = 0; i < (size_t)n && i + 1 < dstsz; i++)
		dst[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? p[i] : '?';
	dst[i] = '\0';
	if (i < (size_t)n && dstsz > 4)
		memcpy(dst + dstsz - 4, "...", 4);
	BIO_free(b);
	return 0;
}

/* The first CN of nm as escaped UTF-8, or "". */
static void
cert_name_cn(const X509_NAME *nm, char *dst, size_t dstsz)
{
	const X509_NAME_ENTRY *ne;
	unsigned char *u = NULL;
	int i, n;

	dst[0] = '\0';
	i = X509_NAME_get_index_by_NID(nm, NID_commonName, -1);
	if (i < 0 || (ne = X509_NAME_get_entry(nm, i)) == NULL)
		return;
	n = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(ne));
	if (n < 0) {
		ERR_clear_error();
		return;
	}
	esc_fixed(dst, dstsz, (const char *)u, (size_t)n);
	OPENSSL_free(u);
}

/* UTCTime or GeneralizedTime to a UTC time_t. */
static int
cert_time(const ASN1_TIME *t, time_t *out)
{
	struct tm tm;
	time_t v;

	memset(&tm, 0, sizeof tm);
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return -1;
	v = timegm(&tm);
	if (v == (time_t)-1 && !(tm.tm_year == 69 && tm.tm_mon == 11 &&
	    tm.tm_mday == 31 && tm.tm_hour == 23 && tm.tm_min == 59 &&
	    tm.tm_sec == 59))
		return -1;
	*out = v;
	return 0;
}

static void
cert_key_type(X509 *x, char *dst, size_t dstsz)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	int id;

	if (pk == NULL) {
		ERR_clear_error();
		snprintf(dst, dstsz, "unknown");
		return;
	}
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	id = EVP_PKEY_get_base_id(pk);
#else
	id = EVP_PKEY_base_id(pk);
#endif
	switch (id) {
	case EVP_PKEY_RSA:
		snprintf(dst, dstsz, "RSA-%d", EVP_PKEY_bits(pk));
		break;
	case EVP_PKEY_RSA_PSS:
		snprintf(dst, dstsz, "RSA-PSS-%d", EVP_PKEY_bits(pk));
		break;
	case EVP_PKEY_DSA:
		snprintf(dst, dstsz, "DSA-%d", EVP_PKEY_bits(pk));
		break;
	case EVP_PKEY_EC: {
		char curve[64] = "";
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
		size_t cl = 0;

		if (EVP_PKEY_get_utf8_string_param(pk,
		    OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve, &cl) != 1)
			snprintf(curve, sizeof curve, "%d", EVP_PKEY_bits(pk));
#else
		const EC_KEY *ec = EVP_PKEY_get0_EC_KEY(pk);
		int nid = ec ? EC_GROUP_get_curve_name(EC_KEY_get0_group(ec))
		             : NID_undef;

		if (nid != NID_undef)
			snprintf(curve, sizeof curve, "%s", OBJ_nid2sn(nid));
		else
			snprintf(curve, sizeof curve, "%d", EVP_PKEY_bits(pk));
#endif
		snprintf(dst, dstsz, "EC-%s", curve);
		break;
	}
	case EVP_PKEY_ED25519:
		snprintf(dst, dstsz, "Ed25519");
		break;
	case EVP_PKEY_ED448:
		snprintf(dst, dstsz, "Ed448");
		break;
	default: {
		const char *sn = OBJ_nid2sn(id);

		snprintf(dst, dstsz, "%s-%d", sn ? sn : "unknown",
		    EVP_PKEY_bits(pk));
		break;
	}
	}
	ERR_clear_error();
}

static int
cert_fill(X509 *x, struct cert_info *out, char *why, size_t whysz)
{
	struct cert_info ci;
	unsigned int mdlen = 0;
	EVP_PKEY *pk;
	size_t i;

	memset(&ci, 0, sizeof ci);
	if (cert_serial(x, ci.serial, sizeof ci.serial) != 0) {
		cert_why_ssl(why, whysz, "certificate serial number unusable");
		return ERR_CRYPTO;
	}
	if (X509_digest(x, EVP_sha256(), ci.sha256, &mdlen) != 1 ||
	    mdlen != sizeof ci.sha256) {
		cert_why_ssl(why, whysz, "cannot hash the certificate");
		return ERR_CRYPTO;
	}
	for (i = 0; i < sizeof ci.sha256; i++)
		snprintf(ci.sha256_hex + 2 * i, 3, "%02x", ci.sha256[i]);
	if (cert_name_line(X509_get_subject_name(x), ci.subject,
	    sizeof ci.subject) != 0 ||
	    cert_name_line(X509_get_issuer_name(x), ci.issuer,
	    sizeof ci.issuer) != 0) {
		cert_why_ssl(why, whysz, "cannot print the certificate names");
		return ERR_NOMEM;
	}
	cert_name_cn(X509_get_subject_name(x), ci.subject_cn,
	    sizeof ci.subject_cn);
	cert_name_cn(X509_get_issuer_name(x), ci.issuer_cn,
	    sizeof ci.issuer_cn);
	if (cert_time(X509_get0_notBefore(x), &ci.not_before) != 0 ||
	    cert_time(X509_get0_notAfter(x), &ci.not_after) != 0) {
		cert_why_ssl(why, whysz, "certificate validity date malformed");
		return ERR_PARSE;
	}
	cert_key_type(x, ci.key_type, sizeof ci.key_type);
	/* Self-signed: the names match and the certificate's own key verifies
	 * its signature (same names alone can be a forgery or a re-key). */
	ci.self_signed = 0;
	if (X509_NAME_cmp(X509_get_subject_name(x),
	    X509_get_issuer_name(x)) == 0 &&
	    (pk = X509_get0_pubkey(x)) != NULL && X509_verify(x, pk) == 1)
		ci.self_signed = 1;
	ERR_clear_error();
	*out = ci;
	return 0;
}

int
cert_from_der(const unsigned char *der, size_t len, struct cert_info *out,
    char *why, size_t whysz)
{
	const unsigned char *p = der;
	X509 *x;
	int r;

	if (der == NULL || out == NULL) {
		cert_why(why, whysz, "%s", "no certificate given");
		return ERR_INVAL;
	}
	if (len == 0 || len > CERT_DER_MAX) {
		cert_why(why, whysz, "%s", len == 0 ?
		    "empty certificate" : "certificate larger than 256 KiB");
		return ERR_PARSE;
	}
	ERR_clear_error();
	x = d2i_X509(NULL, &p, (long)len);
	if (x == NULL) {
		cert_why_ssl(why, whysz, "not a DER X.509 certificate");
		return ERR_CRYPTO;
	}
	if (p != der + len) {
		X509_free(x);
		cert_why(why, whysz, "%s",
		    "trailing bytes after the DER certificate");
		return ERR_PARSE;
	}
	r = cert_fill(x, out, why, whysz);
	X509_free(x);
	return r;
}

int
cert_find_pem(const char *text, size_t len, size_t *start, size_t *blen)
{
	const char *b, *e;

	if (text == NULL)
		return ERR_NOTFOUND;
	b = memmem(text, len, PEM_BEGIN, sizeof PEM_BEGIN - 1);
	if (b == NULL)
		return ERR_NOTFOUND;
	e = memmem(b, len - (size_t)(b - text), PEM_END, sizeof PEM_END - 1);
	if (e == NULL)
		return ERR_NOTFOUND;
	*start = (size_t)(b - text);
	*blen = (size_t)(e - b) + sizeof PEM_END - 1;
	return 0;
}

static int
cert_b64(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
}

int
cert_from_pem(const char *text, size_t len, struct cert_info *out,
    char *why, size_t whysz)
{
	size_t start, blen, i, nb = 0, lineno = 1;
	unsigned char *b64 = NULL, *der = NULL;
	EVP_ENCODE_CTX *ctx = NULL;
	const char *body;
	size_t bodylen;
	int dl = 0, fl = 0, r;

	if (text == NULL || out == NULL) {
		cert_why(why, whysz, "%s", "no text given");
		return ERR_INVAL;
	}
	if (cert_find_pem(text, len, &start, &blen) != 0) {
		if (memmem(text, len, PEM_BEGIN, sizeof PEM_BEGIN - 1) != NULL)
			cert_why(why, whysz, "%s", "PEM block truncated: no "
			    "\"" PEM_END "\" line");
		else
			cert_why(why, whysz, "%s", "no \"" PEM_BEGIN
			    "\" block in the output");
		return ERR_PARSE;
	}
	body = text + start + sizeof PEM_BEGIN - 1;
	bodylen = blen - (sizeof PEM_BEGIN - 1) - (sizeof PEM_END - 1);
	if (bodylen > CERT_DER_MAX * 2) {
		cert_why(why, whysz, "%s", "PEM block larger than 512 KiB");
		return ERR_PARSE;
	}
	/* Keep the base64 only: CR, LF, blanks and NULs between lines are the
	 * terminal's; anything else is a broken block. */
	if ((b64 = malloc(bodylen + 1)) == NULL)
		return ERR_NOMEM;
	for (i = 0; i < bodylen; i++) {
		unsigned char c = (unsigned char)body[i];

		if (c == '\n')
			lineno++;
		if (c == '\r' || c == '\n' || c == ' ' || c == '\t' || c == 0)
			continue;
		if (!cert_b64(c) || (nb > 0 && b64[nb - 1] == '=' && c != '=')) {
			cert_why(why, whysz, "bad base64 in the PEM block "
			    "(line %zu of the block)", lineno);
			free(b64);
			return ERR_PARSE;
		}
		b64[nb++] = c;
	}
	if (nb == 0 || nb % 4 != 0) {
		cert_why(why, whysz, "%s", nb == 0 ? "empty PEM block" :
		    "PEM block truncated: base64 length not a multiple of 4");
		free(b64);
		return ERR_PARSE;
	}
	r = ERR_NOMEM;
	if ((der = malloc(nb / 4 * 3 + 3)) == NULL ||
	    (ctx = EVP_ENCODE_CTX_new()) == NULL)
		goto out;
	EVP_DecodeInit(ctx);
	if (EVP_DecodeUpdate(ctx, der, &dl, b64, (int)nb) < 0 ||
	    EVP_DecodeFinal(ctx, der + dl, &fl) != 1) {
		cert_why_ssl(why, whysz, "bad base64 in the PEM block");
		r = ERR_PARSE;
		goto out;
	}
	r = cert_from_der(der, (size_t)(dl + fl), out, why, whysz);
out:
	EVP_ENCODE_CTX_free(ctx);
	free(der);
	free(b64);
	return r;
}

long
cert_days_left(const struct cert_info *ci, time_t now)
{
	long long d = (long long)ci->not_after - (long long)now;

	/* Round down, also below zero: 1 s past expiry is day -1. */
	if (d >= 0)
		return (long)(d / 86400);
	return (long)(-((-d + 86399) / 86400));
}

/* ------------------------------------------------------------ TLS probe */

static long long
cert_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for events on fd until deadline; 1 ready, 0 timed out, -1 error. */
static int
cert_wait(int fd, short events, long long deadline)
{
	struct pollfd pfd;
	long long left;
	int r;

	for (;;) {
		left = deadline - cert_now_ms();
		if (left <= 0)
			return 0;
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		r = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

static void
cert_why_hp(char *why, size_t whysz, const char *what, const char *host,
    int port, const char *detail)
{
	char h[128];

	if (why == NULL || whysz == 0)
		return;
	esc_fixed(h, sizeof h, host, strlen(host));
	snprintf(why, whysz, "%s %s port %d%s%s", what, h, port,
	    detail ? ": " : "", detail ? detail : "");
}

/* A connected non-blocking socket to host:port, or an ERR_*. */
static int
cert_connect(const char *host, int port, long long deadline, int *fdp,
    char *why, size_t whysz)
{
	struct addrinfo hints, *res = NULL, *ai;
	char portstr[16];
	int fd = -1, r, err = 0, timedout = 0, soerr;
	socklen_t sl;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(portstr, sizeof portstr, "%d", port);
	r = getaddrinfo(host, portstr, &hints, &res);
	if (r != 0) {
		cert_why_hp(why, whysz, "cannot resolve", host, port,
		    gai_strerror(r));
		return ERR_RESOLVE;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family,
		    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd == -1) {
			err = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS) {
			r = cert_wait(fd, POLLOUT, deadline);
			if (r == 1) {
				soerr = 0;
				sl = sizeof soerr;
				if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr,
				    &sl) == 0 && soerr == 0)
					break;
				err = soerr ? soerr : errno;
			} else if (r == 0) {
				timedout = 1;
			} else
				err = errno;
		} else
			err = errno;
		close(fd);
		fd = -1;
		if (timedout)
			break;
	}
	freeaddrinfo(res);
	if (fd != -1) {
		*fdp = fd;
		return 0;
	}
	if (timedout) {
		cert_why_hp(why, whysz, "timed out connecting to", host, port,
		    NULL);
		return ERR_TIMEOUT;
	}
	cert_why_hp(why, whysz, err == ECONNREFUSED ? "connection refused by" :
	    "cannot connect to", host, port, err ? strerror(err) : NULL);
	return ERR_CONNECT;
}

/* Send all of s; 0 or an ERR_*. */
static int
cert_send_all(int fd, const char *s, size_t n, long long deadline, char *why,
    size_t whysz)
{
	ssize_t w;

	while (n > 0) {
		w = send(fd, s, n, MSG_NOSIGNAL);
		if (w > 0) {
			s += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR)) {
			if (cert_wait(fd, POLLOUT, deadline) == 0) {
				cert_why(why, whysz, "%s",
				    "timed out sending the XMPP stream header");
				return ERR_TIMEOUT;
			}
			continue;
		}
		cert_why(why, whysz, "XMPP: send failed: %s", strerror(errno));
		return ERR_CONNECT;
	}
	return 0;
}

/*
 * Read into buf (bounded) until one of the needles appears; returns the
 * index of the needle found (0..), or an ERR_*.  Reads stop at the needle
 * only by chance of framing; STARTTLS servers send nothing more before our
 * next step, so nothing TLS-related is consumed.
 */
static int
cert_read_until(int fd, char *buf, size_t bufsz, size_t *used,
    const char *const *needles, long long deadline, const char *what,
    char *why, size_t whysz)
{
	ssize_t got;
	size_t k;
	int r;

	for (;;) {
		for (k = 0; needles[k] != NULL; k++)
			if (memmem(buf, *used, needles[k], strlen(needles[k])))
				return (int)k;
		if (*used + 1 >= bufsz) {
			cert_why(why, whysz, "XMPP: no %s in the first 64 KiB",
			    what);
			return ERR_PARSE;
		}
		got = recv(fd, buf + *used, bufsz - 1 - *used, 0);
		if (got > 0) {
			*used += (size_t)got;
			buf[*used] = '\0';
			continue;
		}
		if (got == 0) {
			cert_why(why, whysz, "XMPP: connection closed while "
			    "waiting for %s", what);
			return ERR_EOF;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
			r = cert_wait(fd, POLLIN, deadline);
			if (r == 0) {
				cert_why(why, whysz, "XMPP: timed out waiting "
				    "for %s", what);
				return ERR_TIMEOUT;
			}
			continue;
		}
		cert_why(why, whysz, "XMPP: receive failed: %s",
		    strerror(errno));
		return ERR_CONNECT;
	}
}

#define XMPP_BUF (64 * 1024)

static int
cert_xmpp_starttls(int fd, enum cert_tls_mode mode, const char *domain,
    long long deadline, char *why, size_t whysz)
{
	static const char *const feat[] = { "</stream:features>",
		"<stream:features/>", "</features>", "<stream:error", NULL };
	static const char *const proc[] = { "<proceed", "<failure",
		"<stream:error", NULL };
	static const char st[] =
	    "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
	char hdr[512], *buf;
	size_t used = 0;
	int r, n;

	n = snprintf(hdr, sizeof hdr,
	    "<?xml version='1.0'?><stream:stream xmlns='%s' "
	    "xmlns:stream='http://etherx.jabber.org/streams' to='%s' "
	    "version='1.0'>",
	    mode == CERT_TLS_XMPP_SERVER ? "jabber:server" : "jabber:client",
	    domain);
	if (n < 0 || (size_t)n >= sizeof hdr)
		return ERR_INVAL;
	if ((buf = malloc(XMPP_BUF)) == NULL)
		return ERR_NOMEM;
	buf[0] = '\0';
	if ((r = cert_send_all(fd, hdr, (size_t)n, deadline, why, whysz)) != 0)
		goto out;
	r = cert_read_until(fd, buf, XMPP_BUF, &used, feat, deadline,
	    "stream features", why, whysz);
	if (r < 0)
		goto out;
	if (r == 3) {
		cert_why(why, whysz, "%s", "XMPP: the server sent a stream "
		    "error instead of its features");
		r = ERR_TLS;
		goto out;
	}
	if (memmem(buf, used, "starttls", 8) == NULL) {
		cert_why(why, whysz, "%s",
		    "XMPP: the server does not offer STARTTLS");
		r = ERR_TLS;
		goto out;
	}
	used = 0;
	buf[0] = '\0';
	if ((r = cert_send_all(fd, st, sizeof st - 1, deadline, why,
	    whysz)) != 0)
		goto out;
	r = cert_read_until(fd, buf, XMPP_BUF, &used, proc, deadline,
	    "the STARTTLS answer", why, whysz);
	if (r < 0)
		goto out;
	if (r != 0) {
		cert_why(why, whysz, "%s", "XMPP: STARTTLS refused by the "
		    "server");
		r = ERR_TLS;
		goto out;
	}
	r = 0;
out:
	free(buf);
	return r;
}

static int
cert_is_ip(const char *host)
{
	unsigned char a[16];

	return inet_pton(AF_INET, host, a) == 1 ||
	    inet_pton(AF_INET6, host, a) == 1;
}

static int
cert_tls(int fd, const char *host, long long deadline, struct cert_info *out,
    char *why, size_t whysz)
{
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	X509 *peer = NULL;
	unsigned char *der = NULL;
	int r, e, dl, w;

	ERR_clear_error();
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		cert_why_ssl(why, whysz, "cannot set up TLS");
		return ERR_TLS;
	}
	/* An observation of what is served, old protocols and keys included. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_min_proto_version(ctx, 0);
	r = ERR_TLS;
	if ((ssl = SSL_new(ctx)) == NULL || SSL_set_fd(ssl, fd) != 1) {
		cert_why_ssl(why, whysz, "cannot set up TLS");
		goto out;
	}
	/* SNI for a name (the macro wants a non-const pointer). */
	if (!cert_is_ip(host) && parse_valid_host(host, strlen(host))) {
		char sni[256];

		snprintf(sni, sizeof sni, "%s", host);
		SSL_set_tlsext_host_name(ssl, sni);
	}
	for (;;) {
		int ret = SSL_connect(ssl);

		if (ret == 1)
			break;
		e = SSL_get_error(ssl, ret);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			w = cert_wait(fd, e == SSL_ERROR_WANT_READ ? POLLIN :
			    POLLOUT, deadline);
			if (w == 0) {
				cert_why(why, whysz, "%s",
				    "timed out in the TLS handshake");
				r = ERR_TIMEOUT;
				goto out;
			}
			continue;
		}
		if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
			cert_why(why, whysz, "%s", ret == 0 || errno == 0 ?
			    "TLS handshake failed: connection closed by the "
			    "peer" : "TLS handshake failed: connection reset");
			r = ERR_TLS;
			goto out;
		}
		cert_why_ssl(why, whysz, "TLS handshake failed");
		goto out;
	}
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	peer = SSL_get1_peer_certificate(ssl);
#else
	peer = SSL_get_peer_certificate(ssl);
#endif
	if (peer == NULL) {
		cert_why(why, whysz, "%s", "the server sent no certificate");
		goto out;
	}
	if ((dl = i2d_X509(peer, &der)) <= 0) {
		cert_why_ssl(why, whysz, "cannot encode the peer certificate");
		goto out;
	}
	r = cert_from_der(der, (size_t)dl, out, why, whysz);
	SSL_shutdown(ssl);   /* best effort close_notify; non-blocking */
out:
	OPENSSL_free(der);
	X509_free(peer);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	ERR_clear_error();
	return r;
}

int
cert_probe_tls(const char *host, int port, enum cert_tls_mode mode,
    const char *xmpp_domain, int timeout_ms, struct cert_info *out,
    char *why, size_t whysz)
{
	struct cert_info ci;
	long long deadline;
	const char *domain;
	int fd = -1, r;

	if (host == NULL || *host == '\0' || port <= 0 || port > 65535 ||
	    out == NULL || timeout_ms <= 0 ||
	    (mode != CERT_TLS_DIRECT && mode != CERT_TLS_XMPP_CLIENT &&
	    mode != CERT_TLS_XMPP_SERVER)) {
		cert_why(why, whysz, "%s", "TLS probe: invalid argument");
		return ERR_INVAL;
	}
	domain = xmpp_domain != NULL ? xmpp_domain : host;
	/* The domain goes into XML: only a host name or an address. */
	if (mode != CERT_TLS_DIRECT && !parse_valid_host(domain,
	    strlen(domain)) && !cert_is_ip(domain)) {
		cert_why(why, whysz, "%s", "XMPP domain is not a host name");
		return ERR_INVAL;
	}
	deadline = cert_now_ms() + timeout_ms;
	if ((r = cert_connect(host, port, deadline, &fd, why, whysz)) != 0)
		return r;
	if (mode != CERT_TLS_DIRECT &&
	    (r = cert_xmpp_starttls(fd, mode, domain, deadline, why,
	    whysz)) != 0)
		goto out;
	if ((r = cert_tls(fd, host, deadline, &ci, why, whysz)) != 0)
		goto out;
	*out = ci;
out:
	close(fd);
	return r;
}

/*
 * cert: X.509 facts with OpenSSL.  A PEM certificate (from `show cert` output
 * or a TLS handshake) becomes a struct cert_info: serial, SHA-256
 * fingerprint, subject, issuer, validity, key type, self-signed or not.
 */
#ifndef CERTREGEN_CERT_H
#define CERTREGEN_CERT_H

#include <stddef.h>
#include <time.h>

struct cert_info {
	char serial[130];       /* lower-case hex, no colons, no leading 00 */
	unsigned char sha256[32];
	char sha256_hex[65];    /* lower-case hex of sha256 */
	char subject[512];      /* RFC 2253 one-line form ("CN=x,O=y"); OpenSSL
	                           escapes specials, controls and non-ASCII
	                           (\C3\A9); cut with "..." if longer */
	char issuer[512];
	char subject_cn[256];   /* the first CN as UTF-8 (esc.h escaped), or "" */
	char issuer_cn[256];
	time_t not_before;      /* UTC */
	time_t not_after;
	char key_type[32];      /* "RSA-2048", "EC-prime256v1", "Ed25519" ... */
	int self_signed;        /* issuer == subject and the signature verifies
	                           with the certificate's own key */
};

/*
 * Parse the first PEM certificate in text[0..len) (text around it is
 * ignored; CRLF line ends, indentation and NULs between lines allowed).
 * 0, or ERR_PARSE (no block, truncated block, bad base64) / ERR_CRYPTO (not
 * a certificate; OpenSSL's error queue drained into why) with a reason.
 * out is set only on success.
 */
int cert_from_pem(const char *text, size_t len, struct cert_info *out,
    char *why, size_t whysz);

/* The same from DER bytes (exactly one certificate: trailing bytes are
 * ERR_PARSE; at most 256 KiB). */
int cert_from_der(const unsigned char *der, size_t len, struct cert_info *out,
    char *why, size_t whysz);

/*
 * Find the first "-----BEGIN CERTIFICATE-----" ... "-----END CERTIFICATE-----"
 * block in text; sets *start and *blen.  0 or ERR_NOTFOUND.
 */
int cert_find_pem(const char *text, size_t len, size_t *start, size_t *blen);

/* Days from now to not_after, rounded down (negative once expired). */
long cert_days_left(const struct cert_info *ci, time_t now);

/* How a TLS port is reached. */
enum cert_tls_mode {
	CERT_TLS_DIRECT = 0,   /* TLS from the first byte (tomcat 8443, SIP 5062) */
	CERT_TLS_XMPP_CLIENT,  /* XMPP STARTTLS, jabber:client (5222) */
	CERT_TLS_XMPP_SERVER,  /* XMPP STARTTLS, jabber:server (5269) */
};

/*
 * Connect to host:port (IPv4 or IPv6), do the TLS handshake (after STARTTLS
 * where the mode says so) and report the certificate the server presents.
 * The peer is not verified: this is an observation, not a trust decision.
 * xmpp_domain is the domain for the XMPP stream header (NULL: host); it must
 * be a host name or an address (it goes into XML), else ERR_INVAL.
 * timeout_ms bounds connect + STARTTLS + handshake together (name
 * resolution is getaddrinfo's and not bounded by it).  SNI is sent when host
 * is a name.  The caller ignores SIGPIPE (OpenSSL writes to the socket).
 * 0, or ERR_INVAL / ERR_RESOLVE / ERR_CONNECT ("connection refused by ...")
 * / ERR_TIMEOUT / ERR_EOF / ERR_TLS (handshake failure with OpenSSL's
 * reason, "STARTTLS refused by the server", stream error, no STARTTLS
 * offered) / ERR_PARSE / ERR_CRYPTO with why.
 */
int cert_probe_tls(const char *host, int port, enum cert_tls_mode mode,
    const char *xmpp_domain, int timeout_ms, struct cert_info *out,
    char *why, size_t whysz);

#endif

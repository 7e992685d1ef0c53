/*
 * sim-cert: the OpenSSL side of vos-sim: keys, X.509 certificates
 * (self-signed, CA-signed, expired), PEM files, serials and the text dumps
 * `show cert own` prints.  Stateless; returns NULL or ERR_* on failure.
 */
#ifndef VOS_SIM_CERT_H
#define VOS_SIM_CERT_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stddef.h>

struct buf;

struct cert_subject {
	const char *cn, *o, *ou, *l, *st, *c;
	const char *dns1, *dns2;    /* subjectAltName entries, may be NULL */
};

#define CERT_CA 0x01         /* a CA certificate */
#define CERT_IPSEC 0x02      /* ipsec end entity usage */

/* A new RSA (bits) or ECDSA P-384 key; NULL on failure. */
EVP_PKEY *cert_key_new(int ec, int bits);
/* A certificate for key, valid from now+from_s to now+to_s, signed by
 * issuer/issuer_key (NULL: self-signed), with a fresh random serial. */
X509 *cert_new(EVP_PKEY *key, const struct cert_subject *subj, X509 *issuer,
    EVP_PKEY *issuer_key, long from_s, long to_s, int flags);

/* Lower-case hex serial without leading zeros. */
void cert_serial_hex(const X509 *x, char *out, size_t sz);
/* notAfter as 2027-02-03T15:31:38Z. */
void cert_not_after_iso(const X509 *x, char *out, size_t sz);
/* The subject CN, or "" */
void cert_cn(const X509 *x, char *out, size_t sz);
/* The issuer CN, or "" */
void cert_issuer_cn(const X509 *x, char *out, size_t sz);
/* 1 if issuer and subject differ. */
int cert_ca_signed(const X509 *x);
/* 1 if notAfter is in the past. */
int cert_expired(const X509 *x);

/* PEM files: 0 or ERR_IO; keys are written mode 0600. */
int cert_write(const char *path, X509 *x);
X509 *cert_read(const char *path);
int cert_key_write(const char *path, EVP_PKEY *k);
EVP_PKEY *cert_key_read(const char *path);

/* Append the PEM block. */
int cert_pem(X509 *x, struct buf *out);
/* Append the dump `show cert own` prints: "java" or "openssl" style text,
 * then the PEM block; lines end in '\n'. */
int cert_dump(X509 *x, const char *style, struct buf *out);

#endif

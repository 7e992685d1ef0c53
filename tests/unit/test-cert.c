/*
 * Unit tests for cert: certificates made here with OpenSSL's API (RSA, EC,
 * Ed25519; self-signed, CA-signed, expired, same names but another key;
 * UTCTime and GeneralizedTime), read back through cert_from_pem/der, and
 * broken PEM in CLI-like surroundings.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "buf.h"
#include "cert.h"
#include "err.h"
#include "tap.h"

static EVP_PKEY *
key_new(int type, int param)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_id(type, NULL);
	EVP_PKEY *k = NULL;

	if (c == NULL || EVP_PKEY_keygen_init(c) != 1)
		abort();
	if (type == EVP_PKEY_RSA &&
	    EVP_PKEY_CTX_set_rsa_keygen_bits(c, param) != 1)
		abort();
	if (type == EVP_PKEY_EC &&
	    EVP_PKEY_CTX_set_ec_paramgen_curve_nid(c, param) != 1)
		abort();
	if (EVP_PKEY_keygen(c, &k) != 1)
		abort();
	EVP_PKEY_CTX_free(c);
	return k;
}

static void
name_add(X509_NAME *nm, const char *field, const char *v)
{
	if (X509_NAME_add_entry_by_txt(nm, field, MBSTRING_UTF8,
	    (const unsigned char *)v, -1, -1, 0) != 1)
		abort();
}

/*
 * A certificate for key, signed by signer, with subject CN=cn,O=Example and
 * issuer CN=issuer_cn,O=Example; times as ASN.1 strings ("YYMMDDHHMMSSZ"
 * UTCTime or "YYYYMMDDHHMMSSZ" GeneralizedTime); serial in hex.
 */
static X509 *
cert_make(EVP_PKEY *key, EVP_PKEY *signer, const char *cn,
    const char *issuer_cn, const char *serial_hex, int negative,
    const char *nb, const char *na)
{
	X509 *x = X509_new();
	BIGNUM *bn = NULL;
	ASN1_INTEGER *ai;
	ASN1_TIME *t;
	X509_NAME *nm;
	const EVP_MD *md;

	X509_set_version(x, 2);
	if (BN_hex2bn(&bn, serial_hex) == 0)
		abort();
	BN_set_negative(bn, negative);
	ai = BN_to_ASN1_INTEGER(bn, NULL);
	X509_set_serialNumber(x, ai);
	ASN1_INTEGER_free(ai);
	BN_free(bn);
	nm = X509_NAME_new();
	name_add(nm, "O", "Example");
	name_add(nm, "CN", cn);
	X509_set_subject_name(x, nm);
	X509_NAME_free(nm);
	nm = X509_NAME_new();
	name_add(nm, "O", "Example");
	name_add(nm, "CN", issuer_cn);
	X509_set_issuer_name(x, nm);
	X509_NAME_free(nm);
	t = ASN1_TIME_new();
	if (ASN1_TIME_set_string(t, nb) != 1)
		abort();
	X509_set1_notBefore(x, t);
	if (ASN1_TIME_set_string(t, na) != 1)
		abort();
	X509_set1_notAfter(x, t);
	ASN1_TIME_free(t);
	X509_set_pubkey(x, key);
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	md = EVP_PKEY_get_base_id(signer) == EVP_PKEY_ED25519 ? NULL
	                                                      : EVP_sha256();
#else
	md = EVP_PKEY_base_id(signer) == EVP_PKEY_ED25519 ? NULL : EVP_sha256();
#endif
	if (X509_sign(x, signer, md) <= 0)
		abort();
	return x;
}

static char *
pem_of(X509 *x)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p, *s;
	long n;

	PEM_write_bio_X509(b, x);
	n = BIO_get_mem_data(b, &p);
	s = malloc((size_t)n + 1);
	memcpy(s, p, (size_t)n);
	s[n] = '\0';
	BIO_free(b);
	return s;
}

static int
der_of(X509 *x, unsigned char **der)
{
	*der = NULL;
	return i2d_X509(x, der);
}

/* The hex SHA-256 of x's DER, computed independently of cert.c. */
static void
sha_hex(X509 *x, char hex[65])
{
	unsigned char *der, md[32];
	unsigned int ml = 0;
	int n = der_of(x, &der), i;

	EVP_Digest(der, (size_t)n, md, &ml, EVP_sha256(), NULL);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	OPENSSL_free(der);
}

/* CRLF everywhere: what a PTY hands over. */
static char *
crlf(const char *s)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	for (; *s; s++) {
		if (*s == '\n')
			buf_add(&b, "\r", 1);
		buf_add(&b, s, 1);
	}
	return buf_take(&b);
}

static time_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return timegm(&tm);
}

int
main(void)
{
	EVP_PKEY *rsa = key_new(EVP_PKEY_RSA, 2048);
	EVP_PKEY *rsa2 = key_new(EVP_PKEY_RSA, 2048);
	EVP_PKEY *ec = key_new(EVP_PKEY_EC, NID_X9_62_prime256v1);
	EVP_PKEY *ed = key_new(EVP_PKEY_ED25519, 0);
	struct cert_info ci;
	X509 *self, *ca, *leaf, *expired, *forged, *edc, *gen, *odd, *zero, *neg;
	char why[512], hex[65], *pem, *txt;
	unsigned char *der;
	size_t start, blen;
	struct buf b;
	int r, dl;

	/* --- RSA self-signed, UTCTime before 2050 and GeneralizedTime after */
	self = cert_make(rsa, rsa, "IMPPUB.example.com", "IMPPUB.example.com",
	    "000A1B2C3D", 0, "220204233139Z", "20510601120000Z");
	pem = pem_of(self);
	r = cert_from_pem(pem, strlen(pem), &ci, why, sizeof why);
	is_int(r, 0, "RSA self-signed parses");
	is_str(ci.serial, "a1b2c3d", "serial lower-case, no leading zeros");
	sha_hex(self, hex);
	is_str(ci.sha256_hex, hex, "SHA-256 of the DER");
	ok(ci.sha256[0] == (unsigned char)strtoul((char[]){ hex[0], hex[1], 0 },
	    NULL, 16), "binary fingerprint matches the hex");
	is_str(ci.subject, "CN=IMPPUB.example.com,O=Example",
	    "subject in RFC 2253 order");
	is_str(ci.issuer, "CN=IMPPUB.example.com,O=Example", "issuer");
	is_str(ci.subject_cn, "IMPPUB.example.com", "subject CN");
	is_str(ci.issuer_cn, "IMPPUB.example.com", "issuer CN");
	is_int(ci.not_before, utc(2022, 2, 4, 23, 31, 39),
	    "notBefore from UTCTime");
	is_int(ci.not_after, utc(2051, 6, 1, 12, 0, 0),
	    "notAfter from GeneralizedTime past 2050");
	is_str(ci.key_type, "RSA-2048", "key type RSA-2048");
	is_int(ci.self_signed, 1, "self-signed");
	is_int(cert_days_left(&ci, utc(2051, 5, 30, 12, 0, 0)), 2,
	    "two days left");
	free(pem);

	/* --- The same in Java-style `show cert` output with CRLF. */
	pem = pem_of(self);
	buf_init(&b, 1 << 20);
	buf_addf(&b, "[\n  Version: V3\n  Subject: CN=IMPPUB\n]\n"
	    "Serial Number: 999\nValidity From: Fri Feb 04 15:31:39 PST 2022\n"
	    "           To:   Wed Feb 03 15:31:38 PST 2027\n%s\nadmin:", pem);
	txt = crlf(buf_str(&b));
	buf_clear(&b);
	r = cert_from_pem(txt, strlen(txt), &ci, why, sizeof why);
	is_int(r, 0, "PEM inside CRLF Java-style output");
	is_str(ci.serial, "a1b2c3d", "the PEM wins over the text dump");
	ok(cert_find_pem(txt, strlen(txt), &start, &blen) == 0 &&
	    strncmp(txt + start, "-----BEGIN CERTIFICATE-----", 27) == 0 &&
	    strncmp(txt + start + blen - 25, "-----END CERTIFICATE-----", 25)
	    == 0, "cert_find_pem spans BEGIN..END");
	free(txt);
	free(pem);

	/* --- EC CA and an RSA leaf it signed. */
	ca = cert_make(ec, ec, "Example Issuing CA", "Example Issuing CA", "01",
	    0, "20200101000000Z", "20400101000000Z");
	leaf = cert_make(rsa2, ec, "tomcat.example.com", "Example Issuing CA",
	    "7F", 0, "230101000000Z", "330101000000Z");
	pem = pem_of(ca);
	r = cert_from_pem(pem, strlen(pem), &ci, why, sizeof why);
	is_int(r, 0, "EC CA parses");
	is_str(ci.key_type, "EC-prime256v1", "key type EC-prime256v1");
	is_int(ci.self_signed, 1, "the CA is self-signed");
	is_int(ci.not_before, utc(2020, 1, 1, 0, 0, 0),
	    "GeneralizedTime before 2050 too");
	free(pem);
	dl = der_of(leaf, &der);
	r = cert_from_der(der, (size_t)dl, &ci, why, sizeof why);
	is_int(r, 0, "leaf from DER");
	is_int(ci.self_signed, 0, "the leaf is not self-signed");
	is_str(ci.issuer_cn, "Example Issuing CA", "issuer CN of the leaf");
	is_str(ci.subject_cn, "tomcat.example.com", "subject CN of the leaf");
	is_str(ci.serial, "7f", "serial 7f");
	r = cert_from_der(der, (size_t)dl - 1, &ci, why, sizeof why);
	ok(r == ERR_CRYPTO || r == ERR_PARSE, "DER cut by one byte refused");
	unsigned char *der2 = malloc((size_t)dl + 1);
	memcpy(der2, der, (size_t)dl);
	der2[dl] = 0;
	r = cert_from_der(der2, (size_t)dl + 1, &ci, why, sizeof why);
	is_int(r, ERR_PARSE, "trailing byte after DER refused");
	has_str(why, "trailing", "reason says trailing bytes");
	free(der2);
	OPENSSL_free(der);
	r = cert_from_der((const unsigned char *)"", 0, &ci, why, sizeof why);
	is_int(r, ERR_PARSE, "empty DER");

	/* --- Expired. */
	expired = cert_make(rsa, rsa, "old", "old", "02", 0, "100101000000Z",
	    "150101000000Z");
	pem = pem_of(expired);
	r = cert_from_pem(pem, strlen(pem), &ci, why, sizeof why);
	is_int(r, 0, "expired parses");
	ok(cert_days_left(&ci, time(NULL)) < -3000, "expired: days left < 0");
	is_int(cert_days_left(&ci, ci.not_after + 1), -1,
	    "1 s after expiry is day -1");
	is_int(cert_days_left(&ci, ci.not_after - 86399), 0,
	    "less than a day left is 0");
	is_int(cert_days_left(&ci, ci.not_after - 86400), 1, "one day left");
	is_int(cert_days_left(&ci, ci.not_after + 86400), -1,
	    "one day past is -1");
	is_int(cert_days_left(&ci, ci.not_after + 86401), -2,
	    "a bit more than one day past is -2");
	free(pem);

	/* --- Issuer == subject but signed by another key. */
	forged = cert_make(rsa, rsa2, "IMPPUB.example.com",
	    "IMPPUB.example.com", "03", 0, "220101000000Z", "320101000000Z");
	pem = pem_of(forged);
	r = cert_from_pem(pem, strlen(pem), &ci, why, sizeof why);
	is_int(r, 0, "same names, other key: parses");
	is_int(ci.self_signed, 0, "same names, other key: not self-signed");
	free(pem);

	/* --- Ed25519. */
	edc = cert_make(ed, ed, "ed", "ed", "04", 0, "220101000000Z",
	    "320101000000Z");
	pem = pem_of(edc);
	r = cert_from_pem(pem, strlen(pem), &ci, why, sizeof why);
	is_int(r, 0, "Ed25519 parses");
	is_str(ci.key_type, "Ed25519", "key type Ed25519");
	is_int(ci.self_signed, 1, "Ed25519 self-signed");
	free(pem);

	/* --- Far future UTCTime limit (2049) and year 9999. */
	gen = cert_make(rsa, rsa, "g", "g", "05", 0, "491231235959Z",
	    "99991231235959Z");
	pem = pem_of(gen);
	r = cert_from_pem(pem, strlen(pem), &ci, why, sizeof why);
	is_int(r, 0, "2049 / 9999 dates parse");
	is_int(ci.not_before, utc(2049, 12, 31, 23, 59, 59),
	    "UTCTime 49 is 2049");
	is_int(ci.not_after, utc(9999, 12, 31, 23, 59, 59), "year 9999");
	free(pem);

	/* --- Names needing escapes; zero and negative serials. */
	odd = cert_make(rsa, rsa, "a,b+c\x01\xc3\xa9", "x", "00", 0,
	    "220101000000Z", "320101000000Z");
	pem = pem_of(odd);
	r = cert_from_pem(pem, strlen(pem), &ci, why, sizeof why);
	is_int(r, 0, "odd names parse");
	is_str(ci.serial, "0", "serial zero is \"0\"");
	is_str(ci.subject, "CN=a\\,b\\+c\\01\\C3\\A9,O=Example",
	    "RFC 2253 specials, controls and non-ASCII escaped");
	ok(strchr(ci.subject, '\x01') == NULL, "no control byte in subject");
	is_str(ci.subject_cn, "a,b+c\\x01\xc3\xa9",
	    "CN: control escaped, UTF-8 kept");
	is_int(ci.self_signed, 0, "names differ: not self-signed");
	free(pem);
	zero = odd;
	neg = cert_make(rsa, rsa, "n", "n", "1F", 1, "220101000000Z",
	    "320101000000Z");
	pem = pem_of(neg);
	r = cert_from_pem(pem, strlen(pem), &ci, why, sizeof why);
	is_int(r, 0, "negative serial parses");
	is_str(ci.serial, "-1f", "negative serial keeps its sign");
	free(pem);

	/* --- Two blocks: the first one counts. */
	{
		char *p1 = pem_of(leaf), *p2 = pem_of(self);

		buf_init(&b, 1 << 20);
		buf_addf(&b, "junk\n%s\nmore junk\n%s", p1, p2);
		r = cert_from_pem(b.data, b.len, &ci, why, sizeof why);
		ok(r == 0 && strcmp(ci.serial, "7f") == 0, "first block used");
		buf_clear(&b);
		free(p1);
		free(p2);
	}

	/* --- Broken PEM. */
	pem = pem_of(self);
	{
		char *bad = strdup(pem);
		char *body = bad + 28;

		body[10] = '*';
		r = cert_from_pem(bad, strlen(bad), &ci, why, sizeof why);
		is_int(r, ERR_PARSE, "bad base64 character");
		has_str(why, "bad base64", "reason: bad base64");
		free(bad);

		bad = strdup(pem);
		bad[strlen(bad) / 2] = '\0';
		r = cert_from_pem(bad, strlen(bad), &ci, why, sizeof why);
		is_int(r, ERR_PARSE, "truncated PEM (no END)");
		has_str(why, "truncated", "reason: truncated");
		free(bad);

		/* Valid base64 of garbage DER: OpenSSL's reason is quoted. */
		r = cert_from_pem("-----BEGIN CERTIFICATE-----\nAAAAAAAA\n"
		    "-----END CERTIFICATE-----\n", 63, &ci, why, sizeof why);
		is_int(r, ERR_CRYPTO, "garbage DER");
		has_str(why, "not a DER X.509 certificate: error:",
		    "OpenSSL's error queue in the reason");

		r = cert_from_pem("no pem here", 11, &ci, why, sizeof why);
		is_int(r, ERR_PARSE, "no PEM block");
		has_str(why, "no \"-----BEGIN CERTIFICATE-----\"", "reason");
		r = cert_from_pem("-----BEGIN CERTIFICATE-----\nAAA\n"
		    "-----END CERTIFICATE-----\n", 58, &ci, why, sizeof why);
		is_int(r, ERR_PARSE, "base64 not a multiple of 4");
		r = cert_from_pem("-----BEGIN CERTIFICATE-----\nAA==AAAA\n"
		    "-----END CERTIFICATE-----\n", 63, &ci, why, sizeof why);
		is_int(r, ERR_PARSE, "data after padding");
	}
	free(pem);
	is_int(cert_find_pem("x", 1, &start, &blen), ERR_NOTFOUND,
	    "cert_find_pem: none");
	is_int(cert_from_pem(NULL, 0, &ci, why, sizeof why), ERR_INVAL,
	    "NULL text");
	is_int(cert_probe_tls("127.0.0.1", 0, CERT_TLS_DIRECT, NULL, 100, &ci,
	    why, sizeof why), ERR_INVAL, "probe: port 0 is ERR_INVAL");
	is_int(cert_probe_tls("127.0.0.1", 5222, CERT_TLS_XMPP_CLIENT,
	    "a'/><x", 100, &ci, why, sizeof why), ERR_INVAL,
	    "probe: XML in the XMPP domain is ERR_INVAL");

	(void)zero;
	X509_free(self);
	X509_free(ca);
	X509_free(leaf);
	X509_free(expired);
	X509_free(forged);
	X509_free(edc);
	X509_free(gen);
	X509_free(odd);
	X509_free(neg);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(rsa2);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(ed);
	return tap_done();
}

/* sim-cert: keys, certificates and their text forms with OpenSSL. */
#include "config.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "err.h"
#include "sim-cert.h"
#include "sim-util.h"

EVP_PKEY *
cert_key_new(int ec, int bits)
{
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *k = NULL;

	ctx = EVP_PKEY_CTX_new_id(ec ? EVP_PKEY_EC : EVP_PKEY_RSA, NULL);
	if (ctx == NULL || EVP_PKEY_keygen_init(ctx) <= 0)
		goto out;
	if (ec) {
		if (EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx,
		    NID_secp384r1) <= 0 ||
		    EVP_PKEY_CTX_set_ec_param_enc(ctx,
		    OPENSSL_EC_NAMED_CURVE) <= 0)
			goto out;
	} else if (EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits) <= 0)
		goto out;
	if (EVP_PKEY_keygen(ctx, &k) <= 0)
		k = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	return k;
}

static int
cert_name_add(X509_NAME *nm, const char *field, const char *v)
{
	if (v == NULL || *v == '\0')
		return 1;
	return X509_NAME_add_entry_by_txt(nm, field, MBSTRING_UTF8,
	    (const unsigned char *)v, -1, -1, 0);
}

static int
cert_ext_add(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	int ok;

	if (e == NULL)
		return 0;
	ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok;
}

/* A positive random 128-bit serial whose first byte is not zero. */
static int
cert_serial_set(X509 *x)
{
	unsigned char b[16];
	BIGNUM *bn;
	int ok;

	if (RAND_bytes(b, sizeof b) != 1)
		return 0;
	b[0] = (unsigned char)((b[0] & 0x7f) | 0x10);
	if ((bn = BN_bin2bn(b, sizeof b, NULL)) == NULL)
		return 0;
	ok = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	BN_free(bn);
	return ok;
}

X509 *
cert_new(EVP_PKEY *key, const struct cert_subject *s, X509 *issuer,
    EVP_PKEY *issuer_key, long from_s, long to_s, int flags)
{
	X509 *x = X509_new();
	X509_NAME *nm;
	X509V3_CTX ctx;
	char san[512];
	const EVP_MD *md;

	if (x == NULL)
		return NULL;
	if (!X509_set_version(x, 2) || !cert_serial_set(x) ||
	    X509_time_adj_ex(X509_getm_notBefore(x), 0, from_s, NULL) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), 0, to_s, NULL) == NULL ||
	    !X509_set_pubkey(x, key))
		goto fail;
	nm = X509_get_subject_name(x);
	if (!cert_name_add(nm, "C", s->c) || !cert_name_add(nm, "ST", s->st) ||
	    !cert_name_add(nm, "L", s->l) || !cert_name_add(nm, "O", s->o) ||
	    !cert_name_add(nm, "OU", s->ou) || !cert_name_add(nm, "CN", s->cn))
		goto fail;
	if (!X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) :
	    nm))
		goto fail;
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	if (!cert_ext_add(x, &ctx, NID_subject_key_identifier, "hash") ||
	    !cert_ext_add(x, &ctx, NID_authority_key_identifier,
	    "keyid:always"))
		goto fail;
	if (flags & CERT_CA) {
		if (!cert_ext_add(x, &ctx, NID_basic_constraints,
		    "critical,CA:TRUE") ||
		    !cert_ext_add(x, &ctx, NID_key_usage,
		    "critical,keyCertSign,cRLSign"))
			goto fail;
	} else {
		if (!cert_ext_add(x, &ctx, NID_key_usage,
		    EVP_PKEY_base_id(key) == EVP_PKEY_EC ?
		    "digitalSignature,keyAgreement" :
		    "digitalSignature,keyEncipherment,dataEncipherment") ||
		    !cert_ext_add(x, &ctx, NID_ext_key_usage,
		    (flags & CERT_IPSEC) ? "serverAuth,clientAuth,"
		    "ipsecEndSystem" : "serverAuth,clientAuth"))
			goto fail;
	}
	if (s->dns1 != NULL) {
		if (s->dns2 != NULL)
			snprintf(san, sizeof san, "DNS:%s,DNS:%s", s->dns1,
			    s->dns2);
		else
			snprintf(san, sizeof san, "DNS:%s", s->dns1);
		if (!cert_ext_add(x, &ctx, NID_subject_alt_name, san))
			goto fail;
	}
	if (issuer_key == NULL)
		issuer_key = key;
	md = EVP_PKEY_base_id(issuer_key) == EVP_PKEY_EC ? EVP_sha384() :
	    EVP_sha256();
	if (X509_sign(x, issuer_key, md) <= 0)
		goto fail;
	return x;
fail:
	X509_free(x);
	return NULL;
}

void
cert_serial_hex(const X509 *x, char *out, size_t sz)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	size_t i, j = 0;
	const char *p = hex ? hex : "0";

	while (p[0] == '0' && p[1] != '\0')
		p++;
	for (i = 0; p[i] != '\0' && j + 1 < sz; i++)
		out[j++] = (char)(p[i] >= 'A' && p[i] <= 'F' ? p[i] + 32 : p[i]);
	if (sz > 0)
		out[j] = '\0';
	OPENSSL_free(hex);
	BN_free(bn);
}

static void
cert_time_tm(const ASN1_TIME *t, struct tm *tm)
{
	memset(tm, 0, sizeof *tm);
	ASN1_TIME_to_tm(t, tm);
}

void
cert_not_after_iso(const X509 *x, char *out, size_t sz)
{
	struct tm tm;

	cert_time_tm(X509_get0_notAfter(x), &tm);
	strftime(out, sz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
cert_name_cn(const X509_NAME *nm, char *out, size_t sz)
{
	int i = X509_NAME_get_index_by_NID(nm, NID_commonName, -1);
	const ASN1_STRING *s;
	int n;

	out[0] = '\0';
	if (i < 0)
		return;
	s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(nm, i));
	n = ASN1_STRING_length(s);
	if (n < 0 || (size_t)n >= sz)
		return;
	memcpy(out, ASN1_STRING_get0_data(s), (size_t)n);
	out[n] = '\0';
}

void
cert_cn(const X509 *x, char *out, size_t sz)
{
	cert_name_cn(X509_get_subject_name(x), out, sz);
}

void
cert_issuer_cn(const X509 *x, char *out, size_t sz)
{
	cert_name_cn(X509_get_issuer_name(x), out, sz);
}

int
cert_ca_signed(const X509 *x)
{
	return X509_NAME_cmp(X509_get_subject_name(x),
	    X509_get_issuer_name(x)) != 0;
}

int
cert_expired(const X509 *x)
{
	return X509_cmp_current_time(X509_get0_notAfter(x)) < 0;
}

/* Write what a BIO holds to a file, atomically. */
static int
cert_bio_save(const char *path, BIO *b, mode_t mode)
{
	char *p;
	long n = BIO_get_mem_data(b, &p);

	return n < 0 ? ERR_IO : sim_write_file(path, p, (size_t)n, mode);
}

int
cert_write(const char *path, X509 *x)
{
	BIO *b = BIO_new(BIO_s_mem());
	int r = ERR_IO;

	if (b != NULL && PEM_write_bio_X509(b, x))
		r = cert_bio_save(path, b, 0644);
	BIO_free(b);
	return r;
}

X509 *
cert_read(const char *path)
{
	BIO *b = BIO_new_file(path, "r");
	X509 *x;

	if (b == NULL)
		return NULL;
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	return x;
}

int
cert_key_write(const char *path, EVP_PKEY *k)
{
	BIO *b = BIO_new(BIO_s_mem());
	int r = ERR_IO;

	if (b != NULL && PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL,
	    NULL))
		r = cert_bio_save(path, b, 0600);
	BIO_free(b);
	return r;
}

EVP_PKEY *
cert_key_read(const char *path)
{
	BIO *b = BIO_new_file(path, "r");
	EVP_PKEY *k;

	if (b == NULL)
		return NULL;
	k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	BIO_free(b);
	return k;
}

static int
cert_bio_append(BIO *b, struct buf *out)
{
	char *p;
	long n = BIO_get_mem_data(b, &p);

	return n < 0 ? ERR_IO : buf_add(out, p, (size_t)n);
}

int
cert_pem(X509 *x, struct buf *out)
{
	BIO *b = BIO_new(BIO_s_mem());
	int r = ERR_CRYPTO;

	if (b != NULL && PEM_write_bio_X509(b, x))
		r = cert_bio_append(b, out);
	BIO_free(b);
	return r;
}

/* Java's names for the signature algorithms vos-sim uses. */
static const char *
cert_java_sigalg(int nid)
{
	switch (nid) {
	case NID_sha1WithRSAEncryption: return "SHA1withRSA";
	case NID_sha256WithRSAEncryption: return "SHA256withRSA";
	case NID_sha384WithRSAEncryption: return "SHA384withRSA";
	case NID_sha512WithRSAEncryption: return "SHA512withRSA";
	case NID_ecdsa_with_SHA256: return "SHA256withECDSA";
	case NID_ecdsa_with_SHA384: return "SHA384withECDSA";
	case NID_ecdsa_with_SHA512: return "SHA512withECDSA";
	default: return OBJ_nid2sn(nid);
	}
}

static void
cert_java_name(BIO *b, const X509_NAME *nm)
{
	X509_NAME_print_ex(b, nm, 0, XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_DN_REV |
	    ASN1_STRFLGS_RFC2253 | XN_FLAG_FN_SN);
}

static void
cert_java_time(BIO *b, const ASN1_TIME *t)
{
	struct tm tm;
	char s[64];

	cert_time_tm(t, &tm);
	strftime(s, sizeof s, "%a %b %d %H:%M:%S UTC %Y", &tm);
	BIO_puts(b, s);
}

/* Our own Java-like layout: field names as vos-cli.md lists them. */
static void
cert_dump_java(BIO *b, X509 *x)
{
	const STACK_OF(X509_EXTENSION) *exts = X509_get0_extensions(x);
	EVP_PKEY *pk = X509_get0_pubkey(x);
	unsigned char *der = NULL;
	char oid[80], serial[80];
	int i, n, nid = X509_get_signature_nid(x);

	cert_serial_hex(x, serial, sizeof serial);
	OBJ_obj2txt(oid, sizeof oid, OBJ_nid2obj(nid), 1);
	BIO_printf(b, "[\n  Version: V%ld\n  Serial Number: %s\n"
	    "  SignatureAlgorithm: %s (%s)\n  Issuer Name: ",
	    X509_get_version(x) + 1, serial, cert_java_sigalg(nid), oid);
	cert_java_name(b, X509_get_issuer_name(x));
	BIO_puts(b, "\n  Validity From: ");
	cert_java_time(b, X509_get0_notBefore(x));
	BIO_puts(b, "\n           To:   ");
	cert_java_time(b, X509_get0_notAfter(x));
	BIO_puts(b, "\n  Subject Name: ");
	cert_java_name(b, X509_get_subject_name(x));
	if (pk != NULL && EVP_PKEY_base_id(pk) == EVP_PKEY_EC)
		BIO_puts(b, "\n  Key: EC (1.2.840.10045.2.1)\n    Key value:\n");
	else
		BIO_puts(b, "\n  Key: RSA (1.2.840.113549.1.1.1)\n"
		    "    Key value:\n");
	if (pk != NULL && (n = i2d_PUBKEY(pk, &der)) > 0) {
		for (i = 0; i < n; i++)
			BIO_printf(b, "%02x", der[i]);
		BIO_puts(b, "\n");
	}
	OPENSSL_free(der);
	n = exts ? sk_X509_EXTENSION_num(exts) : 0;
	BIO_printf(b, "  Extensions: %d present\n", n);
	for (i = 0; i < n; i++) {
		X509_EXTENSION *e = sk_X509_EXTENSION_value(exts, i);
		ASN1_OBJECT *o = X509_EXTENSION_get_object(e);

		OBJ_obj2txt(oid, sizeof oid, o, 1);
		BIO_printf(b, "  [\n     Extension: %s (OID.%s)\n"
		    "     Critical: %s\n     ", OBJ_nid2ln(OBJ_obj2nid(o)), oid,
		    X509_EXTENSION_get_critical(e) ? "true" : "false");
		if (!X509V3_EXT_print(b, e, 0, 0))
			BIO_puts(b, "(value not shown)");
		BIO_puts(b, "\n  ]\n");
	}
	BIO_puts(b, "]\n");
}

int
cert_dump(X509 *x, const char *style, struct buf *out)
{
	BIO *b = BIO_new(BIO_s_mem());
	int r = ERR_CRYPTO;

	if (b == NULL)
		return ERR_NOMEM;
	if (strcmp(style, "openssl") == 0)
		X509_print_ex(b, x, XN_FLAG_ONELINE, X509_FLAG_NO_SIGDUMP);
	else
		cert_dump_java(b, x);
	if (PEM_write_bio_X509(b, x))
		r = cert_bio_append(b, out);
	BIO_free(b);
	return r;
}

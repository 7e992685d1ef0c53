/*
 * Unit tests for parse_cert_list (strict and skipping) and parse_cert_show:
 * data/parse/certlist-*.txt and certshow-*.txt against their .out.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cert.h"
#include "err.h"
#include "parse.h"
#include "parse-golden.h"
#include "tap.h"

static void
fmt_certlist(const char *name, const char *in, size_t n, struct buf *out)
{
	struct vos_cert_entry *v = NULL;
	struct parse_skipped sk;
	size_t nv = 0, i;
	char why[512] = "";
	int r;

	r = parse_cert_list(in, n, &v, &nv, why, sizeof why);
	if (r != 0)
		golden_err(out, "strict:", r, why);
	else
		buf_addf(out, "strict: %zu entries\n", nv);
	free(v);
	v = NULL;
	r = parse_cert_list_skip(in, n, &v, &nv, &sk, why, sizeof why);
	if (r != 0)
		golden_err(out, "skip:", r, why);
	else
		for (i = 0; i < nv; i++)
			buf_addf(out, "entry unit=%s file=%s self=%d ca=%d "
			    "signer=\"%s\" text=\"%s\"\n", v[i].unit,
			    v[i].file, v[i].self_signed, v[i].ca_signed,
			    v[i].signer, v[i].text);
	buf_addf(out, "skipped %zu%s%s\n", sk.n, sk.n ? " first: " : "",
	    sk.first);
	free(v);
}

static void
fmt_certshow(const char *name, const char *in, size_t n, struct buf *out)
{
	struct cert_info ci;
	char why[512] = "", *pem = NULL;
	int r;

	r = parse_cert_show(in, n, &ci, &pem, why, sizeof why);
	if (r != 0) {
		golden_err(out, NULL, r, why);
		return;
	}
	buf_addf(out, "serial=%s\nsha256=%s\nsubject=%s\nissuer=%s\n"
	    "subject_cn=%s\nissuer_cn=%s\nnot_before=%lld\nnot_after=%lld\n"
	    "key=%s\nself_signed=%d\n", ci.serial, ci.sha256_hex, ci.subject,
	    ci.issuer, ci.subject_cn, ci.issuer_cn, (long long)ci.not_before,
	    (long long)ci.not_after, ci.key_type, ci.self_signed);
	buf_addf(out, "pem_lf_only=%d\n", pem != NULL && !strchr(pem, '\r'));
	if (pem != NULL)
		buf_addstr(out, pem);
	free(pem);
}

int
main(void)
{
	struct vos_cert_entry *v = NULL;
	struct parse_skipped sk;
	size_t nv = 0;
	char why[512];
	int r;

	ok(golden_run("certlist-", fmt_certlist) >= 14, "cert list samples ran");
	ok(golden_run("certshow-", fmt_certshow) >= 10, "cert show samples ran");

	r = parse_cert_list_skip("cup/cup.pem: x\n", 15, &v, &nv, NULL, why,
	    sizeof why);
	is_int(r, 0, "skip mode without a skipped struct");
	free(v);
	v = NULL;
	r = parse_cert_list("a/b.pem: x\n", 11, &v, &nv, NULL, 0);
	is_int(r, 0, "why may be NULL");
	free(v);
	v = NULL;
	memset(&sk, 0x55, sizeof sk);
	r = parse_cert_list_skip("a b/c.pem: x\n", 13, &v, &nv, &sk, why,
	    sizeof why);
	is_int(r, ERR_PARSE, "only a bad line: ERR_PARSE");
	is_int(sk.n, 1, "it is counted");
	has_str(why, "1 rejected", "the reason says so");

	{
		static const char t[] = "Trust Certificates\n"
		    "tomcat-trust/a.pem: Self-signed certificate\n"
		    "tomcat-trust/b c.pem: odd\ntomcat-trust/d;e.pem: odd\n"
		    "tomcat-trust/f.pem: Certificate Signed by X CA\n";
		struct buf b;
		size_t i;

		r = parse_cert_list_skip(t, sizeof t - 1, &v, &nv, &sk, why,
		    sizeof why);
		is_int(r, 0, "lenient: odd names skipped");
		ok(nv == 2 && strcmp(v[1].file, "f.pem") == 0 &&
		    v[1].ca_signed && strcmp(v[1].signer, "X CA") == 0,
		    "lenient: the good lines kept, in order");
		is_int(sk.n, 2, "lenient: both odd lines counted");
		has_str(sk.first, "line 3: file name not in",
		    "lenient: the first one named");
		free(v);
		v = NULL;
		r = parse_cert_list(t, sizeof t - 1, &v, &nv, why, sizeof why);
		is_int(r, ERR_PARSE, "strict: an odd name fails the list");
		has_str(why, "line 3: ", "strict: says where");
		ok(v == NULL, "strict: no output");
		r = parse_cert_list("x\n", 2, &v, &nv, why, sizeof why);
		is_str(why, "no certificate line (\"unit/file.pem: text\") in "
		    "1 lines", "no certificate line: the reason");
		is_int(parse_cert_list(t, sizeof t - 1, NULL, &nv, why,
		    sizeof why), ERR_INVAL, "NULL out");
		is_int(parse_cert_list_skip(t, sizeof t - 1, &v, NULL, &sk, why,
		    sizeof why), ERR_INVAL, "NULL count");
		buf_init(&b, 4 << 20);
		for (i = 0; i < 140000; i++)
			buf_addstr(&b, "a/b.pem: x\n");
		r = parse_cert_list(buf_str(&b), b.len, &v, &nv, why,
		    sizeof why);
		is_int(r, ERR_TOOBIG, "140000 certificate lines: too many");
		has_str(why, "more than 100000 certificate lines", "... says so");
		ok(v == NULL, "... and no output");
		buf_clear(&b);
	}

	ok(parse_valid_unit("cup-xmpp-s2s-ECDSA", 18), "unit ok");
	ok(!parse_valid_unit("-cup", 4), "unit starting with '-' refused");
	ok(!parse_valid_unit("", 0), "empty unit refused");
	ok(parse_valid_file("CUCMPUB_6f1a.pem", 16), "file ok");
	ok(parse_valid_file("legacy.DER", 10), "file .DER ok");
	ok(!parse_valid_file(".pem", 4), "bare .pem refused");
	ok(!parse_valid_file("x.pem.sh", 8), "other extension refused");
	ok(!parse_valid_file("a/b.pem", 7), "slash refused");
	return tap_done();
}

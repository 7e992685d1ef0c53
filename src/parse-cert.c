/*
 * parse-cert: `show cert list own|trust` ("unit/file.pem: text" lines) and
 * `show cert own|trust unit/file` (the PEM block; the text dump above it,
 * Java or OpenSSL style, is not trusted and not read).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cert.h"
#include "err.h"
#include "esc.h"
#include "parse-line.h"
#include "parse-list.h"
#include "parse.h"

/* Most entries in one listing (a trust store holds a few hundred). */
#define CERT_LIST_MAX 100000

/*
 * Is this a certificate line?  It has a ':' followed by a blank (or at the
 * end) and a '/' before that colon.  *slash and *colon are set.
 */
static int
certlist_shape(const char *s, size_t n, size_t *slash, size_t *colon)
{
	size_t i, sl = (size_t)-1;

	for (i = 0; i < n; i++) {
		if (s[i] == '/' && sl == (size_t)-1)
			sl = i;
		if (s[i] == ':' && (i + 1 == n || s[i + 1] == ' ' ||
		    s[i + 1] == '\t')) {
			if (sl == (size_t)-1)
				return 0;
			*slash = sl;
			*colon = i;
			return 1;
		}
	}
	return 0;
}

/* One line into e; 1 taken, 0 not a certificate line, ERR_PARSE (why). */
static int
certlist_line(const struct pline *pl, void *elem, char *why, size_t whysz)
{
	struct vos_cert_entry *e = elem;
	const char *s = pl->s;
	size_t slash, colon, tb, te;
	static const char signed_by[] = "Certificate Signed by";

	if (!certlist_shape(s, pl->n, &slash, &colon))
		return 0;
	memset(e, 0, sizeof *e);
	if (pline_cut_inside(pl, 0, colon)) {
		pline_fail(pl, why, whysz, "escape sequence or NUL "
		    "inside the name");
		return ERR_PARSE;
	}
	if (!parse_valid_unit(s, slash)) {
		pline_fail(pl, why, whysz, "unit name not in "
		    "[A-Za-z0-9][A-Za-z0-9._-]* (max 63)");
		return ERR_PARSE;
	}
	if (!parse_valid_file(s + slash + 1, colon - slash - 1)) {
		pline_fail(pl, why, whysz, "file name not in "
		    "[A-Za-z0-9][A-Za-z0-9._-]*.pem|der|crt|cer (max 255)");
		return ERR_PARSE;
	}
	memcpy(e->unit, s, slash);
	memcpy(e->file, s + slash + 1, colon - slash - 1);
	tb = colon + 1;
	te = pl->n;
	pline_trim(s, &tb, &te);
	esc_fixed(e->text, sizeof e->text, s + tb, te - tb);
	if (pline_prefix(s + tb, te - tb, "Self-signed") ||
	    pline_prefix(s + tb, te - tb, "Self signed"))
		e->self_signed = 1;
	else if (pline_prefix(s + tb, te - tb, signed_by)) {
		size_t sb = tb + sizeof signed_by - 1;

		/* "Certificate Signed by" must end the word there. */
		if (sb == te || s[sb] == ' ' || s[sb] == '\t') {
			e->ca_signed = 1;
			pline_trim(s, &sb, &te);
			esc_fixed(e->signer, sizeof e->signer, s + sb, te - sb);
		}
	}
	return 1;
}

static const struct plist certlist_spec = {
	.size = sizeof(struct vos_cert_entry),
	.first = 16,
	.max = CERT_LIST_MAX,
	.too_many = "more than 100000 certificate lines",
	.what = "certificate",
	.shape = "\"unit/file.pem: text\"",
	.line = certlist_line,
};

static int
certlist_parse(const char *text, size_t len, struct vos_cert_entry **out,
    size_t *n, struct parse_skipped *sk, char *why, size_t whysz)
{
	void *v;
	int r;

	if (out == NULL)
		return ERR_INVAL;
	if ((r = plist_parse(&certlist_spec, text, len, &v, n, sk, why,
	    whysz)) == 0)
		*out = v;
	return r;
}

int
parse_cert_list(const char *text, size_t len, struct vos_cert_entry **out,
    size_t *n, char *why, size_t whysz)
{
	return certlist_parse(text, len, out, n, NULL, why, whysz);
}

int
parse_cert_list_skip(const char *text, size_t len,
    struct vos_cert_entry **out, size_t *n, struct parse_skipped *sk,
    char *why, size_t whysz)
{
	struct parse_skipped local;

	return certlist_parse(text, len, out, n, sk ? sk : &local, why,
	    whysz);
}

int
parse_cert_show(const char *text, size_t len, struct cert_info *out,
    char **pem, char *why, size_t whysz)
{
	struct cert_info ci;
	struct pline *pl;
	struct buf b;
	size_t start, blen;
	char *copy = NULL;
	int r;

	if (out == NULL)
		return ERR_INVAL;
	if ((pl = malloc(sizeof *pl)) == NULL)
		return ERR_NOMEM;
	/* Clean the whole output line by line (CRLF, NULs, escapes, long
	 * lines) so that the PEM block comes out with LF line ends. */
	buf_init(&b, len + 16);
	pline_init(pl, text, len);
	while ((r = pline_next(pl, why, whysz)) == 1)
		if ((r = buf_add(&b, pl->s, pl->n)) != 0 ||
		    (r = buf_add(&b, "\n", 1)) != 0)
			break;
	free(pl);
	if (r < 0)
		goto out;
	if ((r = cert_from_pem(buf_str(&b), b.len, &ci, why, whysz)) != 0)
		goto out;
	if (pem != NULL) {
		if (cert_find_pem(buf_str(&b), b.len, &start, &blen) != 0) {
			r = ERR_PARSE; /* cannot happen: cert_from_pem found it */
			goto out;
		}
		if ((copy = malloc(blen + 2)) == NULL) {
			r = ERR_NOMEM;
			goto out;
		}
		memcpy(copy, b.data + start, blen);
		memcpy(copy + blen, "\n", 2);
		*pem = copy;
	}
	*out = ci;
out:
	buf_clear(&b);
	return r;
}

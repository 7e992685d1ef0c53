/* parse-line: the line reader and reason helpers shared by parse-*.c. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "esc.h"
#include "parse-line.h"

void
pline_init(struct pline *pl, const char *text, size_t len)
{
	pl->text = text != NULL ? text : "";
	pl->len = text != NULL ? len : 0;
	pl->off = 0;
	pl->lineno = 0;
	pl->n = 0;
	pl->s[0] = '\0';
}

/* Skip the escape sequence at t[i] (t[i] == ESC); index after it.  A line
 * end stops it, so a broken sequence cannot swallow the next line. */
static size_t
pline_skip_esc(const char *t, size_t len, size_t i)
{
	unsigned char c;

	i++;
	if (i >= len)
		return i;
	c = (unsigned char)t[i];
	if (c == '[') {
		for (i++; i < len; i++) {
			c = (unsigned char)t[i];
			if (c == '\n' || c == '\r')
				return i;
			if (c >= 0x40 && c <= 0x7e)
				return i + 1;
			if (c < 0x20 || c > 0x7e)
				return i;   /* not a CSI byte: keep it */
		}
		return i;
	}
	if (c == ']') {
		for (i++; i < len; i++) {
			c = (unsigned char)t[i];
			if (c == '\n' || c == '\r')
				return i;
			if (c == 0x07)
				return i + 1;
			if (c == 0x1b && i + 1 < len && t[i + 1] == '\\')
				return i + 2;
		}
		return i;
	}
	if (c >= 0x20 && c <= 0x7e)
		return i + 1;
	return i;
}

int
pline_next(struct pline *pl, char *why, size_t whysz)
{
	const char *t = pl->text;
	size_t i = pl->off, start = pl->off, n = 0, b, e;

	if (i >= pl->len)
		return 0;
	pl->lineno++;
	pl->ncut = 0;
	pl->raw = t + start;
	while (i < pl->len && t[i] != '\n' && t[i] != '\r') {
		if (i - start >= PARSE_LINE_MAX) {
			pline_why(why, whysz, pl->lineno,
			    "line longer than 8192 bytes", t + start, 40);
			pl->off = pl->len;
			return ERR_TOOBIG;
		}
		if (t[i] == 0x1b || t[i] == '\0') {
			if (pl->ncut < sizeof pl->cuts / sizeof pl->cuts[0])
				pl->cuts[pl->ncut] = n;
			pl->ncut++;
			i = t[i] == 0 ? i + 1 : pline_skip_esc(t, pl->len, i);
			continue;
		}
		pl->s[n++] = t[i];
		i++;
	}
	pl->rawn = i - start;
	/* A run of CRs, with or without an LF after it, ends one line. */
	if (i < pl->len && t[i] == '\r') {
		while (i < pl->len && t[i] == '\r')
			i++;
		if (i < pl->len && t[i] == '\n')
			i++;
	} else if (i < pl->len)
		i++;
	pl->off = i;
	b = 0;
	e = n;
	pline_trim(pl->s, &b, &e);
	if (b > 0)
		memmove(pl->s, pl->s + b, e - b);
	for (i = 0; i < pl->ncut && i < sizeof pl->cuts / sizeof pl->cuts[0];
	    i++)
		pl->cuts[i] = pl->cuts[i] > b ? pl->cuts[i] - b : 0;
	pl->n = e - b;
	pl->s[pl->n] = '\0';
	return 1;
}

int
pline_cut_inside(const struct pline *pl, size_t b, size_t e)
{
	size_t i;

	if (pl->ncut > sizeof pl->cuts / sizeof pl->cuts[0])
		return 1;
	for (i = 0; i < pl->ncut; i++)
		if (pl->cuts[i] > b && pl->cuts[i] < e)
			return 1;
	return 0;
}

void
pline_why(char *why, size_t whysz, size_t lineno, const char *what,
    const char *s, size_t n)
{
	char shown[128];

	if (why == NULL || whysz == 0)
		return;
	esc_fixed(shown, sizeof shown, s, n > 80 ? 80 : n);
	if (n > 80 && strlen(shown) + 4 < sizeof shown)
		memcpy(shown + strlen(shown), "...", 4);
	if (lineno > 0)
		snprintf(why, whysz, "line %zu: %s: \"%s\"", lineno, what,
		    shown);
	else
		snprintf(why, whysz, "%s: \"%s\"", what, shown);
}

void
pline_fail(const struct pline *pl, char *why, size_t whysz, const char *what)
{
	pline_why(why, whysz, pl->lineno, what, pl->raw, pl->rawn);
}

int
pline_prefix(const char *s, size_t n, const char *pfx)
{
	size_t m = strlen(pfx);

	return m <= n && strncasecmp(s, pfx, m) == 0;
}

size_t
pline_find(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle), i;

	if (m == 0)
		return 0;
	for (i = 0; i + m <= n; i++)
		if (strncasecmp(s + i, needle, m) == 0)
			return i;
	return (size_t)-1;
}

int
pline_copy(char *dst, size_t dstsz, const char *s, size_t n)
{
	if (n >= dstsz)
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

void
pline_trim(const char *s, size_t *b, size_t *e)
{
	while (*b < *e && (s[*b] == ' ' || s[*b] == '\t'))
		(*b)++;
	while (*e > *b && (s[*e - 1] == ' ' || s[*e - 1] == '\t'))
		(*e)--;
}

void
pline_skip(struct parse_skipped *sk, const char *reason)
{
	if (sk == NULL)
		return;
	if (sk->n++ == 0)
		snprintf(sk->first, sizeof sk->first, "%s", reason);
}

/* ------------------------------------------------------------ name sets */

static int
pline_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

int
parse_valid_unit(const char *s, size_t n)
{
	size_t i;

	if (s == NULL || n == 0 || n >= 64 || !pline_alnum((unsigned char)s[0]))
		return 0;
	for (i = 1; i < n; i++)
		if (!pline_alnum((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '_' && s[i] != '-')
			return 0;
	return 1;
}

int
parse_valid_file(const char *s, size_t n)
{
	static const char *const ext[] = { ".pem", ".der", ".crt", ".cer" };
	size_t i;

	if (s == NULL || n < 5 || n >= 256 || !pline_alnum((unsigned char)s[0]))
		return 0;
	for (i = 1; i < n; i++)
		if (!pline_alnum((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '_' && s[i] != '-')
			return 0;
	for (i = 0; i < sizeof ext / sizeof ext[0]; i++)
		if (strncasecmp(s + n - 4, ext[i], 4) == 0)
			return 1;
	return 0;
}

int
parse_valid_service(const char *s, size_t n)
{
	size_t i;

	if (s == NULL || n == 0 || n >= 128 || !pline_alnum((unsigned char)s[0]))
		return 0;
	for (i = 1; i < n; i++) {
		if (s[i] == ' ') {
			if (s[i - 1] == ' ' || i == n - 1)
				return 0;
			continue;
		}
		if (!pline_alnum((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '_' && s[i] != '-')
			return 0;
	}
	return 1;
}

int
parse_valid_host(const char *s, size_t n)
{
	size_t i, label = 0;

	if (s == NULL || n == 0 || n >= 254)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (!pline_alnum(c) && c != '-' && c != '_')
			return 0;
		if (label == 0 && c == '-')
			return 0;
		if (++label > 63)
			return 0;
	}
	return label > 0;   /* no trailing dot */
}

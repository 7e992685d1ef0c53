/*
 * parse-version: `show version active`: "Active Master Version: 12.5.1.
 * 12900-115", then the installed options (ignored).  A version is dotted
 * numbers with an optional "-build" suffix.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "parse-line.h"
#include "parse.h"

/* s[0..n) is N(.N)+(-N)?; 1 or 0. */
static int
version_valid(const char *s, size_t n)
{
	size_t i, dots = 0, digits = 0;
	int dash = 0;

	for (i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			digits++;
			continue;
		}
		if (digits == 0 || (s[i] != '.' && s[i] != '-') || dash)
			return 0;
		if (s[i] == '-')
			dash = 1;
		else
			dots++;
		digits = 0;
	}
	return digits > 0 && dots >= 1;
}

int
parse_version(const char *text, size_t len, char *version, size_t vsz,
    int *major, char *why, size_t whysz)
{
	static const char key[] = "Active Master Version";
	struct pline *pl;
	char dummy[1], *end;
	size_t b, e;
	long m;
	int r;

	if (version == NULL || vsz == 0 || major == NULL)
		return ERR_INVAL;
	if (why == NULL || whysz == 0)
		why = dummy, whysz = sizeof dummy;
	if ((pl = malloc(sizeof *pl)) == NULL)
		return ERR_NOMEM;
	pline_init(pl, text, len);
	while ((r = pline_next(pl, why, whysz)) == 1) {
		if (!pline_prefix(pl->s, pl->n, key))
			continue;
		b = sizeof key - 1;
		while (b < pl->n && (pl->s[b] == ' ' || pl->s[b] == '\t'))
			b++;
		if (b >= pl->n || pl->s[b] != ':')
			continue;
		b++;
		e = pl->n;
		pline_trim(pl->s, &b, &e);
		if (!version_valid(pl->s + b, e - b) || e - b > 63) {
			pline_fail(pl, why, whysz, "malformed version "
			    "(want N.N.N.N-N)");
			r = ERR_PARSE;
			break;
		}
		errno = 0;
		m = strtol(pl->s + b, &end, 10);
		if (errno != 0 || m <= 0 || m > 999 || *end != '.') {
			pline_fail(pl, why, whysz, "major version out "
			    "of range");
			r = ERR_PARSE;
			break;
		}
		if (e - b >= vsz) {
			pline_fail(pl, why, whysz, "version longer than "
			    "the caller's buffer");
			r = ERR_TOOBIG;
			break;
		}
		memcpy(version, pl->s + b, e - b);
		version[e - b] = '\0';
		*major = (int)m;
		free(pl);
		return 0;
	}
	if (r == 0) {
		snprintf(why, whysz, "no \"Active Master Version:\" line in "
		    "%zu lines", pl->lineno);
		r = ERR_PARSE;
	}
	free(pl);
	return r;
}

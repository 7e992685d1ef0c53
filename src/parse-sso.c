/*
 * parse-sso: `utils sso status`.  The status line is "SSO Status: ...",
 * "SAML SSO: ..." or "SAML SSO Status: ..." whose value, after an optional
 * "SAML SSO" and before an optional '.', is one of Enabled, Disabled, Not
 * Enabled (any case).  Anything else is ERR_PARSE: the answer decides
 * whether tomcat may be regenerated, so it is never guessed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "parse-line.h"
#include "parse.h"

/* If s starts with key, blanks, ':' the index after it; else 0. */
static size_t
sso_key(const char *s, size_t n, const char *key)
{
	size_t i = strlen(key);

	if (!pline_prefix(s, n, key))
		return 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < n && s[i] == ':' ? i + 1 : 0;
}

/* 1 enabled, 0 disabled, -1 unknown wording. */
static int
sso_value(const char *s, size_t b, size_t e)
{
	static const struct {
		const char *w;
		int on;
	} words[] = { { "enabled", 1 }, { "disabled", 0 },
		{ "not enabled", 0 } };
	size_t i, k;

	pline_trim(s, &b, &e);
	if (pline_prefix(s + b, e - b, "SAML SSO") && (e - b == 8 ||
	    s[b + 8] == ' ' || s[b + 8] == '\t')) {
		b += 8;
		pline_trim(s, &b, &e);
	}
	if (e > b && s[e - 1] == '.')
		e--;
	/* Internal blanks collapse: "Not  Enabled" is still "not enabled". */
	for (i = 0; i < sizeof words / sizeof words[0]; i++) {
		const char *w = words[i].w;
		size_t j = b;

		for (k = 0; w[k] != '\0' && j < e; k++) {
			if (w[k] == ' ') {
				if (s[j] != ' ' && s[j] != '\t')
					break;
				while (j < e && (s[j] == ' ' || s[j] == '\t'))
					j++;
				continue;
			}
			if ((s[j] | 0x20) != w[k])
				break;
			j++;
		}
		if (w[k] == '\0' && j == e)
			return words[i].on;
	}
	return -1;
}

int
parse_sso_status(const char *text, size_t len, int *enabled, char *why,
    size_t whysz)
{
	static const char *const keys[] = { "SSO Status", "SAML SSO Status",
		"SAML SSO" };
	struct pline *pl;
	char dummy[1];
	int r, v, found = -1;
	size_t k, p;

	if (enabled == NULL)
		return ERR_INVAL;
	if (why == NULL || whysz == 0)
		why = dummy, whysz = sizeof dummy;
	if ((pl = malloc(sizeof *pl)) == NULL)
		return ERR_NOMEM;
	pline_init(pl, text, len);
	while ((r = pline_next(pl, why, whysz)) == 1) {
		for (k = 0, p = 0; k < sizeof keys / sizeof keys[0]; k++)
			if ((p = sso_key(pl->s, pl->n, keys[k])) != 0)
				break;
		if (p == 0)
			continue;
		v = sso_value(pl->s, p, pl->n);
		if (v < 0) {
			pline_fail(pl, why, whysz, "SSO status neither "
			    "enabled nor disabled");
			r = ERR_PARSE;
			break;
		}
		if (found >= 0 && v != found) {
			pline_fail(pl, why, whysz, "SSO status "
			    "contradicts the one before");
			r = ERR_PARSE;
			break;
		}
		found = v;
	}
	if (r == 0 && found < 0) {
		snprintf(why, whysz, "no SSO status line (\"SSO Status: ...\")"
		    " in %zu lines", pl->lineno);
		r = ERR_PARSE;
	}
	free(pl);
	if (r < 0)
		return r;
	*enabled = found;
	return 0;
}

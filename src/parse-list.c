/* parse-list: the line loop shared by the listing parsers. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "err.h"
#include "parse-line.h"
#include "parse-list.h"

int
plist_grow(const struct pline *pl, void **v, size_t size, size_t nv,
    size_t *cap, size_t first, size_t max, const char *too_many, char *why,
    size_t whysz)
{
	void *tmp;
	size_t ncap;

	if (nv < *cap)
		return 0;
	if (*cap >= max) {
		pline_fail(pl, why, whysz, too_many);
		return ERR_TOOBIG;
	}
	ncap = *cap ? *cap * 2 : first;
	if ((tmp = realloc(*v, ncap * size)) == NULL)
		return ERR_NOMEM;
	*v = tmp;
	*cap = ncap;
	return 0;
}

int
plist_parse(const struct plist *spec, const char *text, size_t len,
    void **out, size_t *n, struct parse_skipped *sk, char *why,
    size_t whysz)
{
	struct pline *pl;
	void *v = NULL;
	size_t nv = 0, cap = 0;
	char reason[256], dummy[1];
	int r;

	if (out == NULL || n == NULL)
		return ERR_INVAL;
	if (why == NULL || whysz == 0)
		why = dummy, whysz = sizeof dummy;
	if (sk != NULL) {
		sk->n = 0;
		sk->first[0] = '\0';
	}
	if ((pl = malloc(sizeof *pl)) == NULL)
		return ERR_NOMEM;
	pline_init(pl, text, len);
	while ((r = pline_next(pl, why, whysz)) == 1) {
		if ((r = plist_grow(pl, &v, spec->size, nv, &cap, spec->first,
		    spec->max, spec->too_many, why, whysz)) != 0)
			goto fail;
		r = spec->line(pl, (char *)v + nv * spec->size, reason,
		    sizeof reason);
		if (r == 1)
			nv++;
		else if (r < 0) {
			if (sk == NULL) {
				snprintf(why, whysz, "%s", reason);
				goto fail;
			}
			pline_skip(sk, reason);
		}
	}
	if (r < 0)
		goto fail;
	if (nv == 0) {
		if (sk != NULL && sk->n > 0)
			snprintf(why, whysz, "no usable %s line; %zu rejected, "
			    "the first: %s", spec->what, sk->n, sk->first);
		else
			snprintf(why, whysz, "no %s line (%s) in %zu lines",
			    spec->what, spec->shape, pl->lineno);
		r = ERR_PARSE;
		goto fail;
	}
	free(pl);
	*out = v;
	*n = nv;
	return 0;
fail:
	free(pl);
	free(v);
	return r;
}

/*
 * parse-cluster: the node lines of `show network cluster`.  A node line is
 * "IP FQDN HOST Publisher|Subscriber PRODUCT DBPub|DBSub STATUS [using TCP
 * since DATE]"; every other line (the processnode table, blanks, trailers)
 * is skipped.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "parse-line.h"
#include "parse-list.h"
#include "parse.h"

#define CLUSTER_TOKENS 16

struct ctok {
	const char *p;
	size_t n;
};

/* Split s on blanks into at most max tokens; the count. */
static size_t
cluster_split(const char *s, size_t n, struct ctok *t, size_t max)
{
	size_t i = 0, k = 0, b;

	while (i < n && k < max) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= n)
			break;
		b = i;
		while (i < n && s[i] != ' ' && s[i] != '\t')
			i++;
		t[k].p = s + b;
		t[k].n = i - b;
		k++;
	}
	return k;
}

static int
cluster_tok_is(const struct ctok *t, const char *w)
{
	return t->n == strlen(w) && strncasecmp(t->p, w, t->n) == 0;
}

static int
cluster_is_ip(const struct ctok *t)
{
	char tmp[64];
	unsigned char a[16];

	if (pline_copy(tmp, sizeof tmp, t->p, t->n) != 0)
		return 0;
	return inet_pton(AF_INET, tmp, a) == 1 ||
	    inet_pton(AF_INET6, tmp, a) == 1;
}

/* Fill nd from a node line; 0 or ERR_PARSE with why. */
static int
cluster_node(const struct pline *pl, const struct ctok *t, size_t nt,
    struct vos_node *nd, int *has_using, char *why, size_t whysz)
{
	const char *bad = NULL;
	size_t i;

	memset(nd, 0, sizeof *nd);
	for (i = 0; i < 3 && bad == NULL; i++)
		if (pline_cut_inside(pl, (size_t)(t[i].p - pl->s),
		    (size_t)(t[i].p - pl->s) + t[i].n))
			bad = "escape sequence or NUL inside a name";
	if (bad != NULL)
		goto bad;
	if (pline_copy(nd->ip, sizeof nd->ip, t[0].p, t[0].n) != 0)
		bad = "address too long";
	else if (!parse_valid_host(t[1].p, t[1].n) ||
	    pline_copy(nd->fqdn, sizeof nd->fqdn, t[1].p, t[1].n) != 0)
		bad = "FQDN is not a host name";
	else if (!parse_valid_host(t[2].p, t[2].n) ||
	    memchr(t[2].p, '.', t[2].n) != NULL ||
	    pline_copy(nd->host, sizeof nd->host, t[2].p, t[2].n) != 0)
		bad = "host is not a short host name";
	else if (cluster_tok_is(&t[5], "DBPub"))
		nd->db_publisher = 1;
	else if (!cluster_tok_is(&t[5], "DBSub"))
		bad = "database role is neither DBPub nor DBSub";
	if (bad == NULL) {
		nd->cucm_publisher = cluster_tok_is(&t[3], "Publisher");
		if (cluster_tok_is(&t[4], "callmanager"))
			nd->product = PRODUCT_CUCM;
		else if (cluster_tok_is(&t[4], "cups"))
			nd->product = PRODUCT_IMP;
		else if (parse_valid_unit(t[4].p, t[4].n))
			nd->product = PRODUCT_UNKNOWN;
		else
			bad = "product is not a plain word";
	}
	if (bad != NULL) {
bad:
		pline_fail(pl, why, whysz, bad);
		return ERR_PARSE;
	}
	nd->authenticated = nt > 6 && cluster_tok_is(&t[6], "authenticated");
	*has_using = 0;
	for (i = 6; i < nt; i++)
		if (cluster_tok_is(&t[i], "using"))
			*has_using = 1;
	return 0;
}

int
parse_cluster(const char *text, size_t len, struct vos_node **out,
    size_t *n, char *why, size_t whysz)
{
	struct pline *pl;
	struct vos_node *v = NULL, nd;
	struct ctok t[CLUSTER_TOKENS];
	void *vp;
	size_t nv = 0, cap = 0, nt, i, nlocal = 0, local_at = 0;
	int r, has_using;

	if (out == NULL || n == NULL)
		return ERR_INVAL;
	if ((pl = malloc(sizeof *pl)) == NULL)
		return ERR_NOMEM;
	pline_init(pl, text, len);
	while ((r = pline_next(pl, why, whysz)) == 1) {
		nt = cluster_split(pl->s, pl->n, t, CLUSTER_TOKENS);
		/* The role column makes a node line; then every field must
		 * be right (a bad address is an error, not a skipped line). */
		if (nt < 6 || !(cluster_tok_is(&t[3], "Publisher") ||
		    cluster_tok_is(&t[3], "Subscriber")))
			continue;
		if (!cluster_is_ip(&t[0])) {
			pline_fail(pl, why, whysz, "node line does not "
			    "start with an IP address");
			r = ERR_PARSE;
			goto fail;
		}
		if ((r = cluster_node(pl, t, nt, &nd, &has_using, why,
		    whysz)) != 0)
			goto fail;
		for (i = 0; i < nv; i++)
			if (strcmp(v[i].ip, nd.ip) == 0)
				break;
		if (i < nv) {
			/* The same node twice: harmless if it says the same. */
			if (strcasecmp(v[i].host, nd.host) != 0 ||
			    v[i].product != nd.product ||
			    v[i].db_publisher != nd.db_publisher) {
				pline_fail(pl, why, whysz,
				    "address listed twice for different nodes");
				r = ERR_PARSE;
				goto fail;
			}
			continue;
		}
		vp = v;
		r = plist_grow(pl, &vp, sizeof *v, nv, &cap, 8,
		    PARSE_CLUSTER_MAX, "more than 256 node lines", why, whysz);
		v = vp;
		if (r != 0)
			goto fail;
		if (!has_using) {
			nlocal++;
			local_at = nv;
		}
		v[nv++] = nd;
	}
	if (r < 0)
		goto fail;
	if (nv == 0) {
		if (why != NULL && whysz > 0)
			snprintf(why, whysz, "no node line (\"IP FQDN HOST "
			    "Publisher|Subscriber PRODUCT DBPub|DBSub ...\") "
			    "in %zu lines", pl->lineno);
		r = ERR_PARSE;
		goto fail;
	}
	/* Only the node we asked lacks "using TCP since"; if several do, the
	 * output does not say which one we are on. */
	if (nlocal == 1)
		v[local_at].local = 1;
	free(pl);
	*out = v;
	*n = nv;
	return 0;
fail:
	free(pl);
	free(v);
	return r;
}

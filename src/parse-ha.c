/*
 * parse-ha: `utils ha status` on IM/P.  Two layouts are known (one line a
 * node, "Node N Name : X  State: S  Reason: R", or TAB-indented "Name: X
 * State: S Reason: R"); keys may be split by spaces or TABs, and State: /
 * Reason: may also come on the lines after the Name.  Group headers
 * ("Subcluster Name:", "Presence Redundancy Group:") name the group.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "esc.h"
#include "parse-line.h"
#include "parse-list.h"
#include "parse.h"

#define HA_NODES_MAX 256
#define NOKEY ((size_t)-1)

static int
ha_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* If key (case-insensitive) starts at s[i], then blanks and ':', the
 * index after the ':'; else NOKEY. */
static size_t
ha_key_at(const char *s, size_t n, size_t i, const char *key)
{
	size_t k = strlen(key);

	if (i + k > n || strncasecmp(s + i, key, k) != 0)
		return NOKEY;
	i += k;
	while (i < n && ha_blank(s[i]))
		i++;
	return i < n && s[i] == ':' ? i + 1 : NOKEY;
}

/* The first "key:" at a word start in s[from..n); *kat = where the key
 * starts; the index after its ':' or NOKEY. */
static size_t
ha_find_key(const char *s, size_t n, size_t from, const char *key,
    size_t *kat)
{
	size_t i, v;

	for (i = from; i < n; i++) {
		if (i > 0 && !ha_blank(s[i - 1]))
			continue;
		if ((v = ha_key_at(s, n, i, key)) != NOKEY) {
			*kat = i;
			return v;
		}
	}
	return NOKEY;
}

/* Escaped, trimmed s[b..e) into dst. */
static void
ha_value(char *dst, size_t dstsz, const char *s, size_t b, size_t e)
{
	pline_trim(s, &b, &e);
	esc_fixed(dst, dstsz, s + b, e - b);
}

/* State: and Reason: from s[from..n) into nd; 1 if a State was there. */
static int
ha_state_reason(const char *s, size_t n, size_t from, struct vos_ha_node *nd,
    int *has_state)
{
	size_t sv, rv, sk = 0, rk = 0;

	sv = ha_find_key(s, n, from, "State", &sk);
	rv = ha_find_key(s, n, sv != NOKEY ? sv : from, "Reason", &rk);
	if (sv != NOKEY) {
		ha_value(nd->state, sizeof nd->state, s, sv,
		    rv != NOKEY ? rk : n);
		*has_state = nd->state[0] != '\0';
	}
	if (rv != NOKEY)
		ha_value(nd->reason, sizeof nd->reason, s, rv, n);
	return sv != NOKEY || rv != NOKEY;
}

int
parse_ha_status(const char *text, size_t len, struct vos_ha *out, char *why,
    size_t whysz)
{
	static const char *const groups[] = { "Subcluster Name",
		"Presence Redundancy Group Name", "Presence Redundancy Group",
		"Redundancy Group", "Subcluster" };
	struct pline *pl;
	struct vos_ha_node *v = NULL, *cur = NULL;
	void *vp;
	size_t nv = 0, cap = 0, i, p, nv_end, nk, ke, gi, cur_line = 0;
	char group[128] = "", dummy[1];
	int r, cur_state = 0, disabled = 0;
	const char *s;

	if (out == NULL)
		return ERR_INVAL;
	if (why == NULL || whysz == 0)
		why = dummy, whysz = sizeof dummy;
	if ((pl = malloc(sizeof *pl)) == NULL)
		return ERR_NOMEM;
	pline_init(pl, text, len);
	while ((r = pline_next(pl, why, whysz)) == 1) {
		s = pl->s;
		for (gi = 0; gi < sizeof groups / sizeof groups[0]; gi++)
			if ((p = ha_key_at(s, pl->n, 0, groups[gi])) != NOKEY)
				break;
		if (gi < sizeof groups / sizeof groups[0]) {
			ha_value(group, sizeof group, s, p, pl->n);
			continue;
		}
		/* "Node 1 Name :" or "Name:" at the start: a new node. */
		p = 0;
		if (pline_prefix(s, pl->n, "Node")) {
			p = 4;
			while (p < pl->n && ha_blank(s[p]))
				p++;
			while (p < pl->n && s[p] >= '0' && s[p] <= '9')
				p++;
			while (p < pl->n && ha_blank(s[p]))
				p++;
		}
		if ((nk = ha_key_at(s, pl->n, p, "Name")) == NOKEY) {
			/* State / Reason lines for the node above. */
			if (cur != NULL && (ha_key_at(s, pl->n, 0, "State") !=
			    NOKEY || ha_key_at(s, pl->n, 0, "Reason") != NOKEY))
				ha_state_reason(s, pl->n, 0, cur, &cur_state);
			continue;
		}
		if (cur != NULL && !cur_state) {
			pline_why(why, whysz, cur_line, "node without a State",
			    cur->name, strlen(cur->name));
			r = ERR_PARSE;
			goto fail;
		}
		vp = v;
		r = plist_grow(pl, &vp, sizeof *v, nv, &cap, 8, HA_NODES_MAX,
		    "more than 256 nodes", why, whysz);
		v = vp;
		if (r != 0)
			goto fail;
		cur = &v[nv++];
		memset(cur, 0, sizeof *cur);
		cur_state = 0;
		cur_line = pl->lineno;
		memcpy(cur->group, group, sizeof cur->group);
		/* The name runs to the State key (or the end of the line). */
		nv_end = pl->n;
		if (ha_find_key(s, pl->n, nk, "State", &ke) != NOKEY)
			nv_end = ke;
		else if (ha_find_key(s, pl->n, nk, "Reason", &ke) != NOKEY)
			nv_end = ke;
		i = nk;
		pline_trim(s, &i, &nv_end);
		if (pline_cut_inside(pl, i, nv_end) ||
		    !parse_valid_host(s + i, nv_end - i) ||
		    pline_copy(cur->name, sizeof cur->name, s + i,
		    nv_end - i) != 0) {
			pline_fail(pl, why, whysz,
			    "node name is not a host name (max 63)");
			r = ERR_PARSE;
			goto fail;
		}
		ha_state_reason(s, pl->n, nv_end, cur, &cur_state);
	}
	if (r < 0)
		goto fail;
	if (nv == 0) {
		snprintf(why, whysz, "no node (\"Name: X State: S\") in %zu "
		    "lines", pl->lineno);
		r = ERR_PARSE;
		goto fail;
	}
	if (!cur_state) {
		pline_why(why, whysz, cur_line, "node without a State",
		    cur->name, strlen(cur->name));
		r = ERR_PARSE;
		goto fail;
	}
	for (i = 0; i < nv; i++)
		if (pline_find(v[i].reason, strlen(v[i].reason),
		    "High Availability Not Enabled") != NOKEY ||
		    pline_find(v[i].state, strlen(v[i].state),
		    "High Availability Not Enabled") != NOKEY)
			disabled++;
	free(pl);
	out->nodes = v;
	out->n = nv;
	out->enabled = disabled != nv;
	return 0;
fail:
	free(pl);
	free(v);
	return r;
}

void
vos_ha_clear(struct vos_ha *h)
{
	if (h == NULL)
		return;
	free(h->nodes);
	h->nodes = NULL;
	h->n = 0;
	h->enabled = 0;
}

/*
 * inventory: discover a cluster's nodes from the publishers and collect the
 * facts the planner needs from every node, all sessions in parallel.  The
 * sessions stay open in a pool so a run logs in to each node once.
 */
#ifndef CERTREGEN_INVENTORY_H
#define CERTREGEN_INVENTORY_H

#include <stddef.h>

#include "facts.h"

struct dialog_set;
struct site;
struct vos_session;

/* One session per facts node (same index); NULL where none is open. */
struct pool {
	struct vos_session **s;
	size_t n;
	const struct site *site;
	const struct dialog_set *dialogs;
	const char *transcript_dir;   /* may be NULL */
};

void pool_init(struct pool *p, const struct site *site,
    const struct dialog_set *dialogs, const char *transcript_dir);
/* Open every node's session that is not open yet, in parallel.  A node
 * that cannot be reached gets reachable = 0 and its error; returns the
 * number of nodes that could not be opened. */
size_t pool_open(struct pool *p, struct facts *f);
void pool_close(struct pool *p);

/*
 * Fill f->nodes from `show network cluster` on the configured publishers
 * (and the site's static node list, which gives the addresses).  The
 * publishers' sessions are kept in the pool.  0, or an ERR_* with why.
 */
int inventory_discover(struct pool *p, struct facts *f, char *why,
    size_t whysz);

#define INV_CERTS    0x01  /* identity certificates (list + show each) */
#define INV_SERVICES 0x02  /* utils service list */
#define INV_TRUST    0x04  /* trust certificates (list + show each) */
#define INV_HA       0x08  /* utils ha status, utils sso status (IM/P pub) */
#define INV_VERSION  0x10
#define INV_ALL      0x1f
/* The trust listing read and parsed, nothing kept: a node whose trust
 * store cannot be read is unreachable before a regen changes anything. */
#define INV_TRUST_LIST 0x20

/*
 * Collect what on every reachable node, in parallel (opening sessions as
 * needed).  Per-node failures are in the node's error (reachable = 0);
 * returns the number of nodes that failed.
 */
size_t inventory_collect(struct pool *p, struct facts *f, unsigned what);

/* The Presence Redundancy Groups `utils ha status` named (pointers into
 * f); returns how many, at most max. */
size_t inventory_ha_groups(const struct facts *f, const char **out,
    size_t max);

/* Resolve federation flags from the site file or service activation. */
void inventory_federation(const struct site *site, struct facts *f);

#endif

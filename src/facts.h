/*
 * facts: what the inventory learnt about a cluster, the planner's input.
 * Plain data; the inventory (inventory.c) fills it from live nodes and the
 * tests fill it by hand.
 */
#ifndef CERTREGEN_FACTS_H
#define CERTREGEN_FACTS_H

#include <stddef.h>
#include <time.h>

#include "cert.h"
#include "parse.h"
#include "unit.h"

/* Most nodes one cluster may have (CUCM allows 21, IM/P 6 per group). */
#define FACTS_MAX_NODES 128

struct fact_unit {
	int present;            /* listed by show cert list own */
	int ca_signed;          /* "Certificate Signed by ..." (or not self-signed) */
	char file[256];         /* "tomcat.pem" */
	struct cert_info cert;  /* from show cert own (valid when have_cert) */
	int have_cert;
	char *pem;              /* that certificate's PEM block (malloc'd,
	                           NULL when not read): the backup before a
	                           regen writes it rather than ask again */
};

struct fact_trust {
	char unit[64];          /* "tomcat-trust" */
	char file[256];
	struct cert_info cert;  /* from show cert trust */
	int have_cert;
};

struct fact_node {
	char name[64];          /* host name as the cluster knows it */
	char host[256];         /* where certregen connects */
	int port;
	enum vos_product product;
	int cucm_publisher;     /* CUCM role Publisher (on a CUCM node) */
	int imp_publisher;      /* the IM/P publisher (cups DBPub) */
	char version[64];
	int major;              /* 0 when unknown */
	int reachable;          /* the inventory could log in */
	char error[256];        /* why not, when !reachable */

	struct fact_unit units[UNIT_COUNT];
	struct vos_service *services;   /* malloc'd */
	size_t nservices;
	struct fact_trust *trust;       /* malloc'd */
	size_t ntrust;
	struct vos_ha ha;               /* this node's `utils ha status` */
};

struct facts {
	struct fact_node *nodes;  /* IM/P publisher first, then IM/P
	                             subscribers, then CUCM publisher, then
	                             CUCM subscribers (see facts_sort) */
	size_t n;
	int sso_enabled;          /* -1 unknown */
	int ha_enabled;           /* -1 unknown; any group has HA on */
	struct vos_ha ha;         /* every IM/P node's view, merged */
	int fed_sip;              /* resolved federation flags */
	int fed_xmpp;
	time_t now;               /* when the inventory was taken */
};

/* Put nodes in procedure order (stable within a class by name). */
void facts_sort(struct facts *f);
/* Free everything (each unit's pem too) and zero f. */
void facts_clear(struct facts *f);
/* Free a node's unit PEMs and zero its units (before they are read again). */
void facts_units_clear(struct fact_node *n);

/* Index of a node by name (case-insensitive), or -1. */
int facts_node_index(const struct facts *f, const char *name);
/* The IM/P publisher / CUCM publisher, or -1. */
int facts_imp_publisher(const struct facts *f);
int facts_cucm_publisher(const struct facts *f);

/* A service by name on a node, or NULL. */
const struct vos_service *facts_service(const struct fact_node *n,
    const char *service);

#endif

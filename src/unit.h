/*
 * unit: the IM/P identity certificate units certregen knows, and the
 * services each one needs restarted (DESIGN.md's procedure table).  Data.
 */
#ifndef CERTREGEN_UNIT_H
#define CERTREGEN_UNIT_H

#include <stddef.h>

enum unit_id {
	UNIT_CUP = 0,
	UNIT_CUP_ECDSA,
	UNIT_CUP_XMPP,
	UNIT_CUP_XMPP_ECDSA,
	UNIT_CUP_XMPP_S2S,
	UNIT_CUP_XMPP_S2S_ECDSA,
	UNIT_IPSEC,
	UNIT_TOMCAT,
	UNIT_TOMCAT_ECDSA,
	UNIT_COUNT
};

#define UNIT_BIT(u) (1u << (u))
/* The five RSA units of the TechNote: the default set. */
#define UNIT_DEFAULT_SET                                                     \
	(UNIT_BIT(UNIT_CUP) | UNIT_BIT(UNIT_CUP_XMPP) |                      \
	    UNIT_BIT(UNIT_CUP_XMPP_S2S) | UNIT_BIT(UNIT_IPSEC) |             \
	    UNIT_BIT(UNIT_TOMCAT))
#define UNIT_ALL_SET ((1u << UNIT_COUNT) - 1)

/* "cup-xmpp" -> UNIT_CUP_XMPP; -1 when unknown. */
int unit_from_name(const char *name);
/* UNIT_CUP_XMPP -> "cup-xmpp". */
const char *unit_name(enum unit_id u);
/* The unit's default TLS port on an IM/P node, 0 if it serves none. */
int unit_default_port(enum unit_id u);

#endif

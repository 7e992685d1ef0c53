/* unit: names and facts of the identity certificate units. */
#include "config.h"

#include <string.h>

#include "unit.h"

static const struct {
	const char *name;
	int port;
} units[UNIT_COUNT] = {
	[UNIT_CUP] = { "cup", 5062 },
	[UNIT_CUP_ECDSA] = { "cup-ECDSA", 0 },
	[UNIT_CUP_XMPP] = { "cup-xmpp", 5222 },
	[UNIT_CUP_XMPP_ECDSA] = { "cup-xmpp-ECDSA", 0 },
	[UNIT_CUP_XMPP_S2S] = { "cup-xmpp-s2s", 5269 },
	[UNIT_CUP_XMPP_S2S_ECDSA] = { "cup-xmpp-s2s-ECDSA", 0 },
	[UNIT_IPSEC] = { "ipsec", 0 },
	[UNIT_TOMCAT] = { "tomcat", 8443 },
	[UNIT_TOMCAT_ECDSA] = { "tomcat-ECDSA", 0 },
};

int
unit_from_name(const char *name)
{
	int i;

	for (i = 0; i < UNIT_COUNT; i++)
		if (strcmp(name, units[i].name) == 0)
			return i;
	return -1;
}

const char *
unit_name(enum unit_id u)
{
	return (unsigned)u < UNIT_COUNT ? units[u].name : "?";
}

int
unit_default_port(enum unit_id u)
{
	return (unsigned)u < UNIT_COUNT ? units[u].port : 0;
}

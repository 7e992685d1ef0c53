/*
 * sim-axl: the AXL SOAP endpoint of the CUCM publisher (POST /axl/ on its
 * tomcat port): getPresenceRedundancyGroup and
 * updatePresenceRedundancyGroup with HTTP basic auth, SOAP faults for bad
 * credentials, unknown groups and unknown requests; the axl faults.
 */
#ifndef VOS_SIM_AXL_H
#define VOS_SIM_AXL_H

#include <stddef.h>

#include "sim-cluster.h"

struct buf;

struct axl_request {
	const char *method;         /* "POST" */
	const char *path;           /* "/axl/" */
	const char *authorization;  /* the header's value or NULL */
	const char *soapaction;     /* or NULL */
	const char *body;
	size_t body_len;
};

enum { AXL_REPLY, AXL_RESET };

/* A whole HTTP/1.1 response (status, headers, body) for req into resp:
 * AXL_REPLY; or AXL_RESET when the connection is to be reset with no
 * reply (an axl fault, or shutdown during a slow one). */
int axl_handle(struct sim_cluster *cl, struct sim_node *n,
    const struct axl_request *req, struct buf *resp);

#endif

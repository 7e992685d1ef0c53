/*
 * sim-tls: the TLS listeners of a node: tomcat (direct TLS, HTTP, AXL on
 * the CUCM publisher), cup (direct TLS, SIP), cup-xmpp and cup-xmpp-s2s
 * (XMPP STARTTLS, jabber:client / jabber:server).  Each connection gets the
 * certificate the unit's service currently serves; a port whose service is
 * not STARTED closes at once.
 */
#ifndef VOS_SIM_TLS_H
#define VOS_SIM_TLS_H

#include "sim-cluster.h"

/* 0, or ERR_TLS when no context could be made. */
int tls_init(struct sim_cluster *cl);
void tls_free(struct sim_cluster *cl);
/* Serve one accepted connection on the node's port (enum sim_port);
 * closes fd. */
void tls_run(struct sim_cluster *cl, struct sim_node *n, int port, int fd);

#endif

/*
 * sim-state: the cluster's mutable state and its life on disk under
 * STATE/: certificates and keys per unit (stored, served, staged), trust
 * stores, service states, HA.  Made on first start, loaded after.  The
 * rules of a real cluster live here: which regenerated certificate reaches
 * which trust store, which service restart changes which served
 * certificate, whether a trust delete is cluster-wide.
 *
 * Every function but state_init() expects cl->lock held.
 */
#ifndef VOS_SIM_STATE_H
#define VOS_SIM_STATE_H

#include "sim-cluster.h"

/* Create or load everything; messages on stderr; 0 or ERR_*. */
int state_init(struct sim_cluster *cl);
/* The opening of the event log: cluster, state per node, ha per group. */
void state_emit_opening(struct sim_cluster *cl);
/* One serve event per listener (at start). */
void state_emit_serves(struct sim_cluster *cl);

/* A new key and self-signed certificate for a unit; trust stores of the
 * other nodes follow; emits regen.  0 or ERR_CRYPTO/ERR_IO. */
int state_regen(struct sim_cluster *cl, struct sim_node *n,
    struct sim_unit *u);
/* Set a service state and persist it; reaching STARTED makes the service
 * pick up its unit's certificate (emits serve on a change). */
void state_svc_set(struct sim_cluster *cl, struct sim_node *n,
    struct sim_svc *s, int state);
/* Delete trust file unit/file: on every node from version 11 (cluster
 * wide), else on n only.  0, ERR_NOTFOUND.  Emits trust-delete. */
int state_trust_delete(struct sim_cluster *cl, struct sim_node *n,
    const char *unit, const char *file);
struct sim_trust *state_trust_find(struct sim_node *n, const char *unit,
    const char *file);
/* Sort a node's trust list (unit, then file). */
void state_trust_sort(struct sim_node *n);
/* HA of the node's Presence Redundancy Group (0 when none). */
int state_ha(const struct sim_cluster *cl, const struct sim_node *n);
/* Set HA of a group and persist it. */
void state_ha_set(struct sim_cluster *cl, struct sim_group *g, int on);
/* Services whose STARTING settles to STARTED by now (cli.start_settle):
 * set them, emit svc-state.  Takes cl->lock itself. */
void state_settle(struct sim_cluster *cl);
/* The unit a TLS port serves. */
struct sim_unit *state_port_unit(struct sim_node *n, int port);
/* The service whose state decides if a port answers. */
struct sim_svc *state_port_svc(struct sim_node *n, int port);

#endif

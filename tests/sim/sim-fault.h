/*
 * sim-fault: injected faults.  The cluster file's `faults` list is active
 * at start; SIGHUP replaces it with STATE/faults.conf (docs/simulator.md).
 * A fault fires when its kind, node, command match (regex or prefix), Nth
 * command and unit/service argument all match; each firing uses one of its
 * count and writes a `fault` event.
 */
#ifndef VOS_SIM_FAULT_H
#define VOS_SIM_FAULT_H

#include "sim-cluster.h"

/* Take the first matching fault (a copy goes to out, without its regex);
 * 1 if one fired, else 0.  line may be NULL (matches faults without a
 * match/prefix only), ncmd 0 (no Nth-command test), arg NULL.  phase is
 * 0 (before) or 1 (after) for drop faults.  Takes cl->lock. */
int fault_take(struct sim_cluster *cl, const struct sim_node *n, int kind,
    const char *line, int ncmd, const char *arg, int phase,
    struct sim_fault *out);
/* Replace the active faults with STATE/faults.conf (none if missing);
 * 0 or ERR_CONFIG (the old list stays). */
int fault_reload(struct sim_cluster *cl);

#endif

/*
 * sim-ssh: the SSH side of each simulated node, on libssh's server API:
 * host keys kept in STATE/nodes/NAME/, password, keyboard-interactive and
 * public key authentication as the cluster file allows, a session channel
 * with a PTY shell (the CLI) or an exec request (banner only).
 */
#ifndef VOS_SIM_SSH_H
#define VOS_SIM_SSH_H

#include <libssh/libssh.h>

#include "sim-cluster.h"

/* Load or create the node's host keys, authorized keys; 0 or ERR_*. */
int sshd_node_init(struct sim_cluster *cl, struct sim_node *n);
void sshd_node_free(struct sim_node *n);
/* "ecdsa-sha2-nistp256 AAAA..." of the key the node presents. */
const char *sshd_host_key_line(const struct sim_node *n);
/* In the accepting thread: a session for fd (which it then owns), with
 * the changed host key when that fault fires.  NULL on failure (fd is
 * closed). */
ssh_session sshd_accept(struct sim_cluster *cl, struct sim_node *n, int fd);
/* In the session's thread: key exchange, auth, channel, CLI.  The caller
 * disconnects and frees s. */
void sshd_run(struct sim_cluster *cl, struct sim_node *n, ssh_session s);

#endif

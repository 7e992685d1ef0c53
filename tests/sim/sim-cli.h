/*
 * sim-cli: the VOS platform CLI of one node over any byte transport: the
 * startup banner, the admin: prompt, echo and line editing, the pager,
 * every command of ../shared/vos-cli.md with the forms of
 * docs/cli-canonical.md, and the faults that act inside a session.
 */
#ifndef VOS_SIM_CLI_H
#define VOS_SIM_CLI_H

#include <stddef.h>

#include "sim-cluster.h"

/* The transport a session runs over (sim-ssh provides it). */
struct sim_io {
	void *ctx;
	/* Write all n bytes: 0, or -1 when the peer is gone. */
	int (*write)(void *ctx, const char *p, size_t n);
	/* Up to n bytes within timeout_ms: >0 bytes, 0 timeout, -1 EOF. */
	int (*read)(void *ctx, char *p, size_t n, int timeout_ms);
	int rows, cols;     /* the PTY size, kept current by the transport */
	int pty;            /* a PTY was requested */
};

/* Why a session ended (the `disconnect` event's reason). */
enum cli_end { CLI_END_EXIT, CLI_END_EOF, CLI_END_FAULT, CLI_END_SHUTDOWN };

/* Run an interactive shell until exit, EOF, a drop fault or shutdown. */
int cli_run(struct sim_cluster *cl, struct sim_node *n, struct sim_io *io);
/* What an exec request gets: the banner, no command. */
int cli_exec(struct sim_cluster *cl, struct sim_node *n, struct sim_io *io);
const char *cli_end_name(int end);

#endif

/*
 * ssh: the libssh2 transport to one node: a non-blocking socket, connect
 * with a timeout (getaddrinfo, IPv4 and IPv6), the host key checked against
 * an OpenSSH known_hosts file before any credential is sent, authentication
 * (agent, key file, password, keyboard-interactive), keepalive, and a PTY
 * shell channel (VOS has no exec channel).  Waiting is poll() on the socket
 * in the direction libssh2_session_block_directions() asks for.
 */
#ifndef CERTREGEN_SSH_H
#define CERTREGEN_SSH_H

#include <stddef.h>

#include "conf.h"

struct secret;

struct ssh_opts {
	const char *node;          /* name for messages */
	const char *host;
	int port;
	const char *known_hosts;
	enum hostkey_policy policy;
	int connect_timeout_ms;    /* TCP connect + handshake + auth */
	int keepalive;             /* seconds, 0 = off */
	const char *user;
	const struct secret *password;  /* password and keyboard-interactive */
	const char *private_key;        /* public key is PATH.pub if present */
	const struct secret *passphrase;
	int agent;
	const char *term;
	int cols, rows;
};

struct ssh_conn;

/* Once per process, before any thread connects. 0 or ERR_SSH. */
int ssh_global_init(void);
void ssh_global_exit(void);

/*
 * Connect, check the host key, authenticate, open the PTY shell.  On
 * failure returns ERR_RESOLVE, ERR_CONNECT, ERR_TIMEOUT, ERR_SSH,
 * ERR_HOSTKEY_UNKNOWN, ERR_HOSTKEY_CHANGED (why shows both SHA256
 * fingerprints; no credential was sent), ERR_AUTH (why lists the methods
 * tried and those the server offers) and a message in why that never holds
 * a secret.
 */
int ssh_connect(const struct ssh_opts *o, struct ssh_conn **out, char *why,
    size_t whysz);

/* expect_io functions: arg is the struct ssh_conn. */
int ssh_read(void *conn, char *p, size_t n, int timeout_ms);
int ssh_write(void *conn, const char *p, size_t n);

/* Send EOF, close the channel and disconnect; NULL is a no-op. */
void ssh_close(struct ssh_conn *c);

/* The method that succeeded ("publickey", "password", ...). */
const char *ssh_auth_method(const struct ssh_conn *c);
/* "SHA256:..." of the server's host key. */
const char *ssh_fingerprint(const struct ssh_conn *c);

#endif

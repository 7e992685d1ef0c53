/*
 * ssh: the libssh2 transport to one node: a non-blocking socket, connect
 * with a timeout (getaddrinfo, IPv4 and IPv6), the host key checked against
 * an OpenSSH known_hosts file before any credential is sent, authentication
 * (agent, key file, password, keyboard-interactive), keepalive, and a PTY
 * shell channel (VOS has no exec channel).  Waiting is poll() on the socket
 * in the direction libssh2_session_block_directions() asks for.
 *
 * Sessions share nothing: any number of threads may each drive their own
 * struct ssh_conn once ssh_global_init() has run.  docs/ssh.md has the
 * policies, the auth order and the messages.
 */
#ifndef CERTREGEN_SSH_H
#define CERTREGEN_SSH_H

#include <stddef.h>

#include "conf.h"

struct secret;

struct ssh_opts {
	const char *node;          /* name for messages (NULL: host) */
	const char *host;
	int port;                  /* 0 = 22 */
	const char *known_hosts;   /* OpenSSH format; required */
	enum hostkey_policy policy;
	int connect_timeout_ms;    /* TCP connect + handshake + auth + shell;
				      0 = 30 s */
	int write_timeout_ms;      /* ssh_write waiting for the peer; 0 = 30 s */
	int keepalive;             /* seconds, 0 = off */
	const char *user;
	const struct secret *password;  /* password and keyboard-interactive */
	const char *private_key;        /* public key is PATH.pub if present */
	const struct secret *passphrase;
	int agent;                 /* try the keys of $SSH_AUTH_SOCK first */
	/*
	 * Comma-separated subset of "agent,publickey,password,
	 * keyboard-interactive" to try (NULL: all that have a credential).
	 * The order stays the fixed one above.
	 */
	const char *methods;
	const char *term;          /* NULL = "vt100" */
	int cols, rows;            /* 0 = 200 x 50 */
};

struct ssh_conn;

/* Once per process, before any thread connects. 0 or ERR_SSH. */
int ssh_global_init(void);
void ssh_global_exit(void);

/*
 * Connect, check the host key, authenticate, open the PTY shell.  On
 * failure returns ERR_RESOLVE, ERR_CONNECT, ERR_TIMEOUT (connect_timeout_ms
 * passed in any phase), ERR_SSH, ERR_HOSTKEY_UNKNOWN, ERR_HOSTKEY_CHANGED
 * (why shows both SHA256 fingerprints; no credential was sent), ERR_AUTH
 * (why lists the methods tried and those the server offers), ERR_IO (the
 * known_hosts file cannot be read or appended), ERR_INVAL (bad options),
 * ERR_NOMEM, and a message in why that never holds a secret and has every
 * remote-controlled string escaped.  *out is set only on success.
 */
int ssh_connect(const struct ssh_opts *o, struct ssh_conn **out, char *why,
    size_t whysz);

/*
 * expect_io functions: arg is the struct ssh_conn.
 * ssh_read: at most n bytes, waiting at most timeout_ms (-1: no limit);
 * > 0 bytes, 0 on timeout, ERR_EOF when the shell ended or the server went
 * away, ERR_IO / ERR_SSH otherwise.  Stderr data is merged into the stream
 * (with a PTY the server sends none).  Keepalives are sent while waiting.
 * ssh_write: all n bytes or an error (ERR_TIMEOUT past write_timeout_ms,
 * ERR_EOF, ERR_IO, ERR_SSH).
 */
int ssh_read(void *conn, char *p, size_t n, int timeout_ms);
int ssh_write(void *conn, const char *p, size_t n);

/*
 * Send EOF, close the channel (waiting briefly for the server's close) and
 * disconnect; at most about 2 s.  NULL is a no-op.
 */
void ssh_close(struct ssh_conn *c);

/* The method that succeeded ("publickey", "password", ...). */
const char *ssh_auth_method(const struct ssh_conn *c);
/* "SHA256:..." of the server's host key. */
const char *ssh_fingerprint(const struct ssh_conn *c);
/* The last error's message (for a failed ssh_read/ssh_write); "" if none. */
const char *ssh_last_error(const struct ssh_conn *c);

/* ---- pure helpers, exposed for the unit tests ---- */

/* Our ERR_* for a LIBSSH2_ERROR_* value (0 for 0). */
int ssh_map_error(int libssh2_err);

/* "SHA256:" + unpadded base64 of SHA-256(blob); 0, ERR_TOOBIG or ERR_CRYPTO. */
#define SSH_FP_MAX 64
int ssh_fp_format(const unsigned char *blob, size_t len, char *out,
    size_t outsz);

/* The known_hosts name: "host" for port 22, "[host]:port" otherwise. */
int ssh_kh_name(const char *host, int port, char *out, size_t outsz);

/* The known_hosts line "NAME KEYTYPE BASE64\n" for a raw key blob whose
 * type is read from the blob itself; 0, ERR_INVAL, ERR_TOOBIG, ERR_NOMEM. */
int ssh_kh_line(const char *host, int port, const unsigned char *blob,
    size_t len, char **out);

/* A keyboard-interactive prompt we answer with the password. */
int ssh_prompt_is_password(const char *text, size_t len);

#endif

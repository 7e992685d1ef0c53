/*
 * sim-ssh: libssh server sessions of the simulated nodes.
 *
 * libssh 0.10 offers keyboard-interactive on the server only through its
 * message API, whose accessors are marked deprecated in favour of server
 * callbacks that lack it; this file therefore uses the message API and
 * silences that one warning.
 */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <libssh/callbacks.h>
#include <libssh/server.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "sim-cli.h"
#include "sim-events.h"
#include "sim-fault.h"
#include "sim-ssh.h"
#include "sim-util.h"

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

#define SSHD_MAX_TRIES 6

struct sshd_node {
	ssh_bind bind, bind_alt;
	ssh_key *authorized;
	size_t nauthorized;
	char line[1024];
};

/* A key file: loaded, or made and saved. */
static int
sshd_key(const char *path, const char *type, ssh_key *out)
{
	enum ssh_keytypes_e t = SSH_KEYTYPE_ECDSA_P256;
	int bits = 256;

	if (sim_exists(path))
		return ssh_pki_import_privkey_file(path, NULL, NULL, NULL,
		    out) == SSH_OK ? 0 : ERR_CRYPTO;
	if (strcmp(type, "ed25519") == 0) {
		t = SSH_KEYTYPE_ED25519;
		bits = 0;
	} else if (strcmp(type, "rsa") == 0) {
		t = SSH_KEYTYPE_RSA;
		bits = 2048;
	}
	if (ssh_pki_generate(t, bits, out) != SSH_OK)
		return ERR_CRYPTO;
	if (ssh_pki_export_privkey_file(*out, NULL, NULL, NULL, path) !=
	    SSH_OK)
		return ERR_IO;
	return 0;
}

static ssh_bind
sshd_bind(ssh_key key)
{
	ssh_bind b = ssh_bind_new();

	if (b == NULL)
		return NULL;
	/* IMPORT_KEY takes the key over. */
	if (ssh_bind_options_set(b, SSH_BIND_OPTIONS_IMPORT_KEY, key) !=
	    SSH_OK) {
		ssh_bind_free(b);
		return NULL;
	}
	return b;
}

static int
sshd_authorized_load(struct sshd_node *d, const char *path)
{
	char *text = sim_read_file(path, 1 << 20, NULL), *line, *save = NULL;

	if (text == NULL) {
		fprintf(stderr, "vos-sim: cannot read %s\n", path);
		return ERR_IO;
	}
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char *type = line, *b64, *sp;
		ssh_key k = NULL, *v;

		while (*type == ' ' || *type == '\t')
			type++;
		if (*type == '#' || *type == '\0')
			continue;
		if ((sp = strchr(type, ' ')) == NULL)
			continue;
		*sp = '\0';
		b64 = sp + 1;
		if ((sp = strchr(b64, ' ')) != NULL)
			*sp = '\0';
		if (ssh_pki_import_pubkey_base64(b64,
		    ssh_key_type_from_name(type), &k) != SSH_OK)
			continue;
		v = realloc(d->authorized, (d->nauthorized + 1) * sizeof *v);
		if (v == NULL) {
			ssh_key_free(k);
			break;
		}
		d->authorized = v;
		v[d->nauthorized++] = k;
	}
	free(text);
	return 0;
}

int
sshd_node_init(struct sim_cluster *cl, struct sim_node *n)
{
	struct sshd_node *d = calloc(1, sizeof *d);
	char p[4300];
	ssh_key k = NULL, alt = NULL;
	char *b64 = NULL;
	int r = ERR_IO;

	if (d == NULL)
		return ERR_NOMEM;
	n->ssh = d;
	if (sim_path(p, sizeof p, "%s/ssh_host_key", n->dir) != 0 ||
	    (r = sshd_key(p, cl->host_key_type, &k)) != 0)
		goto fail;
	if (sim_path(p, sizeof p, "%s/ssh_host_key.changed", n->dir) != 0 ||
	    (r = sshd_key(p, cl->host_key_type, &alt)) != 0)
		goto fail;
	if (ssh_pki_export_pubkey_base64(k, &b64) == SSH_OK) {
		snprintf(d->line, sizeof d->line, "%s %s",
		    ssh_key_type_to_char(ssh_key_type(k)), b64);
		ssh_string_free_char(b64);
		if (sim_path(p, sizeof p, "%s/ssh_host_key.pub", n->dir) == 0)
			sim_write_file(p, d->line, strlen(d->line), 0644);
	}
	r = ERR_SSH;
	if ((d->bind = sshd_bind(k)) == NULL)
		goto fail;
	k = NULL;
	if ((d->bind_alt = sshd_bind(alt)) == NULL)
		goto fail;
	alt = NULL;
	if (n->authorized_keys != NULL &&
	    (r = sshd_authorized_load(d, n->authorized_keys)) != 0)
		goto fail;
	return 0;
fail:
	ssh_key_free(k);
	ssh_key_free(alt);
	fprintf(stderr, "vos-sim: %s: host keys: %s\n", n->name, err_str(r));
	return r;
}

void
sshd_node_free(struct sim_node *n)
{
	struct sshd_node *d = n->ssh;
	size_t i;

	if (d == NULL)
		return;
	if (d->bind != NULL)
		ssh_bind_free(d->bind);
	if (d->bind_alt != NULL)
		ssh_bind_free(d->bind_alt);
	for (i = 0; i < d->nauthorized; i++)
		ssh_key_free(d->authorized[i]);
	free(d->authorized);
	free(d);
	n->ssh = NULL;
}

const char *
sshd_host_key_line(const struct sim_node *n)
{
	const struct sshd_node *d = n->ssh;

	return d ? d->line : "";
}

ssh_session
sshd_accept(struct sim_cluster *cl, struct sim_node *n, int fd)
{
	struct sshd_node *d = n->ssh;
	struct sim_fault f;
	ssh_session s = ssh_new();
	ssh_bind b = d->bind;

	if (fault_take(cl, n, FAULT_HOSTKEY, NULL, 0, NULL, 0, &f))
		b = d->bind_alt;
	if (s == NULL) {
		close(fd);
		return NULL;
	}
	/* On failure the session owns fd already: ssh_free closes it. */
	if (ssh_bind_accept_fd(b, s, fd) != SSH_OK) {
		ssh_free(s);
		return NULL;
	}
	return s;
}

/* ------------------------------------------------------------ auth */

static void
sshd_auth_event(struct sim_cluster *cl, struct sim_node *n,
    const char *method, const char *user, int ok)
{
	events_emit(cl, "auth", json_pack("{s:s,s:s,s:o,s:s}", "node", n->name,
	    "method", method, "user", events_str(user ? user : ""),
	    "result", ok ? "ok" : "fail"));
}

static int
sshd_secret_eq(const char *a, const char *b)
{
	size_t la, lb, i;
	unsigned char d;

	if (a == NULL || b == NULL)
		return 0;
	la = strlen(a);
	lb = strlen(b);
	d = (unsigned char)(la != lb);
	for (i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

static int
sshd_methods(const struct sim_node *n)
{
	int m = 0;

	if (n->methods & SIM_AUTH_PASSWORD)
		m |= SSH_AUTH_METHOD_PASSWORD;
	if (n->methods & SIM_AUTH_KBDINT)
		m |= SSH_AUTH_METHOD_INTERACTIVE;
	if (n->methods & SIM_AUTH_PUBKEY)
		m |= SSH_AUTH_METHOD_PUBLICKEY;
	return m;
}

static int
sshd_key_known(const struct sshd_node *d, ssh_key k)
{
	size_t i;

	for (i = 0; k != NULL && i < d->nauthorized; i++)
		if (ssh_key_cmp(k, d->authorized[i], SSH_KEY_CMP_PUBLIC) == 0)
			return 1;
	return 0;
}

/* 0 when a method succeeded, -1 when the client gave up or failed. */
static int
sshd_auth(struct sim_cluster *cl, struct sim_node *n, ssh_session s)
{
	struct sshd_node *d = n->ssh;
	struct sim_fault f;
	int tries = 0, ok;
	char kbd_user[SIM_NAME] = "";   /* the response does not repeat it */
	ssh_message m;

	while (tries < SSHD_MAX_TRIES && !sim_stop) {
		const char *user, *method = NULL;

		if ((m = ssh_message_get(s)) == NULL)
			return -1;
		if (ssh_message_type(m) != SSH_REQUEST_AUTH) {
			ssh_message_reply_default(m);
			ssh_message_free(m);
			continue;
		}
		user = ssh_message_auth_user(m);
		ok = 0;
		switch (ssh_message_subtype(m)) {
		case SSH_AUTH_METHOD_PASSWORD:
			method = "password";
			if (!(n->methods & SIM_AUTH_PASSWORD))
				break;
			ok = user && strcmp(user, n->user) == 0 &&
			    sshd_secret_eq(ssh_message_auth_password(m),
			    n->password);
			break;
		case SSH_AUTH_METHOD_INTERACTIVE:
			if (!(n->methods & SIM_AUTH_KBDINT))
				break;
			if (!ssh_message_auth_kbdint_is_response(m)) {
				const char *prompts[1] = { "Password: " };
				char echo[1] = { 0 };

				snprintf(kbd_user, sizeof kbd_user, "%s",
				    user ? user : "");
				ssh_message_auth_interactive_request(m, "", "",
				    1, prompts, echo);
				ssh_message_free(m);
				continue;
			}
			method = "keyboard-interactive";
			user = kbd_user;
			ok = strcmp(user, n->user) == 0 &&
			    ssh_userauth_kbdint_getnanswers(s) == 1 &&
			    sshd_secret_eq(ssh_userauth_kbdint_getanswer(s, 0),
			    n->password);
			break;
		case SSH_AUTH_METHOD_PUBLICKEY:
			method = "publickey";
			if (!(n->methods & SIM_AUTH_PUBKEY))
				break;
			ok = user && strcmp(user, n->user) == 0 &&
			    sshd_key_known(d, ssh_message_auth_pubkey(m));
			if (ok && ssh_message_auth_publickey_state(m) ==
			    SSH_PUBLICKEY_STATE_NONE) {
				/* A probe: say the key would do. */
				ssh_message_auth_reply_pk_ok_simple(m);
				ssh_message_free(m);
				continue;
			}
			if (ok && ssh_message_auth_publickey_state(m) !=
			    SSH_PUBLICKEY_STATE_VALID)
				ok = 0;
			break;
		case SSH_AUTH_METHOD_NONE:
			method = "none";
			break;
		default:
			break;
		}
		if (ok && fault_take(cl, n, FAULT_AUTH_REJECT, NULL, 0, NULL, 0,
		    &f))
			ok = 0;
		if (method != NULL)
			sshd_auth_event(cl, n, method, user, ok);
		if (ok) {
			ssh_message_auth_reply_success(m, 0);
			ssh_message_free(m);
			return 0;
		}
		if (method != NULL && strcmp(method, "none") != 0)
			tries++;
		ssh_message_auth_set_methods(m, sshd_methods(n));
		ssh_message_reply_default(m);
		ssh_message_free(m);
	}
	return -1;
}

/* ------------------------------------------------------------ channel */

struct sshd_io {
	ssh_session s;
	ssh_channel ch;
	struct sim_io *io;
};

static int
sshd_io_write(void *ctx, const char *p, size_t n)
{
	struct sshd_io *x = ctx;
	int w;

	while (n > 0) {
		w = ssh_channel_write(x->ch, p, (uint32_t)n);
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
sshd_io_read(void *ctx, char *p, size_t n, int timeout_ms)
{
	struct sshd_io *x = ctx;
	int r = ssh_channel_read_timeout(x->ch, p, (uint32_t)n, 0, timeout_ms);

	if (r == SSH_ERROR || r < 0)
		return r == SSH_AGAIN ? 0 : -1;
	if (r == 0 && (ssh_channel_is_eof(x->ch) ||
	    !ssh_channel_is_open(x->ch)))
		return -1;
	return r;
}

static int
sshd_winch(ssh_session s, ssh_channel ch, int width, int height,
    int pxw, int pxh, void *userdata)
{
	struct sshd_io *x = userdata;

	x->io->rows = height;
	x->io->cols = width;
	return 0;
}

void
sshd_run(struct sim_cluster *cl, struct sim_node *n, ssh_session s)
{
	struct ssh_channel_callbacks_struct cb;
	struct sim_io io;
	struct sshd_io x;
	ssh_channel ch = NULL;
	ssh_message m;
	int mode = 0, end = CLI_END_EOF;   /* mode 1 shell, 2 exec */

	memset(&io, 0, sizeof io);
	io.rows = 24;
	io.cols = 80;
	if (ssh_handle_key_exchange(s) != SSH_OK)
		goto out;
	if (sshd_auth(cl, n, s) != 0)
		goto out;
	while (mode == 0 && !sim_stop && (m = ssh_message_get(s)) != NULL) {
		int type = ssh_message_type(m), sub = ssh_message_subtype(m);

		if (type == SSH_REQUEST_CHANNEL_OPEN && sub ==
		    SSH_CHANNEL_SESSION && ch == NULL) {
			ch = ssh_message_channel_request_open_reply_accept(m);
		} else if (type == SSH_REQUEST_CHANNEL && ch != NULL) {
			switch (sub) {
			case SSH_CHANNEL_REQUEST_PTY:
				io.pty = 1;
				io.rows = ssh_message_channel_request_pty_height(m);
				io.cols = ssh_message_channel_request_pty_width(m);
				ssh_message_channel_request_reply_success(m);
				break;
			case SSH_CHANNEL_REQUEST_WINDOW_CHANGE:
				io.rows = ssh_message_channel_request_pty_height(m);
				io.cols = ssh_message_channel_request_pty_width(m);
				ssh_message_channel_request_reply_success(m);
				break;
			case SSH_CHANNEL_REQUEST_ENV:
				ssh_message_channel_request_reply_success(m);
				break;
			case SSH_CHANNEL_REQUEST_SHELL:
				ssh_message_channel_request_reply_success(m);
				mode = 1;
				break;
			case SSH_CHANNEL_REQUEST_EXEC:
				ssh_message_channel_request_reply_success(m);
				mode = 2;
				break;
			default:
				ssh_message_reply_default(m);
			}
		} else
			ssh_message_reply_default(m);
		ssh_message_free(m);
	}
	if (mode == 0)
		goto out;
	x.s = s;
	x.ch = ch;
	x.io = &io;
	io.ctx = &x;
	io.write = sshd_io_write;
	io.read = sshd_io_read;
	memset(&cb, 0, sizeof cb);
	ssh_callbacks_init(&cb);
	cb.userdata = &x;
	cb.channel_pty_window_change_function = sshd_winch;
	ssh_set_channel_callbacks(ch, &cb);
	end = mode == 1 ? cli_run(cl, n, &io) : cli_exec(cl, n, &io);
	if (ssh_channel_is_open(ch)) {
		ssh_channel_request_send_exit_status(ch, 0);
		ssh_channel_send_eof(ch);
		ssh_channel_close(ch);
	}
out:
	if (sim_stop && end != CLI_END_EXIT)
		end = CLI_END_SHUTDOWN;
	events_emit(cl, "disconnect", json_pack("{s:s,s:s}", "node", n->name,
	    "reason", cli_end_name(end)));
	if (ch != NULL)
		ssh_channel_free(ch);
}

/*
 * vos: one node's CLI session (ssh + expect + dialogs) and one function per
 * CLI command.  Each function runs its dialog, then hands the captured
 * output to the pure parser of that command.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cert.h"
#include "conf.h"
#include "dialog.h"
#include "err.h"
#include "esc.h"
#include "expect.h"
#include "log.h"
#include "parse.h"
#include "ssh.h"
#include "vos.h"

/* Most output one command may leave in the capture (show cert list trust
 * on a big cluster is a few hundred KiB). */
#define VOS_CAPTURE_MAX (16 * 1024 * 1024)
#define VOS_MATCH_MAX (256 * 1024)
/* The silence allowed in a read-only command: the site's command_timeout.
 * Regen, delete and the service actions keep their dialogs' own (longer)
 * limits or the service timeouts. */
#define VOS_CMD_IDLE(s) ((s)->site->ssh.command_timeout)
/* The capture window of a streamed command (certregen cli). */
#define VOS_STREAM_WINDOW (256 * 1024)

struct vos_session {
	char node[64];
	const struct site *site;
	const struct dialog_set *dialogs;
	struct ssh_conn *ssh;
	struct expect *e;
	int tfd;                /* transcript, -1 if none */
	char tpath[1024];       /* its path */
	int broken;             /* a dialog ended out of step: reopen */
	int64_t deadline;       /* of the dialog being run, 0 none */
	uint64_t nuls;          /* NUL bytes the node has sent so far */
	char error[1024];
};

/* Transcript sink: what the node printed, escaped so that the file is safe
 * to cat; typed input is seen through the node's echo. */
static void
vos_transcript(void *arg, char dir, const char *p, size_t n)
{
	struct vos_session *s = arg;
	struct buf b;
	const char *q, *z;
	size_t left;

	if (dir != '<')
		return;
	/* The engine drops NULs from what the parsers see; the listings
	 * refuse output that held any (see vos_query_clean). */
	for (q = p, left = n; left > 0 && (z = memchr(q, '\0', left)) != NULL;
	    left -= (size_t)(z + 1 - q), q = z + 1)
		s->nuls++;
	if (s->tfd == -1)
		return;
	buf_init(&b, 4 * n + 16);
	if (esc_add(&b, p, n, ESC_KEEP_NL | ESC_KEEP_TAB) == 0) {
		q = buf_str(&b);
		left = b.len;
		while (left > 0) {
			ssize_t w = write(s->tfd, q, left);

			if (w == -1 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			q += w;
			left -= (size_t)w;
		}
	}
	buf_clear(&b);
}

static void vos_fail(struct vos_session *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
vos_fail(struct vos_session *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->error, sizeof s->error, fmt, ap);
	va_end(ap);
}

const char *
vos_error(const struct vos_session *s)
{
	return s->error;
}

int
vos_broken(const struct vos_session *s)
{
	return s->broken;
}

const char *
vos_node(const struct vos_session *s)
{
	return s->node;
}

/*
 * A node named by its address until discovery said its name (the
 * publishers): messages and the transcript file take the name.  The
 * transcript keeps its old name if NAME.log exists already.
 */
void
vos_rename(struct vos_session *s, const char *name)
{
	char old[sizeof s->node], path[sizeof s->tpath];
	const char *slash;

	snprintf(old, sizeof old, "%s", s->node);
	esc_fixed(s->node, sizeof s->node, name, strlen(name));
	if (s->tfd == -1 || strcmp(old, s->node) == 0 ||
	    (slash = strrchr(s->tpath, '/')) == NULL)
		return;
	if (snprintf(path, sizeof path, "%.*s/%s.log", (int)(slash - s->tpath),
	    s->tpath, s->node) >= (int)sizeof path)
		return;
	/* link + unlink: never replace another session's transcript. */
	if (link(s->tpath, path) == 0) {
		(void)unlink(s->tpath);
		snprintf(s->tpath, sizeof s->tpath, "%s", path);
	}
}

const char *
vos_auth_method(const struct vos_session *s)
{
	return s->ssh ? ssh_auth_method(s->ssh) : "none";
}

/* The timing of one dialog run: idle_s > 0 replaces the dialog's own idle
 * timeout (login, services, cli), 0 keeps it; the overall cap is the
 * session's deadline (login only). */
static void
vos_timing(const struct vos_session *s, struct dialog_timing *t, int idle_s)
{
	t->idle_ms = idle_s > 0 ? idle_s * 1000 : 0;
	t->deadline = s->deadline;
	t->send_delay_ms = s->site->ssh.send_delay_ms;
}

struct vos_stream {
	vos_sink_cb cb;
	void *arg;
};

static int
vos_stream_flush(void *arg, const char *p, size_t n)
{
	struct vos_stream *st = arg;

	return st->cb(st->arg, p, n);
}

/*
 * Run dialog `name` with parameters; the captured output lands in out
 * (which the caller initialised), or, with st, goes to st's sink as it
 * comes (out is then NULL).  Errors are written to s->error.
 */
static int
vos_dialog_run(struct vos_session *s, const char *name,
    const struct dialog_param *params, size_t n, struct buf *out, int idle_s,
    struct vos_stream *st)
{
	const struct dialog *d = dialog_get(s->dialogs, name);
	struct dialog_result res;
	struct dialog_timing t;
	int r;

	if (d == NULL) {
		vos_fail(s, "%s: no dialog named '%s' is loaded", s->node, name);
		return ERR_DIALOG;
	}
	memset(&res, 0, sizeof res);
	/* Streaming needs only a small window, flushed when full. */
	buf_init(&res.output, st != NULL ? VOS_STREAM_WINDOW : VOS_CAPTURE_MAX);
	if (st != NULL) {
		res.flush = vos_stream_flush;
		res.flush_arg = st;
	}
	vos_timing(s, &t, idle_s);
	r = dialog_run(d, s->e, params, n, &t, &res);
	/* Only a refused parameter or the node's own failure leave the CLI
	 * at its prompt; after anything else the session is out of step. */
	if (r != 0 && r != ERR_INVAL && r != ERR_CLI)
		s->broken = 1;
	if (st != NULL && res.output.len > 0 &&
	    st->cb(st->arg, buf_str(&res.output), res.output.len) != 0 &&
	    r == 0) {
		vos_fail(s, "%s: %s: cannot write the output", s->node, name);
		r = ERR_IO;
	} else if (r != 0)
		vos_fail(s, "%s: %s: %s%s%s", s->node, name, err_str(r),
		    res.why[0] ? ": " : "", res.why);
	else if (out != NULL) {
		if (res.output.len > out->max) {
			vos_fail(s, "%s: %s: output larger than %zu bytes",
			    s->node, name, out->max);
			r = ERR_TOOBIG;
		} else {
			/* Hand the capture over rather than copy it: a huge
			 * output is held once, not twice. */
			struct buf old = *out;

			*out = res.output;
			out->max = old.max;
			res.output = old;
		}
	}
	buf_clear(&res.output);
	return r;
}

static int
vos_dialog(struct vos_session *s, const char *name,
    const struct dialog_param *params, size_t n, struct buf *out, int idle_s)
{
	return vos_dialog_run(s, name, params, n, out, idle_s, NULL);
}

int
vos_open(const struct site *site, const struct dialog_set *dialogs,
    const struct vos_target *t, const char *transcript_dir,
    struct vos_session **out, char *why, size_t whysz)
{
	struct expect_io io;
	struct ssh_opts o;
	struct vos_session *s;
	char path[1024];
	int r;

	*out = NULL;
	if ((s = calloc(1, sizeof *s)) == NULL) {
		snprintf(why, whysz, "%s: out of memory", t->name);
		return ERR_NOMEM;
	}
	s->tfd = -1;
	s->site = site;
	s->dialogs = dialogs;
	esc_fixed(s->node, sizeof s->node, t->name, strlen(t->name));

	memset(&o, 0, sizeof o);
	o.node = s->node;
	o.host = t->host;
	o.port = t->port ? t->port : site->ssh.port;
	o.known_hosts = site->ssh.known_hosts;
	o.policy = site->ssh.policy;
	o.connect_timeout_ms = site->ssh.connect_timeout * 1000;
	o.keepalive = site->ssh.keepalive;
	o.user = site->cred.user;
	o.password = site->cred.password;
	o.private_key = site->cred.private_key;
	o.passphrase = site->cred.passphrase;
	o.agent = site->cred.agent;
	o.term = site->ssh.term;
	o.cols = site->ssh.cols;
	o.rows = site->ssh.rows;
	r = ssh_connect(&o, &s->ssh, why, whysz);
	if (r != 0)
		goto fail;

	io.read = ssh_read;
	io.write = ssh_write;
	io.arg = s->ssh;
	if ((s->e = expect_new(&io, VOS_MATCH_MAX)) == NULL) {
		snprintf(why, whysz, "%s: out of memory", s->node);
		r = ERR_NOMEM;
		goto fail;
	}
	if (transcript_dir != NULL) {
		snprintf(path, sizeof path, "%s/%s.log", transcript_dir, s->node);
		snprintf(s->tpath, sizeof s->tpath, "%s", path);
		s->tfd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
		    O_NOFOLLOW, 0600);
		if (s->tfd == -1) {
			snprintf(why, whysz, "%s: cannot open transcript %s: %s",
			    s->node, path, strerror(errno));
			r = ERR_IO;
			goto fail;
		}
	}
	expect_set_transcript(s->e, vos_transcript, s);
	if (site->cred.password != NULL)
		expect_add_secret(s->e, site->cred.password);
	if (site->cred.passphrase != NULL)
		expect_add_secret(s->e, site->cred.passphrase);
	if (site->axl.password != NULL)
		expect_add_secret(s->e, site->axl.password);
	if ((r = dialog_set_before(dialogs, s->e)) != 0) {
		snprintf(why, whysz, "%s: cannot arm the pager and failure "
		    "cases: %s", s->node, err_str(r));
		goto fail;
	}
	/* login_timeout caps the whole wait for the first prompt: the login
	 * dialog's own steps allow minutes of silence while the CLI starts,
	 * which must not outlast the site's limit. */
	s->deadline = expect_clock(s->e) + (int64_t)site->ssh.login_timeout *
	    1000;
	r = vos_dialog(s, "login", NULL, 0, NULL, site->ssh.login_timeout);
	if (r == ERR_TIMEOUT && expect_clock(s->e) >= s->deadline) {
		char was[sizeof s->error];

		snprintf(was, sizeof was, "%s", s->error);
		vos_fail(s, "%s: login: no admin: prompt within the login "
		    "timeout (ssh.login_timeout = %d s); %s", s->node,
		    site->ssh.login_timeout, was);
	}
	s->deadline = 0;
	if (r != 0 ||
	    (r = vos_dialog(s, "pagination", NULL, 0, NULL,
	    VOS_CMD_IDLE(s))) != 0) {
		snprintf(why, whysz, "%s", s->error);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	vos_close(s);
	return r;
}

void
vos_close(struct vos_session *s)
{
	if (s == NULL)
		return;
	if (s->e != NULL && s->ssh != NULL)
		(void)expect_send(s->e, "exit\n", 5, 0, 0);
	expect_free(s->e);
	ssh_close(s->ssh);
	if (s->tfd != -1)
		close(s->tfd);
	free(s);
}

/*
 * The output of one command on its way to the parser: vos_query() runs
 * the dialog into out, the caller parses out (the reason in why) and
 * vos_query_end() frees it, handing a parser's verdict to the session's
 * error (a failed dialog has written its own already).
 */
struct vos_query {
	struct buf out;
	char why[512];
	int ran;          /* the dialog succeeded: a failure is the parser's */
	uint64_t nuls;    /* the session's NUL count before the command */
	const char *dialog; /* its name */
};

static int
vos_query(struct vos_session *s, struct vos_query *q, const char *name,
    const struct dialog_param *params, size_t n, int idle_s)
{
	int r;

	buf_init(&q->out, VOS_CAPTURE_MAX);
	q->why[0] = '\0';
	q->nuls = s->nuls;
	q->dialog = name;
	r = vos_dialog(s, name, params, n, &q->out, idle_s);
	q->ran = r == 0;
	return r;
}

/*
 * A listing whose output held NUL bytes is refused (ERR_PARSE, the reason
 * in q->why): the engine drops them before the parser sees the text, so a
 * name with a NUL inside would come out as another name (a byte lost in
 * the middle of "tomcat/tom\0cat.pem"), and a line of the node's own
 * state cannot be told from a corrupted one.  The CLI never prints NUL:
 * such a node is not read, so it is not touched.  r: the dialog's result.
 */
static int
vos_query_clean(const struct vos_session *s, struct vos_query *q, int r)
{
	if (r != 0 || s->nuls == q->nuls)
		return r;
	snprintf(q->why, sizeof q->why, "the output holds %llu NUL byte%s: "
	    "refused (the names in it cannot be trusted)",
	    (unsigned long long)(s->nuls - q->nuls),
	    s->nuls - q->nuls == 1 ? "" : "s");
	return ERR_PARSE;
}

/*
 * r: the dialog's result, or the parser's once the dialog ran.  A failed
 * dialog's error ("NODE: dialog-name: why") names the CLI command instead
 * of the dialog ("NODE: show cert list own: why"; the why names the dialog
 * and its step).
 */
static int
vos_query_end(struct vos_session *s, struct vos_query *q, const char *what,
    int r)
{
	char was[sizeof s->error];
	size_t nl, dl;

	if (r != 0 && q->ran)
		vos_fail(s, "%s: %s: %s", s->node, what, q->why);
	else if (r != 0 && q->dialog != NULL) {
		nl = strlen(s->node);
		dl = strlen(q->dialog);
		if (strncmp(s->error, s->node, nl) == 0 &&
		    strncmp(s->error + nl, ": ", 2) == 0 &&
		    strncmp(s->error + nl + 2, q->dialog, dl) == 0 &&
		    strncmp(s->error + nl + 2 + dl, ": ", 2) == 0) {
			snprintf(was, sizeof was, "%s", s->error + nl + dl + 4);
			vos_fail(s, "%s: %s: %s", s->node, what, was);
		}
	}
	buf_clear(&q->out);
	return r;
}

int
vos_command(struct vos_session *s, const char *line, struct buf *out)
{
	struct dialog_param p = { "line", line };

	return vos_dialog(s, "command", &p, 1, out, VOS_CMD_IDLE(s));
}

int
vos_command_stream(struct vos_session *s, const char *line, vos_sink_cb cb,
    void *arg)
{
	struct dialog_param p = { "line", line };
	struct vos_stream st = { cb, arg };

	return vos_dialog_run(s, "command", &p, 1, NULL, VOS_CMD_IDLE(s), &st);
}

int
vos_cluster(struct vos_session *s, struct vos_node **nodes, size_t *n)
{
	struct vos_query q;
	int r;

	r = vos_query(s, &q, "cluster-show", NULL, 0, VOS_CMD_IDLE(s));
	if ((r = vos_query_clean(s, &q, r)) == 0)
		r = parse_cluster(buf_str(&q.out), q.out.len, nodes, n, q.why,
		    sizeof q.why);
	return vos_query_end(s, &q, "show network cluster", r);
}

int
vos_version(struct vos_session *s, char *version, size_t vsz, int *major)
{
	struct vos_query q;
	int r;

	r = vos_query(s, &q, "version", NULL, 0, VOS_CMD_IDLE(s));
	if ((r = vos_query_clean(s, &q, r)) == 0)
		r = parse_version(buf_str(&q.out), q.out.len, version, vsz,
		    major, q.why, sizeof q.why);
	return vos_query_end(s, &q, "show version active", r);
}

/*
 * The nodes already warned about skipped trust lines.  A run lists a
 * node's trust store several times (inventory, prune, verify), from the
 * pool's session or from a new one, and the same warning every time is
 * noise: it is a warning once per node, then debug.  One process is one
 * run, so the memory is the process's (hence the global, locked: nodes
 * are listed in parallel).  A full table warns again rather than lose one.
 */
#define VOS_WARNED_MAX 256
static struct {
	pthread_mutex_t mu;
	char node[VOS_WARNED_MAX][sizeof ((struct vos_session *)0)->node];
	size_t n;
} vos_warned = { PTHREAD_MUTEX_INITIALIZER, { { 0 } }, 0 };

/* 1 the first time node is seen (it is remembered), 0 afterwards. */
static int
vos_warn_first(const char *node)
{
	size_t i;
	int first = 1;

	pthread_mutex_lock(&vos_warned.mu);
	for (i = 0; i < vos_warned.n && first; i++)
		if (strcmp(vos_warned.node[i], node) == 0)
			first = 0;
	if (first && vos_warned.n < VOS_WARNED_MAX)
		snprintf(vos_warned.node[vos_warned.n++],
		    sizeof vos_warned.node[0], "%s", node);
	pthread_mutex_unlock(&vos_warned.mu);
	return first;
}

static void
vos_trust_skipped(struct vos_session *s, const struct parse_skipped *sk)
{
	log_msg(vos_warn_first(s->node) ? LOG_LVL_WARN : LOG_LVL_DEBUG,
	    "%s: show cert list trust: %zu line%s skipped (not handled by "
	    "certregen): %s", s->node, sk->n, sk->n == 1 ? "" : "s",
	    sk->first);
}

int
vos_cert_list(struct vos_session *s, int trust, struct vos_cert_entry **v,
    size_t *n)
{
	struct dialog_param p = { "which", trust ? "trust" : "own" };
	struct parse_skipped sk;
	struct vos_query q;
	int r;

	memset(&sk, 0, sizeof sk);
	r = vos_query(s, &q, "cert-list", &p, 1, VOS_CMD_IDLE(s));
	r = vos_query_clean(s, &q, r);
	/* The identity list must parse whole.  A trust store may hold a file
	 * whose name cannot be sent back to the CLI safely: it is skipped
	 * (and said), never used. */
	if (r == 0 && !trust)
		r = parse_cert_list(buf_str(&q.out), q.out.len, v, n, q.why,
		    sizeof q.why);
	else if (r == 0 && (r = parse_cert_list_skip(buf_str(&q.out),
	    q.out.len, v, n, &sk, q.why, sizeof q.why)) == 0 && sk.n > 0)
		vos_trust_skipped(s, &sk);
	return vos_query_end(s, &q, trust ? "show cert list trust" :
	    "show cert list own", r);
}

int
vos_cert_show(struct vos_session *s, int trust, const char *unit,
    const char *file, struct cert_info *ci, char **pem)
{
	struct dialog_param p[] = {
		{ "which", trust ? "trust" : "own" },
		{ "unit", unit },
		{ "file", file },
	};
	struct vos_query q;
	char what[400];
	int r;

	snprintf(what, sizeof what, "show cert %s %s/%s", p[0].value, unit,
	    file);
	r = vos_query(s, &q, "cert-show", p, 3, VOS_CMD_IDLE(s));
	if ((r = vos_query_clean(s, &q, r)) == 0)
		r = parse_cert_show(buf_str(&q.out), q.out.len, ci, pem, q.why,
		    sizeof q.why);
	return vos_query_end(s, &q, what, r);
}

int
vos_cert_regen(struct vos_session *s, const char *unit)
{
	struct dialog_param p = { "unit", unit };

	return vos_dialog(s, "cert-regen", &p, 1, NULL, 0);
}

int
vos_cert_delete(struct vos_session *s, const char *unit, const char *file)
{
	struct dialog_param p[] = { { "unit", unit }, { "file", file } };

	return vos_dialog(s, "cert-delete", p, 2, NULL, 0);
}

int
vos_service_list(struct vos_session *s, struct vos_service **v, size_t *n)
{
	struct vos_query q;
	int r;

	r = vos_query(s, &q, "service-list", NULL, 0, VOS_CMD_IDLE(s));
	if ((r = vos_query_clean(s, &q, r)) == 0)
		r = parse_service_list(buf_str(&q.out), q.out.len, v, n, q.why,
		    sizeof q.why);
	return vos_query_end(s, &q, "utils service list", r);
}

int
vos_service_action(struct vos_session *s, const char *action,
    const char *service, enum vos_svc_state *last)
{
	struct dialog_param p = { "service", service };
	struct vos_query q;
	char name[32];
	int r;

	*last = SVC_UNKNOWN;
	if (strcmp(action, "restart") != 0 && strcmp(action, "stop") != 0 &&
	    strcmp(action, "start") != 0) {
		vos_fail(s, "%s: unknown service action '%s'", s->node, action);
		return ERR_INVAL;
	}
	snprintf(name, sizeof name, "service-%s", action);
	if ((r = vos_query(s, &q, name, &p, 1,
	    site_service_timeout(s->site, service))) == 0)
		r = parse_service_progress(buf_str(&q.out), q.out.len, service,
		    last, q.why, sizeof q.why);
	return vos_query_end(s, &q, name, r);
}

int
vos_ha_status(struct vos_session *s, struct vos_ha *ha)
{
	struct vos_query q;
	int r;

	r = vos_query(s, &q, "ha-status", NULL, 0, VOS_CMD_IDLE(s));
	if ((r = vos_query_clean(s, &q, r)) == 0)
		r = parse_ha_status(buf_str(&q.out), q.out.len, ha, q.why,
		    sizeof q.why);
	return vos_query_end(s, &q, "utils ha status", r);
}

int
vos_sso_status(struct vos_session *s, int *enabled)
{
	struct vos_query q;
	int r;

	r = vos_query(s, &q, "sso-status", NULL, 0, VOS_CMD_IDLE(s));
	if ((r = vos_query_clean(s, &q, r)) == 0)
		r = parse_sso_status(buf_str(&q.out), q.out.len, enabled, q.why,
		    sizeof q.why);
	return vos_query_end(s, &q, "utils sso status", r);
}

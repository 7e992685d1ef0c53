/*
 * exec: the plan carried out.  Each step kind has one function that is
 * idempotent given the journal: it first looks at what the journal and the
 * node say, so that a step interrupted anywhere (kill -9, dropped session,
 * restarted node) is neither lost nor done twice when it runs again.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "axl.h"
#include "buf.h"
#include "cert.h"
#include "conf.h"
#include "err.h"
#include "exec.h"
#include "facts.h"
#include "inventory.h"
#include "journal.h"
#include "log.h"
#include "output.h"
#include "par.h"
#include "parse.h"
#include "plan.h"
#include "plan-json.h"
#include "runtime.h"
#include "unit.h"
#include "vos.h"

/* Attempts of one step when its session drops (or AXL fails for a
 * while), with a pause between them that doubles from EXEC_BACKOFF_MS up
 * to EXEC_BACKOFF_CAP times that.  CERTREGEN_TEST_BACKOFF_MS replaces
 * EXEC_BACKOFF_MS: for the tests only (see certregen(1), ENVIRONMENT). */
#define EXEC_TRIES 3
#define EXEC_BACKOFF_MS 1000L
#define EXEC_BACKOFF_CAP 30L

struct exec {
	struct runtime *rt;
	struct journal *j;
	const struct plan *p;
	const struct exec_opts *o;
	json_t *report;
	json_t *steps;          /* report["steps"] */
	struct timespec t0;
	int stuck;              /* the last wait saw the service stay put */
	int safe;               /* the safe path runs: signals do not cut it */
	json_t *unsafe;         /* report["unsafe"]: what the safe path left */
	char why[1024];
};

static double
exec_elapsed(const struct exec *x)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - x->t0.tv_sec) +
	    (double)(t.tv_nsec - x->t0.tv_nsec) / 1e9;
}

static void exec_fail(struct exec *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
exec_fail(struct exec *x, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->why, sizeof x->why, fmt, ap);
	va_end(ap);
}

static const struct fact_node *
exec_node(const struct exec *x, const struct plan_step *s)
{
	return &x->rt->facts.nodes[s->node];
}

/* The node's session, opened again if it was dropped; err gets the reason
 * when it cannot be (a thread of exec_export passes its own buffer). */
static struct vos_session *
exec_session_why(struct exec *x, int node, char *err, size_t errsz)
{
	struct pool *pl = &x->rt->pool;
	struct fact_node *nd = &x->rt->facts.nodes[node];
	struct vos_target t = { nd->name, nd->host, nd->port };
	char why[1024];

	if ((size_t)node < pl->n && pl->s[node] != NULL) {
		if (!vos_broken(pl->s[node]))
			return pl->s[node];
		vos_close(pl->s[node]);
		pl->s[node] = NULL;
	}
	if ((size_t)node >= pl->n)
		return NULL;
	if (vos_open(x->rt->site, x->rt->dialogs, &t, pl->transcript_dir,
	    &pl->s[node], why, sizeof why) != 0) {
		snprintf(err, errsz, "%s", why);
		return NULL;
	}
	log_info("%s: logged in again", nd->name);
	return pl->s[node];
}

static struct vos_session *
exec_session(struct exec *x, int node)
{
	return exec_session_why(x, node, x->why, sizeof x->why);
}

static void
exec_drop(struct exec *x, int node)
{
	struct pool *pl = &x->rt->pool;

	if ((size_t)node < pl->n) {
		vos_close(pl->s[node]);
		pl->s[node] = NULL;
	}
}

/* Errors after which a new session may succeed. */
static int
exec_transient(int r)
{
	return r == ERR_EOF || r == ERR_SSH || r == ERR_CONNECT ||
	    r == ERR_TIMEOUT || r == ERR_IO;
}

/* The pause before attempt `failed + 1`, in milliseconds. */
static long
exec_backoff_ms(int failed)
{
	const char *e = getenv("CERTREGEN_TEST_BACKOFF_MS");
	long base = EXEC_BACKOFF_MS, ms;
	int i;

	if (e != NULL && *e != '\0') {
		char *end;
		long v;

		errno = 0;
		v = strtol(e, &end, 10);
		if (errno == 0 && *end == '\0' && v >= 0 && v <= 60000)
			base = v;
	}
	ms = base;
	for (i = 1; i < failed && ms < base * EXEC_BACKOFF_CAP; i++)
		ms *= 2;
	return ms < base * EXEC_BACKOFF_CAP ? ms : base * EXEC_BACKOFF_CAP;
}

/* A signal asked the run to stop, and the safe path does not run yet. */
static int
exec_stop_asked(const struct exec *x)
{
	return !x->safe && runtime_interrupted() != 0;
}

/* Sleep ms; 1 when a signal cut it short (never on the safe path). */
static int
exec_pause(const struct exec *x, long ms)
{
	return runtime_pause_ms(ms, x->safe);
}

/* ------------------------------------------------------------ services */

static const struct vos_service *
exec_find_service(const struct vos_service *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

/* Poll `utils service list` until service is in state want. */
static int
exec_wait_state(struct exec *x, struct vos_session *s, const char *node,
    const char *service, enum vos_svc_state want)
{
	const struct site *site = x->rt->site;
	time_t deadline = time(NULL) + site_service_timeout(site, service);
	enum vos_svc_state seen = SVC_UNKNOWN;

	for (;;) {
		struct vos_service *v = NULL;
		const struct vos_service *sv;
		size_t n = 0;
		int r;

		if ((r = vos_service_list(s, &v, &n)) != 0) {
			exec_fail(x, "%s", vos_error(s));
			return r;
		}
		sv = exec_find_service(v, n, service);
		seen = sv ? sv->state : SVC_UNKNOWN;
		free(v);
		if (sv == NULL) {
			exec_fail(x, "%s: %s is not in utils service list", node,
			    service);
			return ERR_PARSE;
		}
		if (seen == want)
			return 0;
		if (time(NULL) >= deadline)
			break;
		/* A signal abandons the wait (not the command: it is done);
		 * the rerun does the step again. */
		if (exec_pause(x, 1000L * site->services.poll_interval) ||
		    exec_stop_asked(x)) {
			exec_fail(x, "%s: interrupted by %s while waiting for %s "
			    "to be %s (it is %s); the wait was abandoned", node,
			    runtime_signal_name(runtime_interrupted()), service,
			    vos_svc_state_name(want), vos_svc_state_name(seen));
			return ERR_INTERRUPTED;
		}
	}
	exec_fail(x, "%s: %s is %s, not %s, after %d s (services.timeouts)",
	    node, service, vos_svc_state_name(seen), vos_svc_state_name(want),
	    site_service_timeout(site, service));
	x->stuck = 1;
	return ERR_TIMEOUT;
}

static int
exec_service(struct exec *x, const struct plan_step *st, const char *action,
    enum vos_svc_state want)
{
	const struct fact_node *nd = exec_node(x, st);
	struct vos_session *s = exec_session(x, st->node);
	enum vos_svc_state last;
	int r;

	if (s == NULL)
		return ERR_CONNECT;
	/* stop and start are done already when the service is there; a
	 * restart always happens (that is its point). */
	if (want == SVC_STOPPED || strcmp(action, "start") == 0) {
		struct vos_service *v = NULL;
		const struct vos_service *sv;
		size_t n = 0;

		if ((r = vos_service_list(s, &v, &n)) != 0) {
			exec_fail(x, "%s", vos_error(s));
			return r;
		}
		sv = exec_find_service(v, n, st->service);
		r = sv != NULL && sv->state == want;
		free(v);
		if (r)
			return 0;
	}
	r = vos_service_action(s, action, st->service, &last);
	if (r != 0) {
		exec_fail(x, "%s", vos_error(s));
		return r;
	}
	/* Some nodes return to the prompt after [STARTING]: the list is the
	 * truth. */
	return exec_wait_state(x, s, nd->name, st->service, want);
}

/* ------------------------------------------------------------ files */

/* Write data to path (O_EXCL unless replace) and fsync it; 0, or ERR_IO
 * with why. */
static int
exec_write_file(char *why, size_t whysz, const char *path, const char *data,
    size_t n, mode_t mode, int replace)
{
	int fd, flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW;
	size_t off = 0;

	flags |= replace ? O_TRUNC : O_EXCL;
	if ((fd = open(path, flags, mode)) == -1) {
		if (errno == EEXIST && !replace)
			return 0; /* the older copy stays */
		snprintf(why, whysz, "cannot write %s: %s", path,
		    strerror(errno));
		return ERR_IO;
	}
	while (off < n) {
		ssize_t w = write(fd, data + off, n - off);

		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			snprintf(why, whysz, "cannot write %s: %s", path,
			    strerror(errno));
			close(fd);
			return ERR_IO;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0) {
		snprintf(why, whysz, "cannot write %s: %s", path,
		    strerror(errno));
		close(fd);
		return ERR_IO;
	}
	if (close(fd) != 0) {
		snprintf(why, whysz, "cannot write %s: %s", path,
		    strerror(errno));
		return ERR_IO;
	}
	return 0;
}

/* Largest backup file read back (a PEM certificate is a few KiB). */
#define EXEC_BACKUP_MAX (256 * 1024)

/*
 * What a backup file left by an earlier attempt of this run holds: 0 no
 * file (or a write a kill cut short, which is not a certificate: removed),
 * 1 the certificate with serial want (any one when want is NULL), else an
 * ERR_* with x->why (it holds another certificate: it is never replaced).
 */
static int
exec_backup_found(struct exec *x, const char *path, const char *want)
{
	struct cert_info ci;
	char why[512], *data;
	size_t len = 0;
	ssize_t n;
	int fd, r;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		if (errno == ENOENT)
			return 0;
		exec_fail(x, "cannot read %s: %s", path, strerror(errno));
		return ERR_IO;
	}
	if ((data = malloc(EXEC_BACKUP_MAX + 1)) == NULL) {
		close(fd);
		exec_fail(x, "out of memory");
		return ERR_NOMEM;
	}
	while (len < EXEC_BACKUP_MAX) {
		n = read(fd, data + len, EXEC_BACKUP_MAX - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			exec_fail(x, "cannot read %s: %s", path,
			    strerror(errno));
			close(fd);
			free(data);
			return ERR_IO;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	data[len] = '\0';
	r = cert_from_pem(data, len, &ci, why, sizeof why);
	free(data);
	if (r != 0) {
		/* Written by this program from a certificate it parsed: one
		 * that does not parse is a write cut short before its fsync. */
		log_warn("%s: %s (a write cut short); removed", path, why);
		if (unlink(path) != 0) {
			exec_fail(x, "cannot remove %s: %s", path,
			    strerror(errno));
			return ERR_IO;
		}
		return 0;
	}
	if (want == NULL || strcmp(ci.serial, want) == 0) {
		log_info("%s: kept from an earlier attempt", path);
		return 1;
	}
	exec_fail(x, "%s holds the certificate with serial %s, not the one "
	    "to be replaced (%s); it is never overwritten: move it away and "
	    "run the same command again", path, ci.serial, want);
	return ERR_VERIFY;
}

/* The regen step a backup step protects, or NULL. */
static const struct plan_step *
exec_regen_of(const struct exec *x, const struct plan_step *st)
{
	size_t i;

	for (i = 0; i < x->p->n; i++) {
		const struct plan_step *s = &x->p->steps[i];

		if (s->kind == STEP_REGEN && s->node == st->node &&
		    s->unit == st->unit)
			return s;
	}
	return NULL;
}

/* ------------------------------------------------------------ steps */

/*
 * The certificate a regen replaces, saved before the regen begins.  Which
 * one: the journal's old_serial once the regen has begun (a resumed run),
 * else the inventory's serial.  The inventory read that PEM already and
 * its copy is written when it is that certificate; the node is asked again
 * only when the copy is missing or is not (an inventory taken after the
 * regen).  A backup an earlier attempt wrote stays as it is.
 */
static int
exec_backup(struct exec *x, const struct plan_step *st)
{
	const struct fact_node *nd = exec_node(x, st);
	const struct fact_unit *fu = &nd->units[st->unit];
	const struct plan_step *rg = exec_regen_of(x, st);
	json_t *data = rg != NULL ? journal_step_data(x->j, rg->key) : NULL;
	const char *want = json_string_value(json_object_get(data,
	    "old_serial"));
	struct vos_session *s;
	struct cert_info ci;
	char dir[PATH_MAX], path[PATH_MAX + 300];
	char *pem = NULL;
	int r, begun = want != NULL;

	if (want == NULL && fu->have_cert)
		want = fu->cert.serial;
	snprintf(dir, sizeof dir, "%s/backup/%s", x->rt->site->state_dir,
	    x->o->run_id);
	if (runtime_mkdirs(dir, 0700) != 0) {
		exec_fail(x, "cannot make %s: %s", dir, strerror(errno));
		return ERR_IO;
	}
	snprintf(path, sizeof path, "%s/%s-%s.pem", dir, nd->name,
	    unit_name(st->unit));
	if ((r = exec_backup_found(x, path, want)) != 0)
		return r == 1 ? 0 : r;
	if (fu->pem != NULL && fu->have_cert && want != NULL &&
	    strcmp(fu->cert.serial, want) == 0)
		return exec_write_file(x->why, sizeof x->why, path, fu->pem,
		    strlen(fu->pem), 0600, 0);
	if ((s = exec_session(x, st->node)) == NULL)
		return ERR_CONNECT;
	if ((r = vos_cert_show(s, 0, unit_name(st->unit), fu->file, &ci,
	    &pem)) != 0) {
		exec_fail(x, "%s", vos_error(s));
		return r;
	}
	if (begun && strcmp(ci.serial, want) != 0) {
		/* The regen happened, and the backup written before it is
		 * gone: the node holds only the new certificate now. */
		log_warn("%s: %s: no backup of the old certificate (serial "
		    "%s): %s is missing and the node holds the new one "
		    "(serial %s) already", nd->name, unit_name(st->unit), want,
		    path, ci.serial);
		free(pem);
		return 0;
	}
	r = exec_write_file(x->why, sizeof x->why, path, pem, strlen(pem),
	    0600, 0);
	free(pem);
	return r;
}

static int
exec_regen(struct exec *x, const struct plan_step *st)
{
	const struct fact_node *nd = exec_node(x, st);
	const struct fact_unit *fu = &nd->units[st->unit];
	struct vos_session *s;
	struct cert_info now;
	json_t *data = journal_step_data(x->j, st->key);
	const char *old = json_string_value(json_object_get(data, "old_serial"));
	enum journal_state js;
	int r;

	if (old == NULL) {
		/* The plan was made from these facts: they hold the serial
		 * from before the run. */
		if (!fu->have_cert) {
			exec_fail(x, "%s: the old %s certificate was never read",
			    nd->name, unit_name(st->unit));
			return ERR_VERIFY;
		}
		old = fu->cert.serial;
	}
	if ((s = exec_session(x, st->node)) == NULL)
		return ERR_CONNECT;
	/* A regen begun before (interrupted, or failed after the node did it:
	 * a dropped connection on every re-check) may have happened: the
	 * serial says. */
	js = journal_step_state(x->j, st->key);
	if (js == JSTEP_BEGUN || js == JSTEP_FAILED) {
		if ((r = vos_cert_show(s, 0, unit_name(st->unit), fu->file, &now,
		    NULL)) != 0) {
			exec_fail(x, "%s", vos_error(s));
			return r;
		}
		if (strcmp(now.serial, old) != 0) {
			log_notice("%s: %s was already regenerated (serial %s); "
			    "not again", nd->name, unit_name(st->unit),
			    now.serial);
			return 0;
		}
	}
	if (js != JSTEP_BEGUN && (r = journal_step_begin(x->j, st->key,
	    json_pack("{s:s}", "old_serial", old))) != 0) {
		exec_fail(x, "cannot write the journal");
		return r;
	}
	if ((r = vos_cert_regen(s, unit_name(st->unit))) != 0) {
		exec_fail(x, "%s", vos_error(s));
		return r;
	}
	if ((r = vos_cert_show(s, 0, unit_name(st->unit), fu->file, &now,
	    NULL)) != 0) {
		exec_fail(x, "%s", vos_error(s));
		return r;
	}
	if (strcmp(now.serial, old) == 0) {
		exec_fail(x, "%s: %s: the node said it regenerated, but the "
		    "serial is still %s", nd->name, unit_name(st->unit), old);
		return ERR_VERIFY;
	}
	return 0;
}

/* The group an HA step acts on ("" = the cluster's default). */
static const char *
exec_group(const struct plan_step *st)
{
	return st->group[0] ? st->group : AXL_DEFAULT_GROUP;
}

static int
exec_ha_off(struct exec *x, const struct plan_step *st)
{
	const struct site_axl *a = &x->rt->site->axl;
	json_t *data = journal_step_data(x->j, st->key);
	struct axl_group g;
	int r;

	if ((r = axl_get_group(a, exec_group(st), &g, x->why,
	    sizeof x->why)) != 0)
		return r;
	/* The value before the run is recorded once, on the first attempt. */
	if (json_object_get(data, "was") == NULL &&
	    (r = journal_step_begin(x->j, st->key, json_pack("{s:b}", "was",
	    g.ha_enabled))) != 0) {
		exec_fail(x, "cannot write the journal");
		return r;
	}
	if (!g.ha_enabled)
		return 0;
	if ((r = axl_set_ha(a, exec_group(st), 0, x->why, sizeof x->why)) != 0)
		return r;
	log_notice("High Availability of %s turned off", exec_group(st));
	return 0;
}

/* The HA_OFF step of the same group, for its "was". */
static int
exec_ha_was(const struct exec *x, const char *group)
{
	size_t i;

	for (i = 0; i < x->p->n; i++) {
		const struct plan_step *s = &x->p->steps[i];
		json_t *d;

		if (s->kind != STEP_HA_OFF || strcmp(s->group, group) != 0)
			continue;
		d = journal_step_data(x->j, s->key);
		return json_is_true(json_object_get(d, "was"));
	}
	return 0;
}

static int
exec_ha_on(struct exec *x, const struct plan_step *st)
{
	const struct site_axl *a = &x->rt->site->axl;
	struct axl_group g;
	int r;

	if (!exec_ha_was(x, st->group))
		return 0;
	/* Idempotent: a rerun or the safe path may find it on already. */
	if ((r = axl_get_group(a, exec_group(st), &g, x->why,
	    sizeof x->why)) != 0)
		return r;
	if (g.ha_enabled)
		return 0;
	if ((r = axl_set_ha(a, exec_group(st), 1, x->why,
	    sizeof x->why)) != 0)
		return r;
	log_notice("High Availability of %s turned on again", exec_group(st));
	return 0;
}

static int
exec_delete(struct exec *x, const struct plan_step *st)
{
	const struct fact_node *nd = exec_node(x, st);
	struct vos_session *s = exec_session(x, st->node);
	struct vos_cert_entry *v = NULL;
	size_t n = 0, i;
	int r, present = 0;

	if (s == NULL)
		return ERR_CONNECT;
	for (int pass = 0; pass < 2; pass++) {
		if ((r = vos_cert_list(s, 1, &v, &n)) != 0) {
			exec_fail(x, "%s", vos_error(s));
			return r;
		}
		present = 0;
		for (i = 0; i < n; i++)
			if (strcmp(v[i].unit, st->trust_unit) == 0 &&
			    strcmp(v[i].file, st->file) == 0)
				present = 1;
		free(v);
		v = NULL;
		if (!present)
			return 0;  /* gone (cluster-wide, or an earlier try) */
		if (pass == 1)
			break;
		if ((r = vos_cert_delete(s, st->trust_unit, st->file)) != 0) {
			exec_fail(x, "%s", vos_error(s));
			return r;
		}
	}
	exec_fail(x, "%s: %s/%s is still listed after the delete", nd->name,
	    st->trust_unit, st->file);
	return ERR_VERIFY;
}

/* The units exported, for the clients' trust stores. */
static const int exec_export_units[] = { UNIT_TOMCAT, UNIT_CUP_XMPP };
#define EXEC_NEXPORT \
	(sizeof exec_export_units / sizeof exec_export_units[0])

/* One IM/P node's exports, done in its own thread: only this struct and
 * the node's pool slot are written there. */
struct export_node {
	int node;
	int r;
	int wrote[EXEC_NEXPORT];
	char path[EXEC_NEXPORT][PATH_MAX];
	char why[1024];
};

struct export_ctx {
	struct exec *x;
	struct export_node *v;
};

static void
exec_export_one(void *arg, size_t i)
{
	struct export_ctx *c = arg;
	struct exec *x = c->x;
	struct export_node *e = &c->v[i];
	const struct fact_node *nd = &x->rt->facts.nodes[e->node];
	size_t k;

	for (k = 0; k < EXEC_NEXPORT && e->r == 0; k++) {
		int u = exec_export_units[k];
		struct vos_session *s;
		struct cert_info ci;
		char *pem = NULL;

		if (!(x->p->units & UNIT_BIT(u)) || !nd->units[u].present)
			continue;
		if ((s = exec_session_why(x, e->node, e->why,
		    sizeof e->why)) == NULL) {
			e->r = ERR_CONNECT;
			break;
		}
		if ((e->r = vos_cert_show(s, 0, unit_name(u), nd->units[u].file,
		    &ci, &pem)) != 0) {
			snprintf(e->why, sizeof e->why, "%s", vos_error(s));
			break;
		}
		snprintf(e->path[k], sizeof e->path[k], "%s/%s-%s.pem",
		    x->rt->site->export_dir, nd->name, unit_name(u));
		e->r = exec_write_file(e->why, sizeof e->why, e->path[k], pem,
		    strlen(pem), 0640, 1);
		free(pem);
		e->wrote[k] = e->r == 0;
	}
}

/* The new tomcat and cup-xmpp certificates of every IM/P node, one thread
 * a node (ssh.parallel at once); the files and the first error in node
 * order. */
static int
exec_export(struct exec *x)
{
	const struct facts *f = &x->rt->facts;
	const struct site *site = x->rt->site;
	struct export_ctx c = { x, NULL };
	json_t *files;
	size_t i, k, n = 0;
	int r = 0;

	if (runtime_mkdirs(site->export_dir, 0750) != 0) {
		exec_fail(x, "cannot make %s: %s", site->export_dir,
		    strerror(errno));
		return ERR_IO;
	}
	if (f->n > 0 && (c.v = calloc(f->n, sizeof *c.v)) == NULL) {
		exec_fail(x, "out of memory");
		return ERR_NOMEM;
	}
	for (i = 0; i < f->n; i++)
		if (f->nodes[i].product == PRODUCT_IMP)
			c.v[n++].node = (int)i;
	(void)par_run(n, site->ssh.parallel, exec_export_one, &c);
	files = json_array();
	for (i = 0; i < n; i++) {
		for (k = 0; k < EXEC_NEXPORT; k++)
			if (c.v[i].wrote[k])
				json_array_append_new(files,
				    output_jstr(c.v[i].path[k]));
		if (c.v[i].r != 0 && r == 0) {
			r = c.v[i].r;
			exec_fail(x, "%s", c.v[i].why);
		}
	}
	free(c.v);
	json_object_set_new(x->report, "exported", files);
	return r;
}

/* One attempt of one step. */
static int
exec_step(struct exec *x, const struct plan_step *st)
{
	switch (st->kind) {
	case STEP_BACKUP:
		return exec_backup(x, st);
	case STEP_REGEN:
		return exec_regen(x, st);
	case STEP_HA_OFF:
		return exec_ha_off(x, st);
	case STEP_HA_ON:
		return exec_ha_on(x, st);
	case STEP_STOP:
		return exec_service(x, st, "stop", SVC_STOPPED);
	case STEP_RESTART:
		return exec_service(x, st, "restart", SVC_STARTED);
	case STEP_START:
		return exec_service(x, st, "start", SVC_STARTED);
	case STEP_DELETE:
		return exec_delete(x, st);
	case STEP_VERIFY:
		return exec_verify(x->rt, x->j, x->p, x->report) == 0 ? 0 :
		    (exec_fail(x, "verification failed (see the report)"),
		    ERR_VERIFY);
	case STEP_EXPORT:
		return exec_export(x);
	}
	return ERR_INVAL;
}

static void
exec_report_step(struct exec *x, const struct plan_step *st, const char *res,
    double t0, const char *err)
{
	json_t *j = plan_step_json(&x->rt->facts, st);

	json_object_set_new(j, "result", json_string(res));
	json_object_set_new(j, "elapsed", json_real(exec_elapsed(x) - t0));
	if (err != NULL)
		json_object_set_new(j, "error", output_jstr(err));
	json_array_append_new(x->steps, j);
}

/* Run one step with retries on a new session; journal around it. */
static int
exec_one(struct exec *x, const struct plan_step *st)
{
	char text[600];
	double t0 = exec_elapsed(x);
	int r = 0, tries, stuck = 0;

	plan_step_text(&x->rt->facts, st, text, sizeof text);
	if (x->o->step_cb != NULL)
		x->o->step_cb(x->o->step_arg, st, 0, 0);
	log_notice("[%7.1fs] %s", t0, text);
	for (tries = 0; tries < EXEC_TRIES; tries++) {
		long ms;

		x->why[0] = '\0';
		x->stuck = 0;
		if (st->mutating && st->kind != STEP_REGEN &&
		    st->kind != STEP_HA_OFF &&
		    journal_step_state(x->j, st->key) == JSTEP_NONE &&
		    (r = journal_step_begin(x->j, st->key, NULL)) != 0) {
			exec_fail(x, "cannot write the journal in %s",
			    x->rt->site->state_dir);
			/* The safe path starts services and turns HA on
			 * all the same: undoing needs no record. */
			if (!x->safe)
				break;
			log_error("%s", x->why);
		}
		r = exec_step(x, st);
		if (r == 0 || r == ERR_INTERRUPTED)
			break;
		/* A service that stays STARTING: the CLI's advice is to run
		 * the same command again, once; the session is fine, and a
		 * third wait of services.timeouts would only add to the
		 * outage. */
		if (x->stuck) {
			if (stuck++ > 0 || exec_stop_asked(x))
				break;
			log_warn("%s (running the command again)", x->why);
			continue;
		}
		/* HA steps talk AXL: a refused connection, a reset, a time
		 * out or HTTP 5xx may pass; a SOAP fault says the request
		 * was wrong and never does. */
		if (st->kind == STEP_HA_OFF || st->kind == STEP_HA_ON ?
		    !axl_transient(r) : st->node < 0 || !exec_transient(r))
			break;
		if (tries + 1 >= EXEC_TRIES) {
			log_warn("%s (attempt %d of %d; giving up)", x->why,
			    tries + 1, EXEC_TRIES);
			break;
		}
		ms = exec_backoff_ms(tries + 1);
		log_warn("%s (attempt %d of %d failed; %s in %ld.%03ld s)",
		    x->why, tries + 1, EXEC_TRIES, st->node < 0 ?
		    "AXL again" : "logging in again", ms / 1000,
		    ms % 1000);
		if (st->node >= 0)
			exec_drop(x, st->node);
		if (exec_pause(x, ms) || exec_stop_asked(x)) {
			/* The attempt failed: the step is left for the rerun,
			 * as after a failure. */
			log_warn("interrupted by %s: no further attempt",
			    runtime_signal_name(runtime_interrupted()));
			break;
		}
	}
	if (st->mutating || st->kind == STEP_BACKUP)
		(void)journal_step_end(x->j, st->key, r == 0, r ? x->why : NULL,
		    NULL);
	exec_report_step(x, st, r == 0 ? "done" : "failed", t0,
	    r ? x->why : NULL);
	if (x->o->step_cb != NULL)
		x->o->step_cb(x->o->step_arg, st, 1, r);
	if (r != 0)
		log_error("[%7.1fs] %s: %s", exec_elapsed(x), text, x->why[0] ?
		    x->why : err_str(r));
	else
		log_info("[%7.1fs] %s: done", exec_elapsed(x), text);
	return r;
}

/* What the safe path could not make safe, for the report and the last
 * message: a service (node, service, state) or an HA group. */
static void
exec_unsafe_service(struct exec *x, const char *node, const char *service,
    const char *state, const char *error)
{
	json_array_append_new(x->unsafe, json_pack("{s:s,s:o,s:o,s:s,s:o}",
	    "what", "service", "node", output_jstr(node), "service",
	    output_jstr(service), "state", state, "error",
	    output_jstr(error)));
}

static void
exec_unsafe_ha(struct exec *x, const char *group, const char *error)
{
	json_array_append_new(x->unsafe, json_pack("{s:s,s:o,s:s,s:o}", "what",
	    "ha", "group", output_jstr(group), "ha", "off", "error",
	    output_jstr(error)));
}

/* The safe path may find the service a failed restart or start left
 * STOPPED (its own command stopped it): one start, not journaled (a rerun
 * restarts it anyway), reported as a "safe-start" step.  A node it cannot
 * read, or a start that fails, is reported as unsafe. */
static void
exec_safe_start(struct exec *x, const struct plan_step *failed)
{
	struct plan_step st = *failed;
	struct vos_service *v = NULL;
	const struct vos_service *sv;
	struct vos_session *s;
	const char *node = exec_node(x, failed)->name;
	double t0 = exec_elapsed(x);
	enum vos_svc_state seen;
	size_t n = 0;
	int r, stopped;

	if (failed->kind != STEP_RESTART && failed->kind != STEP_START)
		return;
	x->why[0] = '\0';
	if ((s = exec_session(x, failed->node)) == NULL ||
	    (r = vos_service_list(s, &v, &n)) != 0) {
		if (s != NULL)
			exec_fail(x, "%s", vos_error(s));
		log_error("making safe: cannot see whether %s on %s runs: %s",
		    failed->service, node, x->why[0] ? x->why :
		    err_str(ERR_CONNECT));
		exec_unsafe_service(x, node, failed->service, "unknown",
		    x->why[0] ? x->why : err_str(ERR_CONNECT));
		return;
	}
	sv = exec_find_service(v, n, failed->service);
	stopped = sv != NULL && sv->state == SVC_STOPPED;
	seen = sv != NULL ? sv->state : SVC_UNKNOWN;
	free(v);
	if (seen == SVC_STARTING || seen == SVC_STOPPING) {
		/* A wait a signal abandoned: the command was typed, the
		 * service is on its way; HA goes back on only once it is
		 * there (TechNote 217304).  A wait that timed out already
		 * is not repeated. */
		if (runtime_interrupted() != 0) {
			log_notice("making safe: waiting for %s on %s to be "
			    "STARTED before High Availability goes back on",
			    failed->service, node);
			if (exec_wait_state(x, s, node, failed->service,
			    SVC_STARTED) == 0)
				return;
		} else
			exec_fail(x, "%s: %s is %s", node, failed->service,
			    vos_svc_state_name(seen));
		log_error("making safe: %s", x->why);
		exec_unsafe_service(x, node, failed->service, "not STARTED",
		    x->why);
		return;
	}
	if (!stopped)
		return;
	st.kind = STEP_START;
	snprintf(st.key, sizeof st.key, "safe-start:%s:%s", node,
	    failed->service);
	snprintf(st.why, sizeof st.why, "safe path: start again what the "
	    "failed %s left stopped", plan_kind_name(failed->kind));
	log_notice("making safe: starting %s on %s again", st.service, node);
	r = exec_service(x, &st, "start", SVC_STARTED);
	if (r != 0) {
		log_error("making safe: %s", x->why[0] ? x->why : err_str(r));
		exec_unsafe_service(x, node, st.service, "STOPPED", x->why[0] ?
		    x->why : err_str(r));
	}
	exec_report_step(x, &st, r == 0 ? "done" : "failed", t0,
	    r ? x->why : NULL);
}

/*
 * After a failure: start every service a run of this journal stopped and
 * turn HA back on where a run turned it off (both idempotent: a start of a
 * started service and ha-on of an enabled group do nothing).  HA is turned
 * on whatever else failed.  The journal stays pending, so the next run
 * resumes where this one stopped.  What could not be made safe is in
 * x->unsafe.
 */
static void
exec_make_safe(struct exec *x, size_t failed, int started)
{
	size_t i;
	int k, r;

	x->safe = 1;
	runtime_set_safe_path(1);
	if (started)
		exec_safe_start(x, &x->p->steps[failed]);
	for (int pass = 0; pass < 2; pass++)
		for (i = 0; i < x->p->n; i++) {
			const struct plan_step *st = &x->p->steps[i];

			/* Services first, while HA is still off. */
			if (st->kind != (pass == 0 ? STEP_STOP : STEP_HA_OFF) ||
			    journal_step_state(x->j, st->key) == JSTEP_NONE ||
			    (k = plan_undo(x->p, i)) < 0)
				continue;
			if (pass == 0)
				log_notice("making safe: starting %s on %s again",
				    st->service,
				    x->rt->facts.nodes[st->node].name);
			else
				log_notice("making safe: High Availability of "
				    "%s back on", exec_group(st));
			if ((r = exec_one(x, &x->p->steps[k])) == 0)
				continue;
			if (pass == 0) {
				exec_unsafe_service(x,
				    x->rt->facts.nodes[st->node].name,
				    st->service, "not STARTED", x->why[0] ?
				    x->why : err_str(r));
				continue;
			}
			log_error("HIGH AVAILABILITY OF %s IS STILL OFF: %s; turn "
			    "it on in CUCM Administration > System > Presence "
			    "Redundancy Group, or run the same command again",
			    exec_group(st), x->why[0] ? x->why : err_str(r));
			exec_unsafe_ha(x, exec_group(st), x->why[0] ? x->why :
			    err_str(r));
		}
}

int
exec_run(struct runtime *rt, struct journal *j, const struct plan *p,
    const struct exec_opts *o, json_t *report)
{
	struct exec x;
	json_t *left;
	unsigned char *done, *run;
	char error[sizeof x.why + 400];
	size_t i;
	int r = 0, failed = -1, started = 0, sig = 0;

	memset(&x, 0, sizeof x);
	x.rt = rt;
	x.j = j;
	x.p = p;
	x.o = o;
	x.report = report;
	x.steps = json_array();
	x.unsafe = json_array();
	json_object_set_new(report, "steps", x.steps);
	json_object_set_new(report, "unsafe", x.unsafe);
	clock_gettime(CLOCK_MONOTONIC, &x.t0);

	/* Brackets run again only when there is work left for them to
	 * protect: HA is not toggled on a cluster for nothing. */
	done = calloc(p->n ? p->n : 1, 1);
	run = calloc(p->n ? p->n : 1, 1);
	if (done == NULL || run == NULL) {
		free(done);
		free(run);
		json_object_set_new(report, "error", json_string("out of memory"));
		return ERR_NOMEM;
	}
	for (i = 0; i < p->n; i++)
		done[i] = journal_step_state(j, p->steps[i].key) == JSTEP_DONE;
	plan_resume(p, done, run);
	for (i = 0; i < p->n; i++) {
		const struct plan_step *st = &p->steps[i];

		if (!run[i]) {
			exec_report_step(&x, st, "done-before", exec_elapsed(&x),
			    NULL);
			continue;
		}
		/* A signal between two steps: the next one is not begun. */
		if ((sig = runtime_interrupted()) != 0) {
			r = ERR_INTERRUPTED;
			exec_fail(&x, "interrupted by %s before this step",
			    runtime_signal_name(sig));
			failed = (int)i;
			break;
		}
		if ((r = exec_one(&x, st)) != 0) {
			failed = (int)i;
			started = 1;
			sig = runtime_interrupted();
			break;
		}
	}
	free(done);
	free(run);
	/* Interrupted after the last step: it is done all the same. */
	if (failed < 0) {
		json_object_set_new(report, "safe", json_true());
		return 0;
	}
	/* The first error names the step; the safe path's own messages must
	 * not replace it. */
	snprintf(error, sizeof error, "%s: %s", p->steps[failed].key,
	    x.why[0] ? x.why : err_str(r));
	if (sig != 0) {
		if (journal_interrupted(j, runtime_signal_name(sig),
		    p->steps[failed].key) != 0)
			log_warn("cannot write the journal in %s",
			    rt->site->state_dir);
		json_object_set_new(report, "interrupted",
		    json_string(runtime_signal_name(sig)));
		r = ERR_INTERRUPTED;
	}
	exec_make_safe(&x, (size_t)failed, started);
	left = json_array();
	for (i = (size_t)failed; i < p->n; i++)
		if (journal_step_state(j, p->steps[i].key) != JSTEP_DONE)
			json_array_append_new(left,
			    plan_step_json(&rt->facts, &p->steps[i]));
	json_object_set_new(report, "left", left);
	json_object_set_new(report, "error", output_jstr(error));
	json_object_set_new(report, "safe",
	    json_boolean(json_array_size(x.unsafe) == 0));
	return r;
}

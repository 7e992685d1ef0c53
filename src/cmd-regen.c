/*
 * cmd-regen: regen, renew and prune-trust.  Each takes the site's lock,
 * discovers and inventories the cluster, plans (renew: only the units that
 * expire within the threshold), checks the safety rules (window, SSO, HA
 * without AXL, unreachable nodes, CA-signed), asks, runs the pre hook,
 * journals the plan, carries it out, verifies, reports and runs the
 * deploy, post and failure hooks.  A pending journal of the same kind is
 * resumed (renew resumes an interrupted regen: it is one).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "axl.h"
#include "cmd.h"
#include "conf.h"
#include "err.h"
#include "exec.h"
#include "hook.h"
#include "inventory.h"
#include "journal.h"
#include "lock.h"
#include "log.h"
#include "output.h"
#include "plan.h"
#include "plan-json.h"
#include "progress.h"
#include "runtime.h"
#include "unit.h"
#include "window.h"

#define REPORT_VERSION 1

struct regen_opts {
	int prune;
	int renew;           /* only what is due, no questions */
	int no_delay;        /* renew: skip renew.random_delay */
	int days;            /* renew: threshold override, 0 = the site's */
	int wait;            /* lock: seconds to wait, -1 forever, 0 not */
	unsigned units;
	const char *nodes[64];
	size_t nnodes;
	int yes;
	int dry_run;
	int force_ca;
	int ack_sso;
	const char *report;
};

/* Inside one of the site's maintenance windows now? */
static int
regen_in_window(const struct site *site, char *why, size_t whysz)
{
	struct tm tm;
	time_t now = time(NULL);
	char w[64];
	size_t i;

	if (site->nwindows == 0) {
		snprintf(why, whysz, "the site has no maintenance window "
		    "(maintenance.windows); changes are refused");
		return 0;
	}
	if (site->timezone != NULL) {
		setenv("TZ", site->timezone, 1);
		tzset();
	}
	localtime_r(&now, &tm);
	for (i = 0; i < site->nwindows; i++)
		if (window_contains(&site->windows[i], &tm))
			return 1;
	window_format(&site->windows[0], w, sizeof w);
	snprintf(why, whysz, "outside the maintenance window (%s%s); restarts "
	    "interrupt IM/P", w, site->nwindows > 1 ? ", ..." : "");
	return 0;
}

/* Ask on the terminal; 1 for yes. */
static int
regen_ask(const char *question)
{
	char line[64];

	fprintf(stderr, "%s (yes/no)? ", question);
	fflush(stderr);
	if (fgets(line, sizeof line, stdin) == NULL)
		return 0;
	line[strcspn(line, "\r\n")] = '\0';
	return strcmp(line, "yes") == 0;
}

static int
regen_write_report(const char *path, json_t *report)
{
	char tmp[4096];
	char *s;
	int fd, ok = 0;
	size_t n;

	if (path == NULL)
		return 0;
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if ((s = json_dumps(report, JSON_INDENT(2) | JSON_SORT_KEYS)) == NULL)
		return ERR_NOMEM;
	n = strlen(s);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0640);
	if (fd != -1) {
		ok = write(fd, s, n) == (ssize_t)n && write(fd, "\n", 1) == 1 &&
		    fsync(fd) == 0;
		ok = close(fd) == 0 && ok;
		ok = ok && rename(tmp, path) == 0;
	}
	free(s);
	if (!ok) {
		log_error("cannot write the report %s: %s", path, strerror(errno));
		unlink(tmp);
		return ERR_IO;
	}
	return 0;
}

/* Refusals before anything changes; EXIT_DONE when all pass. */
static int
regen_checks(const struct cmd_ctx *ctx, const struct regen_opts *o,
    const struct facts *f, const struct plan *p)
{
	const struct site *site = ctx->site;
	char why[512];
	size_t i;

	for (i = 0; i < f->n; i++)
		if (!f->nodes[i].reachable && (o->nnodes == 0)) {
			log_error("refused: %s could not be reached or read "
			    "(%s); a cluster is changed whole or not at all "
			    "(--node limits a run)",
			    f->nodes[i].name, f->nodes[i].error);
			return EXIT_REFUSED;
		}
	if (!o->dry_run && !regen_in_window(site, why, sizeof why)) {
		log_error("refused: %s", why);
		return EXIT_REFUSED;
	}
	if (!o->prune && (p->units & (UNIT_BIT(UNIT_TOMCAT) |
	    UNIT_BIT(UNIT_TOMCAT_ECDSA))) && f->sso_enabled != 0 && !o->ack_sso) {
		log_error("refused: SAML SSO is %s and tomcat is in the plan: "
		    "SSO must be set up again with the new certificate "
		    "afterwards; --ack-sso says you will", f->sso_enabled < 0 ?
		    "in an unknown state" : "enabled");
		return EXIT_REFUSED;
	}
	if (p->ha_touched && !site->axl.configured) {
		log_error("refused: High Availability is enabled and restarts "
		    "need it off (TechNote 217304), but the site has no axl "
		    "settings to turn it off and on");
		return EXIT_REFUSED;
	}
	return EXIT_DONE;
}

static int
regen_confirm(const struct regen_opts *o, const struct facts *f,
    const struct plan *p)
{
	int tty = isatty(STDIN_FILENO);

	if (o->force_ca) {
		size_t i;
		int any = 0;

		for (i = 0; i < p->n; i++)
			if (p->steps[i].kind == STEP_REGEN &&
			    f->nodes[p->steps[i].node].units[p->steps[i].unit]
			    .ca_signed)
				any = 1;
		if (any && o->yes < 2 && !tty) {
			log_error("refused: --force-ca-signed replaces CA-signed "
			    "certificates; without a terminal it needs --yes "
			    "twice");
			return EXIT_REFUSED;
		}
		if (any && o->yes < 2 &&
		    (!regen_ask("CA-signed certificates will be REPLACED by "
		    "self-signed ones. Continue") ||
		    !regen_ask("Really replace the CA-signed certificates"))) {
			log_error("not confirmed; nothing was changed");
			return EXIT_REFUSED;
		}
	}
	if (o->yes)
		return EXIT_DONE;
	if (!tty) {
		log_error("refused: not a terminal; add --yes to proceed");
		return EXIT_REFUSED;
	}
	if (!regen_ask("Carry out this plan")) {
		log_error("not confirmed; nothing was changed");
		return EXIT_REFUSED;
	}
	return EXIT_DONE;
}

static json_t *
regen_request_json(const struct regen_opts *o)
{
	json_t *r = json_object(), *nodes = json_array();
	size_t i;

	json_object_set_new(r, "units", json_integer(o->units));
	for (i = 0; i < o->nnodes; i++)
		json_array_append_new(nodes, output_jstr(o->nodes[i]));
	json_object_set_new(r, "nodes", nodes);
	json_object_set_new(r, "force_ca_signed", json_boolean(o->force_ca));
	return r;
}

/* renew.random_delay: sleep a random part of it, so that a fleet's timers
 * do not all log in at the same second. */
static void
regen_random_delay(int max_s)
{
	struct timespec ts;
	unsigned int v = 0;

	if (max_s <= 0)
		return;
	if (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v)
		v = (unsigned int)getpid() ^ (unsigned int)time(NULL);
	ts.tv_sec = (time_t)(v % (unsigned int)(max_s + 1));
	ts.tv_nsec = 0;
	log_debug("renew: waiting %ld s first (renew.random_delay)",
	    (long)ts.tv_sec);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * renew: the units (of those asked for) whose self-signed certificate
 * expires within threshold days on some IM/P node.  A node that could not
 * be read makes the answer unknown: ERR_NOTFOUND with why, never "nothing
 * due" by mistake.
 */
static int
regen_due(const struct facts *f, unsigned units, int threshold_days,
    unsigned *due, char *why, size_t whysz)
{
	time_t limit = f->now + (time_t)threshold_days * 86400;
	size_t i;
	int u;

	*due = 0;
	for (i = 0; i < f->n; i++) {
		const struct fact_node *nd = &f->nodes[i];

		if (nd->product != PRODUCT_IMP)
			continue;
		if (!nd->reachable) {
			snprintf(why, whysz, "%s could not be reached or read "
			    "(%s): cannot tell whether its certificates are due",
			    nd->name,
			    nd->error);
			return ERR_NOTFOUND;
		}
		for (u = 0; u < UNIT_COUNT; u++) {
			const struct fact_unit *fu = &nd->units[u];

			if (!(units & UNIT_BIT(u)) || !fu->present ||
			    fu->ca_signed)
				continue;
			if (!fu->have_cert) {
				snprintf(why, whysz, "the %s certificate of %s "
				    "could not be read", unit_name(u), nd->name);
				return ERR_NOTFOUND;
			}
			if (fu->cert.not_after <= limit) {
				if (!(*due & UNIT_BIT(u)))
					log_notice("renew: %s on %s expires in %ld "
					    "days (threshold %d)", unit_name(u),
					    nd->name, cert_days_left(&fu->cert,
					    f->now), threshold_days);
				*due |= UNIT_BIT(u);
			}
		}
	}
	return 0;
}

/* "tomcat cup-xmpp": the units of a set, space-separated. */
static void
regen_units_text(unsigned units, char *dst, size_t n)
{
	size_t len = 0;
	int u;

	dst[0] = '\0';
	for (u = 0; u < UNIT_COUNT; u++)
		if ((units & UNIT_BIT(u)) && len < n)
			len += (size_t)snprintf(dst + len, n - len, "%s%s",
			    len ? " " : "", unit_name(u));
}

/*
 * The names of the nodes the plan changes (only those regenerating unit
 * when unit >= 0), and for prune-trust the trust units it deletes from.
 */
static void
regen_plan_text(const struct facts *f, const struct plan *p, int unit,
    char *nodes, size_t nn, char *units, size_t un)
{
	unsigned char seen[FACTS_MAX_NODES];
	size_t i, nl = 0, ul = 0;

	memset(seen, 0, sizeof seen);
	nodes[0] = '\0';
	if (units != NULL)
		units[0] = '\0';
	/* prune-trust: the trust units it deletes from, not identity units. */
	for (i = 0; units != NULL && i < p->n; i++)
		if (p->steps[i].kind == STEP_REGEN) {
			regen_units_text(p->units, units, un);
			break;
		}
	for (i = 0; i < p->n; i++) {
		const struct plan_step *st = &p->steps[i];

		if (units != NULL && st->kind == STEP_DELETE &&
		    strstr(units, st->trust_unit) == NULL && ul < un) {
			ul = strlen(units);
			snprintf(units + ul, un - ul, "%s%s", ul ? " " : "",
			    st->trust_unit);
		}
		if (st->node < 0 || (size_t)st->node >= f->n ||
		    (size_t)st->node >= FACTS_MAX_NODES || seen[st->node] ||
		    !st->mutating)
			continue;
		if (unit >= 0 && (st->kind != STEP_REGEN || st->unit != unit))
			continue;
		if (unit < 0 && st->kind != STEP_REGEN && st->kind != STEP_DELETE)
			continue;
		seen[st->node] = 1;
		if (nl < nn)
			nl += (size_t)snprintf(nodes + nl, nn - nl, "%s%s",
			    nl ? " " : "", f->nodes[st->node].name);
	}
}

/*
 * --dry-run with a pending journal: what the same command without it
 * would do (the steps a resume runs), and nothing else.
 */
static void
regen_dry_resume(const struct facts *f, const struct plan *p,
    const struct journal *j, const char *command)
{
	unsigned char *done, *run;
	const char *note;
	char text[600];
	size_t i, n;

	done = calloc(p->n ? p->n : 1, 1);
	run = calloc(p->n ? p->n : 1, 1);
	if (done == NULL || run == NULL) {
		free(done);
		free(run);
		log_error("out of memory");
		return;
	}
	for (i = 0; i < p->n; i++)
		done[i] = journal_step_state(j, p->steps[i].key) == JSTEP_DONE;
	n = plan_resume(p, done, run);
	printf("certregen %s: the interrupted %s run %s is pending; without "
	    "--dry-run the same command resumes it with these %zu of its %zu "
	    "steps:\n", command, journal_command(j), journal_run_id(j), n,
	    p->n);
	for (i = 0; i < p->n; i++) {
		enum journal_state st = journal_step_state(j, p->steps[i].key);

		if (!run[i])
			continue;
		plan_step_text(f, &p->steps[i], text, sizeof text);
		if (st == JSTEP_BEGUN || st == JSTEP_FAILED)
			note = p->steps[i].kind == STEP_REGEN ? "the node's "
			    "serial says whether it happened" :
			    p->steps[i].kind == STEP_DELETE ? "done if the "
			    "certificate is still listed" :
			    p->steps[i].kind == STEP_RESTART ? "done again" :
			    "done again where still needed";
		else if (st == JSTEP_DONE)
			note = "done before; again, to protect the steps left";
		else
			note = NULL;
		printf("  %3zu. %s%s%s%s%s\n", i + 1, text, note ? " (" : "",
		    st == JSTEP_BEGUN ? "interrupted inside it: " :
		    st == JSTEP_FAILED ? "failed before: " : "", note ? note :
		    "", note ? ")" : "");
	}
	fflush(stdout);
	free(done);
	free(run);
}

/* The end of a failed run: what happened, and what is left unsafe. */
static void
regen_say_failed(const char *command, int r, json_t *report,
    const char *state_dir)
{
	const char *sig = json_string_value(json_object_get(report,
	    "interrupted"));
	json_t *unsafe = json_object_get(report, "unsafe"), *u;
	size_t i;

	if (sig != NULL)
		log_error("%s interrupted by %s: the step in progress was "
		    "finished (or its wait abandoned) and journaled", command,
		    sig);
	else
		log_error("%s stopped: %s", command, err_str(r));
	if (json_array_size(unsafe) == 0) {
		log_error("the cluster was left safe (what this run stopped "
		    "runs again, High Availability is as it was) and the "
		    "journal in %s says what is left: run the same command "
		    "again to finish", state_dir);
		return;
	}
	log_error("the cluster was NOT left safe:");
	json_array_foreach(unsafe, i, u) {
		const char *what = json_string_value(json_object_get(u, "what"));
		const char *node = json_string_value(json_object_get(u, "node"));
		const char *svc = json_string_value(json_object_get(u, "service"));
		const char *st = json_string_value(json_object_get(u, "state"));
		const char *grp = json_string_value(json_object_get(u, "group"));

		if (what != NULL && strcmp(what, "ha") == 0)
			log_error("  High Availability of the Presence Redundancy "
			    "Group %s is OFF: turn it on (CUCM Administration > "
			    "System > Presence Redundancy Group)", grp ? grp : "?");
		else
			log_error("  %s on %s is %s: start it (utils service "
			    "start %s)", svc ? svc : "?", node ? node : "?",
			    st ? st : "?", svc ? svc : "?");
	}
	log_error("the journal in %s says what is left: make the above safe, "
	    "then run the same command again to finish", state_dir);
}

struct regen_hooks {
	const struct site *site;
	struct hook_env env;
	char units[512], nodes[2048];
};

static int
regen_hook(struct regen_hooks *h, const char *name, const char *path,
    const char *result, int exit_code)
{
	h->env.result = result;
	h->env.exit_code = exit_code;
	return hook_run(name, path, h->site->hooks.timeout, &h->env);
}

static int
regen_run(struct cmd_ctx *ctx, const struct regen_opts *o)
{
	const char *command = o->prune ? "prune-trust" : o->renew ? "renew" :
	    "regen";
	/* A renew is a regen of what is due: one journal kind for both. */
	const char *jcommand = o->prune ? "prune-trust" : "regen";
	const struct site *site = ctx->site;
	struct plan_request rq;
	const char *groups[16];
	struct exec_opts eo;
	struct journal *j = NULL;
	struct lock *lock = NULL;
	struct progress *prog = NULL;
	struct regen_hooks hk;
	struct runtime rt;
	struct plan p;
	char why[1024], started[32], report_path[4096];
	json_t *report, *pj;
	int ret, r, resume = 0, axl_up = 0, locked = 0;
	unsigned what, due = 0;

	memset(&p, 0, sizeof p);
	memset(&hk, 0, sizeof hk);
	hk.site = site;
	hk.env.site = site->name;
	hk.env.command = command;
	hk.env.state_dir = site->state_dir;
	hk.env.log_dir = site->log_dir;
	hk.env.export_dir = site->export_dir;
	hk.env.units = hk.units;
	hk.env.nodes = hk.nodes;
	if (o->report != NULL)
		snprintf(report_path, sizeof report_path, "%s", o->report);
	else
		snprintf(report_path, sizeof report_path, "%s/report.json",
		    site->state_dir);
	if (o->renew && !o->no_delay && !o->dry_run)
		regen_random_delay(site->renew.random_delay);
	memset(&rt, 0, sizeof rt);
	/* The lock first: a run that finds it held leaves nothing behind. */
	if (runtime_mkdirs(site->state_dir, 0700) != 0) {
		log_error("cannot make the state directory %s: %s",
		    site->state_dir, strerror(errno));
		ret = EXIT_FAIL;
		goto out;
	}
	if ((r = lock_take(site->state_dir, command, o->wait, &lock, why,
	    sizeof why)) != 0) {
		if (r == ERR_LOCKED) {
			log_error("another run holds the lock %s/lock: %s",
			    site->state_dir, why);
			ret = EXIT_LOCKED;
		} else {
			log_error("%s", why);
			ret = EXIT_FAIL;
		}
		goto out;
	}
	locked = 1;
	if ((ret = runtime_begin(ctx, &rt)) != EXIT_DONE)
		goto out;
	hk.env.run = rt.run_id;
	hk.env.transcripts = rt.tdir;
	if (journal_open(site->state_dir, &j, why, sizeof why) != 0) {
		log_error("%s", why);
		ret = EXIT_FAIL;
		goto out;
	}
	if (journal_pending(j)) {
		if (strcmp(journal_command(j), jcommand) != 0) {
			log_error("refused: an interrupted %s run (%s) is pending; "
			    "run certregen %s to finish it first",
			    journal_command(j), journal_run_id(j),
			    journal_command(j));
			ret = EXIT_REFUSED;
			goto out;
		}
		resume = 1;
		if (o->dry_run)
			log_notice("dry run: an interrupted %s run %s is "
			    "pending; it is not resumed", jcommand,
			    journal_run_id(j));
		else
			log_notice("resuming the interrupted %s run %s",
			    jcommand, journal_run_id(j));
	}
	if (inventory_discover(&rt.pool, &rt.facts, why, sizeof why) != 0) {
		log_error("discovery failed: %s", why);
		ret = EXIT_FAIL;
		goto out;
	}
	what = INV_CERTS | INV_SERVICES | INV_VERSION | INV_HA;
	/* A regen ends by checking every node's ipsec-trust: a trust store
	 * that cannot be read refuses the run before anything changes. */
	if (o->prune && !resume)
		what |= INV_TRUST;
	else if (!resume)
		what |= INV_TRUST_LIST;
	inventory_collect(&rt.pool, &rt.facts, what);

	memset(&rq, 0, sizeof rq);
	rq.units = o->units ? o->units : site->units;
	if (o->renew && !resume) {
		if (regen_due(&rt.facts, rq.units, o->days ? o->days :
		    site->renew.threshold_days, &due, why, sizeof why) != 0) {
			log_error("renew: %s", why);
			ret = EXIT_FAIL;
			goto out;
		}
		/* Quiet when nothing is due: cron mails nothing. */
		if (due == 0) {
			ret = EXIT_NOTHING_DUE;
			goto out;
		}
		rq.units = due;
	}
	rq.nodes = o->nnodes ? o->nodes : NULL;
	rq.nnodes = o->nnodes;
	rq.force_ca_signed = o->force_ca;
	rq.ha_groups = (const char *const *)site->axl.groups;
	rq.nha_groups = site->axl.ngroups;
	if (rq.nha_groups == 0) {
		rq.nha_groups = inventory_ha_groups(&rt.facts, groups, 16);
		rq.ha_groups = groups;
	}
	if (resume)
		r = plan_from_json(&rt.facts, journal_plan(j), &p, why,
		    sizeof why);
	else if (o->prune)
		r = plan_prune(&rt.facts, &rq, time(NULL), &p, why, sizeof why);
	else
		r = plan_regen(&rt.facts, &rq, &p, why, sizeof why);
	if (r != 0) {
		log_error("cannot plan: %s", why);
		ret = EXIT_FAIL;
		goto out;
	}
	regen_plan_text(&rt.facts, &p, -1, hk.nodes, sizeof hk.nodes,
	    hk.units, sizeof hk.units);
	if (resume && o->dry_run) {
		regen_dry_resume(&rt.facts, &p, j, command);
		log_notice("dry run: nothing was changed");
		ret = EXIT_DONE;
		goto out;
	}
	if (!resume && p.n == 0) {
		if (o->renew) {
			ret = EXIT_NOTHING_DUE;
			goto out;
		}
		plan_print(&rt.facts, &p, stdout);
		log_notice("%s: nothing to do", command);
		ret = EXIT_DONE;
		goto out;
	}
	if (!resume) {
		if ((ret = regen_checks(ctx, o, &rt.facts, &p)) != EXIT_DONE)
			goto out;
		printf("certregen %s on %s:\n", command, site->name);
		plan_print(&rt.facts, &p, stdout);
		fflush(stdout);
		if (o->dry_run) {
			log_notice("dry run: nothing was changed");
			ret = EXIT_DONE;
			goto out;
		}
		if ((ret = regen_confirm(o, &rt.facts, &p)) != EXIT_DONE)
			goto out;
	} else if (!regen_in_window(site, why, sizeof why)) {
		log_error("refused: %s (the interrupted run waits)", why);
		ret = EXIT_REFUSED;
		goto out;
	}
	hk.env.report = "";
	if (regen_hook(&hk, "pre", site->hooks.pre, "planned", EXIT_DONE) != 0) {
		log_error("the pre hook failed; nothing was changed");
		ret = EXIT_FAIL;
		goto out;
	}
	/* From here a signal stops the run the safe way (exec_run). */
	if (runtime_catch_signals() != 0)
		log_warn("cannot catch SIGTERM and SIGINT: a signal would stop "
		    "certregen without making the cluster safe");
	if (!resume) {
		json_t *req = regen_request_json(o);

		json_object_set_new(req, "renew", json_boolean(o->renew));
		pj = plan_json(&rt.facts, &p);
		r = journal_begin_run(j, rt.run_id, jcommand, req,
		    json_incref(json_object_get(pj, "steps")));
		json_decref(pj);
		if (r != 0) {
			log_error("cannot write the journal in %s",
			    site->state_dir);
			ret = EXIT_FAIL;
			goto out;
		}
	}
	hk.env.run = journal_run_id(j);
	if (p.ha_touched) {
		if (axl_global_init() != 0) {
			log_error("cannot initialise libcurl");
			ret = EXIT_FAIL;
			goto out;
		}
		axl_up = 1;
	}
	report = json_object();
	output_time(time(NULL), started, sizeof started);
	json_object_set_new(report, "version", json_integer(REPORT_VERSION));
	json_object_set_new(report, "site", output_jstr(site->name));
	json_object_set_new(report, "command", json_string(command));
	json_object_set_new(report, "run", output_jstr(journal_run_id(j)));
	json_object_set_new(report, "resumed", json_boolean(resume));
	json_object_set_new(report, "started", json_string(started));
	pj = plan_json(&rt.facts, &p);
	json_object_set_new(report, "skipped", json_incref(json_object_get(pj,
	    "skipped")));
	json_decref(pj);
	memset(&eo, 0, sizeof eo);
	eo.command = jcommand;
	eo.resume = resume;
	eo.run_id = journal_run_id(j);
	prog = progress_new(&rt.facts, &p);
	progress_attach(prog, &eo);
	r = exec_run(&rt, j, &p, &eo, report);
	progress_free(prog);
	prog = NULL;
	output_time(time(NULL), started, sizeof started);
	json_object_set_new(report, "ended", json_string(started));
	json_object_set_new(report, "result", json_string(r == 0 ? "done" :
	    "failed"));
	if (r == 0) {
		if (journal_end_run(j, "done") != 0)
			log_warn("cannot close the journal in %s", site->state_dir);
		log_notice("%s done: %zu steps, verified", command, p.n);
		ret = EXIT_DONE;
	} else {
		regen_say_failed(command, r, report, site->state_dir);
		ret = EXIT_FAIL;
	}
	if (regen_write_report(report_path, report) != 0 && ret == EXIT_DONE)
		ret = EXIT_FAIL;
	json_decref(report);
	hk.env.report = report_path;
	if (ret == EXIT_DONE && !o->prune) {
		struct regen_hooks one = hk;
		int u;

		/* One deploy a unit, told which nodes hold its new certificate. */
		for (u = 0; u < UNIT_COUNT; u++) {
			if (!(p.units & UNIT_BIT(u)) || site->hooks.deploy == NULL)
				continue;
			one.env.units = unit_name(u);
			one.env.nodes = one.nodes;
			regen_plan_text(&rt.facts, &p, u, one.nodes,
			    sizeof one.nodes, NULL, 0);
			if (regen_hook(&one, "deploy", site->hooks.deploy, "done",
			    ret) != 0)
				ret = EXIT_FAIL;
		}
	}
	if (regen_hook(&hk, "post", site->hooks.post, r == 0 ? "done" :
	    "failed", ret) != 0 && ret == EXIT_DONE)
		ret = EXIT_FAIL;
out:
	runtime_release_signals();
	if (locked && ret == EXIT_FAIL) {
		if (hk.env.report == NULL)
			hk.env.report = "";
		(void)regen_hook(&hk, "failure", site->hooks.failure, "failed",
		    ret);
	}
	progress_free(prog);
	plan_clear(&p);
	journal_free(j);
	runtime_end(&rt);
	if (axl_up)
		axl_global_exit();
	lock_free(lock);
	return ret;
}

/* --wait[=SECONDS]: 0 = do not wait (no option), -1 = as long as it takes. */
static int
regen_parse_wait(const char *arg, int *out)
{
	char *end;
	long v;

	if (arg == NULL) {
		*out = -1;
		return 0;
	}
	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < 1 || v > 86400) {
		log_error("--wait=%s: expected seconds, 1..86400", arg);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static int
regen_parse(struct cmd_ctx *ctx, const struct cmd_entry *e,
    struct regen_opts *o)
{
	static const struct option longopts[] = {
		{ "cert", required_argument, NULL, 'C' },
		{ "node", required_argument, NULL, 'N' },
		{ "yes", no_argument, NULL, 'y' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "force-ca-signed", no_argument, NULL, 'F' },
		{ "ack-sso", no_argument, NULL, 'S' },
		{ "report", required_argument, NULL, 'r' },
		{ "wait", optional_argument, NULL, 'W' },
		{ "no-delay", no_argument, NULL, 'D' },
		{ "days", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	long v;
	int ch, u;

	while ((ch = getopt_long(ctx->argc, ctx->argv, "ynr:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'C':
			if (o->prune)
				return cmd_usage(e);
			if ((u = unit_from_name(optarg)) < 0) {
				log_error("--cert %s: unknown unit (cup, cup-xmpp, "
				    "cup-xmpp-s2s, ipsec, tomcat, or an -ECDSA "
				    "form)", optarg);
				return EXIT_USAGE;
			}
			o->units |= UNIT_BIT(u);
			break;
		case 'N':
			/* renew changes a unit on every node or not at all. */
			if (o->renew ||
			    o->nnodes >= sizeof o->nodes / sizeof o->nodes[0])
				return cmd_usage(e);
			o->nodes[o->nnodes++] = optarg;
			break;
		case 'y':
			o->yes++;
			break;
		case 'n':
			o->dry_run = 1;
			break;
		case 'F':
			if (o->renew)
				return cmd_usage(e);
			o->force_ca = 1;
			break;
		case 'S':
			o->ack_sso = 1;
			break;
		case 'r':
			o->report = optarg;
			break;
		case 'W':
			if (regen_parse_wait(optarg, &o->wait) != 0)
				return EXIT_USAGE;
			break;
		case 'D':
			if (!o->renew)
				return cmd_usage(e);
			o->no_delay = 1;
			break;
		case 'd':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (!o->renew || errno != 0 || end == optarg ||
			    *end != '\0' || v < 1 || v > 3650) {
				if (o->renew)
					log_error("--days %s: expected 1..3650",
					    optarg);
				return o->renew ? EXIT_USAGE : cmd_usage(e);
			}
			o->days = (int)v;
			break;
		default:
			return cmd_usage(e);
		}
	}
	if (optind != ctx->argc)
		return cmd_usage(e);
	/* renew runs unattended: what is due is what it was asked to do. */
	if (o->renew && o->yes == 0)
		o->yes = 1;
	return EXIT_DONE;
}

/* The three commands: one option parser and one run, told apart by o. */
static int
regen_exec(struct cmd_ctx *ctx, const struct cmd_entry *entry, int renew,
    int prune)
{
	struct regen_opts o;
	int r;

	memset(&o, 0, sizeof o);
	o.renew = renew;
	o.prune = prune;
	if ((r = regen_parse(ctx, entry, &o)) != EXIT_DONE)
		return r;
	return regen_run(ctx, &o);
}

static int
cmd_regen_exec(struct cmd_ctx *ctx)
{
	return regen_exec(ctx, &cmd_regen_entry, 0, 0);
}

static int
cmd_renew_exec(struct cmd_ctx *ctx)
{
	return regen_exec(ctx, &cmd_renew_entry, 1, 0);
}

static int
cmd_prune_exec(struct cmd_ctx *ctx)
{
	return regen_exec(ctx, &cmd_prune_entry, 0, 1);
}

const struct cmd_entry cmd_regen_entry = {
	.name = "regen",
	.usage = "[--cert UNIT]... [--node NODE]... [--yes] [--dry-run] "
	    "[--force-ca-signed] [--ack-sso] [--report FILE] [--wait[=SEC]]",
	.summary = "regenerate self-signed identity certificates, restart, verify",
	.flags = CMD_NEEDS_SITE | CMD_MUTATING,
	.exec = cmd_regen_exec,
};

const struct cmd_entry cmd_prune_entry = {
	.name = "prune-trust",
	.usage = "[--node NODE]... [--yes] [--dry-run] [--report FILE] "
	    "[--wait[=SEC]]",
	.summary = "delete expired trust certificates, the TechNote's way",
	.flags = CMD_NEEDS_SITE | CMD_MUTATING,
	.exec = cmd_prune_exec,
};

const struct cmd_entry cmd_renew_entry = {
	.name = "renew",
	.usage = "[--cert UNIT]... [--days N] [--no-delay] [--dry-run] "
	    "[--ack-sso] [--report FILE] [--wait[=SEC]]",
	.summary = "regenerate what expires within the threshold (cron, timers)",
	.flags = CMD_NEEDS_SITE | CMD_MUTATING,
	.exec = cmd_renew_exec,
};

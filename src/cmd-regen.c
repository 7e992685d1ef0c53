/*
 * cmd-regen: regen and prune-trust.  Both discover and inventory the
 * cluster, plan, check the safety rules (window, SSO, HA without AXL,
 * unreachable nodes, CA-signed), ask, journal the plan, carry it out,
 * verify, and report.  A pending journal of the same command is resumed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "axl.h"
#include "cmd.h"
#include "conf.h"
#include "err.h"
#include "exec.h"
#include "inventory.h"
#include "journal.h"
#include "log.h"
#include "output.h"
#include "plan.h"
#include "plan-json.h"
#include "runtime.h"
#include "unit.h"
#include "window.h"

#define REPORT_VERSION 1

struct regen_opts {
	int prune;
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

/* The per-site lock, held for the whole run. */
static int
regen_lock(const struct site *site, int *fd)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/lock", site->state_dir);
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (*fd == -1) {
		log_error("cannot open %s: %s", path, strerror(errno));
		return EXIT_FAIL;
	}
	if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
		char holder[64] = "";
		ssize_t n = pread(*fd, holder, sizeof holder - 1, 0);

		if (n > 0)
			holder[n] = '\0';
		holder[strcspn(holder, "\n")] = '\0';
		log_error("another run holds the lock %s (pid %s)", path,
		    holder[0] ? holder : "unknown");
		return EXIT_LOCKED;
	}
	if (ftruncate(*fd, 0) == 0) {
		char pid[32];
		int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());

		if (pwrite(*fd, pid, (size_t)n, 0) != n)
			log_debug("cannot write the pid into the lock file");
	}
	return EXIT_DONE;
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
			log_error("refused: %s is unreachable (%s); a cluster is "
			    "changed whole or not at all (--node limits a run)",
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

static int
regen_run(struct cmd_ctx *ctx, const struct regen_opts *o)
{
	const char *command = o->prune ? "prune-trust" : "regen";
	const struct site *site = ctx->site;
	struct plan_request rq;
	const char *groups[16];
	struct exec_opts eo;
	struct journal *j = NULL;
	struct runtime rt;
	struct plan p;
	char why[1024], started[32];
	json_t *report, *pj;
	int ret, lockfd = -1, r, resume = 0, axl_up = 0;
	unsigned what;

	memset(&p, 0, sizeof p);
	if ((ret = runtime_begin(ctx, &rt)) != EXIT_DONE)
		goto out;
	if ((ret = regen_lock(site, &lockfd)) != EXIT_DONE)
		goto out;
	if (journal_open(site->state_dir, &j, why, sizeof why) != 0) {
		log_error("%s", why);
		ret = EXIT_FAIL;
		goto out;
	}
	if (journal_pending(j)) {
		if (strcmp(journal_command(j), command) != 0) {
			log_error("refused: an interrupted %s run (%s) is pending; "
			    "run certregen %s to finish it first",
			    journal_command(j), journal_run_id(j),
			    journal_command(j));
			ret = EXIT_REFUSED;
			goto out;
		}
		resume = 1;
		log_notice("resuming the interrupted %s run %s", command,
		    journal_run_id(j));
	}
	if (inventory_discover(&rt.pool, &rt.facts, why, sizeof why) != 0) {
		log_error("discovery failed: %s", why);
		ret = EXIT_FAIL;
		goto out;
	}
	what = INV_CERTS | INV_SERVICES | INV_VERSION | INV_HA;
	if (o->prune && !resume)
		what |= INV_TRUST;
	inventory_collect(&rt.pool, &rt.facts, what);

	memset(&rq, 0, sizeof rq);
	rq.units = o->units ? o->units : site->units;
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
	if (!resume && p.n == 0) {
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
		pj = plan_json(&rt.facts, &p);
		r = journal_begin_run(j, rt.run_id, command,
		    regen_request_json(o), json_incref(json_object_get(pj,
		    "steps")));
		json_decref(pj);
		if (r != 0) {
			log_error("cannot write the journal in %s",
			    site->state_dir);
			ret = EXIT_FAIL;
			goto out;
		}
	} else if (!regen_in_window(site, why, sizeof why)) {
		log_error("refused: %s (the interrupted run waits)", why);
		ret = EXIT_REFUSED;
		goto out;
	}
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
	eo.command = command;
	eo.resume = resume;
	eo.run_id = journal_run_id(j);
	r = exec_run(&rt, j, &p, &eo, report);
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
		log_error("%s stopped: %s; the cluster was left safe and the "
		    "journal in %s says what is left: run the same command "
		    "again to finish", command, err_str(r), site->state_dir);
		ret = EXIT_FAIL;
	}
	if (regen_write_report(o->report, report) != 0 && ret == EXIT_DONE)
		ret = EXIT_FAIL;
	json_decref(report);
out:
	plan_clear(&p);
	journal_free(j);
	runtime_end(&rt);
	if (axl_up)
		axl_global_exit();
	if (lockfd != -1)
		close(lockfd);
	return ret;
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
		{ NULL, 0, NULL, 0 },
	};
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
			if (o->nnodes >= sizeof o->nodes / sizeof o->nodes[0])
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
			o->force_ca = 1;
			break;
		case 'S':
			o->ack_sso = 1;
			break;
		case 'r':
			o->report = optarg;
			break;
		default:
			return cmd_usage(e);
		}
	}
	if (optind != ctx->argc)
		return cmd_usage(e);
	return EXIT_DONE;
}

static int
cmd_regen_exec(struct cmd_ctx *ctx)
{
	struct regen_opts o;
	int r;

	memset(&o, 0, sizeof o);
	if ((r = regen_parse(ctx, &cmd_regen_entry, &o)) != EXIT_DONE)
		return r;
	return regen_run(ctx, &o);
}

static int
cmd_prune_exec(struct cmd_ctx *ctx)
{
	struct regen_opts o;
	int r;

	memset(&o, 0, sizeof o);
	o.prune = 1;
	if ((r = regen_parse(ctx, &cmd_prune_entry, &o)) != EXIT_DONE)
		return r;
	return regen_run(ctx, &o);
}

const struct cmd_entry cmd_regen_entry = {
	.name = "regen",
	.usage = "[--cert UNIT]... [--node NODE]... [--yes] [--dry-run] "
	    "[--force-ca-signed] [--ack-sso] [--report FILE]",
	.summary = "regenerate self-signed identity certificates, restart, verify",
	.flags = CMD_NEEDS_SITE,
	.exec = cmd_regen_exec,
};

const struct cmd_entry cmd_prune_entry = {
	.name = "prune-trust",
	.usage = "[--node NODE]... [--yes] [--dry-run] [--report FILE]",
	.summary = "delete expired trust certificates, the TechNote's way",
	.flags = CMD_NEEDS_SITE,
	.exec = cmd_prune_exec,
};

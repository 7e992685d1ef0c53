/*
 * cmd-check: a monitoring plugin (Nagios, Icinga, Checkmk): reads every
 * IM/P node's identity certificates, read-only, and says how close the
 * nearest expiry is with the plugin exit codes and perfdata; optionally
 * writes a Prometheus textfile-collector file.  No lock: it changes nothing.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "conf.h"
#include "err.h"
#include "facts.h"
#include "inventory.h"
#include "journal.h"
#include "log.h"
#include "runtime.h"
#include "unit.h"

#define CHECK_OUT_MAX (1024 * 1024)

struct check_opts {
	int warn, crit;            /* days */
	const char *prometheus;    /* textfile-collector file, or NULL */
};

static const char *const check_names[] = { "OK", "WARNING", "CRITICAL",
	"UNKNOWN" };

/* Worse of two plugin states: CRITICAL, then UNKNOWN, then WARNING. */
static int
check_worse(int a, int b)
{
	static const int rank[] = { 0, 1, 3, 2 };

	return rank[b] > rank[a] ? b : a;
}

static int
check_days_arg(const char *opt, const char *arg, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < 0 || v > 3650) {
		log_error("%s %s: expected days, 0..3650", opt, arg);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* A Prometheus label value: backslash, quote and newline escaped. */
static void
check_prom_label(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			buf_addf(b, "\\%c", *s);
		else if (*s == '\n')
			buf_addstr(b, "\\n");
		else
			buf_add(b, s, 1);
	}
}

static void
check_prom_series(struct buf *b, const char *metric, const char *site,
    const char *node, const char *unit)
{
	buf_addf(b, "%s{site=\"", metric);
	check_prom_label(b, site);
	if (node != NULL) {
		buf_addstr(b, "\",node=\"");
		check_prom_label(b, node);
		buf_addstr(b, "\",unit=\"");
		check_prom_label(b, unit);
	}
	buf_addstr(b, "\"} ");
}

/* Write text to path atomically (a temporary file in the same directory,
 * fsync, rename): the collector never reads half a file.  0 or ERR_IO. */
static int
check_write_atomic(const char *path, const struct buf *text)
{
	char tmp[4096];
	int fd, ok;

	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0644);
	if (fd == -1) {
		log_error("cannot write %s: %s", tmp, strerror(errno));
		return ERR_IO;
	}
	ok = write(fd, text->data ? text->data : "", text->len) ==
	    (ssize_t)text->len && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		log_error("cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return ERR_IO;
	}
	return 0;
}

static int
check_run(struct cmd_ctx *ctx, const struct check_opts *o)
{
	const struct site *site = ctx->site;
	struct buf perf, lines, prom, worst;
	struct journal *j = NULL;
	struct runtime rt;
	char why[1024];
	long soonest = 0;
	size_t i, ncerts = 0;
	int state = EXIT_CHECK_OK, ret, u, have_soonest = 0;

	buf_init(&perf, CHECK_OUT_MAX);
	buf_init(&lines, CHECK_OUT_MAX);
	buf_init(&prom, CHECK_OUT_MAX);
	buf_init(&worst, 4096);
	if ((ret = runtime_begin(ctx, &rt)) != EXIT_DONE) {
		printf("CERTREGEN UNKNOWN - %s: cannot start (see the log)\n",
		    site->name);
		state = EXIT_CHECK_UNKNOWN;
		goto out;
	}
	if (inventory_discover(&rt.pool, &rt.facts, why, sizeof why) != 0) {
		printf("CERTREGEN UNKNOWN - %s: discovery failed: %s\n",
		    site->name, why);
		state = EXIT_CHECK_UNKNOWN;
		goto prom;
	}
	inventory_collect(&rt.pool, &rt.facts, INV_CERTS);
	buf_addstr(&prom, "# HELP certregen_cert_expiry_seconds notAfter of an "
	    "identity certificate, in seconds since the epoch.\n"
	    "# TYPE certregen_cert_expiry_seconds gauge\n");
	for (i = 0; i < rt.facts.n; i++) {
		const struct fact_node *nd = &rt.facts.nodes[i];

		if (nd->product != PRODUCT_IMP)
			continue;
		if (!nd->reachable) {
			state = check_worse(state, EXIT_CHECK_UNKNOWN);
			buf_addf(&lines, "%s: unreachable: %s\n", nd->name,
			    nd->error);
			if (worst.len == 0)
				buf_addf(&worst, "%s is unreachable", nd->name);
			continue;
		}
		for (u = 0; u < UNIT_COUNT; u++) {
			const struct fact_unit *fu = &nd->units[u];
			long left, days;
			int st = EXIT_CHECK_OK;

			if (!(site->units & UNIT_BIT(u)) || !fu->present)
				continue;
			if (!fu->have_cert) {
				state = check_worse(state, EXIT_CHECK_UNKNOWN);
				buf_addf(&lines, "%s %s: certificate not read\n",
				    nd->name, unit_name(u));
				continue;
			}
			ncerts++;
			left = (long)(fu->cert.not_after - rt.facts.now);
			days = cert_days_left(&fu->cert, rt.facts.now);
			if (left <= (long)o->crit * 86400)
				st = EXIT_CHECK_CRITICAL;
			else if (left <= (long)o->warn * 86400)
				st = EXIT_CHECK_WARNING;
			if (!have_soonest || days < soonest) {
				have_soonest = 1;
				soonest = days;
				buf_reset(&worst);
				buf_addf(&worst, "%s on %s %s %ld days",
				    unit_name(u), nd->name, days < 0 ?
				    "expired" : "expires in", days < 0 ? -days :
				    days);
			}
			state = check_worse(state, st);
			buf_addf(&perf, " '%s_%s'=%ldd;%d;%d", nd->name,
			    unit_name(u), days, o->warn, o->crit);
			buf_addf(&lines, "%s %s: %s, %ld days left (%s)\n",
			    nd->name, unit_name(u), check_names[st], days,
			    fu->ca_signed ? "CA-signed: renew it with the CA" :
			    "self-signed");
			check_prom_series(&prom, "certregen_cert_expiry_seconds",
			    site->name, nd->name, unit_name(u));
			buf_addf(&prom, "%lld\n", (long long)fu->cert.not_after);
		}
	}
	/* A run stopped half-way left the cluster safe but not finished. */
	if (journal_open(site->state_dir, &j, why, sizeof why) != 0) {
		state = check_worse(state, EXIT_CHECK_UNKNOWN);
		buf_addf(&lines, "journal: %s\n", why);
	} else if (journal_pending(j)) {
		int before = state;

		state = check_worse(state, EXIT_CHECK_WARNING);
		buf_addf(&lines, "an interrupted %s run (%s) is pending: run "
		    "certregen %s again to finish it\n", journal_command(j),
		    journal_run_id(j), journal_command(j));
		/* The headline, unless a certificate is worse already. */
		if (before == EXIT_CHECK_OK) {
			buf_reset(&worst);
			buf_addf(&worst, "an interrupted %s run is pending",
			    journal_command(j));
		}
	}
	journal_free(j);
	if (ncerts == 0 && state == EXIT_CHECK_OK) {
		state = EXIT_CHECK_UNKNOWN;
		buf_addstr(&worst, "no identity certificate found");
	}
	printf("CERTREGEN %s - %s: %s; %zu certificate%s checked "
	    "(warning %d, critical %d days) |%s\n%s", check_names[state],
	    site->name, worst.len ? buf_str(&worst) : "nothing found", ncerts,
	    ncerts == 1 ? "" : "s", o->warn, o->crit, buf_str(&perf),
	    buf_str(&lines));
prom:
	if (o->prometheus != NULL) {
		buf_addstr(&prom, "# HELP certregen_check_status The check's "
		    "plugin state: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n"
		    "# TYPE certregen_check_status gauge\n");
		check_prom_series(&prom, "certregen_check_status", site->name,
		    NULL, NULL);
		buf_addf(&prom, "%d\n", state);
		buf_addstr(&prom, "# HELP certregen_check_timestamp_seconds When "
		    "the check ran.\n"
		    "# TYPE certregen_check_timestamp_seconds gauge\n");
		check_prom_series(&prom, "certregen_check_timestamp_seconds",
		    site->name, NULL, NULL);
		buf_addf(&prom, "%lld\n", (long long)time(NULL));
		if (check_write_atomic(o->prometheus, &prom) != 0)
			state = EXIT_CHECK_UNKNOWN;
	}
out:
	fflush(stdout);
	runtime_end(&rt);
	buf_clear(&perf);
	buf_clear(&lines);
	buf_clear(&prom);
	buf_clear(&worst);
	return state;
}

static int
cmd_check_exec(struct cmd_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "warning", required_argument, NULL, 'w' },
		{ "critical", required_argument, NULL, 'c' },
		{ "prometheus", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct check_opts o;
	int ch;

	memset(&o, 0, sizeof o);
	o.warn = ctx->site->renew.threshold_days;
	o.crit = 7;
	while ((ch = getopt_long(ctx->argc, ctx->argv, "w:c:p:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'w':
			if (check_days_arg("-w", optarg, &o.warn) != 0)
				return EXIT_CHECK_UNKNOWN;
			break;
		case 'c':
			if (check_days_arg("-c", optarg, &o.crit) != 0)
				return EXIT_CHECK_UNKNOWN;
			break;
		case 'p':
			o.prometheus = optarg;
			break;
		default:
			cmd_usage(&cmd_check_entry);
			return EXIT_CHECK_UNKNOWN;
		}
	}
	if (optind != ctx->argc) {
		cmd_usage(&cmd_check_entry);
		return EXIT_CHECK_UNKNOWN;
	}
	if (o.crit > o.warn) {
		log_error("-c %d is more than -w %d: the critical threshold must "
		    "be the nearer one", o.crit, o.warn);
		return EXIT_CHECK_UNKNOWN;
	}
	return check_run(ctx, &o);
}

const struct cmd_entry cmd_check_entry = {
	.name = "check",
	.usage = "[-w DAYS] [-c DAYS] [--prometheus FILE]",
	.summary = "monitoring plugin: days left per certificate (read-only)",
	.flags = CMD_NEEDS_SITE | CMD_NAGIOS,
	.exec = cmd_check_exec,
};

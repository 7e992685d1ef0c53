/*
 * main: global options, the site file, and dispatch to a subcommand.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "err.h"
#include "log.h"
#include "runtime.h"

static void
main_usage(FILE *fp)
{
	size_t i;

	fprintf(fp,
	    "usage: certregen [-qv] [-c SITE.conf] COMMAND [ARGS]\n"
	    "       certregen --help | --version\n"
	    "\n"
	    "Regenerates the self-signed identity certificates of a Cisco "
	    "Unified CM\nIM and Presence cluster over the platform CLI.\n"
	    "\n"
	    "Options:\n"
	    "  -c, --config FILE  the site file (or $CERTREGEN_CONFIG)\n"
	    "  -v, --verbose      more messages (repeat for debug)\n"
	    "  -q, --quiet        errors only\n"
	    "  -h, --help         this text\n"
	    "  -V, --version      the version\n"
	    "\n"
	    "Commands:\n");
	for (i = 0; cmd_table[i] != NULL; i++)
		fprintf(fp, "  %-12s %s\n", cmd_table[i]->name,
		    cmd_table[i]->summary);
	fprintf(fp,
	    "\n"
	    "Exit status: 0 done, 1 failure, 2 usage or configuration error,\n"
	    "3 refused by a safety rule, 4 another run holds the lock,\n"
	    "5 nothing due (renew); check: 0 OK, 1 WARNING, 2 CRITICAL,\n"
	    "3 UNKNOWN.\n");
}

/* The site's log settings: syslog, the log file (reopened on SIGHUP). */
static int
main_open_logs(const struct site *site)
{
	if (site->log.syslog &&
	    log_open_syslog(site->log.ident, site->log.facility) != 0) {
		log_error("cannot open syslog (log.facility %s)",
		    site->log.facility);
		return EXIT_FAIL;
	}
	if (site->log.file != NULL) {
		char dir[4096], *slash;

		snprintf(dir, sizeof dir, "%s", site->log.file);
		if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
			*slash = '\0';
			(void)runtime_mkdirs(dir, 0750);
		}
		if (log_open_file(site->log.file) != 0) {
			log_error("cannot open the log file %s: %s",
			    site->log.file, strerror(errno));
			return EXIT_FAIL;
		}
		if (log_catch_hup() != 0)
			log_warn("cannot catch SIGHUP: the log file will not be "
			    "reopened after rotation");
	}
	return EXIT_DONE;
}

static void
main_version(void)
{
	printf("certregen %s\n", PACKAGE_VERSION);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_entry *e;
	struct conf_errors errs;
	struct cmd_ctx ctx;
	int ch, verbose = 0, quiet = 0, r, ret;

	setlocale(LC_CTYPE, "");
	log_set_progname(argc > 0 ? argv[0] : "certregen");
	/* A closed SSH socket must give EPIPE, not kill the run. */
	signal(SIGPIPE, SIG_IGN);

	memset(&ctx, 0, sizeof ctx);
	ctx.conf_path = getenv("CERTREGEN_CONFIG");
	/* '+': stop at the command name; its options are its own. */
	while ((ch = getopt_long(argc, argv, "+c:vqhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			ctx.conf_path = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			main_usage(stdout);
			return EXIT_DONE;
		case 'V':
			main_version();
			return EXIT_DONE;
		default:
			main_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (quiet)
		log_set_level(LOG_LVL_ERROR);
	else if (verbose)
		log_set_level(verbose > 1 ? LOG_LVL_DEBUG : LOG_LVL_INFO);

	if (optind >= argc) {
		main_usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[optind], "help") == 0) {
		main_usage(stdout);
		return EXIT_DONE;
	}
	if (strcmp(argv[optind], "version") == 0) {
		main_version();
		return EXIT_DONE;
	}
	if ((e = cmd_find(argv[optind])) == NULL) {
		log_error("unknown command '%s' (certregen --help lists them)",
		    argv[optind]);
		return EXIT_USAGE;
	}
	ctx.argc = argc - optind;
	ctx.argv = argv + optind;

	if (e->flags & CMD_NEEDS_SITE) {
		if (ctx.conf_path == NULL) {
			log_error("%s needs a site file: certregen -c SITE.conf %s",
			    e->name, e->name);
			return e->flags & CMD_NAGIOS ? EXIT_CHECK_UNKNOWN :
			    EXIT_USAGE;
		}
		r = conf_load(ctx.conf_path, &ctx.site, &errs);
		if (r != 0) {
			conf_errors_print(&errs, stderr);
			if (r == ERR_NOMEM)
				log_error("%s: %s", ctx.conf_path, err_str(r));
			else
				log_error("%s: %zu error%s; nothing was done",
				    ctx.conf_path, errs.n, errs.n == 1 ? "" : "s");
			conf_errors_clear(&errs);
			return e->flags & CMD_NAGIOS ? EXIT_CHECK_UNKNOWN :
			    EXIT_USAGE;
		}
		if (!quiet && !verbose) {
			int lvl = log_level_parse(ctx.site->log.level);

			if (lvl >= 0)
				log_set_level((enum log_level)lvl);
		}
		/* config only prints the file: it logs nowhere else. */
		if (e != &cmd_config_entry &&
		    (ret = main_open_logs(ctx.site)) != EXIT_DONE) {
			site_free(ctx.site);
			log_close();
			return e->flags & CMD_NAGIOS ? EXIT_CHECK_UNKNOWN : ret;
		}
	}
	/* Cron and systemd read the lines later: say when each happened. */
	if ((e->flags & CMD_MUTATING) && !isatty(STDERR_FILENO))
		log_set_timestamps(1);
	/* Subcommands parse their own options from argv[0] on. */
	optind = 0;
	ret = e->exec(&ctx);
	site_free(ctx.site);
	log_close();
	return ret;
}

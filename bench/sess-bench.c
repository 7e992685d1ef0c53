/*
 * sess-bench: how long certregen takes to open N CLI sessions at once
 * (SSH, host key, password, PTY, the login dialog up to the first prompt,
 * pagination off), through the real pool_open() of src/inventory.c.
 *
 *     sess-bench SITE.conf REPEAT HOST...
 *
 * Opens one session per HOST (port ssh.port of the site file, at most
 * ssh.parallel at once), closes them, REPEAT times; prints one line
 *     sessions N repeat R min_ms M median_ms M max_ms M
 * Exit 0, or 1 when a session could not be opened.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "dialog.h"
#include "facts.h"
#include "inventory.h"
#include "log.h"
#include "runtime.h"
#include "ssh.h"

static double
sess_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int
sess_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One round: open every host's session in parallel, then close them. */
static int
sess_round(const struct site *site, const struct dialog_set *ds,
    char **hosts, size_t n, double *ms)
{
	struct facts f;
	struct pool p;
	size_t i, bad;
	double t0;

	memset(&f, 0, sizeof f);
	if ((f.nodes = calloc(n, sizeof *f.nodes)) == NULL)
		return -1;
	f.n = n;
	for (i = 0; i < n; i++) {
		snprintf(f.nodes[i].name, sizeof f.nodes[i].name, "%s",
		    hosts[i]);
		snprintf(f.nodes[i].host, sizeof f.nodes[i].host, "%s",
		    hosts[i]);
		f.nodes[i].port = site->ssh.port;
	}
	pool_init(&p, site, ds, NULL);
	t0 = sess_now_ms();
	bad = pool_open(&p, &f);
	*ms = sess_now_ms() - t0;
	pool_close(&p);
	facts_clear(&f);
	return bad == 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct site *site = NULL;
	struct dialog_set *ds = NULL;
	struct conf_errors errs;
	double *v;
	long rep;
	char *end;
	int i, rc = 1;

	log_set_progname("sess-bench");
	if (argc < 4) {
		fprintf(stderr, "usage: sess-bench SITE.conf REPEAT HOST...\n");
		return 2;
	}
	rep = strtol(argv[2], &end, 10);
	if (*end != '\0' || rep < 1 || rep > 1000) {
		fprintf(stderr, "sess-bench: REPEAT must be 1..1000\n");
		return 2;
	}
	memset(&errs, 0, sizeof errs);
	if (conf_load(argv[1], &site, &errs) != 0) {
		conf_errors_print(&errs, stderr);
		conf_errors_clear(&errs);
		return 2;
	}
	conf_errors_clear(&errs);
	if (dialog_set_load(runtime_dialog_dir(), site->dialog_dir, &ds,
	    &errs) != 0) {
		conf_errors_print(&errs, stderr);
		conf_errors_clear(&errs);
		site_free(site);
		return 2;
	}
	conf_errors_clear(&errs);
	if (runtime_mkdirs(site->state_dir, 0700) != 0 ||
	    ssh_global_init() != 0 ||
	    (v = calloc((size_t)rep, sizeof *v)) == NULL) {
		fprintf(stderr, "sess-bench: cannot set up\n");
		goto out;
	}
	for (i = 0; i < rep; i++)
		if (sess_round(site, ds, argv + 3, (size_t)(argc - 3),
		    &v[i]) != 0) {
			fprintf(stderr, "sess-bench: a session failed\n");
			free(v);
			ssh_global_exit();
			goto out;
		}
	qsort(v, (size_t)rep, sizeof *v, sess_cmp);
	printf("sessions %d repeat %ld min_ms %.1f median_ms %.1f max_ms %.1f\n",
	    argc - 3, rep, v[0], v[rep / 2], v[rep - 1]);
	free(v);
	ssh_global_exit();
	rc = 0;
out:
	dialog_set_free(ds);
	site_free(site);
	return rc;
}

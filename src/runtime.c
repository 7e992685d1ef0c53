/* runtime: shared set-up and tear-down of the cluster commands. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "dialog.h"
#include "err.h"
#include "log.h"
#include "runtime.h"
#include "ssh.h"

const char *
runtime_dialog_dir(void)
{
	const char *env = getenv("CERTREGEN_DIALOG_DIR");
	struct stat st;

	if (env != NULL && *env != '\0')
		return env;
	if (stat(CERTREGEN_DIALOG_DIR, &st) == 0 && S_ISDIR(st.st_mode))
		return CERTREGEN_DIALOG_DIR;
	/* Not installed: run from the build tree. */
	return CERTREGEN_SRC_DIALOG_DIR;
}

int
runtime_mkdirs(const char *path, mode_t mode)
{
	char tmp[PATH_MAX];
	size_t i, n = strlen(path);

	if (n == 0 || n >= sizeof tmp)
		return ERR_INVAL;
	memcpy(tmp, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (tmp[i] != '/' && tmp[i] != '\0')
			continue;
		tmp[i] = '\0';
		if (mkdir(tmp, mode) != 0 && errno != EEXIST)
			return ERR_IO;
		tmp[i] = i < n ? '/' : '\0';
	}
	return 0;
}

int
runtime_begin(struct cmd_ctx *ctx, struct runtime *rt)
{
	const struct site *site = ctx->site;
	struct conf_errors errs;
	struct tm tm;
	time_t now = time(NULL);
	int r;

	memset(rt, 0, sizeof *rt);
	rt->site = site;
	r = dialog_set_load(runtime_dialog_dir(), site->dialog_dir, &rt->dialogs,
	    &errs);
	if (r != 0) {
		conf_errors_print(&errs, stderr);
		conf_errors_clear(&errs);
		log_error("the dialog files have errors; nothing was done");
		return EXIT_USAGE;
	}
	conf_errors_clear(&errs);
	if (runtime_mkdirs(site->state_dir, 0700) != 0) {
		log_error("cannot make the state directory %s: %s",
		    site->state_dir, strerror(errno));
		return EXIT_FAIL;
	}
	gmtime_r(&now, &tm);
	snprintf(rt->run_id, sizeof rt->run_id,
	    "%04d%02d%02dT%02d%02d%02dZ-%ld", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)getpid());
	snprintf(rt->tdir, sizeof rt->tdir, "%s/transcripts/%s", site->log_dir,
	    rt->run_id);
	if (runtime_mkdirs(rt->tdir, 0750) != 0) {
		log_error("cannot make the transcript directory %s: %s",
		    rt->tdir, strerror(errno));
		return EXIT_FAIL;
	}
	if (ssh_global_init() != 0) {
		log_error("cannot initialise libssh2");
		return EXIT_FAIL;
	}
	rt->ssh_up = 1;
	pool_init(&rt->pool, site, rt->dialogs, rt->tdir);
	return EXIT_DONE;
}

void
runtime_end(struct runtime *rt)
{
	pool_close(&rt->pool);
	facts_clear(&rt->facts);
	dialog_set_free(rt->dialogs);
	rt->dialogs = NULL;
	if (rt->ssh_up)
		ssh_global_exit();
	rt->ssh_up = 0;
}

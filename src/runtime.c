/* runtime: shared set-up and tear-down of the cluster commands. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

/* A run directory's name: 20261201T093000Z-1234. */
static int
runtime_is_run_id(const char *s)
{
	size_t i;

	if (strlen(s) < 18 || s[8] != 'T' || s[15] != 'Z' || s[16] != '-')
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (i != 8 && i != 15 && i != 16 && (s[i] < '0' || s[i] > '9'))
			return 0;
	return 1;
}

static int
runtime_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Remove a run's transcript directory: its regular files, then itself. */
static void
runtime_rm_run(int dfd, const char *name)
{
	struct dirent *de;
	DIR *d;
	int fd;

	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			(void)unlinkat(fd, de->d_name, 0);
	closedir(d);
	if (unlinkat(dfd, name, AT_REMOVEDIR) != 0)
		log_debug("cannot remove the transcripts %s: %s", name,
		    strerror(errno));
}

/* A run that changed (or meant to change) the cluster marks its directory. */
#define RUNTIME_MARK ".mutating"

static int
runtime_is_mutating(int dfd, const char *name)
{
	char p[PATH_MAX];

	snprintf(p, sizeof p, "%s/%s", name, RUNTIME_MARK);
	return faccessat(dfd, p, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

void
runtime_prune_transcripts(const char *dir, int keep)
{
	struct dirent *de;
	char **names = NULL, **nn;
	size_t n = 0, cap = 0, i, kept[2] = { 0, 0 };
	DIR *d;

	if (keep <= 0 || (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (!runtime_is_run_id(de->d_name))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			if ((nn = realloc(names, cap * sizeof *names)) == NULL)
				break;
			names = nn;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			break;
		n++;
	}
	/*
	 * Run ids sort by time: walk from the newest.  Changing runs and
	 * read-only ones (check every 15 minutes) are counted apart, so the
	 * checks never push out the transcripts of the last renew.
	 */
	qsort(names, n, sizeof *names, runtime_cmp);
	for (i = n; i-- > 0;) {
		int m = runtime_is_mutating(dirfd(d), names[i]);

		if (kept[m] < (size_t)keep)
			kept[m]++;
		else
			runtime_rm_run(dirfd(d), names[i]);
	}
	closedir(d);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int
runtime_begin(struct cmd_ctx *ctx, struct runtime *rt)
{
	const struct site *site = ctx->site;
	struct conf_errors errs;
	const struct cmd_entry *e;
	char dir[PATH_MAX];
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
	if (ctx->argc > 0 && (e = cmd_find(ctx->argv[0])) != NULL &&
	    (e->flags & CMD_MUTATING)) {
		char mark[PATH_MAX + 16];
		int fd;

		snprintf(mark, sizeof mark, "%s/" RUNTIME_MARK, rt->tdir);
		if ((fd = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0640)) != -1)
			close(fd);
	}
	/* This run counts as one of the last log.transcripts_keep. */
	snprintf(dir, sizeof dir, "%s/transcripts", site->log_dir);
	runtime_prune_transcripts(dir, site->log.transcripts_keep);
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

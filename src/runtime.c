/* runtime: shared set-up and tear-down of the cluster commands. */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
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

/* ------------------------------------------------------------ signals */

static volatile sig_atomic_t rt_sig_first;  /* the first signal, or 0 */
static volatile sig_atomic_t rt_sig_count;
static volatile sig_atomic_t rt_sig_safe;   /* the safe path runs */
static int rt_pipe[2] = { -1, -1 };        /* wakes runtime_pause_ms() */
static int rt_caught[3];
static struct sigaction rt_old[3];
static const int rt_sigs[3] = { SIGTERM, SIGINT, SIGHUP };

static void
rt_say(const char *s)
{
	/* write(2) is async-signal-safe; a lost message is no error. */
	ssize_t w = write(STDERR_FILENO, s, strlen(s));

	(void)w;
}

static void
runtime_on_signal(int sig)
{
	int saved = errno;
	char c = 1;
	ssize_t w;

	/* The log file is reopened on SIGHUP as before (log.c's flag). */
	if (sig == SIGHUP && (rt_old[2].sa_flags & SA_SIGINFO) == 0 &&
	    rt_old[2].sa_handler != SIG_DFL && rt_old[2].sa_handler != SIG_IGN &&
	    rt_old[2].sa_handler != runtime_on_signal)
		rt_old[2].sa_handler(sig);
	if (rt_sig_count < 100)
		rt_sig_count++;
	if (rt_sig_first == 0) {
		rt_sig_first = sig;
		rt_say("certregen: interrupted: finishing the step in progress "
		    "(a wait is abandoned), then starting what this run "
		    "stopped and turning High Availability back on; run the "
		    "same command again to resume\n");
	} else if (rt_sig_count == 2) {
		rt_say(rt_sig_safe ? "certregen: signal ignored: the cluster is "
		    "being made safe (services started, HA back on); a third "
		    "signal ends certregen at once and may leave them as they "
		    "are\n" : "certregen: signal ignored: the step in progress "
		    "is finishing, then the cluster is made safe; a third "
		    "signal ends certregen at once and may leave services "
		    "stopped or HA off\n");
	} else {
		rt_say("certregen: third signal: ending at once; the cluster "
		    "may not be safe (check services and High Availability); "
		    "the journal is pending: run the same command again\n");
		_exit(EXIT_FAIL);
	}
	if (rt_pipe[1] != -1)
		w = write(rt_pipe[1], &c, 1);
	(void)w;
	errno = saved;
}

int
runtime_catch_signals(void)
{
	struct sigaction sa;
	int tty = isatty(STDIN_FILENO) || isatty(STDERR_FILENO);
	size_t i;

	rt_sig_first = 0;
	rt_sig_count = 0;
	rt_sig_safe = 0;
	if (rt_pipe[0] == -1 && pipe2(rt_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		rt_pipe[0] = rt_pipe[1] = -1;
		return ERR_IO;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = runtime_on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 3; i++)
		sigaddset(&sa.sa_mask, rt_sigs[i]);
	sa.sa_flags = 0; /* no SA_RESTART: poll() and read() see EINTR */
	for (i = 0; i < 3; i++) {
		if (rt_caught[i])
			continue;
		if (sigaction(rt_sigs[i], NULL, &rt_old[i]) != 0)
			return ERR_IO;
		/* nohup and a shell's background job ignore them: so do we. */
		if (rt_sigs[i] != SIGTERM && rt_old[i].sa_handler == SIG_IGN &&
		    (rt_old[i].sa_flags & SA_SIGINFO) == 0)
			continue;
		/* Without a terminal SIGHUP stays log rotation only. */
		if (rt_sigs[i] == SIGHUP && !tty)
			continue;
		if (sigaction(rt_sigs[i], &sa, NULL) != 0)
			return ERR_IO;
		rt_caught[i] = 1;
	}
	return 0;
}

void
runtime_release_signals(void)
{
	size_t i;

	for (i = 0; i < 3; i++)
		if (rt_caught[i]) {
			(void)sigaction(rt_sigs[i], &rt_old[i], NULL);
			rt_caught[i] = 0;
		}
}

int
runtime_interrupted(void)
{
	return (int)rt_sig_first;
}

const char *
runtime_signal_name(int sig)
{
	switch (sig) {
	case SIGTERM:
		return "SIGTERM";
	case SIGINT:
		return "SIGINT";
	case SIGHUP:
		return "SIGHUP";
	}
	return "a signal";
}

void
runtime_set_safe_path(int on)
{
	rt_sig_safe = on ? 1 : 0;
}

static int64_t
rt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
runtime_pause_ms(long ms, int ignore_signals)
{
	int64_t end = rt_now_ms() + (ms > 0 ? ms : 0), now;
	char drain[64];

	for (;;) {
		if (!ignore_signals && rt_sig_first != 0)
			return 1;
		if ((now = rt_now_ms()) >= end)
			return 0;
		if (rt_pipe[0] != -1) {
			struct pollfd p = { .fd = rt_pipe[0], .events = POLLIN };
			int64_t left = end - now;

			if (poll(&p, 1, left > 60000 ? 60000 : (int)left) > 0)
				while (read(rt_pipe[0], drain, sizeof drain) > 0)
					;
		} else {
			struct timespec ts;
			int64_t left = end - now;

			ts.tv_sec = (time_t)(left / 1000);
			ts.tv_nsec = (long)(left % 1000) * 1000000L;
			(void)nanosleep(&ts, NULL);
		}
	}
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

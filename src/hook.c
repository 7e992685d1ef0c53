/* hook: site programs run by fork/execve, no shell, bounded in time. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "hook.h"
#include "log.h"

#define HOOK_NENV 16
#define HOOK_LINE 1024
#define HOOK_MAX_LINES 200

struct hook_envv {
	char *v[HOOK_NENV + 1];
	size_t n;
};

static void
hook_env_add(struct hook_envv *ev, const char *name, const char *value)
{
	size_t len;
	char *s;

	if (ev->n >= HOOK_NENV || value == NULL)
		return;
	len = strlen(name) + strlen(value) + 2;
	if ((s = malloc(len)) == NULL)
		return;
	snprintf(s, len, "%s=%s", name, value);
	ev->v[ev->n++] = s;
}

static void
hook_env_clear(struct hook_envv *ev)
{
	size_t i;

	for (i = 0; i < ev->n; i++)
		free(ev->v[i]);
	ev->n = 0;
}

static double
hook_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The child: never returns. */
static void
hook_child(const char *path, char *const argv[], char *const envp[],
    int outfd, const char *dir)
{
	static const int sigs[] = { SIGPIPE, SIGHUP, SIGINT, SIGTERM, SIGQUIT,
		SIGCHLD };
	sigset_t none;
	long fd, maxfd;
	size_t i;
	int devnull;

	setpgid(0, 0);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if ((devnull = open("/dev/null", O_RDONLY)) == -1 ||
	    dup2(devnull, STDIN_FILENO) == -1 ||
	    dup2(outfd, STDOUT_FILENO) == -1 || dup2(outfd, STDERR_FILENO) == -1)
		_exit(126);
	maxfd = sysconf(_SC_OPEN_MAX);
	if (maxfd < 0 || maxfd > 65536)
		maxfd = 65536;
	for (fd = 3; fd < maxfd; fd++)
		close((int)fd);
	if ((dir == NULL || chdir(dir) != 0) && chdir("/") != 0)
		_exit(126);
	execve(path, argv, envp);
	_exit(127);
}

/* Log the complete lines of buf[0..len); keeps a partial last line unless
 * flush is set or the buffer is full.  Returns what is kept. */
static size_t
hook_log_lines(const char *name, char *buf, size_t len, int *nlines,
    int flush)
{
	size_t start = 0, i;

	for (i = 0; i <= len; i++) {
		int end = i == len;

		if (!end && buf[i] != '\n')
			continue;
		if (end && (start == len || (!flush && len < HOOK_LINE)))
			break;
		if (++*nlines <= HOOK_MAX_LINES)
			log_info("hook %s: %.*s", name, (int)(i - start),
			    buf + start);
		else if (*nlines == HOOK_MAX_LINES + 1)
			log_info("hook %s: (more output not shown)", name);
		start = end ? len : i + 1;
	}
	memmove(buf, buf + start, len - start);
	return len - start;
}

int
hook_run(const char *name, const char *path, int timeout_s,
    const struct hook_env *e)
{
	struct hook_envv ev;
	char exitbuf[16], buf[HOOK_LINE], argv0[4096], argv1[32];
	char *argv[3];
	double deadline, killed_at = 0;
	size_t have = 0;
	int pfd[2], status = 0, nlines = 0, r = 0, eof = 0, done = 0;
	pid_t pid;

	if (path == NULL)
		return 0;
	memset(&ev, 0, sizeof ev);
	snprintf(exitbuf, sizeof exitbuf, "%d", e->exit_code);
	/* A fixed PATH: the hook must not depend on cron's or a user's. */
	hook_env_add(&ev, "PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
	hook_env_add(&ev, "LC_ALL", "C");
	hook_env_add(&ev, "CERTREGEN_HOOK", name);
	hook_env_add(&ev, "CERTREGEN_SITE", e->site);
	hook_env_add(&ev, "CERTREGEN_COMMAND", e->command);
	hook_env_add(&ev, "CERTREGEN_RUN", e->run ? e->run : "");
	hook_env_add(&ev, "CERTREGEN_UNITS", e->units ? e->units : "");
	hook_env_add(&ev, "CERTREGEN_NODES", e->nodes ? e->nodes : "");
	hook_env_add(&ev, "CERTREGEN_RESULT", e->result);
	hook_env_add(&ev, "CERTREGEN_REPORT", e->report ? e->report : "");
	hook_env_add(&ev, "CERTREGEN_EXIT", exitbuf);
	hook_env_add(&ev, "CERTREGEN_STATE_DIR", e->state_dir);
	hook_env_add(&ev, "CERTREGEN_LOG_DIR", e->log_dir);
	hook_env_add(&ev, "CERTREGEN_EXPORT_DIR", e->export_dir);
	hook_env_add(&ev, "CERTREGEN_TRANSCRIPTS", e->transcripts);
	ev.v[ev.n] = NULL;
	/* execve wants writable strings: give it copies. */
	snprintf(argv0, sizeof argv0, "%s", path);
	snprintf(argv1, sizeof argv1, "%s", name);
	argv[0] = argv0;
	argv[1] = argv1;
	argv[2] = NULL;

	if (pipe2(pfd, O_CLOEXEC) != 0) {
		log_error("hook %s: cannot make a pipe: %s", name,
		    strerror(errno));
		hook_env_clear(&ev);
		return ERR_IO;
	}
	log_info("hook %s: running %s", name, path);
	fflush(NULL);
	if ((pid = fork()) == -1) {
		log_error("hook %s: cannot fork: %s", name, strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		hook_env_clear(&ev);
		return ERR_IO;
	}
	if (pid == 0)
		hook_child(path, argv, ev.v, pfd[1], e->state_dir);
	close(pfd[1]);
	hook_env_clear(&ev);
	/* Also in the parent: no race with the child's own setpgid. */
	setpgid(pid, pid);

	deadline = hook_now() + timeout_s;
	while (!done) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		double left = deadline - hook_now();
		pid_t w;

		if (!eof && poll(&p, 1, 100) > 0) {
			ssize_t n = read(pfd[0], buf + have, sizeof buf - have);

			if (n > 0) {
				have += (size_t)n;
				have = hook_log_lines(name, buf, have, &nlines, 0);
			} else if (n == 0 || (errno != EINTR && errno != EAGAIN))
				eof = 1;
		} else if (eof) {
			struct timespec ts = { 0, 50 * 1000 * 1000 };

			nanosleep(&ts, NULL);
		}
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			done = 1;
		else if (left <= 0 && killed_at == 0) {
			log_error("hook %s: %s ran longer than %d s; killed",
			    name, path, timeout_s);
			kill(-pid, SIGTERM);
			killed_at = hook_now();
			r = ERR_TIMEOUT;
		} else if (killed_at != 0 && hook_now() - killed_at > 5)
			kill(-pid, SIGKILL);
	}
	/* What the hook wrote before it exited. */
	for (;;) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		ssize_t n;

		if (eof || poll(&p, 1, 0) <= 0)
			break;
		if ((n = read(pfd[0], buf + have, sizeof buf - have)) <= 0)
			break;
		have += (size_t)n;
		have = hook_log_lines(name, buf, have, &nlines, 0);
	}
	if (have > 0)
		hook_log_lines(name, buf, have, &nlines, 1);
	close(pfd[0]);
	/* A child the hook left behind still holds the pipe: it goes with its
	 * group (which, holding the pipe, is still the hook's). */
	if (!eof)
		kill(-pid, SIGKILL);
	if (r != 0)
		return r;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		log_info("hook %s: done", name);
		return 0;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		log_error("hook %s: cannot run %s", name, path);
	else if (WIFEXITED(status))
		log_error("hook %s: %s exited %d", name, path,
		    WEXITSTATUS(status));
	else
		log_error("hook %s: %s was killed by signal %d", name, path,
		    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return ERR_CLI;
}

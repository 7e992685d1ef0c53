/*
 * Unit tests for the run lock (lock.c), the hook runner's contract for an
 * executable that is not there (hook.c), and the transcript pruning of
 * runtime.c: the newest N of each kind stay.
 */
#include "config.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "hook.h"
#include "lock.h"
#include "log.h"
#include "runtime.h"
#include "tap.h"

static char dir[] = "/tmp/certregen-lock-XXXXXX";

static void
mkrun(const char *name, int mutating)
{
	char p[600];
	int fd;

	snprintf(p, sizeof p, "%s/t/%s", dir, name);
	if (runtime_mkdirs(p, 0700) != 0)
		abort();
	snprintf(p, sizeof p, "%s/t/%s/IMPPUB.log", dir, name);
	if ((fd = open(p, O_WRONLY | O_CREAT, 0600)) == -1)
		abort();
	close(fd);
	if (mutating) {
		snprintf(p, sizeof p, "%s/t/%s/.mutating", dir, name);
		if ((fd = open(p, O_WRONLY | O_CREAT, 0600)) == -1)
			abort();
		close(fd);
	}
}

static int
there(const char *name)
{
	char p[600];
	struct stat st;

	snprintf(p, sizeof p, "%s/t/%s", dir, name);
	return stat(p, &st) == 0;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) == 0 ? 0 : 0;
}

int
main(void)
{
	struct lock *a = NULL, *b = NULL;
	struct hook_env e;
	char holder[256], want[64], p[600];
	struct timespec t0, t1;
	int r;

	if (mkdtemp(dir) == NULL)
		return 99;
	log_set_stderr(0);

	r = lock_take(dir, "renew", 0, &a, holder, sizeof holder);
	is_int(r, 0, "the first take succeeds");
	ok(a != NULL, "and gives a lock");
	/* flock is per open file: a second open in the same process conflicts. */
	r = lock_take(dir, "regen", 0, &b, holder, sizeof holder);
	is_int(r, ERR_LOCKED, "a second take: ERR_LOCKED");
	ok(b == NULL, "and no lock");
	snprintf(want, sizeof want, "pid %ld (renew since ", (long)getpid());
	has_str(holder, want, "the holder is named: pid and command");
	/* lock.c measures the wait on the monotonic clock: so does this
	 * (the wall clock may be stepped meanwhile). */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = lock_take(dir, "regen", 1, &b, holder, sizeof holder);
	is_int(r, ERR_LOCKED, "a bounded wait runs out: ERR_LOCKED");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ok((t1.tv_sec - t0.tv_sec) * 1000L +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000L >= 1000, "after the wait");
	lock_free(a);
	r = lock_take(dir, "regen", -1, &b, holder, sizeof holder);
	is_int(r, 0, "free again after lock_free");
	lock_free(b);
	lock_free(NULL);
	snprintf(p, sizeof p, "%s/nonexistent/dir", dir);
	r = lock_take(p, "regen", 0, &b, holder, sizeof holder);
	is_int(r, ERR_IO, "no state directory: ERR_IO");
	has_str(holder, "cannot open", "with the reason");

	memset(&e, 0, sizeof e);
	e.site = "t";
	e.command = "renew";
	e.result = "planned";
	e.state_dir = dir;
	e.log_dir = dir;
	e.export_dir = dir;
	is_int(hook_run("pre", NULL, 5, &e), 0, "no hook configured: nothing to do");
	snprintf(p, sizeof p, "%s/no-such-hook", dir);
	is_int(hook_run("pre", p, 5, &e), ERR_CLI, "a hook that cannot run: ERR_CLI");
	is_int(hook_run("post", "/bin/false", 5, &e), ERR_CLI,
	    "a hook exiting 1: ERR_CLI");
	is_int(hook_run("post", "/bin/true", 5, &e), 0, "a hook exiting 0: 0");

	/* Three changing runs, three read-only ones, keep 2 of each. */
	mkrun("20261201T010000Z-1", 1);
	mkrun("20261201T020000Z-2", 0);
	mkrun("20261201T030000Z-3", 1);
	mkrun("20261201T040000Z-4", 0);
	mkrun("20261201T050000Z-5", 0);
	mkrun("20261201T060000Z-6", 1);
	mkrun("not-a-run", 0);
	snprintf(p, sizeof p, "%s/t", dir);
	runtime_prune_transcripts(p, 2);
	ok(!there("20261201T010000Z-1"), "the oldest changing run goes");
	ok(there("20261201T030000Z-3") && there("20261201T060000Z-6"),
	    "the two newest changing runs stay");
	ok(!there("20261201T020000Z-2"), "the oldest read-only run goes");
	ok(there("20261201T040000Z-4") && there("20261201T050000Z-5"),
	    "the two newest read-only runs stay");
	ok(there("not-a-run"), "a directory not named by a run id stays");
	runtime_prune_transcripts(p, 0);
	ok(there("20261201T030000Z-3"), "keep 0 keeps everything");
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}

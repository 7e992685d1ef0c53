/* lock: the per-site flock on STATE/lock, with who holds it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "lock.h"
#include "output.h"

struct lock {
	int fd;
};

/* The holder line of the lock file, printable, or "unknown". */
static void
lock_holder(int fd, char *dst, size_t n)
{
	char raw[160];
	ssize_t got = pread(fd, raw, sizeof raw - 1, 0);
	size_t i;

	if (got <= 0) {
		snprintf(dst, n, "unknown");
		return;
	}
	raw[got] = '\0';
	raw[strcspn(raw, "\n")] = '\0';
	/* The file is ours, but keep a terminal safe from whatever is in it. */
	for (i = 0; raw[i] != '\0'; i++)
		if ((unsigned char)raw[i] < 0x20 || (unsigned char)raw[i] >= 0x7f)
			raw[i] = '?';
	snprintf(dst, n, "%s", raw[0] ? raw : "unknown");
}

int
lock_take(const char *dir, const char *command, int wait_s, struct lock **out,
    char *holder, size_t holdersz)
{
	struct timespec t0, now, pause = { 0, 200 * 1000 * 1000 };
	char path[4096], line[160], when[32];
	struct lock *l;
	int fd, n;

	*out = NULL;
	snprintf(path, sizeof path, "%s/lock", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1) {
		snprintf(holder, holdersz, "cannot open %s: %s", path,
		    strerror(errno));
		return ERR_IO;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			snprintf(holder, holdersz, "cannot lock %s: %s", path,
			    strerror(errno));
			close(fd);
			return ERR_IO;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		/* Whole seconds of tv_sec alone could end a 1 s wait at once. */
		if (wait_s == 0 || (wait_s > 0 &&
		    (int64_t)(now.tv_sec - t0.tv_sec) * 1000 +
		    (now.tv_nsec - t0.tv_nsec) / 1000000 >=
		    (int64_t)wait_s * 1000)) {
			lock_holder(fd, holder, holdersz);
			close(fd);
			return ERR_LOCKED;
		}
		nanosleep(&pause, NULL);
	}
	if ((l = malloc(sizeof *l)) == NULL) {
		close(fd);
		return ERR_NOMEM;
	}
	l->fd = fd;
	output_time(time(NULL), when, sizeof when);
	n = snprintf(line, sizeof line, "pid %ld (%s since %s)\n",
	    (long)getpid(), command, when);
	/* Who holds it is for people; a failure here does not stop the run. */
	if (ftruncate(fd, 0) == 0 && n > 0 && (size_t)n < sizeof line &&
	    pwrite(fd, line, (size_t)n, 0) != n)
		(void)0;
	*out = l;
	return 0;
}

void
lock_free(struct lock *l)
{
	if (l == NULL)
		return;
	/* Empty the holder line first: the lock goes with the descriptor. */
	if (ftruncate(l->fd, 0) != 0)
		(void)0;
	close(l->fd);
	free(l);
}

/* sim-util: clock, sleeps, paths and whole-file I/O for vos-sim. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "sim-util.h"

volatile sig_atomic_t sim_stop;

int64_t
sim_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
sim_sleep_ms(int ms)
{
	int64_t end = sim_now_ms() + ms;
	int64_t left;
	struct timespec ts;

	while (!sim_stop && (left = end - sim_now_ms()) > 0) {
		if (left > 50)
			left = 50;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)left * 1000000;
		nanosleep(&ts, NULL);
	}
	return sim_stop ? -1 : 0;
}

int
sim_path(char *out, size_t sz, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, sz, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sz) {
		if (sz > 0)
			out[0] = '\0';
		return ERR_TOOBIG;
	}
	return 0;
}

int
sim_mkdirs(const char *path, mode_t mode)
{
	char tmp[4096];
	size_t i, n = strlen(path);

	if (n >= sizeof tmp)
		return ERR_TOOBIG;
	memcpy(tmp, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (tmp[i] != '/' && tmp[i] != '\0')
			continue;
		tmp[i] = '\0';
		if (mkdir(tmp, mode) != 0 && errno != EEXIST)
			return ERR_IO;
		if (i < n)
			tmp[i] = '/';
	}
	return 0;
}

int
sim_write_file(const char *path, const void *data, size_t n, mode_t mode)
{
	char tmp[4200];
	const char *p = data;
	ssize_t w;
	int fd;

	if (sim_path(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) != 0)
		return ERR_TOOBIG;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)) < 0)
		return ERR_IO;
	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			unlink(tmp);
			return ERR_IO;
		}
		p += w;
		n -= (size_t)w;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return ERR_IO;
	}
	return 0;
}

char *
sim_read_file(const char *path, size_t max, size_t *len)
{
	char *p = NULL, *np;
	size_t n = 0, cap = 0;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	for (;;) {
		if (cap - n < 4097) {
			cap = cap ? cap * 2 : 8192;
			if ((np = realloc(p, cap)) == NULL)
				goto fail;
			p = np;
		}
		if ((r = read(fd, p + n, cap - n - 1)) < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max)
			goto fail;
	}
	close(fd);
	p[n] = '\0';
	if (len != NULL)
		*len = n;
	return p;
fail:
	close(fd);
	free(p);
	return NULL;
}

int
sim_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

int
sim_words_eq(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ' || *a == '\t')
			a++;
		while (*b == ' ' || *b == '\t')
			b++;
		if (*a == '\0' || *b == '\0')
			return *a == *b;
		while (*a != '\0' && *a != ' ' && *a != '\t') {
			if (tolower((unsigned char)*a) !=
			    tolower((unsigned char)*b))
				return 0;
			a++;
			b++;
		}
		if (*b != '\0' && *b != ' ' && *b != '\t')
			return 0;
	}
}

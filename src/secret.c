/* secret: wiped-on-free secret values and their safe loading. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "secret.h"

struct secret {
	size_t len;
	char *val; /* len + 1 bytes, NUL-terminated */
};

struct secret *
secret_new(const char *p, size_t n)
{
	struct secret *s;

	if (n > SECRET_MAX || (s = calloc(1, sizeof *s)) == NULL)
		return NULL;
	if ((s->val = malloc(n + 1)) == NULL) {
		free(s);
		return NULL;
	}
	memcpy(s->val, p, n);
	s->val[n] = '\0';
	/* Best effort: keep it out of swap. */
	(void)mlock(s->val, n + 1);
	s->len = n;
	return s;
}

void
secret_free(struct secret *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s->val, s->len + 1);
	(void)munlock(s->val, s->len + 1);
	free(s->val);
	explicit_bzero(s, sizeof *s);
	free(s);
}

const char *
secret_value(const struct secret *s)
{
	return s->val;
}

size_t
secret_len(const struct secret *s)
{
	return s->len;
}

int
secret_from_file(const char *path, struct secret **out, char *why,
    size_t whysz)
{
	char data[SECRET_MAX + 2];
	struct stat st;
	size_t n = 0, len;
	ssize_t r;
	int fd, ret = ERR_IO;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	if (fd == -1) {
		snprintf(why, whysz, "cannot open %s: %s", path,
		    strerror(errno));
		return ERR_IO;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(why, whysz, "cannot stat %s: %s", path,
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whysz, "%s is not a regular file", path);
		ret = ERR_PERM;
		goto out;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		snprintf(why, whysz, "%s is owned by uid %ld, not by us or root",
		    path, (long)st.st_uid);
		ret = ERR_PERM;
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		snprintf(why, whysz,
		    "permissions 0%03o for %s are too open: it must not be "
		    "accessible by group or others (chmod 600)",
		    (unsigned)(st.st_mode & 0777), path);
		ret = ERR_PERM;
		goto out;
	}
	while (n < sizeof data) {
		r = read(fd, data + n, sizeof data - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			snprintf(why, whysz, "cannot read %s: %s", path,
			    strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	len = 0;
	while (len < n && data[len] != '\n' && data[len] != '\r')
		len++;
	if (len > SECRET_MAX) {
		snprintf(why, whysz, "%s: the first line is longer than %d bytes",
		    path, SECRET_MAX);
		ret = ERR_TOOBIG;
		goto out;
	}
	if (len == 0) {
		snprintf(why, whysz, "%s: the first line is empty", path);
		ret = ERR_INVAL;
		goto out;
	}
	if (memchr(data, '\0', len) != NULL) {
		snprintf(why, whysz, "%s: the first line holds a NUL byte", path);
		ret = ERR_INVAL;
		goto out;
	}
	if ((*out = secret_new(data, len)) == NULL) {
		snprintf(why, whysz, "out of memory");
		ret = ERR_NOMEM;
		goto out;
	}
	ret = 0;
out:
	explicit_bzero(data, sizeof data);
	close(fd);
	return ret;
}

int
secret_from_env(const char *name, struct secret **out)
{
	const char *v = getenv(name);

	*out = NULL;
	if (v == NULL || *v == '\0')
		return ERR_NOTFOUND;
	if (strlen(v) > SECRET_MAX)
		return ERR_TOOBIG;
	if ((*out = secret_new(v, strlen(v))) == NULL)
		return ERR_NOMEM;
	return 0;
}

/* Unit tests for secret: loading rules and wiping. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "secret.h"
#include "tap.h"

static char dir[] = "/tmp/certregen-secret-XXXXXX";

static const char *
mkfile(const char *name, const char *content, size_t n, mode_t mode)
{
	static char path[256];
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd == -1 || write(fd, content, n) != (ssize_t)n)
		abort();
	close(fd);
	chmod(path, mode);
	return path;
}

int
main(void)
{
	struct secret *s;
	char why[512];
	const char *p;
	char big[SECRET_MAX + 10];

	if (mkdtemp(dir) == NULL)
		return 99;
	p = mkfile("ok", "s3cret\nsecond line\n", 19, 0600);
	is_int(secret_from_file(p, &s, why, sizeof why), 0, "0600 file loads");
	is_str(s ? secret_value(s) : NULL, "s3cret", "first line only");
	is_int(s ? secret_len(s) : 0, 6, "length");
	secret_free(s);

	p = mkfile("crlf", "pw\r\n", 4, 0400);
	is_int(secret_from_file(p, &s, why, sizeof why), 0, "0400 file loads");
	is_str(s ? secret_value(s) : NULL, "pw", "CR is not part of it");
	secret_free(s);

	p = mkfile("loose", "pw\n", 3, 0644);
	is_int(secret_from_file(p, &s, why, sizeof why), ERR_PERM,
	    "0644 file refused");
	has_str(why, "too open", "the reason says the permissions are too open");
	ok(strstr(why, "pw") == NULL || strstr(why, "/pw") != NULL,
	    "the reason does not hold the secret");
	ok(s == NULL, "no secret on failure");

	p = mkfile("group", "pw\n", 3, 0640);
	is_int(secret_from_file(p, &s, why, sizeof why), ERR_PERM,
	    "0640 file refused");
	p = mkfile("empty", "\n", 1, 0600);
	is_int(secret_from_file(p, &s, why, sizeof why), ERR_INVAL,
	    "empty first line refused");
	p = mkfile("nul", "a\0b\n", 4, 0600);
	is_int(secret_from_file(p, &s, why, sizeof why), ERR_INVAL,
	    "NUL byte refused");
	memset(big, 'x', sizeof big);
	p = mkfile("big", big, sizeof big, 0600);
	is_int(secret_from_file(p, &s, why, sizeof why), ERR_TOOBIG,
	    "over-long line refused");
	snprintf(big, sizeof big, "%s/none", dir);
	is_int(secret_from_file(big, &s, why, sizeof why), ERR_IO,
	    "missing file");
	is_int(secret_from_file(dir, &s, why, sizeof why), ERR_PERM,
	    "a directory is refused");

	setenv("CERTREGEN_TEST_PW", "envpw", 1);
	is_int(secret_from_env("CERTREGEN_TEST_PW", &s), 0, "from environment");
	is_str(s ? secret_value(s) : NULL, "envpw", "value from environment");
	secret_free(s);
	unsetenv("CERTREGEN_TEST_PW");
	is_int(secret_from_env("CERTREGEN_TEST_PW", &s), ERR_NOTFOUND,
	    "unset variable");
	secret_free(NULL);
	ok(1, "secret_free(NULL) is a no-op");

	/* Clean up without a shell. */
	{
		const char *names[] = { "ok", "crlf", "loose", "group", "empty",
			"nul", "big" };
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
			snprintf(big, sizeof big, "%s/%s", dir, names[i]);
			unlink(big);
		}
		rmdir(dir);
	}
	return tap_done();
}

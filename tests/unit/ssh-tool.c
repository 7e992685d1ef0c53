/*
 * ssh-tool: a tiny client over src/ssh.c for the shell tests.  It connects
 * with options from the command line, prints the auth method and the host
 * key fingerprint, sends each LINE (with a newline), and copies what the
 * shell prints to stdout until EOF or the read time is up.  Secrets come
 * from environment variables named on the command line, never from argv.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "secret.h"
#include "ssh.h"

static void
usage(void)
{
	fputs("usage: ssh-tool [-Anq] [-p port] [-l user] [-i key] "
	    "[-k known_hosts]\n"
	    "    [-W password-env] [-P passphrase-env] [-M methods] "
	    "[-t connect-ms]\n"
	    "    [-r read-ms] [-K keepalive-s] [-T term] [-g COLSxROWS] "
	    "[-N node]\n"
	    "    [-w wait-for] host [line ...]\n", stderr);
	exit(2);
}

static int
num(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		usage();
	return (int)v;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct secret *
from_env(const char *name)
{
	struct secret *s = NULL;

	if (secret_from_env(name, &s) != 0) {
		fprintf(stderr, "ssh-tool: $%s is not set\n", name);
		exit(2);
	}
	return s;
}

int
main(int argc, char **argv)
{
	struct ssh_opts o;
	struct secret *pw = NULL, *pp = NULL;
	struct ssh_conn *c = NULL;
	char why[1024], buf[4096], seen[8192], *x;
	const char *wait_for = NULL;
	size_t nseen = 0;
	long long end;
	int ch, rc, read_ms = 5000, quiet = 0, i, status = 0;

	memset(&o, 0, sizeof o);
	o.user = getenv("USER") ? getenv("USER") : "root";
	o.known_hosts = "known_hosts";
	o.connect_timeout_ms = 5000;
	while ((ch = getopt(argc, argv, "Ang:i:k:K:l:M:N:p:P:qr:t:T:w:W:")) != -1) {
		switch (ch) {
		case 'A': o.agent = 1; break;
		case 'n': o.policy = HOSTKEY_ACCEPT_NEW; break;
		case 'g':
			o.cols = (int)strtol(optarg, &x, 10);
			if (*x != 'x')
				usage();
			o.rows = num(x + 1, 1, 10000);
			break;
		case 'i': o.private_key = optarg; break;
		case 'k': o.known_hosts = optarg; break;
		case 'K': o.keepalive = num(optarg, 0, 3600); break;
		case 'l': o.user = optarg; break;
		case 'M': o.methods = optarg; break;
		case 'N': o.node = optarg; break;
		case 'p': o.port = num(optarg, 0, 65535); break;
		case 'P': o.passphrase = pp = from_env(optarg); break;
		case 'q': quiet = 1; break;
		case 'r': read_ms = num(optarg, 0, 600000); break;
		case 't': o.connect_timeout_ms = num(optarg, 1, 600000); break;
		case 'T': o.term = optarg; break;
		case 'w': wait_for = optarg; break;
		case 'W': o.password = pw = from_env(optarg); break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	o.host = argv[0];

	if (ssh_global_init() != 0) {
		fputs("ssh-tool: libssh2_init failed\n", stderr);
		return 1;
	}
	rc = ssh_connect(&o, &c, why, sizeof why);
	if (rc != 0) {
		fprintf(stderr, "ssh-tool: %s: %s\n", err_name(rc), why);
		status = 1;
		goto out;
	}
	printf("auth: %s\nfingerprint: %s\n", ssh_auth_method(c),
	    ssh_fingerprint(c));
	fflush(stdout);
	end = now_ms() + read_ms;
	/* -w: wait until this text was printed before typing (a prompt). */
	while (wait_for != NULL) {
		long long left = end - now_ms();

		if (left <= 0) {
			fprintf(stderr, "ssh-tool: \"%s\" not seen\n", wait_for);
			status = 3;
			goto out;
		}
		rc = ssh_read(c, buf, sizeof buf, (int)left);
		if (rc < 0) {
			fprintf(stderr, "ssh-tool: read: %s: %s\n",
			    err_name(rc), ssh_last_error(c));
			status = 3;
			goto out;
		}
		fwrite(buf, 1, (size_t)rc, stdout);
		if ((size_t)rc >= sizeof seen - 1)
			nseen = 0;
		else if (nseen + (size_t)rc >= sizeof seen - 1) {
			memmove(seen, seen + nseen - 1024, 1024);
			nseen = 1024;
		}
		if ((size_t)rc < sizeof seen - 1) {
			memcpy(seen + nseen, buf, (size_t)rc);
			nseen += (size_t)rc;
		}
		seen[nseen] = '\0';
		if (strstr(seen, wait_for) != NULL)
			wait_for = NULL;
	}
	fflush(stdout);
	for (i = 1; i < argc; i++) {
		size_t n = strlen(argv[i]);

		if ((rc = ssh_write(c, argv[i], n)) != 0 ||
		    (rc = ssh_write(c, "\n", 1)) != 0) {
			fprintf(stderr, "ssh-tool: write: %s: %s\n",
			    err_name(rc), ssh_last_error(c));
			status = 3;
			goto out;
		}
	}
	for (;;) {
		long long left = end - now_ms();

		if (left <= 0) {
			if (!quiet)
				printf("\n--- end: timeout\n");
			break;
		}
		rc = ssh_read(c, buf, sizeof buf, (int)left);
		if (rc > 0) {
			fwrite(buf, 1, (size_t)rc, stdout);
			fflush(stdout);
		} else if (rc == 0) {
			continue;
		} else if (rc == ERR_EOF) {
			if (!quiet)
				printf("\n--- end: eof\n");
			break;
		} else {
			fprintf(stderr, "ssh-tool: read: %s: %s\n",
			    err_name(rc), ssh_last_error(c));
			status = 3;
			break;
		}
	}
out:
	ssh_close(c);
	secret_free(pw);
	secret_free(pp);
	ssh_global_exit();
	return status;
}

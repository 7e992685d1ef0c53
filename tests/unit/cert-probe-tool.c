/*
 * cert-probe-tool: cert_probe_tls from the command line, for
 * tests/cert-probe.sh.  Usage: cert-probe-tool HOST PORT direct|client|server
 * [DOMAIN|-] [TIMEOUT_MS].  Prints serial=, sha256=, subject_cn=, self=
 * lines, or "error ERR_NAME: reason" on stderr and exits 1.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "err.h"

static long
num(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "cert-probe-tool: bad number: %s\n", s);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	enum cert_tls_mode mode;
	struct cert_info ci;
	const char *domain = NULL;
	char why[512] = "";
	long timeout = 5000;
	int r;

	if (argc < 4 || argc > 6) {
		fprintf(stderr, "usage: cert-probe-tool HOST PORT "
		    "direct|client|server [DOMAIN|-] [TIMEOUT_MS]\n");
		return 2;
	}
	/* The library writes to sockets: a reset peer must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	if (strcmp(argv[3], "direct") == 0)
		mode = CERT_TLS_DIRECT;
	else if (strcmp(argv[3], "client") == 0)
		mode = CERT_TLS_XMPP_CLIENT;
	else if (strcmp(argv[3], "server") == 0)
		mode = CERT_TLS_XMPP_SERVER;
	else {
		fprintf(stderr, "cert-probe-tool: bad mode %s\n", argv[3]);
		return 2;
	}
	if (argc > 4 && strcmp(argv[4], "-") != 0)
		domain = argv[4];
	if (argc > 5)
		timeout = num(argv[5], 1, 600000);
	r = cert_probe_tls(argv[1], (int)num(argv[2], 0, 65535), mode, domain,
	    (int)timeout, &ci, why, sizeof why);
	if (r != 0) {
		fprintf(stderr, "error %s: %s\n", err_name(r), why);
		return 1;
	}
	printf("serial=%s\nsha256=%s\nsubject_cn=%s\nself=%d\n", ci.serial,
	    ci.sha256_hex, ci.subject_cn, ci.self_signed);
	return 0;
}

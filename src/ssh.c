/*
 * ssh: one SSH connection to a node over libssh2 in non-blocking mode.  Every
 * wait is a poll() on the socket in the direction libssh2 asks for, bounded
 * by a deadline from the monotonic clock.  The host key is checked against
 * known_hosts before the first userauth request; libssh2 errors become
 * ERR_* values through one table (ssh_errmap).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include <libssh2.h>
#include <openssl/evp.h>

#include "buf.h"
#include "err.h"
#include "esc.h"
#include "secret.h"
#include "ssh.h"

#define SSH_DEFAULT_TIMEOUT_MS 30000
#define SSH_CLOSE_MS 2000        /* the whole polite close */
#define SSH_LOCK_MS 5000         /* waiting for the known_hosts lock */
#define SSH_LABEL_MAX 320
#define SSH_ERR_MAX 640

struct ssh_conn {
	int fd;
	LIBSSH2_SESSION *s;
	LIBSSH2_CHANNEL *ch;
	int write_timeout_ms;
	int keepalive;
	int dead;                 /* transport broken: skip the polite close */
	int handshaken;           /* keys exchanged: a disconnect can be sent */
	const char *method;
	char fp[SSH_FP_MAX];
	char label[SSH_LABEL_MAX]; /* "node (host port N)", escaped */
	char err[SSH_ERR_MAX];    /* last ssh_read/ssh_write failure */

	/* keyboard-interactive: the callback only gets the session abstract */
	const struct secret *kbd_pw;
	int kbd_answered;         /* the password went out in this attempt */
	int kbd_again;            /* a second password prompt was refused */
	char kbd_refused[128];    /* first prompt not answered, escaped */
};

/* ------------------------------------------------------------ errors */

/* The boundary between libssh2's codes and ours (curl's habit). */
static const struct {
	int lib;
	int err;
} ssh_errmap[] = {
	{ LIBSSH2_ERROR_SOCKET_NONE, ERR_IO },
	{ LIBSSH2_ERROR_BANNER_RECV, ERR_SSH },
	{ LIBSSH2_ERROR_BANNER_SEND, ERR_IO },
	{ LIBSSH2_ERROR_INVALID_MAC, ERR_SSH },
	{ LIBSSH2_ERROR_KEX_FAILURE, ERR_SSH },
	{ LIBSSH2_ERROR_ALLOC, ERR_NOMEM },
	{ LIBSSH2_ERROR_SOCKET_SEND, ERR_IO },
	{ LIBSSH2_ERROR_KEY_EXCHANGE_FAILURE, ERR_SSH },
	{ LIBSSH2_ERROR_TIMEOUT, ERR_TIMEOUT },
	{ LIBSSH2_ERROR_HOSTKEY_INIT, ERR_SSH },
	{ LIBSSH2_ERROR_HOSTKEY_SIGN, ERR_SSH },
	{ LIBSSH2_ERROR_DECRYPT, ERR_SSH },
	{ LIBSSH2_ERROR_SOCKET_DISCONNECT, ERR_EOF },
	{ LIBSSH2_ERROR_PROTO, ERR_SSH },
	{ LIBSSH2_ERROR_PASSWORD_EXPIRED, ERR_AUTH },
	{ LIBSSH2_ERROR_FILE, ERR_IO },
	{ LIBSSH2_ERROR_METHOD_NONE, ERR_SSH },
	{ LIBSSH2_ERROR_AUTHENTICATION_FAILED, ERR_AUTH },
	{ LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED, ERR_AUTH },
	{ LIBSSH2_ERROR_CHANNEL_OUTOFORDER, ERR_SSH },
	{ LIBSSH2_ERROR_CHANNEL_FAILURE, ERR_SSH },
	{ LIBSSH2_ERROR_CHANNEL_REQUEST_DENIED, ERR_SSH },
	{ LIBSSH2_ERROR_CHANNEL_UNKNOWN, ERR_SSH },
	{ LIBSSH2_ERROR_CHANNEL_WINDOW_EXCEEDED, ERR_SSH },
	{ LIBSSH2_ERROR_CHANNEL_PACKET_EXCEEDED, ERR_SSH },
	{ LIBSSH2_ERROR_CHANNEL_CLOSED, ERR_EOF },
	{ LIBSSH2_ERROR_CHANNEL_EOF_SENT, ERR_EOF },
	{ LIBSSH2_ERROR_SCP_PROTOCOL, ERR_SSH },
	{ LIBSSH2_ERROR_ZLIB, ERR_SSH },
	{ LIBSSH2_ERROR_SOCKET_TIMEOUT, ERR_TIMEOUT },
	{ LIBSSH2_ERROR_SFTP_PROTOCOL, ERR_SSH },
	{ LIBSSH2_ERROR_REQUEST_DENIED, ERR_SSH },
	{ LIBSSH2_ERROR_METHOD_NOT_SUPPORTED, ERR_SSH },
	{ LIBSSH2_ERROR_INVAL, ERR_INVAL },
	{ LIBSSH2_ERROR_INVALID_POLL_TYPE, ERR_INVAL },
	{ LIBSSH2_ERROR_PUBLICKEY_PROTOCOL, ERR_SSH },
	/* EAGAIN only escapes a wait loop when its deadline passed. */
	{ LIBSSH2_ERROR_EAGAIN, ERR_TIMEOUT },
	{ LIBSSH2_ERROR_BUFFER_TOO_SMALL, ERR_TOOBIG },
	{ LIBSSH2_ERROR_BAD_USE, ERR_INVAL },
	{ LIBSSH2_ERROR_COMPRESS, ERR_SSH },
	{ LIBSSH2_ERROR_OUT_OF_BOUNDARY, ERR_SSH },
	{ LIBSSH2_ERROR_AGENT_PROTOCOL, ERR_SSH },
	{ LIBSSH2_ERROR_SOCKET_RECV, ERR_IO },
	{ LIBSSH2_ERROR_ENCRYPT, ERR_SSH },
	{ LIBSSH2_ERROR_BAD_SOCKET, ERR_IO },
	{ LIBSSH2_ERROR_KNOWN_HOSTS, ERR_IO },
	{ LIBSSH2_ERROR_CHANNEL_WINDOW_FULL, ERR_SSH },
	{ LIBSSH2_ERROR_KEYFILE_AUTH_FAILED, ERR_AUTH },
	{ LIBSSH2_ERROR_RANDGEN, ERR_CRYPTO },
};

int
ssh_map_error(int e)
{
	size_t i;

	if (e >= 0)
		return 0;
	for (i = 0; i < sizeof ssh_errmap / sizeof ssh_errmap[0]; i++)
		if (ssh_errmap[i].lib == e)
			return ssh_errmap[i].err;
	return ERR_SSH;
}

/* The transport is gone after this error: stop trying other methods. */
static int
ssh_fatal(int e)
{
	switch (e) {
	case LIBSSH2_ERROR_SOCKET_NONE:
	case LIBSSH2_ERROR_SOCKET_SEND:
	case LIBSSH2_ERROR_SOCKET_RECV:
	case LIBSSH2_ERROR_SOCKET_DISCONNECT:
	case LIBSSH2_ERROR_BAD_SOCKET:
	case LIBSSH2_ERROR_PROTO:
	case LIBSSH2_ERROR_DECRYPT:
	case LIBSSH2_ERROR_ENCRYPT:
	case LIBSSH2_ERROR_INVALID_MAC:
	case LIBSSH2_ERROR_KEX_FAILURE:
	case LIBSSH2_ERROR_ALLOC:
	case LIBSSH2_ERROR_TIMEOUT:
	case LIBSSH2_ERROR_SOCKET_TIMEOUT:
	case LIBSSH2_ERROR_EAGAIN:
		return 1;
	default:
		return 0;
	}
}

static void ssh_whyf(char *why, size_t whysz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
ssh_whyf(char *why, size_t whysz, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL || whysz == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(why, whysz, fmt, ap);
	va_end(ap);
}

/* libssh2's last message for this session, escaped into dst. */
static const char *
ssh_libmsg(LIBSSH2_SESSION *s, char *dst, size_t dstsz)
{
	char *msg = NULL;
	int len = 0;

	(void)libssh2_session_last_error(s, &msg, &len, 0);
	if (msg == NULL || len <= 0)
		esc_fixed(dst, dstsz, "unknown error", 13);
	else
		esc_fixed(dst, dstsz, msg, (size_t)len);
	return dst;
}

static const char *
ssh_strerror(int e, char *dst, size_t dstsz)
{
	/* GNU strerror_r may or may not use dst; either way it is safe. */
	const char *m = strerror_r(e, dst, dstsz);

	return m != NULL ? m : "unknown error";
}

/* ------------------------------------------------------------ time, poll */

static int64_t
ssh_now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
ssh_expired(int64_t deadline)
{
	return deadline >= 0 && ssh_now_ms() >= deadline;
}

static int
ssh_poll_ms(int64_t wake)
{
	int64_t now;

	if (wake < 0)
		return -1;
	now = ssh_now_ms();
	if (wake <= now)
		return 0;
	return wake - now > INT_MAX ? INT_MAX : (int)(wake - now);
}

/*
 * Wait until the socket is ready the way libssh2 last asked, the deadline
 * passes (-1: none) or a keepalive falls due (it is sent from here once the
 * shell is open).  0 (the caller retries and checks its deadline) or ERR_IO.
 */
static int
ssh_wait(struct ssh_conn *c, int64_t deadline)
{
	struct pollfd pfd;
	int64_t wake = deadline;
	int dir, next;

	if (c->keepalive > 0 && c->ch != NULL) {
		next = 0;
		if (libssh2_keepalive_send(c->s, &next) == 0 && next > 0) {
			int64_t k = ssh_now_ms() + (int64_t)next * 1000;

			if (wake < 0 || k < wake)
				wake = k;
		}
	}
	dir = libssh2_session_block_directions(c->s);
	pfd.fd = c->fd;
	pfd.events = 0;
	pfd.revents = 0;
	if (dir & LIBSSH2_SESSION_BLOCK_INBOUND)
		pfd.events |= POLLIN;
	if (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND)
		pfd.events |= POLLOUT;
	if (pfd.events == 0)
		pfd.events = POLLIN;
	if (poll(&pfd, 1, ssh_poll_ms(wake)) < 0 && errno != EINTR)
		return ERR_IO;
	return 0;
}

/*
 * Run a libssh2 call returning int until it stops saying EAGAIN or the
 * deadline passes (rc is then still LIBSSH2_ERROR_EAGAIN).
 */
#define SSH_RETRY(c, deadline, rc, call)                                    \
	do {                                                                \
		while (((rc) = (call)) == LIBSSH2_ERROR_EAGAIN) {           \
			if (ssh_expired(deadline) ||                        \
			    ssh_wait((c), (deadline)) != 0)                 \
				break;                                      \
		}                                                           \
	} while (0)

/* The same for a call returning a pointer (NULL + last_errno EAGAIN). */
#define SSH_RETRY_PTR(c, deadline, ptr, call)                               \
	do {                                                                \
		while (((ptr) = (call)) == NULL &&                          \
		    libssh2_session_last_errno((c)->s) ==                   \
		        LIBSSH2_ERROR_EAGAIN) {                             \
			if (ssh_expired(deadline) ||                        \
			    ssh_wait((c), (deadline)) != 0)                 \
				break;                                      \
		}                                                           \
	} while (0)

/* ------------------------------------------------------------ allocators */

/*
 * libssh2 keeps passwords, keyboard-interactive answers and decrypted
 * packets in heap buffers it frees without wiping: wipe them here.
 */
static LIBSSH2_ALLOC_FUNC(ssh_alloc_cb)
{
	(void)abstract;
	return malloc(count);
}

static LIBSSH2_FREE_FUNC(ssh_free_cb)
{
	(void)abstract;
	if (ptr != NULL) {
		explicit_bzero(ptr, malloc_usable_size(ptr));
		free(ptr);
	}
}

static LIBSSH2_REALLOC_FUNC(ssh_realloc_cb)
{
	size_t old;
	void *n;

	(void)abstract;
	if (ptr == NULL)
		return malloc(count);
	old = malloc_usable_size(ptr);
	if (count <= old)
		return ptr;
	if ((n = malloc(count)) == NULL)
		return NULL;
	memcpy(n, ptr, old);
	explicit_bzero(ptr, old);
	free(ptr);
	return n;
}

/* ------------------------------------------------------------ pure helpers */

int
ssh_fp_format(const unsigned char *blob, size_t len, char *out, size_t outsz)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned char b64[((EVP_MAX_MD_SIZE + 2) / 3) * 4 + 1];
	unsigned int mdlen = 0;
	int n;

	if (blob == NULL || out == NULL)
		return ERR_INVAL;
	if (EVP_Digest(blob, len, md, &mdlen, EVP_sha256(), NULL) != 1)
		return ERR_CRYPTO;
	n = EVP_EncodeBlock(b64, md, (int)mdlen);
	while (n > 0 && b64[n - 1] == '=')
		n--;
	b64[n] = '\0';
	if (outsz < (size_t)n + 8)
		return ERR_TOOBIG;
	(void)snprintf(out, outsz, "SHA256:%s", (const char *)b64);
	return 0;
}

/* The fingerprint of a base64 key as stored in known_hosts. */
static int
ssh_fp_b64(const char *b64, char *out, size_t outsz)
{
	size_t len = strlen(b64), pad = 0;
	unsigned char *raw;
	int n, rc;

	if (len == 0 || len % 4 != 0 || len > 64 * 1024)
		return ERR_INVAL;
	if ((raw = malloc(len / 4 * 3 + 1)) == NULL)
		return ERR_NOMEM;
	n = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)len);
	if (n < 0) {
		free(raw);
		return ERR_INVAL;
	}
	/* DecodeBlock counts the padding as zero bytes. */
	while (pad < 2 && b64[len - 1 - pad] == '=')
		pad++;
	rc = ssh_fp_format(raw, (size_t)n - pad, out, outsz);
	free(raw);
	return rc;
}

int
ssh_kh_name(const char *host, int port, char *out, size_t outsz)
{
	const char *p;
	int n;

	if (host == NULL || *host == '\0' || strchr("|@#!", *host) != NULL)
		return ERR_INVAL;
	for (p = host; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == ',' || *p == 0x7f)
			return ERR_INVAL;
	if (port == 0 || port == 22)
		n = snprintf(out, outsz, "%s", host);
	else
		n = snprintf(out, outsz, "[%s]:%d", host, port);
	if (n < 0 || (size_t)n >= outsz)
		return ERR_TOOBIG;
	return 0;
}

int
ssh_kh_line(const char *host, int port, const unsigned char *blob,
    size_t len, char **out)
{
	char name[300], *line;
	uint32_t tl;
	size_t i, b64len, sz;
	int rc, n;

	*out = NULL;
	if ((rc = ssh_kh_name(host, port, name, sizeof name)) != 0)
		return rc;
	/* The blob starts with its type: uint32 length, then the name. */
	if (blob == NULL || len < 5 || len > 64 * 1024)
		return ERR_INVAL;
	tl = (uint32_t)blob[0] << 24 | (uint32_t)blob[1] << 16 |
	    (uint32_t)blob[2] << 8 | blob[3];
	if (tl == 0 || tl > 64 || tl > len - 4)
		return ERR_INVAL;
	for (i = 0; i < tl; i++) {
		unsigned char ch = blob[4 + i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '@' ||
		    ch == '.' || ch == '_'))
			return ERR_INVAL;
	}
	b64len = (len + 2) / 3 * 4;
	sz = strlen(name) + 1 + tl + 1 + b64len + 2;
	if ((line = malloc(sz)) == NULL)
		return ERR_NOMEM;
	n = snprintf(line, sz, "%s %.*s ", name, (int)tl,
	    (const char *)blob + 4);
	n += EVP_EncodeBlock((unsigned char *)line + n, blob, (int)len);
	line[n++] = '\n';
	line[n] = '\0';
	*out = line;
	return 0;
}

int
ssh_prompt_is_password(const char *text, size_t len)
{
	static const char *const refuse[] = { "new", "again", "retype",
		"re-enter", "reenter", "confirm", "verif" };
	char low[256];
	size_t i;

	if (text == NULL || len == 0 || len >= sizeof low)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)text[i];

		if (ch == '\0')
			return 0;
		low[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : (char)ch;
	}
	low[len] = '\0';
	if (strstr(low, "password") == NULL && strstr(low, "passwort") == NULL)
		return 0;
	/* A password change or a second factor is not ours to answer. */
	for (i = 0; i < sizeof refuse / sizeof refuse[0]; i++)
		if (strstr(low, refuse[i]) != NULL)
			return 0;
	return 1;
}

/* ------------------------------------------------------------ key types */

static const struct ssh_keytype {
	int hostkey;      /* LIBSSH2_HOSTKEY_TYPE_* */
	int kh;           /* LIBSSH2_KNOWNHOST_KEY_* */
	const char *label;
	const char *algs; /* host key algorithms that use this key type */
} ssh_keytypes[] = {
	{ LIBSSH2_HOSTKEY_TYPE_ED25519, LIBSSH2_KNOWNHOST_KEY_ED25519,
	  "ED25519", ",ssh-ed25519," },
	{ LIBSSH2_HOSTKEY_TYPE_ECDSA_256, LIBSSH2_KNOWNHOST_KEY_ECDSA_256,
	  "ECDSA", ",ecdsa-sha2-nistp256," },
	{ LIBSSH2_HOSTKEY_TYPE_ECDSA_384, LIBSSH2_KNOWNHOST_KEY_ECDSA_384,
	  "ECDSA", ",ecdsa-sha2-nistp384," },
	{ LIBSSH2_HOSTKEY_TYPE_ECDSA_521, LIBSSH2_KNOWNHOST_KEY_ECDSA_521,
	  "ECDSA", ",ecdsa-sha2-nistp521," },
	{ LIBSSH2_HOSTKEY_TYPE_RSA, LIBSSH2_KNOWNHOST_KEY_SSHRSA,
	  "RSA", ",rsa-sha2-512,rsa-sha2-256,ssh-rsa," },
	{ LIBSSH2_HOSTKEY_TYPE_DSS, LIBSSH2_KNOWNHOST_KEY_SSHDSS,
	  "DSA", ",ssh-dss," },
};
#define SSH_NKEYTYPES (sizeof ssh_keytypes / sizeof ssh_keytypes[0])

static const struct ssh_keytype *
ssh_keytype_of_hostkey(int type)
{
	size_t i;

	for (i = 0; i < SSH_NKEYTYPES; i++)
		if (ssh_keytypes[i].hostkey == type)
			return &ssh_keytypes[i];
	return NULL;
}

static const struct ssh_keytype *
ssh_keytype_of_alg(const char *alg)
{
	char pat[80];
	size_t i;
	int n;

	n = snprintf(pat, sizeof pat, ",%s,", alg);
	if (n < 0 || (size_t)n >= sizeof pat)
		return NULL;
	for (i = 0; i < SSH_NKEYTYPES; i++)
		if (strstr(ssh_keytypes[i].algs, pat) != NULL)
			return &ssh_keytypes[i];
	return NULL;
}

/* ------------------------------------------------------------ known_hosts */

struct ssh_kh {
	LIBSSH2_KNOWNHOSTS *hosts;
	LIBSSH2_KNOWNHOSTS *revoked; /* @revoked lines */
	struct ssh_kh_line {
		struct libssh2_knownhost *e;
		long line;
	} *lines;                    /* entry -> line, for messages */
	size_t nlines, caplines;
	int exists;
	long skipped;                /* lines libssh2 cannot read */
};

static void
ssh_kh_free(struct ssh_kh *kh)
{
	if (kh->hosts != NULL)
		libssh2_knownhost_free(kh->hosts);
	if (kh->revoked != NULL)
		libssh2_knownhost_free(kh->revoked);
	free(kh->lines);
	memset(kh, 0, sizeof *kh);
}

static long
ssh_kh_lineno(const struct ssh_kh *kh, const struct libssh2_knownhost *e)
{
	size_t i;

	for (i = 0; i < kh->nlines; i++)
		if (kh->lines[i].e == e)
			return kh->lines[i].line;
	return 0;
}

/* Remember the line of the entries readline just added after *last. */
static int
ssh_kh_note(struct ssh_kh *kh, struct libssh2_knownhost **last, long line)
{
	struct libssh2_knownhost *e;

	while (libssh2_knownhost_get(kh->hosts, &e, *last) == 0) {
		if (kh->nlines == kh->caplines) {
			size_t nc = kh->caplines ? kh->caplines * 2 : 16;
			void *nv = realloc(kh->lines, nc * sizeof *kh->lines);

			if (nv == NULL)
				return ERR_NOMEM;
			kh->lines = nv;
			kh->caplines = nc;
		}
		kh->lines[kh->nlines].e = e;
		kh->lines[kh->nlines].line = line;
		kh->nlines++;
		*last = e;
	}
	return 0;
}

#define SSH_REVOKED_NAME "revoked"

/* Add "KEYTYPE BASE64 ..." (p starts at the blank before it) as revoked. */
static int
ssh_kh_revoked(struct ssh_kh *kh, const char *p)
{
	struct buf b;
	int rc;

	buf_init(&b, 64 * 1024);
	if ((rc = buf_addf(&b, "%s%s", SSH_REVOKED_NAME, p)) != 0)
		return rc;
	rc = libssh2_knownhost_readline(kh->revoked, buf_str(&b), b.len,
	    LIBSSH2_KNOWNHOST_FILE_OPENSSH) == 0 ? 0 : ERR_PARSE;
	buf_clear(&b);
	return rc;
}

/*
 * Load a known_hosts file line by line: a line libssh2 cannot read (a key
 * type it does not know, @cert-authority) is skipped, not fatal as with
 * libssh2_knownhost_readfile().  A missing file is an empty one.
 */
static int
ssh_kh_load(LIBSSH2_SESSION *s, const char *path, struct ssh_kh *kh,
    char *why, size_t whysz)
{
	struct libssh2_knownhost *last = NULL;
	char *line = NULL, ebuf[128];
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	FILE *fp;
	int rc = 0;

	memset(kh, 0, sizeof *kh);
	kh->hosts = libssh2_knownhost_init(s);
	kh->revoked = libssh2_knownhost_init(s);
	if (kh->hosts == NULL || kh->revoked == NULL) {
		ssh_kh_free(kh);
		ssh_whyf(why, whysz, "out of memory");
		return ERR_NOMEM;
	}
	if ((fp = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		ssh_whyf(why, whysz, "cannot read known_hosts %s: %s", path,
		    ssh_strerror(errno, ebuf, sizeof ebuf));
		ssh_kh_free(kh);
		return ERR_IO;
	}
	kh->exists = 1;
	while ((len = getline(&line, &cap, fp)) >= 0) {
		char *p = line;

		lineno++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0')
			continue;
		if (strncmp(p, "@revoked", 8) == 0 &&
		    (p[8] == ' ' || p[8] == '\t')) {
			/*
			 * A revoked key is refused for every host (libssh2
			 * has no host patterns): keep it under one name.
			 */
			p += 9;
			p += strspn(p, " \t");
			p += strcspn(p, " \t");
			if (*p == '\0' || (rc = ssh_kh_revoked(kh, p)) < 0)
				kh->skipped++;
			if (rc == ERR_NOMEM)
				break;
			rc = 0;
			continue;
		}
		if (*p == '@') {  /* @cert-authority: no host certificates */
			kh->skipped++;
			continue;
		}
		if (libssh2_knownhost_readline(kh->hosts, p, strlen(p),
		    LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0) {
			kh->skipped++;
			continue;
		}
		if ((rc = ssh_kh_note(kh, &last, lineno)) != 0)
			break;
	}
	if (rc == 0 && ferror(fp)) {
		ssh_whyf(why, whysz, "cannot read known_hosts %s: %s", path,
		    ssh_strerror(errno, ebuf, sizeof ebuf));
		rc = ERR_IO;
	}
	free(line);
	fclose(fp);
	if (rc != 0) {
		if (rc == ERR_NOMEM)
			ssh_whyf(why, whysz, "out of memory");
		ssh_kh_free(kh);
	}
	return rc;
}

/*
 * Which key types known_hosts holds for this host (known[] is indexed like
 * ssh_keytypes); the count of types.  A dummy key gives MISMATCH exactly
 * when an entry of that type exists for the name.
 */
static int
ssh_kh_known(const struct ssh_kh *kh, const char *host, int port,
    int known[SSH_NKEYTYPES])
{
	size_t k;
	int n = 0;

	for (k = 0; k < SSH_NKEYTYPES; k++) {
		known[k] = libssh2_knownhost_checkp(kh->hosts, host, port, "x",
		    1, LIBSSH2_KNOWNHOST_TYPE_PLAIN |
		    LIBSSH2_KNOWNHOST_KEYENC_RAW | ssh_keytypes[k].kh, NULL) ==
		    LIBSSH2_KNOWNHOST_CHECK_MISMATCH;
		n += known[k];
	}
	return n;
}

/*
 * Put the host key algorithms of the key types known_hosts has for this
 * host first (as OpenSSH does), so that a host known by its ED25519 key is
 * not met with its ECDSA key and called unknown.
 */
static int
ssh_hostkey_pref(struct ssh_conn *c, const struct ssh_kh *kh,
    const char *host, int port)
{
	int known[SSH_NKEYTYPES], n, i, pass, rc = 0;
	const char **algs = NULL;
	struct buf b;

	if (ssh_kh_known(kh, host, port, known) == 0)
		return 0;
	n = libssh2_session_supported_algs(c->s, LIBSSH2_METHOD_HOSTKEY, &algs);
	if (n <= 0)
		return 0;
	/*
	 * Only names from libssh2's own list: 1.10 strips unknown names from
	 * a preference with an overlapping memcpy().
	 */
	buf_init(&b, 4096);
	for (pass = 0; pass < 2 && rc == 0; pass++) {
		for (i = 0; i < n && rc == 0; i++) {
			const struct ssh_keytype *t = ssh_keytype_of_alg(algs[i]);
			int first = t != NULL && known[t - ssh_keytypes];

			if (first == (pass == 0))
				rc = buf_addf(&b, "%s%s", b.len ? "," : "",
				    algs[i]);
		}
	}
	if (rc == 0 && b.len > 0)
		(void)libssh2_session_method_pref(c->s, LIBSSH2_METHOD_HOSTKEY,
		    buf_str(&b));
	buf_clear(&b);
	libssh2_free(c->s, (void *)algs);
	return rc;
}

static int
ssh_write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * accept-new: append the key under an exclusive lock, after looking again
 * (a parallel session may have added this host meanwhile).  0, or
 * ERR_HOSTKEY_CHANGED / ERR_IO / ERR_NOMEM with why set.
 */
static int
ssh_kh_append(struct ssh_conn *c, const char *path, const char *host,
    int port, const unsigned char *key, size_t keylen,
    const struct ssh_keytype *t, char *why, size_t whysz)
{
	struct libssh2_knownhost *e = NULL;
	char *line = NULL, ebuf[128], fp2[SSH_FP_MAX] = "?";
	struct ssh_kh kh2;
	struct stat st;
	int64_t lock_deadline = ssh_now_ms() + SSH_LOCK_MS;
	int fd, rc, check;

	if ((rc = ssh_kh_line(host, port, key, keylen, &line)) != 0) {
		ssh_whyf(why, whysz, "%s: cannot write a known_hosts entry "
		    "for this host name", c->label);
		return rc == ERR_NOMEM ? rc : ERR_INVAL;
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		ssh_whyf(why, whysz, "%s: cannot add the host key to %s: %s",
		    c->label, path, ssh_strerror(errno, ebuf, sizeof ebuf));
		free(line);
		return ERR_IO;
	}
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if ((errno != EWOULDBLOCK && errno != EINTR) ||
		    ssh_now_ms() >= lock_deadline) {
			ssh_whyf(why, whysz, "%s: cannot lock %s: %s",
			    c->label, path, ssh_strerror(errno, ebuf,
			    sizeof ebuf));
			rc = ERR_IO;
			goto out;
		}
		(void)poll(NULL, 0, 10);
	}
	if ((rc = ssh_kh_load(c->s, path, &kh2, why, whysz)) != 0)
		goto out;
	check = libssh2_knownhost_checkp(kh2.hosts, host, port,
	    (const char *)key, keylen, LIBSSH2_KNOWNHOST_TYPE_PLAIN |
	    LIBSSH2_KNOWNHOST_KEYENC_RAW | t->kh, &e);
	if (check == LIBSSH2_KNOWNHOST_CHECK_MISMATCH) {
		if (e != NULL && e->key != NULL)
			(void)ssh_fp_b64(e->key, fp2, sizeof fp2);
		ssh_whyf(why, whysz, "%s: HOST KEY CHANGED: the server's %s "
		    "key is %s but %s line %ld (just added by another "
		    "session) has %s; refusing to connect, no credential "
		    "was sent", c->label, t->label, c->fp, path,
		    ssh_kh_lineno(&kh2, e), fp2);
		rc = ERR_HOSTKEY_CHANGED;
	} else if (check != LIBSSH2_KNOWNHOST_CHECK_MATCH) {
		/* Start on a new line if the last one has no newline. */
		if (fstat(fd, &st) == 0 && st.st_size > 0) {
			char last = '\n';

			if (pread(fd, &last, 1, st.st_size - 1) == 1 &&
			    last != '\n' && ssh_write_all(fd, "\n", 1) != 0)
				rc = ERR_IO;
		}
		/* One write: O_APPEND keeps it whole even without the lock. */
		if (rc == 0 && (ssh_write_all(fd, line, strlen(line)) != 0 ||
		    fsync(fd) != 0))
			rc = ERR_IO;
		if (rc != 0)
			ssh_whyf(why, whysz, "%s: cannot add the host key to "
			    "%s: %s", c->label, path, ssh_strerror(errno, ebuf,
			    sizeof ebuf));
	}
	ssh_kh_free(&kh2);
out:
	close(fd);  /* drops the lock */
	free(line);
	return rc;
}

/* Check the server's host key; 0 when it may be trusted. */
static int
ssh_check_hostkey(struct ssh_conn *c, const struct ssh_opts *o,
    const struct ssh_kh *kh, const char *host, int port, char *why,
    size_t whysz)
{
	struct libssh2_knownhost *e = NULL;
	const struct ssh_keytype *t;
	char fp2[SSH_FP_MAX] = "?", ehost[160];
	const unsigned char *key;
	size_t keylen = 0;
	int type = 0, rc, known[SSH_NKEYTYPES];

	key = (const unsigned char *)libssh2_session_hostkey(c->s, &keylen,
	    &type);
	if (key == NULL || keylen == 0) {
		ssh_whyf(why, whysz, "%s: the server sent no host key",
		    c->label);
		return ERR_SSH;
	}
	if ((t = ssh_keytype_of_hostkey(type)) == NULL) {
		ssh_whyf(why, whysz, "%s: unsupported host key type %d",
		    c->label, type);
		return ERR_SSH;
	}
	if ((rc = ssh_fp_format(key, keylen, c->fp, sizeof c->fp)) != 0) {
		ssh_whyf(why, whysz, "%s: cannot hash the host key", c->label);
		return rc;
	}
	if (libssh2_knownhost_checkp(kh->revoked, SSH_REVOKED_NAME, -1,
	    (const char *)key, keylen, LIBSSH2_KNOWNHOST_TYPE_PLAIN |
	    LIBSSH2_KNOWNHOST_KEYENC_RAW | t->kh, NULL) ==
	    LIBSSH2_KNOWNHOST_CHECK_MATCH) {
		ssh_whyf(why, whysz, "%s: the server's %s host key %s is "
		    "marked @revoked in %s; refusing to connect, no "
		    "credential was sent", c->label, t->label, c->fp,
		    o->known_hosts);
		return ERR_HOSTKEY_CHANGED;
	}
	rc = libssh2_knownhost_checkp(kh->hosts, host, port,
	    (const char *)key, keylen, LIBSSH2_KNOWNHOST_TYPE_PLAIN |
	    LIBSSH2_KNOWNHOST_KEYENC_RAW | t->kh, &e);
	switch (rc) {
	case LIBSSH2_KNOWNHOST_CHECK_MATCH:
		return 0;
	case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
		if (e != NULL && e->key != NULL)
			(void)ssh_fp_b64(e->key, fp2, sizeof fp2);
		ssh_whyf(why, whysz, "%s: HOST KEY CHANGED: the server's %s "
		    "key is %s but %s line %ld has %s; refusing to connect, "
		    "no credential was sent (if the node was reinstalled, "
		    "remove that line and connect again)", c->label,
		    t->label, c->fp, o->known_hosts, ssh_kh_lineno(kh, e),
		    fp2);
		return ERR_HOSTKEY_CHANGED;
	case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
		break;
	default:
		ssh_whyf(why, whysz, "%s: cannot check the host key",
		    c->label);
		return ERR_SSH;
	}
	esc_fixed(ehost, sizeof ehost, host, strlen(host));
	if (ssh_kh_known(kh, host, port, known) > 0) {
		/*
		 * Known, but by keys of other types: a man in the middle would
		 * offer exactly this.  Not even accept-new takes it.
		 */
		struct buf tl;
		size_t k;

		buf_init(&tl, 128);
		for (k = 0; k < SSH_NKEYTYPES; k++)
			if (known[k] && strstr(buf_str(&tl),
			    ssh_keytypes[k].label) == NULL)
				(void)buf_addf(&tl, "%s%s", tl.len ? ", " : "",
				    ssh_keytypes[k].label);
		ssh_whyf(why, whysz, "%s: host key not known: %s has only %s "
		    "keys for this host, and the server offered its %s key "
		    "%s; refusing to connect, no credential was sent (check "
		    "the key and add it by hand: ssh-keyscan -p %d %s)",
		    c->label, o->known_hosts, buf_str(&tl), t->label, c->fp,
		    port, ehost);
		buf_clear(&tl);
		return ERR_HOSTKEY_UNKNOWN;
	}
	if (o->policy != HOSTKEY_ACCEPT_NEW) {
		ssh_whyf(why, whysz, "%s: host key not known: the server's "
		    "%s key %s is not in %s%s; check it and add it "
		    "(ssh-keyscan -p %d %s), or use policy accept-new",
		    c->label, t->label, c->fp, o->known_hosts,
		    kh->exists ? "" : " (no such file)", port, ehost);
		return ERR_HOSTKEY_UNKNOWN;
	}
	return ssh_kh_append(c, o->known_hosts, host, port, key, keylen, t,
	    why, whysz);
}

/* ------------------------------------------------------------ connect */

/*
 * A TCP connection to one of the host's addresses, tried in order; each
 * gets an equal share of the time left so that one black hole does not eat
 * it all.
 */
static int
ssh_tcp_connect(struct ssh_conn *c, const char *host, int port,
    int64_t deadline, char *why, size_t whysz)
{
	struct addrinfo hints, *res = NULL, *ai;
	char portstr[16], addr[INET6_ADDRSTRLEN + 2], ebuf[128], ehost[160];
	char fails[256] = "";
	size_t naddr = 0, i = 0, fl = 0;
	int gai, fd = -1, rc, soerr;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	hints.ai_flags = AI_NUMERICSERV;
	(void)snprintf(portstr, sizeof portstr, "%d", port);
	esc_fixed(ehost, sizeof ehost, host, strlen(host));
	gai = getaddrinfo(host, portstr, &hints, &res);
	if (gai != 0) {
		ssh_whyf(why, whysz, "%s: cannot resolve %s: %s", c->label,
		    ehost, gai == EAI_SYSTEM ? ssh_strerror(errno, ebuf,
		    sizeof ebuf) : gai_strerror(gai));
		return gai == EAI_MEMORY ? ERR_NOMEM : ERR_RESOLVE;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next)
		naddr++;
	for (ai = res; ai != NULL; ai = ai->ai_next, i++) {
		int64_t now = ssh_now_ms(), mine;
		const void *a;
		const char *err = NULL;

		if (deadline >= 0 && now >= deadline)
			break;
		mine = deadline < 0 ? -1 :
		    now + (deadline - now) / (int64_t)(naddr - i);
		if (ai->ai_family == AF_INET6)
			a = &((struct sockaddr_in6 *)(void *)ai->ai_addr)->sin6_addr;
		else
			a = &((struct sockaddr_in *)(void *)ai->ai_addr)->sin_addr;
		if (inet_ntop(ai->ai_family, a, addr, sizeof addr) == NULL)
			(void)snprintf(addr, sizeof addr, "?");
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			err = ssh_strerror(errno, ebuf, sizeof ebuf);
		} else if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 &&
		    errno != EINPROGRESS) {
			err = ssh_strerror(errno, ebuf, sizeof ebuf);
		} else {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };
			socklen_t sl = sizeof soerr;

			do
				rc = poll(&pfd, 1, ssh_poll_ms(mine));
			while (rc < 0 && errno == EINTR);
			if (rc == 0)
				err = "timed out";
			else if (rc < 0)
				err = ssh_strerror(errno, ebuf, sizeof ebuf);
			else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr,
			    &sl) != 0)
				err = ssh_strerror(errno, ebuf, sizeof ebuf);
			else if (soerr != 0)
				err = ssh_strerror(soerr, ebuf, sizeof ebuf);
		}
		if (err == NULL)
			break;
		if (fl < sizeof fails) {
			int n = snprintf(fails + fl, sizeof fails - fl, "%s%s: %s",
			    fl ? ", " : "", addr, err);

			if (n > 0)
				fl += (size_t)n;
		}
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		if (ssh_expired(deadline)) {
			ssh_whyf(why, whysz, "%s: cannot connect to %s port %d "
			    "within the connect timeout (%s)", c->label, ehost,
			    port, fl ? fails : "no time left");
			return ERR_TIMEOUT;
		}
		ssh_whyf(why, whysz, "%s: cannot connect to %s port %d: %s",
		    c->label, ehost, port, fails);
		return ERR_CONNECT;
	}
	rc = 1;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &rc, sizeof rc);
	c->fd = fd;
	return 0;
}

/* Fill why for a failed libssh2 call in a phase of ssh_connect(). */
static int
ssh_phase_fail(struct ssh_conn *c, int lrc, const char *phase,
    int timeout_ms, char *why, size_t whysz)
{
	char msg[200];
	int err;

	if (lrc == LIBSSH2_ERROR_EAGAIN) {
		ssh_whyf(why, whysz, "%s: timed out (%d ms) %s", c->label,
		    timeout_ms, phase);
		return ERR_TIMEOUT;
	}
	if (ssh_fatal(lrc))
		c->dead = 1;
	err = ssh_map_error(lrc);
	/* The contract of ssh_connect: a lost transport is ERR_CONNECT. */
	if (err == ERR_EOF || err == ERR_IO)
		err = ERR_CONNECT;
	ssh_whyf(why, whysz, "%s: %s %s: %s", c->label,
	    err == ERR_CONNECT ? "connection lost" : "SSH error", phase,
	    ssh_libmsg(c->s, msg, sizeof msg));
	return err;
}

/* ------------------------------------------------------------ auth */

static int
ssh_list_has(const char *list, const char *word)
{
	size_t wl = strlen(word);
	const char *p = list;

	while (p != NULL && *p) {
		const char *end = strchr(p, ',');
		size_t l = end ? (size_t)(end - p) : strlen(p);

		if (l == wl && strncmp(p, word, wl) == 0)
			return 1;
		p = end ? end + 1 : NULL;
	}
	return 0;
}

static const char *const ssh_methods[] = { "agent", "publickey", "password",
	"keyboard-interactive" };

static int
ssh_methods_valid(const char *list, char *bad, size_t badsz)
{
	const char *p = list;

	while (p != NULL && *p) {
		const char *end = strchr(p, ',');
		size_t l = end ? (size_t)(end - p) : strlen(p), i;
		int found = 0;

		for (i = 0; i < 4; i++)
			if (strlen(ssh_methods[i]) == l &&
			    strncmp(p, ssh_methods[i], l) == 0)
				found = 1;
		if (!found) {
			esc_fixed(bad, badsz, p, l);
			return 0;
		}
		p = end ? end + 1 : NULL;
	}
	return 1;
}

static int
ssh_allowed(const struct ssh_opts *o, const char *m)
{
	return o->methods == NULL || ssh_list_has(o->methods, m);
}

static void
ssh_tried(struct buf *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
ssh_tried(struct buf *t, const char *fmt, ...)
{
	va_list ap;

	if (t->len > 0)
		(void)buf_addstr(t, ", ");
	va_start(ap, fmt);
	(void)buf_vaddf(t, fmt, ap);
	va_end(ap);
}

static LIBSSH2_USERAUTH_KBDINT_RESPONSE_FUNC(ssh_kbd_cb)
{
	struct ssh_conn *c = *abstract;
	int i, answer = num_prompts > 0;

	(void)name;
	(void)name_len;
	(void)instruction;
	(void)instruction_len;
	/* Answer a round only if we understand every prompt in it. */
	for (i = 0; i < num_prompts; i++) {
		const LIBSSH2_USERAUTH_KBDINT_PROMPT *pr = &prompts[i];
		int pw = !pr->echo && num_prompts == 1 && c->kbd_pw != NULL &&
		    ssh_prompt_is_password(pr->text, pr->length);

		if (pw && c->kbd_answered) {
			c->kbd_again = 1;
			pw = 0;
		}
		if (!pw) {
			answer = 0;
			if (c->kbd_refused[0] == '\0')
				esc_fixed(c->kbd_refused, sizeof c->kbd_refused,
				    pr->text ? pr->text : "", pr->text ?
				    pr->length : 0);
		}
	}
	for (i = 0; i < num_prompts; i++) {
		size_t n = answer ? secret_len(c->kbd_pw) : 0;

		/* libssh2 frees this with ssh_free_cb, which wipes it. */
		responses[i].text = malloc(n + 1);
		responses[i].length = 0;
		if (responses[i].text == NULL)
			continue;
		if (n > 0)
			memcpy(responses[i].text, secret_value(c->kbd_pw), n);
		responses[i].text[n] = '\0';
		responses[i].length = (unsigned int)n;
	}
	if (answer)
		c->kbd_answered = 1;
}

/*
 * The result of one attempt: 0 authenticated, 1 refused (try the next
 * method; tried has the reason), or a negative ERR_* with why set.
 */
static int
ssh_attempt_result(struct ssh_conn *c, int lrc, const char *what,
    int timeout_ms, char *why, size_t whysz)
{
	char phase[160];

	if (lrc == 0 && libssh2_userauth_authenticated(c->s))
		return 0;
	if (lrc == LIBSSH2_ERROR_EAGAIN || ssh_fatal(lrc)) {
		(void)snprintf(phase, sizeof phase, "during authentication "
		    "(%s)", what);
		return ssh_phase_fail(c, lrc, phase, timeout_ms, why, whysz);
	}
	return 1;
}

static int
ssh_auth_agent(struct ssh_conn *c, const char *user, int64_t deadline,
    int tmo, struct buf *tried, char *why, size_t whysz)
{
	struct libssh2_agent_publickey *id = NULL, *prev = NULL;
	LIBSSH2_AGENT *a;
	int rc, lrc = 0, nkeys = 0;

	if ((a = libssh2_agent_init(c->s)) == NULL) {
		ssh_tried(tried, "agent (cannot start)");
		return 1;
	}
	if (libssh2_agent_connect(a) != 0) {
		ssh_tried(tried, "agent (no agent at $SSH_AUTH_SOCK)");
		libssh2_agent_free(a);
		return 1;
	}
	SSH_RETRY(c, deadline, lrc, libssh2_agent_list_identities(a));
	if (lrc != 0) {
		if ((rc = ssh_attempt_result(c, lrc, "agent", tmo, why,
		    whysz)) == 1)
			ssh_tried(tried, "agent (cannot list its keys)");
		goto out;
	}
	rc = 1;
	while (libssh2_agent_get_identity(a, &id, prev) == 0) {
		nkeys++;
		SSH_RETRY(c, deadline, lrc, libssh2_agent_userauth(a, user,
		    id));
		if ((rc = ssh_attempt_result(c, lrc, "agent", tmo, why,
		    whysz)) != 1)
			goto out;
		prev = id;
	}
	if (nkeys == 0)
		ssh_tried(tried, "agent (no keys)");
	else
		ssh_tried(tried, "agent (%d key%s refused)", nkeys,
		    nkeys == 1 ? "" : "s");
out:
	(void)libssh2_agent_disconnect(a);
	libssh2_agent_free(a);
	return rc;
}

static int
ssh_auth_keyfile(struct ssh_conn *c, const struct ssh_opts *o,
    int64_t deadline, int tmo, struct buf *tried, char *why, size_t whysz)
{
	const char *pass = o->passphrase ? secret_value(o->passphrase) : NULL;
	char pub[PATH_MAX], msg[200];
	const char *pubp = NULL;
	int lrc, rc, n;

	n = snprintf(pub, sizeof pub, "%s.pub", o->private_key);
	if (n > 0 && (size_t)n < sizeof pub && access(pub, R_OK) == 0)
		pubp = pub;
	SSH_RETRY(c, deadline, lrc, libssh2_userauth_publickey_fromfile_ex(
	    c->s, o->user, (unsigned int)strlen(o->user), pubp,
	    o->private_key, pass));
	if ((rc = ssh_attempt_result(c, lrc, "publickey", tmo, why,
	    whysz)) != 1)
		return rc;
	if (lrc == LIBSSH2_ERROR_FILE || lrc == LIBSSH2_ERROR_KEYFILE_AUTH_FAILED)
		ssh_tried(tried, "publickey %s (cannot use the key: %s)",
		    o->private_key, ssh_libmsg(c->s, msg, sizeof msg));
	else if (lrc == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED)
		/* The server took the public key; signing failed here. */
		ssh_tried(tried, "publickey %s (cannot use the key to sign, "
		    "wrong passphrase?: %s)", o->private_key,
		    ssh_libmsg(c->s, msg, sizeof msg));
	else
		ssh_tried(tried, "publickey %s (refused)", o->private_key);
	return 1;
}

static int
ssh_auth_password(struct ssh_conn *c, const struct ssh_opts *o,
    int64_t deadline, int tmo, struct buf *tried, char *why, size_t whysz)
{
	int lrc, rc;

	SSH_RETRY(c, deadline, lrc, libssh2_userauth_password_ex(c->s,
	    o->user, (unsigned int)strlen(o->user),
	    secret_value(o->password), (unsigned int)secret_len(o->password),
	    NULL));
	if ((rc = ssh_attempt_result(c, lrc, "password", tmo, why,
	    whysz)) != 1)
		return rc;
	ssh_tried(tried, lrc == LIBSSH2_ERROR_PASSWORD_EXPIRED ?
	    "password (expired: change it on the node)" :
	    "password (refused)");
	return 1;
}

static int
ssh_auth_kbd(struct ssh_conn *c, const struct ssh_opts *o, int64_t deadline,
    int tmo, struct buf *tried, char *why, size_t whysz)
{
	int lrc, rc;

	c->kbd_pw = o->password;
	c->kbd_answered = c->kbd_again = 0;
	c->kbd_refused[0] = '\0';
	SSH_RETRY(c, deadline, lrc, libssh2_userauth_keyboard_interactive_ex(
	    c->s, o->user, (unsigned int)strlen(o->user), ssh_kbd_cb));
	c->kbd_pw = NULL;
	if ((rc = ssh_attempt_result(c, lrc, "keyboard-interactive", tmo,
	    why, whysz)) != 1)
		return rc;
	if (c->kbd_again)
		ssh_tried(tried, "keyboard-interactive (password refused, "
		    "asked again: \"%s\")", c->kbd_refused);
	else if (c->kbd_refused[0] != '\0')
		ssh_tried(tried, "keyboard-interactive (prompt not "
		    "understood: \"%s\")", c->kbd_refused);
	else if (c->kbd_answered)
		ssh_tried(tried, "keyboard-interactive (password refused)");
	else
		ssh_tried(tried, "keyboard-interactive (refused)");
	return 1;
}

/*
 * Authenticate: agent, key file, password, keyboard-interactive, each when
 * the server offers it, we hold its credential and o->methods allows it.
 */
static int
ssh_auth(struct ssh_conn *c, const struct ssh_opts *o, int64_t deadline,
    int tmo, char *why, size_t whysz)
{
	char offered[256], euser[96];
	const char *list;
	struct buf tried;
	int rc = 1, pk;

	SSH_RETRY_PTR(c, deadline, list, libssh2_userauth_list(c->s, o->user,
	    (unsigned int)strlen(o->user)));
	if (list == NULL) {
		if (libssh2_userauth_authenticated(c->s)) {
			c->method = "none";
			return 0;
		}
		return ssh_phase_fail(c, libssh2_session_last_errno(c->s),
		    "asking for the authentication methods", tmo, why, whysz);
	}
	esc_fixed(offered, sizeof offered, list, strlen(list));
	esc_fixed(euser, sizeof euser, o->user, strlen(o->user));
	pk = ssh_list_has(list, "publickey");
	buf_init(&tried, 1024);
	if (rc == 1 && o->agent && pk && ssh_allowed(o, "agent")) {
		rc = ssh_auth_agent(c, o->user, deadline, tmo, &tried, why,
		    whysz);
		if (rc == 0)
			c->method = "agent";
	}
	if (rc == 1 && o->private_key && pk && ssh_allowed(o, "publickey")) {
		rc = ssh_auth_keyfile(c, o, deadline, tmo, &tried, why, whysz);
		if (rc == 0)
			c->method = "publickey";
	}
	if (rc == 1 && o->password && ssh_list_has(list, "password") &&
	    ssh_allowed(o, "password")) {
		rc = ssh_auth_password(c, o, deadline, tmo, &tried, why, whysz);
		if (rc == 0)
			c->method = "password";
	}
	if (rc == 1 && o->password &&
	    ssh_list_has(list, "keyboard-interactive") &&
	    ssh_allowed(o, "keyboard-interactive")) {
		rc = ssh_auth_kbd(c, o, deadline, tmo, &tried, why, whysz);
		if (rc == 0)
			c->method = "keyboard-interactive";
	}
	if (rc == ERR_CONNECT && tried.len > 0) {
		/* sshd hangs up after MaxAuthTries: that is a refusal. */
		ssh_whyf(why, whysz, "%s: authentication failed for user %s: "
		    "the server closed the connection after: %s; server "
		    "offers %s", c->label, euser, buf_str(&tried), offered);
		rc = ERR_AUTH;
	} else if (rc == 1) {
		if (tried.len > 0)
			ssh_whyf(why, whysz, "%s: authentication failed for "
			    "user %s: tried %s; server offers %s", c->label,
			    euser, buf_str(&tried), offered);
		else
			ssh_whyf(why, whysz, "%s: authentication failed for "
			    "user %s: no method to try (we have%s%s%s%s); "
			    "server offers %s", c->label, euser,
			    o->agent ? " agent" : "",
			    o->private_key ? " publickey" : "",
			    o->password ? " password" : "",
			    !o->agent && !o->private_key && !o->password ?
			    " no credential" : "", offered);
		rc = ERR_AUTH;
	}
	buf_clear(&tried);
	return rc;
}

/* ------------------------------------------------------------ API */

int
ssh_global_init(void)
{
	return libssh2_init(0) == 0 ? 0 : ERR_SSH;
}

void
ssh_global_exit(void)
{
	libssh2_exit();
}

static int
ssh_make_label(struct ssh_conn *c, const struct ssh_opts *o, int port)
{
	char node[128], host[160];

	esc_fixed(host, sizeof host, o->host, strlen(o->host));
	if (o->node != NULL && strcmp(o->node, o->host) != 0) {
		esc_fixed(node, sizeof node, o->node, strlen(o->node));
		(void)snprintf(c->label, sizeof c->label, "%s (%s port %d)",
		    node, host, port);
	} else {
		(void)snprintf(c->label, sizeof c->label, "%s port %d", host,
		    port);
	}
	return 0;
}

int
ssh_connect(const struct ssh_opts *o, struct ssh_conn **out, char *why,
    size_t whysz)
{
	struct ssh_conn *c = NULL;
	struct ssh_kh kh;
	const char *term;
	char bad[64];
	int64_t deadline;
	int rc, lrc, tmo, port, cols, rows;

	memset(&kh, 0, sizeof kh);
	if (why != NULL && whysz > 0)
		why[0] = '\0';
	if (out == NULL || o == NULL || o->host == NULL || *o->host == '\0' ||
	    o->user == NULL || *o->user == '\0' || o->known_hosts == NULL ||
	    o->port < 0 || o->port > 65535) {
		ssh_whyf(why, whysz, "ssh: host, user and known_hosts are "
		    "needed, port 0..65535");
		return ERR_INVAL;
	}
	*out = NULL;
	if (o->methods != NULL && !ssh_methods_valid(o->methods, bad,
	    sizeof bad)) {
		ssh_whyf(why, whysz, "ssh: unknown authentication method "
		    "\"%s\"", bad);
		return ERR_INVAL;
	}
	port = o->port ? o->port : 22;
	tmo = o->connect_timeout_ms > 0 ? o->connect_timeout_ms :
	    SSH_DEFAULT_TIMEOUT_MS;
	deadline = ssh_now_ms() + tmo;
	term = o->term && *o->term ? o->term : "vt100";
	cols = o->cols > 0 ? o->cols : 200;
	rows = o->rows > 0 ? o->rows : 50;

	if ((c = calloc(1, sizeof *c)) == NULL) {
		ssh_whyf(why, whysz, "out of memory");
		return ERR_NOMEM;
	}
	c->fd = -1;
	c->write_timeout_ms = o->write_timeout_ms > 0 ? o->write_timeout_ms :
	    SSH_DEFAULT_TIMEOUT_MS;
	(void)ssh_make_label(c, o, port);
	c->s = libssh2_session_init_ex(ssh_alloc_cb, ssh_free_cb,
	    ssh_realloc_cb, c);
	if (c->s == NULL) {
		ssh_whyf(why, whysz, "%s: cannot start an SSH session",
		    c->label);
		rc = ERR_NOMEM;
		goto fail;
	}
	libssh2_session_set_blocking(c->s, 0);
	(void)libssh2_session_banner_set(c->s, "SSH-2.0-certregen_"
	    PACKAGE_VERSION);

	/* known_hosts before the TCP connect: a bad file fails fast. */
	if ((rc = ssh_kh_load(c->s, o->known_hosts, &kh, why, whysz)) != 0)
		goto fail;
	if ((rc = ssh_hostkey_pref(c, &kh, o->host, port)) != 0) {
		ssh_whyf(why, whysz, "out of memory");
		goto fail;
	}
	if ((rc = ssh_tcp_connect(c, o->host, port, deadline, why,
	    whysz)) != 0)
		goto fail;

	SSH_RETRY(c, deadline, lrc, libssh2_session_handshake(c->s, c->fd));
	if (lrc != 0) {
		rc = ssh_phase_fail(c, lrc, "during the SSH handshake", tmo,
		    why, whysz);
		goto fail;
	}
	c->handshaken = 1;
	/* Nothing about the user goes out before this check. */
	if ((rc = ssh_check_hostkey(c, o, &kh, o->host, port, why,
	    whysz)) != 0)
		goto fail;
	ssh_kh_free(&kh);

	if ((rc = ssh_auth(c, o, deadline, tmo, why, whysz)) != 0)
		goto fail;

	if (o->keepalive > 0) {
		libssh2_keepalive_config(c->s, 1, (unsigned)o->keepalive);
		c->keepalive = o->keepalive;
	}
	SSH_RETRY_PTR(c, deadline, c->ch, libssh2_channel_open_session(c->s));
	if (c->ch == NULL) {
		rc = ssh_phase_fail(c, libssh2_session_last_errno(c->s),
		    "opening a session channel", tmo, why, whysz);
		goto fail;
	}
	/* A PTY sends no stderr; should a server do so, keep it in order. */
	SSH_RETRY(c, deadline, lrc, libssh2_channel_handle_extended_data2(
	    c->ch, LIBSSH2_CHANNEL_EXTENDED_DATA_MERGE));
	SSH_RETRY(c, deadline, lrc, libssh2_channel_request_pty_ex(c->ch, term,
	    (unsigned int)strlen(term), NULL, 0, cols, rows, 0, 0));
	if (lrc != 0) {
		rc = ssh_phase_fail(c, lrc, "requesting a PTY", tmo, why,
		    whysz);
		goto fail;
	}
	SSH_RETRY(c, deadline, lrc, libssh2_channel_shell(c->ch));
	if (lrc != 0) {
		rc = ssh_phase_fail(c, lrc, "starting the shell", tmo, why,
		    whysz);
		goto fail;
	}
	*out = c;
	return 0;
fail:
	ssh_kh_free(&kh);
	ssh_close(c);
	return rc;
}

int
ssh_read(void *conn, char *p, size_t n, int timeout_ms)
{
	struct ssh_conn *c = conn;
	int64_t deadline = timeout_ms < 0 ? -1 : ssh_now_ms() + timeout_ms;
	char msg[200];
	ssize_t r;

	if (c == NULL || c->ch == NULL || p == NULL || n == 0)
		return ERR_INVAL;
	if (n > INT_MAX)
		n = INT_MAX;
	for (;;) {
		errno = 0;
		r = libssh2_channel_read(c->ch, p, n);
		if (r > 0)
			return (int)r;
		/*
		 * libssh2 1.10 calls recv() == 0 SOCKET_RECV too: a node that
		 * closes the TCP connection without closing the channel (VOS
		 * after "quit") is the end of the stream unless recv() set a
		 * real error.
		 */
		if ((r == LIBSSH2_ERROR_SOCKET_RECV ||
		    r == LIBSSH2_ERROR_SOCKET_DISCONNECT) &&
		    (errno == 0 || errno == EAGAIN || errno == EWOULDBLOCK)) {
			c->dead = 1;
			(void)snprintf(c->err, sizeof c->err, "%s: the server "
			    "closed the connection", c->label);
			return ERR_EOF;
		}
		if (r == 0 || r == LIBSSH2_ERROR_EAGAIN) {
			if (libssh2_channel_eof(c->ch) == 1) {
				(void)snprintf(c->err, sizeof c->err,
				    "%s: the shell ended", c->label);
				return ERR_EOF;
			}
		} else {
			if (ssh_fatal((int)r))
				c->dead = 1;
			(void)snprintf(c->err, sizeof c->err, "%s: read: %s",
			    c->label, ssh_libmsg(c->s, msg, sizeof msg));
			return ssh_map_error((int)r);
		}
		if (ssh_expired(deadline))
			return 0;
		if (ssh_wait(c, deadline) != 0) {
			c->dead = 1;
			(void)snprintf(c->err, sizeof c->err, "%s: poll "
			    "failed", c->label);
			return ERR_IO;
		}
	}
}

int
ssh_write(void *conn, const char *p, size_t n)
{
	struct ssh_conn *c = conn;
	int64_t deadline;
	char msg[200];
	size_t off = 0;
	ssize_t r;

	if (c == NULL || c->ch == NULL || (p == NULL && n > 0))
		return ERR_INVAL;
	deadline = ssh_now_ms() + c->write_timeout_ms;
	while (off < n) {
		errno = 0;
		r = libssh2_channel_write(c->ch, p + off, n - off);
		if (r > 0) {
			off += (size_t)r;
			continue;
		}
		if (r != 0 && r != LIBSSH2_ERROR_EAGAIN) {
			if (ssh_fatal((int)r))
				c->dead = 1;
			if (r == LIBSSH2_ERROR_SOCKET_SEND && errno == EPIPE) {
				(void)snprintf(c->err, sizeof c->err, "%s: the "
				    "server closed the connection", c->label);
				return ERR_EOF;
			}
			(void)snprintf(c->err, sizeof c->err, "%s: write: %s",
			    c->label, ssh_libmsg(c->s, msg, sizeof msg));
			return ssh_map_error((int)r);
		}
		if (ssh_expired(deadline)) {
			(void)snprintf(c->err, sizeof c->err, "%s: write: the "
			    "node has not taken input for %d ms", c->label,
			    c->write_timeout_ms);
			return ERR_TIMEOUT;
		}
		if (ssh_wait(c, deadline) != 0) {
			c->dead = 1;
			(void)snprintf(c->err, sizeof c->err, "%s: poll "
			    "failed", c->label);
			return ERR_IO;
		}
	}
	return 0;
}

/* Past the close deadline: cut the socket so libssh2 stops waiting. */
static void
ssh_cut(struct ssh_conn *c, int64_t deadline)
{
	if (!c->dead && ssh_expired(deadline)) {
		c->dead = 1;
		if (c->fd >= 0)
			(void)shutdown(c->fd, SHUT_RDWR);
	}
}

void
ssh_close(struct ssh_conn *c)
{
	int64_t deadline, half;
	int lrc, tries;

	if (c == NULL)
		return;
	deadline = ssh_now_ms() + SSH_CLOSE_MS;
	c->keepalive = 0;
	if (c->ch != NULL) {
		if (!c->dead) {
			SSH_RETRY(c, deadline, lrc,
			    libssh2_channel_send_eof(c->ch));
			SSH_RETRY(c, deadline, lrc,
			    libssh2_channel_close(c->ch));
			/* The server's close: half the time left at most. */
			half = ssh_now_ms();
			half += (deadline - half) / 2;
			SSH_RETRY(c, half, lrc,
			    libssh2_channel_wait_closed(c->ch));
		}
		for (tries = 0; tries < 100; tries++) {
			ssh_cut(c, deadline);
			if (libssh2_channel_free(c->ch) !=
			    LIBSSH2_ERROR_EAGAIN)
				break;
			(void)ssh_wait(c, c->dead ? ssh_now_ms() + 10 :
			    deadline);
		}
		c->ch = NULL;
	}
	if (c->s != NULL) {
		if (!c->dead && c->handshaken) {
			SSH_RETRY(c, deadline, lrc,
			    libssh2_session_disconnect_ex(c->s,
			    SSH_DISCONNECT_BY_APPLICATION, "certregen: done",
			    ""));
		}
		for (tries = 0; tries < 100; tries++) {
			ssh_cut(c, deadline);
			if (libssh2_session_free(c->s) != LIBSSH2_ERROR_EAGAIN)
				break;
			(void)ssh_wait(c, c->dead ? ssh_now_ms() + 10 :
			    deadline);
		}
		c->s = NULL;
	}
	if (c->fd >= 0)
		close(c->fd);
	explicit_bzero(c, sizeof *c);
	free(c);
}

const char *
ssh_auth_method(const struct ssh_conn *c)
{
	return c != NULL && c->method != NULL ? c->method : "";
}

const char *
ssh_fingerprint(const struct ssh_conn *c)
{
	return c != NULL ? c->fp : "";
}

const char *
ssh_last_error(const struct ssh_conn *c)
{
	return c != NULL ? c->err : "";
}

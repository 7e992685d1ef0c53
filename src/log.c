/* log: escaped, redacted messages to stderr, syslog and a file. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "esc.h"
#include "log.h"
#include "secret.h"

#define LOG_MAX_SECRETS 16
#define LOG_LINE_MAX (64 * 1024)

/* Log settings: the only globals of the program besides signal flags. */
static enum log_level log_level = LOG_LVL_NOTICE;
static const char *log_progname = "certregen";
static int log_stamps;
static int log_to_stderr = 1;
static int log_syslog_open;
static int log_fd = -1;
static char *log_path;
static const struct secret *log_secrets[LOG_MAX_SECRETS];
/* A test's syslog socket (CERTREGEN_SYSLOG_SOCKET), written directly. */
static int log_sock = -1;
static int log_sock_fac;
static char log_sock_ident[64];
static void (*log_stderr_cb)(void *arg, int before);
static void *log_stderr_arg;
static volatile sig_atomic_t log_hup_pending;

static const struct {
	const char *name;
	int value;
} log_facilities[] = {
	{ "auth", LOG_AUTH },     { "authpriv", LOG_AUTHPRIV },
	{ "cron", LOG_CRON },     { "daemon", LOG_DAEMON },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	{ "user", LOG_USER },
};

static const char *const log_names[] = { "error", "warn", "notice", "info",
	"debug" };

void
log_set_level(enum log_level lvl)
{
	log_level = lvl;
}

enum log_level
log_get_level(void)
{
	return log_level;
}

int
log_level_parse(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof log_names / sizeof log_names[0]; i++)
		if (strcmp(s, log_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
log_level_name(enum log_level lvl)
{
	if ((size_t)lvl < sizeof log_names / sizeof log_names[0])
		return log_names[lvl];
	return "?";
}

void
log_set_progname(const char *name)
{
	const char *p = strrchr(name, '/');

	log_progname = p ? p + 1 : name;
}

void
log_set_timestamps(int on)
{
	log_stamps = on;
}

void
log_set_stderr(int on)
{
	log_to_stderr = on;
}

static int
log_facility_value(const char *facility)
{
	size_t i;

	for (i = 0; i < sizeof log_facilities / sizeof log_facilities[0]; i++)
		if (strcmp(facility, log_facilities[i].name) == 0)
			return log_facilities[i].value;
	return -1;
}

int
log_facility_valid(const char *facility)
{
	return log_facility_value(facility) != -1;
}

/* RFC 3164 datagrams to a unix socket of the caller's choosing. */
static int
log_open_socket(const char *path, const char *ident, int fac)
{
	struct sockaddr_un sa;
	int fd;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa.sun_path)
		return ERR_INVAL;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return ERR_IO;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		return ERR_IO;
	}
	if (log_sock != -1)
		close(log_sock);
	log_sock = fd;
	log_sock_fac = fac;
	snprintf(log_sock_ident, sizeof log_sock_ident, "%s", ident);
	return 0;
}

int
log_open_syslog(const char *ident, const char *facility)
{
	int fac = log_facility_value(facility);
	const char *sock = getenv("CERTREGEN_SYSLOG_SOCKET");

	if (fac == -1)
		return ERR_INVAL;
	/* Tests point this at a socket of their own: syslog(3) cannot. */
	if (sock != NULL && *sock != '\0')
		return log_open_socket(sock, ident, fac);
	if (log_syslog_open)
		closelog();
	/* ident must stay valid: callers pass configuration strings. */
	openlog(ident, LOG_PID | LOG_NDELAY, fac);
	log_syslog_open = 1;
	return 0;
}

static void
log_sock_send(int prio, const char *msg)
{
	char line[8192], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int n;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%b %e %H:%M:%S", &tm);
	n = snprintf(line, sizeof line, "<%d>%s %s[%ld]: %s",
	    log_sock_fac | prio, stamp, log_sock_ident, (long)getpid(), msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line)
		n = (int)sizeof line - 1;
	(void)send(log_sock, line, (size_t)n, MSG_NOSIGNAL);
}

static void
log_on_hup(int sig)
{
	(void)sig;
	log_hup_pending = 1;
}

int
log_catch_hup(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = log_on_hup;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	return sigaction(SIGHUP, &sa, NULL) == 0 ? 0 : ERR_IO;
}

void
log_set_stderr_cb(void (*cb)(void *arg, int before), void *arg)
{
	log_stderr_cb = cb;
	log_stderr_arg = arg;
}

int
log_open_file(const char *path)
{
	int fd;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
	    0600);
	if (fd == -1)
		return ERR_IO;
	if (log_fd != -1)
		close(log_fd);
	log_fd = fd;
	if (log_path != path) {
		free(log_path);
		log_path = strdup(path);
	}
	return log_path ? 0 : ERR_NOMEM;
}

int
log_reopen(void)
{
	if (log_path == NULL)
		return 0;
	return log_open_file(log_path);
}

void
log_close(void)
{
	if (log_syslog_open)
		closelog();
	log_syslog_open = 0;
	if (log_sock != -1)
		close(log_sock);
	log_sock = -1;
	if (log_fd != -1)
		close(log_fd);
	log_fd = -1;
	free(log_path);
	log_path = NULL;
}

void
log_redact(const struct secret *s)
{
	size_t i;

	for (i = 0; i < LOG_MAX_SECRETS; i++)
		if (log_secrets[i] == NULL || log_secrets[i] == s) {
			log_secrets[i] = s;
			return;
		}
}

void
log_forget_secret(const struct secret *s)
{
	size_t i;

	for (i = 0; i < LOG_MAX_SECRETS; i++)
		if (log_secrets[i] == s)
			log_secrets[i] = NULL;
}

/* Replace every known secret value in b by "***". */
static void
log_scrub(struct buf *b)
{
	size_t i;

	for (i = 0; i < LOG_MAX_SECRETS; i++) {
		const char *v;
		size_t vl;
		char *hit;

		if (log_secrets[i] == NULL)
			continue;
		v = secret_value(log_secrets[i]);
		vl = secret_len(log_secrets[i]);
		if (vl == 0)
			continue;
		while (b->len > 0 &&
		    (hit = memmem(b->data, b->len, v, vl)) != NULL) {
			size_t off = (size_t)(hit - b->data);

			memset(hit, '*', vl < 3 ? vl : 3);
			if (vl > 3) {
				memmove(hit + 3, hit + vl, b->len - off - vl);
				b->len -= vl - 3;
				b->data[b->len] = '\0';
			}
		}
	}
}

static void
log_write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w == -1) {
			if (errno == EINTR)
				continue;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

static void
log_stamp(char *dst, size_t n)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(dst, n, "%Y-%m-%dT%H:%M:%S%z", &tm);
}

void
log_msg(enum log_level lvl, const char *fmt, ...)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO,
		LOG_DEBUG };
	struct buf raw, out;
	char stamp[40];
	va_list ap;
	int saved = errno;

	if (log_hup_pending) {
		log_hup_pending = 0;
		/* logrotate moved the file: write to the new one from here on. */
		(void)log_reopen();
	}
	if (lvl > log_level)
		return;
	buf_init(&raw, LOG_LINE_MAX);
	buf_init(&out, 4 * LOG_LINE_MAX + 16);
	va_start(ap, fmt);
	if (buf_vaddf(&raw, fmt, ap) != 0)
		buf_addstr(&raw, "(log message too long)");
	va_end(ap);
	log_scrub(&raw);
	if (esc_add(&out, raw.data ? raw.data : "", raw.len, ESC_KEEP_TAB) != 0)
		buf_addstr(&out, "(log message could not be escaped)");
	if (raw.data != NULL)
		explicit_bzero(raw.data, raw.cap);
	buf_clear(&raw);

	if (log_syslog_open)
		syslog(prio[lvl], "%s", buf_str(&out));
	if (log_sock != -1)
		log_sock_send(prio[lvl], buf_str(&out));
	if (log_to_stderr || log_fd != -1) {
		struct buf line;

		buf_init(&line, out.len + 128);
		log_stamp(stamp, sizeof stamp);
		if (log_to_stderr) {
			if (log_stamps)
				buf_addf(&line, "%s ", stamp);
			buf_addf(&line, "%s: %s%s\n", log_progname,
			    lvl == LOG_LVL_ERROR ? "error: " :
			    lvl == LOG_LVL_WARN ? "warning: " : "",
			    buf_str(&out));
			if (log_stderr_cb != NULL)
				log_stderr_cb(log_stderr_arg, 1);
			log_write_all(STDERR_FILENO, buf_str(&line), line.len);
			if (log_stderr_cb != NULL)
				log_stderr_cb(log_stderr_arg, 0);
			buf_reset(&line);
		}
		if (log_fd != -1) {
			buf_addf(&line, "%s %s[%ld] %s: %s\n", stamp,
			    log_progname, (long)getpid(), log_names[lvl],
			    buf_str(&out));
			log_write_all(log_fd, buf_str(&line), line.len);
		}
		buf_clear(&line);
	}
	buf_clear(&out);
	errno = saved;
}

/*
 * log: messages for people, to stderr, syslog and an optional file.  Every
 * message is escaped (control bytes cannot reach a terminal or a log) and
 * known secret values are replaced by "***" before it is written.
 */
#ifndef CERTREGEN_LOG_H
#define CERTREGEN_LOG_H

#include <stddef.h>

enum log_level {
	LOG_LVL_ERROR = 0,
	LOG_LVL_WARN,
	LOG_LVL_NOTICE,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
};

struct secret;

/* Messages above this level are dropped (default LOG_LVL_NOTICE). */
void log_set_level(enum log_level lvl);
enum log_level log_get_level(void);
/* Parse "error", "warn", "notice", "info", "debug"; -1 if unknown. */
int log_level_parse(const char *s);
const char *log_level_name(enum log_level lvl);
/* Program name shown before stderr messages. */
void log_set_progname(const char *name);
/* Prefix stderr lines with an ISO-8601 time stamp. */
void log_set_timestamps(int on);
/* Also write to stderr (default on). */
void log_set_stderr(int on);
/*
 * Open syslog with this ident and facility name ("daemon", "local0", ...).
 * With CERTREGEN_SYSLOG_SOCKET set (tests), RFC 3164 datagrams go to that
 * unix socket instead of syslog(3)'s.  0, ERR_INVAL or ERR_IO.
 */
int log_open_syslog(const char *ident, const char *facility);
/* Append to a log file (0600); 0 or ERR_IO.  log_reopen() after rotation. */
int log_open_file(const char *path);
int log_reopen(void);
/* Reopen the log file at the next message after a SIGHUP (installs the
 * handler; the program's only use of SIGHUP). */
int log_catch_hup(void);
/* Called with 1 before and 0 after each stderr line (the progress display
 * clears and redraws itself around them); NULL: none. */
void log_set_stderr_cb(void (*cb)(void *arg, int before), void *arg);
/* Close syslog and the file. */
void log_close(void);
/* A facility name is valid for log_open_syslog(). */
int log_facility_valid(const char *facility);

/*
 * Never let this value appear in a log line.  The log keeps a pointer, so
 * the secret must outlive the log or be removed with log_forget_secret().
 */
void log_redact(const struct secret *s);
void log_forget_secret(const struct secret *s);

void log_msg(enum log_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
#define log_error(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_LVL_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif

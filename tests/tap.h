/*
 * tap: a tiny Test Anything Protocol emitter for the unit tests.  Each check
 * prints "ok N - what" or "not ok N - what" with the file:line of a failure;
 * tap_done() prints the plan and gives the exit status.
 */
#ifndef CERTREGEN_TAP_H
#define CERTREGEN_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

static void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void
tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputs("\n", stdout);
}

static int tap_ok_at(int cond, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int
tap_ok_at(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

#define ok(cond, ...) tap_ok_at(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got, want, ...)                                               \
	do {                                                                 \
		long long g_ = (long long)(got), w_ = (long long)(want);     \
		if (!tap_ok_at(g_ == w_, __FILE__, __LINE__, __VA_ARGS__))   \
			tap_diag("got %lld, want %lld", g_, w_);             \
	} while (0)

#define is_str(got, want, ...)                                               \
	do {                                                                 \
		const char *g_ = (got), *w_ = (want);                        \
		int c_ = (g_ == NULL && w_ == NULL) ||                       \
		    (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0);       \
		if (!tap_ok_at(c_, __FILE__, __LINE__, __VA_ARGS__))         \
			tap_diag("got \"%s\", want \"%s\"",                  \
			    g_ ? g_ : "(null)", w_ ? w_ : "(null)");         \
	} while (0)

#define has_str(hay, needle, ...)                                            \
	do {                                                                 \
		const char *h_ = (hay), *n_ = (needle);                      \
		if (!tap_ok_at(h_ != NULL && strstr(h_, n_) != NULL,         \
		    __FILE__, __LINE__, __VA_ARGS__))                        \
			tap_diag("\"%s\" not found in \"%s\"", n_,           \
			    h_ ? h_ : "(null)");                             \
	} while (0)

static int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif

/*
 * sim-util: small helpers every part of vos-sim uses: the stop flag, a
 * monotonic clock, sleeps that end early on shutdown, paths and files
 * written atomically.
 */
#ifndef VOS_SIM_UTIL_H
#define VOS_SIM_UTIL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Set once on SIGTERM/SIGINT; every loop and sleep checks it. */
extern volatile sig_atomic_t sim_stop;

/* Milliseconds on a monotonic clock (arbitrary origin). */
int64_t sim_now_ms(void);
/* Sleep ms (<= 0: no sleep); 0, or -1 when the simulator is stopping. */
int sim_sleep_ms(int ms);
/* snprintf into out; ERR_TOOBIG when it does not fit. */
int sim_path(char *out, size_t sz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* mkdir -p; 0 or ERR_IO. */
int sim_mkdirs(const char *path, mode_t mode);
/* Write a whole file through a temporary and rename(); 0 or ERR_IO. */
int sim_write_file(const char *path, const void *data, size_t n, mode_t mode);
/* Read a whole file (at most max bytes, NUL-terminated); NULL on error. */
char *sim_read_file(const char *path, size_t max, size_t *len);
/* 1 if the file exists. */
int sim_exists(const char *path);
/* Case-insensitive compare of two strings with runs of blanks squeezed. */
int sim_words_eq(const char *a, const char *b);

#endif

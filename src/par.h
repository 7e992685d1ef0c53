/*
 * par: run a function over indexes 0..n-1 on at most max threads at once.
 * Used to open and drive one CLI session per node in parallel; each index
 * must touch only its own data.
 */
#ifndef CERTREGEN_PAR_H
#define CERTREGEN_PAR_H

#include <stddef.h>

typedef void (*par_fn_cb)(void *arg, size_t i);

/* Returns 0, or ERR_NOMEM when no thread could be started at all (then fn
 * has run on every index in the calling thread). */
int par_run(size_t n, int max, par_fn_cb fn, void *arg);

#endif

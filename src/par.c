/*
 * par: a fixed pool of worker threads taking indexes from a shared counter.
 * Threads rather than one poll() loop across sessions: each session's
 * expect dialog is sequential and blocking, and sessions share nothing
 * (no globals in expect, ssh or vos), so a thread per session keeps the
 * dialog code straight; within a session ssh.c still waits with poll().
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>

#include "err.h"
#include "par.h"

struct par_ctx {
	pthread_mutex_t mu;
	size_t next, n;
	par_fn_cb fn;
	void *arg;
};

static void *
par_worker(void *p)
{
	struct par_ctx *c = p;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&c->mu);
		i = c->next < c->n ? c->next++ : c->n;
		pthread_mutex_unlock(&c->mu);
		if (i >= c->n)
			return NULL;
		c->fn(c->arg, i);
	}
}

int
par_run(size_t n, int max, par_fn_cb fn, void *arg)
{
	struct par_ctx c = { .next = 0, .n = n, .fn = fn, .arg = arg };
	pthread_t *th;
	size_t nt, started = 0, i;

	if (n == 0)
		return 0;
	nt = max < 1 ? 1 : (size_t)max;
	if (nt > n)
		nt = n;
	pthread_mutex_init(&c.mu, NULL);
	if ((th = calloc(nt, sizeof *th)) != NULL) {
		for (i = 0; i < nt; i++) {
			if (pthread_create(&th[i], NULL, par_worker, &c) != 0)
				break;
			started++;
		}
	}
	/* With no worker, do the work here; with some, they drain the rest. */
	if (started == 0)
		par_worker(&c);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
	pthread_mutex_destroy(&c.mu);
	return started == 0 && nt > 0 ? ERR_NOMEM : 0;
}

/* progress: the terminal's per-node status block during a run. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "esc.h"
#include "exec.h"
#include "facts.h"
#include "log.h"
#include "plan.h"
#include "progress.h"

struct progress_row {
	char name[64];       /* node name, or "cluster" for HA and verify */
	int node;            /* facts index, -1 for the cluster row */
	size_t total, done;
	int failed;
	char now[200];       /* the current step, or the last state */
};

struct progress {
	const struct facts *f;
	struct progress_row *rows;
	size_t nrows;
	int drawn;           /* rows on screen below the last log line */
};

static struct progress_row *
progress_row(struct progress *p, int node)
{
	size_t i;

	for (i = 0; i < p->nrows; i++)
		if (p->rows[i].node == node)
			return &p->rows[i];
	return NULL;
}

static void
progress_erase(struct progress *p)
{
	if (p->drawn > 0)
		fprintf(stderr, "\033[%dA\r\033[J", p->drawn);
	p->drawn = 0;
}

static void
progress_draw(struct progress *p)
{
	size_t i;

	progress_erase(p);
	for (i = 0; i < p->nrows; i++) {
		const struct progress_row *r = &p->rows[i];
		char shown[256];

		esc_fixed(shown, sizeof shown, r->now, strlen(r->now));
		fprintf(stderr, "  %-16.16s %3zu/%-3zu %s%.100s\033[K\n", r->name,
		    r->done, r->total, r->failed ? "FAILED " : "", shown);
		p->drawn++;
	}
	fflush(stderr);
}

static void
progress_on_log(void *arg, int before)
{
	struct progress *p = arg;

	if (before)
		progress_erase(p);
	else
		progress_draw(p);
}

static void
progress_on_step(void *arg, const struct plan_step *st, int done, int r)
{
	struct progress *p = arg;
	struct progress_row *row = progress_row(p, st->node);
	char text[600];

	if (row == NULL)
		return;
	plan_step_text(p->f, st, text, sizeof text);
	if (!done)
		snprintf(row->now, sizeof row->now, "%s ...", text);
	else {
		row->done++;
		if (r != 0)
			row->failed = 1;
		snprintf(row->now, sizeof row->now, "%s: %s", text,
		    r == 0 ? "done" : "failed");
	}
	progress_draw(p);
}

struct progress *
progress_new(const struct facts *f, const struct plan *pl)
{
	const char *term = getenv("TERM");
	struct progress *p;
	size_t i;

	if (!isatty(STDERR_FILENO) || term == NULL || strcmp(term, "dumb") == 0 ||
	    pl->n == 0)
		return NULL;
	if ((p = calloc(1, sizeof *p)) == NULL)
		return NULL;
	if ((p->rows = calloc(f->n + 1, sizeof *p->rows)) == NULL) {
		free(p);
		return NULL;
	}
	p->f = f;
	for (i = 0; i < pl->n; i++) {
		int node = pl->steps[i].node;
		struct progress_row *row = progress_row(p, node);

		if (node >= (int)f->n)
			continue;
		if (row == NULL) {
			row = &p->rows[p->nrows++];
			row->node = node;
			snprintf(row->name, sizeof row->name, "%s", node < 0 ?
			    "cluster" : f->nodes[node].name);
			snprintf(row->now, sizeof row->now, "waiting");
		}
		row->total++;
	}
	return p;
}

void
progress_attach(struct progress *p, struct exec_opts *eo)
{
	if (p == NULL)
		return;
	eo->step_cb = progress_on_step;
	eo->step_arg = p;
	log_set_stderr_cb(progress_on_log, p);
	progress_draw(p);
}

void
progress_free(struct progress *p)
{
	if (p == NULL)
		return;
	log_set_stderr_cb(NULL, NULL);
	/* Leave the final block on the screen: it is the run's summary. */
	free(p->rows);
	free(p);
}

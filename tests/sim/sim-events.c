/* sim-events: the JSON-lines event log of a cluster, shared by every
 * session thread of that cluster. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "esc.h"
#include "sim-cluster.h"
#include "sim-events.h"
#include "sim-util.h"

struct sim_events {
	pthread_mutex_t lock;
	FILE *fp;
	int64_t base;       /* monotonic ms at t == offset */
	int64_t offset;
	int failed;
};

/* The t of the last complete line of an existing log, or -1. */
static int64_t
events_last_t(const char *path)
{
	size_t len;
	char *p = sim_read_file(path, (size_t)256 << 20, &len), *line;
	int64_t t = -1;
	json_t *j;

	if (p == NULL)
		return -1;
	while (len > 0 && p[len - 1] == '\n')
		p[--len] = '\0';
	line = strrchr(p, '\n');
	line = line ? line + 1 : p;
	if ((j = json_loads(line, 0, NULL)) != NULL) {
		json_t *v = json_object_get(j, "t");

		if (json_is_integer(v))
			t = json_integer_value(v);
		json_decref(j);
	}
	free(p);
	return t;
}

int
events_open(struct sim_cluster *cl, const char *path)
{
	struct sim_events *e;
	int64_t last = events_last_t(path);

	if (cl->events != NULL || (e = calloc(1, sizeof *e)) == NULL)
		return -1;
	if ((e->fp = fopen(path, "ae")) == NULL) {
		free(e);
		return -1;
	}
	pthread_mutex_init(&e->lock, NULL);
	e->offset = last >= 0 ? last + 1 : 0;
	e->base = sim_now_ms();
	cl->events = e;
	return 0;
}

/* Only once no thread of the cluster runs any more. */
void
events_close(struct sim_cluster *cl)
{
	struct sim_events *e = cl->events;

	if (e == NULL)
		return;
	cl->events = NULL;
	fclose(e->fp);
	pthread_mutex_destroy(&e->lock);
	free(e);
}

int64_t
events_t(struct sim_cluster *cl)
{
	struct sim_events *e = cl->events;
	int64_t t;

	if (e == NULL)
		return 0;
	pthread_mutex_lock(&e->lock);
	t = e->offset + sim_now_ms() - e->base;
	pthread_mutex_unlock(&e->lock);
	return t;
}

json_t *
events_str(const char *s)
{
	json_t *j = json_string(s);
	struct buf b;

	if (j != NULL)
		return j;
	buf_init(&b, 1 << 20);
	esc_add(&b, s, strlen(s), 0);
	j = json_string(buf_str(&b));
	buf_clear(&b);
	return j;
}

void
events_emit(struct sim_cluster *cl, const char *ev, json_t *fields)
{
	struct sim_events *e = cl->events;
	json_t *o;
	char *line;

	if (e == NULL) {
		json_decref(fields);
		return;
	}
	o = json_object();
	pthread_mutex_lock(&e->lock);
	json_object_set_new(o, "t",
	    json_integer(e->offset + sim_now_ms() - e->base));
	json_object_set_new(o, "ev", json_string(ev));
	if (fields != NULL) {
		json_object_update(o, fields);
		json_decref(fields);
	}
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (line != NULL) {
		if (fprintf(e->fp, "%s\n", line) < 0 ||
		    fflush(e->fp) != 0) {
			if (!e->failed)
				fprintf(stderr, "vos-sim: %s: cannot write the "
				    "event log\n", cl->name);
			e->failed = 1;
		}
	}
	free(line);
	json_decref(o);
	pthread_mutex_unlock(&e->lock);
}

/* sim-events: the JSON-lines event log, shared by every session thread. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "esc.h"
#include "sim-events.h"
#include "sim-util.h"

static pthread_mutex_t events_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *events_fp;
static int64_t events_base;  /* monotonic ms at t == events_offset */
static int64_t events_offset;
static int events_failed;

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
events_open(const char *path)
{
	int64_t last = events_last_t(path);

	events_offset = last >= 0 ? last + 1 : 0;
	events_base = sim_now_ms();
	if ((events_fp = fopen(path, "ae")) == NULL)
		return -1;
	return 0;
}

void
events_close(void)
{
	pthread_mutex_lock(&events_lock);
	if (events_fp != NULL)
		fclose(events_fp);
	events_fp = NULL;
	pthread_mutex_unlock(&events_lock);
}

int64_t
events_t(void)
{
	int64_t t;

	pthread_mutex_lock(&events_lock);
	t = events_offset + sim_now_ms() - events_base;
	pthread_mutex_unlock(&events_lock);
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
events_emit(const char *ev, json_t *fields)
{
	json_t *o = json_object();
	char *line;

	pthread_mutex_lock(&events_lock);
	json_object_set_new(o, "t",
	    json_integer(events_offset + sim_now_ms() - events_base));
	json_object_set_new(o, "ev", json_string(ev));
	if (fields != NULL) {
		json_object_update(o, fields);
		json_decref(fields);
	}
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (events_fp != NULL && line != NULL) {
		if (fprintf(events_fp, "%s\n", line) < 0 ||
		    fflush(events_fp) != 0) {
			if (!events_failed)
				fprintf(stderr, "vos-sim: cannot write the "
				    "event log\n");
			events_failed = 1;
		}
	}
	free(line);
	json_decref(o);
	pthread_mutex_unlock(&events_lock);
}

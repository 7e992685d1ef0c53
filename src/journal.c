/*
 * journal: append-only JSON lines, fsync'd per record.  The in-memory view
 * (step states, their data) is rebuilt from the file on open, so the file
 * alone is the truth after a crash.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "journal.h"

#define JOURNAL_MAX (64 * 1024 * 1024)

struct journal {
	char *dir;
	char *path;
	int fd;
	json_t *begin;       /* the run-begin record, or NULL */
	json_t *log;         /* every record of the current run */
	json_t *steps;       /* key -> { "state": N, "data": {...} } */
};

static long long
journal_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Fold one record into the view. */
static void
journal_apply(struct journal *j, json_t *rec)
{
	const char *ev = json_string_value(json_object_get(rec, "ev"));
	const char *key = json_string_value(json_object_get(rec, "key"));
	json_t *st, *data;

	if (ev == NULL)
		return;
	if (strcmp(ev, "run-begin") == 0) {
		json_decref(j->begin);
		j->begin = json_incref(rec);
		json_array_clear(j->log);
		json_object_clear(j->steps);
	}
	json_array_append(j->log, rec);
	if (key == NULL || (strcmp(ev, "step-begin") != 0 &&
	    strcmp(ev, "step-end") != 0))
		return;
	if ((st = json_object_get(j->steps, key)) == NULL) {
		st = json_pack("{s:i,s:o}", "state", JSTEP_NONE, "data",
		    json_object());
		json_object_set_new(j->steps, key, st);
	}
	if (strcmp(ev, "step-begin") == 0)
		json_object_set_new(st, "state", json_integer(JSTEP_BEGUN));
	else if (json_is_true(json_object_get(rec, "ok"))) {
		json_object_set_new(st, "state", json_integer(JSTEP_DONE));
		json_object_del(st, "error");
	} else {
		json_t *e = json_object_get(rec, "error");

		json_object_set_new(st, "state", json_integer(JSTEP_FAILED));
		json_object_set_new(st, "error", json_is_string(e) ?
		    json_incref(e) : json_string("(no message)"));
	}
	if ((data = json_object_get(rec, "data")) != NULL &&
	    json_is_object(data))
		json_object_update(json_object_get(st, "data"), data);
}

static int
journal_load(struct journal *j, char *why, size_t whysz)
{
	struct buf text;
	char chunk[8192];
	ssize_t r;
	size_t off = 0, line = 1;
	int ret = 0;

	buf_init(&text, JOURNAL_MAX);
	for (;;) {
		r = read(j->fd, chunk, sizeof chunk);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			snprintf(why, whysz, "%s: %s", j->path, strerror(errno));
			ret = ERR_JOURNAL;
			goto out;
		}
		if (r == 0)
			break;
		if (buf_add(&text, chunk, (size_t)r) != 0) {
			snprintf(why, whysz, "%s: larger than %d bytes", j->path,
			    JOURNAL_MAX);
			ret = ERR_JOURNAL;
			goto out;
		}
	}
	while (off < text.len) {
		char *nl = memchr(text.data + off, '\n', text.len - off);
		json_error_t jerr;
		json_t *rec;

		if (nl == NULL)
			/* A torn last line: the write that was interrupted.
			 * Its step is then still "begun" or "none": safe. */
			break;
		rec = json_loadb(text.data + off, (size_t)(nl - (text.data + off)),
		    0, &jerr);
		if (rec == NULL || !json_is_object(rec)) {
			snprintf(why, whysz, "%s:%zu: not a journal record: %s",
			    j->path, line, rec ? "not an object" : jerr.text);
			json_decref(rec);
			ret = ERR_JOURNAL;
			goto out;
		}
		journal_apply(j, rec);
		json_decref(rec);
		off = (size_t)(nl - text.data) + 1;
		line++;
	}
out:
	buf_clear(&text);
	return ret;
}

int
journal_open(const char *state_dir, struct journal **out, char *why,
    size_t whysz)
{
	struct journal *j;
	struct buf b;
	int r;

	*out = NULL;
	if ((j = calloc(1, sizeof *j)) == NULL)
		return ERR_NOMEM;
	j->fd = -1;
	j->log = json_array();
	j->steps = json_object();
	buf_init(&b, 4096);
	buf_addf(&b, "%s/journal.jsonl", state_dir);
	j->path = buf_take(&b);
	j->dir = strdup(state_dir);
	if (j->path == NULL || j->dir == NULL || j->log == NULL ||
	    j->steps == NULL) {
		journal_free(j);
		return ERR_NOMEM;
	}
	j->fd = open(j->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (j->fd == -1) {
		snprintf(why, whysz, "cannot open %s: %s", j->path,
		    strerror(errno));
		journal_free(j);
		return ERR_JOURNAL;
	}
	if ((r = journal_load(j, why, whysz)) != 0) {
		journal_free(j);
		return r;
	}
	*out = j;
	return 0;
}

void
journal_free(struct journal *j)
{
	if (j == NULL)
		return;
	if (j->fd != -1)
		close(j->fd);
	json_decref(j->begin);
	json_decref(j->log);
	json_decref(j->steps);
	free(j->path);
	free(j->dir);
	free(j);
}

int
journal_pending(const struct journal *j)
{
	size_t n = json_array_size(j->log);
	const char *ev;

	if (j->begin == NULL || n == 0)
		return 0;
	ev = json_string_value(json_object_get(json_array_get(j->log, n - 1),
	    "ev"));
	return ev == NULL || strcmp(ev, "run-end") != 0;
}

const char *
journal_command(const struct journal *j)
{
	return j->begin ? json_string_value(json_object_get(j->begin, "command"))
	    : NULL;
}

const char *
journal_run_id(const struct journal *j)
{
	return j->begin ? json_string_value(json_object_get(j->begin, "run"))
	    : NULL;
}

json_t *
journal_plan(const struct journal *j)
{
	return j->begin ? json_object_get(j->begin, "plan") : NULL;
}

json_t *
journal_request(const struct journal *j)
{
	return j->begin ? json_object_get(j->begin, "request") : NULL;
}

/* Append one record and make it durable before returning. */
static int
journal_write(struct journal *j, json_t *rec)
{
	char *s;
	size_t n, off = 0;
	int ret = 0;

	json_object_set_new(rec, "t", json_integer(journal_now_ms()));
	if ((s = json_dumps(rec, JSON_COMPACT | JSON_SORT_KEYS)) == NULL) {
		json_decref(rec);
		return ERR_NOMEM;
	}
	n = strlen(s);
	s[n++] = '\n'; /* json_dumps leaves room: its NUL */
	while (off < n) {
		ssize_t w = write(j->fd, s + off, n - off);

		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			ret = ERR_JOURNAL;
			break;
		}
		off += (size_t)w;
	}
	if (ret == 0 && fsync(j->fd) != 0)
		ret = ERR_JOURNAL;
	free(s);
	if (ret == 0)
		journal_apply(j, rec);
	json_decref(rec);
	return ret;
}

int
journal_begin_run(struct journal *j, const char *run_id, const char *command,
    json_t *request, json_t *plan)
{
	if (journal_pending(j)) {
		json_decref(request);
		json_decref(plan);
		return ERR_JOURNAL;
	}
	return journal_write(j, json_pack("{s:s,s:s,s:s,s:o,s:o}", "ev",
	    "run-begin", "run", run_id, "command", command, "request",
	    request ? request : json_null(), "plan", plan ? plan : json_null()));
}

int
journal_step_begin(struct journal *j, const char *key, json_t *data)
{
	json_t *rec = json_pack("{s:s,s:s}", "ev", "step-begin", "key", key);

	if (data != NULL)
		json_object_set_new(rec, "data", data);
	return journal_write(j, rec);
}

int
journal_step_end(struct journal *j, const char *key, int ok,
    const char *error, json_t *data)
{
	json_t *rec = json_pack("{s:s,s:s,s:b}", "ev", "step-end", "key", key,
	    "ok", ok);

	if (error != NULL) {
		json_t *e = json_string(error);

		json_object_set_new(rec, "error", e ? e :
		    json_string("(not UTF-8)"));
	}
	if (data != NULL)
		json_object_set_new(rec, "data", data);
	return journal_write(j, rec);
}

int
journal_interrupted(struct journal *j, const char *signal, const char *key)
{
	json_t *rec = json_pack("{s:s,s:s}", "ev", "run-interrupted", "signal",
	    signal);

	if (rec == NULL)
		return ERR_NOMEM;
	if (key != NULL)
		json_object_set_new(rec, "key", json_string(key));
	return journal_write(j, rec);
}

const char *
journal_interrupted_by(const struct journal *j)
{
	size_t i = json_array_size(j->log);

	while (i-- > 0) {
		json_t *rec = json_array_get(j->log, i);
		const char *ev = json_string_value(json_object_get(rec, "ev"));

		if (ev != NULL && strcmp(ev, "run-interrupted") == 0)
			return json_string_value(json_object_get(rec, "signal"));
	}
	return NULL;
}

int
journal_end_run(struct journal *j, const char *result)
{
	struct buf dst;
	const char *id = journal_run_id(j);
	int r;

	if ((r = journal_write(j, json_pack("{s:s,s:s}", "ev", "run-end",
	    "result", result))) != 0)
		return r;
	buf_init(&dst, 8192);
	buf_addf(&dst, "%s/runs", j->dir);
	if (mkdir(buf_str(&dst), 0700) != 0 && errno != EEXIST) {
		buf_clear(&dst);
		return ERR_JOURNAL;
	}
	buf_addf(&dst, "/%s.jsonl", id ? id : "unknown");
	if (rename(j->path, buf_str(&dst)) != 0)
		r = ERR_JOURNAL;
	buf_clear(&dst);
	/* Later records go to a fresh journal file. */
	close(j->fd);
	j->fd = open(j->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (j->fd == -1)
		r = ERR_JOURNAL;
	return r;
}

enum journal_state
journal_step_state(const struct journal *j, const char *key)
{
	json_t *st = json_object_get(j->steps, key);

	return st ? (enum journal_state)json_integer_value(json_object_get(st,
	    "state")) : JSTEP_NONE;
}

json_t *
journal_step_data(const struct journal *j, const char *key)
{
	json_t *st = json_object_get(j->steps, key);

	return st ? json_object_get(st, "data") : NULL;
}

const char *
journal_step_error(const struct journal *j, const char *key)
{
	json_t *st = json_object_get(j->steps, key);

	return st ? json_string_value(json_object_get(st, "error")) : NULL;
}

size_t
journal_records(const struct journal *j)
{
	return json_array_size(j->log);
}

json_t *
journal_log(const struct journal *j)
{
	return j->log;
}

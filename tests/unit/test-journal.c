/* Unit tests for the journal: durability, resume view, torn and bad files. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "journal.h"
#include "tap.h"

static char dir[] = "/tmp/certregen-journal-XXXXXX";

static void
append(const char *text)
{
	char p[256];
	int fd;

	snprintf(p, sizeof p, "%s/journal.jsonl", dir);
	fd = open(p, O_WRONLY | O_APPEND | O_CREAT, 0600);
	if (fd == -1 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
}

static char idir[] = "/tmp/certregen-journal-int-XXXXXX";

/* Replace the interrupted-run journal with text. */
static void
ijournal(const char *text)
{
	char p[256];
	int fd;

	snprintf(p, sizeof p, "%s/journal.jsonl", idir);
	fd = open(p, O_WRONLY | O_TRUNC | O_CREAT, 0600);
	if (fd == -1 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
}

static off_t
isize(void)
{
	char p[256];
	struct stat st;

	snprintf(p, sizeof p, "%s/journal.jsonl", idir);
	return stat(p, &st) == 0 ? st.st_size : -1;
}

/* The last record of the current run, borrowed. */
static json_t *
ilast(const struct journal *j)
{
	json_t *log = journal_log(j);

	return json_array_get(log, json_array_size(log) - 1);
}

/* journal_interrupted(): the record, what it leaves pending, and
 * journal_interrupted_by() over written and hand-made files. */
static void
test_interrupted(void)
{
	struct journal *j;
	char why[512], p[256], *big;
	const char *ev;
	size_t n;
	off_t sz;
	struct rlimit old, lim;
	int r;

	if (mkdtemp(idir) == NULL)
		abort();
	is_int(journal_open(idir, &j, why, sizeof why), 0, "interrupted: open");
	ok(journal_interrupted_by(j) == NULL, "a new journal: no signal");
	is_int(journal_begin_run(j, "runA", "prune-trust", NULL,
	    json_array()), 0, "begin");
	ok(journal_interrupted_by(j) == NULL, "a running run: no signal");
	is_int(journal_step_begin(j, "delete:A:t:x.pem", NULL), 0, "a step");
	n = journal_records(j);
	is_int(journal_interrupted(j, "SIGTERM", "delete:A:t:x.pem"), 0,
	    "interrupted inside a step");
	is_int(journal_records(j), n + 1, "one record more");
	is_str(journal_interrupted_by(j), "SIGTERM", "by SIGTERM");
	ok(journal_pending(j), "the run stays pending");
	is_int(journal_step_state(j, "delete:A:t:x.pem"), JSTEP_BEGUN,
	    "the record's key does not end the step");
	is_str(json_string_value(json_object_get(ilast(j), "ev")),
	    "run-interrupted", "the record's ev");
	is_str(json_string_value(json_object_get(ilast(j), "key")),
	    "delete:A:t:x.pem", "its key");
	ok(json_is_integer(json_object_get(ilast(j), "t")), "its time");
	is_int(journal_interrupted(j, "SIGINT", NULL), 0,
	    "a second one, no key");
	ok(json_object_get(ilast(j), "key") == NULL, "no key: none written");
	is_str(journal_interrupted_by(j), "SIGINT", "the last one wins");
	journal_free(j);

	/* The file alone says it (fsync'd, one line a record). */
	is_int(journal_open(idir, &j, why, sizeof why), 0, "reopen");
	is_str(journal_interrupted_by(j), "SIGINT", "reopened: SIGINT");
	ok(journal_pending(j), "reopened: pending");
	is_str(journal_run_id(j), "runA", "reopened: the same run");

	/* Hostile text.  A signal name that is not UTF-8 cannot be a JSON
	 * string: refused, nothing written. */
	sz = isize();
	n = journal_records(j);
	ok(journal_interrupted(j, "SIG\xff", NULL) != 0,
	    "a non-UTF-8 signal name is refused");
	is_int(isize(), sz, "and nothing is written");
	is_int(journal_records(j), n, "nor recorded");
	is_str(journal_interrupted_by(j), "SIGINT", "the last signal stays");
	/* A key that is not UTF-8: the record without it. */
	is_int(journal_interrupted(j, "SIGHUP", "delete:A:t:\xc3("), 0,
	    "a non-UTF-8 key: still recorded");
	ok(json_object_get(ilast(j), "key") == NULL,
	    "without the key, none made up");
	is_str(journal_interrupted_by(j), "SIGHUP", "by SIGHUP");
	/* Newlines, quotes and escapes stay inside one JSON line; a
	 * large key too. */
	is_int(journal_interrupted(j, "SIG\n\"TERM\x1b[2J", "k\n{\"ev\":"
	    "\"run-end\"}"), 0, "control characters in the signal and key");
	if ((big = malloc(256 * 1024)) == NULL)
		abort();
	memset(big, 'k', 256 * 1024 - 1);
	big[256 * 1024 - 1] = '\0';
	is_int(journal_interrupted(j, "SIGTERM", big), 0, "a 256 KiB key");
	journal_free(j);
	is_int(journal_open(idir, &j, why, sizeof why), 0,
	    "reopen after hostile records");
	ok(journal_pending(j), "a key that looks like run-end ends nothing");
	is_str(journal_interrupted_by(j), "SIGTERM", "the last: SIGTERM");
	is_int(strlen(json_string_value(json_object_get(ilast(j), "key"))),
	    256 * 1024 - 1, "the large key whole");
	{
		json_t *log = journal_log(j);
		json_t *rec = json_array_get(log, json_array_size(log) - 2);

		is_str(json_string_value(json_object_get(rec, "signal")),
		    "SIG\n\"TERM\x1b[2J", "the control characters kept as "
		    "data (callers escape them)");
	}
	free(big);

	/* A write that fails (the file may not grow): an error, and the
	 * view does not claim what the file lacks. */
	signal(SIGXFSZ, SIG_IGN);
	if (getrlimit(RLIMIT_FSIZE, &old) != 0)
		abort();
	sz = isize();
	lim = old;
	lim.rlim_cur = (rlim_t)sz;
	if (setrlimit(RLIMIT_FSIZE, &lim) != 0)
		abort();
	n = journal_records(j);
	r = journal_interrupted(j, "SIGINT", NULL);
	if (setrlimit(RLIMIT_FSIZE, &old) != 0)
		abort();
	is_int(r, ERR_JOURNAL, "a failed write is ERR_JOURNAL");
	is_int(isize(), sz, "nothing written");
	is_int(journal_records(j), n, "nothing recorded");
	is_str(journal_interrupted_by(j), "SIGTERM",
	    "the signal is the old one");
	journal_free(j);

	/* A torn run-interrupted record (the write the signal cut) is not
	 * one: the last whole one counts. */
	ijournal("{\"ev\":\"run-begin\",\"run\":\"r\",\"command\":\"regen\"}\n"
	    "{\"ev\":\"run-interrupted\",\"signal\":\"SIGHUP\"}\n"
	    "{\"ev\":\"run-interrupted\",\"signal\":\"SIGTE");
	is_int(journal_open(idir, &j, why, sizeof why), 0,
	    "a torn last record");
	is_str(journal_interrupted_by(j), "SIGHUP", "the whole one before it");
	journal_free(j);
	ijournal("{\"ev\":\"run-begin\",\"run\":\"r\",\"command\":\"regen\"}\n"
	    "{\"ev\":\"step-begin\",\"key\":\"a\"}\n"
	    "{\"ev\":\"run-interrupted\",\"sig");
	is_int(journal_open(idir, &j, why, sizeof why), 0,
	    "torn, the only one");
	ok(journal_interrupted_by(j) == NULL, "no signal");
	ok(journal_pending(j), "still pending");
	journal_free(j);

	/* A later run-begin starts a new run: the old signal is not its. */
	ijournal("{\"ev\":\"run-begin\",\"run\":\"r1\",\"command\":\"regen\"}\n"
	    "{\"ev\":\"run-interrupted\",\"signal\":\"SIGTERM\"}\n"
	    "{\"ev\":\"run-end\",\"result\":\"failed\"}\n"
	    "{\"ev\":\"run-begin\",\"run\":\"r2\",\"command\":\"regen\"}\n"
	    "{\"ev\":\"step-begin\",\"key\":\"a\"}\n");
	is_int(journal_open(idir, &j, why, sizeof why), 0, "two runs");
	is_str(journal_run_id(j), "r2", "the later run");
	ok(journal_interrupted_by(j) == NULL, "not interrupted itself");
	journal_free(j);
	/* Even a run-begin right after the record (no run-end). */
	ijournal("{\"ev\":\"run-begin\",\"run\":\"r1\",\"command\":\"regen\"}\n"
	    "{\"ev\":\"run-interrupted\",\"signal\":\"SIGTERM\"}\n"
	    "{\"ev\":\"run-begin\",\"run\":\"r2\",\"command\":\"regen\"}\n");
	is_int(journal_open(idir, &j, why, sizeof why), 0, "begin after it");
	ok(journal_interrupted_by(j) == NULL, "the new run has no signal");
	journal_free(j);

	/* Hand-made records whose signal is not a string: no name. */
	ijournal("{\"ev\":\"run-begin\",\"run\":\"r\",\"command\":\"regen\"}\n"
	    "{\"ev\":\"run-interrupted\",\"signal\":\"SIGHUP\"}\n"
	    "{\"ev\":\"run-interrupted\",\"signal\":15}\n");
	is_int(journal_open(idir, &j, why, sizeof why), 0, "a numeric signal");
	ok(journal_interrupted_by(j) == NULL,
	    "the last record decides: no name, not an older one");
	journal_free(j);
	ijournal("{\"ev\":\"run-begin\",\"run\":\"r\",\"command\":\"regen\"}\n"
	    "{\"ev\":\"run-interrupted\"}\n"
	    "{\"ev\":\"RUN-INTERRUPTED\",\"signal\":\"SIGINT\"}\n"
	    "{\"ev\":[\"run-interrupted\"],\"signal\":\"SIGINT\"}\n"
	    "{\"signal\":\"SIGINT\"}\n");
	is_int(journal_open(idir, &j, why, sizeof why), 0, "odd records");
	ok(journal_interrupted_by(j) == NULL,
	    "no signal member; other ev spellings are not the record");
	is_int(journal_records(j), 3, "records without a string ev are not "
	    "in the view");
	ev = json_string_value(json_object_get(ilast(j), "ev"));
	ok(ev != NULL && strcmp(ev, "RUN-INTERRUPTED") == 0 &&
	    journal_pending(j), "the run stays pending");
	journal_free(j);

	/* Through the API: interrupted, ended, a new run begins. */
	ijournal("");
	is_int(journal_open(idir, &j, why, sizeof why), 0, "api: open");
	journal_begin_run(j, "runB", "regen", NULL, NULL);
	journal_interrupted(j, "SIGTERM", NULL);
	is_int(journal_end_run(j, "interrupted"), 0, "api: end");
	is_int(journal_begin_run(j, "runC", "regen", NULL, NULL), 0,
	    "api: a new run");
	ok(journal_interrupted_by(j) == NULL, "api: the new run has no signal");
	journal_free(j);

	snprintf(p, sizeof p, "%s/journal.jsonl", idir);
	unlink(p);
	snprintf(p, sizeof p, "%s/runs/runB.jsonl", idir);
	unlink(p);
	snprintf(p, sizeof p, "%s/runs", idir);
	rmdir(p);
	rmdir(idir);
}

int
main(void)
{
	struct journal *j;
	struct stat st;
	char why[512], p[256];
	json_t *plan;

	if (mkdtemp(dir) == NULL)
		return 99;
	is_int(journal_open(dir, &j, why, sizeof why), 0, "open a new journal");
	ok(!journal_pending(j), "nothing pending in a new journal");
	plan = json_pack("[{s:s},{s:s}]", "key", "regen:A:tomcat", "key",
	    "restart:A:Cisco Tomcat");
	is_int(journal_begin_run(j, "run1", "regen", json_object(), plan), 0,
	    "begin a run");
	json_decref(plan);
	is_int(journal_begin_run(j, "run2", "regen", NULL, NULL), ERR_JOURNAL,
	    "a second run cannot begin while one is pending");
	is_int(journal_step_begin(j, "regen:A:tomcat", json_pack("{s:s}",
	    "old_serial", "1a")), 0, "step begin");
	is_int(journal_step_state(j, "regen:A:tomcat"), JSTEP_BEGUN, "begun");
	is_int(journal_step_end(j, "regen:A:tomcat", 1, NULL, json_pack("{s:s}",
	    "new_serial", "2b")), 0, "step end");
	is_int(journal_step_state(j, "regen:A:tomcat"), JSTEP_DONE, "done");
	is_int(journal_step_begin(j, "restart:A:Cisco Tomcat", NULL), 0,
	    "second step begins");
	snprintf(p, sizeof p, "%s/journal.jsonl", dir);
	is_int(stat(p, &st), 0, "journal file exists");
	is_int(st.st_mode & 0777, 0600, "journal is 0600");
	journal_free(j);

	/* Killed here: reopen and resume. */
	append("{\"ev\":\"step-end\",\"key\":\"restart:A:Cisco");
	is_int(journal_open(dir, &j, why, sizeof why), 0,
	    "reopen with a torn last line");
	ok(journal_pending(j), "the run is pending");
	is_str(journal_command(j), "regen", "its command");
	is_str(journal_run_id(j), "run1", "its id");
	is_int(json_array_size(journal_plan(j)), 2, "its plan");
	is_int(journal_step_state(j, "regen:A:tomcat"), JSTEP_DONE,
	    "the first step is done");
	is_str(json_string_value(json_object_get(journal_step_data(j,
	    "regen:A:tomcat"), "old_serial")), "1a", "begin data kept");
	is_str(json_string_value(json_object_get(journal_step_data(j,
	    "regen:A:tomcat"), "new_serial")), "2b", "end data merged");
	is_int(journal_step_state(j, "restart:A:Cisco Tomcat"), JSTEP_BEGUN,
	    "the interrupted step is begun, not done");
	is_int(journal_step_state(j, "nope"), JSTEP_NONE, "unknown step");
	journal_free(j);

	/* The torn line must not corrupt later records: finish the run. */
	append("\n");
	is_int(journal_open(dir, &j, why, sizeof why), ERR_JOURNAL,
	    "a torn line followed by more is an error");
	has_str(why, "journal.jsonl:5", "with the line number");
	/* Repair: rewrite without the torn line. */
	{
		char *buf = NULL;
		size_t n = 0;
		FILE *fp = fopen(p, "r");
		char *line = NULL;
		size_t cap = 0;
		FILE *mem = open_memstream(&buf, &n);

		while (getline(&line, &cap, fp) > 0)
			if (strstr(line, "Cisco\n") == NULL &&
			    strcmp(line, "\n") != 0)
				fputs(line, mem);
		fclose(fp);
		fclose(mem);
		free(line);
		unlink(p);
		append(buf);
		free(buf);
	}
	is_int(journal_open(dir, &j, why, sizeof why), 0, "repaired");
	is_int(journal_step_end(j, "restart:A:Cisco Tomcat", 0, "it timed out",
	    NULL), 0, "a failed step");
	is_int(journal_step_state(j, "restart:A:Cisco Tomcat"), JSTEP_FAILED,
	    "failed");
	is_str(journal_step_error(j, "restart:A:Cisco Tomcat"), "it timed out",
	    "the failed step's error");
	ok(journal_step_error(j, "regen:A:tomcat") == NULL,
	    "a done step has no error");
	/* Tried again (a rerun): a new begin keeps the error until it ends
	 * ok, which clears it. */
	is_int(journal_step_begin(j, "restart:A:Cisco Tomcat", NULL), 0,
	    "the failed step begins again");
	is_int(journal_step_end(j, "restart:A:Cisco Tomcat", 1, NULL, NULL), 0,
	    "and ends ok");
	ok(journal_step_error(j, "restart:A:Cisco Tomcat") == NULL,
	    "its error is gone");
	is_int(journal_step_end(j, "restart:A:Cisco Tomcat", 0, "again", NULL),
	    0, "fails once more");
	is_int(journal_end_run(j, "failed"), 0, "end the run");
	ok(!journal_pending(j), "nothing pending after the end");
	snprintf(p, sizeof p, "%s/runs/run1.jsonl", dir);
	is_int(stat(p, &st), 0, "the run moved to runs/");
	journal_free(j);
	is_int(journal_open(dir, &j, why, sizeof why), 0, "open after the end");
	ok(!journal_pending(j), "a fresh journal");
	journal_free(j);

	snprintf(p, sizeof p, "%s/journal.jsonl", dir);
	unlink(p);
	append("{\"ev\":\"run-begin\",\"run\":\"x\",\"command\":\"regen\"}\n"
	    "\x1b[31mgarbage\n");
	is_int(journal_open(dir, &j, why, sizeof why), ERR_JOURNAL,
	    "garbage is refused");
	has_str(why, ":2: not a journal record", "with its line");
	unlink(p);
	append("[1,2]\n");
	is_int(journal_open(dir, &j, why, sizeof why), ERR_JOURNAL,
	    "a non-object record is refused");
	unlink(p);
	snprintf(p, sizeof p, "%s/runs/run1.jsonl", dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/runs", dir);
	rmdir(p);
	rmdir(dir);
	test_interrupted();
	return tap_done();
}

/* Unit tests for the journal: durability, resume view, torn and bad files. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	return tap_done();
}

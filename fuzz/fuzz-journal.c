/*
 * libFuzzer target for the journal reader (journal_open): the input is
 * written as STATE/journal.jsonl of a scratch state directory, opened,
 * and every accessor a resume uses is called on what was loaded.  A torn
 * or hostile journal must give ERR_JOURNAL with a reason, never a crash.
 */
#include "config.h"

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_dir[64];
static char fuzz_path[128];

/* The scratch state directory, made once per process. */
static int
fuzz_setup(void)
{
	const char *t = getenv("TMPDIR");

	if (fuzz_dir[0] != '\0')
		return 0;
	snprintf(fuzz_dir, sizeof fuzz_dir, "%s/fuzz-journal.XXXXXX",
	    t != NULL && strlen(t) < 30 ? t : "/tmp");
	if (mkdtemp(fuzz_dir) == NULL) {
		fuzz_dir[0] = '\0';
		return -1;
	}
	snprintf(fuzz_path, sizeof fuzz_path, "%s/journal.jsonl", fuzz_dir);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct journal *j = NULL;
	char why[512];
	size_t off = 0;
	int fd;

	why[0] = '\0';
	if (fuzz_setup() != 0)
		return 0;
	if ((fd = open(fuzz_path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		return 0;
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);

		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(fd);
	if (journal_open(fuzz_dir, &j, why, sizeof why) == 0) {
		if (journal_pending(j)) {
			json_t *plan = journal_plan(j);
			size_t i;

			(void)journal_command(j);
			(void)journal_run_id(j);
			(void)journal_request(j);
			for (i = 0; json_is_array(plan) &&
			    i < json_array_size(plan); i++) {
				json_t *key = json_object_get(
				    json_array_get(plan, i), "key");

				if (json_is_string(key)) {
					(void)journal_step_state(j,
					    json_string_value(key));
					(void)journal_step_data(j,
					    json_string_value(key));
				}
			}
		}
		(void)journal_step_state(j, "regen:IMPPUB:tomcat");
		(void)journal_records(j);
		(void)journal_log(j);
		journal_free(j);
	} else if (why[0] == '\0') {
		/* a failure must say why */
		abort();
	}
	return 0;
}

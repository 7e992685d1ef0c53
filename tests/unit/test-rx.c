/*
 * Unit tests for rx: compile errors with PCRE2's message and offset, flags,
 * groups, partial matching, NOTBOL, invalid UTF-8, work limits, what the
 * expect engine's memo asks of a pattern, and CERTREGEN_NO_JIT (this
 * program run again with it set).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "rx.h"
#include "tap.h"

static struct rx *
comp(const char *pat, int flags)
{
	struct rx *rx = NULL;
	char why[256];

	if (rx_compile(pat, flags, &rx, why, sizeof why) != 0) {
		tap_diag("compile %s: %s", pat, why);
		abort();
	}
	return rx;
}

/* Run again with CERTREGEN_NO_JIT=1: 0 when it compiled without the JIT
 * and the interpreter matched, partial matching included. */
static int
nojit_child(void)
{
	struct rx *rx;
	size_t ov[2 * RX_GROUPS];
	char why[256];

	if (rx_compile("Cisco (\\w+)\\[", 0, &rx, why, sizeof why) != 0)
		return 2;
	if (!rx_jit_disabled() || rx_jit(rx) ||
	    rx_exec(rx, NULL, "x Cisco Tomcat[", 15, 0, ov) != RX_MATCH ||
	    ov[2] != 8 || rx_exec(rx, NULL, "x Cis", 5, RX_PARTIAL, ov) !=
	    RX_PARTIALMATCH)
		return 1;
	rx_free(rx);
	return 0;
}

static void
test_nojit(const char *self)
{
	pid_t pid;
	int st = 0;

	fflush(stdout);
	if ((pid = fork()) == 0) {
		if (setenv("CERTREGEN_NO_JIT", "1", 1) == 0)
			execl("/proc/self/exe", self, "--no-jit-child",
			    (char *)NULL);
		_exit(127);
	}
	ok(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0, "CERTREGEN_NO_JIT=1: the interpreter only "
	    "(status %d)", st);
}

int
main(int argc, char **argv)
{
	struct rx *rx = NULL;
	struct rx_md *md;
	size_t ov[2 * RX_GROUPS];
	char why[256];
	char *big;
	int r;

	if (argc == 2 && strcmp(argv[1], "--no-jit-child") == 0)
		return nojit_child();

	/* Compile errors. */
	r = rx_compile("abc(", 0, &rx, why, sizeof why);
	is_int(r, ERR_INVAL, "unbalanced ( refused");
	ok(rx == NULL, "no pattern on error");
	has_str(why, "missing closing parenthesis", "PCRE2's message");
	has_str(why, "offset 4", "and the offset");
	r = rx_compile("(*UTF)abc", 0, &rx, why, sizeof why);
	is_int(r, ERR_INVAL, "(*UTF) refused: patterns work on bytes");
	r = rx_compile("a{2,1}", 0, &rx, why, sizeof why);
	is_int(r, ERR_INVAL, "bad quantifier refused");
	ok(strlen(why) > 0, "with a message: %s", why);

	md = rx_md_new();
	ok(md != NULL, "match data");

	/* Flags and groups. */
	rx = comp("cisco (\\w+)\\[(\\w+)\\]", RX_CASELESS);
	is_str(rx_pattern(rx), "cisco (\\w+)\\[(\\w+)\\]", "pattern kept");
	r = rx_exec(rx, md, "x Cisco Tomcat[STARTED] y", 25, 0, ov);
	is_int(r, RX_MATCH, "caseless match");
	is_int(ov[0], 2, "match start");
	is_int(ov[1], 23, "match end");
	is_int(ov[2], 8, "group 1 start");
	is_int(ov[3], 14, "group 1 end");
	is_int(ov[4], 15, "group 2 start");
	ok(ov[6] == RX_UNSET, "group 3 unset");
	tap_diag("jit: %d", rx_jit(rx));
	/* Partial matching. */
	r = rx_exec(rx, md, "line\nCisco Tom", 14, RX_PARTIAL, ov);
	is_int(r, RX_PARTIALMATCH, "partial at the end");
	is_int(ov[0], 5, "partial starts at Cisco");
	r = rx_exec(rx, md, "line\nCisco Tom", 14, 0, ov);
	is_int(r, RX_NOMATCH, "no match without RX_PARTIAL");
	rx_free(rx);

	/* Hard partial: a greedy tail waits for more. */
	rx = comp("\\d+", 0);
	r = rx_exec(rx, md, "ab12", 4, RX_PARTIAL, ov);
	is_int(r, RX_PARTIALMATCH, "\\d+ at the end is partial");
	r = rx_exec(rx, md, "ab12c", 5, RX_PARTIAL, ov);
	is_int(r, RX_MATCH, "complete once a non-digit follows");
	is_int(ov[1] - ov[0], 2, "both digits");
	rx_free(rx);

	/* ^ and NOTBOL. */
	rx = comp("^admin:", RX_MULTILINE);
	is_int(rx_exec(rx, md, "admin:", 6, 0, ov), RX_MATCH, "^ at the start");
	is_int(rx_exec(rx, md, "admin:", 6, RX_NOTBOL, ov), RX_NOMATCH,
	    "not with NOTBOL");
	is_int(rx_exec(rx, md, "x\nadmin:", 8, RX_NOTBOL, ov), RX_MATCH,
	    "after a newline still");
	is_int(rx_exec(rx, md, "xadmin:", 7, 0, ov), RX_NOMATCH,
	    "not inside a line");
	rx_free(rx);
	/* A multiline ^ after a final newline asks for more (ALT_CIRCUMFLEX),
	 * and so does one set with (?m). */
	rx = comp("x\\n^y", RX_MULTILINE);
	is_int(rx_exec(rx, md, "ax\n", 3, RX_PARTIAL, ov), RX_PARTIALMATCH,
	    "x\\n^y on \"ax\\n\": partial, not a failure");
	is_int(ov[0], 1, "from x");
	is_int(rx_exec(rx, md, "ax\ny", 4, RX_PARTIAL, ov), RX_MATCH,
	    "then the match");
	rx_free(rx);
	rx = comp("(?m)x\\n^y", 0);
	is_int(rx_exec(rx, md, "ax\n", 3, RX_PARTIAL, ov), RX_PARTIALMATCH,
	    "the same with (?m)");
	rx_free(rx);

	/* Resuming: a start offset keeps the subject's start. */
	rx = comp("^admin:", RX_MULTILINE);
	is_int(rx_exec_at(rx, md, "ab\nadmin:", 9, 2, 0, ov), RX_MATCH,
	    "rx_exec_at: ^ after a newline before start");
	is_int(ov[0], 3, "at 3");
	is_int(rx_exec_at(rx, md, "admin:", 6, 1, 0, ov), RX_NOMATCH,
	    "nothing before start");
	ok(rx_resumable(rx) && rx_context(rx) == 1 && rx_context_bol(rx),
	    "^: resumable, context 1 (a multiline ^ only)");
	ok(rx_id(rx) != 0, "an id");
	ok(rx_info(rx)->id == rx_id(rx) && rx_info(rx)->resumable &&
	    rx_info(rx)->context == 1 && rx_info(rx)->context_bol &&
	    rx_info(rx)->groups == 1, "rx_info: the same, and 1 slot (the "
	    "match) for no group");
	rx_free(rx);
	rx = comp("a(b)(c)?(?:d)", 0);
	is_int(rx_info(rx)->groups, 3, "rx_info: the match and 2 groups (a "
	    "non-capturing one does not count)");
	rx_free(rx);
	rx = comp("(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)(l)", 0);
	is_int(rx_info(rx)->groups, RX_GROUPS, "rx_info: at most RX_GROUPS");
	is_int(rx_exec(rx, md, "abcdefghijkl", 12, 0, ov), RX_MATCH,
	    "12 groups match");
	ok(ov[2 * RX_GROUPS - 2] == 8 && ov[2 * RX_GROUPS - 1] == 9,
	    "the last slot is group 9 (\"i\")");
	rx_free(rx);
	rx = comp("(?<=ab)c|\\bd", 0);
	is_int(rx_exec_at(rx, md, "xabc", 4, 3, 0, ov), RX_MATCH,
	    "rx_exec_at: lookbehind sees before start");
	ok(rx_context(rx) == 2 && !rx_context_bol(rx), "lookbehind: context "
	    "2");
	rx_free(rx);
	rx = comp("a(*COMMIT)b|\\Gc", 0);
	ok(!rx_resumable(rx), "verbs, \\G: not resumable");
	rx_free(rx);
	rx = comp("(a+)+$", 0);
	big = malloc(5001);
	memset(big, 'a', 5000);
	big[4999] = '!';
	is_int(rx_exec_at(rx, md, big, 5000, 0, 0, ov), RX_LIMIT,
	    "rx_exec_at: a work limit is RX_LIMIT");
	free(big);
	rx_free(rx);

	/* Bytes, not UTF-8. */
	rx = comp("a.b", 0);
	is_int(rx_exec(rx, md, "\xff\xfe a\xc0" "b \x80", 9, 0, ov), RX_MATCH,
	    "invalid UTF-8 in the subject is fine");
	is_int(rx_exec(rx, md, "a\0b", 3, 0, ov), RX_MATCH, "NUL in the subject");
	is_int(rx_exec(rx, NULL, "zzz", 3, RX_PARTIAL, ov), RX_NOMATCH,
	    "no match data given: allocated for the call");
	rx_free(rx);

	/* Whole-string tests. */
	rx = comp("[a-z]+", 0);
	ok(rx_test(rx, "tomcat", 6), "rx_test whole");
	ok(!rx_test(rx, "tomcat;", 7), "rx_test refuses a suffix");
	ok(!rx_test(rx, ";tomcat", 7), "rx_test refuses a prefix");
	rx_free(rx);

	/* Catastrophic backtracking is cut short, not hung. */
	rx = comp("(a+)+$", 0);
	big = malloc(5001);
	memset(big, 'a', 5000);
	big[4999] = '!';
	big[5000] = '\0';
	r = rx_exec(rx, md, big, 5000, 0, ov);
	is_int(r, RX_NOMATCH, "work limit: no match");
	free(big);
	rx_free(rx);

	rx_md_free(md);
	rx_free(NULL);
	rx_md_free(NULL);
	tap_diag("CERTREGEN_NO_JIT here: %d", rx_jit_disabled());
	test_nojit(argv[0]);
	return tap_done();
}

/* Unit tests for maintenance windows. */
#include "config.h"

#include <string.h>
#include <time.h>

#include "err.h"
#include "tap.h"
#include "window.h"

static struct tm
at(int wday, int h, int m)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_wday = wday;
	tm.tm_hour = h;
	tm.tm_min = m;
	return tm;
}

static void
bad(const char *s, const char *why_part)
{
	struct window w;
	char why[160] = "";

	is_int(window_parse(s, &w, why, sizeof why), ERR_INVAL,
	    "\"%s\" refused", s);
	has_str(why, why_part, "\"%s\": the reason says what was expected", s);
}

int
main(void)
{
	struct window w;
	struct tm tm;
	char why[160], out[64];

	is_int(window_parse("Sat 01:00-05:00", &w, why, sizeof why), 0, "Sat");
	tm = at(6, 1, 0);
	ok(window_contains(&w, &tm), "Sat 01:00 is inside");
	tm = at(6, 4, 59);
	ok(window_contains(&w, &tm), "Sat 04:59 is inside");
	tm = at(6, 5, 0);
	ok(!window_contains(&w, &tm), "Sat 05:00 is outside (end exclusive)");
	tm = at(0, 2, 0);
	ok(!window_contains(&w, &tm), "Sun 02:00 is outside");
	tm = at(6, 3, 30);
	is_int(window_minutes_left(&w, &tm), 90, "minutes left");

	is_int(window_parse("Mon-Fri 22:00-04:00", &w, why, sizeof why), 0,
	    "a range across midnight");
	is_int(w.days, 0x3e, "Mon-Fri is bits 1..5");
	tm = at(5, 23, 0);
	ok(window_contains(&w, &tm), "Fri 23:00 inside");
	tm = at(6, 3, 0);
	ok(window_contains(&w, &tm), "Sat 03:00 inside (Fri's window)");
	tm = at(1, 3, 0);
	ok(!window_contains(&w, &tm), "Mon 03:00 outside (Sun is not a day)");
	tm = at(6, 23, 0);
	ok(!window_contains(&w, &tm), "Sat 23:00 outside");
	tm = at(5, 23, 0);
	is_int(window_minutes_left(&w, &tm), 300, "minutes left across midnight");

	is_int(window_parse("Fri-Mon 00:00-24:00", &w, why, sizeof why), 0,
	    "a wrapping day range");
	is_int(w.days, 0x63, "Fri-Mon is Fri, Sat, Sun, Mon");
	is_int(window_parse("always", &w, why, sizeof why), 0, "always");
	window_format(&w, out, sizeof out);
	is_str(out, "always", "format always");
	is_int(window_parse("sat,SUN 01:30-02:00", &w, why, sizeof why), 0,
	    "case-insensitive days");
	window_format(&w, out, sizeof out);
	is_str(out, "Sun,Sat 01:30-02:00", "format a day list");
	is_int(window_parse("* 10:00-11:00", &w, why, sizeof why), 0, "every day");
	window_format(&w, out, sizeof out);
	is_str(out, "* 10:00-11:00", "format every day");

	bad("", "expected a day");
	bad("Sat", "expected a space");
	bad("Sat 1:00-05:00", "HH:MM-HH:MM");
	bad("Sat 01:00-25:00", "HH:MM-HH:MM");
	bad("Sat 24:00-01:00", "HH:MM-HH:MM");
	bad("Sat 01:60-02:00", "HH:MM-HH:MM");
	bad("Sat 01:00-01:00", "empty");
	bad("Sat 01:00-02:00 extra", "unexpected text");
	bad("Caturday 01:00-02:00", "expected a day");
	bad("Sat- 01:00-02:00", "after '-'");
	bad("Satx 01:00-02:00", "expected a day");
	bad("Sat 01:00-02:00\x1b[2J", "unexpected text");
	return tap_done();
}

/* window: parsing and testing maintenance windows. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "window.h"

static const char *const window_days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	"Fri", "Sat" };

static int
window_day(const char **sp)
{
	int i;

	for (i = 0; i < 7; i++)
		if (strncasecmp(*sp, window_days[i], 3) == 0 &&
		    !isalpha((unsigned char)(*sp)[3])) {
			*sp += 3;
			return i;
		}
	return -1;
}

/* "HH:MM" with HH 00..24 (24 only as 24:00 when allow24). */
static int
window_time(const char **sp, int allow24)
{
	const char *s = *sp;
	int h, m;

	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    s[2] != ':' || !isdigit((unsigned char)s[3]) ||
	    !isdigit((unsigned char)s[4]))
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && (m != 0 || !allow24)))
		return -1;
	*sp = s + 5;
	return h * 60 + m;
}

int
window_parse(const char *s, struct window *w, char *why, size_t whysz)
{
	const char *p = s;
	unsigned days = 0;
	int a, b;

	if (strcasecmp(s, "always") == 0) {
		w->days = 0x7f;
		w->start = 0;
		w->end = 1440;
		return 0;
	}
	if (*p == '*') {
		days = 0x7f;
		p++;
	} else {
		for (;;) {
			if ((a = window_day(&p)) == -1) {
				snprintf(why, whysz,
				    "expected a day (Sun, Mon, ... Sat or *) at "
				    "\"%.20s\"", p);
				return ERR_INVAL;
			}
			if (*p == '-') {
				p++;
				if ((b = window_day(&p)) == -1) {
					snprintf(why, whysz,
					    "expected a day after '-' at "
					    "\"%.20s\"", p);
					return ERR_INVAL;
				}
				for (;; a = (a + 1) % 7) {
					days |= 1u << a;
					if (a == b)
						break;
				}
			} else
				days |= 1u << a;
			if (*p != ',')
				break;
			p++;
		}
	}
	if (*p != ' ') {
		snprintf(why, whysz,
		    "expected a space and HH:MM-HH:MM after the days");
		return ERR_INVAL;
	}
	while (*p == ' ')
		p++;
	if ((a = window_time(&p, 0)) == -1 || *p++ != '-' ||
	    (b = window_time(&p, 1)) == -1) {
		snprintf(why, whysz, "expected HH:MM-HH:MM (00:00 to 24:00)");
		return ERR_INVAL;
	}
	if (*p != '\0') {
		snprintf(why, whysz, "unexpected text after the times: \"%.20s\"",
		    p);
		return ERR_INVAL;
	}
	if (a == b) {
		snprintf(why, whysz, "the window is empty (start equals end)");
		return ERR_INVAL;
	}
	w->days = days;
	w->start = a;
	w->end = b;
	return 0;
}

int
window_contains(const struct window *w, const struct tm *tm)
{
	int now = tm->tm_hour * 60 + tm->tm_min;
	int today = tm->tm_wday, yesterday = (tm->tm_wday + 6) % 7;

	if (w->end > w->start)
		return (w->days & (1u << today)) && now >= w->start &&
		    now < w->end;
	/* Across midnight: from start on a start day, or until end the day
	 * after one. */
	return ((w->days & (1u << today)) && now >= w->start) ||
	    ((w->days & (1u << yesterday)) && now < w->end);
}

int
window_minutes_left(const struct window *w, const struct tm *tm)
{
	int now = tm->tm_hour * 60 + tm->tm_min;

	if (!window_contains(w, tm))
		return 0;
	if (w->end > w->start)
		return w->end - now;
	if (now >= w->start)
		return 1440 - now + w->end;
	return w->end - now;
}

void
window_format(const struct window *w, char *dst, size_t dstsz)
{
	char days[40] = "";
	size_t n = 0;
	int i;

	if (w->days == 0x7f && w->start == 0 && w->end == 1440) {
		snprintf(dst, dstsz, "always");
		return;
	}
	if (w->days == 0x7f)
		snprintf(days, sizeof days, "*");
	else
		for (i = 0; i < 7; i++)
			if (w->days & (1u << i))
				n += (size_t)snprintf(days + n, sizeof days - n,
				    "%s%s", n ? "," : "", window_days[i]);
	snprintf(dst, dstsz, "%s %02d:%02d-%02d:%02d", days, w->start / 60,
	    w->start % 60, w->end / 60, w->end % 60);
}

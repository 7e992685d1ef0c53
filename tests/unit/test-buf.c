/* Unit tests for buf: growth, the ceiling, consume, take. */
#include "config.h"

#include <string.h>

#include "buf.h"
#include "err.h"
#include "tap.h"

int
main(void)
{
	struct buf b;
	char big[5000];
	char *p;
	int i;

	buf_init(&b, 16);
	is_str(buf_str(&b), "", "empty buffer reads as \"\"");
	is_int(buf_add(&b, "hello", 5), 0, "append within the ceiling");
	is_int(buf_addf(&b, " %d", 42), 0, "formatted append");
	is_str(buf_str(&b), "hello 42", "contents after two appends");
	is_int(buf_add(&b, "0123456789", 10), ERR_TOOBIG,
	    "append past the ceiling is refused");
	is_int(b.len, 0, "a failed append leaves the buffer empty");
	is_int(buf_addstr(&b, "0123456789abcdef"), 0, "exactly the ceiling fits");
	is_int(buf_add(&b, "x", 1), ERR_TOOBIG, "one byte more does not");
	buf_clear(&b);

	buf_init(&b, 1 << 20);
	memset(big, 'a', sizeof big);
	for (i = 0; i < 100; i++)
		if (buf_add(&b, big, sizeof big) != 0)
			break;
	is_int(b.len, 500000, "growth over many appends");
	buf_consume(&b, 499990);
	is_int(b.len, 10, "consume drops the front");
	buf_consume(&b, 100);
	is_int(b.len, 0, "consume of more than held empties");
	buf_addstr(&b, "keep");
	buf_truncate(&b, 2);
	is_str(buf_str(&b), "ke", "truncate");
	p = buf_take(&b);
	is_str(p, "ke", "take hands the bytes over");
	is_int(b.len, 0, "take resets the buffer");
	free(p);
	is_int(buf_addf(&b, "%s", ""), 0, "empty formatted append");
	buf_clear(&b);
	buf_clear(&b);
	ok(1, "clear twice is harmless");
	return tap_done();
}

/* Unit tests for esc: nothing a terminal would act on gets through. */
#include "config.h"

#include <string.h>

#include "buf.h"
#include "esc.h"
#include "tap.h"

static const char *
esc(const char *s, size_t n, int flags)
{
	static struct buf b;

	buf_clear(&b);
	buf_init(&b, 1 << 16);
	esc_add(&b, s, n, flags);
	return buf_str(&b);
}

int
main(void)
{
	char fixed[12];

	is_str(esc("plain text", 10, 0), "plain text", "plain text unchanged");
	is_str(esc("a\nb\r\t\x1b[31m", 10, 0), "a\\nb\\r\\t\\e[31m",
	    "controls escaped");
	is_str(esc("a\nb", 3, ESC_KEEP_NL), "a\nb", "newline kept on request");
	is_str(esc("a\\b", 3, 0), "a\\\\b", "backslash doubled");
	is_str(esc("x\0y", 3, 0), "x\\x00y", "NUL escaped");
	is_str(esc("\x7f", 1, 0), "\\x7f", "DEL escaped");
	is_str(esc("caf\xc3\xa9", 5, 0), "caf\xc3\xa9", "valid UTF-8 kept");
	is_str(esc("\xc2\x9b" "31m", 5, 0), "\\xc2\\x9b31m",
	    "C1 CSI in UTF-8 escaped");
	is_str(esc("\x9b", 1, 0), "\\x9b", "raw C1 byte escaped");
	is_str(esc("\xc3", 1, 0), "\\xc3", "truncated UTF-8 escaped");
	is_str(esc("\xe0\x80\xaf", 3, 0), "\\xe0\\x80\\xaf", "overlong escaped");
	is_str(esc("\xed\xa0\x80", 3, 0), "\\xed\\xa0\\x80",
	    "surrogate escaped");
	is_str(esc("\xf0\x9f\x98\x80", 4, 0), "\xf0\x9f\x98\x80", "emoji kept");
	/* dst filled with UTF-8 continuation bytes first: the cut must look
	 * at the text, not at what dst held before. */
	memset(fixed, 0x80, sizeof fixed);
	esc_fixed(fixed, sizeof fixed, "0123456789abcdef", 16);
	is_str(fixed, "01234567...", "fixed truncates with ...");
	memset(fixed, 0x80, sizeof fixed);
	esc_fixed(fixed, sizeof fixed, "0123456\xc3\xa9" "abcdef", 13);
	is_str(fixed, "0123456...", "fixed does not cut a UTF-8 sequence");
	memset(fixed, 0x80, sizeof fixed);
	esc_fixed(fixed, sizeof fixed, "012345\x01" "abcdef", 13);
	is_str(fixed, "012345...", "fixed does not cut a \\xHH escape");
	esc_fixed(fixed, sizeof fixed, "\x1b\x1b", 2);
	is_str(fixed, "\\e\\e", "fixed escapes");
	is_int(esc_utf8_len((const unsigned char *)"\xf4\x90\x80\x80", 4), 0,
	    "past U+10FFFF is invalid");
	return tap_done();
}

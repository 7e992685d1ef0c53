/* esc: escaping of untrusted text for terminals and logs. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "esc.h"

size_t
esc_utf8_len(const unsigned char *s, size_t n)
{
	unsigned int cp;
	size_t len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, past U+10FFFF, and C1 controls. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
	    (cp >= 0x80 && cp <= 0x9f))
		return 0;
	return len;
}

int
esc_add(struct buf *out, const char *s, size_t n, int flags)
{
	const unsigned char *p = (const unsigned char *)s;
	char tmp[8];
	size_t i = 0, run, l;
	int r;

	while (i < n) {
		/* Copy the longest run that needs no escaping in one go. */
		run = i;
		while (run < n) {
			unsigned char c = p[run];

			if (c >= 0x20 && c < 0x7f && c != '\\') {
				run++;
				continue;
			}
			if ((c == '\n' && (flags & ESC_KEEP_NL)) ||
			    (c == '\t' && (flags & ESC_KEEP_TAB))) {
				run++;
				continue;
			}
			if (c >= 0x80 && (l = esc_utf8_len(p + run, n - run))) {
				run += l;
				continue;
			}
			break;
		}
		if (run > i && (r = buf_add(out, p + i, run - i)) != 0)
			return r;
		if (run >= n)
			break;
		switch (p[run]) {
		case '\\': memcpy(tmp, "\\\\", 3); break;
		case '\n': memcpy(tmp, "\\n", 3); break;
		case '\r': memcpy(tmp, "\\r", 3); break;
		case '\t': memcpy(tmp, "\\t", 3); break;
		case 0x1b: memcpy(tmp, "\\e", 3); break;
		default: snprintf(tmp, sizeof tmp, "\\x%02x", p[run]); break;
		}
		if ((r = buf_addstr(out, tmp)) != 0)
			return r;
		i = run + 1;
	}
	return 0;
}

void
esc_fixed(char *dst, size_t dstsz, const char *s, size_t n)
{
	struct buf b;

	if (dstsz == 0)
		return;
	buf_init(&b, 4 * n + 16);
	if (esc_add(&b, s, n, 0) != 0) {
		snprintf(dst, dstsz, "?");
		buf_clear(&b);
		return;
	}
	if (b.len < dstsz)
		memcpy(dst, buf_str(&b), b.len + 1);
	else if (dstsz > 4) {
		/* Do not cut a UTF-8 sequence or a \xHH escape in two: look
		 * at the escaped text, not at dst, which holds only the part
		 * copied. */
		const unsigned char *t = (const unsigned char *)b.data;
		size_t cut = dstsz - 4, k;

		while (cut > 0 && (t[cut] & 0xc0) == 0x80)
			cut--;
		for (k = cut > 3 ? cut - 3 : 0; k < cut; k++)
			if (t[k] == '\\' && k + 4 > cut) {
				cut = k;
				break;
			}
		memcpy(dst, b.data, cut);
		memcpy(dst + cut, "...", 4);
	} else
		dst[0] = '\0';
	buf_clear(&b);
}

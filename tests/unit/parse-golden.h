/*
 * parse-golden: data-driven parser tests (curl's tests/data habit).  Each
 * tests/unit/data/parse/<prefix>*.txt is a captured (or hostile) CLI output;
 * the test formats the parse of it as text and compares that with the .out
 * file beside it.  PARSE_GOLDEN_WRITE=1 rewrites the .out files instead
 * (review the diff before keeping it).
 */
#ifndef CERTREGEN_PARSE_GOLDEN_H
#define CERTREGEN_PARSE_GOLDEN_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "tap.h"

#ifndef PARSE_DATA_DIR
#define PARSE_DATA_DIR "tests/unit/data/parse"
#endif

/* Formats the parse of in[0..n) into out; name is the case's file stem. */
typedef void golden_fmt_fn(const char *name, const char *in, size_t n,
    struct buf *out);

static const char *
golden_dir(void)
{
	static char d[1024];
	const char *top = getenv("top_srcdir");

	if (top != NULL && *top != '\0') {
		snprintf(d, sizeof d, "%s/tests/unit/data/parse", top);
		return d;
	}
	return PARSE_DATA_DIR;
}

/* The whole file into *p (malloc'd, NUL-terminated); its size or -1. */
static long
golden_read(const char *path, char **p)
{
	FILE *fp = fopen(path, "rb");
	struct buf b;
	char chunk[8192];
	size_t got;

	*p = NULL;
	if (fp == NULL)
		return -1;
	buf_init(&b, 64u << 20);
	while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0)
		if (buf_add(&b, chunk, got) != 0) {
			fclose(fp);
			return -1;
		}
	fclose(fp);
	if (b.data == NULL && buf_add(&b, "", 0) != 0)
		return -1;
	got = b.len;
	*p = buf_take(&b);
	return (long)got;
}

static int
golden_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run every <prefix>*.txt case through fmt; the number of cases run. */
static int
golden_run(const char *prefix, golden_fmt_fn *fmt)
{
	const char *dir = golden_dir();
	char *names[1024], path[2048], *in, *want;
	size_t nn = 0, i, pl = strlen(prefix);
	struct dirent *de;
	struct buf got;
	long inlen, wantlen;
	int write = getenv("PARSE_GOLDEN_WRITE") != NULL;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		ok(0, "open %s", dir);
		return 0;
	}
	while ((de = readdir(d)) != NULL && nn < 1024) {
		size_t l = strlen(de->d_name);

		if (l > pl + 4 && strncmp(de->d_name, prefix, pl) == 0 &&
		    strcmp(de->d_name + l - 4, ".txt") == 0)
			names[nn++] = strndup(de->d_name, l - 4);
	}
	closedir(d);
	qsort(names, nn, sizeof names[0], golden_cmp);
	for (i = 0; i < nn; i++) {
		snprintf(path, sizeof path, "%s/%s.txt", dir, names[i]);
		inlen = golden_read(path, &in);
		if (inlen < 0) {
			ok(0, "%s: read", names[i]);
			continue;
		}
		buf_init(&got, 16u << 20);
		fmt(names[i], in, (size_t)inlen, &got);
		snprintf(path, sizeof path, "%s/%s.out", dir, names[i]);
		if (write) {
			FILE *fp = fopen(path, "wb");

			if (fp != NULL) {
				fwrite(buf_str(&got), 1, got.len, fp);
				fclose(fp);
			}
		}
		wantlen = golden_read(path, &want);
		if (!ok(wantlen >= 0 && (size_t)wantlen == got.len &&
		    memcmp(want, buf_str(&got), got.len) == 0, "%s", names[i])) {
			printf("# --- want\n%s# --- got\n%s", want ? want : "",
			    buf_str(&got));
		}
		free(want);
		free(in);
		buf_clear(&got);
		free(names[i]);
	}
	return (int)nn;
}

/* "error ERR_PARSE: why" */
static void
golden_err(struct buf *out, const char *what, int r, const char *why)
{
	buf_addf(out, "%s%serror %s: %s\n", what ? what : "", what ? " " : "",
	    err_name(r), why);
}

#endif

/*
 * cfgfile: the part of the site file and dialog file loaders that is the
 * same for both: collecting errors, reading the file, checking the text
 * before libconfig sees it.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cfgfile.h"
#include "conf.h"
#include "err.h"

void
cfgfile_verror(struct cfgfile *f, int line, const char *fmt, va_list ap)
{
	struct conf_errors *errs = f->errs;
	struct conf_error *v;
	struct buf b;

	if (errs->n >= CFGFILE_MAX_ERRORS)
		return;
	buf_init(&b, 8192);
	if (buf_vaddf(&b, fmt, ap) != 0)
		buf_addstr(&b, "(error message too long)");
	v = realloc(errs->v, (errs->n + 1) * sizeof *v);
	if (v == NULL) {
		buf_clear(&b);
		f->nomem = 1;
		return;
	}
	errs->v = v;
	v[errs->n].file = strdup(f->path);
	v[errs->n].line = line;
	v[errs->n].msg = buf_take(&b);
	if (v[errs->n].file == NULL || v[errs->n].msg == NULL) {
		free(v[errs->n].file);
		free(v[errs->n].msg);
		f->nomem = 1;
		return;
	}
	errs->n++;
}

void
cfgfile_error(struct cfgfile *f, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfgfile_verror(f, line, fmt, ap);
	va_end(ap);
}

static void
cfgfile_too_big(struct cfgfile *f, const struct cfgfile_kind *k)
{
	cfgfile_error(f, 0, "the file is larger than %zu bytes; is it really "
	    "a %s?", k->max, k->what);
}

int
cfgfile_read(struct cfgfile *f, const struct cfgfile_kind *k,
    struct buf *text)
{
	char chunk[8192];
	struct stat st;
	ssize_t r;
	int fd, ret = 0;

	/* Non-blocking, so that a FIFO put in place of a regular file
	 * cannot hang the open. */
	fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    (k->regular ? O_NONBLOCK : 0));
	if (fd == -1) {
		cfgfile_error(f, 0, "cannot open: %s", strerror(errno));
		return ERR_CONFIG;
	}
	if (k->regular && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
		cfgfile_error(f, 0, "not a regular file");
		close(fd);
		return ERR_CONFIG;
	}
	for (;;) {
		r = read(fd, chunk, sizeof chunk);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			cfgfile_error(f, 0, "cannot read: %s", strerror(errno));
			ret = ERR_CONFIG;
			break;
		}
		if (r == 0)
			break;
		if (buf_add(text, chunk, (size_t)r) != 0) {
			cfgfile_too_big(f, k);
			ret = ERR_CONFIG;
			break;
		}
	}
	close(fd);
	return ret;
}

int
cfgfile_check_text(struct cfgfile *f, const struct cfgfile_kind *k,
    const char *text, size_t len)
{
	size_t i, line = 1, bol = 0;
	int ret = 0;

	if (len > k->max) {
		cfgfile_too_big(f, k);
		return ERR_CONFIG;
	}
	for (i = 0; i <= len; i++) {
		if (i < len && text[i] == '\0') {
			cfgfile_error(f, (int)line, "a NUL byte at column %zu: "
			    "this is not a text file", i - bol + 1);
			return ERR_CONFIG;
		}
		if (i == len || text[i] == '\n') {
			const char *p = text + bol;

			while (p < text + i && (*p == ' ' || *p == '\t'))
				p++;
			if ((size_t)(text + i - p) >= 8 &&
			    memcmp(p, "@include", 8) == 0) {
				cfgfile_error(f, (int)line, "@include is not "
				    "supported: %s", k->include);
				ret = ERR_CONFIG;
			}
			line++;
			bol = i + 1;
		}
	}
	for (i = 0; i < len && strchr(" \t\r\n", text[i]) != NULL; i++)
		;
	if (i == len) {
		cfgfile_error(f, 0, "%s", k->empty);
		return ERR_CONFIG;
	}
	return ret;
}

/* Edit distance; 99 for long strings (names are short). */
static size_t
cfgfile_distance(const char *a, const char *b, int fold)
{
	size_t la = strlen(a), lb = strlen(b), i, j, row[64], prev, tmp;

	if (la >= 63 || lb >= 63)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			unsigned char x = (unsigned char)a[i - 1];
			unsigned char y = (unsigned char)b[j - 1];
			size_t cost;

			if (fold) {
				x = (unsigned char)tolower(x);
				y = (unsigned char)tolower(y);
			}
			cost = x == y ? 0 : 1;
			tmp = row[j];
			row[j] = prev + cost;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			if (tmp + 1 < row[j])
				row[j] = tmp + 1;
			prev = tmp;
		}
	}
	return row[lb];
}

int
cfgfile_known(const char *name, const char *const *known, int fold,
    const char **best)
{
	size_t k, d, bestd = 99;

	*best = NULL;
	for (k = 0; known[k] != NULL; k++) {
		if (strcmp(name, known[k]) == 0)
			return 1;
		if ((d = cfgfile_distance(name, known[k], fold)) < bestd) {
			bestd = d;
			*best = known[k];
		}
	}
	if (bestd > 2)
		*best = NULL;
	return 0;
}

const char *
cfgfile_type_name(int type)
{
	switch (type) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64: return "an integer";
	case CONFIG_TYPE_FLOAT: return "a number with a fraction";
	case CONFIG_TYPE_STRING: return "a string";
	case CONFIG_TYPE_BOOL: return "true or false";
	case CONFIG_TYPE_ARRAY: return "an array [ ... ]";
	case CONFIG_TYPE_LIST: return "a list ( ... )";
	case CONFIG_TYPE_GROUP: return "a group { ... }";
	default: return "something else";
	}
}

/*
 * cfgfile: what the two libconfig loaders share (conf.c for the site file,
 * dialog.c for the dialog files): the error collector (every problem with
 * file:line, all of them before the load fails), reading a file with a
 * size cap, and the checks libconfig does not make (NUL bytes, @include,
 * a file with nothing in it).
 */
#ifndef CERTREGEN_CFGFILE_H
#define CERTREGEN_CFGFILE_H

#include <stdarg.h>
#include <stddef.h>

struct buf;
struct conf_errors;

/* Most errors kept for one load; later ones are dropped. */
#define CFGFILE_MAX_ERRORS 200

/* The file being loaded: a loader's context starts with one. */
struct cfgfile {
	const char *path;           /* names the file in messages */
	struct conf_errors *errs;   /* where errors are collected */
	int nomem;                  /* an allocation failed: ERR_NOMEM */
};

/* What differs between the kinds of file. */
struct cfgfile_kind {
	size_t max;           /* most bytes a file may have */
	const char *what;     /* "site file": "is it really a site file?" */
	const char *include;  /* said after "@include is not supported: " */
	const char *empty;    /* the whole message for an empty file */
	int regular;          /* only a regular file (opened non-blocking) */
};

/* Add "path:line: message" to f->errs (line 0: no line); sets f->nomem
 * when memory runs out. */
void cfgfile_error(struct cfgfile *f, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cfgfile_verror(struct cfgfile *f, int line, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Read the file f->path into text (initialised with a ceiling of at least
 * k->max bytes by the caller).  0, or ERR_CONFIG with the error added. */
int cfgfile_read(struct cfgfile *f, const struct cfgfile_kind *k,
    struct buf *text);
/* Refuse text larger than k->max, with a NUL byte or an @include line, or
 * with nothing but blanks.  0, or ERR_CONFIG with the errors added. */
int cfgfile_check_text(struct cfgfile *f, const struct cfgfile_kind *k,
    const char *text, size_t len);

/*
 * 1 when name is one of known (NULL-ended).  Otherwise 0, with *best the
 * known name closest to it within two edits, for "did you mean" (NULL:
 * none that close); fold: letters compare case-insensitively.
 */
int cfgfile_known(const char *name, const char *const *known, int fold,
    const char **best);
/* "an integer", "a string", ... for a CONFIG_TYPE_*. */
const char *cfgfile_type_name(int type);

#endif

/*
 * dialog: the loader of the expect/ dialog files (libconfig, one file per
 * CLI command, plus common.dialog with the prompt and the always-on
 * cases) and the runner that plays one over an expect session.  The
 * loader checks a fixed schema and collects every error with file:line
 * (cfgfile.c, shared with conf.c's site file loader), and reads the files
 * the same way.  docs/dialogs.md has the format.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cfgfile.h"
#include "conf.h"
#include "dialog.h"
#include "err.h"
#include "esc.h"
#include "expect.h"
#include "rx.h"

#ifndef CERTREGEN_DIALOG_DIR
#define CERTREGEN_DIALOG_DIR "/usr/local/share/certregen/expect"
#endif

#define DIALOG_STR_MAX 4096
#define DIALOG_MAX_STEPS 64
#define DIALOG_MAX_CASES 64
#define DIALOG_BEFORE_ID 1000
#define DIALOG_DEFAULT_IDLE 60 /* seconds */
#define DIALOG_COMMON "common.dialog"

#define NEXT_STAY (-1)
#define NEXT_DONE (-2)

/* Parameter types: each value must match its type's pattern (and the
 * parameter's own pattern, if any).  None lets a space-separated word,
 * a quote, ';', a control byte or an escape reach the CLI, except the
 * single spaces inside a service name. */
static const struct {
	const char *name;
	const char *pattern;
	const char *what;
} dialog_types[] = {
	{ "unit", "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", "a unit name" },
	{ "service", "^Cisco [A-Za-z0-9 ._()-]{1,80}$", "a service name" },
	{ "file", "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$", "a file name" },
	{ "word", "^[a-z][a-z0-9-]{0,31}$", "a keyword" },
	/* A whole command line typed by an administrator (certregen cli):
	 * printable ASCII only, so no control byte or escape reaches the
	 * CLI; never filled from remote output. */
	{ "line", "^[!-~][ -~]{0,511}$", "a printable command line" },
};
#define NTYPES (sizeof dialog_types / sizeof dialog_types[0])

enum case_kind { CK_MATCH, CK_PROMPT, CK_TIMEOUT, CK_EOF };

struct dcase {
	enum case_kind kind;
	int line;
	struct rx *rx;       /* CK_MATCH */
	char *send;          /* template; NULL: nothing */
	int newline;
	char *fail;          /* NULL: not a failure */
	unsigned mark;
	char *next_name;
	int next;            /* step index, NEXT_STAY or NEXT_DONE */
	int max;             /* 0: any number of times */
	int capture;         /* the matched text goes to the output */
};

struct dstep {
	char *name;
	int line;
	int idle_ms;         /* 0: the run's or the dialog's default */
	struct dcase *cases;
	size_t ncases;
	struct expect_case *ecases; /* the MATCH and PROMPT cases */
	size_t necases;
	int on_timeout, on_eof;     /* case index or -1 */
};

struct dparam {
	char *name;
	int line;
	size_t type;
	struct rx *rx;       /* optional extra pattern */
};

struct dialog {
	const struct dialog_set *set;
	char *file;
	char *name;
	int line;
	char *command;       /* template; NULL: none (login) */
	int echo, capture, idle_ms;
	struct dparam params[DIALOG_MAX_PARAMS];
	size_t nparams;
	struct dstep *steps;
	size_t nsteps;
	char *marks[DIALOG_MAX_MARKS];
	size_t nmarks;
};

struct dbefore {
	struct rx *rx;
	char *name;
	char *reply;         /* with its newline */
	char *fail;
};

struct dialog_set {
	struct dialog **v;
	size_t n;
	char *common_file;
	struct rx *prompt;
	int idle_ms;
	struct dbefore *before;
	size_t nbefore;
	struct expect_case *ecases;
	struct rx *types[NTYPES];
};

/* A loader context: one file at a time. */
struct ctx {
	struct cfgfile f;    /* the file, its errors, out of memory */
};

static const struct cfgfile_kind dl_kind = {
	.max = DIALOG_MAX_FILE,
	.what = "dialog file",
	.include = "one dialog, one file",
	.empty = "the file is empty",
	.regular = 1,
};

/* ------------------------------------------------------------ errors */

static void dl_error(struct ctx *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
dl_error(struct ctx *c, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfgfile_verror(&c->f, line, fmt, ap);
	va_end(ap);
}

static int
dl_line(const config_setting_t *st)
{
	return st ? (int)config_setting_source_line(st) : 0;
}

static char *
dl_strdup(struct ctx *c, const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		c->f.nomem = 1;
	return p;
}

/* Every member of grp must be one of known (NULL-ended). */
static void
dl_check_keys(struct ctx *c, const config_setting_t *grp, const char *where,
    const char *const *known)
{
	int i, n = config_setting_length(grp);

	for (i = 0; i < n; i++) {
		const config_setting_t *m = config_setting_get_elem(grp,
		    (unsigned)i);
		const char *name = config_setting_name(m), *best;

		if (name == NULL || cfgfile_known(name, known, 0, &best))
			continue;
		if (best != NULL)
			dl_error(c, dl_line(m), "%s: unknown key '%s' (did you "
			    "mean '%s'?)", where, name, best);
		else
			dl_error(c, dl_line(m), "%s: unknown key '%s'", where,
			    name);
	}
}

/*
 * A member of the given type, or NULL when absent (an error if required)
 * or of another type (an error: expected what).
 */
static const config_setting_t *
dl_member(struct ctx *c, const config_setting_t *grp, const char *where,
    const char *name, int required, int type, const char *what)
{
	const config_setting_t *m = config_setting_get_member(grp, name);

	if (m == NULL) {
		if (required)
			dl_error(c, dl_line(grp), "%s: %s is missing; it is "
			    "required", where, name);
		return NULL;
	}
	if (config_setting_type(m) != type) {
		dl_error(c, dl_line(m), "%s: %s: expected %s, got %s", where,
		    name, what, cfgfile_type_name(config_setting_type(m)));
		return NULL;
	}
	return m;
}

/*
 * A string member.  Returns it (owned by libconfig) or NULL when absent
 * (an error if required) or invalid (an error).  ctl: control bytes other
 * than TAB and LF are allowed nowhere; LF and TAB only if ctl.
 */
static const char *
dl_str(struct ctx *c, const config_setting_t *grp, const char *where,
    const char *name, int required, int empty_ok, int ctl)
{
	const config_setting_t *m;
	const char *v, *p;

	if ((m = dl_member(c, grp, where, name, required, CONFIG_TYPE_STRING,
	    "a string in double quotes")) == NULL)
		return NULL;
	v = config_setting_get_string(m);
	if (*v == '\0' && !empty_ok) {
		dl_error(c, dl_line(m), "%s: %s must not be empty", where, name);
		return NULL;
	}
	if (strlen(v) > DIALOG_STR_MAX) {
		dl_error(c, dl_line(m), "%s: %s is longer than %d bytes", where,
		    name, DIALOG_STR_MAX);
		return NULL;
	}
	for (p = v; *p; p++) {
		unsigned char u = (unsigned char)*p;

		if ((u < 0x20 || u == 0x7f) &&
		    !(ctl && (u == '\t' || u == '\n'))) {
			dl_error(c, dl_line(m), "%s: %s holds a control byte "
			    "(0x%02x)", where, name, u);
			return NULL;
		}
	}
	return v;
}

/* A bool member; *dst is left alone when absent.  1 when present. */
static int
dl_bool(struct ctx *c, const config_setting_t *grp, const char *where,
    const char *name, int *dst)
{
	const config_setting_t *m;

	if ((m = dl_member(c, grp, where, name, 0, CONFIG_TYPE_BOOL,
	    "true or false (no quotes)")) == NULL)
		return 0;
	*dst = config_setting_get_bool(m);
	return 1;
}

static void
dl_int(struct ctx *c, const config_setting_t *grp, const char *where,
    const char *name, int *dst, int min, int max)
{
	const config_setting_t *m = config_setting_get_member(grp, name);
	long long v;

	if (m == NULL)
		return;
	if (config_setting_type(m) != CONFIG_TYPE_INT &&
	    config_setting_type(m) != CONFIG_TYPE_INT64) {
		dl_error(c, dl_line(m), "%s: %s: expected an integer from %d "
		    "to %d, got %s", where, name, min, max,
		    cfgfile_type_name(config_setting_type(m)));
		return;
	}
	v = config_setting_get_int64(m);
	if (v < min || v > max) {
		dl_error(c, dl_line(m), "%s: %s: expected an integer from %d "
		    "to %d, got %lld", where, name, min, max, v);
		return;
	}
	*dst = (int)v;
}

/* A list member of groups; NULL when absent (error if required). */
static const config_setting_t *
dl_list(struct ctx *c, const config_setting_t *grp, const char *where,
    const char *name, int required)
{
	return dl_member(c, grp, where, name, required, CONFIG_TYPE_LIST,
	    "a list ( { ... }, ... )");
}

/* The i-th element of a list, which must be a group. */
static const config_setting_t *
dl_elem_group(struct ctx *c, const config_setting_t *list, int i,
    const char *where)
{
	const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);

	if (g == NULL)
		return NULL;
	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		dl_error(c, dl_line(g), "%s: expected a group { ... }, got %s",
		    where, cfgfile_type_name(config_setting_type(g)));
		return NULL;
	}
	return g;
}

/* A name: lower-case letters, digits, '-' and '_'. */
static int
dl_name_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max || !islower((unsigned char)s[0]))
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) &&
		    *s != '-' && *s != '_')
			return 0;
	return 1;
}

/* Compile a case pattern (multi-line, bytes); NULL and an error if bad. */
static struct rx *
dl_regex(struct ctx *c, const config_setting_t *grp, const char *where,
    const char *key, const char *pat)
{
	struct rx *rx = NULL;
	size_t ov[2 * RX_GROUPS];
	char why[300];
	int r;

	r = rx_compile(pat, RX_MULTILINE, &rx, why, sizeof why);
	if (r == ERR_NOMEM) {
		c->f.nomem = 1;
		return NULL;
	}
	if (r != 0) {
		dl_error(c, dl_line(config_setting_get_member(grp, key)),
		    "%s: %s: bad regular expression: %s", where, key, why);
		return NULL;
	}
	if (rx_exec(rx, NULL, "", 0, 0, ov) == RX_MATCH) {
		dl_error(c, dl_line(config_setting_get_member(grp, key)),
		    "%s: %s: the pattern matches the empty string, so it "
		    "would match at once", where, key);
		rx_free(rx);
		return NULL;
	}
	return rx;
}

/* ------------------------------------------------------------ templates */

static const struct dparam *
dialog_param(const struct dialog *d, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < d->nparams; i++)
		if (strlen(d->params[i].name) == n &&
		    memcmp(d->params[i].name, name, n) == 0)
			return &d->params[i];
	return NULL;
}

/*
 * Check a template: ${name} must name a declared parameter; "$$" is a
 * dollar sign; any other '$' is an error.
 */
static void
dl_template(struct ctx *c, const struct dialog *d, const char *t, int line,
    const char *where)
{
	const char *p, *end;

	for (p = t; *p; p++) {
		if (*p != '$')
			continue;
		if (p[1] == '$') {
			p++;
			continue;
		}
		if (p[1] != '{' || (end = strchr(p + 2, '}')) == NULL) {
			dl_error(c, line, "%s: a '$' must start ${parameter} "
			    "(write $$ for a dollar sign)", where);
			return;
		}
		if (dialog_param(d, p + 2, (size_t)(end - p - 2)) == NULL) {
			dl_error(c, line, "%s: ${%.*s} is not a declared "
			    "parameter", where, (int)(end - p - 2), p + 2);
		}
		p = end;
	}
}

/* Expand a checked template with checked values into out. */
static int
dialog_expand(const struct dialog *d, const char *t,
    const char *const *values, struct buf *out)
{
	const char *p, *end;
	const struct dparam *dp;
	int r = 0;

	for (p = t; *p && r == 0; p++) {
		if (*p != '$') {
			r = buf_add(out, p, 1);
			continue;
		}
		if (p[1] == '$') {
			r = buf_add(out, "$", 1);
			p++;
			continue;
		}
		if (p[1] != '{' || (end = strchr(p + 2, '}')) == NULL)
			return ERR_INVAL;
		dp = dialog_param(d, p + 2, (size_t)(end - p - 2));
		if (dp == NULL)
			return ERR_INVAL;
		r = buf_addstr(out, values[dp - d->params]);
		p = end;
	}
	return r;
}

/* ------------------------------------------------------------ freeing */

static void
dialog_free(struct dialog *d)
{
	size_t i, j;

	if (d == NULL)
		return;
	free(d->file);
	free(d->name);
	free(d->command);
	for (i = 0; i < d->nparams; i++) {
		free(d->params[i].name);
		rx_free(d->params[i].rx);
	}
	for (i = 0; i < d->nsteps; i++) {
		struct dstep *st = &d->steps[i];

		for (j = 0; j < st->ncases; j++) {
			rx_free(st->cases[j].rx);
			free(st->cases[j].send);
			free(st->cases[j].fail);
			free(st->cases[j].next_name);
		}
		free(st->cases);
		free(st->ecases);
		free(st->name);
	}
	free(d->steps);
	for (i = 0; i < d->nmarks; i++)
		free(d->marks[i]);
	free(d);
}

void
dialog_set_free(struct dialog_set *ds)
{
	size_t i;

	if (ds == NULL)
		return;
	for (i = 0; i < ds->n; i++)
		dialog_free(ds->v[i]);
	free(ds->v);
	free(ds->common_file);
	rx_free(ds->prompt);
	for (i = 0; i < ds->nbefore; i++) {
		rx_free(ds->before[i].rx);
		free(ds->before[i].name);
		free(ds->before[i].reply);
		free(ds->before[i].fail);
	}
	free(ds->before);
	free(ds->ecases);
	for (i = 0; i < NTYPES; i++)
		rx_free(ds->types[i]);
	free(ds);
}

/* ------------------------------------------------------------ dialogs */

/* The bit of a mark, added to the dialog's marks if new (0: too many). */
static unsigned
dl_mark(struct ctx *c, struct dialog *d, const char *name, int line)
{
	size_t i;

	for (i = 0; i < d->nmarks; i++)
		if (strcmp(d->marks[i], name) == 0)
			return 1u << i;
	if (d->nmarks >= DIALOG_MAX_MARKS) {
		dl_error(c, line, "more than %d different marks",
		    DIALOG_MAX_MARKS);
		return 0;
	}
	if ((d->marks[d->nmarks] = dl_strdup(c, name)) == NULL)
		return 0;
	return 1u << d->nmarks++;
}

static void
dl_params(struct ctx *c, struct dialog *d, const config_setting_t *root)
{
	static const char *const keys[] = { "name", "type", "pattern",
	    "description", NULL };
	const config_setting_t *list = dl_list(c, root, "dialog", "params", 0);
	int i, n;

	if (list == NULL)
		return;
	n = config_setting_length(list);
	if (n > DIALOG_MAX_PARAMS) {
		dl_error(c, dl_line(list), "params: at most %d parameters",
		    DIALOG_MAX_PARAMS);
		n = DIALOG_MAX_PARAMS;
	}
	for (i = 0; i < n; i++) {
		const config_setting_t *g = dl_elem_group(c, list, i, "params");
		const char *name, *type, *pat;
		struct dparam *p;
		size_t k;

		if (g == NULL)
			continue;
		dl_check_keys(c, g, "param", keys);
		name = dl_str(c, g, "param", "name", 1, 0, 0);
		type = dl_str(c, g, "param", "type", 1, 0, 0);
		pat = dl_str(c, g, "param", "pattern", 0, 0, 0);
		(void)dl_str(c, g, "param", "description", 0, 1, 0);
		if (name == NULL || type == NULL)
			continue;
		if (!dl_name_ok(name, 32)) {
			dl_error(c, dl_line(g), "param: name \"%s\": use "
			    "lower-case letters, digits, '-' and '_'", name);
			continue;
		}
		if (dialog_param(d, name, strlen(name)) != NULL) {
			dl_error(c, dl_line(g), "param: duplicate name \"%s\"",
			    name);
			continue;
		}
		for (k = 0; k < NTYPES; k++)
			if (strcmp(type, dialog_types[k].name) == 0)
				break;
		if (k == NTYPES) {
			dl_error(c, dl_line(config_setting_get_member(g,
			    "type")), "param %s: unknown type \"%s\" (one of "
			    "unit, service, file, word)", name, type);
			continue;
		}
		p = &d->params[d->nparams];
		p->line = dl_line(g);
		p->type = k;
		if (pat != NULL) {
			size_t pl = strlen(pat);
			char why[300];
			int r;

			if (pat[0] != '^' || pl < 2 || pat[pl - 1] != '$' ||
			    pat[pl - 2] == '\\') {
				dl_error(c, dl_line(config_setting_get_member(
				    g, "pattern")), "param %s: the pattern must "
				    "be anchored: ^...$", name);
				continue;
			}
			r = rx_compile(pat, 0, &p->rx, why, sizeof why);
			if (r == ERR_NOMEM) {
				c->f.nomem = 1;
				continue;
			}
			if (r != 0) {
				dl_error(c, dl_line(config_setting_get_member(
				    g, "pattern")), "param %s: pattern: bad "
				    "regular expression: %s", name, why);
				continue;
			}
		}
		if ((p->name = dl_strdup(c, name)) == NULL) {
			rx_free(p->rx);
			p->rx = NULL;
			continue;
		}
		d->nparams++;
	}
}

static void
dl_case(struct ctx *c, struct dialog *d, const config_setting_t *g,
    const char *where, struct dcase *dc)
{
	static const char *const keys[] = { "match", "prompt", "timeout",
	    "eof", "send", "newline", "fail", "mark", "next", "max",
	    "capture", NULL };
	const char *match, *send, *fail, *mark, *next;
	int prompt = 0, timeout = 0, eof = 0, kinds = 0, line = dl_line(g);

	dl_check_keys(c, g, where, keys);
	dc->line = line;
	dc->newline = 1;
	dc->next = NEXT_STAY;
	match = dl_str(c, g, where, "match", 0, 0, 1);
	if (match != NULL || config_setting_get_member(g, "match") != NULL)
		kinds++;
	if (dl_bool(c, g, where, "prompt", &prompt) && prompt)
		kinds++;
	if (dl_bool(c, g, where, "timeout", &timeout) && timeout)
		kinds++;
	if (dl_bool(c, g, where, "eof", &eof) && eof)
		kinds++;
	if (kinds != 1) {
		dl_error(c, line, "%s: a case needs exactly one of match = "
		    "\"regex\", prompt = true, timeout = true, eof = true",
		    where);
		return;
	}
	if (match != NULL) {
		dc->kind = CK_MATCH;
		dc->rx = dl_regex(c, g, where, "match", match);
		dc->capture = 1;
	} else if (prompt) {
		dc->kind = CK_PROMPT;
	} else if (timeout) {
		dc->kind = CK_TIMEOUT;
		dc->max = 1;
	} else if (eof) {
		dc->kind = CK_EOF;
	}
	dl_bool(c, g, where, "capture", &dc->capture);
	if (dc->capture && dc->kind != CK_MATCH && dc->kind != CK_PROMPT)
		dc->capture = 0;
	send = dl_str(c, g, where, "send", 0, 1, 0);
	dl_bool(c, g, where, "newline", &dc->newline);
	fail = dl_str(c, g, where, "fail", 0, 0, 0);
	mark = dl_str(c, g, where, "mark", 0, 0, 0);
	next = dl_str(c, g, where, "next", 0, 0, 0);
	dl_int(c, g, where, "max", &dc->max, 0, 100000);
	if (send != NULL) {
		dl_template(c, d, send, dl_line(config_setting_get_member(g,
		    "send")), where);
		dc->send = dl_strdup(c, send);
	}
	if (fail != NULL) {
		if (next != NULL)
			dl_error(c, line, "%s: fail ends the dialog; it cannot "
			    "have next", where);
		dc->fail = dl_strdup(c, fail);
	}
	if (mark != NULL) {
		if (!dl_name_ok(mark, 32))
			dl_error(c, dl_line(config_setting_get_member(g,
			    "mark")), "%s: mark \"%s\": use lower-case letters, "
			    "digits, '-' and '_'", where, mark);
		else
			dc->mark = dl_mark(c, d, mark, line);
	}
	if (next != NULL) {
		if (strcmp(next, "done") == 0)
			dc->next = NEXT_DONE;
		else if (strcmp(next, "stay") != 0)
			dc->next_name = dl_strdup(c, next);
	}
	if (dc->kind == CK_EOF && dc->fail == NULL && dc->next != NEXT_DONE &&
	    dc->next_name == NULL)
		dl_error(c, line, "%s: an eof case must fail or end the dialog "
		    "(fail = \"...\" or next = \"done\")", where);
	if (dc->kind == CK_EOF && dc->send != NULL)
		dl_error(c, line, "%s: an eof case cannot send", where);
}

static int
dl_step_index(const struct dialog *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->nsteps; i++)
		if (d->steps[i].name != NULL && strcmp(d->steps[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void
dl_steps(struct ctx *c, struct dialog *d, const config_setting_t *root)
{
	static const char *const keys[] = { "name", "idle_timeout", "cases",
	    NULL };
	const config_setting_t *list = dl_list(c, root, "dialog", "steps", 1);
	int i, j, n, nc, ends = 0;
	size_t k;

	if (list == NULL)
		return;
	n = config_setting_length(list);
	if (n == 0) {
		dl_error(c, dl_line(list), "steps: the list is empty");
		return;
	}
	if (n > DIALOG_MAX_STEPS) {
		dl_error(c, dl_line(list), "steps: at most %d steps",
		    DIALOG_MAX_STEPS);
		n = DIALOG_MAX_STEPS;
	}
	if ((d->steps = calloc((size_t)n, sizeof *d->steps)) == NULL) {
		c->f.nomem = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		const config_setting_t *g = dl_elem_group(c, list, i, "steps");
		const config_setting_t *cl;
		struct dstep *st = &d->steps[d->nsteps];
		const char *name;
		char where[96];
		int idle = 0;

		if (g == NULL)
			continue;
		d->nsteps++;
		st->line = dl_line(g);
		st->on_timeout = st->on_eof = -1;
		dl_check_keys(c, g, "step", keys);
		name = dl_str(c, g, "step", "name", 1, 0, 0);
		if (name != NULL && !dl_name_ok(name, 32)) {
			dl_error(c, dl_line(g), "step: name \"%s\": use "
			    "lower-case letters, digits, '-' and '_'", name);
			name = NULL;
		}
		if (name != NULL && dl_step_index(d, name) >= 0) {
			dl_error(c, dl_line(g), "step: duplicate name \"%s\"",
			    name);
			name = NULL;
		}
		if (name != NULL && (strcmp(name, "done") == 0 ||
		    strcmp(name, "stay") == 0)) {
			dl_error(c, dl_line(g), "step: \"%s\" is reserved for "
			    "next", name);
			name = NULL;
		}
		if (name != NULL)
			st->name = dl_strdup(c, name);
		snprintf(where, sizeof where, "step %s", name ? name : "?");
		dl_int(c, g, where, "idle_timeout", &idle, 1, 86400);
		st->idle_ms = idle * 1000;
		if ((cl = dl_list(c, g, where, "cases", 1)) == NULL)
			continue;
		nc = config_setting_length(cl);
		if (nc == 0) {
			dl_error(c, dl_line(cl), "%s: cases: the list is empty",
			    where);
			continue;
		}
		if (nc > DIALOG_MAX_CASES) {
			dl_error(c, dl_line(cl), "%s: at most %d cases", where,
			    DIALOG_MAX_CASES);
			nc = DIALOG_MAX_CASES;
		}
		st->cases = calloc((size_t)nc, sizeof *st->cases);
		st->ecases = calloc((size_t)nc, sizeof *st->ecases);
		if (st->cases == NULL || st->ecases == NULL) {
			c->f.nomem = 1;
			continue;
		}
		for (j = 0; j < nc; j++) {
			const config_setting_t *cg = dl_elem_group(c, cl, j,
			    where);
			struct dcase *dc = &st->cases[st->ncases];

			if (cg == NULL)
				continue;
			st->ncases++;
			dl_case(c, d, cg, where, dc);
			if (dc->kind == CK_TIMEOUT) {
				if (st->on_timeout >= 0)
					dl_error(c, dc->line, "%s: a second "
					    "timeout case", where);
				st->on_timeout = (int)st->ncases - 1;
			} else if (dc->kind == CK_EOF) {
				if (st->on_eof >= 0)
					dl_error(c, dc->line, "%s: a second eof "
					    "case", where);
				st->on_eof = (int)st->ncases - 1;
			}
		}
	}
	/* Resolve next = "step". */
	for (k = 0; k < d->nsteps; k++) {
		struct dstep *st = &d->steps[k];
		size_t m;

		for (m = 0; m < st->ncases; m++) {
			struct dcase *dc = &st->cases[m];

			if (dc->next == NEXT_DONE || dc->fail != NULL)
				ends = 1;
			if (dc->next_name == NULL)
				continue;
			if ((i = dl_step_index(d, dc->next_name)) < 0)
				dl_error(c, dc->line, "step %s: next \"%s\" is "
				    "not a step (nor done or stay)",
				    st->name ? st->name : "?", dc->next_name);
			else
				dc->next = i;
		}
	}
	if (!ends)
		dl_error(c, dl_line(list), "steps: no case ends the dialog "
		    "(next = \"done\")");
}

/* Parse one dialog file's settings. */
static struct dialog *
dl_dialog(struct ctx *c, const config_setting_t *root)
{
	static const char *const keys[] = { "name", "description", "command",
	    "params", "echo", "capture", "idle_timeout", "steps", NULL };
	struct dialog *d;
	const char *name, *cmd;
	int idle = 0;

	if ((d = calloc(1, sizeof *d)) == NULL) {
		c->f.nomem = 1;
		return NULL;
	}
	d->echo = d->capture = 1;
	d->line = dl_line(root);
	d->file = dl_strdup(c, c->f.path);
	dl_check_keys(c, root, "dialog", keys);
	name = dl_str(c, root, "dialog", "name", 1, 0, 0);
	if (name != NULL && !dl_name_ok(name, 64))
		dl_error(c, dl_line(config_setting_get_member(root, "name")),
		    "dialog: name \"%s\": use lower-case letters, digits, '-' "
		    "and '_'", name);
	else if (name != NULL && strcmp(name, "common") == 0)
		dl_error(c, dl_line(config_setting_get_member(root, "name")),
		    "dialog: the name common is kept for %s", DIALOG_COMMON);
	else if (name != NULL) {
		d->name = dl_strdup(c, name);
		d->line = dl_line(config_setting_get_member(root, "name"));
	}
	(void)dl_str(c, root, "dialog", "description", 0, 1, 0);
	dl_params(c, d, root);
	cmd = dl_str(c, root, "dialog", "command", 0, 0, 0);
	if (cmd != NULL) {
		dl_template(c, d, cmd, dl_line(config_setting_get_member(root,
		    "command")), "command");
		d->command = dl_strdup(c, cmd);
	}
	dl_bool(c, root, "dialog", "echo", &d->echo);
	dl_bool(c, root, "dialog", "capture", &d->capture);
	dl_int(c, root, "dialog", "idle_timeout", &idle, 1, 86400);
	d->idle_ms = idle * 1000;
	dl_steps(c, d, root);
	return d;
}

/* Parse common.dialog into the set. */
static void
dl_common(struct ctx *c, struct dialog_set *ds, const config_setting_t *root)
{
	static const char *const keys[] = { "name", "description", "prompt",
	    "idle_timeout", "before", NULL };
	static const char *const bkeys[] = { "name", "match", "send",
	    "newline", "fail", NULL };
	const config_setting_t *list;
	const char *name, *prompt;
	int i, n, idle = DIALOG_DEFAULT_IDLE;

	dl_check_keys(c, root, "common", keys);
	name = dl_str(c, root, "common", "name", 1, 0, 0);
	if (name != NULL && strcmp(name, "common") != 0)
		dl_error(c, dl_line(config_setting_get_member(root, "name")),
		    "common: %s must be named \"common\"", DIALOG_COMMON);
	(void)dl_str(c, root, "common", "description", 0, 1, 0);
	prompt = dl_str(c, root, "common", "prompt", 1, 0, 1);
	if (prompt != NULL)
		ds->prompt = dl_regex(c, root, "common", "prompt", prompt);
	dl_int(c, root, "common", "idle_timeout", &idle, 1, 86400);
	ds->idle_ms = idle * 1000;
	if ((list = dl_list(c, root, "common", "before", 0)) == NULL)
		return;
	n = config_setting_length(list);
	if (n > DIALOG_MAX_CASES) {
		dl_error(c, dl_line(list), "before: at most %d cases",
		    DIALOG_MAX_CASES);
		n = DIALOG_MAX_CASES;
	}
	if (n == 0)
		return;
	ds->before = calloc((size_t)n, sizeof *ds->before);
	ds->ecases = calloc((size_t)n, sizeof *ds->ecases);
	if (ds->before == NULL || ds->ecases == NULL) {
		c->f.nomem = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		const config_setting_t *g = dl_elem_group(c, list, i, "before");
		struct dbefore *b = &ds->before[ds->nbefore];
		const char *bn, *match, *send, *fail;
		int nl = 1;

		if (g == NULL)
			continue;
		dl_check_keys(c, g, "before", bkeys);
		bn = dl_str(c, g, "before", "name", 0, 0, 0);
		match = dl_str(c, g, "before", "match", 1, 0, 1);
		send = dl_str(c, g, "before", "send", 0, 1, 0);
		fail = dl_str(c, g, "before", "fail", 0, 0, 0);
		dl_bool(c, g, "before", "newline", &nl);
		if ((send == NULL) == (fail == NULL)) {
			dl_error(c, dl_line(g), "before: a case needs exactly "
			    "one of send = \"...\" or fail = \"...\"");
			continue;
		}
		if (send != NULL && strchr(send, '$') != NULL) {
			dl_error(c, dl_line(g), "before: send cannot use "
			    "parameters");
			continue;
		}
		if (match == NULL ||
		    (b->rx = dl_regex(c, g, "before", "match", match)) == NULL)
			continue;
		b->name = dl_strdup(c, bn ? bn : "before");
		if (send != NULL) {
			struct buf rb;

			buf_init(&rb, DIALOG_STR_MAX + 2);
			if (buf_addstr(&rb, send) != 0 ||
			    (nl && buf_addstr(&rb, "\n") != 0))
				c->f.nomem = 1;
			b->reply = buf_take(&rb);
			if (b->reply == NULL)
				b->reply = dl_strdup(c, "");
		}
		if (fail != NULL)
			b->fail = dl_strdup(c, fail);
		ds->ecases[ds->nbefore].rx = b->rx;
		ds->ecases[ds->nbefore].id = DIALOG_BEFORE_ID + (int)ds->nbefore;
		ds->ecases[ds->nbefore].action = send != NULL ?
		    EXPECT_ACT_SEND : EXPECT_ACT_RETURN;
		ds->ecases[ds->nbefore].reply = b->reply;
		ds->nbefore++;
	}
}

/* ------------------------------------------------------------ files */

static const char *
dl_basename(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/*
 * Parse text (the contents of path) into ds: common.dialog into the set's
 * common part, any other file into a new dialog appended to ds->v.
 */
static void
dl_parse(struct ctx *c, struct dialog_set *ds, const char *text, size_t len)
{
	const config_setting_t *root;
	config_t cfg;
	char *z;
	size_t before = c->f.errs->n;

	if (cfgfile_check_text(&c->f, &dl_kind, text, len) != 0)
		return;
	if ((z = strndup(text, len)) == NULL) {
		c->f.nomem = 1;
		return;
	}
	config_init(&cfg);
	if (config_read_string(&cfg, z) != CONFIG_TRUE) {
		dl_error(c, config_error_line(&cfg), "syntax error: %s "
		    "(settings look like: name = \"value\"; lists like steps = "
		    "( { ... }, { ... } );)", config_error_text(&cfg));
		goto out;
	}
	root = config_root_setting(&cfg);
	if (strcmp(dl_basename(c->f.path), DIALOG_COMMON) == 0) {
		if (ds->common_file != NULL) {
			dl_error(c, 0, "a second %s", DIALOG_COMMON);
			goto out;
		}
		ds->common_file = dl_strdup(c, c->f.path);
		dl_common(c, ds, root);
	} else {
		struct dialog *d = dl_dialog(c, root), **v;

		if (d == NULL)
			goto out;
		d->set = ds;
		if (c->f.errs->n != before || c->f.nomem ||
		    (v = realloc(ds->v, (ds->n + 1) * sizeof *v)) == NULL) {
			if (c->f.errs->n == before)
				c->f.nomem = 1;
			dialog_free(d);
			goto out;
		}
		ds->v = v;
		ds->v[ds->n++] = d;
	}
out:
	config_destroy(&cfg);
	free(z);
}

static void
dl_file(struct ctx *c, struct dialog_set *ds, const char *path)
{
	struct buf text;

	c->f.path = path;
	buf_init(&text, DIALOG_MAX_FILE);
	if (cfgfile_read(&c->f, &dl_kind, &text) == 0)
		dl_parse(c, ds, buf_str(&text), text.len);
	buf_clear(&text);
}

static int
dl_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.dialog names of a directory, sorted; 0 or an error reported. */
static int
dl_list_dir(struct ctx *c, const char *dir, char ***out, size_t *nout)
{
	DIR *dp;
	struct dirent *de;
	char **v = NULL, **nv;
	size_t n = 0, len;

	*out = NULL;
	*nout = 0;
	c->f.path = dir;
	if ((dp = opendir(dir)) == NULL) {
		dl_error(c, 0, "cannot open the dialog directory: %s",
		    strerror(errno));
		return ERR_CONFIG;
	}
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= 7 ||
		    strcmp(de->d_name + len - 7, ".dialog") != 0)
			continue;
		if (n >= DIALOG_MAX_FILES) {
			dl_error(c, 0, "more than %d dialog files",
			    DIALOG_MAX_FILES);
			break;
		}
		if ((nv = realloc(v, (n + 1) * sizeof *v)) == NULL ||
		    (nv[n] = strdup(de->d_name)) == NULL) {
			if (nv != NULL)
				v = nv;
			c->f.nomem = 1;
			break;
		}
		v = nv;
		n++;
	}
	closedir(dp);
	if (n > 0)
		qsort(v, n, sizeof *v, dl_strcmp);
	*out = v;
	*nout = n;
	return c->f.nomem ? ERR_NOMEM : 0;
}

static void
dl_free_names(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int
dl_has(char **v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], name) == 0)
			return 1;
	return 0;
}

static int
dl_cmp_dialog(const void *a, const void *b)
{
	const struct dialog *x = *(struct dialog *const *)a;
	const struct dialog *y = *(struct dialog *const *)b;

	return strcmp(x->name, y->name);
}

/* After all files: the common part, prompt cases, unique names. */
static void
dl_finish(struct ctx *c, struct dialog_set *ds)
{
	size_t i, j, k, m;
	char why[300];

	for (k = 0; k < NTYPES; k++)
		if (rx_compile(dialog_types[k].pattern, 0, &ds->types[k], why,
		    sizeof why) != 0)
			c->f.nomem = 1;
	for (i = 0; i < ds->n; i++) {
		struct dialog *d = ds->v[i];

		c->f.path = d->file;
		for (j = 0; j < i; j++)
			if (strcmp(ds->v[j]->name, d->name) == 0)
				dl_error(c, d->line, "dialog %s: the name is "
				    "also used by %s", d->name, ds->v[j]->file);
		for (k = 0; k < d->nsteps; k++) {
			struct dstep *st = &d->steps[k];

			st->necases = 0;
			for (m = 0; m < st->ncases; m++) {
				struct dcase *dc = &st->cases[m];
				const struct rx *rx = NULL;

				if (dc->kind == CK_MATCH)
					rx = dc->rx;
				else if (dc->kind == CK_PROMPT)
					rx = ds->prompt;
				else
					continue;
				if (dc->kind == CK_PROMPT &&
				    ds->common_file == NULL)
					dl_error(c, dc->line, "prompt = true, "
					    "but there is no %s with the prompt",
					    DIALOG_COMMON);
				st->ecases[st->necases].rx = rx;
				st->ecases[st->necases].id = (int)m;
				st->ecases[st->necases].action =
				    EXPECT_ACT_RETURN;
				st->necases++;
			}
		}
	}
	if (ds->n > 1)
		qsort(ds->v, ds->n, sizeof *ds->v, dl_cmp_dialog);
}

/* A load begins: no errors yet, an empty set (NULL: out of memory). */
static struct dialog_set *
dl_begin(struct ctx *c, struct conf_errors *errs)
{
	struct dialog_set *ds;

	errs->v = NULL;
	errs->n = 0;
	memset(c, 0, sizeof *c);
	c->f.errs = errs;
	if ((ds = calloc(1, sizeof *ds)) != NULL)
		ds->idle_ms = DIALOG_DEFAULT_IDLE * 1000;
	return ds;
}

/*
 * A load ends, every file read: the checks across the files (where names
 * the set when there is no common.dialog), then ds goes to *out if all is
 * well, else it is freed.  0, ERR_CONFIG or ERR_NOMEM.
 */
static int
dl_end(struct ctx *c, struct dialog_set *ds, const char *where,
    struct dialog_set **out)
{
	if (!c->f.nomem && ds->common_file == NULL) {
		c->f.path = where;
		dl_error(c, 0, "no %s (the prompt and the always-on cases)",
		    DIALOG_COMMON);
	}
	if (!c->f.nomem)
		dl_finish(c, ds);
	if (c->f.nomem || c->f.errs->n != 0) {
		dialog_set_free(ds);
		return c->f.nomem ? ERR_NOMEM : ERR_CONFIG;
	}
	*out = ds;
	return 0;
}

int
dialog_set_load(const char *builtin_dir, const char *override_dir,
    struct dialog_set **out, struct conf_errors *errs)
{
	struct ctx c;
	struct dialog_set *ds;
	char **bv = NULL, **ov = NULL;
	size_t bn = 0, on = 0, i;
	struct buf path;
	int ret = ERR_CONFIG;

	*out = NULL;
	if ((ds = dl_begin(&c, errs)) == NULL)
		return ERR_NOMEM;
	buf_init(&path, 8192);
	if (dl_list_dir(&c, builtin_dir, &bv, &bn) != 0)
		goto out;
	if (override_dir != NULL && dl_list_dir(&c, override_dir, &ov, &on) != 0)
		goto out;
	/* A file of the override directory replaces the built-in one. */
	for (i = 0; i < bn && !c.f.nomem; i++) {
		if (dl_has(ov, on, bv[i]))
			continue;
		buf_reset(&path);
		if (buf_addf(&path, "%s/%s", builtin_dir, bv[i]) != 0) {
			c.f.nomem = 1;
			break;
		}
		dl_file(&c, ds, buf_str(&path));
	}
	for (i = 0; i < on && !c.f.nomem; i++) {
		buf_reset(&path);
		if (buf_addf(&path, "%s/%s", override_dir, ov[i]) != 0) {
			c.f.nomem = 1;
			break;
		}
		dl_file(&c, ds, buf_str(&path));
	}
	ret = dl_end(&c, ds, builtin_dir, out);
	ds = NULL;
out:
	if (c.f.nomem)
		ret = ERR_NOMEM;
	buf_clear(&path);
	dl_free_names(bv, bn);
	dl_free_names(ov, on);
	dialog_set_free(ds);
	return ret;
}

int
dialog_set_load_mem(const struct dialog_text *files, size_t n,
    struct dialog_set **out, struct conf_errors *errs)
{
	struct ctx c;
	struct dialog_set *ds;
	size_t i;

	*out = NULL;
	if ((ds = dl_begin(&c, errs)) == NULL)
		return ERR_NOMEM;
	for (i = 0; i < n && !c.f.nomem; i++) {
		c.f.path = files[i].file;
		dl_parse(&c, ds, files[i].text, files[i].len);
	}
	return dl_end(&c, ds, n > 0 ? files[0].file : "(none)", out);
}

/* ------------------------------------------------------------ lookups */

const char *
dialog_builtin_dir(void)
{
	const char *v = getenv("CERTREGEN_DIALOG_DIR");

	return v != NULL && *v != '\0' ? v : CERTREGEN_DIALOG_DIR;
}

const struct dialog *
dialog_get(const struct dialog_set *ds, const char *name)
{
	size_t i;

	for (i = 0; i < ds->n; i++)
		if (strcmp(ds->v[i]->name, name) == 0)
			return ds->v[i];
	return NULL;
}

const char *
dialog_file(const struct dialog *d)
{
	return d->file;
}

const char *
dialog_name(const struct dialog *d)
{
	return d->name;
}

size_t
dialog_nparams(const struct dialog *d)
{
	return d->nparams;
}

const char *
dialog_param_name(const struct dialog *d, size_t i)
{
	return i < d->nparams ? d->params[i].name : NULL;
}

size_t
dialog_count(const struct dialog_set *ds)
{
	return ds->n;
}

const struct dialog *
dialog_at(const struct dialog_set *ds, size_t i)
{
	return i < ds->n ? ds->v[i] : NULL;
}

unsigned
dialog_mark(const struct dialog *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->nmarks; i++)
		if (strcmp(d->marks[i], name) == 0)
			return 1u << i;
	return 0;
}

int
dialog_set_before(const struct dialog_set *ds, struct expect *e)
{
	return expect_before(e, ds->ecases, ds->nbefore);
}

/* ------------------------------------------------------------ runner */

struct run {
	const struct dialog *d;
	struct expect *e;
	struct dialog_result *res;
	const char *step;
	const char *values[DIALOG_MAX_PARAMS];
	int delay;
	int64_t deadline;
};

/* res->why: "dialog: step: what; output: "<the last output, escaped>"". */
static void run_why(struct run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
run_why(struct run *r, const char *fmt, ...)
{
	char what[256], seen[160], shown[200];
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	n = expect_recent(r->e, seen, sizeof seen);
	esc_fixed(shown, sizeof shown, seen, n);
	if (r->step != NULL)
		snprintf(r->res->why, sizeof r->res->why, "dialog %s, step %s: "
		    "%s; last output: \"%s\"", r->d->name, r->step, what, shown);
	else
		snprintf(r->res->why, sizeof r->res->why, "dialog %s: %s; last "
		    "output: \"%s\"", r->d->name, what, shown);
}

/* Check the values against the declared parameters. */
static int
run_params(struct run *r, const struct dialog_param *params, size_t n)
{
	const struct dialog *d = r->d;
	char shown[80];
	size_t i, k;

	for (i = 0; i < n; i++) {
		const struct dparam *p = dialog_param(d, params[i].name,
		    strlen(params[i].name));

		if (p == NULL) {
			esc_fixed(shown, sizeof shown, params[i].name,
			    strlen(params[i].name));
			snprintf(r->res->why, sizeof r->res->why, "dialog %s: "
			    "no parameter %s", d->name, shown);
			return ERR_INVAL;
		}
		k = (size_t)(p - d->params);
		if (r->values[k] != NULL) {
			snprintf(r->res->why, sizeof r->res->why, "dialog %s: "
			    "parameter %s given twice", d->name, p->name);
			return ERR_INVAL;
		}
		r->values[k] = params[i].value;
	}
	for (k = 0; k < d->nparams; k++) {
		const struct dparam *p = &d->params[k];
		const char *v = r->values[k];
		size_t len;

		if (v == NULL) {
			snprintf(r->res->why, sizeof r->res->why, "dialog %s: "
			    "parameter %s missing", d->name, p->name);
			return ERR_INVAL;
		}
		len = strlen(v);
		if (len > DIALOG_MAX_VALUE ||
		    !rx_test(d->set->types[p->type], v, len) ||
		    (p->rx != NULL && !rx_test(p->rx, v, len))) {
			esc_fixed(shown, sizeof shown, v, len);
			snprintf(r->res->why, sizeof r->res->why, "dialog %s: "
			    "parameter %s: \"%s\" is not %s (%s%s%s)", d->name,
			    p->name, shown, dialog_types[p->type].what,
			    dialog_types[p->type].pattern,
			    p->rx ? " and " : "", p->rx ? rx_pattern(p->rx) : "");
			return ERR_INVAL;
		}
	}
	return 0;
}

int
dialog_check(const struct dialog *d, const struct dialog_param *params,
    size_t nparams, char *why, size_t whysz)
{
	struct dialog_result res;
	struct run r;
	int rc;

	if (d == NULL) {
		snprintf(why, whysz, "no such dialog");
		return ERR_NOTFOUND;
	}
	memset(&r, 0, sizeof r);
	r.d = d;
	r.res = &res;
	res.why[0] = '\0';
	if ((rc = run_params(&r, params, nparams)) != 0)
		snprintf(why, whysz, "%s", res.why);
	return rc;
}

/* The echo of a command line: the text, literally, to the end of line. */
static int
run_echo_rx(const char *cmd, struct rx **out)
{
	struct buf b;
	const char *p;
	char why[64];
	int r = 0;

	buf_init(&b, 4 * DIALOG_STR_MAX);
	for (p = cmd; *p && r == 0; p++) {
		if (!isalnum((unsigned char)*p) && (unsigned char)*p < 0x80)
			r = buf_add(&b, "\\", 1);
		if (r == 0)
			r = buf_add(&b, p, 1);
	}
	if (r == 0)
		r = buf_addstr(&b, "[ \t]*\n");
	if (r == 0)
		r = rx_compile(buf_str(&b), 0, out, why, sizeof why);
	buf_clear(&b);
	return r == ERR_INVAL ? ERR_NOMEM : r;
}

/* Map an outcome that no case took to an error. */
static int
run_outcome(struct run *r, const struct expect_result *x, int idle_ms)
{
	switch (x->outcome) {
	case EXPECT_TIMEOUT:
		if (x->timed_out_idle)
			run_why(r, "no output for %d s", idle_ms / 1000);
		else
			run_why(r, "the deadline passed");
		return ERR_TIMEOUT;
	case EXPECT_EOF:
		run_why(r, "the connection closed");
		return ERR_EOF;
	case EXPECT_FULL:
		if (x->capture_full)
			run_why(r, "the output is larger than %zu bytes",
			    r->res->output.max);
		else
			run_why(r, "a line too long to match");
		return ERR_BUFFER_FULL;
	default:
		run_why(r, "unexpected outcome %d", (int)x->outcome);
		return ERR_DIALOG;
	}
}

/* After a failure: read up to the prompt so the session stays usable. */
static void
run_resync(struct run *r, int idle_ms)
{
	const struct dialog_set *ds = r->d->set;
	struct expect_case pc;
	struct expect_result x;
	int i;

	expect_capture(r->e, NULL);
	if (ds->prompt == NULL)
		return;
	pc.rx = ds->prompt;
	pc.id = 0;
	pc.action = EXPECT_ACT_RETURN;
	pc.reply = NULL;
	for (i = 0; i < 4; i++) {
		if (expect_wait(r->e, &pc, 1, idle_ms, r->deadline, &x) != 0 ||
		    x.outcome != EXPECT_MATCHED || !x.before)
			return;
	}
}

/* Send a template (expanded) with or without its newline. */
static int
run_send(struct run *r, const char *t, int newline)
{
	struct buf b;
	int rc;

	buf_init(&b, 2 * DIALOG_STR_MAX);
	rc = dialog_expand(r->d, t, r->values, &b);
	if (rc == 0 && newline)
		rc = buf_add(&b, "\n", 1);
	if (rc == 0)
		rc = expect_send(r->e, buf_str(&b), b.len, r->delay, 0);
	if (rc != 0)
		run_why(r, "cannot send: %s", err_str(rc));
	buf_clear(&b);
	return rc;
}

/* The idle time for a step. */
static int
run_idle(const struct run *r, const struct dstep *st,
    const struct dialog_timing *t)
{
	if (st->idle_ms > 0)
		return st->idle_ms;
	if (t != NULL && t->idle_ms > 0)
		return t->idle_ms;
	if (r->d->idle_ms > 0)
		return r->d->idle_ms;
	return r->d->set->idle_ms;
}

/* Wait for the command's echo: the output starts after it. */
static int
run_command(struct run *r, const struct dialog_timing *t)
{
	struct rx *echo = NULL;
	struct expect_case ec;
	struct expect_result x;
	struct buf cmd;
	int rc, idle = run_idle(r, &r->d->steps[0], t);

	r->step = "command";
	buf_init(&cmd, 2 * DIALOG_STR_MAX);
	if ((rc = dialog_expand(r->d, r->d->command, r->values, &cmd)) != 0) {
		run_why(r, "cannot build the command: %s", err_str(rc));
		goto out;
	}
	expect_capture(r->e, NULL);
	if (r->d->echo && (rc = run_echo_rx(buf_str(&cmd), &echo)) != 0) {
		run_why(r, "cannot build the echo pattern");
		goto out;
	}
	if ((rc = buf_add(&cmd, "\n", 1)) != 0 ||
	    (rc = expect_send(r->e, buf_str(&cmd), cmd.len, r->delay, 0)) != 0) {
		run_why(r, "cannot send the command: %s", err_str(rc));
		goto out;
	}
	if (echo == NULL)
		goto out;
	ec.rx = echo;
	ec.id = 0;
	ec.action = EXPECT_ACT_RETURN;
	ec.reply = NULL;
	if ((rc = expect_wait(r->e, &ec, 1, idle, r->deadline, &x)) != 0) {
		run_why(r, "reading the echo: %s", err_str(rc));
		goto out;
	}
	if (x.outcome == EXPECT_MATCHED && x.before) {
		const struct dbefore *b =
		    &r->d->set->before[x.id - DIALOG_BEFORE_ID];

		/* The node failed a line it never echoed as typed: input
		 * was lost on the way (a node that drops fast typing). */
		run_why(r, "%s, before echoing the command as typed (input "
		    "lost? a per-character delay, ssh.send_delay_ms, may help)",
		    b->fail ? b->fail : "failed");
		run_resync(r, idle);
		rc = ERR_CLI;
	} else if (x.outcome != EXPECT_MATCHED) {
		rc = run_outcome(r, &x, idle);
	}
out:
	rx_free(echo);
	buf_clear(&cmd);
	return rc;
}

int
dialog_run(const struct dialog *d, struct expect *e,
    const struct dialog_param *params, size_t nparams,
    const struct dialog_timing *t, struct dialog_result *res)
{
	struct run r;
	struct expect_result x;
	unsigned fired[DIALOG_MAX_STEPS][DIALOG_MAX_CASES];
	const struct dstep *st;
	const struct dcase *dc;
	struct buf *cap;
	size_t step = 0;
	int rc, idle;

	if (d == NULL) {
		snprintf(res->why, sizeof res->why, "no such dialog");
		res->marks = 0;
		return ERR_NOTFOUND;
	}
	memset(&r, 0, sizeof r);
	r.d = d;
	r.e = e;
	r.res = res;
	r.delay = t ? t->send_delay_ms : 0;
	r.deadline = t ? t->deadline : 0;
	res->why[0] = '\0';
	res->marks = 0;
	if ((rc = run_params(&r, params, nparams)) != 0)
		return rc;
	if ((rc = dialog_set_before(d->set, e)) != 0) {
		run_why(&r, "%s", err_str(rc));
		return rc;
	}
	memset(fired, 0, sizeof fired);
	cap = d->capture ? &res->output : NULL;
	if (d->command != NULL && (rc = run_command(&r, t)) != 0)
		goto out;
	expect_capture(e, cap);
	expect_capture_flush(e, cap != NULL ? res->flush : NULL,
	    res->flush_arg);
	for (;;) {
		st = &d->steps[step];
		r.step = st->name;
		idle = run_idle(&r, st, t);
		rc = expect_wait(e, st->ecases, st->necases, idle, r.deadline,
		    &x);
		if (rc != 0) {
			run_why(&r, "%s", err_str(rc));
			goto out;
		}
		dc = NULL;
		if (x.outcome == EXPECT_MATCHED && x.before) {
			const struct dbefore *b =
			    &d->set->before[x.id - DIALOG_BEFORE_ID];

			run_why(&r, "%s", b->fail ? b->fail : "failed");
			run_resync(&r, idle);
			rc = ERR_CLI;
			goto out;
		} else if (x.outcome == EXPECT_MATCHED) {
			dc = &st->cases[x.id];
		} else if (x.outcome == EXPECT_TIMEOUT && x.timed_out_idle &&
		    st->on_timeout >= 0) {
			dc = &st->cases[st->on_timeout];
		} else if (x.outcome == EXPECT_EOF && st->on_eof >= 0) {
			dc = &st->cases[st->on_eof];
		}
		if (dc == NULL) {
			rc = run_outcome(&r, &x, idle);
			goto out;
		}
		if (dc->max > 0 && ++fired[step][dc - st->cases] >
		    (unsigned)dc->max) {
			/* A timeout case used up is a timeout after all. */
			if (dc->kind == CK_TIMEOUT) {
				rc = run_outcome(&r, &x, idle);
				goto out;
			}
			run_why(&r, "the case at %s:%d came more than %d times",
			    d->file, dc->line, dc->max);
			rc = ERR_DIALOG;
			goto out;
		}
		if (dc->capture && cap != NULL && x.outcome == EXPECT_MATCHED &&
		    expect_capture_add(e, x.match, x.match_len) != 0) {
			run_why(&r, "the output is larger than %zu bytes",
			    cap->max);
			rc = ERR_BUFFER_FULL;
			goto out;
		}
		res->marks |= dc->mark;
		if (dc->fail != NULL) {
			run_why(&r, "%s", dc->fail);
			/* A failing case may answer first (a question declined
			 * with "no"): the node then returns to its prompt. */
			if (dc->send != NULL && (rc = run_send(&r, dc->send,
			    dc->newline)) != 0)
				goto out;
			if (dc->kind == CK_MATCH)
				run_resync(&r, idle);
			rc = ERR_CLI;
			goto out;
		}
		if (dc->send != NULL && (rc = run_send(&r, dc->send,
		    dc->newline)) != 0)
			goto out;
		if (dc->next == NEXT_DONE) {
			rc = 0;
			goto out;
		}
		if (dc->next >= 0)
			step = (size_t)dc->next;
	}
out:
	expect_capture(e, NULL);
	expect_capture_flush(e, NULL, NULL);
	return rc;
}

/*
 * dialog: the CLI dialogs of expect/ (one libconfig file per CLI command),
 * loaded into a small AST and run over an expect session.  The files are
 * data: a site may point at its own directory and override any one file.
 * The format is in docs/dialogs.md and certregen-dialog(5).
 */
#ifndef CERTREGEN_DIALOG_H
#define CERTREGEN_DIALOG_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct conf_errors;
struct expect;

struct dialog;
struct dialog_set;

/*
 * Load every *.dialog file of builtin_dir, then those of override_dir
 * (may be NULL) replacing the built-in file of the same name.  All errors
 * of all files are collected with file:line.  0 or ERR_CONFIG / ERR_NOMEM.
 */
int dialog_set_load(const char *builtin_dir, const char *override_dir,
    struct dialog_set **out, struct conf_errors *errs);
void dialog_set_free(struct dialog_set *ds);

/*
 * The same from texts in memory (tests, fuzzing): file names the text in
 * messages, and its base name decides whether it is common.dialog.
 */
struct dialog_text {
	const char *file;
	const char *text;
	size_t len;
};
int dialog_set_load_mem(const struct dialog_text *files, size_t n,
    struct dialog_set **out, struct conf_errors *errs);

/*
 * The built-in dialog directory: $CERTREGEN_DIALOG_DIR when set and not
 * empty, else the compiled-in CERTREGEN_DIALOG_DIR.
 */
const char *dialog_builtin_dir(void);

/* A dialog by name ("cert-regen"), or NULL. */
const struct dialog *dialog_get(const struct dialog_set *ds,
    const char *name);
/* The file it came from (for messages), and its name. */
const char *dialog_file(const struct dialog *d);
const char *dialog_name(const struct dialog *d);
/* Its parameters: how many, and the name of the i-th (NULL past the end). */
size_t dialog_nparams(const struct dialog *d);
const char *dialog_param_name(const struct dialog *d, size_t i);
/* How many dialogs the set holds, and the i-th (sorted by name). */
size_t dialog_count(const struct dialog_set *ds);
const struct dialog *dialog_at(const struct dialog_set *ds, size_t i);

struct dialog_param {
	const char *name;   /* "unit" */
	const char *value;  /* checked against the dialog's pattern for it */
};

/*
 * Timing for one run (NULL: the dialog's defaults).  A step's silence
 * allowed is its own idle_timeout when the file gives one (structural
 * waits such as the login nudge), else idle_ms when > 0, else the
 * dialog's idle_timeout, else common's.  So idle_ms replaces the
 * dialog's default: pass the site's service timeout to service dialogs.
 */
struct dialog_timing {
	int idle_ms;        /* > 0: replaces the dialog's default */
	int64_t deadline;   /* absolute expect_clock(), 0 = none */
	int send_delay_ms;  /* per typed character */
};

struct dialog_result {
	struct buf output;  /* the captured command output (caller inits) */
	char why[512];      /* for failures: dialog, step, what was seen */
	unsigned marks;     /* bits set by cases with "mark" (dialog_mark()) */
	/* Optional (zeroed: none): stream the output; flush gets it in
	 * pieces whenever output would pass its ceiling, and what is left
	 * stays in output at the end (expect_capture_flush()). */
	int (*flush)(void *arg, const char *p, size_t n);
	void *flush_arg;
};

/*
 * Run d over e (it installs the set's always-on cases on e first, and
 * leaves e's capture unset when it returns).  Captured output is appended
 * to res->output.  Parameters are checked before anything is sent
 * (ERR_INVAL, why says which and the pattern).  Returns 0 when the dialog
 * ends in success; ERR_CLI when the node said the command failed (the
 * failure trailer or a case with fail); ERR_TIMEOUT, ERR_EOF,
 * ERR_BUFFER_FULL, ERR_DIALOG (a case came more often than its max),
 * ERR_NOTFOUND (d is NULL) or an io error otherwise.  After an error
 * other than ERR_INVAL and ERR_CLI the session is out of step: close it.  why names the dialog, the step and the last output seen
 * (escaped).
 */
int dialog_run(const struct dialog *d, struct expect *e,
    const struct dialog_param *params, size_t nparams,
    const struct dialog_timing *t, struct dialog_result *res);

/*
 * The parameter check of dialog_run() alone, with nothing sent: 0, or
 * ERR_INVAL with why naming the parameter, the value (escaped) and the
 * pattern; ERR_NOTFOUND when d is NULL.  For refusing a value before a
 * session is even opened.
 */
int dialog_check(const struct dialog *d, const struct dialog_param *params,
    size_t nparams, char *why, size_t whysz);

/* The bit of a mark name used in d's cases, or 0 if d has none such. */
unsigned dialog_mark(const struct dialog *d, const char *name);

/* The always-on cases (pager, failure trailer) from the set's "common"
 * dialog, installed with expect_before(); 0 or ERR_NOMEM. */
int dialog_set_before(const struct dialog_set *ds, struct expect *e);

/* Limits. */
#define DIALOG_MAX_FILE (256 * 1024)
#define DIALOG_MAX_FILES 256
#define DIALOG_MAX_PARAMS 8
#define DIALOG_MAX_VALUE 256     /* bytes of a parameter value */
#define DIALOG_MAX_MARKS 32

#endif

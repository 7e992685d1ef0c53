/*
 * dialog: the CLI dialogs of expect/ (one libconfig file per CLI command),
 * loaded into a small AST and run over an expect session.  The files are
 * data: a site may point at its own directory and override any one file.
 * The format is in docs/dialogs.md and certregen-dialog(5).
 */
#ifndef CERTREGEN_DIALOG_H
#define CERTREGEN_DIALOG_H

#include <stddef.h>

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

/* A dialog by name ("cert-regen"), or NULL. */
const struct dialog *dialog_get(const struct dialog_set *ds,
    const char *name);
/* The file it came from (for messages). */
const char *dialog_file(const struct dialog *d);

struct dialog_param {
	const char *name;   /* "unit" */
	const char *value;  /* checked against the dialog's pattern for it */
};

/* Timing for one run. */
struct dialog_timing {
	int idle_ms;        /* default silence allowed per step */
	int64_t deadline;   /* absolute expect_now_ms(), 0 = none */
	int send_delay_ms;  /* per typed character */
};

struct dialog_result {
	struct buf output;  /* the captured command output (caller inits) */
	char why[512];      /* for failures: dialog, step, what was seen */
	unsigned marks;     /* bits set by cases with "mark" (dialog_mark()) */
};

/*
 * Run d over e.  Parameters are checked before anything is sent
 * (ERR_INVAL, why says which and the pattern).  Returns 0 when the dialog
 * ends in success; ERR_CLI when the node said the command failed (the
 * failure trailer or a case with fail); ERR_TIMEOUT, ERR_EOF,
 * ERR_BUFFER_FULL, ERR_DIALOG (no case for what was seen) or an io error
 * otherwise.  why names the dialog, the step and the last output seen
 * (escaped).
 */
int dialog_run(const struct dialog *d, struct expect *e,
    const struct dialog_param *params, size_t nparams,
    const struct dialog_timing *t, struct dialog_result *res);

/* The bit of a mark name used in d's cases, or 0 if d has none such. */
unsigned dialog_mark(const struct dialog *d, const char *name);

/* The always-on cases (pager, failure trailer) from the set's "common"
 * dialog, ready for expect_before(). */
int dialog_set_before(const struct dialog_set *ds, struct expect *e);

#endif

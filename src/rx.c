/*
 * rx: a thin layer over PCRE2 (8-bit, UTF off).  It owns the compile
 * options every certregen pattern shares, the JIT with its silent fall
 * back to the interpreter, and the limits that keep hostile output cheap.
 */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "rx.h"

/* Work limits per match: far above what a dialog pattern needs on a line
 * of CLI output, far below what would stall a session. */
#define RX_MATCH_LIMIT 2000000
#define RX_DEPTH_LIMIT 10000
#define RX_HEAP_LIMIT 8192 /* KiB */

struct rx {
	pcre2_code *code;
	pcre2_match_context *mctx;
	char *pattern;
	int jit;
	struct rx_info info;
};

/* CERTREGEN_NO_JIT, read once; the source of rx_id(). */
static pthread_once_t rx_once = PTHREAD_ONCE_INIT;
static int rx_nojit;
static pthread_mutex_t rx_id_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t rx_last_id;

static void
rx_read_env(void)
{
	const char *v = getenv("CERTREGEN_NO_JIT");

	rx_nojit = v != NULL && v[0] != '\0' && strcmp(v, "0") != 0;
}

int
rx_jit_disabled(void)
{
	pthread_once(&rx_once, rx_read_env);
	return rx_nojit;
}

static uint64_t
rx_next_id(void)
{
	uint64_t id;

	pthread_mutex_lock(&rx_id_lock);
	id = ++rx_last_id;
	pthread_mutex_unlock(&rx_id_lock);
	return id;
}

/*
 * What a resumed search needs to know (rx.h): the text tells whether the
 * pattern uses something that depends on where the search started (any
 * "\G", "\K", "(*" or "(?C", even escaped: a false alarm only costs the
 * memo), PCRE2 how far its lookbehinds reach.
 */
static void
rx_resume_info(struct rx *rx, int multiline)
{
	struct rx_info *ri = &rx->info;
	const char *p = rx->pattern, *q;
	uint32_t lb = 0, groups = 0;

	ri->resumable = strstr(p, "\\G") == NULL &&
	    strstr(p, "\\K") == NULL && strstr(p, "(*") == NULL &&
	    strstr(p, "(?C") == NULL;
	if (pcre2_pattern_info(rx->code, PCRE2_INFO_MAXLOOKBEHIND, &lb) != 0)
		ri->resumable = 0;
	ri->context = lb;
	if (ri->context == 0 && (strchr(p, '^') != NULL ||
	    strstr(p, "\\A") != NULL || strstr(p, "\\b") != NULL ||
	    strstr(p, "\\B") != NULL))
		ri->context = 1;
	/* Only ^ (lookbehind and \b, \B, \A give lb > 0), every ^ a
	 * multiline one: compiled so, and no option group such as (?-m),
	 * (?i-m) or (?^) that could turn it off. */
	ri->context_bol = multiline && lb == 0 && ri->context == 1;
	for (q = p; ri->context_bol && (q = strstr(q, "(?")) != NULL;) {
		q += 2;
		while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z'))
			q++;
		if (*q == '-' || *q == '^')
			ri->context_bol = 0;
	}
	/* Groups past RX_GROUPS are never reported. */
	if (pcre2_pattern_info(rx->code, PCRE2_INFO_CAPTURECOUNT,
	    &groups) != 0 || groups >= RX_GROUPS)
		groups = RX_GROUPS - 1;
	ri->groups = (int)groups + 1;
}

struct rx_md {
	pcre2_match_data *md;
	PCRE2_SIZE *ov;      /* its ovector (fixed for its life) */
};

int
rx_compile(const char *pattern, int flags, struct rx **out, char *why,
    size_t whysz)
{
	pcre2_compile_context *cctx = NULL;
	struct rx *rx = NULL;
	uint32_t opts = PCRE2_NEVER_UTF | PCRE2_NEVER_UCP |
	    PCRE2_ALT_CIRCUMFLEX;
	PCRE2_SIZE erroff = 0;
	int errcode = 0, ret = ERR_NOMEM;

	*out = NULL;
	if (why != NULL && whysz > 0)
		why[0] = '\0';
	if (flags & RX_CASELESS)
		opts |= PCRE2_CASELESS;
	/* ALT_CIRCUMFLEX (above): a multiline ^, also one set with (?m),
	 * matches after a newline that ends the subject too.  Without it an
	 * attempt that gets there fails instead of asking for more bytes
	 * (even with PARTIAL_HARD), so a match across two reads would depend
	 * on where the read ended; with it every attempt that reaches the
	 * end is partial, which the expect engine's memo (and its windows)
	 * rely on. */
	if (flags & RX_MULTILINE)
		opts |= PCRE2_MULTILINE;
	if ((rx = calloc(1, sizeof *rx)) == NULL)
		goto out;
	if ((rx->pattern = strdup(pattern)) == NULL)
		goto out;
	if ((cctx = pcre2_compile_context_create(NULL)) == NULL)
		goto out;
	pcre2_set_newline(cctx, PCRE2_NEWLINE_LF);
	pcre2_set_bsr(cctx, PCRE2_BSR_ANYCRLF);
	rx->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    opts, &errcode, &erroff, cctx);
	if (rx->code == NULL) {
		PCRE2_UCHAR msg[256];

		if (pcre2_get_error_message(errcode, msg, sizeof msg) < 0)
			snprintf((char *)msg, sizeof msg, "error %d", errcode);
		if (why != NULL && whysz > 0)
			snprintf(why, whysz, "%s at offset %zu", (char *)msg,
			    (size_t)erroff);
		ret = ERR_INVAL;
		goto out;
	}
	/* Both modes the engine uses; any failure leaves the interpreter,
	 * and so does CERTREGEN_NO_JIT. */
	rx->jit = !rx_jit_disabled() && pcre2_jit_compile(rx->code,
	    PCRE2_JIT_COMPLETE | PCRE2_JIT_PARTIAL_HARD) == 0;
	rx->info.id = rx_next_id();
	rx_resume_info(rx, (flags & RX_MULTILINE) != 0);
	if ((rx->mctx = pcre2_match_context_create(NULL)) == NULL)
		goto out;
	pcre2_set_match_limit(rx->mctx, RX_MATCH_LIMIT);
	pcre2_set_depth_limit(rx->mctx, RX_DEPTH_LIMIT);
	pcre2_set_heap_limit(rx->mctx, RX_HEAP_LIMIT);
	*out = rx;
	rx = NULL;
	ret = 0;
out:
	pcre2_compile_context_free(cctx);
	rx_free(rx);
	return ret;
}

void
rx_free(struct rx *rx)
{
	if (rx == NULL)
		return;
	pcre2_code_free(rx->code);
	pcre2_match_context_free(rx->mctx);
	free(rx->pattern);
	free(rx);
}

const char *
rx_pattern(const struct rx *rx)
{
	return rx->pattern;
}

int
rx_jit(const struct rx *rx)
{
	return rx->jit;
}

uint64_t
rx_id(const struct rx *rx)
{
	return rx->info.id;
}

int
rx_resumable(const struct rx *rx)
{
	return rx->info.resumable;
}

size_t
rx_context(const struct rx *rx)
{
	return rx->info.context;
}

int
rx_context_bol(const struct rx *rx)
{
	return rx->info.context_bol;
}

const struct rx_info *
rx_info(const struct rx *rx)
{
	return &rx->info;
}

struct rx_md *
rx_md_new(void)
{
	struct rx_md *md = calloc(1, sizeof *md);

	if (md == NULL)
		return NULL;
	if ((md->md = pcre2_match_data_create(RX_GROUPS, NULL)) == NULL) {
		free(md);
		return NULL;
	}
	md->ov = pcre2_get_ovector_pointer(md->md);
	return md;
}

void
rx_md_free(struct rx_md *md)
{
	if (md == NULL)
		return;
	pcre2_match_data_free(md->md);
	free(md);
}

static int
rx_run(const struct rx *rx, pcre2_match_data *md, const char *s, size_t len,
    size_t start, uint32_t opts)
{
	int rc;

	/* An empty subject still needs a valid pointer. */
	if (s == NULL)
		s = "";
	/* The JIT's own entry skips pcre2_match()'s checks (the arguments
	 * are ours and valid) and costs less per call; it takes only the
	 * modes the pattern was compiled for, and no ANCHORED. */
	if (rx->jit && (opts & ~(PCRE2_NOTBOL | PCRE2_PARTIAL_HARD)) == 0)
		rc = pcre2_jit_match(rx->code, (PCRE2_SPTR)s, len, start, opts,
		    md, rx->mctx);
	else
		rc = pcre2_match(rx->code, (PCRE2_SPTR)s, len, start, opts,
		    md, rx->mctx);
	/* The JIT stack is small; the interpreter keeps its frames on the
	 * heap, so let it retry what the JIT could not (or would not). */
	if (rc == PCRE2_ERROR_JIT_STACKLIMIT || rc == PCRE2_ERROR_JIT_BADOPTION)
		rc = pcre2_match(rx->code, (PCRE2_SPTR)s, len, start,
		    opts | PCRE2_NO_JIT, md, rx->mctx);
	return rc;
}

int
rx_exec(const struct rx *rx, struct rx_md *md, const char *s, size_t len,
    int flags, size_t ov[2 * RX_GROUPS])
{
	int r = rx_exec_at(rx, md, s, len, 0, flags, ov);

	return r == RX_LIMIT ? RX_NOMATCH : r;
}

int
rx_exec_at(const struct rx *rx, struct rx_md *md, const char *s, size_t len,
    size_t start, int flags, size_t ov[2 * RX_GROUPS])
{
	struct rx_md *own = NULL;
	PCRE2_SIZE *v;
	uint32_t opts = 0, n;
	int rc, i, ret;

	if (md == NULL && (md = own = rx_md_new()) == NULL)
		return ERR_NOMEM;
	if (flags & RX_NOTBOL)
		opts |= PCRE2_NOTBOL;
	if (flags & RX_PARTIAL)
		opts |= PCRE2_PARTIAL_HARD;
	if (start > len)
		start = len;
	/* The engine's common case straight to the JIT (rx_run() for the
	 * rest, and for the JIT's own failures). */
	if (rx->jit && s != NULL) {
		rc = pcre2_jit_match(rx->code, (PCRE2_SPTR)s, len, start, opts,
		    md->md, rx->mctx);
		if (rc == PCRE2_ERROR_JIT_STACKLIMIT ||
		    rc == PCRE2_ERROR_JIT_BADOPTION)
			rc = pcre2_match(rx->code, (PCRE2_SPTR)s, len, start,
			    opts | PCRE2_NO_JIT, md->md, rx->mctx);
	} else {
		rc = rx_run(rx, md->md, s, len, start, opts);
	}
	/* RX_UNSET is all ones: every slot unset at once. */
	memset(ov, 0xff, 2 * RX_GROUPS * sizeof ov[0]);
	if (rc == PCRE2_ERROR_PARTIAL) {
		v = md->ov;
		ov[0] = v[0];
		ov[1] = len;
		ret = RX_PARTIALMATCH;
	} else if (rc >= 0) {
		/* rc == 0: more groups than slots; the first ones are set. */
		n = rc == 0 ? RX_GROUPS : (uint32_t)rc;
		if (n > RX_GROUPS)
			n = RX_GROUPS;
		v = md->ov;
		for (i = 0; i < (int)n; i++) {
			if (v[2 * i] == PCRE2_UNSET)
				continue;
			ov[2 * i] = v[2 * i];
			ov[2 * i + 1] = v[2 * i + 1];
		}
		ret = RX_MATCH;
	} else if (rc == PCRE2_ERROR_NOMEMORY) {
		ret = ERR_NOMEM;
	} else if (rc == PCRE2_ERROR_NOMATCH) {
		ret = RX_NOMATCH;
	} else {
		/* A work limit: rx_exec() makes it "not here". */
		ret = RX_LIMIT;
	}
	rx_md_free(own);
	return ret;
}

int
rx_test(const struct rx *rx, const char *s, size_t len)
{
	pcre2_match_data *md;
	int rc;

	if ((md = pcre2_match_data_create(1, NULL)) == NULL)
		return 0;
	rc = rx_run(rx, md, s, len, 0, PCRE2_ANCHORED | PCRE2_ENDANCHORED);
	pcre2_match_data_free(md);
	return rc >= 0;
}

/*
 * parse-service: `utils service list` and the progress lines of `utils
 * service restart|stop|start NAME`.  A service line is "Name[STATE]" with
 * optional blanks before '[' (platform services) and inside the brackets,
 * then an optional reason ("Service Not Activated", "Commanded Out of
 * Service", "Component is not running").  Lines without a bracketed word
 * (headers, "Service Manager is running", ">> Return code = 0") are skipped.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "esc.h"
#include "parse-line.h"
#include "parse-list.h"
#include "parse.h"

#define SERVICE_LIST_MAX 10000

const char *
vos_svc_state_name(enum vos_svc_state s)
{
	switch (s) {
	case SVC_STARTED: return "STARTED";
	case SVC_STOPPED: return "STOPPED";
	case SVC_STARTING: return "STARTING";
	case SVC_STOPPING: return "STOPPING";
	case SVC_NOT_ACTIVATED: return "NOTACTIVATED";
	case SVC_UNKNOWN: break;
	}
	return "UNKNOWN";
}

static enum vos_svc_state
service_state(const char *w, size_t n)
{
	static const struct {
		const char *word;
		enum vos_svc_state st;
	} states[] = {
		{ "STARTED", SVC_STARTED }, { "STOPPED", SVC_STOPPED },
		{ "STARTING", SVC_STARTING }, { "STOPPING", SVC_STOPPING },
		{ "NOTACTIVATED", SVC_NOT_ACTIVATED },
	};
	char c[32];
	size_t i, k = 0;

	/* "[ STOPPED ]", "[NOT ACTIVATED]": blanks do not count. */
	for (i = 0; i < n; i++) {
		if (w[i] == ' ' || w[i] == '\t')
			continue;
		if (k + 1 >= sizeof c)
			return SVC_UNKNOWN;
		c[k++] = w[i];
	}
	c[k] = '\0';
	for (i = 0; i < sizeof states / sizeof states[0]; i++)
		if (strcasecmp(c, states[i].word) == 0)
			return states[i].st;
	return SVC_UNKNOWN;
}

/*
 * One line: 1 with *sv filled, 0 when it is no service line, ERR_PARSE
 * (why) when it is one but the name is unusable.
 */
static int
service_line(const struct pline *pl, void *elem, char *why, size_t whysz)
{
	struct vos_service *sv = elem;
	const char *s = pl->s;
	size_t lb, rb, nb = 0, ne, wb, we, rsb, rse, i;
	const char *p;

	if ((p = memchr(s, '[', pl->n)) == NULL)
		return 0;
	lb = (size_t)(p - s);
	if ((p = memchr(s + lb, ']', pl->n - lb)) == NULL)
		return 0;
	rb = (size_t)(p - s);
	wb = lb + 1;
	we = rb;
	pline_trim(s, &wb, &we);
	if (wb == we)
		return 0;
	for (i = wb; i < we; i++)
		if (!isalpha((unsigned char)s[i]) && s[i] != ' ' &&
		    s[i] != '\t' && s[i] != '_')
			return 0;
	ne = lb;
	pline_trim(s, &nb, &ne);
	if (nb == ne)
		return 0;
	if (pline_cut_inside(pl, nb, ne)) {
		pline_fail(pl, why, whysz, "escape sequence or NUL "
		    "inside the service name");
		return ERR_PARSE;
	}
	if (!parse_valid_service(s + nb, ne - nb)) {
		pline_fail(pl, why, whysz, "service name not in "
		    "[A-Za-z0-9][A-Za-z0-9 ._-]* (max 127)");
		return ERR_PARSE;
	}
	memset(sv, 0, sizeof *sv);
	memcpy(sv->name, s + nb, ne - nb);
	sv->state = service_state(s + wb, we - wb);
	rsb = rb + 1;
	rse = pl->n;
	pline_trim(s, &rsb, &rse);
	esc_fixed(sv->reason, sizeof sv->reason, s + rsb, rse - rsb);
	sv->activated = sv->state != SVC_NOT_ACTIVATED &&
	    pline_find(s + rsb, rse - rsb, "not activated") == (size_t)-1;
	return 1;
}

static const struct plist service_spec = {
	.size = sizeof(struct vos_service),
	.first = 32,
	.max = SERVICE_LIST_MAX,
	.too_many = "more than 10000 service lines",
	.what = "service",
	.shape = "\"Name[STATE]\"",
	.line = service_line,
};

static int
service_list(const char *text, size_t len, struct vos_service **out,
    size_t *n, struct parse_skipped *sk, char *why, size_t whysz)
{
	void *v;
	int r;

	if (out == NULL)
		return ERR_INVAL;
	if ((r = plist_parse(&service_spec, text, len, &v, n, sk, why,
	    whysz)) == 0)
		*out = v;
	return r;
}

int
parse_service_list(const char *text, size_t len, struct vos_service **out,
    size_t *n, char *why, size_t whysz)
{
	return service_list(text, len, out, n, NULL, why, whysz);
}

int
parse_service_list_skip(const char *text, size_t len,
    struct vos_service **out, size_t *n, struct parse_skipped *sk, char *why,
    size_t whysz)
{
	struct parse_skipped local;

	return service_list(text, len, out, n, sk ? sk : &local, why, whysz);
}

const struct vos_service *
vos_service_find(const struct vos_service *v, size_t n, const char *name)
{
	size_t i;

	if (v == NULL || name == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (strcasecmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

int
parse_service_progress(const char *text, size_t len, const char *service,
    enum vos_svc_state *last, char *why, size_t whysz)
{
	struct pline *pl;
	struct vos_service sv;
	enum vos_svc_state st = SVC_UNKNOWN;
	char reason[256], dummy[1];
	int r;

	if (why == NULL || whysz == 0)
		why = dummy, whysz = sizeof dummy;
	if (last == NULL || service == NULL ||
	    !parse_valid_service(service, strlen(service))) {
		snprintf(why, whysz, "not a service name");
		return ERR_INVAL;
	}
	if ((pl = malloc(sizeof *pl)) == NULL)
		return ERR_NOMEM;
	pline_init(pl, text, len);
	/* Lines of other services, and lines with unusable names, are not
	 * about this service: they are ignored. */
	while ((r = pline_next(pl, why, whysz)) == 1)
		if (service_line(pl, &sv, reason, sizeof reason) == 1 &&
		    strcasecmp(sv.name, service) == 0)
			st = sv.state;
	free(pl);
	if (r < 0)
		return r;
	*last = st;
	return 0;
}

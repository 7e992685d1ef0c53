/*
 * sim-cli: one node's platform CLI.  Input is edited here (echo, backspace,
 * ^U, CR/LF folding); output goes line by line through the pager and the
 * output faults.  Commands read and change the cluster under cl->lock but
 * never hold it while they wait or write.
 */
#include "config.h"

#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "sim-cert.h"
#include "sim-cli.h"
#include "sim-events.h"
#include "sim-fault.h"
#include "sim-state.h"
#include "sim-util.h"

#define CLI_LINE_MAX 1024
#define CLI_ARGS_MAX 32
#define CLI_PAGER_TEXT \
	"Press <enter> for 1 line, <space> for one page, or <q> to quit"
#define CLI_FAIL "Executed command unsuccessfully\n"

struct cli {
	struct sim_cluster *cl;
	struct sim_node *n;
	struct sim_io *io;
	int pager;              /* pagination on */
	int rows_forced;        /* tiny-pty fault or cli.rows */
	int ansi;
	int drop_ms;
	int ncmd;               /* command lines so far */
	int end;                /* -1 while running */
	/* per command */
	int lines;              /* lines since the last pager stop */
	int cmd_lines;          /* lines the command printed */
	int quit;               /* q at the pager: discard the rest */
	int slow_ms;
	int stall_on, stall_lines, stall_ms;
	int nul_on;             /* nul-bytes fault: a NUL inside each line */
	/* input */
	char in[512];
	size_t inlen, inpos;
	int64_t in_time;        /* when the buffered chunk arrived */
	int64_t last_accept;
	int last_cr;
	int dropped;
};

const char *
cli_end_name(int end)
{
	static const char *const names[] = { "exit", "eof", "fault",
		"shutdown" };

	return end >= 0 && end <= CLI_END_SHUTDOWN ? names[end] : "eof";
}

/* ------------------------------------------------------------ output */

static void
cli_raw(struct cli *c, const char *p, size_t n)
{
	if (c->end >= 0 || n == 0)
		return;
	if (c->io->write(c->io->ctx, p, n) != 0)
		c->end = CLI_END_EOF;
}

static void
cli_rawstr(struct cli *c, const char *s)
{
	cli_raw(c, s, strlen(s));
}

/* Next input byte: 0..255, -1 EOF, -2 timeout, -3 shutdown.  timeout_ms
 * < 0 waits for ever.  A LF right after a CR is folded into it. */
static int
cli_getc(struct cli *c, int timeout_ms)
{
	int64_t until = timeout_ms >= 0 ? sim_now_ms() + timeout_ms : -1;
	int r, ch;

	for (;;) {
		while (c->inpos < c->inlen) {
			ch = (unsigned char)c->in[c->inpos++];
			if (ch == '\n' && c->last_cr) {
				c->last_cr = 0;
				continue;
			}
			c->last_cr = ch == '\r';
			return ch;
		}
		if (c->end >= 0)
			return -1;
		if (sim_stop) {
			c->end = CLI_END_SHUTDOWN;
			return -3;
		}
		if (until >= 0 && sim_now_ms() >= until)
			return -2;
		r = c->io->read(c->io->ctx, c->in, sizeof c->in, 100);
		if (r < 0) {
			c->end = CLI_END_EOF;
			return -1;
		}
		c->inlen = (size_t)r;
		c->inpos = 0;
		c->in_time = sim_now_ms();
	}
}

static int
cli_rows(const struct cli *c)
{
	if (!c->io->pty)
		return 0;
	return c->rows_forced > 0 ? c->rows_forced : c->io->rows;
}

/* The pager: wait for a key; 0 go on, -1 the rest is discarded. */
static int
cli_page(struct cli *c)
{
	int ch, rows = cli_rows(c);

	if (c->ansi)
		cli_rawstr(c, "\033[7m" CLI_PAGER_TEXT "\033[m");
	else
		cli_rawstr(c, CLI_PAGER_TEXT);
	for (;;) {
		ch = cli_getc(c, -1);
		if (ch < 0) {
			c->quit = 1;
			return -1;
		}
		if (ch == '\r' || ch == '\n' || ch == ' ' || ch == 'q' ||
		    ch == 'Q')
			break;
	}
	if (c->ansi)
		cli_rawstr(c, "\r\033[K");
	else {
		char blank[sizeof CLI_PAGER_TEXT + 2];

		memset(blank, ' ', sizeof blank);
		blank[0] = '\r';
		blank[sizeof blank - 1] = '\r';
		cli_raw(c, blank, sizeof blank);
	}
	if (ch == 'q' || ch == 'Q') {
		c->quit = 1;
		return -1;
	}
	c->lines = ch == ' ' ? 0 : rows - 2;
	return 0;
}

/* One output line (without its newline). */
static void
cli_line(struct cli *c, const char *p, size_t n)
{
	int rows = cli_rows(c);

	if (c->quit || c->end >= 0)
		return;
	if (c->pager && rows > 1 && c->lines >= rows - 1 && cli_page(c) != 0)
		return;
	if (c->stall_on && c->cmd_lines >= c->stall_lines) {
		c->stall_on = 0;
		if (c->stall_ms > 0)
			sim_sleep_ms(c->stall_ms);
		else
			while (cli_getc(c, 200) != -1 && !sim_stop)
				;
	}
	if (c->slow_ms > 0)
		sim_sleep_ms(c->slow_ms);
	if (c->ansi && (c->cmd_lines % 3) == 1)
		cli_rawstr(c, "\r");
	if (c->nul_on) {
		cli_raw(c, p, n / 2);
		cli_raw(c, "", 1);
		cli_raw(c, p + n / 2, n - n / 2);
	} else
		cli_raw(c, p, n);
	cli_rawstr(c, c->ansi && (c->cmd_lines % 2) ? "\r\r\n" : "\r\n");
	c->lines++;
	c->cmd_lines++;
}

/* The huge-line fault: bytes of printable filler without a newline, so
 * that the command's first line ends up after them. */
static void
cli_huge(struct cli *c, int bytes)
{
	char chunk[65536];
	size_t i, left = bytes > 0 ? (size_t)bytes : 0, k;

	for (i = 0; i < sizeof chunk; i++)
		chunk[i] = (char)('A' + i % 26);
	while (left > 0 && c->end < 0) {
		k = left < sizeof chunk ? left : sizeof chunk;
		cli_raw(c, chunk, k);
		left -= k;
	}
}

/* Print text whose lines end in '\n'; a last line without one is written
 * as is (a question waiting for its answer). */
static void
cli_text(struct cli *c, const char *s)
{
	const char *nl;

	while ((nl = strchr(s, '\n')) != NULL) {
		cli_line(c, s, (size_t)(nl - s));
		s = nl + 1;
	}
	if (*s != '\0' && !c->quit)
		cli_rawstr(c, s);
}

static void cli_say(struct cli *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
cli_say(struct cli *c, const char *fmt, ...)
{
	struct buf b;
	va_list ap;

	buf_init(&b, 1 << 20);
	va_start(ap, fmt);
	if (buf_vaddf(&b, fmt, ap) == 0)
		cli_text(c, buf_str(&b));
	va_end(ap);
	buf_clear(&b);
}

static void
cli_prompt(struct cli *c)
{
	cli_rawstr(c, c->ansi ? "\r\033[Kadmin:" : "admin:");
}

/* ------------------------------------------------------------ input */

static void
cli_erase(struct cli *c, size_t n)
{
	while (n-- > 0)
		cli_rawstr(c, "\b \b");
}

/* Read a line with echo and editing into out; 0, or -1 when the session
 * ended.  Characters closer than drop_ms to the last kept one of the line
 * are lost, as on nodes whose input mode drops fast typing (Enter never
 * is; the first character of a line always counts, however soon after
 * the prompt it comes: the gap measured is the typing's, not the
 * network's). */
static int
cli_readline(struct cli *c, char *out, size_t sz)
{
	size_t len = 0;
	int ch, esc = 0;

	c->last_accept = -1000000;
	for (;;) {
		if ((ch = cli_getc(c, -1)) < 0)
			return -1;
		if (esc == 1) {
			esc = ch == '[' || ch == 'O' ? 2 : 0;
			continue;
		}
		if (esc == 2) {
			if (ch >= 0x40 && ch <= 0x7e)
				esc = 0;
			continue;
		}
		if (ch == '\r' || ch == '\n') {
			cli_rawstr(c, "\r\n");
			out[len] = '\0';
			return 0;
		}
		if (ch == 0x1b) {
			esc = 1;
			continue;
		}
		if (ch == 0x7f || ch == 0x08) {
			if (len > 0) {
				len--;
				if (c->io->pty)
					cli_erase(c, 1);
			}
			continue;
		}
		if (ch == 0x15) {       /* ^U */
			if (c->io->pty)
				cli_erase(c, len);
			len = 0;
			continue;
		}
		if (ch == 0x03) {       /* ^C: drop the line */
			cli_rawstr(c, "^C\r\n");
			out[0] = '\0';
			return 0;
		}
		if (ch < 0x20 && ch != '\t')
			continue;
		if (c->drop_ms > 0) {
			if (c->in_time - c->last_accept < c->drop_ms) {
				c->dropped++;
				continue;
			}
			c->last_accept = c->in_time;
		}
		if (len + 1 >= sz)
			continue;
		out[len++] = (char)ch;
		if (c->io->pty)
			cli_raw(c, (char *)&out[len - 1], 1);
	}
}

/* Ask a question and read the answer (echoed). */
static int
cli_ask(struct cli *c, const char *question, char *ans, size_t sz)
{
	cli_text(c, question);
	if (c->quit)
		cli_rawstr(c, question);
	return cli_readline(c, ans, sz);
}

static int
cli_yes(const char *ans)
{
	while (isspace((unsigned char)*ans))
		ans++;
	return strncasecmp(ans, "yes", 3) == 0 &&
	    (ans[3] == '\0' || isspace((unsigned char)ans[3]));
}

/* ------------------------------------------------------------ commands */

struct cli_cmd {
	const char *words;
	int min, max;           /* arguments after the words; max -1: any */
	void (*exec)(struct cli *c, char **argv, int argc);
};

/* An action the node refused, the user declined, or that failed without
 * changing anything (docs/events.md, action-error). */
static void
cli_action_error(struct cli *c, const char *action, const char *key,
    const char *arg, const char *file, const char *result,
    const char *reason)
{
	json_t *o = json_pack("{s:s,s:s,s:o,s:s,s:s}", "node", c->n->name,
	    "action", action, key, events_str(arg), "result", result,
	    "reason", reason);

	if (file != NULL)
		json_object_set_new(o, "file", events_str(file));
	events_emit(c->cl, "action-error", o);
}

static void
cli_show_cluster(struct cli *c, char **argv, int argc)
{
	struct sim_cluster *cl = c->cl;
	struct buf b;
	char since[64];
	time_t now = time(NULL) - 86400 * 3;
	struct tm tm;
	size_t i;

	gmtime_r(&now, &tm);
	strftime(since, sizeof since, "%a %b %d %H:%M:%S %Y", &tm);
	buf_init(&b, 1 << 20);
	for (i = 0; i < cl->nnodes; i++) {
		struct sim_node *x = &cl->nodes[i];

		buf_addf(&b, "%s %s %s %s %s %s authenticated%s%s\n", x->ip,
		    x->fqdn, x->name, x->cucm_pub ? "Publisher" : "Subscriber",
		    x->product == SIM_IMP ? "cups" : "callmanager",
		    x->db_pub ? "DBPub" : "DBSub",
		    x == c->n ? "" : " using TCP since ", x == c->n ? "" :
		    since);
	}
	if (c->n->cucm_pub) {
		buf_addstr(&b, "\nServer Table (processnode) Entries\n"
		    "----------------------------------\n");
		for (i = 0; i < cl->nnodes; i++)
			buf_addf(&b, "%s\n", cl->nodes[i].fqdn);
		buf_addstr(&b, "\nSuccessful\n");
	}
	cli_text(c, buf_str(&b));
	buf_clear(&b);
}

static void
cli_show_version(struct cli *c, char **argv, int argc)
{
	cli_say(c, "Active Master Version: %s\n"
	    "Active Version Installed Software Options:\n"
	    "No Installed Software Options Found.\n", c->n->version);
}

static void
cli_cert_list(struct cli *c, int trust)
{
	struct buf b;
	char issuer[128];
	size_t i;

	buf_init(&b, 1 << 22);
	pthread_mutex_lock(&c->cl->lock);
	if (!trust) {
		for (i = 0; i < c->n->nunits; i++) {
			struct sim_unit *u = &c->n->units[i];

			if (cert_ca_signed(u->cert)) {
				cert_issuer_cn(u->cert, issuer, sizeof issuer);
				buf_addf(&b, "%s/%s.pem: Certificate Signed "
				    "by %s\n", u->name, u->name, issuer);
			} else
				buf_addf(&b, "%s/%s.pem: Self-signed "
				    "certificate generated by system\n",
				    u->name, u->name);
		}
	} else {
		for (i = 0; i < c->n->ntrust; i++)
			buf_addf(&b, "%s/%s: Trust Certificate\n",
			    c->n->trust[i].unit, c->n->trust[i].file);
	}
	pthread_mutex_unlock(&c->cl->lock);
	cli_text(c, buf_str(&b));
	buf_clear(&b);
}

static void
cli_list_own(struct cli *c, char **argv, int argc)
{
	cli_cert_list(c, 0);
}

static void
cli_list_trust(struct cli *c, char **argv, int argc)
{
	cli_cert_list(c, 1);
}

static void
cli_dump(struct cli *c, X509 *x)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	if (cert_dump(x, c->n->cli.cert_dump, &b) == 0)
		cli_text(c, buf_str(&b));
	else
		cli_text(c, CLI_FAIL);
	buf_clear(&b);
}

static void
cli_show_own(struct cli *c, char **argv, int argc)
{
	char unit[64], file[128];
	const char *slash = strchr(argv[0], '/');
	struct sim_unit *u;
	X509 *x = NULL;

	snprintf(unit, sizeof unit, "%.*s", slash ? (int)(slash - argv[0]) :
	    (int)strlen(argv[0]), argv[0]);
	pthread_mutex_lock(&c->cl->lock);
	u = sim_node_unit(c->n, unit);
	snprintf(file, sizeof file, "%s.pem", u ? u->name : "");
	if (u != NULL && (slash == NULL || strcasecmp(slash + 1, file) == 0)) {
		x = u->cert;
		X509_up_ref(x);
	}
	pthread_mutex_unlock(&c->cl->lock);
	if (x == NULL) {
		cli_text(c, CLI_FAIL);
		return;
	}
	cli_dump(c, x);
	X509_free(x);
}

static void
cli_show_trust(struct cli *c, char **argv, int argc)
{
	char unit[64];
	const char *slash = strchr(argv[0], '/'), *file;
	struct sim_trust *t;
	X509 *x = NULL;

	if (slash == NULL && argc == 2) {
		snprintf(unit, sizeof unit, "%s", argv[0]);
		file = argv[1];
	} else if (slash != NULL && argc == 1) {
		snprintf(unit, sizeof unit, "%.*s", (int)(slash - argv[0]),
		    argv[0]);
		file = slash + 1;
	} else {
		cli_text(c, CLI_FAIL);
		return;
	}
	pthread_mutex_lock(&c->cl->lock);
	if ((t = state_trust_find(c->n, unit, file)) != NULL) {
		x = t->cert;
		X509_up_ref(x);
	}
	pthread_mutex_unlock(&c->cl->lock);
	if (x == NULL) {
		cli_say(c, "Certificate not found: %s/%s\n" CLI_FAIL, unit,
		    file);
		return;
	}
	cli_dump(c, x);
	X509_free(x);
}

static void
cli_regen(struct cli *c, char **argv, int argc)
{
	struct sim_fault f;
	struct sim_unit *u;
	char name[32], ans[CLI_LINE_MAX];
	int r;

	pthread_mutex_lock(&c->cl->lock);
	u = sim_node_unit(c->n, argv[0]);
	if (u != NULL)
		snprintf(name, sizeof name, "%s", u->name);
	pthread_mutex_unlock(&c->cl->lock);
	if (u == NULL) {
		cli_say(c, "Invalid unit name: %s\n" CLI_FAIL, argv[0]);
		cli_action_error(c, "regen", "unit", argv[0], NULL, "refused",
		    "unknown unit");
		return;
	}
	if (c->n->cli.regen_confirm) {
		cli_say(c, "WARNING: This operation will overwrite any CA "
		    "signed certificate previously imported for  %s\n", name);
		if (strcmp(name, "tomcat") == 0 && c->cl->sso)
			cli_say(c, "WARNING: SAML SSO is enabled; it must be "
			    "set up again after the tomcat certificate "
			    "changes.\n");
		if (strcmp(name, "ipsec") == 0)
			cli_say(c, "WARNING: Nodes that use this certificate "
			    "for DRS must trust the new one.\n");
		if (cli_ask(c, "Proceed with regeneration (yes|no)? ", ans,
		    sizeof ans) != 0)
			return;
		if (!cli_yes(ans)) {
			cli_action_error(c, "regen", "unit", name, NULL,
			    "declined", "not confirmed");
			return;
		}
	}
	cli_text(c, "\n");
	sim_sleep_ms(c->cl->regen_ms);
	if (fault_take(c->cl, c->n, FAULT_REGEN_FAIL, NULL, 0, name, 0, &f)) {
		cli_say(c, "Error while regenerating the %s certificate: the "
		    "keystore could not be updated\n" CLI_FAIL, name);
		cli_action_error(c, "regen", "unit", name, NULL, "failed",
		    "regen-fail fault");
		return;
	}
	pthread_mutex_lock(&c->cl->lock);
	r = state_regen(c->cl, c->n, u);
	pthread_mutex_unlock(&c->cl->lock);
	if (r != 0) {
		cli_text(c, CLI_FAIL);
		cli_action_error(c, "regen", "unit", name, NULL, "failed",
		    "cannot make the certificate");
		return;
	}
	if (c->n->major < 12)
		cli_say(c, "Successfully regenerated certificate for %s.\n"
		    "Please restart services related to %s for the "
		    "regenerated certificates to become active.\n", name,
		    name);
	else
		cli_say(c, "Successfully Regenerated Certificate for %s.\n"
		    "You must restart services related to %s for the "
		    "regenerated certificates to become active.\n", name,
		    name);
}

static void
cli_delete(struct cli *c, char **argv, int argc)
{
	const char *unit = argv[0], *file = argv[1];
	size_t l = strlen(unit);
	char ans[CLI_LINE_MAX], q[512];
	int found, r;

	if (l < 7 || strcasecmp(unit + l - 6, "-trust") != 0) {
		cli_text(c, CLI_FAIL);
		cli_action_error(c, "trust-delete", "unit", unit, file,
		    "refused", "not a trust unit");
		return;
	}
	pthread_mutex_lock(&c->cl->lock);
	found = state_trust_find(c->n, unit, file) != NULL;
	pthread_mutex_unlock(&c->cl->lock);
	if (!found) {
		cli_say(c, "Certificate not found: %s/%s\n" CLI_FAIL, unit,
		    file);
		cli_action_error(c, "trust-delete", "unit", unit, file,
		    "refused", "not found");
		return;
	}
	cli_text(c, "Warning: deleting a trust certificate may stop services "
	    "that use it.\n");
	snprintf(q, sizeof q, "Are you sure you want to delete %s/%s "
	    "(yes|no)? ", unit, file);
	if (cli_ask(c, q, ans, sizeof ans) != 0)
		return;
	if (!cli_yes(ans)) {
		cli_action_error(c, "trust-delete", "unit", unit, file,
		    "declined", "not confirmed");
		return;
	}
	pthread_mutex_lock(&c->cl->lock);
	r = state_trust_delete(c->cl, c->n, unit, file);
	pthread_mutex_unlock(&c->cl->lock);
	if (r != 0) {
		cli_say(c, "Certificate not found: %s/%s\n" CLI_FAIL, unit,
		    file);
		cli_action_error(c, "trust-delete", "unit", unit, file,
		    "refused", "not found");
	} else
		cli_say(c, "Successfully deleted certificate %s/%s.\n", unit,
		    file);
}

static int
cli_svc_cmp(const void *a, const void *b)
{
	const struct sim_svc *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

static void
cli_svc_list(struct cli *c, char **argv, int argc)
{
	const struct sim_svc *v[SIM_MAX_SVCS];
	struct buf b;
	size_t i, n;

	buf_init(&b, 1 << 20);
	buf_addstr(&b, "Requesting service status, please wait...\n"
	    "System SSH [STARTED]\nService Manager is running\n"
	    "Getting list of all services\n>> Return code = 0\n");
	pthread_mutex_lock(&c->cl->lock);
	n = c->n->nsvcs;
	for (i = 0; i < n; i++)
		v[i] = &c->n->svcs[i];
	qsort(v, n, sizeof v[0], cli_svc_cmp);
	for (i = 0; i < n; i++) {
		const struct sim_svc *s = v[i];
		int st = s->state == SVC_NOTACTIVATED ? SVC_STOPPED : s->state;

		buf_addf(&b, "%s%s[%s]", s->name, s->platform ? " " : "",
		    sim_svc_state_name(st));
		if ((s->state == SVC_STOPPED || s->state == SVC_NOTACTIVATED)
		    && s->reason[0])
			buf_addf(&b, "  %s", s->reason);
		else if (s->state == SVC_STOPPED)
			buf_addstr(&b, "  Commanded Out of Service");
		buf_addstr(&b, "\n");
	}
	pthread_mutex_unlock(&c->cl->lock);
	cli_text(c, buf_str(&b));
	buf_clear(&b);
}

/* An action on a service finished: what it left, when it began, and how
 * it went (ok, failed, stuck in STARTING, settling later on its own). */
static void
cli_svc_event(struct cli *c, const char *svc, const char *action, int state,
    int64_t begin, const char *result)
{
	events_emit(c->cl, "svc", json_pack("{s:s,s:s,s:s,s:s,s:I,s:s}", "node",
	    c->n->name, "service", svc, "action", action, "state",
	    sim_svc_state_name(state), "begin", (json_int_t)begin, "result",
	    result));
}


/* Change a service's state under the lock. */
static void
cli_svc_set(struct cli *c, struct sim_svc *s, int state)
{
	pthread_mutex_lock(&c->cl->lock);
	s->settle_at = 0;       /* an action overrides a pending settle */
	state_svc_set(c->cl, c->n, s, state);
	pthread_mutex_unlock(&c->cl->lock);
}

static void
cli_svc_action(struct cli *c, char **argv, int argc, const char *action)
{
	struct sim_fault f;
	struct sim_svc *s;
	struct buf nm;
	char name[SIM_NAME];
	int i, state, ha, stop_ms, start_ms, stuck = 0, fail = 0, settle_ms;
	int restart = strcmp(action, "restart") == 0;
	int stop = strcmp(action, "stop") == 0;
	int64_t begin = events_t(c->cl);

	buf_init(&nm, CLI_LINE_MAX + 1);    /* the words of one line fit */
	for (i = 0; i < argc; i++)
		buf_addf(&nm, "%s%s", i ? " " : "", argv[i]);
	pthread_mutex_lock(&c->cl->lock);
	s = sim_node_svc(c->n, buf_str(&nm));
	if (s != NULL) {
		snprintf(name, sizeof name, "%s", s->name);
		state = s->state;
		stop_ms = s->stop_ms;
		start_ms = s->start_ms;
	}
	ha = c->n->product == SIM_IMP && state_ha(c->cl, c->n);
	pthread_mutex_unlock(&c->cl->lock);
	if (s == NULL) {
		cli_say(c, "Invalid service name: %s\n" CLI_FAIL,
		    buf_str(&nm));
		cli_action_error(c, action, "service", buf_str(&nm), NULL,
		    "refused", "unknown service");
		buf_clear(&nm);
		return;
	}
	buf_clear(&nm);
	if (restart)
		cli_text(c, "Do not press Ctrl+C while the service is "
		    "restarting. If the service has not restarted properly, "
		    "execute the same command again.\n");
	else
		cli_say(c, "Do not press Ctrl+C while the service is %s. If "
		    "the service has not %s properly, execute the same "
		    "command again.\n", stop ? "stopping" : "starting",
		    stop ? "stopped" : "started");
	cli_text(c, "Service Manager is running\n");
	if (state == SVC_NOTACTIVATED) {
		cli_say(c, "%s[NOTACTIVATED]\n" CLI_FAIL, name);
		cli_action_error(c, action, "service", name, NULL, "refused",
		    "not activated");
		return;
	}
	if (restart || stop) {
		if (state != SVC_STOPPED) {
			cli_svc_set(c, s, SVC_STOPPING);
			cli_say(c, "%s[STOPPING]\n", name);
			sim_sleep_ms(stop_ms / 2);
			cli_say(c, "%s[STOPPING]\n", name);
			sim_sleep_ms(stop_ms - stop_ms / 2);
			pthread_mutex_lock(&c->cl->lock);
			if (ha)
				s->ha_taint = 1;
			state_svc_set(c->cl, c->n, s, SVC_STOPPED);
			pthread_mutex_unlock(&c->cl->lock);
		}
		if (stop) {
			cli_say(c, "%s[STOPPED]\n", name);
			cli_svc_event(c, name, action, SVC_STOPPED, begin, "ok");
			return;
		}
	} else if (state == SVC_STARTED) {
		cli_say(c, "%s[STARTED]\n", name);
		cli_svc_event(c, name, action, SVC_STARTED, begin, "ok");
		return;
	}
	/* Start: with HA on (TechNote 217304) or after a stop under HA the
	 * service sticks in STARTING. */
	pthread_mutex_lock(&c->cl->lock);
	if (c->n->product == SIM_IMP && (ha || s->ha_taint)) {
		stuck = 1;
		s->ha_taint = 0;
	}
	pthread_mutex_unlock(&c->cl->lock);
	if (!stuck && fault_take(c->cl, c->n, FAULT_SVC_HANG, NULL, 0, name,
	    0, &f))
		stuck = 1;
	if (!stuck && fault_take(c->cl, c->n, FAULT_SVC_FAIL, NULL, 0, name,
	    0, &f))
		fail = 1;
	cli_svc_set(c, s, SVC_STARTING);
	cli_say(c, "%s[STARTING]\n", name);
	sim_sleep_ms(start_ms / 2);
	cli_say(c, "%s[STARTING]\n", name);
	sim_sleep_ms(start_ms - start_ms / 2);
	if (stuck) {
		cli_svc_event(c, name, action, SVC_STARTING, begin, "stuck");
		return;
	}
	if (fail) {
		cli_svc_set(c, s, SVC_STOPPED);
		cli_say(c, "%s[STOPPED]\n" CLI_FAIL, name);
		cli_svc_event(c, name, action, SVC_STOPPED, begin, "failed");
		return;
	}
	/* cli.start_settle: back at the prompt after [STARTING]; the
	 * service reaches STARTED later on its own (state_settle). */
	settle_ms = sim_scale(c->cl, c->n->cli.start_settle);
	if (c->n->cli.start_settle > 0) {
		pthread_mutex_lock(&c->cl->lock);
		s->settle_at = sim_now_ms() + settle_ms;
		pthread_mutex_unlock(&c->cl->lock);
		cli_svc_event(c, name, action, SVC_STARTING, begin,
		    "settling");
		return;
	}
	cli_svc_set(c, s, SVC_STARTED);
	cli_say(c, "%s[STARTED]\n", name);
	cli_svc_event(c, name, action, SVC_STARTED, begin, "ok");
}

static void
cli_svc_restart(struct cli *c, char **argv, int argc)
{
	cli_svc_action(c, argv, argc, "restart");
}

static void
cli_svc_stop(struct cli *c, char **argv, int argc)
{
	cli_svc_action(c, argv, argc, "stop");
}

static void
cli_svc_start(struct cli *c, char **argv, int argc)
{
	cli_svc_action(c, argv, argc, "start");
}

static void
cli_ha_status(struct cli *c, char **argv, int argc)
{
	struct sim_cluster *cl = c->cl;
	struct sim_group *g;
	struct buf b;
	int i, form_a;
	size_t k;

	if (c->n->product != SIM_IMP || c->n->group < 0) {
		cli_text(c, CLI_FAIL);
		return;
	}
	form_a = c->n->cli.ha_form[0] ? c->n->cli.ha_form[0] == 'A' :
	    c->n->major < 12;
	buf_init(&b, 1 << 16);
	pthread_mutex_lock(&cl->lock);
	g = &cl->groups[c->n->group];
	buf_addf(&b, form_a ? "Subcluster Name: %s\n" :
	    "Presence Redundancy Group: %s\n", g->name);
	for (i = 0; i < g->nnodes; i++) {
		struct sim_node *x = &cl->nodes[g->nodes[i]];
		const char *state = "Normal", *reason = "Normal";
		int down = 0;

		for (k = 0; k < x->nsvcs; k++)
			if (x->svcs[k].state == SVC_STARTING ||
			    x->svcs[k].state == SVC_STOPPING)
				down = 1;
		if (!g->ha) {
			state = "Unknown";
			reason = "High Availability Not Enabled";
		} else if (down) {
			state = "Failed Over with Critical Services not "
			    "Running";
			reason = "Critical Service Down";
		}
		if (form_a)
			buf_addf(&b, "Node %d Name : %-8s State: %s  Reason: "
			    "%s\n", i + 1, x->name, state, reason);
		else
			buf_addf(&b, "\tName: %s\tState: %s\tReason: %s\n",
			    x->name, state, reason);
	}
	pthread_mutex_unlock(&cl->lock);
	cli_text(c, buf_str(&b));
	buf_clear(&b);
}

static void
cli_sso_status(struct cli *c, char **argv, int argc)
{
	if (!c->cl->sso) {
		cli_text(c, "SSO Status: SAML SSO Disabled\n");
		return;
	}
	cli_text(c, "SSO Status: SAML SSO Enabled\n"
	    "IdP Metadata Imported Date = Thu Oct 28 11:27:36 UTC 2021\n"
	    "SP Metadata Exported Date = Thu Oct 28 11:30:02 UTC 2021\n"
	    "SSO Test Result Date = Thu Oct 28 11:35:40 UTC 2021\n"
	    "SSO Test Result = passed\n");
}

static void
cli_pagination(struct cli *c, char **argv, int argc)
{
	if (strcasecmp(argv[0], "off") == 0) {
		c->pager = 0;
		cli_text(c, "Automatic pagination is turned off\n");
	} else if (strcasecmp(argv[0], "on") == 0) {
		c->pager = 1;
		cli_text(c, "Automatic pagination is turned on\n");
	} else
		cli_text(c, CLI_FAIL);
}

static void
cli_exit(struct cli *c, char **argv, int argc)
{
	c->end = CLI_END_EXIT;
}

static const struct cli_cmd cli_cmds[] = {
	{ "show network cluster", 0, 0, cli_show_cluster },
	{ "show version active", 0, 0, cli_show_version },
	{ "show cert list own", 0, 0, cli_list_own },
	{ "show cert list trust", 0, 0, cli_list_trust },
	{ "show cert own", 1, 1, cli_show_own },
	{ "show cert trust", 1, 2, cli_show_trust },
	{ "set cert regen", 1, 1, cli_regen },
	{ "set cert delete", 2, 2, cli_delete },
	{ "set cli pagination", 1, 1, cli_pagination },
	{ "utils service list", 0, 0, cli_svc_list },
	{ "utils service restart", 1, -1, cli_svc_restart },
	{ "utils service stop", 1, -1, cli_svc_stop },
	{ "utils service start", 1, -1, cli_svc_start },
	{ "utils ha status", 0, 0, cli_ha_status },
	{ "utils sso status", 0, 0, cli_sso_status },
	{ "exit", 0, 0, cli_exit },
	{ "quit", 0, 0, cli_exit },
};

/* Split a line into words (in place). */
static int
cli_split(char *line, char **argv, int max)
{
	int argc = 0;
	char *p = line;

	while (*p != '\0' && argc < max) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (*p == '\0')
			break;
		argv[argc++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
	}
	return argc;
}

/* Does argv start with the words of cmd?  The number of words, or 0. */
static int
cli_match(const char *words, char **argv, int argc)
{
	char tmp[64], *w[8];
	int n, i;

	snprintf(tmp, sizeof tmp, "%s", words);
	n = cli_split(tmp, w, 8);
	if (argc < n)
		return 0;
	for (i = 0; i < n; i++)
		if (strcasecmp(w[i], argv[i]) != 0)
			return 0;
	return n;
}

static void
cli_dispatch(struct cli *c, const char *line)
{
	char copy[CLI_LINE_MAX], *argv[CLI_ARGS_MAX];
	size_t i;
	int argc, n;

	snprintf(copy, sizeof copy, "%s", line);
	argc = cli_split(copy, argv, CLI_ARGS_MAX);
	for (i = 0; i < sizeof cli_cmds / sizeof cli_cmds[0]; i++) {
		const struct cli_cmd *cmd = &cli_cmds[i];

		if ((n = cli_match(cmd->words, argv, argc)) == 0)
			continue;
		if (argc - n < cmd->min || (cmd->max >= 0 &&
		    argc - n > cmd->max))
			break;
		cmd->exec(c, argv + n, argc - n);
		return;
	}
	cli_text(c, CLI_FAIL);
}

/* ------------------------------------------------------------ session */

static void
cli_banner(struct cli *c)
{
	const char *hw = c->n->cli.hardware;

	cli_rawstr(c, c->ansi ? "\033[?1h\033=\033[H\033[2J" : "");
	cli_rawstr(c, "Command Line Interface is starting up, please wait "
	    "...\r\n");
	sim_sleep_ms(c->cl->cli_start_ms);
	cli_rawstr(c, "\r\n   Welcome to the Platform Command Line "
	    "Interface\r\n\r\n");
	if (strcmp(hw, "vmware") == 0)
		cli_rawstr(c, "VMware Installation:\r\n"
		    "\t2 vCPU: Intel(R) Xeon(R) CPU E5-2630 v3 @ 2.40GHz\r\n"
		    "\tDisk 1: 80GB, Partitions aligned\r\n"
		    "\t6144 Mbytes RAM\r\n\r\n");
	else if (strcmp(hw, "spaces") == 0 || strcmp(hw, "warning") == 0)
		cli_rawstr(c, "VMware Installation:\r\n"
		    "        4 vCPU: Intel(R) Xeon(R) Gold 6248 CPU @ "
		    "2.50GHz\r\n"
		    "        Disk 1: 110GB, Partitions aligned\r\n"
		    "        8192 Mbytes RAM\r\n\r\n");
	if (strcmp(hw, "warning") == 0)
		cli_rawstr(c, "WARNING: The virtual machine does not match "
		    "a supported OVA template.\r\n\r\n");
}

static void
cli_init(struct cli *c, struct sim_cluster *cl, struct sim_node *n,
    struct sim_io *io)
{
	struct sim_fault f;

	memset(c, 0, sizeof *c);
	c->cl = cl;
	c->n = n;
	c->io = io;
	c->end = -1;
	c->pager = n->cli.pager;
	c->ansi = n->cli.ansi;
	c->rows_forced = n->cli.rows;
	c->drop_ms = n->cli.drop_fast_ms;
	c->last_accept = -1000000;
	if (fault_take(cl, n, FAULT_ANSI, NULL, 0, NULL, 0, &f))
		c->ansi = 1;
	if (fault_take(cl, n, FAULT_TINY_PTY, NULL, 0, NULL, 0, &f))
		c->rows_forced = f.rows;
	if (fault_take(cl, n, FAULT_DROP_INPUT, NULL, 0, NULL, 0, &f))
		c->drop_ms = f.ms > 0 ? f.ms : 30;
}

int
cli_exec(struct sim_cluster *cl, struct sim_node *n, struct sim_io *io)
{
	struct cli c;

	cli_init(&c, cl, n, io);
	c.ansi = 0;
	cli_banner(&c);
	cli_prompt(&c);
	if (n->cli.exec_hang)
		while (cli_getc(&c, 200) != -1 && !sim_stop)
			;
	if (sim_stop)
		return CLI_END_SHUTDOWN;
	return c.end >= 0 ? c.end : CLI_END_EXIT;
}

int
cli_run(struct sim_cluster *cl, struct sim_node *n, struct sim_io *io)
{
	struct sim_fault f;
	struct cli c;
	char line[CLI_LINE_MAX];

	cli_init(&c, cl, n, io);
	cli_banner(&c);
	if (n->cli.prompt_after_newline) {
		int ch;

		while ((ch = cli_getc(&c, -1)) >= 0 && ch != '\r' && ch != '\n')
			;
		if (ch >= 0)
			cli_rawstr(&c, "admin:\r\n");
	}
	while (c.end < 0) {
		cli_prompt(&c);
		c.dropped = 0;
		if (cli_readline(&c, line, sizeof line) != 0)
			break;
		if (c.dropped > 0)
			events_emit(cl, "fault", json_pack("{s:s,s:s,s:i,s:o}",
			    "node", n->name, "kind", "drop-input", "dropped",
			    c.dropped, "line", events_str(line)));
		{
			char *p = line;

			while (*p == ' ' || *p == '\t')
				p++;
			if (*p == '\0')
				continue;
		}
		c.ncmd++;
		if (fault_take(cl, n, FAULT_DROP, line, c.ncmd, NULL, 0, &f)) {
			c.end = CLI_END_FAULT;
			break;
		}
		events_emit(cl, "cmd", json_pack("{s:s,s:o}", "node", n->name,
		    "line", events_str(line)));
		c.lines = c.cmd_lines = c.quit = 0;
		c.slow_ms = 0;
		c.stall_on = 0;
		if (fault_take(cl, n, FAULT_SLOW, line, c.ncmd, NULL, 0, &f))
			c.slow_ms = f.ms;
		if (fault_take(cl, n, FAULT_STALL, line, c.ncmd, NULL, 0, &f)) {
			c.stall_on = 1;
			c.stall_lines = f.lines;
			c.stall_ms = f.ms;
		}
		c.nul_on = fault_take(cl, n, FAULT_NUL, line, c.ncmd, NULL, 0,
		    &f);
		if (fault_take(cl, n, FAULT_HUGE_LINE, line, c.ncmd, NULL, 0,
		    &f))
			cli_huge(&c, f.bytes);
		cli_dispatch(&c, line);
		if (c.end < 0 && fault_take(cl, n, FAULT_DROP, line, c.ncmd,
		    NULL, 1, &f)) {
			c.end = CLI_END_FAULT;
			break;
		}
	}
	if (sim_stop && c.end != CLI_END_EXIT && c.end != CLI_END_FAULT)
		c.end = CLI_END_SHUTDOWN;
	return c.end >= 0 ? c.end : CLI_END_EOF;
}

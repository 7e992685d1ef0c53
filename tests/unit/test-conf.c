/*
 * Unit tests for the site file loader: every key, every kind of error, and
 * hostile files.  Each case writes a file into a temporary directory.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "conf.h"
#include "err.h"
#include "secret.h"
#include "tap.h"
#include "unit.h"

static char dir[] = "/tmp/certregen-conf-XXXXXX";
static char path[512];
static struct buf msgs;

static void
writefile(const char *name, const char *content, size_t n, mode_t mode)
{
	char p[600];
	int fd;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	unlink(p);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd == -1 || write(fd, content, n) != (ssize_t)n)
		abort();
	close(fd);
	chmod(p, mode);
}

/* Load text as site.conf; errors end up in msgs, one a line. */
static int
load_n(const char *text, size_t n, struct site **s)
{
	struct conf_errors errs;
	FILE *fp;
	char *mem = NULL;
	size_t memlen = 0;
	int r;

	writefile("site.conf", text, n, 0600);
	r = conf_load(path, s, &errs);
	fp = open_memstream(&mem, &memlen);
	conf_errors_print(&errs, fp);
	fclose(fp);
	buf_reset(&msgs);
	buf_add(&msgs, mem, memlen);
	free(mem);
	conf_errors_clear(&errs);
	return r;
}

static int
load(const char *text, struct site **s)
{
	return load_n(text, strlen(text), s);
}

#define BASE                                                                 \
	"name = \"lab\";\n"                                                  \
	"publishers = { imp = \"10.0.0.13\"; };\n"                           \
	"credentials = { user = \"admin\"; password_file = \"pw\"; };\n"

/* The text must be refused, with want in the messages. */
static void
refused(const char *text, const char *want, const char *what)
{
	struct site *s = NULL;
	int r = load(text, &s);

	is_int(r, ERR_CONFIG, "%s: refused", what);
	has_str(buf_str(&msgs), want, "%s: the message says so", what);
	site_free(s);
}

static void
test_minimal(void)
{
	struct site *s = NULL;

	is_int(load(BASE, &s), 0, "minimal site loads");
	if (s == NULL)
		return;
	is_str(s->name, "lab", "name");
	is_str(s->imp_publisher, "10.0.0.13", "publishers.imp");
	ok(s->cucm_publisher == NULL, "publishers.cucm defaults to none");
	is_int(s->ssh.port, 22, "ssh.port default");
	is_int(s->ssh.policy, HOSTKEY_STRICT, "strict host key policy default");
	is_int(s->ssh.connect_timeout, 10, "connect_timeout default");
	is_int(s->ssh.login_timeout, 300, "login_timeout default");
	is_int(s->ssh.parallel, 32, "parallel default: 32 sessions at once");
	is_int(s->ssh.cols, 200, "a wide PTY by default");
	is_int(s->units, UNIT_DEFAULT_SET, "the five units by default");
	is_int(s->tls_port[UNIT_TOMCAT], 8443, "tomcat port default");
	is_int(s->federation.sip, TRI_AUTO, "federation auto by default");
	is_int(s->nwindows, 0, "no window by default");
	is_int(s->renew.threshold_days, 30, "renew threshold default");
	is_str(s->state_dir, "/var/lib/certregen/lab", "state_dir default");
	has_str(s->ssh.known_hosts, "/var/lib/certregen/lab/known_hosts",
	    "known_hosts under the state directory");
	is_str(s->cred.user, "admin", "user");
	is_str(s->cred.password ? secret_value(s->cred.password) : NULL,
	    "hunter2", "password read from the file");
	ok(!s->axl.configured, "no AXL");
	is_int(site_service_timeout(s, "Cisco Tomcat"), 600,
	    "default service timeout");
	site_free(s);
}

static void
test_full(void)
{
	static const char text[] =
	    "name = \"site-a\";\n"
	    "publishers = { imp = \"imppub.example.com\"; cucm = \"10.0.0.11\"; };\n"
	    "nodes = ( { name = \"IMPPUB\"; host = \"10.0.0.13\"; },\n"
	    "          { name = \"IMPSUB\"; host = \"10.0.0.14\"; port = 2222; } );\n"
	    "ssh = { port = 2200; known_hosts = \"kh\"; host_key_policy = \"accept-new\";\n"
	    "  connect_timeout = 5; login_timeout = 60; command_timeout = 30;\n"
	    "  send_delay_ms = 10; keepalive = 15; parallel = 4; term = \"xterm\";\n"
	    "  columns = 250; rows = 60; };\n"
	    "credentials = { user = \"ccmadmin\"; password_env = \"CR_TEST_PW\";\n"
	    "  private_key = \"key\"; passphrase_file = \"pp\"; agent = true; };\n"
	    "certificates = [ \"tomcat\", \"cup-xmpp-ECDSA\" ];\n"
	    "tls_ports = { tomcat = 9443; cup = 0; };\n"
	    "federation = { sip = true; xmpp = \"auto\"; };\n"
	    "maintenance = { windows = [ \"Sat 01:00-05:00\", \"Sun 02:00-03:00\" ];\n"
	    "  timezone = \"Europe/Zurich\"; };\n"
	    "renew = { threshold_days = 45; random_delay = 600; };\n"
	    "services = { default_timeout = 300; poll_interval = 2;\n"
	    "  timeouts = ( { service = \"Cisco Tomcat\"; seconds = 900; } ); };\n"
	    "paths = { state_dir = \"/tmp/st\"; log_dir = \"logs\"; dialog_dir = \".\";\n"
	    "  export_dir = \"exp\"; };\n"
	    "log = { syslog = true; facility = \"local3\"; ident = \"cr\";\n"
	    "  file = \"cr.log\"; level = \"info\"; transcripts_keep = 3; };\n"
	    "hooks = { deploy = \"/bin/true\"; failure = \"/bin/false\"; timeout = 20; };\n"
	    "axl = { url = \"https://10.0.0.11:8443/axl/\"; user = \"axl\";\n"
	    "  password_file = \"pw\"; pin_sha256 =\n"
	    "  \"AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99\";\n"
	    "  version = \"14.0\"; timeout = 10; groups = [ \"DefaultCUPSubcluster\" ]; };\n";
	struct site *s = NULL;
	char want[600];
	FILE *fp;
	char *dump = NULL;
	size_t dumplen = 0;

	setenv("CR_TEST_PW", "from-env-pw", 1);
	writefile("key", "not really a key\n", 17, 0600);
	writefile("pp", "passphrase\n", 11, 0600);
	is_int(load(text, &s), 0, "a file with every key loads");
	if (s == NULL) {
		tap_diag("%s", buf_str(&msgs));
		return;
	}
	is_str(s->cucm_publisher, "10.0.0.11", "publishers.cucm");
	is_int(s->nnodes, 2, "two static nodes");
	is_str(s->nodes[1].name, "IMPSUB", "nodes[1].name");
	is_str(s->nodes[1].host, "10.0.0.14", "nodes[1].host");
	is_int(s->nodes[1].port, 2222, "nodes[1].port");
	is_int(s->nodes[0].port, 0, "nodes[0].port defaults to the site's");
	is_int(s->ssh.port, 2200, "ssh.port");
	snprintf(want, sizeof want, "%s/kh", dir);
	is_str(s->ssh.known_hosts, want, "relative known_hosts resolved");
	is_int(s->ssh.policy, HOSTKEY_ACCEPT_NEW, "accept-new policy");
	is_int(s->ssh.connect_timeout, 5, "connect_timeout");
	is_int(s->ssh.login_timeout, 60, "login_timeout");
	is_int(s->ssh.command_timeout, 30, "command_timeout");
	is_int(s->ssh.send_delay_ms, 10, "send_delay_ms");
	is_int(s->ssh.keepalive, 15, "keepalive");
	is_int(s->ssh.parallel, 4, "parallel");
	is_str(s->ssh.term, "xterm", "term");
	is_int(s->ssh.cols, 250, "columns");
	is_int(s->ssh.rows, 60, "rows");
	is_str(s->cred.user, "ccmadmin", "user");
	is_str(s->cred.password ? secret_value(s->cred.password) : NULL,
	    "from-env-pw", "password from the environment");
	is_str(s->cred.passphrase ? secret_value(s->cred.passphrase) : NULL,
	    "passphrase", "passphrase from its file");
	ok(s->cred.agent, "agent");
	is_int(s->units, UNIT_BIT(UNIT_TOMCAT) | UNIT_BIT(UNIT_CUP_XMPP_ECDSA),
	    "certificates");
	is_int(s->tls_port[UNIT_TOMCAT], 9443, "tls_ports.tomcat");
	is_int(s->tls_port[UNIT_CUP], 0, "tls_ports.cup off");
	is_int(s->tls_port[UNIT_CUP_XMPP], 5222, "tls_ports default kept");
	is_int(s->federation.sip, TRI_ON, "federation.sip");
	is_int(s->federation.xmpp, TRI_AUTO, "federation.xmpp");
	is_int(s->nwindows, 2, "two windows");
	is_str(s->timezone, "Europe/Zurich", "timezone");
	is_int(s->renew.threshold_days, 45, "threshold_days");
	is_int(s->renew.random_delay, 600, "random_delay");
	is_int(s->services.default_timeout, 300, "default_timeout");
	is_int(s->services.poll_interval, 2, "poll_interval");
	is_int(site_service_timeout(s, "Cisco Tomcat"), 900, "tomcat timeout");
	is_int(site_service_timeout(s, "Cisco XCP Router"), 300, "other timeout");
	is_str(s->state_dir, "/tmp/st", "state_dir absolute");
	snprintf(want, sizeof want, "%s/logs", dir);
	is_str(s->log_dir, want, "log_dir relative");
	ok(s->log.syslog, "log.syslog");
	is_str(s->log.facility, "local3", "log.facility");
	is_str(s->log.ident, "cr", "log.ident");
	is_str(s->log.level, "info", "log.level");
	is_int(s->log.transcripts_keep, 3, "transcripts_keep");
	is_str(s->hooks.deploy, "/bin/true", "hooks.deploy");
	is_int(s->hooks.timeout, 20, "hooks.timeout");
	ok(s->axl.configured, "axl configured");
	is_str(s->axl.pin_sha256,
	    "aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899",
	    "pin normalised");
	is_str(s->axl.version, "14.0", "axl.version");
	is_int(s->axl.ngroups, 1, "axl.groups");

	fp = open_memstream(&dump, &dumplen);
	conf_dump(s, fp);
	fclose(fp);
	has_str(dump, "credentials.password *** (from environment CR_TEST_PW)",
	    "dump masks the password");
	has_str(dump, "axl.password *** (from file", "dump masks the AXL password");
	ok(strstr(dump, "from-env-pw") == NULL && strstr(dump, "hunter2") == NULL &&
	    strstr(dump, "passphrase\n") == NULL, "no secret in the dump");
	has_str(dump, "maintenance.window Sat 01:00-05:00", "dump shows windows");
	free(dump);
	site_free(s);
	unsetenv("CR_TEST_PW");
}

static void
test_errors(void)
{
	struct site *s = NULL;
	int r;

	refused(BASE "conect = 1;\n", "site.conf:4: unknown key 'conect'",
	    "unknown top-level key");
	refused(BASE "ssh = { conect_timeout = 5; };\n",
	    "unknown key 'ssh.conect_timeout' (did you mean 'connect_timeout'?)",
	    "a typo gets a suggestion");
	refused(BASE "SSH = { port = 22; };\n",
	    "site.conf:4: unknown key 'SSH' (did you mean 'ssh'?)",
	    "a key in capitals gets a suggestion (case folded)");
	refused(BASE "ssh = { prot = 22; };\n", "unknown key 'ssh.prot' (did "
	    "you mean 'port'?)", "two edits away: a suggestion");
	refused(BASE "ssh = { xyzt = 22; };\n", "unknown key 'ssh.xyzt'\n",
	    "far from every key: no suggestion");
	refused(BASE "ssh = { port = \"22\"; };\n",
	    "site.conf:4: ssh.port: expected an integer from 1 to 65535, got a "
	    "string", "a quoted number");
	refused(BASE "ssh = { port = 70000; };\n", "got 70000", "out of range");
	refused(BASE "ssh = { port = 0; };\n", "got 0", "port 0");
	refused(BASE "ssh = { host_key_policy = \"yes\"; };\n",
	    "expected \"strict\" or \"accept-new\"", "bad policy");
	refused(BASE "ssh = 5;\n", "ssh: expected a group", "ssh not a group");
	refused("publishers = { imp = \"a\"; };\ncredentials = { user = \"u\"; "
	    "agent = true; };\n", "name: missing", "name missing");
	refused("name = \"x\";\ncredentials = { user = \"u\"; agent = true; };\n",
	    "publishers: missing", "publishers missing");
	refused("name = \"x\";\npublishers = { imp = \"a\"; };\n",
	    "credentials: missing", "credentials missing");
	refused("name = \"x\";\npublishers = { imp = \"a\"; };\ncredentials = { "
	    "user = \"u\"; };\n", "no way to log in", "no login method");
	refused("name = \"x\";\npublishers = { imp = \"a\"; };\ncredentials = { "
	    "user = \"u\"; agent = false; };\n", "no way to log in",
	    "agent = false alone is no login method");
	refused("name = \"x y\";\n" "publishers = { imp = \"a\"; };\n"
	    "credentials = { user = \"u\"; agent = true; };\n",
	    "name: expected letters, digits", "a name with a space");
	refused("name = \"\";\n", "name: must not be empty", "empty name");
	refused(BASE "publishers = { imp = \"a b\"; };\n", "duplicate setting",
	    "a duplicate key");
	refused("name = \"x\";\npublishers = { imp = \"a;b\"; };\ncredentials = {"
	    " user = \"u\"; agent = true; };\n",
	    "expected a host name or an IP address, got \"a;b\"",
	    "a host with a ';'");
	refused("name = \"x\";\npublishers = { imp = \"a\"; };\ncredentials = { "
	    "user = \"u\"; password_file = \"pw\"; password_env = \"X\"; };\n",
	    "give either password_file or password_env", "two password sources");
	writefile("loose", "pw\n", 3, 0644);
	refused("name = \"x\";\npublishers = { imp = \"a\"; };\ncredentials = { "
	    "user = \"u\"; password_file = \"loose\"; };\n", "too open",
	    "a loose password file");
	unsetenv("CR_UNSET_PW");
	refused("name = \"x\";\npublishers = { imp = \"a\"; };\ncredentials = { "
	    "user = \"u\"; password_env = \"CR_UNSET_PW\"; };\n",
	    "the environment variable CR_UNSET_PW is not set",
	    "an unset password variable");
	refused("name = \"x\";\npublishers = { imp = \"a\"; };\ncredentials = { "
	    "user = \"u\"; password_file = \"nonexistent\"; };\n", "cannot open",
	    "a missing password file");
	refused(BASE "certificates = [ \"tomcat\", \"tomact\" ];\n",
	    "unknown unit \"tomact\"", "an unknown unit");
	refused(BASE "certificates = [ \"tomcat\", \"tomcat\" ];\n",
	    "listed twice", "a unit twice");
	refused(BASE "certificates = [ ];\n", "the array is empty",
	    "no units");
	refused(BASE "certificates = \"tomcat\";\n", "expected an array",
	    "units not an array");
	refused(BASE "tls_ports = { tomcatt = 1; };\n",
	    "unknown key 'tls_ports.tomcatt'", "an unknown TLS port unit");
	refused(BASE "federation = { sip = \"yes\"; };\n",
	    "expected true, false or \"auto\"", "bad federation value");
	refused(BASE "federation = { sip = 1; };\n",
	    "expected true, false or \"auto\"", "federation as a number");
	refused(BASE "maintenance = { windows = [ \"Sat 1-5\" ]; };\n",
	    "maintenance.windows[0]: \"Sat 1-5\": expected HH:MM-HH:MM",
	    "a bad window");
	refused(BASE "maintenance = { windows = 5; };\n", "expected an array",
	    "windows not an array");
	refused(BASE "renew = { threshold_days = 0; };\n", "got 0",
	    "zero threshold");
	refused(BASE "services = { timeouts = ( { service = \"Cisco Tomcat\"; } "
	    "); };\n", "services.timeouts[0].seconds: missing", "timeout seconds"
	    " missing");
	refused(BASE "services = { timeouts = ( { name = \"x\"; seconds = 20; } "
	    "); };\n", "unknown key 'services.timeouts[0].name'",
	    "a wrong key in a timeout entry");
	refused(BASE "paths = { dialog_dir = \"/nonexistent/dir\"; };\n",
	    "is not a directory", "a missing dialog directory");
	refused(BASE "log = { facility = \"kern\"; };\n",
	    "log.facility: expected daemon", "a bad facility");
	refused(BASE "log = { level = \"loud\"; };\n",
	    "log.level: expected error, warn", "a bad level");
	refused(BASE "log = { syslog = \"yes\"; };\n",
	    "expected true or false (no quotes), got a string",
	    "a quoted boolean");
	refused(BASE "hooks = { pre = \"/nonexistent/hook\"; };\n",
	    "hooks.pre: /nonexistent/hook", "a missing hook");
	refused(BASE "hooks = { pre = \"pw\"; };\n", "is not an executable",
	    "a hook that is not executable");
	refused(BASE "axl = { url = \"http://x/axl/\"; user = \"a\"; "
	    "password_file = \"pw\"; ca_file = \"pw\"; };\n",
	    "expected an https:// address", "plain HTTP AXL");
	refused(BASE "axl = { url = \"https://x/axl/\"; user = \"a\"; "
	    "password_file = \"pw\"; };\n", "give ca_file, pin_sha256 or pin_file",
	    "AXL without verification");
	refused(BASE "axl = { url = \"https://x/axl/\"; user = \"a\"; "
	    "password_file = \"pw\"; ca_file = \"pw\"; pin_file = \"pw\"; };\n",
	    "give one of ca_file, pin_sha256 and pin_file", "two ways to verify");
	refused(BASE "axl = { url = \"https://x/axl/\"; user = \"a\"; "
	    "password_file = \"pw\"; pin_sha256 = \"abc\"; };\n",
	    "expected the SHA-256 fingerprint", "a short pin");
	refused(BASE "axl = { url = \"https://x/axl/\"; user = \"a\"; "
	    "ca_file = \"pw\"; };\n", "axl: give password_file or password_env",
	    "AXL without a password");
	refused(BASE "nodes = ( { name = \"A\"; }, { name = \"a\"; } );\n",
	    "listed twice", "a node twice");
	refused(BASE "nodes = ( );\n", "the list is empty", "no nodes");
	refused(BASE "nodes = ( { host = \"x\"; } );\n", "nodes[0].name: missing",
	    "a node without a name");
	refused(BASE "nodes = [ \"a\" ];\n", "nodes: expected a list",
	    "nodes as an array");
	refused(BASE "ssh = { term = \"vt100\\u001b\"; };\n",
	    "ssh.term: expected letters", "an escape the parser does not know");
	refused(BASE "log = { ident = \"a\\x1bb\"; };\n",
	    "log.ident: expected letters, digits", "an ESC in a name");
	refused(BASE "maintenance = { timezone = \"a\\nb\"; };\n",
	    "expected printable text", "a newline in a string");

	/* Several errors at once, each with its line. */
	r = load("name = \"x\";\n"
	    "publishers = { imp = \"a\"; };\n"
	    "credentials = { user = \"u\"; agent = true; };\n"
	    "ssh = { port = -1; bogus = 1; };\n"
	    "renew = { threshold_days = \"30\"; };\n"
	    "paths = { logdir = \"x\"; };\n", &s);
	is_int(r, ERR_CONFIG, "several errors: refused");
	has_str(buf_str(&msgs), "site.conf:4: ssh.port", "first error with line");
	has_str(buf_str(&msgs), "site.conf:4: unknown key 'ssh.bogus'",
	    "second error on the same line");
	has_str(buf_str(&msgs), "site.conf:5: renew.threshold_days",
	    "third error");
	has_str(buf_str(&msgs), "site.conf:6: unknown key 'paths.logdir' (did "
	    "you mean 'log_dir'?)", "fourth error");
	site_free(s);
	s = NULL;

	refused(BASE "ssh = {\n port = = 22; };\n", "site.conf:5: syntax error",
	    "a syntax error points at its line");
}

static void
test_hostile(void)
{
	struct site *s = NULL;
	struct buf b;
	size_t i;

	refused("", "site.conf: the file is empty; a site file needs at least "
	    "name, publishers and credentials", "an empty file");
	refused("  \n\t\n", "the file is empty", "only white space");
	refused(BASE "\x01\x02\xff\xfe garbage", "syntax error", "binary bytes");
	is_int(load_n("name = \"a\0b\";\n", 14, &s), ERR_CONFIG, "a NUL byte");
	has_str(buf_str(&msgs), "site.conf:1: a NUL byte at column 10",
	    "the NUL byte is located");
	refused(BASE "log = { ident = \"unterminated;\n};\n", "syntax error",
	    "an unterminated string");
	refused(BASE "@include \"/etc/passwd\"\n", "site.conf:4: @include is not "
	    "supported: keep a site in one file", "@include");
	refused(BASE "  @include \"a\"\n\t@include \"b\"\n", "site.conf:5: "
	    "@include is not supported", "an indented @include, the second one too");

	buf_init(&b, 4 * 1024 * 1024);
	buf_addstr(&b, BASE "# ");
	while (b.len < CONF_MAX_FILE + 10)
		buf_addstr(&b, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	refused(buf_str(&b), "site.conf: the file is larger than 1048576 bytes; "
	    "is it really a site file?", "a huge file");
	buf_reset(&b);

	buf_addstr(&b, BASE "name2 = ");
	for (i = 0; i < 200000; i++)
		buf_addstr(&b, "[");
	refused(buf_str(&b), "syntax error", "deep nesting of arrays");
	buf_reset(&b);
	buf_addstr(&b, BASE "x = ");
	for (i = 0; i < 20000; i++)
		buf_addstr(&b, "{ a = ");
	buf_addstr(&b, "1;");
	for (i = 0; i < 20000; i++)
		buf_addstr(&b, " };");
	buf_addstr(&b, "\n");
	is_int(load(buf_str(&b), &s), ERR_CONFIG, "deep nesting of groups");
	ok(strstr(buf_str(&msgs), "unknown key 'x'") != NULL ||
	    strstr(buf_str(&msgs), "syntax error") != NULL,
	    "deep groups give a clear error");
	buf_reset(&b);

	buf_addstr(&b, BASE "log = { ident = \"");
	for (i = 0; i < 10000; i++)
		buf_addstr(&b, "a");
	buf_addstr(&b, "\"; };\n");
	refused(buf_str(&b), "log.ident: longer than 4096 bytes",
	    "a very long string");
	buf_reset(&b);
	buf_addstr(&b, BASE "maintenance = { timezone = \"");
	for (i = 0; i < 100000; i++)
		buf_addstr(&b, "\\x1b");
	buf_addstr(&b, "\"; };\n");
	refused(buf_str(&b), "longer than", "a long string of escapes");
	buf_reset(&b);
	buf_addstr(&b, BASE);
	for (i = 0; i < 500; i++)
		buf_addf(&b, "k%zu = 1;\n", i);
	is_int(load(buf_str(&b), &s), ERR_CONFIG, "500 unknown keys");
	has_str(buf_str(&msgs), "unknown key 'k0'", "the first is reported");
	buf_clear(&b);

	{
		struct conf_errors errs;

		is_int(conf_load("/nonexistent/site.conf", &s, &errs),
		    ERR_CONFIG, "a missing file");
		conf_errors_clear(&errs);
	}
	{
		struct conf_errors errs;

		is_int(conf_load(dir, &s, &errs), ERR_CONFIG, "a directory");
		ok(errs.n == 1, "one error for a directory");
		conf_errors_clear(&errs);
	}
	{
		/* A site file need not be a regular file: certregen -c
		 * <(generate) hands over a pipe. */
		struct conf_errors errs;
		struct buf t;
		char pp[64];
		int fds[2];

		buf_init(&t, 4096);
		buf_addf(&t, "name = \"piped\";\n"
		    "publishers = { imp = \"10.0.0.13\"; };\n"
		    "credentials = { user = \"admin\"; "
		    "password_file = \"%s/pw\"; };\n", dir);
		if (pipe(fds) != 0 ||
		    write(fds[1], t.data, t.len) != (ssize_t)t.len)
			abort();
		close(fds[1]);
		snprintf(pp, sizeof pp, "/dev/fd/%d", fds[0]);
		is_int(conf_load(pp, &s, &errs), 0, "a site file from a pipe");
		is_str(s ? s->name : NULL, "piped", "... is read whole");
		conf_errors_clear(&errs);
		site_free(s);
		s = NULL;
		close(fds[0]);
		buf_clear(&t);
	}
	{
		struct conf_errors errs;
		static const char t[] = BASE;

		is_int(conf_load_mem("mem.conf", t, sizeof t - 1, &s, &errs), ERR_CONFIG,
		    "load from memory resolves paths against the given name");
		conf_errors_clear(&errs);
	}
	ok(s == NULL, "no site on failure");
}

int
main(void)
{
	char pw[600];

	if (mkdtemp(dir) == NULL)
		return 99;
	snprintf(path, sizeof path, "%s/site.conf", dir);
	buf_init(&msgs, 1 << 20);
	writefile("pw", "hunter2\n", 8, 0600);
	test_minimal();
	test_full();
	test_errors();
	test_hostile();
	buf_clear(&msgs);
	{
		const char *names[] = { "site.conf", "pw", "loose", "key", "pp" };

		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
			snprintf(pw, sizeof pw, "%s/%s", dir, names[i]);
			unlink(pw);
		}
		rmdir(dir);
	}
	return tap_done();
}

#!/bin/sh
# e2e4-login.sh: the ways a VOS CLI comes up, over real SSH.  A slow start
# ("Command Line Interface is starting up" then seconds of silence) within
# the login timeout works; the same start past ssh.login_timeout fails
# with a message naming node, step and limit, on time.  A node that shows
# its prompt only after a newline (then a second admin:), and the banner's
# hardware variants (spaces, WARNING line, none) all reach a usable
# prompt: the command runs once and its output is right.  Range 127.0.42.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/e2e/e2e4-lib.sh"

# cli_start 8 simulated s at time_factor 0.5: 4 s of silence at login.
cat >"$tmp/cluster.conf" <<EOF
name = "e2e4-login";
domain = "login.lab";
time_factor = 0.5;
rsa_bits = 1024;
delays = { cli_start = 8.0; };
credentials = { user = "admin"; password = "$E2E4_PW"; methods = [ "password" ]; };
ports = { ssh = 2222; tomcat = 0; cup = 0; xmpp = 0; s2s = 0; };
nodes = (
  { name = "CUCMPUB"; ip = "127.0.42.1"; product = "cucm"; cli = { hardware = "warning"; }; },
  { name = "IMPPUB"; ip = "127.0.42.2"; product = "imp"; },
  { name = "IMPSUB1"; ip = "127.0.42.3"; product = "imp";
    cli = { prompt_after_newline = true; hardware = "spaces"; }; },
  { name = "IMPSUB2"; ip = "127.0.42.4"; product = "imp"; cli = { hardware = "none"; }; }
);
groups = ( { name = "G1"; nodes = [ "IMPPUB", "IMPSUB1" ]; ha = false; },
  { name = "G2"; nodes = [ "IMPSUB2" ]; ha = false; } );
EOF
sim_start "$tmp/cluster.conf" || { ok 1 "vos-sim starts"; tap_done; exit 1; }
sim_known_hosts "$tmp/known_hosts"
nodes='nodes = (
  { name = "CUCMPUB"; host = "127.0.42.1"; }, { name = "IMPPUB"; host = "127.0.42.2"; },
  { name = "IMPSUB1"; host = "127.0.42.3"; }, { name = "IMPSUB2"; host = "127.0.42.4"; } );'
e2e4_site "$tmp/site.conf" 127.0.42.2 127.0.42.1 "$nodes"
sed 's/login_timeout = 20;/login_timeout = 1;/' "$tmp/site.conf" >"$tmp/site-short.conf"

now() { date +%s.%N; }
secs() { awk "BEGIN { printf \"%.1f\", $(now) - $1 }"; }

# Slow start within the login timeout, on every banner variant.
for nd in "IMPPUB vmware" "CUCMPUB warning" "IMPSUB1 spaces+prompt-after-newline" \
    "IMPSUB2 none"; do
	set -- $nd
	n0=$(e2e4_lines)
	t0=$(now)
	cr cli "$1" 'show version active'
	took=$(secs "$t0")
	is "$rc" 0 "$1 ($2): slow CLI start, cli exits 0 (${took}s)"
	[ "$rc" -eq 0 ] || echo "# $err"
	is "$(printf '%s\n' "$out" | head -n 1)" "Active Master Version: 14.0.1.12900-2" \
		"$1 ($2): the output is right"
	is "$(tail -n "+$((n0 + 1))" "$SIM_STATE/events.jsonl" |
		grep -c '"line":"show version active"')" 1 "$1 ($2): the command ran once"
	ok "$(awk "BEGIN { exit !($took >= 3.5) }"; echo $?)" \
		"$1 ($2): it did wait for the CLI to start"
done

# The CLI starts after the login timeout: refused on time, clearly.
t0=$(now)
CR_SITE="$tmp/site-short.conf" cr cli IMPPUB 'show version active'
took=$(secs "$t0")
is "$rc" 1 "login timeout: exit 1"
has "$err" "IMPPUB" "login timeout: the message names the node"
has "$err" "login" "login timeout: ... and the step"
has "$err" "login timeout (ssh.login_timeout = 1 s)" "login timeout: ... and the limit"
ok "$(awk "BEGIN { exit !($took < 6) }"; echo $?)" \
	"login timeout: it gave up at the limit (${took}s: 1 s, then at most 2 s to close)"
lacks "$out" "Active Master Version" "login timeout: no command ran"
tap_done

#!/bin/sh
# vos-sim looks like VOS to OpenSSH's ssh through a PTY: banner, admin:
# prompt, echo, CRLF, line editing, a few commands, pager on and off, exit,
# an exec request, the prompt-after-newline variant.  Range 127.0.21.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"

cat >"$tmp/cluster.conf" <<'CONF'
name = "login";
time_factor = 0.01;
rsa_bits = 1024;
credentials = { user = "admin"; password = "pw-login"; methods = [ "password" ]; };
ports = { ssh = 2222; tomcat = 8443; cup = 5062; xmpp = 5222; s2s = 5269; };
nodes = (
  { name = "CUCMPUB"; ip = "127.0.21.11"; product = "cucm"; version = "12.5.1.12900-115"; },
  { name = "IMPPUB"; ip = "127.0.21.13"; product = "imp"; },
  { name = "IMPSUB1"; ip = "127.0.21.14"; product = "imp";
    cli = { prompt_after_newline = true; hardware = "none"; }; }
);
CONF
sim_start "$tmp/cluster.conf" || { ok 1 "vos-sim starts"; tap_done; exit 1; }
ok 0 "vos-sim starts and writes ready"
[ -s "$SIM_STATE/nodes.json" ]; ok $? "nodes.json written"
is "$(sim_field IMPPUB ip)" "127.0.21.13" "nodes.json has the node's ip"
is "$(sim_field IMPPUB tls_ports.cup-xmpp)" "5222" "nodes.json has TLS ports"

# --- a session: banner, prompt, echo, commands, line editing, exit
{
	sim_login_steps pw-login
	cat <<'S'
send show version active\r
expect show version active\r\n
expect Active Master Version: 14\.0\.1\.12900-2\r\n.*admin:
send show network cluster\r
expect 127\.0\.21\.13 imppub\.sim\.lab IMPPUB Subscriber cups DBPub authenticated\r\n
expect admin:
send show verx\x7fsion active\r
expect Active Master Version.*admin:
send garbage typed\x15show version active\r
expect Active Master Version.*admin:
send frobnicate now\r
expect Executed command unsuccessfully\r\nadmin:
send exit\r
eof
S
} >"$tmp/s1"
sim_pty "$tmp/s1" "$tmp/log1" IMPPUB -o PreferredAuthentications=password
ok $? "login, commands, editing and exit through a PTY"
log=$(cat "$tmp/log1")
has "$log" "Command Line Interface is starting up, please wait ..." "startup line"
has "$log" "Welcome to the Platform Command Line Interface" "welcome block"
has "$log" "VMware Installation:" "hardware block"
has "$log" "$(printf 'admin:show version active\r\n')" "echo, CRLF"
has "$log" "127.0.21.11 cucmpub.sim.lab CUCMPUB Publisher callmanager DBPub authenticated using TCP since" \
	"the other node has 'using TCP since'"
lacks "$log" "$(printf 'IMPPUB Subscriber cups DBPub authenticated using')" \
	"the local node lacks it"
has "$log" "$(printf 'show verx\b \bsion active')" "backspace erases"
ev=$(cat "$SIM_STATE/events.jsonl")
lacks "$(sim_events cmd)" "verx" "cmd event: the line as edited (backspace)"
lacks "$(sim_events cmd)" "garbage" "cmd event: the line as edited (^U)"
has "$ev" '"ev":"cmd","node":"IMPPUB","line":"frobnicate now"' \
	"cmd event for an unknown command"
has "$ev" '"ev":"auth","node":"IMPPUB","method":"password","user":"admin","result":"ok"' \
	"auth event"
has "$ev" '"ev":"disconnect","node":"IMPPUB","reason":"exit"' "disconnect: exit"
has "$ev" '"ev":"connect","node":"IMPPUB","peer":"127.0.0.1:' "connect event"

# --- the pager on a 12-row terminal; then off
{
	sim_login_steps pw-login
	cat <<'S'
send utils service list\r
expect Press <enter> for 1 line, <space> for one page, or <q> to quit
send \r
expect Press <enter> for 1 line
send q
expect admin:
send set cli pagination off\r
expect Automatic pagination is turned off\r\nadmin:
send utils service list\r
expect System NTP \[STARTED\]\r\nadmin:
send exit\r
eof
S
} >"$tmp/s2"
SIM_ROWS=12 sim_pty "$tmp/s2" "$tmp/log2" CUCMPUB -o PreferredAuthentications=password
ok $? "pager stops at 12 rows, q quits, pagination off lists all"
pages=$(grep -c 'Press <enter>' "$tmp/log2")
is "$pages" 2 "the pager prompted twice before q"
lacks "$(sed -n '/pagination is turned off/,$p' "$tmp/log2")" "Press <enter>" \
	"no pager after 'set cli pagination off'"

# --- CUCM publisher: Server Table block; version from the node
{
	sim_login_steps pw-login
	cat <<'S'
send set cli pagination off\r
expect admin:
send show network cluster\r
expect Server Table \(processnode\) Entries
expect admin:
send show version active\r
expect Active Master Version: 12\.5\.1\.12900-115
send quit\r
eof
S
} >"$tmp/s3"
sim_pty "$tmp/s3" "$tmp/log3" CUCMPUB -o PreferredAuthentications=password
ok $? "CUCM publisher: processnode block, per-node version, quit"

# --- prompt only after a newline, which then gives a second prompt
{
	sim_login_steps pw-login | sed '$d'
	cat <<'S'
expect Welcome to the Platform Command Line Interface\r\n\r\n
sleep 0.3
send \r
expect admin:\r\nadmin:
send exit\r
eof
S
} >"$tmp/s4"
sim_pty "$tmp/s4" "$tmp/log4" IMPSUB1 -o PreferredAuthentications=password
ok $? "prompt-after-newline node"
lacks "$(sed -n '1,/Welcome/!p' "$tmp/log4" | head -c 2)" "ad" \
	"no prompt before the newline"

# --- exec: banner, the command does not run
cat >"$tmp/s5" <<'S'
expect assword:
send pw-login\r
expect Welcome to the Platform
expect admin:
eof
S
"$PYTHON3" "$SIM_PTY" --log "$tmp/log5" "$tmp/s5" -- \
	$(sim_ssh_args IMPPUB -o PreferredAuthentications=password) \
	show version active
ok $? "exec request: banner then the channel closes"
lacks "$(cat "$tmp/log5")" "Active Master Version" "exec: no command ran"

sim_stop
is "$?" 0 "SIGTERM: vos-sim exits 0"
tap_done

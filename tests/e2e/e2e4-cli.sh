#!/bin/sh
# e2e4-cli.sh: the CLI's screen over real SSH.  Pagination off (the shipped
# dialogs) and left on (a site dialog that turns it on) on a node whose pager
# stops every 8 lines, the tiny-pty and ansi faults (escapes, lone CRs,
# reverse-video pager): inventory is still complete and parsed right.
# certregen cli prints a command's output, refuses a hostile command line
# (control bytes, escapes, newline) before anything is typed, and does not
# answer a confirmation.  Range 127.0.41.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/e2e/e2e4-lib.sh"

cat >"$tmp/cluster.conf" <<EOF
name = "e2e4-cli";
domain = "cli.lab";
time_factor = 0.002;
rsa_bits = 1024;
credentials = { user = "admin"; password = "$E2E4_PW"; methods = [ "password" ]; };
ports = { ssh = 2222; tomcat = 0; cup = 0; xmpp = 0; s2s = 0; };
nodes = (
  { name = "CUCMPUB"; ip = "127.0.41.1"; product = "cucm"; },
  { name = "IMPPUB"; ip = "127.0.41.2"; product = "imp"; cli = { rows = 8; }; },
  { name = "IMPSUB1"; ip = "127.0.41.3"; product = "imp"; }
);
groups = ( { name = "DefaultCUPSubcluster"; nodes = [ "IMPPUB", "IMPSUB1" ]; ha = false; } );
EOF
sim_start "$tmp/cluster.conf" || { ok 1 "vos-sim starts"; tap_done; exit 1; }
sim_known_hosts "$tmp/known_hosts"
e2e4_site "$tmp/site.conf" 127.0.41.2 127.0.41.1
# Pagination left on: a site dialog directory whose pagination.dialog
# turns it on, so that every page of every command goes through the
# always-on pager case of common.dialog.
mkdir "$tmp/dialogs"
cat >"$tmp/dialogs/pagination.dialog" <<'EOF'
name = "pagination";
command = "set cli pagination on";
steps = ( { name = "main"; cases = (
	{ match = "(?i)automatic pagination is turned on"; mark = "off"; },
	{ prompt = true; next = "done"; } ); } );
EOF
e2e4_site "$tmp/site-pager.conf" 127.0.41.2 127.0.41.1 \
	"paths = { state_dir = \"$tmp/cr-state\"; log_dir = \"$tmp/cr-log-pager\"; dialog_dir = \"$tmp/dialogs\"; };"
sed -i '/^paths = { state_dir = "[^"]*"; log_dir = "[^"]*"; };$/d' "$tmp/site-pager.conf"

tlog() {  # the transcripts of the last run in DIR for NODE
	cat "$(ls -d "$1"/transcripts/* | tail -n 1)/$2.log" 2>/dev/null
}

# ---------------------------------------------------------------- pager off
n0=$(e2e4_lines)
cr inventory --json
is "$rc" 0 "pager off: inventory --json exits 0"
[ "$rc" -eq 0 ] || echo "# $err"
printf '%s\n' "$out" >"$tmp/inv.json"
e2e4_compare inventory "$SIM_STATE" "$tmp/inv.json"
is "$(tail -n "+$((n0 + 1))" "$SIM_STATE/events.jsonl" |
	grep -c '"line":"set cli pagination off"')" 3 \
	"pager off: every session typed set cli pagination off"
lacks "$(tlog "$tmp/cr-log" IMPPUB)" "Press <enter>" "pager off: no pager prompt on the 8-row node"

# ---------------------------------------------------------------- pager on
CR_SITE="$tmp/site-pager.conf" cr inventory --json
is "$rc" 0 "pager on: inventory --json exits 0"
[ "$rc" -eq 0 ] || echo "# $err"
printf '%s\n' "$out" >"$tmp/inv-pager.json"
has "$(tlog "$tmp/cr-log-pager" IMPPUB)" "Press <enter> for 1 line" \
	"pager on: the 8-row node paged"
e2e4_compare inventory "$SIM_STATE" "$tmp/inv-pager.json" IMPPUB CUCMPUB IMPSUB1

# Pager on, tiny-pty fault (every 4 lines on IMPSUB1) and ANSI decoration everywhere.
e2e4_faults '{ kind = "tiny-pty"; node = "IMPSUB1"; rows = 4; }, { kind = "ansi"; }'
CR_SITE="$tmp/site-pager.conf" cr inventory --json
is "$rc" 0 "tiny-pty + ansi, pager on: inventory --json exits 0"
[ "$rc" -eq 0 ] || echo "# $err"
printf '%s\n' "$out" >"$tmp/inv-tiny.json"
has "$(grep '"ev":"fault"' "$SIM_STATE/events.jsonl")" '"kind":"tiny-pty"' "tiny-pty fired"
has "$(grep '"ev":"fault"' "$SIM_STATE/events.jsonl")" '"kind":"ansi"' "ansi fired"
tlog "$tmp/cr-log-pager" IMPSUB1 >"$tmp/t.log"
ok "$(grep -q '\\e\[7mPress <enter>' "$tmp/t.log"; echo $?)" \
	"the transcript shows the reverse-video pager, escaped"
e2e4_compare inventory "$SIM_STATE" "$tmp/inv-tiny.json" IMPPUB CUCMPUB IMPSUB1

# The whole output of a paged command, through certregen cli.
CR_SITE="$tmp/site-pager.conf" cr cli IMPSUB1 'utils service list'
is "$rc" 0 "tiny-pty + ansi: cli utils service list exits 0"
want=$("$PYTHON3" -c 'import json,sys
print(len(json.load(open(sys.argv[1]))["services"]))' "$SIM_STATE/nodes/IMPSUB1/state.json")
got=$(printf '%s\n' "$out" | grep -c '\[.*\]')
is "$got" "$((want + 1))" "tiny-pty + ansi: every service line printed (System SSH + $want)"
lacks "$out" "Press <enter>" "tiny-pty + ansi: no pager prompt in the output"
lacks "$out" "$(printf '\033')" "tiny-pty + ansi: no raw escape in the output"
lacks "$out" "$(printf '\r')" "tiny-pty + ansi: no CR in the output"
e2e4_faults ''

# ---------------------------------------------------------------- cli
cr cli CUCMPUB 'show version active'
is "$rc" 0 "cli: exit 0"
is "$(printf '%s\n' "$out" | head -n 1)" "Active Master Version: 14.0.1.12900-2" \
	"cli: the output starts after the echo"
lacks "$out" "admin:" "cli: no prompt in the output"
has "$out" "No Installed Software Options Found." "cli: the whole output"

# A node not in the site file: found through discovery.
cr cli IMPSUB1 'show version active'
is "$rc" 0 "cli on a discovered node: exit 0"
has "$out" "Active Master Version: 14.0.1.12900-2" "cli on a discovered node: output"
cr cli NOSUCH 'show version active'
is "$rc" 2 "cli on an unknown node: usage error"
has "$err" "NOSUCH" "cli on an unknown node: named"

# Hostile command lines: refused before anything is typed.
n0=$(e2e4_lines)
i=0
for bad in "$(printf 'show version active\033[2J')" \
    "$(printf 'show version active\nutils service stop Cisco Tomcat')" \
    "$(printf 'show version\001active')" "$(printf 'show\tversion')" \
    " show version active" ""; do
	i=$((i + 1))
	cr cli CUCMPUB "$bad"
	is "$rc" 2 "hostile line $i: refused as a usage error"
	has "$err" "is not a printable command line" "hostile line $i: says why"
	lacks "$err$out" "$(printf '\033')" "hostile line $i: no raw escape echoed back"
done
has "$err" 'parameter line: ""' "the empty line is named"
is "$(tail -n "+$((n0 + 1))" "$SIM_STATE/events.jsonl" | grep -c '"ev":"connect"')" 0 \
	"no node was contacted for a hostile line"

# A failing command and a question.
cr cli CUCMPUB 'show no such thing'
is "$rc" 1 "cli: a failing command exits 1"
has "$err" "CUCMPUB" "cli: the failure names the node"
has "$err" "Executed command unsuccessfully" "cli: the failure says what the node said"
cr cli IMPSUB1 'set cert regen tomcat'
is "$rc" 1 "cli: a question is not answered"
has "$err" "asks a question" "cli: says why"
is "$(sim_events regen | grep -c IMPSUB1)" 0 "cli: nothing was regenerated"
lacks "$(cat "$tmp"/cr-log*/transcripts/*/*.log)" "$E2E4_PW" "no transcript holds the password"
tap_done

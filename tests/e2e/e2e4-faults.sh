#!/bin/sh
# e2e4-faults.sh: every fault of vos-sim against the real certregen over
# real SSH.  Each one that breaks a step ends in a clear error naming the
# node and the step (the CLI command or dialog); the cosmetic ones (slow
# output, a short stall, dropped fast input with a per-character delay)
# still give the right result.  hostkey-changed and auth-reject are in
# e2e4-auth.sh, ansi and tiny-pty in e2e4-cli.sh.  Range 127.0.43.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/e2e/e2e4-lib.sh"

cat >"$tmp/cluster.conf" <<EOF
name = "e2e4-faults";
domain = "faults.lab";
time_factor = 0.002;
rsa_bits = 1024;
credentials = { user = "admin"; password = "$E2E4_PW"; methods = [ "password" ]; };
ports = { ssh = 2222; tomcat = 0; cup = 0; xmpp = 0; s2s = 0; };
nodes = (
  { name = "CUCMPUB"; ip = "127.0.43.1"; product = "cucm"; },
  { name = "IMPPUB"; ip = "127.0.43.2"; product = "imp"; },
  { name = "IMPSUB1"; ip = "127.0.43.3"; product = "imp"; }
);
groups = ( { name = "G1"; nodes = [ "IMPPUB", "IMPSUB1" ]; ha = false; } );
EOF
sim_start "$tmp/cluster.conf" || { ok 1 "vos-sim starts"; tap_done; exit 1; }
sim_known_hosts "$tmp/known_hosts"
e2e4_site "$tmp/site.conf" 127.0.43.2 127.0.43.1 \
	'tls_ports = { tomcat = 0; cup = 0; cup-xmpp = 0; cup-xmpp-s2s = 0; };'
sed -i 's/command_timeout = 10;/command_timeout = 3;/; s/default_timeout = 20;/default_timeout = 10;/' \
	"$tmp/site.conf"

fired() {  # fired KIND NODE: 0 if a fault event of KIND fired on NODE after line $n0
	tail -n "+$((n0 + 1))" "$SIM_STATE/events.jsonl" | grep '"ev":"fault"' |
		grep "\"kind\":\"$1\"" | grep -q "\"node\":\"$2\""
	echo $?
}
# step KIND NODE STEP...: the error names the node and one of the steps
names() {
	_kind=$1 _node=$2
	shift 2
	has "$err" "$_node" "$_kind: the error names the node"
	_hit=1
	for _s in "$@"; do
		case "$err" in *"$_s"*) _hit=0 ;; esac
	done
	ok $_hit "$_kind: the error names the step ($*)"
	printf '%s\n' "$err" | sed 's/^/#   /' | head -n 4
}

# ------------------------------------------------------------ drop
e2e4_faults '{ kind = "drop"; node = "IMPSUB1"; at = 3; }'
n0=$(e2e4_lines)
cr inventory
is "$rc" 1 "drop at the 3rd command: inventory exits 1"
is "$(fired drop IMPSUB1)" 0 "drop at the 3rd command: fired"
names "drop at the 3rd command" IMPSUB1 "show cert list own" "cert-list"
has "$out" "IMPPUB (IM/P publisher" "drop at the 3rd command: the other nodes are still inventoried"

e2e4_faults '{ kind = "drop"; node = "IMPPUB"; match = "^utils service list"; }'
n0=$(e2e4_lines)
cr inventory
is "$rc" 1 "drop at a named command: inventory exits 1"
is "$(fired drop IMPPUB)" 0 "drop at a named command: fired"
names "drop at a named command" IMPPUB "utils service list" "service-list"

# ------------------------------------------------------------ slow, stall
e2e4_faults '{ kind = "slow"; node = "IMPSUB1"; prefix = "show cert list own"; ms = 50; },
  { kind = "stall"; node = "CUCMPUB"; prefix = "utils service list"; lines = 3; ms = 1500; }'
n0=$(e2e4_lines)
cr inventory --json
is "$rc" 0 "slow output and a short stall: inventory exits 0"
[ "$rc" -eq 0 ] || echo "# $err"
is "$(fired slow IMPSUB1)" 0 "slow: fired"
is "$(fired stall CUCMPUB)" 0 "stall (1.5 s, within the 3 s command timeout): fired"
printf '%s\n' "$out" >"$tmp/inv.json"
e2e4_compare inventory "$SIM_STATE" "$tmp/inv.json"

e2e4_faults '{ kind = "stall"; node = "IMPSUB1"; prefix = "utils service list"; lines = 3; ms = 0; }'
n0=$(e2e4_lines)
cr inventory
is "$rc" 1 "stall past the command timeout: inventory exits 1"
is "$(fired stall IMPSUB1)" 0 "stall: fired"
names "stall" IMPSUB1 "utils service list" "service-list"
has "$err" "no output for 3 s" "stall: says how long it waited"

# ------------------------------------------------------------ drop-input
e2e4_faults '{ kind = "drop-input"; node = "IMPSUB1"; ms = 20; }'
n0=$(e2e4_lines)
cr cli IMPSUB1 'show version active'
is "$rc" 1 "drop-input, no typing delay: cli exits 1"
names "drop-input" IMPSUB1 "pagination" "show version active" "command"
has "$err" "before echoing the command as typed" "drop-input: the error says the input was lost"
has "$err" "send_delay_ms" "drop-input: ... and what may help"
sed 's/command_timeout = 3;/command_timeout = 3; send_delay_ms = 100;/' \
	"$tmp/site.conf" >"$tmp/site-slowtype.conf"
n0=$(e2e4_lines)
CR_SITE="$tmp/site-slowtype.conf" cr cli IMPSUB1 'show version active'
is "$rc" 0 "drop-input, ssh.send_delay_ms = 100: cli exits 0"
has "$out" "Active Master Version: 14.0.1.12900-2" "drop-input, typing delay: the output is right"
has "$(tail -n "+$((n0 + 1))" "$SIM_STATE/events.jsonl" | grep '"ev":"cmd"')" \
	'"line":"show version active"' "drop-input, typing delay: the command arrived whole"

# ------------------------------------------------------------ regen, services
# Each regen case has its own state directory: a failed run is resumed by
# the next regen on the same one.
regen1() {
	sed "s|$tmp/cr-state|$tmp/cr-state-$1|" "$tmp/site.conf" >"$tmp/site-$1.conf"
	CR_SITE="$tmp/site-$1.conf" cr regen --yes --cert tomcat --node IMPSUB1
}
e2e4_faults '{ kind = "regen-fail"; node = "IMPSUB1"; unit = "tomcat"; }'
n0=$(e2e4_lines)
regen1 rf
is "$rc" 1 "regen-fail: regen exits 1"
is "$(fired regen-fail IMPSUB1)" 0 "regen-fail: fired"
names "regen-fail" IMPSUB1 "set cert regen tomcat" "cert-regen" "regen"
has "$err" "tomcat" "regen-fail: the error names the unit"
is "$(tail -n "+$((n0 + 1))" "$SIM_STATE/events.jsonl" | grep -c '"ev":"svc"')" 0 \
	"regen-fail: no service was restarted"

e2e4_faults '{ kind = "service-fail"; node = "IMPSUB1"; service = "Cisco Tomcat"; }'
n0=$(e2e4_lines)
regen1 sf
is "$rc" 1 "service-fail: regen exits 1"
is "$(fired service-fail IMPSUB1)" 0 "service-fail: fired"
names "service-fail" IMPSUB1 "Cisco Tomcat"
has "$err" "Cisco Tomcat" "service-fail: the error names the service"

# service-fail leaves Cisco Tomcat STOPPED; start it again so that the
# next plan restarts it (a stopped service is left as it was).
e2e4_faults ''
cr cli IMPSUB1 'utils service start Cisco Tomcat'
is "$rc" 0 "Cisco Tomcat started again by hand (certregen cli)"

e2e4_faults '{ kind = "service-hang"; node = "IMPSUB1"; service = "Cisco Tomcat"; count = 0; }'
n0=$(e2e4_lines)
regen1 sh
is "$rc" 1 "service-hang: regen exits 1"
is "$(fired service-hang IMPSUB1)" 0 "service-hang: fired"
names "service-hang" IMPSUB1 "Cisco Tomcat"
has "$err" "STARTING" "service-hang: the error says where it stuck"
e2e4_faults ''
cr cli IMPSUB1 'utils service restart Cisco Tomcat'
is "$rc" 0 "Cisco Tomcat restarted by hand (certregen cli)"

# The connection drops right after the regen ran: certregen logs in again,
# sees the new serial and does not regenerate twice.
e2e4_faults '{ kind = "drop"; node = "IMPSUB1"; match = "^set cert regen"; when = "after"; }'
n0=$(e2e4_lines)
regen1 da
is "$rc" 0 "drop after the regen command: regen recovers (exit 0)"
is "$(fired drop IMPSUB1)" 0 "drop after the regen command: fired"
names "drop after the regen command" IMPSUB1 "cert-regen"
has "$err" "already regenerated" "drop after the regen command: the regen is seen as done"
is "$(tail -n "+$((n0 + 1))" "$SIM_STATE/events.jsonl" | grep '"ev":"regen"' | grep -c IMPSUB1)" 1 \
	"drop after the regen command: regenerated once, not twice"
e2e4_faults ''
lacks "$(cat "$tmp"/cr-log/transcripts/*/*.log)" "$E2E4_PW" "no transcript holds the password"
tap_done

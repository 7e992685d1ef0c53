#!/bin/sh
# One vos-sim process serving two independent clusters (repeated
# --cluster FILE --state DIR): each has its own ready file, nodes.json,
# event log (its own opening, t from 0), state, faults (SIGHUP re-reads
# each faults.conf) and trust; a regen on one does not reach the other.
# Bad command lines: unpaired options, two clusters on one address, one
# state directory twice.  Range 127.0.145.x (cluster A) and 127.0.146.x
# (cluster B).
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"

# conf NAME NET PW: a two-node cluster file on NET.x
conf() {
	cat <<CONF
name = "$1";
time_factor = 0.005;
rsa_bits = 1024;
credentials = { user = "admin"; password = "$3"; methods = [ "password" ]; };
ports = { ssh = 2222; };
nodes = (
  { name = "CUCMPUB"; ip = "$2.11"; product = "cucm"; },
  { name = "IMPPUB"; ip = "$2.13"; product = "imp"; }
);
CONF
}
conf multi-a 127.0.145 pw-a >"$tmp/a.conf"
conf multi-b 127.0.146 pw-b >"$tmp/b.conf"
mkdir -p "$tmp/a" "$tmp/b"

"$VOS_SIM" --cluster "$tmp/a.conf" --state "$tmp/a" --cluster "$tmp/b.conf" \
	--state "$tmp/b" >"$tmp/sim.log" 2>&1 &
SIM_PID=$!
SIM_STATE=$tmp/a
sim_wait_file "$tmp/a/ready" 60 && sim_wait_file "$tmp/b/ready" 60
ok $? "one process: both clusters ready"
[ -e "$tmp/b/ready" ] || { sed 's/^/#   /' "$tmp/sim.log"; tap_done; exit 1; }
is "$(cat "$tmp/a/ready")" "$(cat "$tmp/b/ready")" "the same pid in both ready files"
is "$(cat "$tmp/a/ready")" "$SIM_PID" "and it is the simulator's"

for c in a b; do
	has "$(grep '"ev":"cluster"' "$tmp/$c/events.jsonl")" "\"name\":\"multi-$c\"" \
		"cluster $c: its own log opens with its cluster event"
	is "$(grep -c '"ev":"cluster"' "$tmp/$c/events.jsonl")" 1 \
		"cluster $c: one opening"
	t=$(head -n 1 "$tmp/$c/events.jsonl" | sed 's/^{"t":\([0-9]*\),.*/\1/')
	ok "$([ "${t:-99999}" -lt 1000 ]; echo $?)" "cluster $c: its own t, from 0 ($t)"
done
has "$(cat "$tmp/b/nodes.json")" '"ip": "127.0.146.13"' "nodes.json of b names b's nodes"
ok "$(grep -c 127.0.145 "$tmp/b/nodes.json")" "and none of a's"

# A regen on cluster a (and the restart that makes it active): a's log
# and state only.
SIM_STATE=$tmp/a
{ sim_login_steps pw-a; cat <<'S'
send set cert regen tomcat\r
expect \(yes\|no\)\? 
send yes\r
expect (?is)successfully regenerated.*admin:
send utils service restart Cisco Tomcat\r
expect Cisco Tomcat\[STARTED\]\r\nadmin:
send exit\r
eof
S
} >"$tmp/s"
sim_pty "$tmp/s" "$tmp/log" IMPPUB -o PreferredAuthentications=password
ok $? "regen on a's IMPPUB"
is "$(grep -c '"ev":"regen"' "$tmp/a/events.jsonl")" 1 "a: one regen event"
is "$(grep -c '"ev":"regen"' "$tmp/b/events.jsonl")" 0 "b: none"
is "$(grep -c '"ev":"connect"' "$tmp/b/events.jsonl")" 0 "b saw no connection"

# b's password is b's: a's is refused there.
SIM_STATE=$tmp/b
{ sim_login_steps pw-a; echo 'eof'; } >"$tmp/s"
sim_pty "$tmp/s" "$tmp/log" IMPPUB -o PreferredAuthentications=password >/dev/null 2>&1
has "$(grep '"ev":"auth"' "$tmp/b/events.jsonl")" '"result":"fail"' "b refuses a's password"
{ sim_login_steps pw-b; printf 'send show cert list own\\r\nexpect admin:\nsend exit\\r\neof\n'; } >"$tmp/s"
sim_pty "$tmp/s" "$tmp/log" IMPPUB -o PreferredAuthentications=password
ok $? "b takes its own password"

# SIGHUP: each cluster re-reads its own faults.conf.
printf '%s\n' 'faults = ( { kind = "drop"; node = "IMPPUB"; at = 1; } );' >"$tmp/b/faults.conf"
kill -HUP "$SIM_PID"
n=50
while [ $n -gt 0 ] && ! grep -q '"ev":"faults"' "$tmp/b/events.jsonl"; do
	sleep 0.1
	n=$((n - 1))
done
has "$(grep '"ev":"faults"' "$tmp/b/events.jsonl")" '"count":1' "SIGHUP: b loads its faults.conf"
has "$(grep '"ev":"faults"' "$tmp/a/events.jsonl")" '"count":0' "SIGHUP: a, without one, has none"
{ sim_login_steps pw-b; printf 'send show version active\\r\nexpect (?i)closed\neof\n'; } >"$tmp/s"
sim_pty "$tmp/s" "$tmp/log" IMPPUB -o PreferredAuthentications=password
ok $? "b's drop fault fires"
SIM_STATE=$tmp/a
{ sim_login_steps pw-a; printf 'send show version active\\r\nexpect admin:\nsend exit\\r\neof\n'; } >"$tmp/s"
sim_pty "$tmp/s" "$tmp/log" IMPPUB -o PreferredAuthentications=password
ok $? "a has no fault"
is "$(grep -c '"ev":"fault"' "$tmp/a/events.jsonl")" 0 "a: no fault event"

sim_stop
ok $? "SIGTERM: exit 0"
ok "$( [ ! -e "$tmp/a/ready" ] && [ ! -e "$tmp/b/ready" ]; echo $?)" "both ready files removed"
for c in a b; do
	"$PYTHON3" "$top_srcdir/tests/conformance" "$tmp/$c/events.jsonl" >"$tmp/conf" 2>&1
	r=$?
	ok $r "$c's log passes the conformance checker"
	[ $r -eq 0 ] || sed 's/^/#   /' "$tmp/conf" | head -n 10
done

# Bad command lines.
"$VOS_SIM" --cluster "$tmp/a.conf" --state "$tmp/a" --cluster "$tmp/b.conf" \
	>/dev/null 2>&1
is "$?" 2 "a --cluster without its --state: usage error"
conf multi-c 127.0.146 pw-c >"$tmp/c.conf"
"$VOS_SIM" --cluster "$tmp/b.conf" --state "$tmp/b" --cluster "$tmp/c.conf" \
	--state "$tmp/c" >"$tmp/err" 2>&1
is "$?" 1 "two clusters on the same addresses: refused"
has "$(cat "$tmp/err")" "share 127.0.146.11:2222" "and the message names the address"
"$VOS_SIM" --cluster "$tmp/a.conf" --state "$tmp/a" --cluster "$tmp/b.conf" \
	--state "$tmp/a/../a" >"$tmp/err" 2>&1
is "$?" 1 "one state directory for two clusters: refused"
has "$(cat "$tmp/err")" "another simulator uses" "and says so"
tap_done

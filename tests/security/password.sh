#!/bin/sh
# A wrong password: a clear failure, nothing changed, the wrong password
# not shown.  A loose password file (group or world readable or writable):
# refused before any connection.  Range 127.0.131.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/security/sec-lib.sh"
N=127.0.131
sec_cluster $N
sec_site $N
sim_start "$tmp/cluster.conf" "$tmp/state" ||
	{ ok 1 "vos-sim starts"; tap_done; exit 1; }

# The wrong password.
WRONG='Wr0ng-pw-c0ffee'
printf '%s\n' "$WRONG" >"$tmp/pw"
chmod 600 "$tmp/pw"
n0=$(sec_nevents)
sec_cr regen --yes
ok $((rc == 0)) "wrong password: regen fails (exit $rc)"
is "$rc" 1 "wrong password: exit 1 (failure)"
has "$err" "auth" "wrong password: the message says authentication failed"
after=$(sec_events_after "$n0")
has "$after" '"result":"fail"' "wrong password: the node saw a failed attempt"
lacks "$after" '"result":"ok"' "wrong password: no login succeeded"
lacks "$after" '"ev":"regen"' "wrong password: nothing regenerated"
lacks "$after" '"ev":"svc"' "wrong password: no service touched"
lacks "$out$err" "$WRONG" "wrong password: not echoed on stdout/stderr"
found=$(grep -rlF -- "$WRONG" "$tmp/cr" 2>/dev/null)
is "$found" "" "wrong password: in no file certregen wrote"
nauth=$(printf '%s\n' "$after" | grep -c '"ev":"auth".*"result":"fail"')
ok $((nauth > 12)) "wrong password: a bounded number of attempts ($nauth failed auth events)"

# A loose password file: refused before connecting.
printf '%s\n' "$SEC_PW" >"$tmp/pw"
for mode in 640 604 644 660 666; do
	chmod "$mode" "$tmp/pw"
	n0=$(sec_nevents)
	sec_cr inventory
	is "$rc" 2 "password file $mode: refused as a configuration error"
	has "$err" "pw" "password file $mode: the message names the file"
	after=$(sec_events_after "$n0")
	lacks "$after" '"ev":"connect"' "password file $mode: no connection made"
done
chmod 600 "$tmp/pw"
sec_cr inventory
is "$rc" 0 "password file 600: accepted"

# Not the user's file: a symlink to a file of another owner is refused too
# (root-run CI owns everything, so only check the mode rule here).
chmod 400 "$tmp/pw"
sec_cr inventory
is "$rc" 0 "password file 400: accepted"
tap_done

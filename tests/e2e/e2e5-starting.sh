#!/bin/sh
# A subscriber that never prints [STARTED] (the simulator's service-hang
# fault: the restart returns to admin: after [STARTING]):
# - the service comes up a little later (the test starts it from another
#   session while certregen waits): certregen confirms with `utils service
#   list` and goes on; the run finishes, conformance clean;
# - it stays STARTING: certregen runs the command once more (the CLI's
#   advice), then fails cleanly within twice services.timeouts: HA back on,
#   the report names the step and the state; the rerun after the fault is
#   switched off finishes, conformance clean.
# Range 127.0.55.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/e2e/e2e5-lib.sh"

cluster() {  # cluster FAULTS
	e5_cluster e2e5-starting 127.0.55 - <<CONF
faults = ( $1 );
CONF
}
e5_site 127.0.55
ev="$tmp/state/events.jsonl"
rep="$tmp/report.json"
want="IMPPUB cup-xmpp 1
IMPSUB1 cup-xmpp 1"
HANG='"ev":"svc","node":"IMPSUB1","service":"Cisco XCP Router","action":"restart","state":"STARTING"'

# --- it comes up later
l="STARTED later"
cluster '{ kind = "service-hang"; node = "IMPSUB1"; service = "Cisco XCP Router"; }'
e5_fresh || { ok 1 "vos-sim starts"; tap_done; exit 1; }
e5_cr_bg regen --yes --cert cup-xmpp --report "$rep"
n=300
while [ $n -gt 0 ] && ! grep -q "$HANG" "$ev"; do sleep 0.1; n=$((n - 1)); done
[ $n -gt 0 ]; ok $? "$l: the restart on IMPSUB1 returned at [STARTING]"
sleep 1.5
{ sim_login_steps "$E5_PW"; cat <<'S'
send utils service start Cisco XCP Router\r
expect Cisco XCP Router\[STARTED\]
expect admin:
send exit\r
eof
S
} >"$tmp/s"
sim_pty "$tmp/s" "$tmp/pty.log" IMPSUB1 -o PreferredAuthentications=password
ok $? "$l: the service reaches STARTED (started from another session)"
wait "$cr_pid"
rc=$?
err=$(cat "$tmp/bg.err")
"$PYTHON3" - "$ev" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
i = [k for k, e in enumerate(ev) if e["ev"] == "cmd" and e["node"] == "IMPSUB1"
     and e["line"] == "utils service restart Cisco XCP Router"]
assert len(i) == 1, "restarts typed: %d" % len(i)
polls = [e for e in ev[i[0]:] if e["ev"] == "cmd" and e["node"] == "IMPSUB1"
         and e["line"] == "utils service list"]
assert len(polls) >= 2, "polls: %d" % len(polls)
PY
ok $? "$l: one restart, then utils service list until STARTED"
e5_final "$l" "$want"

# --- it stays STARTING
l="stays STARTING"
cluster '{ kind = "service-hang"; node = "IMPSUB1"; service = "Cisco XCP Router"; count = 0; }'
e5_fresh
start=$(date +%s)
e5_cr regen --yes --cert cup-xmpp --report "$rep"
took=$(($(date +%s) - start))
is "$rc" 1 "$l: the run fails (exit 1)"
[ "$took" -lt 40 ]; ok $? "$l: within two waits of services.timeouts (took ${took}s)"
is "$(grep -c '"line":"utils service restart Cisco XCP Router"' "$ev")" 3 \
	"$l: the restart run twice on IMPSUB1 (once on IMPPUB)"
is "$(e5_check ha "$tmp/state")" "" "$l: HA back on"
has "$(e5_check report "$rep" error)" "Cisco XCP Router is STARTING, not STARTED" \
	"$l: the report's error says so"
has "$(e5_check report "$rep" left)" "restart:IMPSUB1:Cisco XCP Router" "$l: and what is left"
echo 'faults = ();' >"$tmp/state/faults.conf"
sim_hup
e5_cr regen --yes --cert cup-xmpp
e5_final "$l, rerun" "$want"
tap_done

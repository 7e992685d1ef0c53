#!/bin/sh
# Connections dropped by the simulator during a regen (its `drop` faults):
# - at each mutating command of the ipsec plan (regen on the IM/P publisher
#   and the subscriber, DRF Master, DRF Local x2), before the command runs
#   and after it ran: certregen logs in again, re-checks and finishes in the
#   same run (a regen that happened is not done again);
# - at the 3rd command of a subscriber's first session (inventory);
# - a regen that happened, then every re-check dropped: the step fails after
#   three attempts; the rerun (faults off) must see the new serial and not
#   regenerate again;
# - a restart dropped on every attempt: the run stops safely (HA back on),
#   the rerun after the fault is switched off finishes.
# Each ends with the conformance checker clean, every certificate
# regenerated exactly once, every service STARTED, HA as it was.
# Range 127.0.54.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/e2e/e2e5-lib.sh"

cluster() {  # cluster FAULTS
	e5_cluster e2e5-drop 127.0.54 - <<CONF
faults = ( $1 );
CONF
}
e5_site 127.0.54
ev="$tmp/state/events.jsonl"
want="IMPPUB ipsec 1
IMPSUB1 ipsec 1"

faults_off() {
	echo 'faults = ();' >"$tmp/state/faults.conf"
	sim_hup
}

for step in "IMPPUB:set cert regen ipsec" "IMPSUB1:set cert regen ipsec" \
    "CUCMPUB:utils service restart Cisco DRF Master" \
    "IMPPUB:utils service restart Cisco DRF Local" \
    "IMPSUB1:utils service restart Cisco DRF Local"; do
	node=${step%%:*}
	line=${step#*:}
	for when in before after; do
		l="drop $when '$line' on $node"
		cluster "{ kind = \"drop\"; node = \"$node\"; match = \"^$line\$\"; when = \"$when\"; }"
		e5_fresh || { ok 1 "$l: vos-sim starts"; continue; }
		e5_cr regen --yes --cert ipsec
		has "$(sim_events fault)" "\"kind\":\"drop\"" "$l: the connection was dropped"
		e5_final "$l" "$want"
	done
done

# Inside the inventory.
l="drop at the 3rd command of IMPSUB1"
cluster '{ kind = "drop"; node = "IMPSUB1"; at = 3; }'
e5_fresh
e5_cr regen --yes --cert ipsec
has "$(sim_events fault)" "\"kind\":\"drop\"" "$l: the connection was dropped"
if [ "$rc" -ne 0 ]; then
	# Refusing a cluster it could not read whole is fine, if nothing
	# changed; then the same command again does it.
	is "$rc" 3 "$l: refused (exit 3) or done"
	e5_unchanged "$l"
	e5_cr regen --yes --cert ipsec
fi
e5_final "$l" "$want"

# The regen happened and its connection dropped; every re-check of the
# serial on a new session dropped too (the 2nd command of a new session:
# after `set cli pagination off`).
l="regen done, re-checks dropped"
cluster '{ kind = "drop"; node = "IMPSUB1"; match = "^set cert regen ipsec$"; when = "after"; },
  { kind = "drop"; node = "IMPSUB1"; match = "^show cert own ipsec"; at = 2; count = 0; }'
e5_fresh
e5_cr regen --yes --cert ipsec --report "$tmp/report.json"
is "$rc" 1 "$l: the step fails after its attempts (exit 1)"
is "$(e5_check regens "$ev")" "$want" "$l: the regen happened once"
st=$("$CERTREGEN" -c "$tmp/site.conf" status 2>&1)
has "$st" "FAILED   regen:IMPSUB1:ipsec" "$l: status shows the failed regen"
has "$(e5_check report "$tmp/report.json" left)" "regen:IMPSUB1:ipsec" "$l: the report's left has it"
faults_off
e5_cr regen --yes --cert ipsec
has "$err" "already regenerated" "$l: the rerun sees the new serial"
e5_final "$l" "$want"

# A restart dropped on every attempt: stopped safely, then finished.
l="restart dropped every time"
cluster '{ kind = "drop"; node = "IMPSUB1"; match = "^utils service restart Cisco DRF Local$"; count = 0; }'
e5_fresh
e5_cr regen --yes --cert ipsec --report "$tmp/report.json"
is "$rc" 1 "$l: the run fails (exit 1)"
is "$(e5_check ha "$tmp/state")" "" "$l: HA back on after the failure"
is "$(e5_check started "$tmp/state")" "" "$l: every service STARTED after the failure"
is "$(e5_check report "$tmp/report.json" result)" failed "$l: the report says failed"
has "$(e5_check report "$tmp/report.json" left)" "restart:IMPSUB1:Cisco DRF Local" "$l: the report's left has the restart"
has "$(e5_check report "$tmp/report.json" error)" "IMPSUB1" "$l: the report's error names the node"
faults_off
e5_cr regen --yes --cert ipsec
e5_final "$l" "$want"
tap_done

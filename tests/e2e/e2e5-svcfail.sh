#!/bin/sh
# A service that fails to start (the simulator's service-fail fault):
# - regen: the XCP Router restart on the subscriber fails once: the run
#   stops safely (HA back on, the service it left stopped started again),
#   `certregen status` and the report say what is left, and the rerun
#   finishes;
# - prune-trust: the restart fails every time: each failed run starts the
#   monitors it stopped and turns HA back on (also a second failed run,
#   whose journal already says the monitors were started once); after the
#   fault is switched off in the running simulator the rerun finishes.
# Each ends with the conformance checker clean.  Range 127.0.56.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/e2e/e2e5-lib.sh"

cluster() {  # cluster FAULTS
	e5_cluster e2e5-svcfail 127.0.56 - <<CONF
expired_trust = (
  { nodes = [ "IMPPUB", "IMPSUB1" ]; unit = "cup-xmpp-trust"; cn = "old-peer"; days_ago = 30; }
);
faults = ( $1 );
CONF
}
e5_site 127.0.56
ev="$tmp/state/events.jsonl"
rep="$tmp/report.json"
monitors() {  # the IM/P monitors not STARTED now
	for n in IMPPUB IMPSUB1; do
		for s in "Cisco Certificate Expiry Monitor" "Cisco Intercluster Sync Agent"; do
			"$PYTHON3" -c 'import json,sys
st = json.load(open(sys.argv[1]))["services"][sys.argv[2]]["state"]
if st != "STARTED": print(sys.argv[3], sys.argv[2], st)' \
				"$tmp/state/nodes/$n/state.json" "$s" "$n"
		done
	done
}
faults_off() {
	echo 'faults = ();' >"$tmp/state/faults.conf"
	sim_hup
}

# --- regen, the restart fails once
l="regen, XCP Router fails to start on IMPSUB1"
cluster '{ kind = "service-fail"; node = "IMPSUB1"; service = "Cisco XCP Router"; }'
e5_fresh || { ok 1 "vos-sim starts"; tap_done; exit 1; }
e5_cr regen --yes --cert cup-xmpp --report "$rep"
is "$rc" 1 "$l: the run fails (exit 1)"
has "$(sim_events fault)" '"kind":"service-fail"' "$l: the fault fired"
has "$err" "making safe" "$l: the safe path runs"
is "$(e5_check ha "$tmp/state")" "" "$l: HA back on"
is "$(e5_check started "$tmp/state")" "" "$l: nothing left stopped (the failed service started again)"
is "$(e5_check report "$rep" result)" failed "$l: the report says failed"
has "$(e5_check report "$rep" left)" "restart:IMPSUB1:Cisco XCP Router" "$l: the report's left names the restart"
has "$(e5_check report "$rep" error)" "restart:IMPSUB1:Cisco XCP Router" "$l: the report's error names the step"
st=$("$CERTREGEN" -c "$tmp/site.conf" status 2>&1)
has "$st" "An interrupted regen run is pending" "$l: status: a run is pending"
has "$st" "FAILED   restart:IMPSUB1:Cisco XCP Router" "$l: status names the failed step"
has "$st" "error: IMPSUB1" "$l: status gives the error"
printf '%s\n' "$st" | sed 's/^/#   /'
e5_conform --allow-partial
ok $? "$l: conformance clean (allowing the partial run)"
e5_cr regen --yes --cert cup-xmpp --report "$rep"
e5_final "$l, rerun" "IMPPUB cup-xmpp 1
IMPSUB1 cup-xmpp 1"
is "$(e5_check report "$rep" resumed)" true "$l: the report says resumed"

# --- prune-trust, the restart fails every time
l="prune, XCP Router always fails on IMPSUB1"
cluster '{ kind = "service-fail"; node = "IMPSUB1"; service = "Cisco XCP Router"; count = 0; }'
e5_fresh
before=$(e5_check trust "$tmp/state")
for try in 1 2; do
	e5_cr prune-trust --yes --report "$rep"
	is "$rc" 1 "$l: run $try fails (exit 1)"
	is "$(monitors)" "" "$l: run $try: the monitors it stopped run again"
	is "$(e5_check ha "$tmp/state")" "" "$l: run $try: HA back on"
	is "$(e5_check started "$tmp/state")" "IMPSUB1 Cisco XCP Router STOPPED" \
		"$l: run $try: only the failing service is down"
	has "$(e5_check report "$rep" left)" "restart:IMPSUB1:Cisco XCP Router" \
		"$l: run $try: the report's left names the restart"
done
faults_off
e5_cr prune-trust --yes --report "$rep"
e5_final "$l, rerun" ""
after=$(e5_check trust "$tmp/state")
is "$(printf '%s\n' "$before" | grep -v "cup-xmpp-trust old-peer")" "$after" \
	"$l: exactly the expired trust certificate is gone"
is "$(sim_events trust-delete | wc -l | tr -d ' ')" 1 "$l: deleted once (cluster-wide)"
tap_done

#!/bin/sh
# prune-trust removes exactly the expired trust certificates: the trust
# stores in the simulator's state before and after differ by the expired
# files only; nothing valid is removed; the CUCM publisher's ipsec
# certificate (expired here) is never removed from any ipsec-trust; an
# expired trust unit without a restart rule is left, with a reason; the
# identity certificates are untouched (an expired identity certificate is
# never deleted).  The monitors are stopped before and started after, HA
# is off around it and on again: conformance clean.  A dry run before
# changes nothing; a second run finds nothing to do.  Range 127.0.57.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/e2e/e2e5-lib.sh"

cat >"$tmp/cluster.conf" <<CONF
name = "e2e5-prune";
time_factor = 0.005;
rsa_bits = 1024;
credentials = { user = "admin"; password = "$E5_PW"; methods = [ "password" ]; };
axl = { user = "axladmin"; password = "$E5_AXL_PW"; };
federation = { sip = false; xmpp = false; };
ports = { ssh = 2222; };
nodes = (
  { name = "CUCMPUB"; ip = "127.0.57.11"; product = "cucm"; validity = { ipsec = -5; }; },
  { name = "CUCMSUB"; ip = "127.0.57.12"; product = "cucm"; },
  { name = "IMPPUB"; ip = "127.0.57.13"; product = "imp"; },
  { name = "IMPSUB1"; ip = "127.0.57.14"; product = "imp"; validity = { cup = -3; }; }
);
groups = ( { name = "G1"; nodes = [ "IMPPUB", "IMPSUB1" ]; ha = true; } );
expired_trust = (
  { nodes = "*"; unit = "tomcat-trust"; cn = "old-root"; days_ago = 400; },
  { nodes = [ "IMPPUB", "IMPSUB1" ]; unit = "cup-trust"; cn = "retired-peer";
    serial_in_name = false; days_ago = 90; },
  { nodes = [ "CUCMPUB" ]; unit = "CallManager-trust"; cn = "old-cm"; days_ago = 10; }
);
CONF
e5_site 127.0.57
e5_fresh || { ok 1 "vos-sim starts"; tap_done; exit 1; }
ev="$tmp/state/events.jsonl"
rep="$tmp/report.json"
own() { (cd "$tmp/state/nodes" && cat ./*/own/*.pem | cksum); }
before=$(e5_check trust "$tmp/state")
own_before=$(own)
pubipsec=$(e5_check serial "$tmp/state/nodes/CUCMPUB/own/ipsec.pem")
printf '%s\n' "$before" | grep -q "ipsec-trust .*_$pubipsec.pem expired"
ok $? "setup: the CUCM publisher's ipsec certificate is expired in ipsec-trust"

e5_cr prune-trust --dry-run
is "$rc" 0 "dry run: exit 0"
has "$out" "delete  tomcat-trust/old-root" "dry run: the plan deletes old-root"
e5_unchanged "dry run"
is "$(e5_check trust "$tmp/state")" "$before" "dry run: the trust stores are as they were"

e5_cr prune-trust --yes --report "$rep"
e5_final "prune" ""
after=$(e5_check trust "$tmp/state")
# What must be left: every valid file, the CUCM publisher's current ipsec
# wherever it is, and the CallManager-trust one (no restart rule).
want=$(printf '%s\n' "$before" | awk -v s="_$pubipsec.pem" '
	$4 == "valid" || ($2 == "ipsec-trust" && index($3, s)) || $2 == "CallManager-trust"')
is "$after" "$want" "exactly the expired trust certificates are gone"
is "$(printf '%s\n' "$after" | grep -c valid)" "$(printf '%s\n' "$before" | grep -c valid)" \
	"nothing valid removed"
printf '%s\n' "$before" | grep expired | grep -q .
ok $? "there were expired ones"
lacks "$(sim_events cmd)" "\"line\":\"set cert delete ipsec-trust" "no delete in ipsec-trust was typed"
lacks "$(sim_events cmd | grep 'set cert delete' | grep -v -- '-trust ')" "set cert delete" \
	"no delete of an identity unit was typed"
is "$(own)" "$own_before" "identity certificates untouched (the expired cup of IMPSUB1 too)"
sk=$(e5_check report "$rep" skipped)
has "$sk" "CUCM publisher's current ipsec certificate" "the report says why the ipsec one stays"
has "$sk" "CallManager-trust/old-cm" "the report says why CallManager-trust stays"
is "$(e5_check ha-events "$ev")" "G1 false axl
G1 true axl" "HA off and on again through AXL"
for n in IMPPUB IMPSUB1; do
	for s in "Cisco Certificate Expiry Monitor" "Cisco Intercluster Sync Agent"; do
		has "$(e5_check svc "$ev")" "$n $s stop STOPPED" "$n: $s stopped"
	done
done
for s in "Cisco Certificate Expiry Monitor" "Cisco Certificate Change Notification"; do
	has "$(e5_check svc "$ev")" "CUCMPUB $s stop STOPPED" "CUCMPUB: $s stopped (tomcat-trust)"
done

size=$(wc -c <"$ev")
e5_cr prune-trust --yes
is "$rc" 0 "a second run: exit 0"
has "$err$out" "nothing to do" "a second run: nothing to do"
tail -c +$((size + 1)) "$ev" >"$tmp/ev.2"
is "$(e5_check changes "$tmp/ev.2")" "" "a second run changes nothing"
tap_done

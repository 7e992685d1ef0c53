#!/bin/sh
# A whole regen against vos-sim with HA on and a CA-signed unit: the
# CA-signed certificate is skipped (its reason in the plan and the report)
# and untouched; HA is turned off through AXL before the first restart and
# back on after the last; a group with HA off is left alone; without an
# axl group in the site file the run is refused before any change.
# Range 127.0.50.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/e2e/e2e5-lib.sh"

cat >"$tmp/cluster.conf" <<CONF
name = "e2e5-regen";
time_factor = 0.005;
rsa_bits = 1024;
credentials = { user = "admin"; password = "$E5_PW"; methods = [ "password" ]; };
axl = { user = "axladmin"; password = "$E5_AXL_PW"; };
federation = { sip = false; xmpp = true; };
ports = { ssh = 2222; };
nodes = (
  { name = "CUCMPUB"; ip = "127.0.50.11"; product = "cucm"; },
  { name = "IMPPUB"; ip = "127.0.50.13"; product = "imp"; },
  { name = "IMPSUB1"; ip = "127.0.50.14"; product = "imp"; ca_signed = [ "cup-xmpp-s2s" ]; },
  { name = "IMPSUB2"; ip = "127.0.50.15"; product = "imp"; }
);
groups = (
  { name = "G1"; nodes = [ "IMPPUB", "IMPSUB1" ]; ha = true; },
  { name = "G2"; nodes = [ "IMPSUB2" ]; ha = false; }
);
CONF
e5_fresh || { ok 1 "vos-sim starts"; tap_done; exit 1; }
ev="$tmp/state/events.jsonl"
s2s="$tmp/state/nodes/IMPSUB1/own/cup-xmpp-s2s.pem"
s2s_before=$(e5_check serial "$s2s")

# HA on, no axl group: refused before anything changes.
e5_site 127.0.50 0
e5_cr regen --yes
is "$rc" 3 "HA on without axl settings: refused (exit 3)"
has "$err" "High Availability is enabled" "the refusal says why"
e5_unchanged "refused for HA"
[ ! -s "$tmp/cr/state/journal.jsonl" ]
ok $? "refused for HA: no journal begun"

e5_site 127.0.50
e5_cr regen --yes --report "$tmp/report.json"
want="IMPPUB cup 1
IMPPUB cup-xmpp 1
IMPPUB cup-xmpp-s2s 1
IMPPUB ipsec 1
IMPPUB tomcat 1
IMPSUB1 cup 1
IMPSUB1 cup-xmpp 1
IMPSUB1 ipsec 1
IMPSUB1 tomcat 1
IMPSUB2 cup 1
IMPSUB2 cup-xmpp 1
IMPSUB2 cup-xmpp-s2s 1
IMPSUB2 ipsec 1
IMPSUB2 tomcat 1"
e5_final "regen" "$want"

# The CA-signed unit: skipped with its reason, and untouched.
has "$out" "IMPSUB1 cup-xmpp-s2s: CA-signed by" "the plan shows the skip and its reason"
has "$(e5_check report "$tmp/report.json" skipped)" "IMPSUB1 cup-xmpp-s2s: CA-signed by VOS-SIM Issuing CA" \
	"the report lists the skip with its reason"
lacks "$(sim_events regen)" '"node":"IMPSUB1","unit":"cup-xmpp-s2s"' "no regen of the CA-signed unit"
is "$(e5_check serial "$s2s")" "$s2s_before" "the CA-signed certificate's serial is unchanged"
lacks "$(sim_events cmd)" '"node":"IMPSUB1","line":"set cert regen cup-xmpp-s2s"' \
	"the regen was never even typed"

# HA: off through AXL before the first restart, on after the last one.
is "$(e5_check ha-events "$ev")" "G1 false axl
G1 true axl" "HA of G1 turned off and on once through AXL; G2 (off) untouched"
"$PYTHON3" - "$ev" <<'PY'
import json, re, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
off = [i for i, e in enumerate(ev) if e["ev"] == "ha" and e.get("by") and not e["value"]]
on = [i for i, e in enumerate(ev) if e["ev"] == "ha" and e.get("by") and e["value"]]
svc = [i for i, e in enumerate(ev) if e["ev"] == "svc"]
cmd = [i for i, e in enumerate(ev) if e["ev"] == "cmd" and re.match(r"utils service (restart|stop|start) ", e["line"])]
assert off and on and svc, (off, on, svc)
assert off[0] < min(cmd + svc), "a service action before HA went off"
assert on[-1] > max(svc), "HA back on before the last restart ended"
PY
ok $? "HA off before the first service command, on after the last restart"
is "$(e5_check report "$tmp/report.json" result)" done "the report says done"
is "$(e5_check report "$tmp/report.json" verify-failed)" "" "every verification check passed"
ls "$tmp/cr/state/export/IMPPUB-tomcat.pem" "$tmp/cr/state/export/IMPSUB2-cup-xmpp.pem" >/dev/null 2>&1
ok $? "the new tomcat and cup-xmpp certificates are exported"

# A second run: nothing is self-signed and old any more, but regen does
# not know "old": it plans again; the CA-signed unit is still skipped.
e5_cr regen --dry-run
is "$rc" 0 "a dry run after the regen"
has "$out" "IMPSUB1 cup-xmpp-s2s: CA-signed" "the CA-signed unit is still skipped"
tap_done

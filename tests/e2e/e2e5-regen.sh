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
# The certificates before the run, and where its events begin.
cp -R "$tmp/state/nodes" "$tmp/before"
ev_off=$(wc -c <"$ev")
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

# The backup before each regen is the PEM the inventory read: the node is
# not asked for it again (one `show cert own` of a unit before its regen),
# and it is the certificate the node had before the run.
"$PYTHON3" - "$ev" "$ev_off" <<'PY'
import json, sys
f = open(sys.argv[1], "rb")
f.seek(int(sys.argv[2]))
shown, bad, regens = {}, [], 0
for l in f:
    e = json.loads(l)
    if e["ev"] != "cmd":
        continue
    w = e["line"].split()
    if w[:3] == ["show", "cert", "own"] and len(w) == 4:
        k = (e["node"], w[3].split("/")[0])
        shown[k] = shown.get(k, 0) + 1
    elif w[:3] == ["set", "cert", "regen"] and len(w) == 4:
        regens += 1
        n = shown.get((e["node"], w[3]), 0)
        if n != 1:
            bad.append("%s %s: %d show cert own before its regen" % (e["node"], w[3], n))
assert regens == 14, regens
assert not bad, bad
PY
ok $? "no show cert own of a unit between the inventory and its regen"
"$PYTHON3" - "$tmp/before" "$tmp/cr/state/backup" "$want" <<'PY'
import base64, glob, os, re, sys
def der(path):
    t = open(path).read()
    m = re.search(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", t, re.S)
    assert m, path
    return base64.b64decode("".join(m.group(1).split()))
runs = glob.glob(os.path.join(sys.argv[2], "*"))
assert len(runs) == 1, runs
for line in sys.argv[3].splitlines():
    node, unit, _ = line.split()
    b = os.path.join(runs[0], "%s-%s.pem" % (node, unit))
    assert os.stat(b).st_mode & 0o777 == 0o600, b
    assert der(b) == der(os.path.join(sys.argv[1], node, "own", unit + ".pem")), b
assert len(os.listdir(runs[0])) == len(sys.argv[3].splitlines()), os.listdir(runs[0])
PY
ok $? "each backup holds the certificate the node had before the run (0600)"
"$PYTHON3" - "$tmp/state/nodes" "$tmp/cr/state/export" "$tmp/before" <<'PY'
import base64, os, re, sys
def der(path):
    t = open(path).read()
    m = re.search(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", t, re.S)
    assert m, path
    return base64.b64decode("".join(m.group(1).split()))
names = []
for node in ("IMPPUB", "IMPSUB1", "IMPSUB2"):
    for unit in ("tomcat", "cup-xmpp"):
        x = os.path.join(sys.argv[2], "%s-%s.pem" % (node, unit))
        new = der(os.path.join(sys.argv[1], node, "own", unit + ".pem"))
        assert der(x) == new, x
        assert new != der(os.path.join(sys.argv[3], node, "own", unit + ".pem")), x
        names.append(os.path.basename(x))
assert sorted(os.listdir(sys.argv[2])) == sorted(names), os.listdir(sys.argv[2])
PY
ok $? "the exports are the new tomcat and cup-xmpp of every IM/P node"

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

# A backup run again after its regen (its end record lost): the inventory
# of the rerun holds the new certificate, the backup is the old one.
# e5r_killed: a fresh cluster; regen of ipsec killed once IMPPUB's regen
# happened; the end record of backup:IMPPUB:ipsec dropped; $bk the backup.
e5r_killed() {
	e5_fresh || return 1
	rm -rf "$tmp/before"
	cp -R "$tmp/state/nodes" "$tmp/before"
	_off=$(wc -c <"$ev")
	e5_cr_bg regen --cert ipsec --yes
	e5_check kill-event "$ev" "$_off" '"ev":"regen"' 1 "$cr_pid" 60 >/dev/null
	_krc=$?
	wait "$cr_pid"
	[ "$_krc" -eq 0 ] || return 1
	"$PYTHON3" - "$tmp/cr/state/journal.jsonl" <<'PY' || return 1
import json, sys
ls = open(sys.argv[1]).readlines()
keep = [l for l in ls if not (json.loads(l).get("ev") == "step-end" and
                              json.loads(l).get("key") == "backup:IMPPUB:ipsec")]
assert len(keep) == len(ls) - 1
open(sys.argv[1], "w").writelines(keep)
PY
	bk=$(echo "$tmp"/cr/state/backup/*/IMPPUB-ipsec.pem)
	[ -f "$bk" ]
}
same_cert() {
	"$PYTHON3" - "$1" "$2" <<'PY'
import base64, re, sys
def der(path):
    m = re.search(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----",
                  open(path).read(), re.S)
    return base64.b64decode("".join(m.group(1).split())) if m else None
sys.exit(0 if der(sys.argv[1]) is not None and der(sys.argv[1]) == der(sys.argv[2]) else 1)
PY
}
ipsec_want="IMPPUB ipsec 1
IMPSUB1 ipsec 1
IMPSUB2 ipsec 1"

e5r_killed
ok $? "stale inventory: killed after the first regen, backup end dropped"
e5_cr regen --yes
e5_final "stale inventory" "$ipsec_want"
same_cert "$bk" "$tmp/before/IMPPUB/own/ipsec.pem"
ok $? "stale inventory: the backup from the first attempt is kept, the old certificate"
lacks "$err" "no backup of the old certificate" "stale inventory: no warning"
# A backup writes no step-begin: the rerun's end is its only record now.
is "$(grep '"step-end"' "$tmp"/cr/state/runs/*.jsonl | grep -c '"backup:IMPPUB:ipsec"')" 1 \
	"stale inventory: the backup step ran again"

e5r_killed
ok $? "torn backup: killed after the first regen, backup end dropped"
"$PYTHON3" -c 'import sys; p = sys.argv[1]; t = open(p).read(); open(p, "w").write(t[:len(t) // 2])' "$bk"
e5_cr regen --yes
e5_final "torn backup" "$ipsec_want"
has "$err" "a write cut short" "torn backup: found and removed"
has "$err" "no backup of the old certificate" "torn backup: the loss is told"
[ ! -e "$bk" ]
ok $? "torn backup: the new certificate is not written as the backup"

e5r_killed
ok $? "other backup: killed after the first regen, backup end dropped"
cp "$tmp/before/IMPPUB/own/tomcat.pem" "$bk"
e5_cr regen --yes
is "$rc" 1 "other backup: the rerun fails (exit 1)"
has "$err" "never overwritten" "other backup: the error says why"
cmp -s "$bk" "$tmp/before/IMPPUB/own/tomcat.pem"
ok $? "other backup: the backup file is untouched"
tap_done

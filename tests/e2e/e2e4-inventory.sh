#!/bin/sh
# e2e4-inventory.sh: certregen discover and inventory (text and --json)
# print what vos-sim holds: nodes.json (names, addresses, products, roles,
# versions), the certificates in its state directory (serials read with
# openssl x509 -serial, self-signed or CA-signed) and the service states.
# Both publishers' `show network cluster` are asked and merged; the
# publishers' transcripts are named by node name.  The two publishers are
# asked at once.  Range 127.0.44.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/e2e/e2e4-lib.sh"

cat >"$tmp/cluster.conf" <<EOF
name = "e2e4-inv";
domain = "inv.lab";
time_factor = 0.002;
rsa_bits = 1024;
credentials = { user = "admin"; password = "$E2E4_PW"; methods = [ "password" ]; };
ports = { ssh = 2222; tomcat = 0; cup = 0; xmpp = 0; s2s = 0; };
nodes = (
  { name = "CUCMPUB"; ip = "127.0.44.1"; product = "cucm"; },
  { name = "CUCMSUB"; ip = "127.0.44.2"; product = "cucm"; version = "12.5.1.12900-115"; },
  { name = "IMPPUB"; ip = "127.0.44.3"; product = "imp"; },
  { name = "IMPSUB1"; ip = "127.0.44.4"; product = "imp"; ca_signed = [ "tomcat", "cup-xmpp" ];
    cli = { cert_dump = "openssl"; hardware = "warning"; }; },
  { name = "IMPSUB2"; ip = "127.0.44.5"; product = "imp"; version = "11.5.1.10000-6";
    validity = { tomcat = -3; }; cli = { ha_form = "B"; hardware = "none"; }; }
);
groups = ( { name = "DefaultCUPSubcluster"; nodes = [ "IMPPUB", "IMPSUB1" ]; ha = true; },
  { name = "Sub2"; nodes = [ "IMPSUB2" ]; ha = false; } );
EOF
sim_start "$tmp/cluster.conf" || { ok 1 "vos-sim starts"; tap_done; exit 1; }
sim_known_hosts "$tmp/known_hosts"
e2e4_site "$tmp/site.conf" 127.0.44.3 127.0.44.1

n0=$(e2e4_lines)
cr discover --json
is "$rc" 0 "discover --json exits 0"
[ "$rc" -eq 0 ] || echo "# $err"
printf '%s\n' "$out" >"$tmp/discover.json"
e2e4_compare discover "$SIM_STATE" "$tmp/discover.json"
is "$(tail -n "+$((n0 + 1))" "$SIM_STATE/events.jsonl" | grep '"ev":"cmd"' |
	grep -c '"line":"show network cluster"')" 2 \
	"discover asks both publishers for show network cluster"
has "$(tail -n "+$((n0 + 1))" "$SIM_STATE/events.jsonl" | grep '"ev":"cmd"' |
	grep '"line":"show network cluster"')" '"node":"CUCMPUB"' \
	"... the CUCM publisher too"
# Asked at once: the CUCM publisher's connection comes before the IM/P
# publisher's answer (asked one after the other, it came after it).
tail -n "+$((n0 + 1))" "$SIM_STATE/events.jsonl" >"$tmp/disc-ev"
c_conn=$(grep -n '"ev":"connect"' "$tmp/disc-ev" | grep '"node":"CUCMPUB"' |
	head -n 1 | cut -d: -f1)
i_show=$(grep -n '"line":"show network cluster"' "$tmp/disc-ev" |
	grep '"node":"IMPPUB"' | head -n 1 | cut -d: -f1)
ok "$([ -n "$c_conn" ] && [ -n "$i_show" ] && [ "$c_conn" -lt "$i_show" ]; echo $?)" \
	"discover opens both publishers' sessions at once (CUCMPUB connect line ${c_conn:-?} before IMPPUB's show network cluster line ${i_show:-?})"

cr discover
is "$rc" 0 "discover exits 0"
for nd in "CUCMPUB 127.0.44.1 CUCM publisher" "CUCMSUB 127.0.44.2 CUCM subscriber" \
    "IMPPUB 127.0.44.3 IM/P publisher" "IMPSUB1 127.0.44.4 IM/P subscriber" \
    "IMPSUB2 127.0.44.5 IM/P subscriber"; do
	set -- $nd
	line=$(printf '%s\n' "$out" | grep "^$1 ")
	got=$(printf '%s\n' "$line" | awk '{print $1, $2, $3, $4}')
	is "$got" "$*" "discover table: $*"
done
# The publishers' transcripts are named by node name, not by address.
td=$(ls -d "$tmp"/cr-log/transcripts/* | tail -n 1)
ls "$td" >"$tmp/tnames"
has "$(cat "$tmp/tnames")" "IMPPUB.log" "the IM/P publisher's transcript is IMPPUB.log"
has "$(cat "$tmp/tnames")" "CUCMPUB.log" "the CUCM publisher's transcript is CUCMPUB.log"
lacks "$(cat "$tmp/tnames")" "127.0.44" "no transcript named by address"
has "$(cat "$td/IMPPUB.log" 2>/dev/null)" "show network cluster" "IMPPUB.log holds the session"

cr inventory --json
is "$rc" 0 "inventory --json exits 0"
[ "$rc" -eq 0 ] || echo "# $err"
printf '%s\n' "$out" >"$tmp/inventory.json"
e2e4_compare inventory "$SIM_STATE" "$tmp/inventory.json"
"$PYTHON3" -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(d["ha_enabled"], d["sso_enabled"])' "$tmp/inventory.json" >"$tmp/ha" 2>&1
is "$(cat "$tmp/ha")" "True False" "inventory --json: HA on (DefaultCUPSubcluster), SSO off"
lacks "$err" "127.0.44" "inventory: no message names a node by its address"

cr inventory
is "$rc" 0 "inventory exits 0"
printf '%s\n' "$out" >"$tmp/inventory.txt"
e2e4_compare text "$SIM_STATE" "$tmp/inventory.txt"
has "$out" "IMPSUB2 (IM/P subscriber, 127.0.44.5) version 11.5.1.10000-6" "inventory text: node header"
tomcat2=$(printf '%s\n' "$out" | sed -n '/^IMPSUB2 /,/^$/p' | grep ' tomcat ')
has "$tomcat2" " -" "inventory text: the expired tomcat of IMPSUB2 shows negative days"
tomcat1=$(printf '%s\n' "$out" | sed -n '/^IMPSUB1 /,/^$/p' | grep ' tomcat ')
lacks "$tomcat1" "self" "inventory text: IMPSUB1's CA-signed tomcat is not self-signed"

# verify checks the nodes at once, yet reports them in the inventory's
# node order, each node's checks together, the ipsec-trust checks last;
# two runs give the same list (IMPSUB2's expired tomcat fails: exit 1).
cr verify --json
is "$rc" 1 "verify --json: exit 1 (IMPSUB2's tomcat has expired)"
printf '%s\n' "$out" >"$tmp/verify1.json"
cr verify --json
printf '%s\n' "$out" >"$tmp/verify2.json"
"$PYTHON3" -c 'import json,sys
inv = [n["name"] for n in json.load(open(sys.argv[1]))["nodes"]]
runs = [json.load(open(f))["verify"] for f in sys.argv[2:]]
c = runs[0]
key = lambda r: [(x["check"], x.get("node"), x.get("what"), x["ok"]) for x in r]
own = [x.get("node") for x in c if x["check"] != "ipsec-trust"]
trust = [i for i, x in enumerate(c) if x["check"] == "ipsec-trust"]
seen = []
for n in own:
    if not seen or seen[-1] != n:
        seen.append(n)
bad = []
if seen != [n for n in inv if n in seen]:
    bad.append("node order %s, inventory %s" % (seen, inv))
if set(seen) != set(inv):
    bad.append("nodes checked %s" % seen)
if trust != list(range(len(own), len(c))):
    bad.append("ipsec-trust checks not last")
tn = [c[i].get("node") for i in trust if c[i].get("node")]
if tn != [n for n in inv if n in tn] or len(tn) != len(inv) - 1:
    bad.append("ipsec-trust order %s" % tn)
if key(runs[0]) != key(runs[1]):
    bad.append("two runs differ")
print("; ".join(bad) or "ok")' "$tmp/inventory.json" "$tmp/verify1.json" \
	"$tmp/verify2.json" >"$tmp/vorder" 2>&1
is "$(cat "$tmp/vorder")" "ok" "verify --json: checks in node order, ipsec-trust last, the same in two runs"
cr verify
want=$("$PYTHON3" -c 'import json,sys
c = json.load(open(sys.argv[1]))["verify"]
print("%d checks, %d failed" % (len(c), sum(1 for x in c if not x["ok"])))' \
	"$tmp/verify1.json")
is "$(printf '%s\n' "$out" | tail -n 1)" "$want" "verify text: $want, as --json"
has "$(printf '%s\n' "$out" | grep '^FAIL ' | grep ' not-after ')" "IMPSUB2" \
	"verify text: IMPSUB2's tomcat fails not-after"
tap_done

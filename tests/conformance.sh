#!/bin/sh
# conformance.sh: tests/conformance against the hand-made event logs of
# tests/conformance-cases/ (one clean log per flow, one violating log per
# rule and more for the subtle ones) and against hostile input.
. "${top_srcdir:-.}/tests/lib.sh"

PY=${PYTHON3:-python3}
[ "$PY" != no ] && "$PY" -c 'import sys' 2>/dev/null || skip_all "no python3"
CONF="$top_srcdir/tests/conformance"
CASES="$top_srcdir/tests/conformance-cases"

check() { run "$PY" "$CONF" --quiet "$@"; }

# The rule ids in $out, sorted, unique, space-separated.
ids() {
	printf '%s\n' "$out" | sed -n 's/^BREACH \([a-z-]*\): .*/\1/p' |
		sort -u | tr '\n' ' ' | sed 's/ $//'
}
nbreach() { printf '%s\n' "$out" | grep -c '^BREACH ' ; }

# expect CASE 'RULE...' [OPTION...]: exit status and exactly these rule ids.
expect() {
	c=$1 want=$2
	shift 2
	check "$@" "$CASES/$c.jsonl"
	if [ -z "$want" ]; then
		is "$rc" 0 "$c $*: exit 0"
	else
		is "$rc" 1 "$c $*: exit 1"
	fi
	is "$(ids)" "$want" "$c $*: reports exactly: ${want:-nothing}"
}

ok "$([ -x "$CONF" ]; echo $?)" "tests/conformance is executable"

# ---------------------------------------------------------------- the cases
# They are written by gen.py: a stale copy would test something else.
mkdir "$tmp/gen"
"$PY" "$CASES/gen.py" "$tmp/gen"
ok $? "gen.py runs"
stale=0
for f in "$CASES"/*.jsonl "$tmp/gen"/*.jsonl; do
	b=$(basename "$f")
	cmp -s "$CASES/$b" "$tmp/gen/$b" || { stale=1; echo "# stale: $b"; }
done
ok $stale "the checked-in cases are what gen.py writes"

# Clean runs.
expect clean-regen ""
has "$(cat "$CASES/clean-regen.jsonl")" '"ev":"ha","group":"DefaultCUPSubcluster","value":false,"by":"axl"' \
	"clean-regen turns HA off (and the checker saw it)"
expect clean-regen-per-unit ""
expect clean-prune ""
expect clean-prune-cup ""
expect clean-ca-skip ""
expect clean-stuck-retry ""
expect clean-sim-restart ""
expect clean-four-imp ""
# The trust spread (docs/simulator.md): a regen puts the new certificate
# where the old one was on every node it reaches; restarts restate it.
expect clean-sim-restart-spread ""
is "$(grep -c '"restart":true' "$CASES/clean-sim-restart-spread.jsonl")" 2 \
	"clean-sim-restart-spread: two simulator restarts"
has "$(grep '"ev":"state","node":"IMPSUB2"' "$CASES/clean-sim-restart-spread.jsonl" | tail -n 1)" \
	'"ipsec-trust":["CUCMPUB_2a217f.pem","CUCMPUB_4c7d01.pem","IMPSUB2_71d4cc.pem"]' \
	"clean-sim-restart-spread: an IM/P ipsec reaches its own node only (and the CUCM publisher)"
expect regen-scope-spread "regen-scope"
is "$(nbreach)" 2 "regen-scope-spread: the two regens, no state-mismatch"
has "$(grep '"ev":"state","node":"IMPSUB2"' "$CASES/regen-scope-spread.jsonl" | tail -n 1)" \
	'"ipsec-trust":["CUCMPUB_4c7d01.pem","CUCMPUB_71e010.pem","IMPSUB2_71d4cc.pem"]' \
	"regen-scope-spread: the CUCM publisher's new ipsec replaced its old one everywhere"
run "$PY" "$CONF" "$CASES/clean-regen.jsonl"
has "$out" "clean-regen.jsonl: clean (" "summary line without --quiet"
run "$PY" "$CONF" --quiet "$CASES/clean-regen.jsonl"
is "$out" "" "--quiet: nothing on stdout when clean"

# Rule 1.
expect regen-order "regen-order"
has "$out" "IMPSUB1 regenerated cup (t=1650) before the IM/P publisher IMPPUB (t=3250)" \
	"regen-order names node, unit and both times"
expect regen-order-no-pub "regen-order" --allow-partial
is "$(nbreach)" 2 "regen-order-no-pub: both subscribers reported"
has "$out" "(not at all in this round)" "regen-order-no-pub: says the publisher is missing"
expect regen-order-no-pub "regen-incomplete regen-order"

# Rule 2.
expect restart-early "restart-early"
has "$out" "Cisco Tomcat restarted on IMPPUB (t=25250) before every IM/P node had the new tomcat certificate: IMPSUB1 regenerated it later (t=27150)" \
	"restart-early names the restart and the later regen"
is "$(nbreach)" 1 "restart-early: one breach"
expect restart-early-shared "restart-early"
has "$out" "XCP Router restarted on IMPPUB (t=8050) before every IM/P node had the new cup-xmpp-s2s" \
	"restart-early-shared: XCP Router serves cup-xmpp-s2s too"
expect restart-early-rounds "restart-early"
has "$out" "IMPSUB2 regenerated it later (t=16850)" \
	"restart-early-rounds: a node regenerated only in the next round"

# Rule 3.
expect restart-order-pub "restart-order"
has "$out" "Cisco Tomcat restarted on IMPSUB1 (t=49250) before the IM/P publisher IMPPUB (t=53350)" \
	"restart-order-pub names both restarts"
expect restart-order-services "restart-order"
is "$(nbreach)" 3 "restart-order-services: each late SIP Proxy restart"
has "$out" "Cisco SIP Proxy restarted on IMPPUB (t=29550) after Cisco Presence Engine on IMPPUB (t=25650)" \
	"restart-order-services names both services"
expect restart-order-drf "restart-order"
has "$out" "Cisco DRF Master restarted on CUCMPUB (t=45150) after Cisco DRF Local on IMPPUB (t=41250)" \
	"restart-order-drf: DRF Local before DRF Master"
expect restart-order-xmpp "restart-order"
has "$out" "Cisco XCP Router restarted on IMPSUB2 (t=37350) after Cisco XCP XMPP Federation Connection Manager" \
	"restart-order-xmpp: XMPP Federation CM before XCP Router"

# Rule 4.
expect ha-enabled "ha-enabled"
is "$(nbreach)" 12 "ha-enabled: every restart on the two HA nodes"
lacks "$out" "IMPSUB2" "ha-enabled: not the node of the group without HA"
expect ha-enabled-one-group "ha-enabled"
is "$(nbreach)" 12 "ha-enabled-one-group: every restart in the group left on"
lacks "$out" "group DefaultCUPSubcluster" "ha-enabled-one-group: not the group turned off"
expect ha-enabled-early-restore "ha-enabled"
has "$out" "Cisco Tomcat restart on IMPSUB1 (typed t=49650, done t=53650) while HA was enabled on group DefaultCUPSubcluster (ha t=49550)" \
	"ha-enabled-early-restore names the restart and the HA change"
is "$(nbreach)" 1 "ha-enabled-early-restore: only the restart after it"
expect ha-enabled-during-cmd "ha-enabled"
has "$out" "(typed t=24150, done t=25670)" \
	"ha-enabled-during-cmd: HA went off while the restart ran"
expect ha-not-restored "ha-not-restored"

# Rule 5.
expect regen-ca-signed "regen-ca-signed"
has "$out" "IMPSUB2 regenerated its CA-signed tomcat certificate (serial 2a5bf9) at t=24050" \
	"regen-ca-signed names node, unit, serial and time"
expect regen-scope-cucm "regen-scope"
expect regen-scope-unit "regen-scope"

# Rule 6.
expect delete-identity "delete-identity"
has "$out" "identity certificate cup/cup.pem deleted on IMPSUB1 (t=14250)" \
	"delete-identity names the file"
is "$(nbreach)" 1 "delete-identity: reported once (command line and event)"
expect delete-identity-refused "delete-identity"
has "$out" "attempt to delete identity certificate cup/cup.pem on IMPSUB1 (cmd t=" \
	"delete-identity-refused: the attempt is seen in the command line"
expect delete-pub-ipsec "delete-pub-ipsec"
has "$out" "IMPSUB1 deleted ipsec-trust/CUCMPUB_2a217f.pem (t=16950)" \
	"delete-pub-ipsec: matched by the serial in the file name"
expect delete-pub-ipsec-cn "delete-pub-ipsec"
has "$out" "IMPSUB2 deleted ipsec-trust/CUCMPUB.pem" \
	"delete-pub-ipsec-cn: matched by the CN"

# Rule 7.
expect left-stopped-monitor "service-left-stopped"
has "$out" "Cisco Intercluster Sync Agent on IMPSUB1 was STARTED in the opening and is STOPPED at the end (last action stop at t=5550)" \
	"left-stopped-monitor: the monitor never started again"
expect left-stopped-stuck "service-left-stopped"
has "$out" "Cisco Tomcat on IMPSUB2 was STARTED in the opening and is STARTING at the end" \
	"left-stopped-stuck: a stuck STARTING service"
expect left-stopped-failed-start "service-left-stopped"
expect left-stopped-was-stopped "service-left-stopped"
has "$out" "Cisco XCP Connection Manager stopped on IMPSUB2 (t=14650) and never started again" \
	"left-stopped-was-stopped: a stop with no start"

# Rule 8.
expect trust-monitors "trust-monitors"
is "$(nbreach)" 1 "trust-monitors: one breach per deletion"
has "$out" "cup-trust/old-ca.pem deleted on IMPPUB (t=1250) before these were stopped: Cisco Certificate Expiry Monitor on IMPPUB STARTED" \
	"trust-monitors names the deletion and the running monitors"
expect trust-monitors-cucm "trust-monitors"
has "$out" "Cisco Certificate Change Notification on CUCMSUB1 STARTED" \
	"trust-monitors-cucm: CUCM monitors for tomcat-trust"

# Rule 9.
expect regen-incomplete "regen-incomplete"
has "$out" "tomcat regenerated on IMPPUB (t=1650), IMPSUB1 (t=3250) but never on IMPSUB2" \
	"regen-incomplete names the missing node"
expect regen-incomplete "" --allow-partial
expect restart-missing "restart-missing"
has "$out" "Cisco Tomcat never restarted on IMPSUB2 after IMPSUB2 regenerated tomcat (t=24050)" \
	"restart-missing names service, node and cause"
expect restart-missing "" --allow-partial
expect restart-missing-s2s "restart-missing"
expect restart-missing-trust "restart-missing"
is "$(nbreach)" 6 "restart-missing-trust: SIP Proxy and Presence Engine on 3 nodes"

# The log contradicting itself.
expect state-mismatch-restart "state-mismatch"
expect state-mismatch-serial "state-mismatch"
has "$out" "old_serial badc0de, but its serial was 2a4a6e" "state-mismatch-serial"
expect state-mismatch-spread "state-mismatch"
is "$(nbreach)" 2 "state-mismatch-spread: the two lists that do not follow the spread"
has "$out" "after the simulator restart (t=29050) IMPSUB2 trust tomcat-trust holds [IMPPUB_2a3cc9.pem] and lacks [IMPPUB_71d79d.pem], unlike the log before" \
	"state-mismatch-spread: the old certificate kept, the new one missing"
has "$out" "CUCMSUB1 trust CallManager-trust lacks [IMPSUB1_71b8a2.pem]" \
	"state-mismatch-spread: a certificate the spread put there"

# ---------------------------------------------------------------- output
run "$PY" "$CONF" "$CASES/restart-missing.jsonl"
has "$out" "conformance: $CASES/restart-missing.jsonl: 1 breach (restart-missing 1)" \
	"summary line counts the breaches"
run "$PY" "$CONF" --json "$CASES/restart-early.jsonl"
is "$rc" 1 "--json: exit 1 on breaches"
j=$(printf '%s' "$out" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
b = d["breaches"][0]
print(d["result"], d["exit"], len(d["breaches"]), b["rule"], b["t"], b["lines"], b["nodes"])')
is "$j" "breaches 1 1 restart-early [25250, 27150] [52, 56] ['IMPPUB', 'IMPSUB1']" \
	"--json: rule, times, lines and nodes"
run "$PY" "$CONF" --json "$CASES/clean-prune.jsonl"
j=$(printf '%s' "$out" | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(d["result"], d["breaches"])')
is "$j" "clean []" "--json: clean"
run "$PY" "$CONF" --list-rules
is "$rc" 0 "--list-rules: exit 0"
missing=""
for r in $(printf '%s\n' "$out" | awk '{print $1}'); do
	grep -q "\`$r\`" "$top_srcdir/docs/conformance.md" || missing="$missing $r"
done
is "$missing" "" "every rule id is documented in docs/conformance.md"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 14 "14 rule ids"
run "$PY" "$CONF"
is "$rc" 3 "no file: usage exit 3"
run "$PY" "$CONF" --bogus x.jsonl
is "$rc" 3 "unknown option: exit 3"
has "$err" "unknown option '--bogus'" "names the option"
run "$PY" "$CONF" "$tmp/nonexistent.jsonl"
is "$rc" 2 "unreadable file: exit 2"
has "$err" "cannot read" "says it cannot read"

# ---------------------------------------------------------------- hostile
CLEAN="$CASES/clean-regen.jsonl"
head -n 8 "$CLEAN" >"$tmp/opening"    # cluster, 5 states, 2 ha

# malformed FILE 'message' DESCRIPTION: exit 2 and the message on stderr.
malformed() {
	check "$1"
	is "$rc" 2 "$3: exit 2"
	has "$err" "$2" "$3: says where and what"
}

: >"$tmp/empty"
malformed "$tmp/empty" "empty:1: empty log" "empty file"
head -c -30 "$CLEAN" >"$tmp/trunc"
n=$(wc -l <"$tmp/trunc" | tr -d ' ')
malformed "$tmp/trunc" "trunc:$((n + 1)): truncated last line" "truncated last line"
{ head -n 20 "$CLEAN"; echo 'hello world'; tail -n +21 "$CLEAN"; } >"$tmp/nonjson"
malformed "$tmp/nonjson" "nonjson:21: not JSON" "a non-JSON line"
{ cat "$tmp/opening"; printf '{"t":9,"ev":"cmd","node":"IMPPUB","line":"x\000y"}\n'; } >"$tmp/nul"
malformed "$tmp/nul" "nul:9: NUL byte at column" "a NUL byte"
{ cat "$tmp/opening"; printf '{"t":9,"ev":"x\377"}\n'; } >"$tmp/utf8"
malformed "$tmp/utf8" "utf8:9: not UTF-8" "invalid UTF-8"
tail -n +2 "$CLEAN" >"$tmp/noopen"
malformed "$tmp/noopen" "noopen:1: the log must open with a 'cluster' event" "missing opening"
{ head -n 1 "$CLEAN"; sed -n 20p "$CLEAN"; } >"$tmp/early"
malformed "$tmp/early" "early:2: opening incomplete" "an event before the opening is complete"
head -n 3 "$CLEAN" >"$tmp/short"
malformed "$tmp/short" "short:3: log ends inside the opening" "log ends inside the opening"
{ cat "$tmp/opening"; echo '{"t":9,"ev":"regen","node":"NOPE","unit":"tomcat","old_serial":"1","new_serial":"2"}'; } >"$tmp/unknode"
malformed "$tmp/unknode" "unknode:9: regen event: unknown node 'NOPE'" "unknown node"
{ cat "$tmp/opening"; echo '{"t":9,"ev":"svc","node":"IMPPUB","service":"Cisco Tomcat","action":"restart"}'; } >"$tmp/nofield"
malformed "$tmp/nofield" "nofield:9: svc event: missing field 'state'" "missing field"
{ cat "$tmp/opening"; echo '{"ev":"cmd","node":"IMPPUB","line":"x"}'; } >"$tmp/not"
malformed "$tmp/not" "not:9: missing field 't'" "missing t"
{ cat "$tmp/opening"; echo '{"t":"9","ev":"cmd"}'; } >"$tmp/badt"
malformed "$tmp/badt" "badt:9: field 't' must be a non-negative integer" "t not an integer"
{ head -n 30 "$CLEAN"; echo '{"t":5,"ev":"cmd","node":"IMPPUB","line":"x"}'; } >"$tmp/back"
malformed "$tmp/back" "back:31: t goes back in time" "t going back"
{ cat "$tmp/opening"; echo '[1,2]'; } >"$tmp/array"
malformed "$tmp/array" "array:9: not a JSON object" "not an object"
{ cat "$tmp/opening"; echo '{"t":9,"t":10,"ev":"cmd"}'; } >"$tmp/dupkey"
malformed "$tmp/dupkey" "dupkey:9: not a valid event: duplicate key 't'" "duplicate key"
{ cat "$tmp/opening"; echo '{"t":9,"ev":"cmd","node":"IMPPUB","line":NaN}'; } >"$tmp/nan"
malformed "$tmp/nan" "nan:9: not JSON" "NaN"
{ cat "$tmp/opening"; "$PY" -c "print('[' * 100000 + ']' * 100000)"; } >"$tmp/deep"
malformed "$tmp/deep" "deep:9: JSON nested too deeply" "deep nesting"
{ cat "$tmp/opening"; echo; } >"$tmp/blank"
malformed "$tmp/blank" "blank:9: empty line" "an empty line"
{ cat "$tmp/opening"; sed -n 2p "$CLEAN"; } >"$tmp/state"
malformed "$tmp/state" "state:9: state event outside an opening" "a state event outside an opening"
{ cat "$tmp/opening"; head -n 1 "$CLEAN"; } >"$tmp/reopen"
malformed "$tmp/reopen" "reopen:9: a second opening without" "a second opening without restart"
{ cat "$tmp/opening"; head -n 1 "$CLEAN" | sed 's/"sso":false/"sso":false,"restart":true/; s/"IMPSUB2"/"IMPSUB9"/g'; } >"$tmp/other"
malformed "$tmp/other" "other:9: restart opening describes a different cluster" "a restart opening of another cluster"
sed '1s/"imp_publisher":true/"imp_publisher":false/' "$CLEAN" >"$tmp/nopub"
malformed "$tmp/nopub" "nopub:1: cluster event: node 'IMPPUB': imp_publisher contradicts" "contradictory publisher flag"
# A node name holding a terminal escape, used consistently: checked, and
# shown escaped.
sed 's/"IMPSUB2"/"IMP\\u001b[2JSUB2"/g' "$CASES/restart-missing.jsonl" >"$tmp/esc"
check "$tmp/esc"
is "$rc" 1 "escape in a node name: checked as any name"
has "$out" 'Cisco Tomcat never restarted on IMP\x1b[2JSUB2' "the name is shown escaped"
lacks "$out" "$(printf '\033')" "no raw escape reaches the terminal"

# 10 MB lines: one valid (an unknown kind, ignored), one junk.
"$PY" -c "print('{\"t\":0,\"ev\":\"blob\",\"x\":\"' + 'a' * 10000000 + '\"}')" >"$tmp/blob"
{ head -n 1 "$CLEAN"; cat "$tmp/blob"; tail -n +2 "$CLEAN"; } >"$tmp/big"
check "$tmp/big"
is "$rc" 0 "a 10 MB line of an unknown event: ignored, clean"
{ cat "$tmp/opening"; head -c 10000000 /dev/zero | tr '\0' 'x'; echo; } >"$tmp/bigjunk"
check "$tmp/bigjunk"
is "$rc" 2 "a 10 MB junk line: exit 2"
has "$err" "bigjunk:9: not JSON" "a 10 MB junk line: named by its line"
is "$(printf '%s' "$err" | wc -c | tr -d ' ')" "$(printf '%s' "$err" | head -c 300 | wc -c | tr -d ' ')" \
	"a 10 MB junk line: the message stays short"

# Newer event fields (docs/events.md): svc begin/result, svc-state,
# trust-delete reached/serial/cn, action-error.  Old logs stay valid (every
# case above has none of them).
expect v2-clean-regen ""
expect v2-clean-prune ""
expect v2-clean-settle ""
has "$(cat "$CASES/v2-clean-settle.jsonl")" '"ev":"svc-state","node":"IMPSUB2","service":"Cisco Tomcat","state":"STARTED"' \
	"v2-clean-settle: the service settles on its own"
expect v2-left-stopped-no-settle "service-left-stopped"
has "$out" "Cisco Tomcat on IMPSUB2 was STARTED in the opening and is STARTING" \
	"v2-left-stopped-no-settle: a settle that never came"
expect v2-ha-enabled-begin "ha-enabled"
has "$out" "Cisco SIP Proxy restart on IMPPUB (begun t=" \
	"v2-ha-enabled-begin: the action began at 'begin' (no command line)"
expect v2-delete-pub-ipsec-serial "delete-pub-ipsec"
has "$out" "IMPSUB2 deleted ipsec-trust/drs-peer.pem" \
	"v2-delete-pub-ipsec-serial: matched by the event's serial"
expect v2-delete-identity-refused "delete-identity"
has "$out" "(refused by the node)" "v2-delete-identity-refused: the refusal is named"
is "$(nbreach)" 1 "v2-delete-identity-refused: reported once"
expect v2-restart-missing-reached "restart-missing"
has "$out" "Cisco SIP Proxy never restarted on IMPSUB1 after cup-trust/old-ca.pem" \
	"v2-restart-missing-reached: the nodes come from 'reached'"
V2="$CASES/v2-clean-regen.jsonl"
sed '0,/"ev":"svc",/s/"begin":\([0-9]*\)/"begin":99999999/' "$V2" >"$tmp/begin"
n=$(grep -n '"begin":99999999' "$tmp/begin" | head -n 1 | cut -d: -f1)
malformed "$tmp/begin" "begin:$n: svc event: 'begin' 99999999 is after its t" "svc begin after its t"
sed '0,/"ev":"svc",/s/"begin":[0-9]*/"begin":"soon"/' "$V2" >"$tmp/begin2"
malformed "$tmp/begin2" "svc event: field 'begin' must be a non-negative integer" "svc begin not a number"
sed 's/"reached":\["IMPPUB"/"reached":["NOPE"/' "$CASES/v2-clean-prune.jsonl" >"$tmp/reached"
malformed "$tmp/reached" "trust-delete event: 'reached' holds an unknown node 'NOPE'" "reached with an unknown node"
{ head -n 1 "$CLEAN"; tail -n +2 "$CLEAN" | sed '0,/"ev":"cmd"/s/^\({"t":[0-9]*,\)"ev":"cmd".*/&\n\1"ev":"action-error","node":"IMPPUB","action":"regen","unit":"x","result":"maybe"}/'; } >"$tmp/aerr"
malformed "$tmp/aerr" "action-error event: field 'result' must be one of refused/declined/failed" "action-error with a bad result"

# Unknown event kinds, and unknown fields, are ignored.
{ head -n 1 "$CLEAN"; echo '{"t":0,"ev":"future-thing","node":"NOPE"}';
  tail -n +2 "$CLEAN" | sed 's/"ev":"regen",/"ev":"regen","extra":{"a":[1]},/'; } >"$tmp/unknown"
check "$tmp/unknown"
is "$rc" 0 "unknown event kinds and fields: ignored"

tap_done

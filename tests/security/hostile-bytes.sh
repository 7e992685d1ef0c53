#!/bin/sh
# Hostile remote output, the bytes: a huge line (1 MiB, or 8 MiB on every
# command, without a newline) and NUL bytes inside the lines of the
# listings certregen reads, on one node (IMPSUB1), through the simulator's
# huge-line and nul-bytes faults (docs/simulator.md).  For each case:
# inventory, plan, regen --yes, prune-trust --yes, check and
# cli IMPSUB1 'show cert list trust' neither crash nor hang, stay in
# bounded memory (max RSS), print no control byte but LF and TAB, type
# nothing outside certregen's command forms; the node's listing cannot be
# read, so it is refused with a message naming the node and the command,
# and, a cluster being changed whole or not at all, nothing is changed
# anywhere: no regen, no service action, no trust deleted, HA untouched
# (the event log), and the conformance checker is clean.  Range
# 127.0.137.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/security/sec-lib.sh"
command -v timeout >/dev/null 2>&1 || skip_all "no timeout(1)"
N=127.0.137
# Expired trust certificates, so that prune-trust has work on every node.
TRUST='expired_trust = (
  { nodes = "*"; unit = "tomcat-trust"; cn = "old-tomcat"; days_ago = 40; },
  { nodes = [ "IMPPUB", "IMPSUB1" ]; unit = "cup-trust"; cn = "old-cup"; days_ago = 40; }
);'
# Max RSS of one certregen run, KiB: 64 MiB; a sanitizer build has its
# shadow memory on top.
RSS_MAX=${SEC_RSS_MAX:-65536}
if nm "$CERTREGEN" 2>/dev/null | grep -q '__asan_init'; then
	RSS_MAX=${SEC_RSS_MAX:-262144}
fi
# A run is bounded by the site's own timeouts (20 s a command); timeout(1)
# only turns a hang into a failure instead of a stuck test.
LIMIT=300

# run LABEL ARGS...: certregen ARGS, then what holds for every run: no
# crash, no hang, bounded memory, clean streams.
run_cr() {
	_l=$1
	shift
	sec_timed "$LIMIT" "$@"
	ok $((rc >= 124)) "$_l: no crash, no hang (exit $rc)"
	[ "$rc" -lt 124 ] || tail -n 5 "$tmp/cr.err" | sed 's/^/#   /'
	if [ -n "$rss" ]; then
		ok $((rss >= RSS_MAX)) "$_l: max RSS ${rss} KiB < $RSS_MAX KiB"
	fi
	is "$(sec_ctl "$tmp/cr.out")" "" "$_l: no control byte on stdout"
	is "$(sec_ctl "$tmp/cr.err")" "" "$_l: no control byte on stderr"
}

# start FAULT: a fresh simulator whose IMPSUB1 has FAULT (one group).
start() {
	sim_stop
	rm -rf "$tmp/state" "$tmp/state.log" "$tmp/cr"
	sec_cluster $N "$TRUST
faults = ( $1 );"
	sec_site $N
	sim_start "$tmp/cluster.conf" "$tmp/state"
}

# The event log after a case: nothing changed, only certregen's forms.
nothing_changed() {  # nothing_changed LABEL
	ev=$(cat "$tmp/state/events.jsonl")
	has "$ev" '"ev":"fault","node":"IMPSUB1"' "$1: the fault fired"
	lacks "$ev" '"ev":"regen"' "$1: nothing regenerated"
	lacks "$ev" '"ev":"svc"' "$1: no service touched"
	lacks "$ev" '"ev":"trust-delete"' "$1: no trust certificate deleted"
	lacks "$ev" '"by":"axl"' "$1: High Availability untouched"
}

events_sane() {  # events_sane LABEL
	sec_cmdcheck "$tmp/state/events.jsonl" >"$tmp/cmds"
	# The cli command types what it is given: its line is allowed.
	is "$(grep '^BAD' "$tmp/cmds")" "" \
		"$1: no command line outside certregen's forms"
	"$PYTHON3" "$top_srcdir/tests/conformance" \
		"$tmp/state/events.jsonl" >"$tmp/conf" 2>&1
	_c=$?
	ok $_c "$1: conformance clean"
	[ $_c -eq 0 ] || sed 's/^/#   /' "$tmp/conf" | head -n 10
	kill -0 "$SIM_PID" 2>/dev/null
	ok $? "$1: the simulator is still running"
}

# bytes_case LABEL FAULT COMMAND CHECK-EXIT [CHECK-COMMAND]: IMPSUB1's
# COMMAND cannot be read; check exits CHECK-EXIT (3, UNKNOWN, when a
# certificate listing is lost; 0 when only the service list is: check
# reads no services) and names CHECK-COMMAND (check reads no version).
bytes_case() {
	_lab=$1
	_cmd=$3
	start "$2" || { ok 1 "$_lab: vos-sim starts"; return; }
	run_cr "$_lab: inventory" inventory
	is "$rc" 1 "$_lab: inventory fails"
	inv_err=$err
	has "$err" "IMPSUB1: $_cmd: " "$_lab: inventory names the node and the command"
	run_cr "$_lab: plan" plan
	has "$out" "IMPSUB1: unreachable: IMPSUB1: $_cmd: " \
		"$_lab: plan skips the node, saying why"
	run_cr "$_lab: regen --yes" regen --yes
	is "$rc" 3 "$_lab: regen --yes refused"
	has "$err" "refused: IMPSUB1 " "$_lab: regen names the refused node"
	has "$err" "IMPSUB1: $_cmd: " "$_lab: regen names the command"
	run_cr "$_lab: prune-trust --yes" prune-trust --yes
	is "$rc" 3 "$_lab: prune-trust --yes refused"
	has "$err" "IMPSUB1: $_cmd: " "$_lab: prune-trust names the node and the command"
	run_cr "$_lab: check" check
	is "$rc" "$4" "$_lab: check exits $4"
	if [ "$4" -ne 0 ]; then
		has "$out" "IMPSUB1: unreachable: IMPSUB1: ${5:-$_cmd}: " \
			"$_lab: check names the node and the command"
	fi
	run_cr "$_lab: cli" cli IMPSUB1 'show cert list trust'
	is "$rc" 0 "$_lab: cli shows what the node printed (exit 0)"
	nothing_changed "$_lab"
	events_sane "$_lab"
}

# (a) 1 MiB without a newline before `show cert list own|trust`.
bytes_case "huge cert list" \
	'{ kind = "huge-line"; node = "IMPSUB1"; prefix = "show cert list"; }' \
	"show cert list own" 3
has "$inv_err" "line longer than 8192 bytes" "huge cert list: the reason is the long line"
# (b) the same before `utils service list`.
bytes_case "huge service list" \
	'{ kind = "huge-line"; node = "IMPSUB1"; prefix = "utils service list"; }' \
	"utils service list" 0
# (c) 8 MiB before the output of every command of the node.
bytes_case "huge everywhere" \
	'{ kind = "huge-line"; node = "IMPSUB1"; bytes = 8388608; }' \
	"show version active" 3 "show cert list own"
ok $(($(wc -c <"$tmp/cr.out") < 8388608)) \
	"huge everywhere: cli got the 8 MiB line through ($(wc -c <"$tmp/cr.out") bytes)"
# (d) a NUL inside every line of `show cert list own|trust`.
bytes_case "NUL cert list" \
	'{ kind = "nul-bytes"; node = "IMPSUB1"; prefix = "show cert list"; }' \
	"show cert list own" 3
has "$inv_err" "NUL byte" "NUL cert list: the reason is the NUL bytes"
has "$out" "cup-trust/old-cup_" "NUL cert list: cli shows the listing (NULs dropped)"
# (e) a NUL inside every line of `utils service list`.
bytes_case "NUL service list" \
	'{ kind = "nul-bytes"; node = "IMPSUB1"; prefix = "utils service list"; }' \
	"utils service list" 0

# (a') only `show cert list trust` is huge: regen reads every trust
# listing before it starts (its verification ends with the ipsec-trust
# check), so the node that cannot be read stops it before anything
# changes.
start '{ kind = "huge-line"; node = "IMPSUB1"; prefix = "show cert list trust"; }' ||
	{ ok 1 "huge trust list: vos-sim starts"; tap_done; exit 1; }
run_cr "huge trust list: prune-trust --yes" prune-trust --yes
is "$rc" 3 "huge trust list: prune-trust --yes refused"
has "$err" "IMPSUB1: show cert list trust: " \
	"huge trust list: prune-trust names the node and the command"
run_cr "huge trust list: regen --yes" regen --yes
ok $((rc != 3)) "huge trust list: regen --yes refused before any change (exit $rc)"
has "$err" "IMPSUB1: show cert list trust: " \
	"huge trust list: regen names the node and the command"
ev=$(cat "$tmp/state/events.jsonl")
case "$ev" in *'"ev":"regen"'*) c=1 ;; *) c=0 ;; esac
ok $c "huge trust list: nothing regenerated"
lacks "$ev" '"ev":"trust-delete"' "huge trust list: no trust certificate deleted"
sec_cmdcheck "$tmp/state/events.jsonl" >"$tmp/cmds"
is "$(grep '^BAD' "$tmp/cmds")" "" \
	"huge trust list: no command line outside certregen's forms"
tap_done

#!/bin/sh
# Hostile remote output: trust certificate file names (from the CN of the
# seeded expired certificates) and service names and reasons with spaces,
# quotes, `;`, `$(...)`, backquotes, newlines, CR, ESC sequences and C1
# controls.  They must never be typed into the CLI (every `cmd` event is
# one of certregen's command forms with a safe argument) and never reach
# the terminal unescaped (no control byte but LF and TAB in certregen's
# stdout/stderr, for every command, `cli` included).  Range 127.0.134.x.
#
# Huge lines and NUL bytes in CLI output are tests/security/hostile-bytes.sh's.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/security/sec-lib.sh"
N=127.0.134
HOSTILE_SERVICES='services = (
      { name = "Evil\x1b[2J; utils system restart"; state = "STARTED"; },
      { name = "Cisco Evil\nutils system shutdown"; state = "STARTED"; },
      { name = "Cisco Reason"; state = "STARTED"; reason = "Component\x1b]0;pwned\x07 is $(reboot) `id`; \x9b31m"; }
    );'
HOSTILE_TRUST='expired_trust = (
  { nodes = "*"; unit = "tomcat-trust"; cn = "evil name; utils system restart"; days_ago = 40; },
  { nodes = "*"; unit = "tomcat-trust"; cn = "q\"uo'"'"'te $(reboot) `id`"; serial_in_name = false; days_ago = 40; },
  { nodes = [ "IMPPUB", "IMPSUB1" ]; unit = "cup-trust"; cn = "new\nline; utils system shutdown"; days_ago = 40; },
  { nodes = [ "IMPPUB", "IMPSUB1" ]; unit = "cup-trust"; cn = "esc\x1b[2J\x1b[31mred\rcr"; days_ago = 40; },
  { nodes = [ "IMPPUB", "IMPSUB1" ]; unit = "cup-xmpp-trust"; cn = "bell\x07tab\tdel\x7f"; serial_in_name = false; days_ago = 40; },
  { nodes = "*"; unit = "tomcat-trust"; cn = "plain-expired"; days_ago = 40; }
);'

# each CMD...: run certregen CMD, keep its streams as $tmp/out.$i, err.$i
i=0
each() {
	i=$((i + 1))
	case "$1" in
	cli) sec_cr cli "$2" "$3" ;;
	*) sec_cr "$@" ;;
	esac
	cp "$tmp/cr.out" "$tmp/out.$i"
	cp "$tmp/cr.err" "$tmp/err.$i"
}

streams_clean() {  # streams_clean LABEL
	is "$(sec_ctl "$tmp/out.$i")" "" "$1: no control byte on stdout"
	is "$(sec_ctl "$tmp/err.$i")" "" "$1: no control byte on stderr"
}

# ---------------------------------------------- hostile trust file names
sec_cluster $N "$HOSTILE_TRUST"
sec_site $N
sim_start "$tmp/cluster.conf" "$tmp/state" ||
	{ ok 1 "vos-sim starts (hostile names)"; tap_done; exit 1; }
ls "$tmp/state/nodes/IMPPUB/trust/tomcat-trust" | grep -q 'evil name'
ok $? "the simulator seeded the hostile trust entries"

for c in "discover" "inventory" "plan --prune-trust" "prune-trust --yes" \
    "regen --yes" "verify" "status" "-v -v inventory"; do
	# shellcheck disable=SC2086
	each $c
	case "$c" in
	verify | status | plan*) ;;
	*) is "$rc" 0 "$c: exit 0"
	   [ "$rc" -eq 0 ] || sed 's/^/#   /' "$tmp/err.$i" | tail -n 5 ;;
	esac
	streams_clean "$c"
	[ "$c" = "inventory" ] && inv=$i
done
kill -0 "$SIM_PID" 2>/dev/null
c=$?
ok $c "the simulator is still running"
[ $c -eq 0 ] || { tail -n 30 "$tmp/state.log"; tail -n 5 "$tmp/state/events.jsonl"; } | sed 's/^/#   /'
has "$(cat "$tmp"/err.*)" "lines skipped" "the hostile lines are reported as skipped"
for c in "show cert list trust" "utils service list"; do
	each cli IMPPUB "$c"
	is "$rc" 0 "cli '$c': exit 0"
	streams_clean "cli '$c'"
done
each cli IMPPUB "show cert list trust"
has "$(cat "$tmp/out.$i" "$tmp/err.$i")" "evil name" "cli shows the hostile name (escaped)"

# Every command line typed is one of certregen's forms with a safe argument.
# The `cli` command types what the user gives it; only certregen's own
# runs are checked: the log up to the first cli command.
sec_cmdcheck "$tmp/state/events.jsonl" >"$tmp/cmds"
ncmd=$(sed -n 's/^cmds //p' "$tmp/cmds")
ok $((ncmd < 50)) "the event log holds the commands ($ncmd)"
is "$(grep '^BAD' "$tmp/cmds" | grep -v "'show cert list trust'\|'utils service list'")" "" \
	"no command line outside certregen's forms (no injection)"
lacks "$(cat "$tmp/state/events.jsonl")" '"line":"utils system' "nothing typed a utils system command"

"$PYTHON3" "$top_srcdir/tests/conformance" "$tmp/state/events.jsonl" >"$tmp/conf" 2>&1
c=$?
ok $c "conformance clean"
[ $c -eq 0 ] && : || sed 's/^/#   /' "$tmp/conf" | head -n 10
# The plain expired certificate went; the hostile ones were left alone.
ls "$tmp/state/nodes/IMPPUB/trust/tomcat-trust" | grep -q 'plain-expired'
ok $((! $?)) "the plain expired trust certificate was deleted"
ls "$tmp/state/nodes/IMPPUB/trust/tomcat-trust" | grep -q 'evil name'
ok $? "the hostile trust entries were left alone"

# ---------------------------------------------- hostile service lines
# `utils service list` with hostile names and reasons: the node's
# inventory is refused (fail closed), nothing is changed, nothing leaks.
sim_stop
SEC_IMPPUB_EXTRA=$HOSTILE_SERVICES
sec_cluster $N
rm -rf "$tmp/state" "$tmp/state.log" "$tmp/cr"
sec_site $N
sim_start "$tmp/cluster.conf" "$tmp/state" ||
	{ ok 1 "vos-sim starts (hostile services)"; tap_done; exit 1; }
for c in "inventory" "regen --yes" "prune-trust --yes"; do
	# shellcheck disable=SC2086
	each $c
	case "$c" in
	prune*) ;;  # needs no service list of IMPPUB's own services
	*) ok $((rc == 0)) "hostile services: $c refused (exit $rc)" ;;
	esac
	streams_clean "hostile services: $c"
done
has "$(cat "$tmp/err.$i")" "service name not in" "hostile services: the rejected line is named"
each cli IMPPUB "utils service list"
is "$rc" 0 "hostile services: cli 'utils service list': exit 0"
streams_clean "hostile services: cli 'utils service list'"
ev=$(cat "$tmp/state/events.jsonl")
lacks "$ev" '"ev":"regen"' "hostile services: nothing regenerated"
lacks "$ev" '"ev":"svc"' "hostile services: no service touched"
lacks "$ev" '"line":"utils system' "hostile services: nothing typed a utils system command"
tap_done

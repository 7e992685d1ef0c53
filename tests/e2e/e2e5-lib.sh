# e2e5-lib.sh: shell functions of the issue 5 end-to-end tests; sourced
# after tests/lib.sh and tests/sim/sim-lib.sh.
#
#   e5_cluster NAME NET [- [IMPSUB1]]
#                           write $tmp/cluster.conf: CUCMPUB NET.11, IMPPUB
#                           .13, IMPSUB1 .14 (IMPSUB1 settings appended to
#                           its node), HA group G1 on, password auth, no
#                           federation; with "-", more top-level settings
#                           from stdin (faults, expired_trust, delays...)
#   e5_site NET [AXL]       write $tmp/site.conf for the cluster on NET.x
#                           (CUCMPUB .11, IMPPUB .13, IMPSUB1 .14 ...);
#                           AXL 0 leaves the axl group out; E5_SITE_EXTRA
#                           is appended (settings of the top level)
#   e5_fresh                a new simulator on $tmp/cluster.conf with a
#                           fresh state ($tmp/state) and a fresh certregen
#                           state ($tmp/cr)
#   e5_cr ARGS...           run certregen -c $tmp/site.conf ARGS (stdin
#                           /dev/null): $out, $err, $rc
#   e5_cr_bg ARGS...        the same in the background: $cr_pid
#   e5_conform [OPTS]       the conformance checker on the event log:
#                           $conf_out, status 0 when clean
#   e5_check CMD ARGS...    tests/e2e/e2e5-check.py
#   e5_final LABEL REGENS   after a finished run: exit 0, conformance clean,
#                           the regens exactly REGENS ("NODE UNIT 1" lines),
#                           every service STARTED as at the opening, HA as
#                           at the opening, no run pending
#   e5_unchanged LABEL      nothing in the event log changed the cluster
#   e5_settle               wait (30 s at most) until every session the
#                           simulator accepted has ended: after kill -9 it
#                           still finishes a command it had begun
E5_CHECK="$top_srcdir/tests/e2e/e2e5-check.py"
CONFORMANCE="$top_srcdir/tests/conformance"
E5_PW=${E5_PW:-e2e5-password}
E5_AXL_PW=${E5_AXL_PW:-e2e5-axl-password}
export E5_PW E5_AXL_PW
E5_SITE_EXTRA=${E5_SITE_EXTRA:-}

e5_cluster() {
	{
		cat <<EOF
name = "$1";
time_factor = 0.005;
rsa_bits = 1024;
credentials = { user = "admin"; password = "$E5_PW"; methods = [ "password" ]; };
axl = { user = "axladmin"; password = "$E5_AXL_PW"; };
federation = { sip = false; xmpp = false; };
ports = { ssh = 2222; };
nodes = (
  { name = "CUCMPUB"; ip = "$2.11"; product = "cucm"; },
  { name = "IMPPUB"; ip = "$2.13"; product = "imp"; },
  { name = "IMPSUB1"; ip = "$2.14"; product = "imp"; ${4:-} }
);
groups = ( { name = "G1"; nodes = [ "IMPPUB", "IMPSUB1" ]; ha = true; } );
EOF
		if [ "${3:-}" = - ]; then
			cat
		fi
	} >"$tmp/cluster.conf"
}

e5_settle() {
	_n=0
	while [ "$(grep -c '"ev":"connect"' "$tmp/state/events.jsonl")" -gt \
	    "$(grep -c '"ev":"disconnect"' "$tmp/state/events.jsonl")" ] &&
	    [ $_n -lt 300 ]; do
		sleep 0.1
		_n=$((_n + 1))
	done
}

e5_site() {
	_e5net=$1
	_e5axl=${2:-1}
	{
		cat <<EOF
name = "e2e5";
publishers = { imp = "$_e5net.13"; cucm = "$_e5net.11"; };
ssh = { port = 2222; host_key_policy = "accept-new"; connect_timeout = 5;
        login_timeout = 20; command_timeout = 20; };
credentials = { user = "admin"; password_env = "E5_PW"; };
services = { default_timeout = 10; poll_interval = 1; };
paths = { state_dir = "cr/state"; log_dir = "cr/log"; };
EOF
		if [ "$_e5axl" = 1 ]; then
			cat <<EOF
axl = { url = "https://$_e5net.11:8443/axl/"; user = "axladmin";
        password_env = "E5_AXL_PW";
        pin_file = "state/nodes/CUCMPUB/own/tomcat.pem"; version = "14.0";
        timeout = 10; };
EOF
		fi
		case "$E5_SITE_EXTRA" in
		*maintenance*) ;;
		*) echo 'maintenance = { windows = [ "always" ]; };' ;;
		esac
		printf '%s\n' "$E5_SITE_EXTRA"
	} >"$tmp/site.conf"
}

e5_fresh() {
	sim_stop
	rm -rf "$tmp/state" "$tmp/state.log" "$tmp/cr"
	mkdir -p "$tmp/cr"
	sim_start "$tmp/cluster.conf" "$tmp/state"
}

e5_cr() {
	run "$CERTREGEN" -c "$tmp/site.conf" "$@" </dev/null
}

e5_cr_bg() {
	"$CERTREGEN" -c "$tmp/site.conf" "$@" </dev/null >"$tmp/bg.out" \
		2>"$tmp/bg.err" &
	cr_pid=$!
}

e5_conform() {
	conf_out=$("$PYTHON3" "$CONFORMANCE" "$@" "$tmp/state/events.jsonl" 2>&1)
}

e5_check() {
	"$PYTHON3" "$E5_CHECK" "$@"
}

# e5_diag: the tail of the last run's messages, as TAP comments.
e5_diag() {
	printf '%s\n' "${err:-}" | tail -n "${1:-15}" | sed 's/^/#   /'
}

e5_final() {
	_e5label=$1
	_e5want=$2
	is "$rc" 0 "$_e5label: the run finishes (exit 0)"
	[ "$rc" -eq 0 ] || e5_diag
	e5_conform
	_e5c=$?
	ok $_e5c "$_e5label: conformance clean"
	[ $_e5c -eq 0 ] || printf '%s\n' "$conf_out" | sed 's/^/#   /'
	is "$(e5_check regens "$tmp/state/events.jsonl")" "$_e5want" \
		"$_e5label: every certificate regenerated exactly once"
	is "$(e5_check started "$tmp/state")" "" \
		"$_e5label: every service STARTED at the end"
	is "$(e5_check ha "$tmp/state")" "" "$_e5label: HA as it was"
	_e5st=$("$CERTREGEN" -c "$tmp/site.conf" status 2>&1)
	has "$_e5st" "No run in progress" "$_e5label: no run pending"
}

e5_unchanged() {
	is "$(e5_check changes "$tmp/state/events.jsonl")" "" \
		"$1: nothing changed on the cluster"
}

# e5_mutating_keys: the mutating step keys of the finished run's plan.
e5_mutating_keys() {
	"$PYTHON3" -c 'import json,sys,glob
r = json.loads(open(sorted(glob.glob(sys.argv[1] + "/runs/*.jsonl"))[0]).readline())
print("\n".join(s["key"] for s in r["plan"] if s["mutating"]))' "$tmp/cr/state"
}

# Where e5_kill_at kills (see e2e5-kill.sh).
E5_RX_CMD='"ev":"cmd".*"line":"(set cert (regen|delete)|utils service (restart|stop|start) )|"ev":"ha".*"by":"axl"'
E5_RX_EFFECT='"ev":"(regen|svc|trust-delete)"|"ev":"ha".*"by":"axl"'

# e5_kill_at MODE N WANT COMMAND ARGS...: on a fresh cluster, run certregen
# COMMAND, kill -9 it at the Nth mutating step (MODE journal, cmd or
# effect), run the same command again and check the end (e5_final with
# WANT regens; then the function named by E5_AFTER, if any, with a label).
e5_kill_at() {
	_e5_mode=$1
	_e5_n=$2
	_e5_w=$3
	shift 3
	_e5_l="$_e5_mode $_e5_n"
	e5_fresh || { ok 1 "$_e5_l: vos-sim starts"; return; }
	_e5_ev="$tmp/state/events.jsonl"
	_e5_off=$(wc -c <"$_e5_ev")
	e5_cr_bg "$@" --yes
	case $_e5_mode in
	journal) _e5_k=$(e5_check kill-journal "$tmp/cr/state/journal.jsonl" \
		"$_e5_n" "$cr_pid" 60) ;;
	cmd) _e5_k=$(e5_check kill-event "$_e5_ev" "$_e5_off" "$E5_RX_CMD" "$_e5_n" \
		"$cr_pid" 60) ;;
	effect) _e5_k=$(e5_check kill-event "$_e5_ev" "$_e5_off" "$E5_RX_EFFECT" \
		"$_e5_n" "$cr_pid" 60) ;;
	esac
	_e5_krc=$?
	wait "$cr_pid"
	_e5_brc=$?
	_e5_k=$(printf '%s' "$_e5_k" | sed 's/.*"line":"\([^"]*\)".*/\1/;
		s/^{.*"ev":"\([a-z-]*\)","node":"\([^"]*\)".*/\1 event on \2/;
		s/^{.*"ev":"ha".*"value":\([a-z]*\).*/ha event \1/')
	if [ "$_e5_krc" -ne 0 ] || [ "$_e5_brc" -ne 137 ]; then
		ok 1 "$_e5_l: certregen killed (watcher $_e5_krc, exit $_e5_brc)"
		sed 's/^/#   /' "$tmp/bg.err" | tail -n 10
	else
		ok 0 "$_e5_l: certregen killed at $_e5_k"
	fi
	_e5_st=$("$CERTREGEN" -c "$tmp/site.conf" status 2>&1)
	has "$_e5_st" "An interrupted $1 run is pending" "$_e5_l: status shows the pending run"
	e5_cr "$@" --yes
	has "$err" "resuming the interrupted $1 run" "$_e5_l: the rerun resumes"
	e5_final "$_e5_l" "$_e5_w"
	if [ -n "${E5_AFTER:-}" ]; then
		$E5_AFTER "$_e5_l"
	fi
}

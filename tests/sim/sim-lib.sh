# sim-lib.sh: shell functions for tests that need a running vos-sim.
# Source it after tests/lib.sh:
#
#   . "$top_srcdir/tests/lib.sh"; . "$top_srcdir/tests/sim/sim-lib.sh"
#   sim_start "$tmp/cluster.conf" || exit 99   # state in $tmp/state
#   ... $SIM_STATE/nodes.json, sim_ssh NODE, sim_pty SCRIPT NODE ...
#   sim_stop                                   # also done by the EXIT trap
#
# Each test file uses its own 127.0.N.x range (see tests/sim/sim.am).
: "${top_builddir:=$top_srcdir}"
VOS_SIM="$top_builddir/tests/sim/vos-sim"
SIM_PTY="$top_srcdir/tests/sim/sim-pty.py"
: "${PYTHON3:=python3}"
: "${SIM_READY_TIMEOUT:=60}"
SIM_PID=""
SIM_STATE=""

[ -x "$VOS_SIM" ] || skip_all "vos-sim is not built"
command -v ssh >/dev/null 2>&1 || skip_all "no ssh client"

# sim_start CLUSTER [STATE]: start vos-sim, wait for STATE/ready (bounded
# by SIM_READY_TIMEOUT seconds); 0 when ready.  Its stderr goes to
# STATE.log.  Sets SIM_PID and SIM_STATE.
sim_start() {
	SIM_STATE=${2:-$tmp/state}
	mkdir -p "$SIM_STATE"
	rm -f "$SIM_STATE/ready"
	"$VOS_SIM" --cluster "$1" --state "$SIM_STATE" \
		>>"$SIM_STATE.log" 2>&1 &
	SIM_PID=$!
	sim_wait_file "$SIM_STATE/ready" "$SIM_READY_TIMEOUT" && return 0
	echo "# vos-sim did not get ready:"
	sed 's/^/#   /' "$SIM_STATE.log"
	sim_stop
	return 1
}

# sim_wait_file FILE SECONDS: 0 once FILE exists, 1 on timeout or when the
# simulator died.
sim_wait_file() {
	_n=$(($2 * 10))
	while [ "$_n" -gt 0 ]; do
		[ -e "$1" ] && return 0
		if [ -n "$SIM_PID" ] && ! kill -0 "$SIM_PID" 2>/dev/null; then
			return 1
		fi
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# sim_stop: SIGTERM, wait up to 10 s (then SIGKILL); the exit status of
# vos-sim, 137 when it had to be killed.
sim_stop() {
	[ -n "$SIM_PID" ] || return 0
	kill -TERM "$SIM_PID" 2>/dev/null
	_n=100
	while [ "$_n" -gt 0 ] && kill -0 "$SIM_PID" 2>/dev/null; do
		sleep 0.1
		_n=$((_n - 1))
	done
	if kill -0 "$SIM_PID" 2>/dev/null; then
		kill -KILL "$SIM_PID" 2>/dev/null
		wait "$SIM_PID" 2>/dev/null
		SIM_PID=""
		return 137
	fi
	wait "$SIM_PID"
	_rc=$?
	SIM_PID=""
	if [ "$_rc" -ne 0 ]; then
		echo "# vos-sim exited $_rc; its log:"
		sed 's/^/#   /' "$SIM_STATE.log" | tail -n 60
	fi
	return $_rc
}

trap 'sim_stop; rm -rf "$tmp"' EXIT

# sim_field NODE KEY: a field of nodes.json ("ip", "ssh_port", ...).
sim_field() {
	"$PYTHON3" -c 'import json,sys
for n in json.load(open(sys.argv[1])):
    if n["name"] == sys.argv[2]:
        v = n
        for k in sys.argv[3].split("."):
            v = v[k]
        print(v)' "$SIM_STATE/nodes.json" "$1" "$2"
}

# sim_known_hosts FILE: an OpenSSH known_hosts for every node.
sim_known_hosts() {
	"$PYTHON3" -c 'import json,sys
for n in json.load(open(sys.argv[1])):
    print("[%s]:%d %s" % (n["ip"], n["ssh_port"], n["host_key"]))' \
		"$SIM_STATE/nodes.json" >"$1"
}

# sim_ssh_args NODE [SSH OPTIONS...]: the ssh command line for NODE (strict
# host key checking against the simulator's keys).
sim_ssh_args() {
	_node=$1
	shift
	sim_known_hosts "$tmp/known_hosts"
	echo ssh -F /dev/null -o UserKnownHostsFile="$tmp/known_hosts" \
		-o StrictHostKeyChecking=yes -o BatchMode=no \
		-o ConnectTimeout=5 -o NumberOfPasswordPrompts=1 "$@" \
		-p "$(sim_field "$_node" ssh_port)" \
		"$(sim_field "$_node" user)@$(sim_field "$_node" ip)"
}

# sim_pty SCRIPT LOG NODE [SSH OPTIONS...]: run ssh to NODE through a PTY
# driven by SCRIPT (see sim-pty.py); the transcript goes to LOG.
sim_pty() {
	_script=$1
	_log=$2
	shift 2
	# shellcheck disable=SC2046
	"$PYTHON3" "$SIM_PTY" --rows "${SIM_ROWS:-50}" --cols 200 \
		--log "$_log" "$_script" -- $(sim_ssh_args "$@")
}

# sim_login_steps PASSWORD: the first steps of a script: password, banner, prompt.
sim_login_steps() {
	printf 'expect assword:\nsend %s\\r\nexpect admin:\n' "$1"
}

# sim_events EV: the events of kind EV, one JSON line each.
sim_events() {
	grep "\"ev\":\"$1\"" "$SIM_STATE/events.jsonl" || true
}

# sim_hup: make vos-sim re-read STATE/faults.conf; waits for its event.
sim_hup() {
	_before=$(grep -c '"ev":"faults"' "$SIM_STATE/events.jsonl")
	kill -HUP "$SIM_PID"
	_n=50
	while [ "$_n" -gt 0 ]; do
		[ "$(grep -c '"ev":"faults"' "$SIM_STATE/events.jsonl")" -gt \
			"$_before" ] && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# sim_serial_served IP PORT [starttls]: the serial (lower-case hex) of the
# certificate served there, or "" when nothing answers.
sim_serial_served() {
	if [ -n "${3:-}" ]; then
		_st="-starttls $3"
	else
		_st=""
	fi
	# shellcheck disable=SC2086
	openssl s_client -connect "$1:$2" $_st -showcerts </dev/null \
		2>/dev/null | openssl x509 -noout -serial 2>/dev/null |
		sed 's/^serial=//' | tr 'A-F' 'a-f' | sed 's/^0*//'
}

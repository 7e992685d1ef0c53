# e2e4-lib.sh: shared set-up of the issue 4 end-to-end tests; sourced after
# tests/lib.sh and tests/sim/sim-lib.sh.  Each test writes its own cluster
# file on its own 127.0.4N.x range, starts vos-sim with sim_start, then runs
# the real src/certregen against it with a site file written here.
#
#   e2e4_site FILE IMP CUCM [EXTRA]   a site file; EXTRA is appended
#   cr ARGS...                        certregen -c $tmp/site.conf ARGS
#                                     (out, err, rc; CR_SITE overrides)
#   e2e4_last_auth NODE               "method result" of NODE's last auth
#   e2e4_faults TEXT                  write faults.conf and SIGHUP vos-sim

[ -x "$CERTREGEN" ] || skip_all "certregen is not built"

E2E4_PW='e2e4 pass;word'
export E2E4_PW
# The dialogs of the source tree, whatever is installed.
CERTREGEN_DIALOG_DIR="$top_srcdir/expect"
export CERTREGEN_DIALOG_DIR

e2e4_site() {
	cat >"$1" <<EOF
name = "e2e4";
publishers = { imp = "$2"; ${3:+cucm = \"$3\";} };
ssh = {
  port = 2222;
  known_hosts = "$tmp/known_hosts";
  host_key_policy = "strict";
  connect_timeout = 5;
  login_timeout = 20;
  command_timeout = 10;
};
credentials = { user = "admin"; password_env = "E2E4_PW"; };
maintenance = { windows = [ "always" ]; };
services = { default_timeout = 20; poll_interval = 1; };
paths = { state_dir = "$tmp/cr-state"; log_dir = "$tmp/cr-log"; };
${4:-}
EOF
}

CR_SITE=""
cr() {
	_t0=$(date +%s.%N)
	run "$CERTREGEN" -c "${CR_SITE:-$tmp/site.conf}" "$@"
	case "$err" in
	*Sanitizer*|*"runtime error"*)
		ok 1 "certregen $*: no sanitizer report"
		printf '%s\n' "$err" | sed 's/^/#   /' | head -n 30 ;;
	esac
	echo "# certregen $1 ${2:-}: exit $rc in $(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $_t0 }") s"
}

# "method result" of the last non-probe auth event of a node ("" if none).
e2e4_last_auth() {
	"$PYTHON3" -c 'import json,sys
last = ""
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e["ev"] == "auth" and e["node"] == sys.argv[2] and e["method"] != "none":
        last = "%s %s" % (e["method"], e["result"])
print(last)' "$SIM_STATE/events.jsonl" "$1"
}

# The number of events of kind EV for NODE after line N of events.jsonl.
e2e4_count_after() {
	tail -n "+$(($3 + 1))" "$SIM_STATE/events.jsonl" |
		grep "\"ev\":\"$1\"" | grep -c "\"node\":\"$2\"" || true
}

e2e4_lines() {
	wc -l <"$SIM_STATE/events.jsonl" | tr -d ' '
}

e2e4_faults() {
	printf 'faults = (\n%s\n);\n' "$1" >"$SIM_STATE/faults.conf"
	sim_hup
}

# The serial of a PEM certificate as certregen prints it: lower-case hex,
# no leading zeros.
e2e4_serial() {
	openssl x509 -noout -serial -in "$1" | sed 's/^serial=//' |
		tr 'A-F' 'a-f' | sed 's/^0*//'
}

# e2e4_compare MODE ARGS...: run e2e4-compare.py and count its lines as tests.
e2e4_compare() {
	"$PYTHON3" "$top_srcdir/tests/e2e/e2e4-compare.py" "$@" \
		>"$tmp/compare.out" 2>&1 || echo "not ok - e2e4-compare.py $1 failed" >>"$tmp/compare.out"
	while IFS= read -r _l; do
		case "$_l" in
		"ok - "*) ok 0 "${_l#ok - }" ;;
		"not ok - "*) ok 1 "${_l#not ok - }" ;;
		*) echo "$_l" ;;
		esac
	done <"$tmp/compare.out"
}

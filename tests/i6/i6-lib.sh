# i6-lib.sh: shell functions of the issue 6 tests (renew, lock, hooks,
# check, logs); sourced after tests/lib.sh and tests/sim/sim-lib.sh.
#
#   i6_cluster NET          write $tmp/cluster.conf: CUCMPUB .11, IMPPUB
#                           .13, IMPSUB1 .14 on NET; I6_IMPPUB and
#                           I6_IMPSUB1 are added to those nodes' groups
#                           (e.g. 'validity = { tomcat = 10; };')
#   i6_site NET             write $tmp/site.conf (no HA, no axl);
#                           I6_SITE_EXTRA is appended
#   i6_fresh                a fresh simulator and certregen state; the
#                           known_hosts made from the simulator's keys
#   i6_cr ARGS...           certregen -c $tmp/site.conf ARGS </dev/null:
#                           $out, $err, $rc
#   i6_regens               "NODE UNIT COUNT" per regenerated (node, unit)
#   i6_changes              the events that changed the cluster
#   i6_conform              the conformance checker: 0 when clean
I6_PW=${I6_PW:-i6-password}
export I6_PW
I6_SITE_EXTRA=${I6_SITE_EXTRA:-}
I6_IMPPUB=${I6_IMPPUB:-}
I6_IMPSUB1=${I6_IMPSUB1:-}
CONFORMANCE="$top_srcdir/tests/conformance"

i6_cluster() {
	cat >"$tmp/cluster.conf" <<EOF
name = "i6";
time_factor = 0.003;
rsa_bits = 1024;
credentials = { user = "admin"; password = "$I6_PW"; methods = [ "password" ]; };
federation = { sip = false; xmpp = false; };
ports = { ssh = 2222; };
nodes = (
  { name = "CUCMPUB"; ip = "$1.11"; product = "cucm"; },
  { name = "IMPPUB"; ip = "$1.13"; product = "imp"; $I6_IMPPUB },
  { name = "IMPSUB1"; ip = "$1.14"; product = "imp"; $I6_IMPSUB1 }
);
groups = ( { name = "G1"; nodes = [ "IMPPUB", "IMPSUB1" ]; ha = false; } );
EOF
}

i6_site() {
	{
		cat <<EOF
name = "i6";
publishers = { imp = "$1.13"; cucm = "$1.11"; };
ssh = { port = 2222; known_hosts = "known_hosts"; connect_timeout = 5;
        login_timeout = 20; command_timeout = 20; };
credentials = { user = "admin"; password_env = "I6_PW"; };
services = { default_timeout = 10; poll_interval = 1; };
paths = { state_dir = "cr/state"; log_dir = "cr/log"; };
EOF
		case "$I6_SITE_EXTRA" in
		*maintenance*) ;;
		*) echo 'maintenance = { windows = [ "always" ]; };' ;;
		esac
		printf '%s\n' "$I6_SITE_EXTRA"
	} >"$tmp/site.conf"
}

i6_fresh() {
	sim_stop
	rm -rf "$tmp/state" "$tmp/state.log" "$tmp/cr"
	mkdir -p "$tmp/cr"
	sim_start "$tmp/cluster.conf" "$tmp/state" || return 1
	sim_known_hosts "$tmp/known_hosts"
}

i6_cr() {
	run "$CERTREGEN" -c "$tmp/site.conf" "$@" </dev/null
}

i6_events() {
	"$PYTHON3" - "$tmp/state/events.jsonl" "$1" <<'PY'
import json, re, sys
MUT = re.compile(r"^\s*(set\s+cert\s+(regen|delete)|utils\s+service\s+(restart|stop|start))", re.I)
n = {}
for line in open(sys.argv[1]):
    e = json.loads(line)
    ev = e.get("ev")
    if sys.argv[2] == "regens":
        if ev == "regen":
            k = (e["node"], e["unit"])
            n[k] = n.get(k, 0) + 1
    elif ev in ("regen", "svc", "trust-delete") or \
            (ev == "ha" and "by" in e) or \
            (ev == "cmd" and MUT.match(e.get("line", ""))):
        print(json.dumps(e, sort_keys=True))
for (node, unit), c in sorted(n.items()):
    print("%s %s %d" % (node, unit, c))
PY
}

i6_regens() { i6_events regens; }
i6_changes() { i6_events changes; }

i6_conform() {
	conf_out=$("$PYTHON3" "$CONFORMANCE" "$tmp/state/events.jsonl" 2>&1)
}

i6_diag() {
	printf '%s\n' "${err:-}" | tail -n "${1:-15}" | sed 's/^/#   /'
}

# sec-lib.sh: shell functions of the security tests (tests/security/*.sh);
# sourced after tests/lib.sh and tests/sim/sim-lib.sh.  Each test file uses
# its own 127.0.13N.x (see tests/i7.am).
#
#   sec_cluster NET [EXTRA]  $tmp/cluster.conf: CUCMPUB .11, CUCMSUB .12,
#                            IMPPUB .13, IMPSUB1 .14; HA on; EXTRA appended
#   sec_site NET [EXTRA]     $tmp/site.conf: password from $tmp/pw (0600),
#                            AXL password from $SEC_AXL_ENV; EXTRA appended
#   sec_cr ARGS...           certregen -c $tmp/site.conf ARGS: $out $err $rc;
#                            the raw bytes in $tmp/cr.out and $tmp/cr.err
#   sec_nevents              lines in the event log now
#   sec_events_after N       the event log's lines after line N
#   sec_ctl FILE             the control bytes of FILE but LF and TAB (C1
#                            in UTF-8 included); empty when clean
#   sec_cmdcheck EVENTS      "BAD NODE 'LINE'" for each `cmd` line outside
#                            certregen's command forms, then "cmds N"
#   sec_timed LIMIT ARGS...  sec_cr under timeout(1) LIMIT s and
#                            /usr/bin/time: also $rss (max RSS in KiB;
#                            empty without /usr/bin/time)
#   sec_todo COND DESC       ok as a TAP TODO (a known bug: not counted)
SEC_PW='S3cr3t-pw-7f1c9e'
SEC_AXL_PW='AxL-s3cret-42d8b0'
SEC_AXL_ENV=SEC_AXL_SECRET
SEC_AXL_SECRET="$SEC_AXL_PW"
export SEC_AXL_SECRET

sec_cluster() {
	_n=$1
	{
		printf '%s\n' \
		    'name = "sec";' 'domain = "sec.lab";' 'time_factor = 0.003;' \
		    'rsa_bits = 1024;' \
		    "credentials = { user = \"admin\"; password = \"$SEC_PW\"; };" \
		    "axl = { user = \"axladmin\"; password = \"$SEC_AXL_PW\"; };" \
		    'federation = { sip = false; xmpp = true; };' \
		    'ports = { ssh = 2222; tomcat = 8443; cup = 5062; xmpp = 5222; s2s = 5269; };' \
		    'nodes = (' \
		    "  { name = \"CUCMPUB\"; ip = \"$_n.11\"; product = \"cucm\"; cucm_role = \"publisher\"; db_role = \"publisher\"; }," \
		    "  { name = \"CUCMSUB\"; ip = \"$_n.12\"; product = \"cucm\"; cucm_role = \"subscriber\"; db_role = \"subscriber\"; }," \
		    "  { name = \"IMPPUB\"; ip = \"$_n.13\"; product = \"imp\"; db_role = \"publisher\"; ${SEC_IMPPUB_EXTRA:-} }," \
		    "  { name = \"IMPSUB1\"; ip = \"$_n.14\"; product = \"imp\"; db_role = \"subscriber\"; }" \
		    ');' \
		    'groups = ( { name = "DefaultCUPSubcluster"; nodes = [ "IMPPUB", "IMPSUB1" ]; ha = true; } );'
		printf '%s\n' "${2:-}"
	} >"$tmp/cluster.conf"
}

sec_site() {
	_n=$1
	printf '%s\n' "$SEC_PW" >"$tmp/pw"
	chmod 600 "$tmp/pw"
	mkdir -p "$tmp/cr"
	{
		printf '%s\n' \
		    'name = "sec";' \
		    "publishers = { imp = \"$_n.13\"; cucm = \"$_n.11\"; };" \
		    'ssh = { port = 2222; host_key_policy = "accept-new"; connect_timeout = 5;' \
		    '        login_timeout = 20; command_timeout = 20; };' \
		    'credentials = { user = "admin"; password_file = "pw"; };' \
		    'maintenance = { windows = [ "always" ]; };' \
		    'services = { default_timeout = 20; poll_interval = 1; };' \
		    'paths = { state_dir = "cr/state"; log_dir = "cr/log"; };' \
		    "axl = { url = \"https://$_n.11:8443/axl/\"; user = \"axladmin\";" \
		    "        password_env = \"$SEC_AXL_ENV\";" \
		    '        pin_file = "state/nodes/CUCMPUB/own/tomcat.pem"; version = "14.0";' \
		    '        timeout = 10; };'
		printf '%s\n' "${2:-}"
	} >"$tmp/site.conf"
}

sec_cr() {
	"$CERTREGEN" -c "$tmp/site.conf" "$@" </dev/null >"$tmp/cr.out" \
		2>"$tmp/cr.err"
	rc=$?
	out=$(cat "$tmp/cr.out")
	err=$(cat "$tmp/cr.err")
}

sec_nevents() {
	wc -l <"$SIM_STATE/events.jsonl" | tr -d ' '
}

sec_events_after() {
	tail -n +"$(($1 + 1))" "$SIM_STATE/events.jsonl"
}

sec_ctl() {
	"$PYTHON3" - "$1" <<'PY'
import re, sys
b = open(sys.argv[1], "rb").read()
bad = set(re.findall(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]", b))
print(" ".join(sorted(repr(x) for x in bad)))
PY
}

sec_cmdcheck() {
	"$PYTHON3" - "$1" <<'PY'
import json, re, sys
forms = [r"set cli pagination off", r"show network cluster",
         r"show version active", r"show cert list (own|trust)",
         r"show cert (own|trust) [A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*",
         r"set cert regen [A-Za-z0-9][A-Za-z0-9-]*",
         r"set cert delete [A-Za-z0-9][A-Za-z0-9-]*-trust [A-Za-z0-9][A-Za-z0-9._-]*",
         r"utils service list",
         r"utils service (restart|stop|start) [A-Za-z0-9][A-Za-z0-9._-]*( [A-Za-z0-9._-]+)*",
         r"utils (ha|sso) status", r"exit", r"(yes|y|no|n|q)", r""]
rx = re.compile("^(%s)$" % "|".join(forms))
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    e = json.loads(line)
    if e.get("ev") != "cmd":
        continue
    n += 1
    if not rx.match(e["line"]):
        print("BAD %s %r" % (e["node"], e["line"]))
print("cmds %d" % n)
PY
}

sec_timed() {
	_lim=$1
	shift
	rm -f "$tmp/rss"
	if [ -x /usr/bin/time ]; then
		timeout "$_lim" /usr/bin/time -f %M -o "$tmp/rss" \
		    "$CERTREGEN" -c "$tmp/site.conf" "$@" </dev/null \
		    >"$tmp/cr.out" 2>"$tmp/cr.err"
	else
		timeout "$_lim" "$CERTREGEN" -c "$tmp/site.conf" "$@" \
		    </dev/null >"$tmp/cr.out" 2>"$tmp/cr.err"
	fi
	rc=$?
	rss=$(tail -n 1 "$tmp/rss" 2>/dev/null | grep -x '[0-9][0-9]*')
	out=$(cat "$tmp/cr.out")
	err=$(cat "$tmp/cr.err")
}

sec_todo() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2 # TODO known bug"
	else
		echo "not ok $tap_n - $2 # TODO known bug"
	fi
}

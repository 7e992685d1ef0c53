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

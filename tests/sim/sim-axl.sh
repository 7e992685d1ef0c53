#!/bin/sh
# HA: AXL get/updatePresenceRedundancyGroup on the CUCM publisher with curl
# (SOAP envelopes, faults for bad auth and unknown groups), `utils ha
# status`, and the TechNote 217304 behaviour: a restart with HA on sticks
# in STARTING.  Range 127.0.24.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
command -v curl >/dev/null 2>&1 || skip_all "no curl"

cat >"$tmp/cluster.conf" <<'CONF'
name = "axl";
time_factor = 0.005;
rsa_bits = 1024;
credentials = { user = "admin"; password = "pw-axl"; methods = [ "password" ]; };
axl = { user = "axluser"; password = "axl-secret"; };
ports = { ssh = 2222; };
nodes = (
  { name = "CUCMPUB"; ip = "127.0.24.11"; product = "cucm"; },
  { name = "IMPPUB"; ip = "127.0.24.13"; product = "imp"; },
  { name = "IMPSUB1"; ip = "127.0.24.14"; product = "imp"; version = "11.5.1.10000-6"; }
);
groups = ( { name = "DefaultCUPSubcluster"; nodes = [ "IMPPUB", "IMPSUB1" ]; ha = true; } );
CONF
sim_start "$tmp/cluster.conf" || { ok 1 "vos-sim starts"; tap_done; exit 1; }

axl() {  # axl USER:PASS OPERATION BODY: prints "HTTP-CODE" then the body
	curl -sk -o "$tmp/axl.out" -w '%{http_code}' -u "$1" \
		-H 'Content-Type: text/xml' \
		-H "SOAPAction: \"CUCM:DB ver=14.0 $2\"" \
		--data-binary "<?xml version=\"1.0\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:ns=\"http://www.cisco.com/AXL/API/14.0\"><soapenv:Header/><soapenv:Body><ns:$2>$3</ns:$2></soapenv:Body></soapenv:Envelope>" \
		https://127.0.24.11:8443/axl/
	echo
	cat "$tmp/axl.out"
}

r=$(axl axluser:axl-secret getPresenceRedundancyGroup '<name>DefaultCUPSubcluster</name>')
has "$r" "200" "get: HTTP 200"
has "$r" '<ns:getPresenceRedundancyGroupResponse xmlns:ns="http://www.cisco.com/AXL/API/14.0"><return><presenceRedundancyGroup uuid="{' \
	"get: axlapi response with <return>"
has "$r" "<server1>IMPPUB</server1><server2>IMPSUB1</server2><haEnabled>true</haEnabled>" \
	"get: servers and haEnabled"

r=$(axl axluser:wrong getPresenceRedundancyGroup '<name>DefaultCUPSubcluster</name>')
has "$r" "401" "bad password: HTTP 401"
has "$r" "<soapenv:Fault><faultcode>soapenv:Client</faultcode>" "bad password: SOAP fault"

r=$(axl axluser:axl-secret getPresenceRedundancyGroup '<name>NoSuchGroup</name>')
has "$r" "500" "unknown group: HTTP 500"
has "$r" "<axlcode>5007</axlcode>" "unknown group: AXL error 5007"

# HA on: a restart on an IM/P node sticks in STARTING.
{
	sim_login_steps pw-axl
	cat <<'S'
send utils ha status\r
expect Presence Redundancy Group: DefaultCUPSubcluster\r\n
expect \tName: IMPPUB\tState: Normal\tReason: Normal\r\n
send utils service restart Cisco Presence Engine\r
expect Cisco Presence Engine\[STOPPING\]
expect Cisco Presence Engine\[STARTING\]\r\nCisco Presence Engine\[STARTING\]\r\nadmin:
send set cli pagination off\r
expect admin:
send utils service list\r
expect Cisco Presence Engine\[STARTING\]\r\n
expect admin:
send utils ha status\r
expect Name: IMPPUB\tState: Failed Over with Critical Services not Running
send exit\r
eof
S
} >"$tmp/s1"
sim_pty "$tmp/s1" "$tmp/log1" IMPPUB -o PreferredAuthentications=password
ok $? "HA on: restart ends after [STARTING]; list shows STARTING"
lacks "$(cat "$tmp/log1")" "Cisco Presence Engine[STARTED]" "no [STARTED] with HA on"
has "$(sim_events svc)" '"service":"Cisco Presence Engine","action":"restart","state":"STARTING"' \
	"svc event: stuck in STARTING"

r=$(axl axluser:axl-secret updatePresenceRedundancyGroup '<name>DefaultCUPSubcluster</name><haEnabled>false</haEnabled>')
has "$r" "200" "update: HTTP 200"
has "$r" "<ns:updatePresenceRedundancyGroupResponse" "update: response"
has "$(sim_events ha)" '"group":"DefaultCUPSubcluster","value":false,"by":"axl"' "ha event by axl"
r=$(axl axluser:axl-secret getPresenceRedundancyGroup '<name>DefaultCUPSubcluster</name>')
has "$r" "<haEnabled>false</haEnabled>" "get after update: false"

# HA off: the restart completes; form A on the version 11 node.
{
	sim_login_steps pw-axl
	cat <<'S'
send utils service restart Cisco Presence Engine\r
expect Cisco Presence Engine\[STARTED\]\r\nadmin:
send utils ha status\r
expect Subcluster Name: DefaultCUPSubcluster\r\n
expect Node 1 Name : IMPPUB   State: Unknown  Reason: High Availability Not Enabled\r\n
send exit\r
eof
S
} >"$tmp/s2"
sim_pty "$tmp/s2" "$tmp/log2" IMPSUB1 -o PreferredAuthentications=password
ok $? "HA off: the restart reaches [STARTED]; form A status on 11.5"

{
	sim_login_steps pw-axl
	cat <<'S'
send utils service restart Cisco Presence Engine\r
expect Cisco Presence Engine\[STARTED\]\r\nadmin:
send exit\r
eof
S
} >"$tmp/s3"
sim_pty "$tmp/s3" "$tmp/log3" IMPPUB -o PreferredAuthentications=password
ok $? "HA off: restarting again recovers the stuck service"

r=$(axl axluser:axl-secret updatePresenceRedundancyGroup '<name>DefaultCUPSubcluster</name><haEnabled>true</haEnabled>')
has "$r" "200" "HA back on"
grep -q '"DefaultCUPSubcluster": true' "$SIM_STATE/cluster-state.json"
ok $? "HA is kept in the state directory"

sim_stop
is "$?" 0 "vos-sim stops"
tap_done

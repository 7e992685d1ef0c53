#!/bin/sh
# Simulator paths no other test takes: `utils sso status` with SSO on, the
# openssl style of `show cert own/trust`, the `hang` exec mode, the
# `warning` hardware banner; and the newer events (docs/events.md): svc
# begin/result, svc-state of a start that settles (cli.start_settle),
# action-error for refused, declined and failed actions, trust-delete
# reached/serial/cn.  Range 127.0.30.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"

cat >"$tmp/cluster.conf" <<'CONF'
name = "paths";
time_factor = 0.005;
rsa_bits = 1024;
sso = true;
credentials = { user = "admin"; password = "pw-p"; methods = [ "password" ]; };
ports = { ssh = 2222; tomcat = 8443; cup = 5062; xmpp = 5222; s2s = 5269; };
nodes = (
  { name = "CUCMPUB"; ip = "127.0.30.11"; product = "cucm"; },
  { name = "IMPPUB"; ip = "127.0.30.13"; product = "imp";
    cli = { hardware = "warning"; cert_dump = "openssl"; exec = "hang"; }; },
  { name = "IMPSUB1"; ip = "127.0.30.14"; product = "imp";
    cli = { start_settle = 60.0; }; }
);
expired_trust = (
  { nodes = "*"; unit = "tomcat-trust"; cn = "old-root"; serial_in_name = false; days_ago = 100; }
);
faults = ( { kind = "regen-fail"; node = "IMPSUB1"; unit = "cup"; } );
CONF
sim_start "$tmp/cluster.conf" || { ok 1 "vos-sim starts"; tap_done; exit 1; }
ok 0 "vos-sim starts"
P="-o PreferredAuthentications=password"

# --- IMPPUB: warning banner, SSO on, openssl dumps, refusals
{ sim_login_steps pw-p; cat <<'S'
send set cli pagination off\r
expect admin:
send utils sso status\r
expect SSO Status: SAML SSO Enabled\r\n
expect SSO Test Result = passed\r\nadmin:
send show cert own tomcat/tomcat.pem\r
expect Not After : 
expect -----BEGIN CERTIFICATE-----
expect admin:
send show cert trust tomcat-trust/old-root.pem\r
expect Not After : 
expect -----END CERTIFICATE-----
expect admin:
send set cert regen tomcat\r
expect WARNING: SAML SSO is enabled
expect \(yes\|no\)\? 
send no\r
expect admin:
send set cert regen nosuchunit\r
expect Invalid unit name: nosuchunit\r\nExecuted command unsuccessfully\r\nadmin:
send set cert delete tomcat tomcat.pem\r
expect Executed command unsuccessfully\r\nadmin:
send set cert delete tomcat-trust none.pem\r
expect Certificate not found
expect admin:
send set cert delete tomcat-trust old-root.pem\r
expect \(yes\|no\)\? 
send no\r
expect admin:
send utils service restart Cisco Nothing\r
expect Invalid service name: Cisco Nothing\r\nExecuted command unsuccessfully\r\nadmin:
send utils service start Cisco AXL Web Service\r
expect \[NOTACTIVATED\]\r\nExecuted command unsuccessfully\r\nadmin:
send set cert delete tomcat-trust old-root.pem\r
expect \(yes\|no\)\? 
send yes\r
expect Successfully deleted certificate tomcat-trust/old-root\.pem\.\r\nadmin:
send utils service restart Cisco Tomcat\r
expect Cisco Tomcat\[STARTED\]\r\nadmin:
send exit\r
eof
S
} >"$tmp/s1"
sim_pty "$tmp/s1" "$tmp/log1" IMPPUB $P
ok $? "IMPPUB session: sso, openssl dumps, refusals, a delete, a restart"
log=$(cat "$tmp/log1")
has "$log" "WARNING: The virtual machine does not match a supported OVA template." \
	"hardware = warning: the WARNING line"
has "$log" "$(printf '        4 vCPU: Intel')" "hardware = warning: the space-indented block"
has "$log" "IdP Metadata Imported Date = " "sso on: the metadata lines"
has "$log" "Subject: " "openssl dump: Subject line"
lacks "$log" "Validity From: " "openssl dump: no Java-style lines"

ae=$(sim_events action-error)
has "$ae" '"node":"IMPPUB","action":"regen","unit":"tomcat","result":"declined"' \
	"action-error: a declined regen"
has "$ae" '"action":"regen","unit":"nosuchunit","result":"refused","reason":"unknown unit"' \
	"action-error: a regen of an unknown unit"
has "$ae" '"action":"trust-delete","unit":"tomcat","result":"refused","reason":"not a trust unit","file":"tomcat.pem"' \
	"action-error: deleting an identity certificate"
has "$ae" '"action":"trust-delete","unit":"tomcat-trust","result":"refused","reason":"not found","file":"none.pem"' \
	"action-error: deleting a missing file"
has "$ae" '"action":"trust-delete","unit":"tomcat-trust","result":"declined","reason":"not confirmed","file":"old-root.pem"' \
	"action-error: a declined delete"
has "$ae" '"action":"restart","service":"Cisco Nothing","result":"refused","reason":"unknown service"' \
	"action-error: an unknown service"
has "$ae" '"action":"start","service":"Cisco AXL Web Service","result":"refused","reason":"not activated"' \
	"action-error: a service not activated"
lacks "$(sim_events regen)" '"unit":"tomcat"' "no regen event for the declined regen"
td=$(sim_events trust-delete)
has "$td" '"node":"IMPPUB","unit":"tomcat-trust","file":"old-root.pem","cluster_wide":true,"nodes":3,"reached":["CUCMPUB","IMPPUB","IMPSUB1"],"serial":"' \
	"trust-delete: reached lists every node"
has "$td" '"cn":"old-root"' "trust-delete: the CN of the deleted certificate"
serial=$(printf '%s\n' "$td" | sed -n 's/.*"serial":"\([0-9a-f]*\)".*/\1/p')
[ -n "$serial" ]; ok $? "trust-delete: the serial of the deleted certificate ($serial)"
svc=$(sim_events svc | grep '"node":"IMPPUB","service":"Cisco Tomcat"')
has "$svc" '"action":"restart","state":"STARTED","begin":' "svc: begin"
has "$svc" '"result":"ok"' "svc: result ok"
t=$(printf '%s\n' "$svc" | sed 's/^{"t":\([0-9]*\),.*/\1/')
b=$(printf '%s\n' "$svc" | sed 's/.*"begin":\([0-9]*\).*/\1/')
[ "$b" -lt "$t" ]; ok $? "svc: begin ($b) before the end ($t)"
c=$(grep '"ev":"cmd","node":"IMPPUB","line":"utils service restart Cisco Tomcat"' "$SIM_STATE/events.jsonl" |
	sed 's/^{"t":\([0-9]*\),.*/\1/')
[ "$b" -ge "$c" ]; ok $? "svc: begin ($b) not before its command ($c)"

# --- IMPSUB1: a start that settles later; a failed regen
{ sim_login_steps pw-p; cat <<'S'
send utils service restart Cisco XCP Router\r
expect Cisco XCP Router\[STARTING\]\r\nCisco XCP Router\[STARTING\]\r\nadmin:
send set cli pagination off\r
expect admin:
send utils service list\r
expect Cisco XCP Router\[STARTING\]
expect admin:
sleep 0.5
send utils service list\r
expect Cisco XCP Router\[STARTED\]
expect admin:
send set cert regen cup\r
expect \(yes\|no\)\? 
send yes\r
expect Executed command unsuccessfully\r\nadmin:
send exit\r
eof
S
} >"$tmp/s2"
sim_pty "$tmp/s2" "$tmp/log2" IMPSUB1 $P
ok $? "IMPSUB1: restart returns at STARTING, the service settles, a failed regen"
has "$(sim_events svc)" '"node":"IMPSUB1","service":"Cisco XCP Router","action":"restart","state":"STARTING","begin":' \
	"svc: the restart left STARTING"
has "$(sim_events svc)" '"result":"settling"' "svc: result settling"
has "$(sim_events svc-state)" '"node":"IMPSUB1","service":"Cisco XCP Router","from":"STARTING","state":"STARTED","cause":"settle"' \
	"svc-state: it settled on its own"
has "$(sim_events action-error)" '"node":"IMPSUB1","action":"regen","unit":"cup","result":"failed"' \
	"action-error: a regen-fail fault"
has "$(sim_events serve)" '"node":"IMPSUB1","unit":"cup-xmpp"' \
	"the settled XCP Router serves cup-xmpp"

# --- exec = hang: the banner, then the channel stays open
cat >"$tmp/s3" <<'S'
expect assword:
send pw-p\r
expect Welcome to the Platform
expect admin:
timeout 1.5
eof
S
"$PYTHON3" "$SIM_PTY" --log "$tmp/log3" "$tmp/s3" -- \
	$(sim_ssh_args IMPPUB $P) show version active 2>"$tmp/err3"
is "$?" 1 "exec = hang: sim-pty gives up waiting"
has "$(cat "$tmp/err3")" "step 6: no EOF" "exec = hang: the channel is still open after 1.5 s"
lacks "$(cat "$tmp/log3")" "Active Master Version" "exec = hang: no command ran"

# The conformance checker takes this log as it is.
"$PYTHON3" "$top_srcdir/tests/conformance" --quiet "$SIM_STATE/events.jsonl" >"$tmp/conf.out" 2>&1
is "$?" 1 "the checker reads the newer events (breaches, not malformed)"

sim_stop
is "$?" 0 "vos-sim stops"
tap_done

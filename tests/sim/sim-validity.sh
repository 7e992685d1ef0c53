#!/bin/sh
# Validity of regenerated certificates: VOS gives a regenerated
# self-signed certificate its normal validity (5 years), whatever the
# first one had; a node's regen_validity sets another (near expiry for
# tests that need it).  Range 127.0.148.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
command -v openssl >/dev/null 2>&1 || skip_all "no openssl"

cat >"$tmp/cluster.conf" <<'CONF'
name = "validity";
time_factor = 0.005;
rsa_bits = 1024;
credentials = { user = "admin"; password = "pw-v"; methods = [ "password" ]; };
ports = { ssh = 2222; };
nodes = (
  { name = "CUCMPUB"; ip = "127.0.148.11"; product = "cucm"; },
  { name = "IMPPUB"; ip = "127.0.148.13"; product = "imp";
    validity = { tomcat = 10; cup = 10; ipsec = -3; };
    regen_validity = { cup = 3; }; }
);
CONF
sim_start "$tmp/cluster.conf" || { ok 1 "vos-sim starts"; tap_done; exit 1; }
own=$SIM_STATE/nodes/IMPPUB/own

# valid_days PEM DAYS: 0 when PEM is still valid DAYS days from now
valid_days() {
	openssl x509 -noout -checkend $(($2 * 86400)) -in "$1" >/dev/null 2>&1
}

valid_days "$own/tomcat.pem" 9
ok $? "tomcat starts with 10 days"
valid_days "$own/tomcat.pem" 11
ok $((1 - $?)) "and not 11"

{ sim_login_steps pw-v; for u in tomcat cup ipsec; do cat <<S
send set cert regen $u\r
expect \(yes\|no\)\? 
send yes\r
expect (?is)successfully regenerated.*admin:
S
done; printf 'send exit\\r\neof\n'; } >"$tmp/s"
sim_pty "$tmp/s" "$tmp/log" IMPPUB -o PreferredAuthentications=password
ok $? "regen tomcat, cup and ipsec"
is "$(sim_events regen | wc -l | tr -d ' ')" 3 "three regen events"

valid_days "$own/tomcat.pem" 1820
ok $? "regenerated tomcat: 5 years, not the first 10 days"
valid_days "$own/tomcat.pem" 1830
ok $((1 - $?)) "and not more"
valid_days "$own/ipsec.pem" 1820
ok $? "regenerated ipsec (was expired): 5 years"
valid_days "$own/cup.pem" 2
ok $? "regenerated cup: regen_validity 3 days"
valid_days "$own/cup.pem" 4
ok $((1 - $?)) "and not 4"

# After a restart of the simulator the certificates stay as they are.
sim_stop
sim_start "$tmp/cluster.conf" || { ok 1 "vos-sim restarts"; tap_done; exit 1; }
valid_days "$own/tomcat.pem" 1820
ok $? "after a restart: tomcat keeps its 5 years"
valid_days "$own/cup.pem" 4
ok $((1 - $?)) "after a restart: cup keeps its 3 days"
sim_stop
ok $? "vos-sim exits 0"
tap_done

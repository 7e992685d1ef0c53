#!/bin/sh
# State survives a restart on the same directory (host keys, certificates,
# served certificates, trust deletes, HA); SIGTERM with a session open
# ends everything; trust deletes are cluster-wide from version 11, per
# node before.  Range 127.0.26.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"

cat >"$tmp/cluster.conf" <<'CONF'
name = "restart";
time_factor = 0.005;
rsa_bits = 1024;
credentials = { user = "admin"; password = "pw-r"; methods = [ "password" ]; };
ports = { ssh = 2222; };
nodes = (
  { name = "CUCMPUB"; ip = "127.0.26.11"; product = "cucm"; },
  { name = "IMPPUB"; ip = "127.0.26.13"; product = "imp"; },
  { name = "IMPSUB1"; ip = "127.0.26.14"; product = "imp"; },
  { name = "OLDIMP"; ip = "127.0.26.15"; product = "imp"; version = "10.5.2.10000-5"; }
);
expired_trust = (
  { nodes = "*"; unit = "tomcat-trust"; cn = "old-root"; serial_in_name = false; days_ago = 100; },
  { nodes = [ "IMPPUB", "OLDIMP" ]; unit = "cup-trust"; cn = "old-peer"; serial_in_name = false; }
);
CONF
sim_start "$tmp/cluster.conf" || { ok 1 "vos-sim starts"; tap_done; exit 1; }
P="-o PreferredAuthentications=password"
key1=$(sim_field IMPPUB host_key)
sim_known_hosts "$tmp/kh1"

{ sim_login_steps pw-r; cat <<'S'
send set cli pagination off\r
expect admin:
send show cert list trust\r
expect tomcat-trust/old-root\.pem: Trust Certificate\r\n
expect admin:
send show cert trust tomcat-trust/old-root.pem\r
expect Validity From: 
expect -----BEGIN CERTIFICATE-----
expect admin:
send set cert delete tomcat-trust old-root.pem\r
expect Warning: deleting a trust certificate may stop services that use it\.\r\n
expect Are you sure you want to delete tomcat-trust/old-root\.pem \(yes\|no\)\? 
send yes\r
expect Successfully deleted certificate tomcat-trust/old-root\.pem\.\r\nadmin:
send set cert delete tomcat-trust none.pem\r
expect Certificate not found: tomcat-trust/none\.pem\r\nExecuted command unsuccessfully\r\nadmin:
send set cert delete tomcat tomcat.pem\r
expect Executed command unsuccessfully\r\nadmin:
send set cert regen ipsec\r
expect \(yes\|no\)\? 
send yes\r
expect Successfully Regenerated.*admin:
send exit\r
eof
S
} >"$tmp/s"
sim_pty "$tmp/s" "$tmp/log" IMPPUB $P
ok $? "trust list, trust dump, delete, refused deletes, a regen"
has "$(sim_events trust-delete)" '"node":"IMPPUB","unit":"tomcat-trust","file":"old-root.pem","cluster_wide":true' \
	"version 14: cluster-wide delete event"
for n in CUCMPUB IMPSUB1 OLDIMP; do
	[ ! -e "$SIM_STATE/nodes/$n/trust/tomcat-trust/old-root.pem" ]
	ok $? "cluster-wide: gone from $n too"
done

{ sim_login_steps pw-r; cat <<'S'
send set cert delete cup-trust old-peer.pem\r
expect \(yes\|no\)\? 
send yes\r
expect Successfully deleted
send exit\r
eof
S
} >"$tmp/s"
sim_pty "$tmp/s" "$tmp/log" OLDIMP $P
ok $? "delete on a version 10.5 node"
has "$(sim_events trust-delete)" '"node":"OLDIMP","unit":"cup-trust","file":"old-peer.pem","cluster_wide":false' \
	"version 10.5: per-node delete event"
[ -e "$SIM_STATE/nodes/IMPPUB/trust/cup-trust/old-peer.pem" ]
ok $? "per-node: the other node keeps its copy"

ipsec_new=$(sim_events regen | sed -n 's/.*"unit":"ipsec","old_serial":"[0-9a-f]*","new_serial":"\([0-9a-f]*\)".*/\1/p')
[ -n "$ipsec_new" ]; ok $? "ipsec regenerated"

# A session open while SIGTERM arrives.
cat >"$tmp/s" <<'S'
expect assword:
send pw-r\r
expect admin:
timeout 15
eof
S
sim_pty "$tmp/s" "$tmp/log" CUCMPUB $P &
ptypid=$!
# Wait for the login (up to 30 s: ssh under ASan on a loaded machine can
# take more than 5), then for the banner to be under way.
n=300
while [ $n -gt 0 ] && ! grep -q '"node":"CUCMPUB","method":"password","user":"admin","result":"ok"' "$SIM_STATE/events.jsonl"; do
	sleep 0.1; n=$((n - 1))
done
[ $n -gt 0 ]; ok $? "the session to CUCMPUB logged in before SIGTERM"
sleep 0.3
pid=$SIM_PID
start=$(date +%s)
sim_stop
is "$?" 0 "SIGTERM with a session open: exit 0"
[ $(($(date +%s) - start)) -le 5 ]; ok $? "it stopped promptly"
wait $ptypid
ok $? "the client saw the connection end"
kill -0 "$pid" 2>/dev/null
ok $((! $?)) "no vos-sim process left"
has "$(sim_events disconnect)" '"node":"CUCMPUB","reason":"shutdown"' "disconnect reason shutdown"
[ ! -e "$SIM_STATE/ready" ]; ok $? "ready is removed at exit"
lines=$(wc -l <"$SIM_STATE/events.jsonl")

# Restart on the same state directory.
sim_start "$tmp/cluster.conf" "$SIM_STATE" || { ok 1 "restart"; tap_done; exit 1; }
ok 0 "restarted on the same state directory"
is "$(sim_field IMPPUB host_key)" "$key1" "the host key is kept"
cp "$tmp/kh1" "$tmp/known_hosts.keep"
out=$(ssh -F /dev/null -o UserKnownHostsFile="$tmp/kh1" -o StrictHostKeyChecking=yes \
	-o BatchMode=yes -o PreferredAuthentications=none -p 2222 admin@127.0.26.13 exit 2>&1 </dev/null)
lacks "$out" "IDENTIFICATION HAS CHANGED" "the old known_hosts still matches"
sed -n "$((lines + 1))p" "$SIM_STATE/events.jsonl" >"$tmp/opening"
has "$(cat "$tmp/opening")" '"ev":"cluster"' "a new opening after the old log"
has "$(cat "$tmp/opening")" '"restart":true' "marked restart:true"
t_new=$(sed 's/^{"t":\([0-9]*\),.*/\1/' "$tmp/opening")
t_old=$(sed -n "${lines}p" "$SIM_STATE/events.jsonl" | sed 's/^{"t":\([0-9]*\),.*/\1/')
[ "$t_new" -gt "$t_old" ]; ok $? "t keeps growing ($t_old -> $t_new)"
st=$(sed -n "$((lines + 1)),\$p" "$SIM_STATE/events.jsonl" | grep '"ev":"state","node":"IMPPUB"')
has "$st" "\"ipsec\":{\"serial\":\"$ipsec_new\"" "the regenerated certificate is kept"
lacks "$st" "old-root.pem" "the deleted trust stays deleted"
lacks "$st" "\"ipsec\":{\"serial\":\"$ipsec_new\",\"ca_signed\":false,\"not_after\":\"[^\"]*\",\"served_serial\":\"$ipsec_new\"" \
	"the served ipsec is still the old one (no DRF Local restart yet)"

sim_stop
is "$?" 0 "vos-sim stops again"
tap_done

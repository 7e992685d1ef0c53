#!/bin/sh
# One vos-sim process serves 32 nodes.  Range 127.0.27.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"

{
	cat <<'CONF'
name = "scale";
time_factor = 0.002;
rsa_bits = 1024;
credentials = { user = "admin"; password = "pw-s"; methods = [ "password" ]; };
ports = { ssh = 2222; };
nodes = (
  { name = "CUCM1"; ip = "127.0.27.1"; product = "cucm"; },
  { name = "CUCM2"; ip = "127.0.27.2"; product = "cucm"; }
CONF
	i=3
	while [ $i -le 32 ]; do
		printf '  ,{ name = "IMP%d"; ip = "127.0.27.%d"; product = "imp"; }\n' $i $i
		i=$((i + 1))
	done
	echo ');'
} >"$tmp/cluster.conf"
sim_start "$tmp/cluster.conf" || { ok 1 "vos-sim starts"; tap_done; exit 1; }
ok 0 "32 nodes ready"
is "$("$PYTHON3" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$SIM_STATE/nodes.json")" \
	32 "nodes.json lists 32 nodes"
is "$(ps -o pid= --ppid "$SIM_PID" | wc -l)" 0 "one process, no children"

for n in CUCM1 IMP16 IMP32; do
	{ sim_login_steps pw-s; printf 'send set cli pagination off\\r\nexpect admin:\nsend show network cluster\\r\nexpect 127\\.0\\.27\\.32 imp32\nexpect admin:\nsend exit\\r\neof\n'; } >"$tmp/s"
	sim_pty "$tmp/s" "$tmp/log" $n -o PreferredAuthentications=password
	ok $? "login to $n; show network cluster lists all 32"
done
# Several sessions at once.
for n in IMP3 IMP4 IMP5 IMP6 IMP7 IMP8; do
	{ sim_login_steps pw-s; printf 'send exit\\r\neof\n'; } >"$tmp/s.$n"
	sim_pty "$tmp/s.$n" "$tmp/log.$n" $n -o PreferredAuthentications=password &
done
fails=0
for j in $(jobs -p); do wait "$j" || fails=$((fails + 1)); done
is "$fails" 0 "six parallel sessions"

sim_stop
is "$?" 0 "vos-sim stops"
tap_done

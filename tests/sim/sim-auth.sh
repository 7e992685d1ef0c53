#!/bin/sh
# Authentication as the cluster file allows per node: password,
# keyboard-interactive (one Password: prompt), public key; wrong secrets
# and methods a node does not offer fail.  Range 127.0.22.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
command -v ssh-keygen >/dev/null 2>&1 || skip_all "no ssh-keygen"

ssh-keygen -q -t ed25519 -N '' -f "$tmp/id" >/dev/null
ssh-keygen -q -t ed25519 -N '' -f "$tmp/other" >/dev/null
cat >"$tmp/cluster.conf" <<CONF
name = "auth";
time_factor = 0.005;
rsa_bits = 1024;
credentials = { user = "admin"; password = "pw-auth"; };
ports = { ssh = 2222; };
nodes = (
  { name = "CUCMPUB"; ip = "127.0.22.11"; product = "cucm";
    credentials = { methods = [ "password" ]; }; },
  { name = "IMPPUB"; ip = "127.0.22.13"; product = "imp";
    credentials = { methods = [ "keyboard-interactive" ]; }; },
  { name = "IMPSUB1"; ip = "127.0.22.14"; product = "imp";
    credentials = { user = "ccmadmin"; methods = [ "publickey" ];
                    authorized_keys = "$tmp/id.pub"; }; }
);
CONF
sim_start "$tmp/cluster.conf" || { ok 1 "vos-sim starts"; tap_done; exit 1; }

login() {  # login NODE PASSWORD SSH-OPTIONS...
	_node=$1 _pw=$2
	shift 2
	{ sim_login_steps "$_pw"; printf 'send exit\\r\neof\n'; } >"$tmp/s"
	sim_pty "$tmp/s" "$tmp/log" "$_node" "$@"
}

login CUCMPUB pw-auth -o PreferredAuthentications=password
ok $? "password login"
login CUCMPUB wrong -o PreferredAuthentications=password
ok $((! $?)) "a wrong password is refused"
login CUCMPUB pw-auth -o PreferredAuthentications=keyboard-interactive
ok $((! $?)) "keyboard-interactive refused where only password is allowed"

login IMPPUB pw-auth -o PreferredAuthentications=keyboard-interactive
ok $? "keyboard-interactive login"
has "$(cat "$tmp/log")" "Password:" "keyboard-interactive: one Password: prompt"
login IMPPUB pw-auth -o PreferredAuthentications=password
ok $((! $?)) "password refused where only keyboard-interactive is allowed"

cat >"$tmp/s" <<'S'
expect admin:
send show version active\r
expect Active Master Version
send exit\r
eof
S
sim_pty "$tmp/s" "$tmp/log" IMPSUB1 -o PreferredAuthentications=publickey \
	-o IdentitiesOnly=yes -i "$tmp/id"
ok $? "public key login (another user name, same admin: prompt)"
has "$(cat "$tmp/log")" "admin:" "the prompt is admin: whatever the user"
out=$($(sim_ssh_args IMPSUB1 -o PreferredAuthentications=publickey \
	-o IdentitiesOnly=yes -o BatchMode=yes -i "$tmp/other") exit 2>&1 </dev/null)
has "$out" "Permission denied" "an unknown key is refused"

ev=$(sim_events auth)
has "$ev" '"node":"CUCMPUB","method":"password","user":"admin","result":"ok"' "auth event: password ok"
has "$ev" '"node":"CUCMPUB","method":"password","user":"admin","result":"fail"' "auth event: password fail"
has "$ev" '"node":"IMPPUB","method":"keyboard-interactive","user":"admin","result":"ok"' "auth event: kbdint ok"
has "$ev" '"node":"IMPSUB1","method":"publickey","user":"ccmadmin","result":"ok"' "auth event: publickey ok"
has "$ev" '"node":"IMPSUB1","method":"publickey","user":"ccmadmin","result":"fail"' "auth event: publickey fail"
lacks "$(cat "$SIM_STATE/events.jsonl")" "pw-auth" "the password is never in the event log"

sim_stop
is "$?" 0 "vos-sim stops"
tap_done

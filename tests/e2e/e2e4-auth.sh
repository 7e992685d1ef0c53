#!/bin/sh
# e2e4-auth.sh: certregen logs in to vos-sim over real SSH with each method
# (password, keyboard-interactive, public key, agent), refuses an unknown
# host key under the strict policy and a changed one (both fingerprints in
# the message, no authentication sent), and names the node when every
# method is rejected.  Range 127.0.40.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/e2e/e2e4-lib.sh"
for t in ssh-keygen ssh-agent ssh-add; do
	command -v $t >/dev/null 2>&1 || skip_all "no $t"
done

ssh-keygen -q -t ed25519 -N '' -C e2e4-key -f "$tmp/id_key" </dev/null
ssh-keygen -q -t ed25519 -N '' -C e2e4-agent -f "$tmp/id_agent" </dev/null
cat "$tmp/id_key.pub" "$tmp/id_agent.pub" >"$tmp/authorized_keys"

cat >"$tmp/cluster.conf" <<EOF
name = "e2e4-auth";
domain = "auth.lab";
time_factor = 0.002;
rsa_bits = 1024;
credentials = { user = "admin"; password = "$E2E4_PW";
  authorized_keys = "$tmp/authorized_keys"; };
ports = { ssh = 2222; tomcat = 0; cup = 0; xmpp = 0; s2s = 0; };
nodes = (
  { name = "CUCMPUB"; ip = "127.0.40.1"; product = "cucm";
    credentials = { methods = [ "password" ]; }; },
  { name = "IMPPUB"; ip = "127.0.40.2"; product = "imp";
    credentials = { methods = [ "keyboard-interactive" ]; }; },
  { name = "IMPSUB1"; ip = "127.0.40.3"; product = "imp";
    credentials = { methods = [ "publickey" ]; }; },
  { name = "IMPSUB2"; ip = "127.0.40.4"; product = "imp";
    credentials = { methods = [ "publickey" ]; }; }
);
groups = ( { name = "G1"; nodes = [ "IMPPUB", "IMPSUB1" ]; ha = false; },
  { name = "G2"; nodes = [ "IMPSUB2" ]; ha = false; } );
EOF
sim_start "$tmp/cluster.conf" || { ok 1 "vos-sim starts"; tap_done; exit 1; }
sim_known_hosts "$tmp/known_hosts"

nodes='nodes = (
  { name = "CUCMPUB"; host = "127.0.40.1"; },
  { name = "IMPPUB"; host = "127.0.40.2"; },
  { name = "IMPSUB1"; host = "127.0.40.3"; },
  { name = "IMPSUB2"; host = "127.0.40.4"; }
);'
e2e4_site "$tmp/site.conf" 127.0.40.2 127.0.40.1 "$nodes"
# The key file is added to the credentials; so is the agent, later.
sed -i "s|password_env = \"E2E4_PW\";|& private_key = \"$tmp/id_key\";|" \
	"$tmp/site.conf"

: >"$tmp/all.err"
crl() { cr "$@"; printf '%s\n' "$err" >>"$tmp/all.err"; }

# ---------------------------------------------------------------- methods
for nm in "CUCMPUB password" "IMPPUB keyboard-interactive" \
    "IMPSUB1 publickey"; do
	set -- $nm
	crl cli "$1" 'show version active'
	is "$rc" 0 "$2: certregen cli $1 exits 0"
	has "$out" "Active Master Version: 14.0.1.12900-2" \
		"$2: the output of show version active is printed"
	is "$(e2e4_last_auth "$1")" "$2 ok" "$2: the simulator saw a $2 login"
done

# The agent: the key is only in ssh-agent, the site has no key file.
eval "$(ssh-agent -s -a "$tmp/agent.sock")" >/dev/null
agent_pid=$SSH_AGENT_PID
trap 'kill "$agent_pid" 2>/dev/null; sim_stop; rm -rf "$tmp"' EXIT
ssh-add -q "$tmp/id_agent" 2>/dev/null
e2e4_site "$tmp/site-agent.conf" 127.0.40.2 127.0.40.1 "$nodes"
sed -i 's|password_env = "E2E4_PW";|agent = true;|' "$tmp/site-agent.conf"
CR_SITE="$tmp/site-agent.conf" crl cli IMPSUB2 'show version active'
is "$rc" 0 "agent: certregen cli IMPSUB2 exits 0"
has "$out" "Active Master Version:" "agent: output printed"
is "$(e2e4_last_auth IMPSUB2)" "publickey ok" "agent: a public key login"
kill "$agent_pid" 2>/dev/null
unset SSH_AUTH_SOCK SSH_AGENT_PID

# ------------------------------------------------------------ host keys
# Unknown host key under the strict policy: no line for IMPSUB1.
grep -v '127.0.40.3' "$tmp/known_hosts" >"$tmp/kh" && cp "$tmp/kh" "$tmp/known_hosts"
n0=$(e2e4_lines)
crl cli IMPSUB1 'show version active'
is "$rc" 1 "unknown host key: exit 1"
has "$err" "IMPSUB1" "unknown host key: the message names the node"
has "$err" "host key not known" "unknown host key: the message says why"
has "$err" "$tmp/known_hosts" "unknown host key: the message names the file"
is "$(e2e4_count_after auth IMPSUB1 "$n0")" 0 "unknown host key: no auth attempt"
lacks "$(cat "$tmp/known_hosts")" "127.0.40.3" "strict: nothing added to known_hosts"
sim_known_hosts "$tmp/known_hosts"

# A changed host key: the node presents ssh_host_key.changed.
fp_of() { ssh-keygen -lf "$1" | awk '{print $2}'; }
old_fp=$(fp_of "$SIM_STATE/nodes/IMPSUB1/ssh_host_key.pub")
openssl pkey -in "$SIM_STATE/nodes/IMPSUB1/ssh_host_key.changed" -pubout \
	>"$tmp/changed.pem" 2>/dev/null
ssh-keygen -i -m PKCS8 -f "$tmp/changed.pem" >"$tmp/changed.pub" 2>/dev/null
new_fp=$(fp_of "$tmp/changed.pub")
ok "$([ -n "$old_fp" ] && [ -n "$new_fp" ] && [ "$old_fp" != "$new_fp" ]; echo $?)" \
	"changed host key: two different fingerprints ($old_fp, $new_fp)"
e2e4_faults '{ kind = "hostkey-changed"; node = "IMPSUB1"; count = 0; }'
n0=$(e2e4_lines)
crl cli IMPSUB1 'show version active'
is "$rc" 1 "changed host key: exit 1"
has "$err" "IMPSUB1" "changed host key: the message names the node"
has "$err" "HOST KEY CHANGED" "changed host key: the message says so"
has "$err" "$new_fp" "changed host key: the new fingerprint is shown"
has "$err" "$old_fp" "changed host key: the known fingerprint is shown"
is "$(e2e4_count_after connect IMPSUB1 "$n0")" 1 "changed host key: the simulator saw the connection"
is "$(e2e4_count_after auth IMPSUB1 "$n0")" 0 "changed host key: no auth event for that connection"
lacks "$out" "Active Master Version" "changed host key: no command ran"

# accept-new refuses a changed key too.
sed 's/"strict"/"accept-new"/' "$tmp/site.conf" >"$tmp/site-an.conf"
CR_SITE="$tmp/site-an.conf" crl cli IMPSUB1 'show version active'
is "$rc" 1 "accept-new: a changed key is still refused"
has "$err" "HOST KEY CHANGED" "accept-new: HOST KEY CHANGED"

# -------------------------------------------------------------- rejected
e2e4_faults '{ kind = "auth-reject"; node = "CUCMPUB"; }'
crl cli CUCMPUB 'show version active'
is "$rc" 1 "auth-reject: exit 1"
has "$err" "CUCMPUB" "auth-reject: the message names the node"
has "$err" "authentication failed for user admin" "auth-reject: authentication failed"
has "$err" "password (refused)" "auth-reject: says what was tried"
is "$(e2e4_last_auth CUCMPUB)" "password fail" "auth-reject: the simulator refused it"
e2e4_faults ''

lacks "$(cat "$tmp/all.err")" "$E2E4_PW" "the password is in no message"
lacks "$(cat "$tmp/all.err")" "Sanitizer" "no sanitizer report"
tap_done

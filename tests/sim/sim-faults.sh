#!/bin/sh
# Every injected fault fires: from the cluster file, then switched while
# running through STATE/faults.conf and SIGHUP.  Range 127.0.25.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"

cat >"$tmp/cluster.conf" <<'CONF'
name = "faults";
time_factor = 0.005;
rsa_bits = 1024;
credentials = { user = "admin"; password = "pw-f"; methods = [ "password" ]; };
ports = { ssh = 2222; };
nodes = (
  { name = "CUCMPUB"; ip = "127.0.25.11"; product = "cucm"; },
  { name = "IMPPUB"; ip = "127.0.25.13"; product = "imp"; }
);
faults = ( { kind = "drop"; node = "IMPPUB"; at = 2; } );
CONF
sim_start "$tmp/cluster.conf" || { ok 1 "vos-sim starts"; tap_done; exit 1; }
P="-o PreferredAuthentications=password"

faults() {  # faults TEXT: write faults.conf and SIGHUP
	printf '%s\n' "$1" >"$SIM_STATE/faults.conf"
	sim_hup
}

# drop at the 2nd command (cluster file)
{ sim_login_steps pw-f; cat <<'S'
send show version active\r
expect admin:
send show version active\r
expect (?i)closed
eof
S
} >"$tmp/s"
sim_pty "$tmp/s" "$tmp/log" IMPPUB $P
ok $? "drop: the connection ends at the 2nd command"
has "$(sim_events fault)" '"kind":"drop","line":"show version active","when":"before"' "drop: fault event"
has "$(sim_events disconnect)" '"reason":"fault"' "drop: disconnect reason fault"

# drop after a named command (regex), the command ran
faults 'faults = ( { kind = "drop"; match = "^set cert regen (cup|tomcat)$"; when = "after"; } );'
ok $? "SIGHUP re-reads faults.conf"
{ sim_login_steps pw-f; cat <<'S'
send set cert regen tomcat\r
expect \(yes\|no\)\? 
send yes\r
expect (?i)closed
eof
S
} >"$tmp/s"
sim_pty "$tmp/s" "$tmp/log" IMPPUB $P
ok $? "drop after: the session ends after the regen"
has "$(sim_events regen)" '"node":"IMPPUB","unit":"tomcat"' "drop after: the regen happened"
has "$(sim_events fault)" '"when":"after"' "drop after: fault event"

# slow and stall output, regen failure, service failure and hang
faults 'faults = (
  { kind = "slow"; prefix = "show version"; ms = 150; },
  { kind = "stall"; prefix = "utils service list"; lines = 3; ms = 400; },
  { kind = "regen-fail"; unit = "cup"; },
  { kind = "service-fail"; service = "Cisco SIP Proxy"; },
  { kind = "service-hang"; service = "Cisco XCP Router"; }
);'
{ sim_login_steps pw-f; cat <<'S'
send set cli pagination off\r
expect admin:
send show version active\r
expect No Installed Software Options Found\.\r\nadmin:
send utils service list\r
expect System NTP \[STARTED\]\r\nadmin:
send set cert regen cup\r
expect \(yes\|no\)\? 
send yes\r
expect Executed command unsuccessfully\r\nadmin:
send utils service restart Cisco SIP Proxy\r
expect Cisco SIP Proxy\[STOPPED\]\r\nExecuted command unsuccessfully\r\nadmin:
send utils service restart Cisco XCP Router\r
expect Cisco XCP Router\[STARTING\]\r\nCisco XCP Router\[STARTING\]\r\nadmin:
send exit\r
eof
S
} >"$tmp/s"
start=$(date +%s%N)
sim_pty "$tmp/s" "$tmp/log" IMPPUB $P
ok $? "slow, stall, regen-fail, service-fail, service-hang"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -ge 800 ]; ok $? "slow + stall output took time (${ms} ms)"
f=$(sim_events fault)
for k in slow stall regen-fail service-fail service-hang; do
	has "$f" "\"kind\":\"$k\"" "fault event: $k"
done
lacks "$(sim_events regen)" '"unit":"cup"' "regen-fail: no regen event"
has "$(sim_events svc)" '"service":"Cisco SIP Proxy","action":"restart","state":"STOPPED"' \
	"service-fail: left STOPPED"
has "$(sim_events svc)" '"service":"Cisco XCP Router","action":"restart","state":"STARTING"' \
	"service-hang: left STARTING"

# ANSI escapes and lone CRs; a tiny PTY; fast input dropped
faults 'faults = (
  { kind = "ansi"; node = "IMPPUB"; },
  { kind = "tiny-pty"; node = "IMPPUB"; rows = 5; },
  { kind = "drop-input"; node = "CUCMPUB"; ms = 40; }
);'
{ sim_login_steps pw-f; cat <<'S'
send show cert list own\r
expect Press <enter>
send \x20
expect Press <enter>
send q
expect admin:
send exit\r
eof
S
} >"$tmp/s"
sim_pty "$tmp/s" "$tmp/log" IMPPUB $P
ok $? "tiny PTY pages every few lines"
has "$(cat "$tmp/log")" "$(printf '\033[Kadmin:')" "ansi: ESC[K before the prompt"
has "$(cat "$tmp/log")" "$(printf '\r\r\n')" "ansi: lone CRs"
# Typed at 120 ms a character, three times the 40 ms gap: on a loaded
# machine ssh may still send two keystrokes in one packet at 60 ms.
{ printf 'expect assword:\nsend pw-f\\r\nexpect admin:\n'; cat <<'S'
send show version active\r
expect Executed command unsuccessfully\r\nadmin:
type 120 show version active\r
expect Active Master Version.*admin:
type 120 exit\r
eof
S
} >"$tmp/s"
sim_pty "$tmp/s" "$tmp/log" CUCMPUB $P
ok $? "drop-input: fast typing loses characters, slow typing works"
has "$(sim_events fault)" '"kind":"drop-input"' "drop-input: fault event"

# rejected auth; a changed host key
faults 'faults = ( { kind = "auth-reject"; node = "IMPPUB"; }, { kind = "hostkey-changed"; node = "CUCMPUB"; } );'
{ sim_login_steps pw-f | sed '$d'; cat <<'S'
expect (?i)permission denied
eof
S
} >"$tmp/s"
sim_pty "$tmp/s" "$tmp/log" IMPPUB $P
ok $? "auth-reject: the right password is refused"
has "$(sim_events auth)" '"node":"IMPPUB","method":"password","user":"admin","result":"fail"' \
	"auth-reject: auth event fail"
out=$($(sim_ssh_args CUCMPUB $P) exit 2>&1 </dev/null)
has "$out" "REMOTE HOST IDENTIFICATION HAS CHANGED" "hostkey-changed: ssh sees another key"
has "$(sim_events fault)" '"kind":"hostkey-changed"' "hostkey-changed: fault event"

faults 'faults = ();'
{ sim_login_steps pw-f; printf 'send exit\\r\neof\n'; } >"$tmp/s"
sim_pty "$tmp/s" "$tmp/log" CUCMPUB $P
ok $? "no faults: the usual host key and login again"

sim_stop
is "$?" 0 "vos-sim stops"
tap_done

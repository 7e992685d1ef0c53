#!/bin/sh
# ssh.sh: src/ssh.c (through tests/unit/ssh-tool) against a real OpenSSH
# sshd on loopback: its own config, host keys and authorized_keys in the
# test's temp dir, a random high port, a bounded readiness wait, and a trap
# that kills it (libssh2's tests/test_sshd.test, OpenSSH's regress/).
# Password and keyboard-interactive need PAM users here: tests/ssh-sim.sh
# covers them against the simulator.
. "${top_srcdir:-.}/tests/lib.sh"

SSHD=/usr/sbin/sshd
TOOL="$top_builddir/tests/unit/ssh-tool"
PY="${PYTHON3:-python3}"
[ -x "$SSHD" ] || skip_all "no $SSHD"
[ -x "$TOOL" ] || skip_all "no $TOOL"
for t in ssh-keygen ssh-agent ssh-add ssh-keyscan; do
	command -v $t >/dev/null 2>&1 || skip_all "no $t"
done
command -v "$PY" >/dev/null 2>&1 || skip_all "no python3"

me=$(id -un)
sshd_pid=
agent_pid=
lsn_pid=
cleanup() {
	for p in $sshd_pid $agent_pid $lsn_pid; do
		kill "$p" 2>/dev/null
	done
	if [ -n "${SSH_TEST_KEEP:-}" ]; then echo "# kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# sshd as root wants /run/sshd (its privsep chroot).  Never create it on the
# host: give sshd a private mount namespace with its own /run instead.
runner=
if [ "$(id -u)" -eq 0 ] && [ ! -d /run/sshd ]; then
	if unshare -m sh -c 'mount -t tmpfs tmpfs /run' 2>/dev/null; then
		runner=ns
	else
		skip_all "root without /run/sshd and no unshare -m"
	fi
fi

have_v6=0
"$PY" -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0))' \
	2>/dev/null && have_v6=1

free_port() {
	"$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# ------------------------------------------------------------ keys
kg() { ssh-keygen -q -t "$1" -N "$2" -C "$3" -f "$4" </dev/null; }
kg ed25519 '' host "$tmp/hk_ed25519"
kg rsa '' host "$tmp/hk_rsa"
kg ed25519 '' other-host "$tmp/other_host"
kg ed25519 '' user-ed "$tmp/id_ed25519"
kg rsa '' user-rsa "$tmp/id_rsa"
kg ed25519 'correct horse' user-pp "$tmp/id_pp"
kg ed25519 '' user-agent "$tmp/id_agent"
kg ed25519 '' stranger "$tmp/id_stranger"
cat "$tmp/id_ed25519.pub" "$tmp/id_rsa.pub" "$tmp/id_pp.pub" \
	"$tmp/id_agent.pub" >"$tmp/authorized_keys"
# The RSA key without its .pub: libssh2 derives the public key.
rm -f "$tmp/id_rsa.pub"
fp_of() { ssh-keygen -lf "$1" | awk '{print $2}'; }
fp_ed=$(fp_of "$tmp/hk_ed25519.pub")
fp_rsa=$(fp_of "$tmp/hk_rsa.pub")
fp_other=$(fp_of "$tmp/other_host.pub")

# ------------------------------------------------------------ sshd
log="$tmp/sshd.log"
: >"$log"
start_sshd() {
	for attempt in 1 2 3; do
		port=$(free_port)
		{
			echo "Port $port"
			echo "ListenAddress 127.0.0.1"
			[ $have_v6 -eq 1 ] && echo "ListenAddress ::1"
			echo "HostKey $tmp/hk_ed25519"
			echo "HostKey $tmp/hk_rsa"
			echo "AuthorizedKeysFile $tmp/authorized_keys"
			echo "PidFile none"
			echo "StrictModes no"
			echo "UsePAM no"
			echo "PubkeyAuthentication yes"
			# libssh2 1.10 signs with RSA/SHA-1 only and knows no
			# rsa-sha2 host keys; VOS's older sshd accepts ssh-rsa.
			echo "PubkeyAcceptedAlgorithms +ssh-rsa"
			echo "HostKeyAlgorithms +ssh-rsa"
			echo "PasswordAuthentication no"
			echo "KbdInteractiveAuthentication no"
			echo "PermitRootLogin prohibit-password"
			echo "MaxStartups 50"
			echo "MaxAuthTries 10"
			echo "PrintMotd no"
			echo "PrintLastLog no"
			# DEBUG1 logs every userauth-request, also "none".
			echo "LogLevel DEBUG1"
		} >"$tmp/sshd_config"
		if [ "$runner" = ns ]; then
			unshare -m sh -c 'mount -t tmpfs tmpfs /run &&
				mkdir -m 755 /run/sshd && exec "$@"' sh \
				"$SSHD" -D -e -f "$tmp/sshd_config" 2>>"$log" &
		else
			"$SSHD" -D -e -f "$tmp/sshd_config" 2>>"$log" &
		fi
		sshd_pid=$!
		i=0
		while [ $i -lt 50 ]; do
			grep -q "Server listening on 127.0.0.1 port $port" \
				"$log" && return 0
			kill -0 "$sshd_pid" 2>/dev/null || break
			sleep 0.1
			i=$((i + 1))
		done
		kill "$sshd_pid" 2>/dev/null
		wait "$sshd_pid" 2>/dev/null
		sshd_pid=
	done
	return 1
}
start_sshd || { sed 's/^/# /' "$log"; skip_all "sshd did not start"; }
echo "# sshd pid $sshd_pid on port $port (ipv6: $have_v6)"

# Log lines written since mark_log; wait_log PATTERN waits (bounded) for
# one to appear, so a check for absence looks at a finished connection.
mark_log() { log_off=$(wc -c <"$log"); }
new_log() { tail -c +$((log_off + 1)) "$log"; }
wait_log() {
	i=0
	while [ $i -lt 30 ]; do
		new_log | grep -qE "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
conn_done='Connection closed by|Received disconnect|Disconnected from|Connection reset'

kh="$tmp/known_hosts"
: >"$tmp/all.err"
tool() {
	run "$TOOL" -l "$me" -p "$port" -t 5000 -r 5000 "$@"
	printf '%s\n' "$err" >>"$tmp/all.err"
}
shell_lines='echo mark-$((40+2))'

# ------------------------------------------------------------ accept-new
rm -f "$kh"
mark_log
tool -n -k "$kh" -i "$tmp/id_ed25519" -g 132x43 -T vt100 127.0.0.1 \
	"$shell_lines" 'tty' 'stty size' 'echo term=$TERM' 'exit'
is "$rc" 0 "ed25519 key login under accept-new"
[ "$rc" -eq 0 ] || echo "# $err"
has "$out" "auth: publickey" "method is publickey"
has "$out" "mark-42" "the PTY shell runs a command"
has "$out" "/dev/pts/" "tty shows a pty"
has "$out" "43 132" "stty size shows the rows and columns asked"
has "$out" "term=vt100" "TERM is the term type asked"
has "$out" "--- end: eof" "exit ends the stream with EOF"
has "$out" "fingerprint: $fp_ed" "fingerprint in OpenSSH SHA256 form"
ok "$([ -f "$kh" ]; echo $?)" "accept-new created known_hosts"
is "$(stat -c %a "$kh" 2>/dev/null)" 600 "known_hosts created 0600"
is "$(awk '{print $1, $2}' "$kh")" "[127.0.0.1]:$port ssh-ed25519" \
	"the entry is [127.0.0.1]:PORT with the key type"
is "$(ssh-keygen -F "[127.0.0.1]:$port" -f "$kh" | grep -vc '^#')" 1 \
	"ssh-keygen finds the entry"
wait_log 'userauth-request' ; ok $? "the log shows auth requests (control)"

tool -k "$kh" -i "$tmp/id_ed25519" 127.0.0.1 exit
is "$rc" 0 "a second connect passes strict"
[ "$rc" -eq 0 ] || echo "# $err"
is "$(wc -l <"$kh")" 1 "nothing more was appended"

# ------------------------------------------------------------ keys
tool -k "$kh" -i "$tmp/id_rsa" 127.0.0.1 "$shell_lines" exit
is "$rc" 0 "RSA key login (public key derived, no .pub file)"
[ "$rc" -eq 0 ] || echo "# $err"
has "$out" "mark-42" "RSA session works"

PP='correct horse'; export PP
tool -k "$kh" -i "$tmp/id_pp" -P PP 127.0.0.1 exit
is "$rc" 0 "key with a passphrase from a passphrase secret"
[ "$rc" -eq 0 ] || echo "# $err"
PP='wrong battery'
tool -k "$kh" -i "$tmp/id_pp" -P PP 127.0.0.1 exit
is "$rc" 1 "a wrong passphrase fails"
has "$err" "ERR_AUTH" "wrong passphrase is ERR_AUTH"
has "$err" "cannot use the key" "and says the key could not be used"
lacks "$err" "wrong battery" "the passphrase is not in the message"
unset PP

mark_log
tool -k "$kh" -i "$tmp/id_stranger" 127.0.0.1 exit
is "$rc" 1 "a key not in authorized_keys is refused"
has "$err" "ERR_AUTH" "wrong key is ERR_AUTH"
has "$err" "tried publickey $tmp/id_stranger (refused)" "names what was tried"
has "$err" "server offers publickey" "names what the server offers"
lacks "$out" "auth:" "no session"

tool -k "$kh" -i "$tmp/id_ed25519" -M password 127.0.0.1 exit
is "$rc" 1 "methods limited to password: nothing to try"
has "$err" "no method to try" "says there was no method to try"

# ------------------------------------------------------------ agent
eval "$(ssh-agent -s -a "$tmp/agent.sock")" >/dev/null
agent_pid=$SSH_AGENT_PID
ssh-add -q "$tmp/id_agent" 2>/dev/null
ok $? "ssh-add"
tool -k "$kh" -A 127.0.0.1 "$shell_lines" exit
is "$rc" 0 "ssh-agent login"
[ "$rc" -eq 0 ] || echo "# $err"
is "$(printf '%s\n' "$out" | sed -n 's/^auth: //p')" agent "method is agent"
has "$out" "mark-42" "agent session works"
# The agent's key is refused for a user that does not exist; the key file
# is tried after it.
tool -k "$kh" -A -i "$tmp/id_stranger" -l no-such-user-x 127.0.0.1 exit
has "$err" "tried agent (1 key refused), publickey" "agent first, then the key file"
kill "$agent_pid" 2>/dev/null
agent_pid=
unset SSH_AUTH_SOCK SSH_AGENT_PID
tool -k "$kh" -A 127.0.0.1 exit
has "$err" "agent (no agent" "no agent: said so"

# ------------------------------------------------------------ host keys
: >"$tmp/kh_empty"
mark_log
tool -k "$tmp/kh_empty" -i "$tmp/id_ed25519" 127.0.0.1 exit
is "$rc" 1 "unknown host key under strict is refused"
has "$err" "ERR_HOSTKEY_UNKNOWN" "ERR_HOSTKEY_UNKNOWN"
has "$err" "SHA256:" "the message shows the offered fingerprint"
wait_log "$conn_done"; ok $? "sshd saw the connection end"
is "$(new_log | grep -c 'userauth-request')" 0 "no auth attempt (unknown key)"
is "$(wc -c <"$tmp/kh_empty")" 0 "strict wrote nothing"

tool -k "$tmp/kh_missing" -i "$tmp/id_ed25519" 127.0.0.1 exit
has "$err" "ERR_HOSTKEY_UNKNOWN" "a missing file under strict: unknown"
has "$err" "no such file" "and says the file is missing"

printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$tmp/other_host.pub")" \
	>"$tmp/kh_changed"
cp "$tmp/kh_changed" "$tmp/kh_changed.orig"
for pol in "" -n; do
	mark_log
	tool $pol -k "$tmp/kh_changed" -i "$tmp/id_ed25519" 127.0.0.1 exit
	is "$rc" 1 "changed host key refused ${pol:-strict}"
	has "$err" "ERR_HOSTKEY_CHANGED" "ERR_HOSTKEY_CHANGED ${pol:-strict}"
	has "$err" "$fp_ed" "shows the server's fingerprint"
	has "$err" "$fp_other" "shows the known fingerprint"
	has "$err" "line 1" "names the known_hosts line"
	wait_log "$conn_done"; ok $? "sshd saw the connection end"
	is "$(new_log | grep -c 'userauth-request')" 0 \
		"no auth attempt (changed key, ${pol:-strict})"
done
cmp -s "$tmp/kh_changed" "$tmp/kh_changed.orig"
ok $? "accept-new left the file with the changed key alone"

# OpenSSH's own tools write the entries: hashed, and [host]:port.
ssh-keyscan -p "$port" -t ed25519,rsa 127.0.0.1 >"$tmp/kh_scan" 2>/dev/null
has "$(cat "$tmp/kh_scan")" "[127.0.0.1]:$port " "ssh-keyscan wrote [host]:port entries"
tool -k "$tmp/kh_scan" -i "$tmp/id_ed25519" 127.0.0.1 exit
is "$rc" 0 "ssh-keyscan's [127.0.0.1]:PORT entries recognised"
[ "$rc" -eq 0 ] || echo "# $err"
ssh-keygen -q -H -f "$tmp/kh_scan" >/dev/null 2>&1
has "$(cat "$tmp/kh_scan")" "|1|" "ssh-keygen -H hashed the file"
lacks "$(cat "$tmp/kh_scan")" "127.0.0.1" "no plain name left"
tool -k "$tmp/kh_scan" -i "$tmp/id_ed25519" 127.0.0.1 exit
is "$rc" 0 "hashed entries recognised"
[ "$rc" -eq 0 ] || echo "# $err"

# Only the RSA key known: the RSA host key must be asked for first.
ssh-keyscan -p "$port" -t rsa 127.0.0.1 >"$tmp/kh_rsa" 2>/dev/null
{ echo "# a comment"; echo "otherhost ssh-foo AAAAunknowntype"; \
  echo "@cert-authority * ssh-ed25519 AAAAC3Nz"; cat "$tmp/kh_rsa"; } \
	>"$tmp/kh_rsa2"
tool -k "$tmp/kh_rsa2" -i "$tmp/id_ed25519" 127.0.0.1 exit
is "$rc" 0 "host known by its RSA key only: accepted"
[ "$rc" -eq 0 ] || echo "# $err"
has "$out" "fingerprint: $fp_rsa" "the RSA host key was negotiated"

# Known by a key type the server does not have: refused, even accept-new.
kg ecdsa '' other-ecdsa "$tmp/other_ecdsa"
printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$tmp/other_ecdsa.pub")" \
	>"$tmp/kh_ecdsa"
tool -n -k "$tmp/kh_ecdsa" -i "$tmp/id_ed25519" 127.0.0.1 exit
has "$err" "ERR_HOSTKEY_UNKNOWN" "known by other key types only: refused under accept-new"
has "$err" "has only ECDSA keys" "and says which types are known"
is "$(wc -l <"$tmp/kh_ecdsa")" 1 "nothing was added"

# @revoked
{ printf '@revoked * '; cut -d' ' -f1,2 "$tmp/hk_ed25519.pub"; cat "$kh"; } \
	>"$tmp/kh_revoked"
tool -k "$tmp/kh_revoked" -i "$tmp/id_ed25519" 127.0.0.1 exit
has "$err" "ERR_HOSTKEY_CHANGED" "a @revoked key is refused"
has "$err" "@revoked" "and says so"

# Parallel sessions adding the same host to one new file.
rm -f "$tmp/kh_par"
for n in 1 2 3 4 5 6; do
	"$TOOL" -l "$me" -p "$port" -t 5000 -r 3000 -n -k "$tmp/kh_par" \
		-i "$tmp/id_ed25519" 127.0.0.1 exit >"$tmp/par$n.out" \
		2>"$tmp/par$n.err" &
	eval "par$n=\$!"
done
par_fail=0
for n in 1 2 3 4 5 6; do
	eval "wait \$par$n" || par_fail=$((par_fail + 1))
done
is "$par_fail" 0 "six parallel accept-new sessions succeed"
is "$(grep -c . "$tmp/kh_par")" 1 "the key was added once"
is "$(ssh-keygen -F "[127.0.0.1]:$port" -f "$tmp/kh_par" | grep -vc '^#')" 1 \
	"and the file is valid"

# ------------------------------------------------------------ keepalive
mark_log
tool -k "$kh" -i "$tmp/id_ed25519" -K 1 -r 2600 127.0.0.1 "$shell_lines"
has "$out" "--- end: timeout" "read for the whole time"
has "$out" "mark-42" "session works with keepalive"
wait_log 'keepalive@libssh2.org'; ok $? "keepalives reached sshd"

# ------------------------------------------------------------ IPv6
if [ $have_v6 -eq 1 ]; then
	rm -f "$tmp/kh6"
	tool -n -k "$tmp/kh6" -i "$tmp/id_ed25519" ::1 "$shell_lines" exit
	is "$rc" 0 "IPv6 ::1 login"
	[ "$rc" -eq 0 ] || echo "# $err"
	has "$out" "mark-42" "IPv6 session works"
	is "$(awk '{print $1}' "$tmp/kh6")" "[::1]:$port" "IPv6 entry is [::1]:PORT"
	# localhost gives ::1 and 127.0.0.1: whichever answers is used.
	printf 'localhost %s\n' "$(cut -d' ' -f1,2 "$tmp/hk_ed25519.pub")" >"$tmp/kh_lh"
	tool -k "$tmp/kh_lh" -i "$tmp/id_ed25519" localhost exit
	is "$rc" 0 "localhost (a name with several addresses)"
	[ "$rc" -eq 0 ] || echo "# $err"
else
	echo "ok $((tap_n + 1)) # SKIP no IPv6 loopback"; tap_n=$((tap_n + 1))
fi

# ------------------------------------------------------------ failures
closed=$(free_port)
tool -p "$closed" -k "$kh" -i "$tmp/id_ed25519" 127.0.0.1 exit
is "$rc" 1 "closed port fails"
has "$err" "ERR_CONNECT" "closed port is ERR_CONNECT"
has "$err" "Connection refused" "with the reason"

tool -k "$kh" -i "$tmp/id_ed25519" no-such-host.invalid exit
has "$err" "ERR_RESOLVE" "a name that does not resolve is ERR_RESOLVE"

"$PY" -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
' >"$tmp/lsn.port" &
lsn_pid=$!
i=0
while [ ! -s "$tmp/lsn.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
lport=$(cat "$tmp/lsn.port")
t0=$("$PY" -c 'import time; print(int(time.monotonic()*1000))')
run "$TOOL" -l "$me" -p "$lport" -t 1000 -k "$kh" -i "$tmp/id_ed25519" 127.0.0.1 exit
t1=$("$PY" -c 'import time; print(int(time.monotonic()*1000))')
has "$err" "ERR_TIMEOUT" "a listener that never speaks: ERR_TIMEOUT"
has "$err" "SSH handshake" "during the handshake"
ms=$((t1 - t0))
ok "$([ $ms -ge 900 ] && [ $ms -lt 3000 ]; echo $?)" "within the connect timeout (${ms} ms for 1000)"
printf '%s\n' "$err" >>"$tmp/all.err"

# Under ASan/UBSan a leak or UB on any path, failing ones included.
lacks "$(cat "$tmp/all.err")" "Sanitizer" "no sanitizer report from any run"
lacks "$(cat "$tmp/all.err")" "runtime error" "no UBSan runtime error"

tap_done

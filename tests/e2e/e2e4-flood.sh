#!/bin/sh
# e2e4-flood.sh: 100 MiB of CLI output through certregen's engine over real
# SSH within bounded memory.  vos-sim has no command that prints that much,
# so a real OpenSSH sshd on 127.0.45.1 runs tests/e2e/e2e4-fakecli.py as
# the node's CLI (PTY, echo, banner, admin:).  10 MiB through certregen cli
# comes out whole; 100 MiB ends in a clear error (node, step, the capture
# ceiling), and certregen's max RSS (/usr/bin/time -f %M) stays far below
# the output's size in both cases.  Range 127.0.45.x.
. "${top_srcdir:-.}/tests/lib.sh"
[ -x "$CERTREGEN" ] || skip_all "certregen is not built"
SSHD=/usr/sbin/sshd
PY="${PYTHON3:-python3}"
[ -x "$SSHD" ] || skip_all "no $SSHD"
[ -x /usr/bin/time ] || skip_all "no /usr/bin/time"
command -v ssh-keygen >/dev/null 2>&1 || skip_all "no ssh-keygen"
CERTREGEN_DIALOG_DIR="$top_srcdir/expect"
export CERTREGEN_DIALOG_DIR
# Under AddressSanitizer freed memory sits in its quarantine (256 MB by
# default) and would count as RSS: keep it small so that the figure
# measures certregen.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1"
export ASAN_OPTIONS

me=$(id -un)
sshd_pid=
trap '[ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

runner=
if [ "$(id -u)" -eq 0 ] && [ ! -d /run/sshd ]; then
	if unshare -m sh -c 'mount -t tmpfs tmpfs /run' 2>/dev/null; then
		runner=ns
	else
		skip_all "root without /run/sshd and no unshare -m"
	fi
fi

ssh-keygen -q -t ed25519 -N '' -C host -f "$tmp/hk" </dev/null
ssh-keygen -q -t ed25519 -N '' -C user -f "$tmp/id" </dev/null
cp "$tmp/id.pub" "$tmp/authorized_keys"
echo 10 >"$tmp/flood_mb"

log="$tmp/sshd.log"
: >"$log"
for attempt in 1 2 3; do
	port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.45.1",0)); print(s.getsockname()[1])')
	cat >"$tmp/sshd_config" <<EOF
Port $port
ListenAddress 127.0.45.1
HostKey $tmp/hk
AuthorizedKeysFile $tmp/authorized_keys
PidFile none
StrictModes no
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
PrintMotd no
PrintLastLog no
ForceCommand $PY $top_srcdir/tests/e2e/e2e4-fakecli.py $tmp/flood_mb
EOF
	if [ "$runner" = ns ]; then
		unshare -m sh -c 'mount -t tmpfs tmpfs /run &&
			mkdir -m 755 /run/sshd && exec "$@"' sh \
			"$SSHD" -D -e -f "$tmp/sshd_config" 2>>"$log" &
	else
		"$SSHD" -D -e -f "$tmp/sshd_config" 2>>"$log" &
	fi
	sshd_pid=$!
	i=0
	while [ $i -lt 50 ] && ! grep -q "Server listening on 127.0.45.1 port $port" "$log"; do
		kill -0 "$sshd_pid" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	grep -q "Server listening on 127.0.45.1 port $port" "$log" && break
	kill "$sshd_pid" 2>/dev/null
	wait "$sshd_pid" 2>/dev/null
	sshd_pid=
done
[ -n "$sshd_pid" ] || { sed 's/^/# /' "$log"; skip_all "sshd did not start"; }
echo "[127.0.45.1]:$port $(cut -d' ' -f1,2 "$tmp/hk.pub")" >"$tmp/known_hosts"

cat >"$tmp/site.conf" <<EOF
name = "e2e4-flood";
publishers = { imp = "FLOOD"; };
nodes = ( { name = "FLOOD"; host = "127.0.45.1"; port = $port; } );
ssh = { known_hosts = "$tmp/known_hosts"; connect_timeout = 5;
  login_timeout = 10; command_timeout = 20; keepalive = 0; };
credentials = { user = "$me"; private_key = "$tmp/id"; };
paths = { state_dir = "$tmp/cr-state"; log_dir = "$tmp/cr-log"; };
log = { transcripts_keep = 1; };
EOF

# crt ARGS: certregen under /usr/bin/time; stdout to $tmp/out, max RSS in KiB to $rss
crt() {
	/usr/bin/time -f '%M' -o "$tmp/rss" "$CERTREGEN" -c "$tmp/site.conf" "$@" \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	err=$(cat "$tmp/err")
	rss=$(tail -n 1 "$tmp/rss")
	case "$err" in
	*Sanitizer*|*"runtime error"*)
		ok 1 "certregen $*: no sanitizer report"
		printf '%s\n' "$err" | sed 's/^/#   /' | head -n 30 ;;
	esac
	echo "# certregen $*: exit $rc, max RSS $rss KiB, $(wc -c <"$tmp/out") bytes out"
}

crt cli FLOOD 'show version active'
is "$rc" 0 "the stand-in CLI answers over real SSH"
[ "$rc" -eq 0 ] || { echo "# $err"; sed 's/^/# /' "$log" | tail -n 20; }
has "$(cat "$tmp/out")" "Active Master Version: 14.0.1.12900-2" "its output is printed"

lines() {  # lines MIB: how many lines the stand-in prints for MIB MiB
	echo $(( (($1 * 1024 * 1024) + 73999) / 74000 * 2000 ))
}

# certregen cli streams: 10 MiB and 100 MiB come out whole, in bounded memory.
for mb in 10 100; do
	echo $mb >"$tmp/flood_mb"
	t0=$(date +%s)
	crt cli FLOOD 'utils service list'
	took=$(( $(date +%s) - t0 ))
	is "$rc" 0 "$mb MiB: cli exits 0"
	[ "$rc" -eq 0 ] || echo "# $err"
	want=$(lines $mb)
	got=$(grep -c '^Cisco Flood Service [0-9]*\[STARTED\]$' "$tmp/out")
	is "$got" "$want" "$mb MiB: every one of the $want lines printed, nothing else"
	is "$(wc -l <"$tmp/out" | tr -d ' ')" "$want" "$mb MiB: no prompt or pager text in the output"
	ok "$([ "$rss" -lt 40000 ]; echo $?)" "$mb MiB: max RSS $rss KiB stays bounded (< 40 MB)"
	ok "$([ "$took" -lt 90 ]; echo $?)" "$mb MiB: done in ${took}s"
done

# A parsed command keeps its capture ceiling (16 MiB): 100 MiB of
# show cert list own ends in a clear error, in bounded memory.
crt inventory
is "$rc" 1 "100 MiB show cert list own: inventory exits 1"
has "$err" "FLOOD" "100 MiB: the error names the node"
has "$err" "cert-list" "100 MiB: the error names the step"
has "$err" "larger than 16777216 bytes" "100 MiB: the error says the output is too large"
ok "$([ "$rss" -lt 80000 ]; echo $?)" "100 MiB: max RSS $rss KiB stays far below 100 MiB (< 80 MB)"
tap_done

#!/bin/sh
# cert_probe_tls on loopback: direct TLS against openssl s_server, XMPP
# STARTTLS (jabber:client and jabber:server) against a python3 helper, and
# the failures: refused port, silent server (timeout), STARTTLS refused or
# not offered, wrong namespace, TLS alert.  Every server is killed on exit.
. "${top_srcdir:-.}/tests/lib.sh"

PY=${PYTHON3:-python3}
TOOL="$top_builddir/tests/unit/cert-probe-tool"
command -v openssl >/dev/null 2>&1 || skip_all "no openssl binary"
command -v "$PY" >/dev/null 2>&1 || skip_all "no python3"
[ -x "$TOOL" ] || skip_all "no $TOOL (make check builds it)"

pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/k.pem" \
	-out "$tmp/c.pem" -days 30 -subj "/CN=probe.example.com" \
	-set_serial 0x00c0ffee01 >/dev/null 2>&1 || skip_all "openssl req failed"
want_serial=c0ffee01
want_sha=$(openssl x509 -in "$tmp/c.pem" -noout -fingerprint -sha256 |
	sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')

# A port nobody listens on (bound then released; loopback only).
free_port() {
	"$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_port PORT: until something accepts on 127.0.0.1:PORT (5 s at most).
wait_port() {
	"$PY" - "$1" <<'PYEOF'
import socket, sys, time
end = time.time() + 5
while time.time() < end:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PYEOF
}

# xmpp NAME NS MODE: start the helper; sets $port.
xmpp() {
	rm -f "$tmp/$1.port"
	"$PY" "$top_srcdir/tests/xmpp-tls-server.py" --cert "$tmp/c.pem" \
		--key "$tmp/k.pem" --port-file "$tmp/$1.port" \
		--log "$tmp/$1.log" --ns "$2" --mode "$3" 2>"$tmp/$1.err" &
	pids="$pids $!"
	i=0
	while [ ! -s "$tmp/$1.port" ] && [ $i -lt 100 ]; do
		sleep 0.05; i=$((i + 1))
	done
	port=$(cat "$tmp/$1.port" 2>/dev/null)
}

probe() {  # probe HOST PORT MODE DOMAIN TIMEOUT_MS
	run "$TOOL" "$@"
}

# ------------------------------------------------------------ direct TLS
sport=$(free_port)
openssl s_server -accept "127.0.0.1:$sport" -cert "$tmp/c.pem" \
	-key "$tmp/k.pem" -quiet -naccept 3 </dev/null >"$tmp/s_server.out" \
	2>&1 &
pids="$pids $!"
wait_port "$sport"
ok $? "openssl s_server listens on 127.0.0.1:$sport"
probe 127.0.0.1 "$sport" direct - 3000
is "$rc" 0 "direct TLS probe succeeds"
has "$out" "serial=$want_serial" "direct: the served serial"
has "$out" "sha256=$want_sha" "direct: the served SHA-256"
has "$out" "self=1" "direct: self-signed"
# By name: SNI is sent, and ::1 (if tried first) falls back to 127.0.0.1.
probe localhost "$sport" direct - 3000
is "$rc" 0 "direct TLS probe by name"
has "$out" "sha256=$want_sha" "by name: the served SHA-256"

# TLS 1.2 server that insists on a client certificate: a handshake alert.
aport=$(free_port)
openssl s_server -accept "127.0.0.1:$aport" -cert "$tmp/c.pem" \
	-key "$tmp/k.pem" -quiet -naccept 2 -tls1_2 -Verify 1 \
	-verify_return_error </dev/null >"$tmp/s_alert.out" 2>&1 &
pids="$pids $!"
wait_port "$aport"
probe 127.0.0.1 "$aport" direct - 3000
is "$rc" 1 "TLS alert: failure"
has "$err" "error ERR_TLS: TLS handshake failed" "TLS alert: ERR_TLS"
has "$err" "alert" "TLS alert: OpenSSL's reason quoted"

# ------------------------------------------------------------ XMPP
xmpp c2s jabber:client ok
probe 127.0.0.1 "$port" client example.com 3000
is "$rc" 0 "XMPP jabber:client STARTTLS probe succeeds"
has "$out" "sha256=$want_sha" "c2s: the served SHA-256"
has "$(cat "$tmp/c2s.log")" "xmlns='jabber:client'" "c2s: jabber:client header"
has "$(cat "$tmp/c2s.log")" "to='example.com'" "c2s: to= the domain"
probe 127.0.0.1 "$port" server example.com 3000
is "$rc" 1 "jabber:server header to a c2s port fails"
has "$err" "error ERR_TLS: XMPP: the server sent a stream error" \
	"wrong namespace: stream error reported"

xmpp s2s jabber:server ok
probe 127.0.0.1 "$port" server example.org 3000
is "$rc" 0 "XMPP jabber:server STARTTLS probe succeeds"
has "$out" "serial=$want_serial" "s2s: the served serial"
has "$(cat "$tmp/s2s.log")" "xmlns='jabber:server'" "s2s: jabber:server header"
has "$(cat "$tmp/s2s.log")" "to='example.org'" "s2s: to= the domain"
probe 127.0.0.1 "$port" server - 3000
is "$rc" 0 "no domain given: the host is the domain"
has "$(cat "$tmp/s2s.log")" "to='127.0.0.1'" "s2s: to= the host"

xmpp refuse jabber:client refuse
probe 127.0.0.1 "$port" client example.com 3000
is "$rc" 1 "STARTTLS refused: failure"
has "$err" "error ERR_TLS: XMPP: STARTTLS refused by the server" \
	"STARTTLS refused: reason"

xmpp nostls jabber:client nostarttls
probe 127.0.0.1 "$port" client example.com 3000
is "$rc" 1 "no STARTTLS offered: failure"
has "$err" "does not offer STARTTLS" "no STARTTLS offered: reason"

# ------------------------------------------------------------ failures
rport=$(free_port)
probe 127.0.0.1 "$rport" direct - 3000
is "$rc" 1 "refused port: failure"
has "$err" "error ERR_CONNECT: connection refused by 127.0.0.1 port $rport" \
	"refused port: reason"

xmpp silent jabber:client silent
t0=$(date +%s)
probe 127.0.0.1 "$port" direct - 1000
t1=$(date +%s)
is "$rc" 1 "silent server, direct TLS: failure"
has "$err" "error ERR_TIMEOUT: timed out in the TLS handshake" \
	"silent server, direct TLS: timeout"
probe 127.0.0.1 "$port" client example.com 1000
t2=$(date +%s)
has "$err" "error ERR_TIMEOUT: XMPP: timed out waiting for stream features" \
	"silent server, XMPP: timeout"
ok $(( (t1 - t0) <= 3 && (t2 - t1) <= 3 ? 0 : 1 )) \
	"timeouts bounded (~1 s each: $((t1 - t0)) s, $((t2 - t1)) s)"

tap_done

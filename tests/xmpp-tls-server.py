#!/usr/bin/env python3
"""A tiny XMPP STARTTLS server for tests/cert-probe.sh (loopback only).

It listens on 127.0.0.1 on a free port (written to --port-file), answers
the stream header of one namespace (jabber:client or jabber:server),
offers STARTTLS and, after <proceed/>, does the TLS handshake with the
given certificate.  --mode picks a misbehaviour: ok, refuse (send
<failure/>), nostarttls (features without starttls) or silent (accept and
never answer).  Each stream header received is appended to --log.
"""
import argparse
import socket
import ssl
import sys
import time

NS_STREAM = "http://etherx.jabber.org/streams"


def read_until(conn, buf, needles, limit=65536):
    while not any(n in buf for n in needles):
        if len(buf) > limit:
            raise ValueError("too much data")
        chunk = conn.recv(4096)
        if not chunk:
            raise EOFError("client closed")
        buf += chunk
    return buf


def handle(conn, args, ctx):
    if args.mode == "silent":
        # Hold the connection without a byte until the client gives up.
        conn.settimeout(args.silent_seconds)
        try:
            while conn.recv(4096):
                pass
        except socket.timeout:
            pass
        return
    buf = read_until(conn, b"", [b"version='1.0'>", b'version="1.0">'])
    with open(args.log, "ab") as log:
        log.write(buf + b"\n")
    want = ("xmlns='%s'" % args.ns).encode()
    conn.sendall(("<?xml version='1.0'?><stream:stream xmlns='%s' "
                  "xmlns:stream='%s' from='example.com' id='t1' "
                  "version='1.0'>" % (args.ns, NS_STREAM)).encode())
    if want not in buf:
        conn.sendall(b"<stream:error><invalid-namespace xmlns='urn:ietf:"
                     b"params:xml:ns:xmpp-streams'/></stream:error>"
                     b"</stream:stream>")
        return
    if args.mode == "nostarttls":
        conn.sendall(b"<stream:features><mechanisms xmlns='urn:ietf:params:"
                     b"xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"
                     b"</mechanisms></stream:features>")
        time.sleep(0.5)
        return
    conn.sendall(b"<stream:features><starttls xmlns='urn:ietf:params:xml:"
                 b"ns:xmpp-tls'><required/></starttls></stream:features>")
    read_until(conn, b"", [b"<starttls"])
    if args.mode == "refuse":
        conn.sendall(b"<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
                     b"</stream:stream>")
        return
    conn.sendall(b"<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
    tls = ctx.wrap_socket(conn, server_side=True)
    try:
        tls.settimeout(2)
        tls.recv(1)
    except (ssl.SSLError, OSError, socket.timeout):
        pass
    tls.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--ns", default="jabber:client")
    ap.add_argument("--mode", default="ok",
                    choices=["ok", "refuse", "nostarttls", "silent"])
    ap.add_argument("--silent-seconds", type=float, default=5.0)
    ap.add_argument("--max-conn", type=int, default=20)
    args = ap.parse_args()

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
    srv.settimeout(60)   # never outlive a broken test by much
    for _ in range(args.max_conn):
        try:
            conn, _addr = srv.accept()
        except socket.timeout:
            break
        conn.settimeout(5)
        try:
            handle(conn, args, ctx)
        except Exception as e:  # report, keep serving
            print("xmpp-tls-server: %s" % e, file=sys.stderr)
        finally:
            conn.close()


if __name__ == "__main__":
    main()

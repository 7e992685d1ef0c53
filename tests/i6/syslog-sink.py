#!/usr/bin/env python3
"""syslog-sink.py SOCKET OUT: a syslog daemon for tests.  Binds a unix
datagram socket at SOCKET, writes SOCKET.ready, and appends each datagram
received to OUT, one a line, until SIGTERM (standard library only)."""
import os
import signal
import socket
import sys

path, out = sys.argv[1], sys.argv[2]
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
try:
    os.unlink(path)
except FileNotFoundError:
    pass
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
open(path + ".ready", "w").close()
with open(out, "ab", buffering=0) as f:
    while True:
        data = s.recv(65536)
        f.write(data.replace(b"\n", b"\\n") + b"\n")

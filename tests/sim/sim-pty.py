#!/usr/bin/env python3
"""sim-pty.py: drive a command (OpenSSH's ssh) through a real PTY with a
tiny expect-like script, so the tests see vos-sim as a terminal user does.

usage: sim-pty.py [--rows N] [--cols N] [--log FILE] SCRIPT -- COMMAND...

SCRIPT has one step a line ('#' starts a comment):
  expect REGEX      wait (timeout) for a Python regex in new output
  send TEXT         send TEXT; \\r \\n \\t \\xNN escapes are decoded
  type MS TEXT      send TEXT one character every MS milliseconds
  timeout SECONDS   timeout of the next expects (default 10)
  sleep SECONDS     pause
  winsize ROWS COLS resize the PTY (SIGWINCH reaches ssh)
  eof               wait for the command to end
Exit status 0 when every step passed, 1 otherwise (the failing step and
the unmatched output tail go to stderr); the transcript goes to --log.
"""
import codecs
import fcntl
import os
import pty
import re
import select
import struct
import sys
import termios
import time


def set_winsize(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def main():
    args = sys.argv[1:]
    rows, cols, log = 50, 200, None
    while args and args[0].startswith("--") and args[0] != "--":
        opt = args.pop(0)
        if opt == "--rows":
            rows = int(args.pop(0))
        elif opt == "--cols":
            cols = int(args.pop(0))
        elif opt == "--log":
            log = args.pop(0)
        else:
            sys.exit("sim-pty.py: unknown option " + opt)
    if len(args) < 3 or args[1] != "--":
        sys.exit(__doc__)
    script, cmd = args[0], args[2:]
    with open(script) as f:
        steps = [l.rstrip("\n") for l in f]

    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    set_winsize(fd, rows, cols)
    seen = b""      # everything so far
    pos = 0         # where the next expect starts looking
    timeout = 10.0
    eof = False

    def read_some(deadline):
        nonlocal seen, eof
        left = deadline - time.monotonic()
        if left <= 0 or eof:
            return False
        r, _, _ = select.select([fd], [], [], min(left, 0.2))
        if fd in r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            if not data:
                eof = True
                return False
            seen += data
        return True

    def fail(msg):
        sys.stderr.write("sim-pty.py: %s\n--- output since last match ---\n"
                         % msg)
        sys.stderr.write(seen[pos:][-2000:].decode("utf-8", "replace"))
        sys.stderr.write("\n---\n")
        finish(1)

    def finish(rc):
        if log:
            with open(log, "wb") as f:
                f.write(seen)
        try:
            os.kill(pid, 15)
        except OSError:
            pass
        try:
            os.waitpid(pid, 0)
        except OSError:
            pass
        sys.exit(rc)

    for n, step in enumerate(steps, 1):
        s = step.strip()
        if not s or s.startswith("#"):
            continue
        verb, _, arg = s.partition(" ")
        if verb == "expect":
            rx = re.compile(arg.encode(), re.S)
            deadline = time.monotonic() + timeout
            while True:
                m = rx.search(seen, pos)
                if m:
                    pos = m.end()
                    break
                if not read_some(deadline) and (eof or
                                                time.monotonic() >= deadline):
                    fail("step %d: %s: %s" % (n, "EOF" if eof else
                                              "timeout", s))
        elif verb == "send":
            os.write(fd, codecs.decode(arg, "unicode_escape").encode("latin-1"))
        elif verb == "type":
            ms, _, text = arg.partition(" ")
            for ch in codecs.decode(text, "unicode_escape"):
                os.write(fd, ch.encode("latin-1"))
                time.sleep(int(ms) / 1000.0)
        elif verb == "timeout":
            timeout = float(arg)
        elif verb == "sleep":
            deadline = time.monotonic() + float(arg)
            while read_some(deadline) or time.monotonic() < deadline:
                if eof:
                    break
        elif verb == "winsize":
            r, c = arg.split()
            set_winsize(fd, int(r), int(c))
        elif verb == "eof":
            deadline = time.monotonic() + timeout
            while not eof:
                if not read_some(deadline) and not eof and \
                        time.monotonic() >= deadline:
                    fail("step %d: no EOF" % n)
        else:
            fail("step %d: unknown step %r" % (n, verb))
    finish(0)


if __name__ == "__main__":
    main()

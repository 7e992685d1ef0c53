#!/usr/bin/env python3
"""peer-pexpect.py: pexpect (Debian's python3-pexpect) on stdin with the
patterns of bench/expect-bench.c: the pager, the failure trailer, the
prompt and a service line; it loops over service lines until the prompt
and prints `lines L pager P`."""
import re
import sys

import pexpect
import pexpect.fdpexpect

PAGER = rb"Press <enter> for 1 line, <space> for one page, or <q> to quit"
FAIL = rb"[Ee]xecuted command unsuccessfully"
PROMPT = rb"admin:"
SVC = rb"[A-Za-z][A-Za-z ]*\[ ?(STARTED|STOPPED|STARTING|STOPPING)"

child = pexpect.fdpexpect.fdspawn(sys.stdin.fileno(), timeout=30,
                                  maxread=16384)
pats = [re.compile(PAGER), re.compile(FAIL), re.compile(PROMPT),
        re.compile(SVC)]
lines = pager = 0
while True:
    i = child.expect(pats)
    if i == 0:
        pager += 1
    elif i == 1:
        sys.exit("peer-pexpect: the failure trailer")
    elif i == 2:
        break
    else:
        lines += 1
print("lines %d pager %d" % (lines, pager))

#!/bin/sh
# Progress: on a terminal, a live status block, one line a node (steps
# done of its total, the current step) redrawn in place; no time stamps.
# Off a terminal, time-stamped lines and no escape sequence.
# Range 127.0.65.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/i6/i6-lib.sh"

I6_IMPPUB='validity = { tomcat = 10; };'
i6_cluster 127.0.65
i6_fresh || { ok 1 "vos-sim starts"; tap_done; exit 1; }
i6_site 127.0.65

# on_tty ARGS...: certregen ARGS on a pseudo-terminal; everything it
# wrote goes to $tmp/tty.out; its exit status.
on_tty() {
	TERM=xterm "$PYTHON3" - "$tmp/tty.out" "$CERTREGEN" -c "$tmp/site.conf" \
		"$@" <<'PY'
import os, pty, sys
out = sys.argv[1]
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
data = b""
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
_, st = os.waitpid(pid, 0)
open(out, "wb").write(data)
sys.exit(os.waitstatus_to_exitcode(st))
PY
}
on_tty renew --dry-run
is "$?" 0 "a dry run on a terminal: exit 0"
on_tty renew
is "$?" 0 "renew on a terminal: exit 0"
t=$(cat "$tmp/tty.out")
has "$t" "$(printf '\033[')" "the block is redrawn in place (cursor movements)"
printf '%s\n' "$t" | tr -d '\r' | grep -q '^  IMPPUB  *[0-9]*/[0-9]* .*regen  *tomcat.* \.\.\.'
ok $? "a node's line shows its current step"
printf '%s\n' "$t" | tr -d '\r' | grep -q '^  IMPSUB1  *3/3 '
ok $? "a node's line counts its steps (3 of 3 at the end)"
printf '%s\n' "$t" | tr -d '\r' | grep -q '^  cluster  *2/2 '
ok $? "the cluster's line (verify, export)"
printf '%s\n' "$t" | tr -d '\r' | grep -q '^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T'
ok $((1 - $?)) "on a terminal: no time stamps"

# Off a terminal: time stamps, no escapes (regen of the same unit again).
i6_cr regen --yes --cert tomcat
is "$rc" 0 "regen off a terminal: exit 0"
lacks "$err" "$(printf '\033')" "off a terminal: no escape sequence"
printf '%s\n' "$err" | grep -q '^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T.* regen  *tomcat'
ok $? "off a terminal: time-stamped step lines"
tap_done

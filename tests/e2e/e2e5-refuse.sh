#!/bin/sh
# Refusals before any change (exit 3, no change in the simulator's event
# log, no journal): outside the maintenance window (regen, prune-trust, and
# the resume of an interrupted run); SAML SSO enabled with tomcat in the
# plan unless --ack-sso; without --yes and without a terminal; "no" on a
# terminal.  --dry-run connects, plans and changes nothing.  With --ack-sso
# the tomcat regen runs, conformance clean.  Range 127.0.51.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/e2e/e2e5-lib.sh"

e5_cluster e2e5-refuse 127.0.51 - <<CONF
sso = true;
expired_trust = (
  { nodes = "*"; unit = "tomcat-trust"; cn = "old-root"; days_ago = 100; }
);
CONF
e5_fresh || { ok 1 "vos-sim starts"; tap_done; exit 1; }
ev="$tmp/state/events.jsonl"
nojournal() {
	st=$("$CERTREGEN" -c "$tmp/site.conf" status 2>&1)
	has "$st" "No run in progress" "$1: no run begun"
}

# A window twelve hours away (UTC).
h=$(date -u +%H | sed 's/^0//')
a=$(( (h + 12) % 24 ))
b=$(( a + 1 ))
outside=$(printf 'maintenance = { windows = [ "* %02d:00-%02d:00" ]; timezone = "UTC"; };' "$a" "$b")

E5_SITE_EXTRA=$outside e5_site 127.0.51
for cmd in regen prune-trust; do
	e5_cr $cmd --yes --ack-sso
	is "$rc" 3 "outside the window: $cmd refused (exit 3)"
	has "$err" "outside the maintenance window" "outside the window: $cmd says why"
	e5_unchanged "outside the window: $cmd"
	nojournal "outside the window: $cmd"
done

e5_site 127.0.51
e5_cr regen --yes
is "$rc" 3 "SSO on, tomcat in the plan: refused without --ack-sso (exit 3)"
has "$err" "SAML SSO is enabled" "SSO: says why"
has "$err" "--ack-sso" "SSO: says how to acknowledge"
e5_unchanged "SSO refusal"
nojournal "SSO refusal"
e5_cr regen --dry-run --cert tomcat
is "$rc" 3 "SSO on: a dry run with tomcat is refused too (exit 3)"
e5_cr regen --dry-run --cert cup-xmpp
is "$rc" 0 "SSO on: a plan without tomcat is not refused (dry run, exit 0)"

e5_cr regen --dry-run --ack-sso
is "$rc" 0 "--dry-run: exit 0"
has "$out" "regen   tomcat               on IMPSUB1" "--dry-run: prints the plan"
has "$err" "dry run: nothing was changed" "--dry-run: says nothing changed"
e5_cr prune-trust --dry-run
is "$rc" 0 "prune-trust --dry-run: exit 0"
has "$out" "delete  tomcat-trust/old-root" "prune-trust --dry-run: prints the plan"
e5_unchanged "--dry-run"
nojournal "--dry-run"
[ ! -d "$tmp/cr/state/backup" ]; ok $? "--dry-run: no backup taken"

e5_cr regen --ack-sso
is "$rc" 3 "no --yes, no terminal: refused (exit 3)"
has "$err" "not a terminal" "no terminal: says why"
e5_unchanged "no --yes"
nojournal "no --yes"

# On a terminal, answering no.
"$PYTHON3" - "$CERTREGEN" "$tmp/site.conf" >"$tmp/pty.out" 2>&1 <<'PY'
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "-c", sys.argv[2], "regen", "--ack-sso",
                           "--cert", "cup-xmpp"])
buf, t0, sent = b"", time.time(), False
while time.time() - t0 < 60:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            d = os.read(fd, 4096)
        except OSError:
            break
        if not d:
            break
        buf += d
        if not sent and b"(yes/no)?" in buf:
            os.write(fd, b"no\r")
            sent = True
_, st = os.waitpid(pid, 0)
sys.stdout.write(buf.decode("utf-8", "replace"))
sys.exit(os.waitstatus_to_exitcode(st))
PY
is "$?" 3 "on a terminal, answering no: exit 3"
has "$(cat "$tmp/pty.out")" "not confirmed; nothing was changed" "answering no: says so"
e5_unchanged "answering no"
nojournal "answering no"

# An interrupted run is not resumed outside the window.
e5_cr_bg regen --yes --ack-sso --cert tomcat
e5_check kill-journal "$tmp/cr/state/journal.jsonl" 1 "$cr_pid" 60 >/dev/null
ok $? "an interrupted run (killed at its first step)"
wait "$cr_pid"
e5_settle
size=$(wc -c <"$ev")
E5_SITE_EXTRA=$outside e5_site 127.0.51
e5_cr regen --yes --ack-sso --cert tomcat
is "$rc" 3 "outside the window: the resume is refused (exit 3)"
has "$err" "the interrupted run waits" "the resume refusal says why"
tail -c +$((size + 1)) "$ev" >"$tmp/ev.2"
is "$(e5_check changes "$tmp/ev.2")" "" "the refused resume changed nothing"
e5_site 127.0.51
e5_cr regen --yes --ack-sso --cert tomcat
e5_final "--ack-sso, resumed in the window" "IMPPUB tomcat 1
IMPSUB1 tomcat 1"
tap_done

#!/bin/sh
# Signals during a run that changes the cluster, and --dry-run with a
# pending journal:
# - SIGTERM while a restart command runs (and a second SIGTERM, ignored):
#   the restart finishes, nothing after it begins, the safe path turns HA
#   back on, the journal says interrupted, exit 1; the rerun resumes and
#   finishes;
# - SIGTERM while certregen waits for a service to reach STARTED (the
#   node returned to the prompt after [STARTING]): the wait wakes at once
#   (not at the next poll), the safe path waits for the service before HA
#   goes back on, exit 1; the rerun finishes;
# - SIGINT while a regen command runs: the regen finishes (journaled), the
#   next node is not begun; the rerun finishes;
# - kill -9 at a step, then regen --dry-run / renew --dry-run: no mutating
#   command reaches the cluster, the remaining steps are printed, exit 0;
#   the real rerun finishes; the same for prune-trust.
# Each ends with the conformance checker clean.  Range 127.0.140.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/e2e/e2e5-lib.sh"

CERTREGEN_TEST_BACKOFF_MS=100
export CERTREGEN_TEST_BACKOFF_MS

cluster() {  # cluster EXTRA-NODE-SETTINGS-OF-IMPSUB1
	e5_cluster e2e5-signal 127.0.140 - "$1" <<CONF
delays = { service_start = 400; regen = 400; };
expired_trust = (
  { nodes = [ "IMPPUB", "IMPSUB1" ]; unit = "cup-xmpp-trust"; cn = "old-peer"; days_ago = 30; }
);
CONF
}
e5_site 127.0.140
ev="$tmp/state/events.jsonl"
jr="$tmp/cr/state/journal.jsonl"
rep="$tmp/report.json"
want="IMPPUB cup-xmpp 1
IMPSUB1 cup-xmpp 1"

# sig_at OFFSET REGEX N PID SIG [SECOND-SIGNAL-AFTER-S] [THEN-REGEX]: send
# SIG to PID when the Nth line of the event log after byte OFFSET matches
# REGEX (with THEN-REGEX: at the first line matching it after that one);
# a second SIG follows after the given seconds (0: none).  Prints the
# line; exit 2 when it never came.
sig_at() {
	"$PYTHON3" - "$ev" "$@" <<'PY'
import os, re, signal, sys, time
path, off, rx, n, pid, sig = sys.argv[1], int(sys.argv[2]), \
    re.compile(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), \
    getattr(signal, sys.argv[6])
second = float(sys.argv[7]) if len(sys.argv) > 7 else 0
then = re.compile(sys.argv[8]) if len(sys.argv) > 8 else None
buf, seen, armed = b"", 0, False
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    with open(path, "rb") as f:
        f.seek(off)
        data = f.read()
    off += len(data)
    buf += data
    *lines, buf = buf.split(b"\n")
    for line in lines:
        s = line.decode("utf-8", "replace")
        if not armed and rx.search(s):
            seen += 1
            if seen == n:
                armed = True
                if then is None:
                    break
                continue
        if armed and then is not None and then.search(s):
            then = None
            break
    if armed and then is None:
        os.kill(pid, sig)
        print(s)
        if second > 0:
            time.sleep(second)
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        sys.exit(0)
    time.sleep(0.002)
print("timed out", file=sys.stderr)
sys.exit(2)
PY
}

# bg ARGS...: certregen in the background with SIGINT at its default (a
# shell's background job would ignore it): $cr_pid.
bg() {
	"$PYTHON3" -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$CERTREGEN" -c "$tmp/site.conf" "$@" \
		</dev/null >"$tmp/bg.out" 2>"$tmp/bg.err" &
	cr_pid=$!
}

# after_interrupt LABEL SIGNAL: the checks after an interrupted run.
after_interrupt() {
	is "$brc" 1 "$1: exit 1"
	berr=$(cat "$tmp/bg.err")
	has "$berr" "interrupted by $2" "$1: the message says interrupted"
	has "$berr" "run the same command again" "$1: and that the same command resumes"
	has "$berr" "the cluster was left safe" "$1: and that the cluster is safe"
	is "$(e5_check started "$tmp/state")" "" "$1: no service left stopped"
	is "$(e5_check ha "$tmp/state")" "" "$1: HA back on"
	has "$(grep '"ev":"run-interrupted"' "$jr")" "\"signal\":\"$2\"" \
		"$1: the journal says interrupted by $2"
	is "$(e5_check report "$rep" result)" failed "$1: the report says failed"
	is "$(e5_check report "$rep" interrupted)" "\"$2\"" "$1: the report says interrupted"
	is "$(e5_check report "$rep" safe)" true "$1: the report says safe"
	is "$(e5_check report "$rep" unsafe)" "[]" "$1: nothing unsafe in the report"
	st=$("$CERTREGEN" -c "$tmp/site.conf" status 2>&1)
	has "$st" "An interrupted $3 run is pending" "$1: status shows the pending run"
	e5_conform --allow-partial
	ok $? "$1: conformance clean (allowing the partial run)"
	[ -z "$conf_out" ] || printf '%s\n' "$conf_out" | sed 's/^/#   /'
}

# --- SIGTERM while a restart command runs; a second one is ignored
l="SIGTERM at a restart"
cluster ""
e5_fresh || { ok 1 "vos-sim starts"; tap_done; exit 1; }
off=$(wc -c <"$ev")
bg regen --yes --cert cup-xmpp --report "$rep"
line=$(sig_at "$off" '"node":"IMPPUB".*"line":"utils service restart Cisco XCP Router"' \
	1 "$cr_pid" SIGTERM 0.3)
ok $? "$l: signalled at the IMPPUB restart"
printf '#   at %s\n' "$line"
wait "$cr_pid"
brc=$?
after_interrupt "$l" SIGTERM regen
has "$berr" "signal ignored" "$l: the second signal is ignored, with a message"
is "$(e5_check svc "$ev" | grep -c 'IMPPUB Cisco XCP Router restart STARTED')" 1 \
	"$l: the restart in progress finished"
is "$(e5_check svc "$ev" | grep -c 'IMPSUB1 Cisco XCP Router restart')" 0 \
	"$l: the next restart was not begun"
has "$(e5_check report "$rep" left)" "restart:IMPSUB1:Cisco XCP Router" \
	"$l: the report's left has the next restart"
e5_cr regen --yes --cert cup-xmpp
has "$err" "resuming the interrupted regen run" "$l: the rerun resumes"
e5_final "$l, rerun" "$want"

# --- SIGTERM in a wait: IMPSUB1 returns to the prompt after [STARTING]
# and reaches STARTED 6 s later; certregen polls every 5 s.
l="SIGTERM at a wait"
cluster 'cli = { start_settle = 1200; };'
e5_fresh
sed -i 's/poll_interval = 1;/poll_interval = 5;/; s/default_timeout = 10;/default_timeout = 30;/' \
	"$tmp/site.conf"
off=$(wc -c <"$ev")
bg regen --yes --cert cup-xmpp --report "$rep"
line=$(sig_at "$off" '"node":"IMPSUB1".*"line":"utils service restart Cisco XCP Router"' \
	1 "$cr_pid" SIGTERM 0 '"node":"IMPSUB1".*"line":"utils service list"')
ok $? "$l: signalled while waiting for IMPSUB1"
printf '#   at %s\n' "$line"
wait "$cr_pid"
brc=$?
after_interrupt "$l" SIGTERM regen
has "$berr" "the wait was abandoned" "$l: the wait is abandoned"
has "$berr" "waiting for Cisco XCP Router on IMPSUB1 to be STARTED before High Availability" \
	"$l: the safe path waits for the service before HA goes on"
# The safe path's own `utils service list` comes at once, not after the
# 5 s poll interval: the signal woke the wait.
gap=$("$PYTHON3" - "$ev" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
lists = [e["t"] for e in ev if e["ev"] == "cmd" and e["node"] == "IMPSUB1"
         and e["line"] == "utils service list"]
rst = [e["t"] for e in ev if e["ev"] == "cmd" and e["node"] == "IMPSUB1"
       and e["line"].startswith("utils service restart")]
after = [t for t in lists if t > rst[-1]]
print(after[1] - after[0] if len(after) > 1 else -1)
PY
)
[ "$gap" -ge 0 ] && [ "$gap" -lt 3000 ]
ok $? "$l: the next look at the service came ${gap} ms after the first (poll interval 5000 ms)"
has "$(sim_events svc-state)" '"node":"IMPSUB1"' "$l: the service settled to STARTED"
e5_cr regen --yes --cert cup-xmpp
e5_final "$l, rerun" "$want"

# --- SIGINT while the IM/P publisher regenerates
l="SIGINT at a regen"
cluster ""
e5_fresh
e5_site 127.0.140
off=$(wc -c <"$ev")
bg regen --yes --cert cup-xmpp --report "$rep"
line=$(sig_at "$off" '"node":"IMPPUB".*"line":"set cert regen cup-xmpp"' 1 \
	"$cr_pid" SIGINT)
ok $? "$l: signalled at the IMPPUB regen"
printf '#   at %s\n' "$line"
wait "$cr_pid"
brc=$?
after_interrupt "$l" SIGINT regen
is "$(e5_check regens "$ev")" "IMPPUB cup-xmpp 1" "$l: the regen in progress finished, the next was not begun"
has "$(grep '"ev":"step-end"' "$jr")" '"key":"regen:IMPPUB:cup-xmpp","ok":true' \
	"$l: the finished regen is journaled"
e5_cr regen --yes --cert cup-xmpp
e5_final "$l, rerun" "$want"

# --- --dry-run with a pending journal
dry() {  # dry LABEL COMMAND ARGS...: the dry run changes nothing
	_dl=$1
	shift
	_doff=$(wc -c <"$ev")
	e5_cr "$@" --dry-run
	is "$rc" 0 "$_dl: --dry-run exits 0"
	has "$out" "without --dry-run the same command resumes it" \
		"$_dl: it says what a resume would do"
	lacks "$err" "resuming the interrupted" "$_dl: it does not resume"
	is "$(tail -c +$((_doff + 1)) "$ev" | "$PYTHON3" "$E5_CHECK" changes /dev/stdin)" "" \
		"$_dl: no mutating command reached the cluster"
	st=$("$CERTREGEN" -c "$tmp/site.conf" status 2>&1)
	has "$st" "An interrupted" "$_dl: the run is still pending"
}
for n in 3 5; do
	l="dry run after kill -9 at regen step $n"
	e5_fresh
	e5_cr_bg regen --yes --cert cup-xmpp
	e5_check kill-journal "$jr" "$n" "$cr_pid" 60 >/dev/null
	ok $? "$l: killed"
	wait "$cr_pid"
	e5_settle
	dry "$l" regen --cert cup-xmpp
	printf '%s\n' "$out" | sed 's/^/#   /'
	has "$out" "Cisco XCP Router on IMPSUB1" "$l: the remaining restart is listed"
	dry "$l (renew)" renew --no-delay --cert cup-xmpp
	e5_cr regen --yes --cert cup-xmpp
	has "$err" "resuming the interrupted regen run" "$l: the real rerun resumes"
	e5_final "$l, rerun" "$want"
done
l="dry run after kill -9 at a prune-trust step"
e5_fresh
e5_cr_bg prune-trust --yes
e5_check kill-journal "$jr" 4 "$cr_pid" 60 >/dev/null
ok $? "$l: killed"
wait "$cr_pid"
e5_settle
dry "$l" prune-trust
printf '%s\n' "$out" | sed 's/^/#   /'
e5_cr prune-trust --yes
has "$err" "resuming the interrupted prune-trust run" "$l: the real rerun resumes"
e5_final "$l, rerun" ""
tap_done

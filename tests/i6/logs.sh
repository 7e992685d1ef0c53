#!/bin/sh
# Logs: syslog with the site's facility and ident (a test syslog socket,
# CERTREGEN_SYSLOG_SOCKET), the log file reopened on SIGHUP (as logrotate
# does it), one transcript directory a run with the last
# log.transcripts_keep kept, passwords in none of them.  Range 127.0.64.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/i6/i6-lib.sh"

I6_IMPPUB='validity = { tomcat = 10; };'
i6_cluster 127.0.64
i6_fresh || { ok 1 "vos-sim starts"; tap_done; exit 1; }
mkdir -p "$tmp/h"
cp "$top_srcdir/tests/i6/hook-record" "$tmp/h/pre"
I6_SITE_EXTRA="log = { syslog = true; facility = \"local3\"; ident = \"crtest\";
  file = \"cr.log\"; level = \"info\"; transcripts_keep = 2; };
hooks = { pre = \"$tmp/h/pre\"; };"
i6_site 127.0.64

sock="$tmp/syslog.sock"
"$PYTHON3" "$top_srcdir/tests/i6/syslog-sink.py" "$sock" "$tmp/syslog.out" &
sink=$!
n=0
while [ ! -e "$sock.ready" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
ok $((n >= 50)) "the test syslog socket is up"
export CERTREGEN_SYSLOG_SOCKET="$sock"

i6_cr renew --dry-run
is "$rc" 0 "a dry run (something to log)"
sl=$(cat "$tmp/syslog.out")
# local3 = 19, notice = 5: <157>
has "$sl" "<157>" "syslog: facility local3, priority notice"
has "$sl" "crtest[" "syslog: the site's ident"
has "$sl" "renew: tomcat on IMPPUB expires in" "syslog: the message"
has "$(cat "$tmp/cr.log")" "renew: tomcat on IMPPUB expires in" "the log file has it too"

# SIGHUP while a run is held in its pre hook: the file is reopened.
echo 2 >"$tmp/h/pre.sleep"
"$CERTREGEN" -c "$tmp/site.conf" renew </dev/null >"$tmp/a.out" 2>"$tmp/a.err" &
a=$!
n=0
while [ ! -s "$tmp/h/pre.pid" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
mv "$tmp/cr.log" "$tmp/cr.log.1"
kill -HUP $a
wait $a
is "$?" 0 "the run survives SIGHUP and renews (exit 0)"
has "$(cat "$tmp/cr.log" 2>/dev/null)" "renew done" "after SIGHUP: the new log file"
lacks "$(cat "$tmp/cr.log.1")" "renew done" "the rotated file ends before"
has "$(cat "$tmp/cr.log.1")" "expires in" "the rotated file has the start"
has "$(cat "$tmp/syslog.out")" "renew done" "syslog has the end too"

# More runs: the last two of each kind stay (changing runs, read-only
# runs), so that checks never push out the last renew's transcripts.
renew_run=$("$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1]))["run"])' "$tmp/cr/state/report.json")
i6_cr check
i6_cr check
i6_cr check
is "$(ls "$tmp/cr/log/transcripts" | wc -l)" 4 "log.transcripts_keep = 2: two runs of each kind kept"
[ -d "$tmp/cr/log/transcripts/$renew_run" ]
ok $? "the renew's transcripts survive three checks"
ls "$tmp/cr/log/transcripts"/*/IMPPUB* >/dev/null 2>&1
ok $? "a transcript per node in each run directory"
all=$(cat "$tmp/syslog.out" "$tmp/cr.log" "$tmp/cr.log.1" "$tmp/cr/log/transcripts"/*/*)
lacks "$all" "$I6_PW" "no password in syslog, log file or transcripts"
kill $sink
wait $sink 2>/dev/null
tap_done

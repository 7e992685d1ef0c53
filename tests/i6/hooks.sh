#!/bin/sh
# Hooks: pre, deploy (one per unit renewed), post and failure, each run
# without a shell (a path full of shell metacharacters is just a file
# name), with argv = { path, hook name } and an explicit environment that
# holds the CERTREGEN_* variables and never a secret; a failing pre hook
# stops the run before any change; a hook that overruns hooks.timeout is
# killed.  Range 127.0.62.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/i6/i6-lib.sh"

I6_IMPPUB='validity = { tomcat = 10; };'
I6_IMPSUB1='validity = { cup-xmpp = 12; };'
i6_cluster 127.0.62
i6_fresh || { ok 1 "vos-sim starts"; tap_done; exit 1; }

# Each hook a copy of hook-record under a name a shell would act on.
h="$tmp/hooks"
mkdir -p "$h"
for k in pre post deploy failure; do
	cp "$top_srcdir/tests/i6/hook-record" "$h/$k;touch \$(echo PWNED) \`touch PWNED2\`|x"
done
hp() { printf '%s' "$h/$1;touch \$(echo PWNED) \`touch PWNED2\`|x"; }
esc() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }
I6_SITE_EXTRA="hooks = { pre = \"$(esc "$(hp pre)")\"; post = \"$(esc "$(hp post)")\";
  deploy = \"$(esc "$(hp deploy)")\"; failure = \"$(esc "$(hp failure)")\"; timeout = 2; };"
i6_site 127.0.62
# A secret in certregen's own environment that must not reach a hook.
export I6_PW
export SECRET_TOKEN=must-not-leak-0451

# 1. The pre hook fails: nothing changes, the failure hook is told.
echo 7 >"$(hp pre).exit"
i6_cr renew
is "$rc" 1 "a failing pre hook: exit 1"
has "$err" "the pre hook failed; nothing was changed" "it says nothing was changed"
is "$(i6_changes)" "" "a failing pre hook: nothing changed"
[ ! -s "$tmp/cr/state/journal.jsonl" ]
ok $? "a failing pre hook: no journal begun"
f=$(cat "$(hp failure).log" 2>/dev/null)
has "$f" "CERTREGEN_RESULT=failed" "the failure hook ran, result failed"
has "$f" "CERTREGEN_EXIT=1" "the failure hook has the exit code"
rm -f "$(hp pre).exit" "$(hp failure).log" "$(hp pre).log"

# 2. The pre hook overruns hooks.timeout (2 s): killed, the run stops.
echo 20 >"$(hp pre).sleep"
t0=$(date +%s)
i6_cr renew
t1=$(date +%s)
is "$rc" 1 "a pre hook past its timeout: exit 1"
has "$err" "ran longer than 2 s; killed" "it says the hook was killed"
ok $(( t1 - t0 > 15 )) "killed at the timeout, not waited for"
is "$(i6_changes)" "" "a killed pre hook: nothing changed"
# (a zombie until init reaps it: give it a moment)
n=0
while kill -0 "$(cat "$(hp pre).pid")" 2>/dev/null &&
	! grep -q '^State:.*Z' "/proc/$(cat "$(hp pre).pid")/status" 2>/dev/null &&
	[ $n -lt 30 ]; do sleep 0.1; n=$((n + 1)); done
ok $((n >= 30)) "the hook's process group was killed (its sleep too)"
rm -f "$(hp pre).sleep" "$(hp pre).log" "$(hp failure).log"

# 3. A renew of tomcat and cup-xmpp, every hook called.
i6_cr renew --report "$tmp/report.json"
is "$rc" 0 "renew with hooks: exit 0"
[ "$rc" -eq 0 ] || i6_diag
pre=$(cat "$(hp pre).log")
post=$(cat "$(hp post).log")
dep=$(cat "$(hp deploy).log")
is "$(grep -c '^--- call' "$(hp pre).log")" 1 "pre ran once"
is "$(grep -c '^--- call' "$(hp post).log")" 1 "post ran once"
is "$(grep -c '^--- call' "$(hp deploy).log")" 2 "deploy ran once per unit (2)"
[ ! -e "$(hp failure).log" ]
ok $? "no failure hook on success"
has "$pre" "argv[0]=$(hp pre)" "argv[0] is the path, as is"
has "$pre" "argv[1]=pre" "argv[1] is the hook's name"
has "$pre" "CERTREGEN_RESULT=planned" "pre: result planned"
has "$pre" "CERTREGEN_SITE=i6" "pre: the site"
has "$pre" "CERTREGEN_COMMAND=renew" "pre: the command"
has "$pre" "CERTREGEN_UNITS=cup-xmpp tomcat" "pre: the units of the run"
has "$pre" "CERTREGEN_NODES=IMPPUB IMPSUB1" "pre: the nodes of the run"
has "$post" "CERTREGEN_RESULT=done" "post: result done"
has "$post" "CERTREGEN_REPORT=$tmp/report.json" "post: the report path"
has "$post" "CERTREGEN_EXIT=0" "post: exit 0"
has "$dep" "CERTREGEN_UNITS=tomcat" "deploy for tomcat"
has "$dep" "CERTREGEN_UNITS=cup-xmpp" "deploy for cup-xmpp"
has "$dep" "argv[1]=deploy" "deploy: argv[1]"
run_id=$(sed -n 's/^CERTREGEN_RUN=//p' "$(hp post).log")
[ -d "$tmp/cr/log/transcripts/$run_id" ]
ok $? "CERTREGEN_RUN names this run's transcript directory"
all=$(cat "$h"/*.log)
lacks "$all" "$I6_PW" "no hook saw the password"
lacks "$all" "must-not-leak" "no hook saw certregen's environment"
lacks "$all" "I6_PW" "not even the variable's name"
extra=$(cat "$h"/*.log | grep '=' | grep -v '^argv\[' | sed 's/=.*//' |
	grep -v '^CERTREGEN_[A-Z_]*$' | grep -v '^\(PATH\|LC_ALL\|PWD\|SHLVL\|_\|OLDPWD\)$' |
	sort -u)
is "$extra" "" "the environment holds only what certregen gave (and sh's own)"
[ ! -e PWNED ] && [ ! -e PWNED2 ] && [ ! -e "$tmp/cr/state/PWNED" ] &&
	[ ! -e "$tmp/cr/state/PWNED2" ] && [ ! -e /PWNED ]
ok $? "the metacharacters in the hook path did nothing"
has "$(grep '^PWD=' "$(hp post).log")" "$tmp/cr/state" "hooks run in the state directory"

# 4. A run that fails half-way (the simulator refuses a regen): post says
# failed, the failure hook runs, no deploy.
rm -f "$h"/*.log
echo 'faults = ( { kind = "regen-fail"; node = "IMPSUB1"; unit = "cup"; count = 0; } );' \
	>"$tmp/state/faults.conf"
sim_hup
ok $? "the simulator takes the fault"
i6_cr regen --yes --cert cup
is "$rc" 1 "a failed regen: exit 1"
has "$(cat "$(hp post).log")" "CERTREGEN_RESULT=failed" "post: result failed"
has "$(cat "$(hp post).log")" "CERTREGEN_COMMAND=regen" "post: the command regen"
has "$(cat "$(hp failure).log" 2>/dev/null)" "CERTREGEN_EXIT=1" "the failure hook ran, exit 1"
has "$(cat "$(hp failure).log" 2>/dev/null)" "CERTREGEN_REPORT=$tmp/cr/state/report.json" "failure: the default report"
[ -s "$tmp/cr/state/report.json" ]
ok $? "the report it names exists"
[ ! -e "$(hp deploy).log" ]
ok $? "no deploy after a failure"
# check tells monitoring about the interrupted run.
i6_cr check -w 3 -c 1
is "$rc" 1 "check: a pending interrupted run is a WARNING"
has "$out" "CERTREGEN WARNING - i6: an interrupted regen run is pending" "check says so"
tap_done

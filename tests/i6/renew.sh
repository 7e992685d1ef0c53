#!/bin/sh
# renew: quiet with its own exit code when nothing is due; outside the
# maintenance window refused with nothing changed; with one unit due on
# one node, that unit regenerated on every IM/P node and nothing else,
# conformance clean; then nothing due again.  --no-delay skips
# renew.random_delay.  Range 127.0.60.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/i6/i6-lib.sh"

I6_IMPPUB='validity = { tomcat = 10; };'
i6_cluster 127.0.60
i6_fresh || { ok 1 "vos-sim starts"; tap_done; exit 1; }
# A day's random delay: every run below must skip it (--no-delay).
I6_SITE_EXTRA='renew = { threshold_days = 30; random_delay = 86400; };'
i6_site 127.0.60

# Nothing due within 5 days (tomcat has 10): silent, exit 5.
i6_cr renew --no-delay --days 5
is "$rc" 5 "nothing due: exit 5 (EXIT_NOTHING_DUE)"
is "$out" "" "nothing due: no stdout"
is "$err" "" "nothing due: no stderr"
is "$(i6_changes)" "" "nothing due: nothing changed"

# Due, but outside the window: refused, nothing changed.
day=$(LC_ALL=C date -d '+3 days' +%a)
I6_SITE_EXTRA="renew = { random_delay = 86400; };
maintenance = { windows = [ \"$day 03:00-03:01\" ]; };"
i6_site 127.0.60
i6_cr renew --no-delay
is "$rc" 3 "due outside the window: refused (exit 3)"
has "$err" "outside the maintenance window" "the refusal says why"
is "$(i6_changes)" "" "refused: nothing changed"
[ ! -s "$tmp/cr/state/journal.jsonl" ]
ok $? "refused: no journal begun"

# A dry run says what it would do and does nothing.
I6_SITE_EXTRA='renew = { random_delay = 86400; };'
i6_site 127.0.60
i6_cr renew --no-delay --dry-run
is "$rc" 0 "dry run: exit 0"
printf '%s\n' "$out" | grep -q 'regen  *tomcat  *on IMPPUB'
ok $? "dry run: the plan names the due unit"
printf '%s\n' "$out" | grep -q 'regen  *\(cup\|ipsec\)'
ok $((1 - $?)) "dry run: no other unit"
is "$(i6_changes)" "" "dry run: nothing changed"

# Due: only tomcat, on every IM/P node, the full procedure.
i6_cr renew --no-delay --report "$tmp/report.json"
is "$rc" 0 "renew: exit 0"
[ "$rc" -eq 0 ] || i6_diag
has "$err" "tomcat on IMPPUB expires in" "renew says what was due"
is "$(i6_regens)" "IMPPUB tomcat 1
IMPSUB1 tomcat 1" "only the due unit, on every IM/P node"
i6_conform
c=$?
ok $c "renew: conformance clean"
[ $c -eq 0 ] || printf '%s\n' "$conf_out" | sed 's/^/#   /'
"$PYTHON3" -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["result"]=="done" and r["command"]=="renew" else 1)' "$tmp/report.json"
ok $? "the report says renew, done"
printf '%s\n' "$err" | grep -v '^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9:]*[-+][0-9]* ' | grep -q .
ok $((1 - $?)) "off a terminal every stderr line is time-stamped"

# Renewed: nothing due any more, silently, at the default threshold (a
# regenerated certificate is valid for five years, as on VOS).
before=$(i6_changes | wc -l)
i6_cr renew --no-delay
is "$rc" 5 "after the renew: nothing due (exit 5)"
is "$out$err" "" "after the renew: silent"
is "$(i6_changes | wc -l)" "$before" "nothing changed twice"

# renew takes no --node (a unit is renewed on every node or none).
i6_cr renew --node IMPPUB
is "$rc" 2 "renew --node: usage error (exit 2)"
i6_cr renew --days 0
is "$rc" 2 "renew --days 0: usage error (exit 2)"
tap_done

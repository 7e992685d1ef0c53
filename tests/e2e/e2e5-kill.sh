#!/bin/sh
# kill -9 of certregen at every mutating step of a regen plan, then the same
# command again: the conformance checker is clean, every certificate is
# regenerated exactly once, every service is STARTED and HA is back on.
# The plan (cup-xmpp and ipsec on an IM/P publisher and a subscriber, HA on)
# has 11 mutating steps: 4 regens, ha-off, 5 restarts (XCP Router x2, DRF
# Master, DRF Local x2), ha-on.  Each is interrupted as its step-begin
# record reaches the journal (before its command is typed);
# e2e5-kill-inside.sh kills inside the steps.  Range 127.0.52.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/e2e/e2e5-lib.sh"

e5_cluster e2e5-kill 127.0.52
e5_site 127.0.52
ev="$tmp/state/events.jsonl"
jr="$tmp/cr/state/journal.jsonl"
UNITS="--cert cup-xmpp --cert ipsec"
want="IMPPUB cup-xmpp 1
IMPPUB ipsec 1
IMPSUB1 cup-xmpp 1
IMPSUB1 ipsec 1"

# The plan, uninterrupted: how many mutating steps.
e5_fresh || { ok 1 "vos-sim starts"; tap_done; exit 1; }
# shellcheck disable=SC2086
e5_cr regen --yes $UNITS
e5_final "uninterrupted" "$want"
keys=$(e5_mutating_keys)
nmut=$(printf '%s\n' "$keys" | wc -l)
is "$nmut" 11 "the plan has 11 mutating steps"
printf '%s\n' "$keys" | sed 's/^/#   /'

n=1
while [ $n -le "$nmut" ]; do
	# shellcheck disable=SC2086
	e5_kill_at journal $n "$want" regen $UNITS
	n=$((n + 1))
done
tap_done

#!/bin/sh
# kill -9 of certregen inside every mutating step of a regen plan, then the same
# command again: the conformance checker is clean, every certificate is
# regenerated exactly once, every service is STARTED and HA is back on.
# Inside each step this time (e2e5-kill.sh kills between steps): the ipsec
# plan (HA on) has 7 mutating steps: regen on the IM/P publisher and the
# subscriber, ha-off, DRF Master on the CUCM publisher, DRF Local x2,
# ha-on.  Each is interrupted two ways:
#   cmd      as the node runs its command (its `cmd` event; for HA steps
#            the `ha` event of the AXL update, before certregen hears back)
#   effect   once the node has done it (its `regen`/`svc` event), before
#            certregen reads the result and records the end
# Range 127.0.53.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/e2e/e2e5-lib.sh"

e5_cluster e2e5-kill-inside 127.0.53
e5_site 127.0.53
ev="$tmp/state/events.jsonl"
jr="$tmp/cr/state/journal.jsonl"
UNITS="--cert ipsec"
want="IMPPUB ipsec 1
IMPSUB1 ipsec 1"

# The plan, uninterrupted: how many mutating steps.
e5_fresh || { ok 1 "vos-sim starts"; tap_done; exit 1; }
# shellcheck disable=SC2086
e5_cr regen --yes $UNITS
e5_final "uninterrupted" "$want"
keys=$(e5_mutating_keys)
nmut=$(printf '%s\n' "$keys" | wc -l)
is "$nmut" 7 "the plan has 7 mutating steps"
printf '%s\n' "$keys" | sed 's/^/#   /'

for mode in cmd effect; do
	n=1
	while [ $n -le "$nmut" ]; do
		# shellcheck disable=SC2086
		e5_kill_at $mode $n "$want" regen $UNITS
		n=$((n + 1))
	done
done
tap_done

#!/bin/sh
# kill -9 of certregen prune-trust at every mutating step, then the same
# command again: conformance clean (monitors stopped before the delete and
# started after, HA off around the service actions), the expired trust
# certificate deleted once, every service STARTED, HA back on.  The plan
# (an expired cup-xmpp-trust on two IM/P nodes, HA on) has 13 mutating
# steps: ha-off, 4 monitor stops, 1 cluster-wide delete, 2 XCP Router
# restarts, 4 monitor starts, ha-on; each is interrupted as its step-begin
# record reaches the journal, and the delete also inside it (as the node
# runs it, and once it is done).  Range 127.0.58.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/e2e/e2e5-lib.sh"

e5_cluster e2e5-kill-prune 127.0.58 - <<CONF
expired_trust = (
  { nodes = [ "IMPPUB", "IMPSUB1" ]; unit = "cup-xmpp-trust"; cn = "old-peer"; days_ago = 30; }
);
CONF
e5_site 127.0.58

pruned() {  # pruned LABEL: the expired file gone everywhere, deleted once
	is "$(e5_check trust "$tmp/state" | grep -c expired)" 0 "$1: no expired trust certificate left"
	is "$(grep -c '"ev":"trust-delete"' "$tmp/state/events.jsonl")" 1 "$1: one delete"
	is "$(e5_check trust "$tmp/state" | wc -l | tr -d ' ')" "$nvalid" "$1: every valid one kept"
}

e5_fresh || { ok 1 "vos-sim starts"; tap_done; exit 1; }
nvalid=$(e5_check trust "$tmp/state" | grep -c valid)
e5_cr prune-trust --yes
e5_final "uninterrupted" ""
pruned "uninterrupted"
keys=$(e5_mutating_keys)
nmut=$(printf '%s\n' "$keys" | wc -l)
is "$nmut" 13 "the plan has 13 mutating steps"
printf '%s\n' "$keys" | sed 's/^/#   /'
del=$(printf '%s\n' "$keys" | grep -n '^delete:' | cut -d: -f1)

E5_AFTER=pruned
n=1
while [ $n -le "$nmut" ]; do
	e5_kill_at journal $n "" prune-trust
	n=$((n + 1))
done
# Inside the delete: counting the ha event and the stops before it, the
# delete's command and its trust-delete event are the del-th of their kind.
e5_kill_at cmd "$del" "" prune-trust
e5_kill_at effect "$del" "" prune-trust
tap_done

#!/bin/sh
# Two runs at once: the second says who holds the site's lock and exits 4
# (EXIT_LOCKED), or with --wait waits for it and then finds nothing due;
# nothing is regenerated twice.  The lock goes with the process, also when
# it is killed.  Range 127.0.61.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/i6/i6-lib.sh"

I6_IMPPUB='validity = { cup-xmpp = 10; };'
i6_cluster 127.0.61
i6_fresh || { ok 1 "vos-sim starts"; tap_done; exit 1; }
# The pre hook holds the first run for a while, lock taken.
mkdir -p "$tmp/h"
cp "$top_srcdir/tests/i6/hook-record" "$tmp/h/pre"
echo 3 >"$tmp/h/pre.sleep"
I6_SITE_EXTRA="hooks = { pre = \"$tmp/h/pre\"; };"
i6_site 127.0.61

"$CERTREGEN" -c "$tmp/site.conf" renew </dev/null >"$tmp/a.out" 2>"$tmp/a.err" &
a=$!
n=0
while [ ! -s "$tmp/h/pre.log" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
ok $((n >= 100)) "the first run is in its pre hook"

i6_cr renew
is "$rc" 4 "a second run: exit 4 (EXIT_LOCKED)"
has "$err" "another run holds the lock" "it says the lock is held"
has "$err" "pid $a (renew since" "it says who holds it"
is "$out" "" "nothing on stdout"

i6_cr regen --yes
is "$rc" 4 "regen meanwhile: exit 4 too"
i6_cr prune-trust --yes
is "$rc" 4 "prune-trust meanwhile: exit 4 too"
i6_cr check
is "$rc" 1 "check does not take the lock (read-only; WARNING: cup-xmpp is due)"

# --wait: blocks until the first run is done, then nothing is due.  (The
# simulator gives the new certificate the same 10 days: ask for 5.)
"$CERTREGEN" -c "$tmp/site.conf" renew --wait=60 --days 5 </dev/null >"$tmp/b.out" 2>"$tmp/b.err" &
b=$!
wait $a
is "$?" 0 "the first run renews (exit 0)"
wait $b
is "$?" 5 "the waiting run then finds nothing due (exit 5)"
is "$(cat "$tmp/b.out" "$tmp/b.err")" "" "the waiting run is silent"
is "$(i6_regens)" "IMPPUB cup-xmpp 1
IMPSUB1 cup-xmpp 1" "cup-xmpp regenerated once on each node, not twice"
is "$(grep -c '^--- call' "$tmp/h/pre.log")" 1 "the pre hook ran once"

# A bounded wait that runs out: exit 4.  flock(1) holds the lock here.
if command -v flock >/dev/null 2>&1; then
	flock -o "$tmp/cr/state/lock" sleep 4 &
	f=$!
	sleep 0.5
	t0=$(date +%s)
	i6_cr renew --wait=1
	t1=$(date +%s)
	is "$rc" 4 "--wait=1 on a held lock: exit 4 after the wait"
	ok $(( t1 - t0 > 3 )) "--wait=1 gave up in about a second"
	kill "$f" 2>/dev/null
	wait "$f" 2>/dev/null
else
	ok 0 "# SKIP no flock(1)"
	ok 0 "# SKIP no flock(1)"
fi

# A killed holder leaves no lock behind (killed in its pre hook: nothing
# was begun).
echo 30 >"$tmp/h/pre.sleep"
rm -f "$tmp/h/pre.pid"
"$CERTREGEN" -c "$tmp/site.conf" regen --yes --cert tomcat </dev/null >/dev/null 2>&1 &
c=$!
n=0
while [ ! -s "$tmp/h/pre.pid" ] && [ $n -lt 150 ]; do sleep 0.1; n=$((n + 1)); done
kill -KILL $c
wait $c 2>/dev/null
rm -f "$tmp/h/pre.sleep"
# The hook lives on in its own process group: end its sleep.
kill "$(cat "$tmp/h/pre.pid")" 2>/dev/null
i6_cr renew --days 5
is "$rc" 5 "after the holder was killed: the lock is free (exit 5)"
tap_done

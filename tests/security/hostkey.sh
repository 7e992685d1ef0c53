#!/bin/sh
# A changed host key stops certregen before any credential is sent (no
# auth event at all on that node, not even the "none" probe); so does an
# unknown key under the strict policy.  Range 127.0.130.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/security/sec-lib.sh"
N=127.0.130
sec_cluster $N
sec_site $N
sim_start "$tmp/cluster.conf" "$tmp/state" ||
	{ ok 1 "vos-sim starts"; tap_done; exit 1; }

sec_cr discover
is "$rc" 0 "discover learns the host keys (accept-new)"
[ -s "$tmp/cr/state/known_hosts" ]
ok $? "known_hosts written"

printf '%s\n' 'faults = ( { kind = "hostkey-changed"; node = "IMPPUB"; } );' \
	>"$tmp/state/faults.conf"
sim_hup
ok $? "hostkey-changed fault loaded"

n0=$(sec_nevents)
sec_cr inventory
ok $((rc == 0)) "inventory with a changed host key fails (exit $rc)"
has "$err" "HOST KEY CHANGED" "the message says the host key changed"
after=$(sec_events_after "$n0")
has "$after" '"kind":"hostkey-changed"' "the simulator presented the changed key"
is "$(printf '%s\n' "$after" | grep '"ev":"auth"' | grep -c '"node":"IMPPUB"')" 0 \
	"inventory: no auth event of IMPPUB after its key changed"

n0=$(sec_nevents)
sec_cr regen --yes
ok $((rc == 0)) "regen with a changed host key fails (exit $rc)"
after=$(sec_events_after "$n0")
is "$(printf '%s\n' "$after" | grep '"ev":"auth"' | grep -c '"node":"IMPPUB"')" 0 \
	"regen: no auth event of IMPPUB"
lacks "$after" '"ev":"regen"' "regen: nothing regenerated"
lacks "$after" '"ev":"svc"' "regen: no service touched"
lacks "$after" '"ev":"ha","group"' "regen: HA not touched" # opening ha has no "by"
lacks "$out$err" "$SEC_PW" "the password is not printed"

# An unknown key under the strict policy: refused, no credential.
rm -f "$tmp/state/faults.conf"
sim_hup
rm -f "$tmp/cr/state/known_hosts"
sed 's/host_key_policy = "accept-new"/host_key_policy = "strict"/' \
	"$tmp/site.conf" >"$tmp/site2.conf" && mv "$tmp/site2.conf" "$tmp/site.conf"
n0=$(sec_nevents)
sec_cr discover
ok $((rc == 0)) "strict policy, unknown key: refused (exit $rc)"
has "$err" "host key" "strict policy: the message names the host key"
after=$(sec_events_after "$n0")
is "$(printf '%s\n' "$after" | grep -c '"ev":"auth"')" 0 \
	"strict policy, unknown key: no auth event"
tap_done

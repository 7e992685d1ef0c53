#!/bin/sh
# Files a run creates are private whatever the umask: the journal 0600,
# every file of the state directory, the log directory (transcripts), the
# log file and the JSON report 0600 or 0640 (nothing for others, no group
# write), directories 0700 or 0750.  Under umask 000 and 022, over regen
# and prune-trust.  Range 127.0.135.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/security/sec-lib.sh"
N=127.0.135
sec_cluster $N 'expired_trust = ( { nodes = "*"; unit = "tomcat-trust"; cn = "old-root"; days_ago = 100; } );'

# modes PATH...: every file or directory under PATH whose mode is too open.
modes() {
	"$PYTHON3" - "$@" <<'PY'
import os, stat, sys
n = 0
for root in sys.argv[1:]:
    paths = [root]
    if os.path.isdir(root):
        for d, ds, fs in os.walk(root):
            paths += [os.path.join(d, x) for x in ds + fs]
    for p in paths:
        st = os.lstat(p)
        if stat.S_ISLNK(st.st_mode):
            continue
        m = stat.S_IMODE(st.st_mode)
        n += 1
        if stat.S_ISDIR(st.st_mode):
            if m & 0o027 or m & 0o700 != 0o700:
                print("%04o %s (directory)" % (m, p))
        elif m & 0o137 or m & 0o600 != 0o600:
            print("%04o %s" % (m, p))
print("checked %d" % n)
PY
}

for mask in 000 022; do
	rm -rf "$tmp/cr" "$tmp/state" "$tmp/state.log" "$tmp/report-$mask.json"
	sec_site $N 'log = { file = "cr/certregen.log"; level = "info"; };'
	sim_start "$tmp/cluster.conf" "$tmp/state" ||
		{ ok 1 "vos-sim starts"; tap_done; exit 1; }
	(umask $mask && "$CERTREGEN" -c "$tmp/site.conf" regen --yes \
		--report "$tmp/report-regen-$mask.json" </dev/null \
		>"$tmp/out" 2>&1)
	is "$?" 0 "umask $mask: regen finishes"
	(umask $mask && "$CERTREGEN" -c "$tmp/site.conf" prune-trust --yes \
		--report "$tmp/report-prune-$mask.json" </dev/null \
		>>"$tmp/out" 2>&1)
	is "$?" 0 "umask $mask: prune-trust finishes"
	# A journal in progress: kill a run inside a step and look at it.
	printf '%s\n' 'faults = ( { kind = "stall"; node = "IMPPUB"; match = "^set cert regen"; ms = 0; } );' \
		>"$tmp/state/faults.conf"
	sim_hup
	(umask $mask && exec "$CERTREGEN" -c "$tmp/site.conf" regen --yes \
		</dev/null >>"$tmp/out" 2>&1) &
	crpid=$!
	n=0
	while [ ! -s "$tmp/cr/state/journal.jsonl" ] && [ $n -lt 300 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	[ -s "$tmp/cr/state/journal.jsonl" ]
	ok $? "umask $mask: a run in progress has a journal"
	jm=$(stat -c %a "$tmp/cr/state/journal.jsonl" 2>/dev/null)
	is "$jm" 600 "umask $mask: the journal in progress is 0600"
	kill -KILL $crpid 2>/dev/null
	wait $crpid 2>/dev/null
	rm -f "$tmp/state/faults.conf"
	sim_hup
	for f in "$tmp/cr/state/runs/"*.jsonl; do
		is "$(stat -c %a "$f")" 600 "umask $mask: kept journal ${f##*/} is 0600"
		break
	done
	bad=$(modes "$tmp/cr/state" "$tmp/cr/log" "$tmp/cr/certregen.log" \
		"$tmp/report-regen-$mask.json" "$tmp/report-prune-$mask.json")
	nchk=$(printf '%s\n' "$bad" | sed -n 's/^checked //p')
	ok $((nchk < 10)) "umask $mask: files checked ($nchk)"
	is "$(printf '%s\n' "$bad" | grep -v '^checked')" "" \
		"umask $mask: state, journal, transcripts, log and reports 0600/0640 (dirs 0700/0750)"
	sim_stop
done
tap_done

#!/bin/sh
# bench/smoke.sh: bench/run --smoke (a few seconds): every part runs and
# its numbers are sane.  Never a timing assertion (figures: bench/run).
. "${top_srcdir:-.}/tests/lib.sh"

[ -x "$top_builddir/bench/expect-bench" ] || skip_all "bench drivers not built"
[ -x "$top_builddir/tests/sim/vos-sim" ] || skip_all "vos-sim not built"
[ -x /usr/bin/time ] || skip_all "no GNU time (Debian: time)"

run sh "$top_srcdir/bench/run" --smoke --build "$top_builddir" --out "$tmp/results.md"
is "$rc" 0 "bench/run --smoke exits 0"
[ "$rc" -eq 0 ] || printf '%s\n' "$err" | tail -n 20 | sed 's/^/# /'
has "$out" "Makespan" "prints the makespan table"
# A makespan row: nodes 4, a ratio >= 1 (the run cannot beat the path).
ratio=$(printf '%s\n' "$out" | awk -F'|' '$2+0 == 4 && NF > 10 {gsub(/ /, "", $7); print $7; exit}')
awk -v r="${ratio:-0}" 'BEGIN { exit !(r >= 1.0 && r < 100) }'
ok $? "makespan / critical path is sane (${ratio:-none})"
sess=$(printf '%s\n' "$out" | awk -F'|' '$2+0 == 4 && NF == 10 {gsub(/ /, "", $6); print $6; exit}')
awk -v m="${sess:-0}" 'BEGIN { exit !(m > 0) }'
ok $? "4 sessions opened (median ${sess:-none} ms)"
lines=$(printf '%s\n' "$out" | awk -F'|' '$2 ~ /^ *engine *$/ && $3+0 == 1 {gsub(/ /, "", $9); print $9; exit}')
awk -v l="${lines:-0}" 'BEGIN { exit !(l > 20000) }'
ok $? "the engine matched every service line of 1 MB (${lines:-none})"
tap_done

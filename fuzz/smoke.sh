#!/bin/sh
# smoke.sh: a short run of every built libFuzzer target (CI's clang
# --enable-fuzzing build).  It builds nothing: each fuzz/fuzz-NAME found in
# the build directory runs for FUZZ_SECONDS (default 4) against a scratch
# copy of fuzz/corpus/NAME (the corpus in the tree is never written), so
# every seed and regression input is replayed and then mutated.
#
#   FUZZ_BUILD=BUILDDIR fuzz/smoke.sh [NAME...]     (or: make fuzz-smoke)
#
# Output: TAP, one line per target with its executions; a crash, a leak, a
# timeout or an out-of-memory is "not ok" and the input that did it is
# copied to $FUZZ_ARTIFACTS (default ./fuzz-artifacts) for a regression
# case.  Exit 0 all clean, 1 some target failed, 77 nothing built.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=${FUZZ_BUILD:-${top_builddir:-$top/.build}}
secs=${FUZZ_SECONDS:-4}
artifacts=${FUZZ_ARTIFACTS:-$PWD/fuzz-artifacts}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-smoke.XXXXXX") || exit 99
trap 'rm -rf "$scratch"' EXIT INT TERM

LSAN_OPTIONS="suppressions=$top/tests/lsan.supp ${LSAN_OPTIONS:-}"
ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
CERTREGEN_DIALOG_DIR="$top/expect"
export LSAN_OPTIONS ASAN_OPTIONS UBSAN_OPTIONS CERTREGEN_DIALOG_DIR

if [ $# -gt 0 ]; then
	names="$*"
else
	names=""
	for f in "$build"/fuzz/fuzz-*; do
		[ -x "$f" ] && [ -f "$f" ] || continue
		case "$f" in *.o | *.c) continue ;; esac
		names="$names ${f##*/fuzz-}"
	done
fi
if [ -z "$names" ]; then
	echo "1..0 # SKIP no fuzz target built in $build/fuzz (configure CC=clang --enable-fuzzing)"
	exit 77
fi

n=0
failed=0
total=0
for name in $names; do
	n=$((n + 1))
	bin="$build/fuzz/fuzz-$name"
	corpus="$scratch/corpus-$name"
	mkdir -p "$corpus" "$scratch/art-$name"
	if [ -d "$top/fuzz/corpus/$name" ]; then
		cp -R "$top/fuzz/corpus/$name/." "$corpus/"
	fi
	seeds=$(find "$corpus" -type f | wc -l | tr -d ' ')
	log="$scratch/log-$name"
	(cd "$scratch" && "$bin" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
		-artifact_prefix="$scratch/art-$name/" "$corpus" >"$log" 2>&1)
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	execs=${execs:-0}
	total=$((total + execs))
	if [ "$rc" -eq 0 ] && [ -z "$(ls "$scratch/art-$name")" ]; then
		echo "ok $n - fuzz-$name: $execs executions in ${secs} s ($seeds seeds)"
	else
		failed=$((failed + 1))
		echo "not ok $n - fuzz-$name: exit $rc after $execs executions"
		grep -E 'ERROR|SUMMARY|runtime error|#0 |#1 |#2 |#3 ' "$log" |
			head -n 12 | sed 's/^/#   /'
		mkdir -p "$artifacts"
		for a in "$scratch/art-$name"/*; do
			[ -f "$a" ] || continue
			cp "$a" "$artifacts/$name-${a##*/}"
			echo "#   input kept: $artifacts/$name-${a##*/}"
		done
	fi
done
echo "1..$n"
echo "# fuzz smoke: $n targets, $total executions, $failed failed"
[ "$failed" -eq 0 ]

# lib.sh: TAP helpers for the shell tests; sourced, not run.
# Each test prints "ok N - what" / "not ok N - what" and ends with tap_done.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
CERTREGEN="$top_builddir/src/certregen"
tap_n=0
tap_failed=0

ok() {  # ok COND-EXIT-STATUS DESCRIPTION
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

# run CMD...: stdout to $out, stderr to $err, exit status to $rc
run() {
	out=$("$@" 2>"$tmp/stderr"); rc=$?
	err=$(cat "$tmp/stderr")
}

is() {  # is GOT WANT DESCRIPTION
	if [ "$1" = "$2" ]; then ok 0 "$3"; else
		ok 1 "$3"; echo "# got '$1', want '$2'"; fi
}

has() {  # has HAYSTACK NEEDLE DESCRIPTION
	case "$1" in
	*"$2"*) ok 0 "$3" ;;
	*) ok 1 "$3"; printf '# "%s" not in:\n' "$2"; printf '%s\n' "$1" | sed 's/^/#   /' ;;
	esac
}

lacks() {  # lacks HAYSTACK NEEDLE DESCRIPTION
	case "$1" in
	*"$2"*) ok 1 "$3"; printf '# "%s" found\n' "$2" ;;
	*) ok 0 "$3" ;;
	esac
}

tap_done() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/certregen-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

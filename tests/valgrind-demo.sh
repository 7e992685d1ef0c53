#!/bin/sh
# The demo run under valgrind memcheck: certregen's discover, inventory,
# regen and prune-trust against the simulated demo cluster (on 127.0.136.x),
# each under `valgrind --error-exitcode=99 --leak-check=full`: no invalid
# access, no use of uninitialised memory, no leak (definite or indirect),
# and the run's own result as without valgrind.  Slow (a few minutes): not
# in `make check` by default; run it with
#     make check TESTS=tests/valgrind-demo.sh
# It skips in a sanitizer build (valgrind cannot run ASan binaries).
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
command -v valgrind >/dev/null 2>&1 || skip_all "no valgrind"
if nm "$CERTREGEN" 2>/dev/null | grep -q '__asan_init\|__ubsan_handle'; then
	skip_all "certregen is built with sanitizers"
fi
N=127.0.136
sed -e "s/127\.0\.10\./$N./g" -e 's/time_factor = [0-9.]*;/time_factor = 0.005;/' \
	-e 's/prompt_after_newline = true; //' \
	"$top_srcdir/tests/sim/demo-cluster.conf" >"$tmp/cluster.conf"
echo 'rsa_bits = 1024;' >>"$tmp/cluster.conf"
sed -e "s/127\.0\.10\./$N./g" -e 's#"\.\./\.demo/state"#"cr/state"#' \
	-e 's#"\.\./\.demo/log"#"cr/log"#' -e 's#"\.\./\.demo/sim/#"state/#' \
	-e 's/login_timeout = [0-9]*;/login_timeout = 120;/' \
	-e 's/command_timeout = [0-9]*;/command_timeout = 120;/' \
	-e 's/connect_timeout = [0-9]*;/connect_timeout = 30;/' \
	"$top_srcdir/conf/demo.conf" >"$tmp/site.conf"
export CERTREGEN_PASSWORD=demo-password CERTREGEN_AXL_PASSWORD=demo-axl-password
# PCRE2's JIT code reads whole words past the subject, which memcheck
# cannot follow: the interpreter instead (docs/expect.md), so that every
# error memcheck reports is a real one.
CERTREGEN_NO_JIT=1
export CERTREGEN_NO_JIT
sim_start "$tmp/cluster.conf" "$tmp/state" ||
	{ ok 1 "vos-sim starts"; tap_done; exit 1; }

# vgcheck LOG: memcheck's errors in LOG; those whose every stack frame is
# unknown to valgrind (JIT-compiled code has no object file) are counted
# apart as "jit N", last: with the JIT off there must be none.
vgcheck() {
	"$PYTHON3" - "$1" <<'PY'
import re, sys
blocks, cur = [], None
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"==\d+== ?(.*)", line.rstrip("\n"))
    if not m:
        continue
    t = m.group(1)
    if t == "":
        cur = None
        continue
    if cur is None:
        cur = [t]
        blocks.append(cur)
    else:
        cur.append(t)
jit, real = 0, []
for b in blocks:
    head = b[0]
    if not re.search(r"uninitialised|Invalid|definitely lost|indirectly lost|"
                     r"Mismatched|overlap|Syscall param|Source and destination",
                     head) or head.startswith(("HEAP SUMMARY", "LEAK SUMMARY")):
        continue
    stack = []
    for l in b[1:]:
        if re.match(r"\s*(at|by) 0x", l):
            stack.append(l)
        else:
            break
    if stack and all(re.search(r": \?\?\?$", l) for l in stack):
        jit += 1
        continue
    real.append("\n".join(b[:14]))
for r in real:
    print(r)
    print("--")
print("jit %d" % jit)
PY
}

vg() {  # vg LABEL ARGS...: certregen under memcheck
	_label=$1
	shift
	valgrind --error-exitcode=99 --leak-check=full \
		--show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect \
		--track-origins=yes --num-callers=20 --log-file="$tmp/vg.$_label" \
		"$CERTREGEN" -c "$tmp/site.conf" "$@" </dev/null >"$tmp/out.$_label" 2>&1
	_rc=$?
	vgcheck "$tmp/vg.$_label" >"$tmp/vgc.$_label"
	_jit=$(sed -n 's/^jit //p' "$tmp/vgc.$_label")
	_real=$(grep -v '^jit ' "$tmp/vgc.$_label")
	is "$_real" "" "$_label: no memcheck error or leak"
	is "$_jit" 0 "$_label: no error in code without a frame (JIT off)"
	# 99 would be memcheck's error exit; the run's own failure is 1-5
	# with an error message.
	ok $((_rc != 0)) "$_label: the run succeeds under valgrind (exit $_rc)"
	is "$(grep 'certregen: error' "$tmp/out.$_label")" "" "$_label: no error message"
	[ "$_rc" -eq 0 ] ||
		tail -n 8 "$tmp/out.$_label" | sed 's/^/#   /'
}

vg discover discover
vg inventory inventory
vg regen regen --yes
vg prune-trust prune-trust --yes
"$PYTHON3" "$top_srcdir/tests/conformance" "$tmp/state/events.jsonl" >"$tmp/conf" 2>&1
c=$?
ok $c "conformance clean"
[ $c -eq 0 ] || sed 's/^/#   /' "$tmp/conf" | head -n 10
tap_done

#!/bin/sh
# No secret (the platform password from a file, the AXL password from the
# environment) in anything a run produces: stdout/stderr, the log file,
# transcripts, reports, the journal and the rest of the state directory,
# the hooks' environment, arguments and open descriptors; and never in
# any process's argv (/proc/PID/cmdline, sampled during the run).  At debug
# level, over a whole regen and prune-trust.  Range 127.0.132.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/security/sec-lib.sh"
N=127.0.132
sec_cluster $N 'expired_trust = ( { nodes = "*"; unit = "tomcat-trust"; cn = "old-root"; days_ago = 100; } );'
mkdir -p "$tmp/hooks"
for h in pre post deploy failure; do
	cat >"$tmp/hooks/$h" <<H
#!/bin/sh
{
	echo "argv: \$0 \$*"
	env
	cat /proc/\$\$/cmdline | tr '\\000' ' '; echo
} >>"$tmp/hooks/$h.out" 2>&1
echo "hook $h says hello"
exit 0
H
	chmod 755 "$tmp/hooks/$h"
	# The descriptors the hook gets, seen before any shell redirection
	# (a shell saves fds 1 and 2 above 10 when it redirects them).
	mv "$tmp/hooks/$h" "$tmp/hooks/$h.sh"
	cat >"$tmp/hooks/$h" <<H
#!$([ -x /usr/bin/python3 ] && echo /usr/bin/python3 || command -v python3)
import os, sys
with open("$tmp/hooks/$h.fd", "a") as out:
    for fd in sorted(os.listdir("/proc/self/fd"), key=int):
        try:
            out.write("%s -> %s\\n" % (fd, os.readlink("/proc/self/fd/" + fd)))
        except OSError:
            pass
os.execv("$tmp/hooks/$h.sh", ["$tmp/hooks/$h.sh"] + sys.argv[1:])
H
	chmod 755 "$tmp/hooks/$h"
done
sec_site $N "hooks = { pre = \"hooks/pre\"; post = \"hooks/post\"; deploy = \"hooks/deploy\"; failure = \"hooks/failure\"; timeout = 20; };
log = { level = \"debug\"; file = \"cr/certregen.log\"; };"
sim_start "$tmp/cluster.conf" "$tmp/state" ||
	{ ok 1 "vos-sim starts"; tap_done; exit 1; }

# The argv sampler: every process's cmdline, every 20 ms, while it runs.
# It takes the secrets from its environment, not from its arguments.
cat >"$tmp/sampler.py" <<'PY'
import os, sys, time
secrets = [os.environ["S1"].encode(), os.environ["S2"].encode()]
stop, outp = sys.argv[1], sys.argv[2]
seen, n = set(), 0
while not os.path.exists(stop):
    for p in os.listdir("/proc"):
        if not p.isdigit() or int(p) == os.getpid():
            continue
        try:
            with open("/proc/%s/cmdline" % p, "rb") as f:
                c = f.read()
        except OSError:
            continue
        n += 1
        for s in secrets:
            if s in c:
                seen.add(c.replace(b"\0", b" ").decode(errors="replace"))
    time.sleep(0.02)
with open(outp, "w") as f:
    f.write("samples %d\n" % n)
    for s in sorted(seen):
        f.write("LEAK %s\n" % s)
PY
S1=$SEC_PW S2=$SEC_AXL_PW "$PYTHON3" "$tmp/sampler.py" "$tmp/sampler.stop" \
	"$tmp/sampler.out" &
spid=$!

sec_cr -v -v regen --yes --report "$tmp/cr/regen-report.json"
is "$rc" 0 "regen at debug level finishes"
cp "$tmp/cr.out" "$tmp/cr/regen.stdout"
cp "$tmp/cr.err" "$tmp/cr/regen.stderr"
sec_cr -v -v prune-trust --yes --report "$tmp/cr/prune-report.json"
is "$rc" 0 "prune-trust at debug level finishes"
cp "$tmp/cr.out" "$tmp/cr/prune.stdout"
cp "$tmp/cr.err" "$tmp/cr/prune.stderr"
sec_cr -v -v verify --json
cp "$tmp/cr.out" "$tmp/cr/verify.stdout"
cp "$tmp/cr.err" "$tmp/cr/verify.stderr"
sec_cr status
cp "$tmp/cr.out" "$tmp/cr/status.stdout"

: >"$tmp/sampler.stop"
wait $spid
samples=$(sed -n 's/^samples //p' "$tmp/sampler.out")
ok $((samples < 100)) "argv sampled during the runs ($samples cmdlines read)"
leaks=$(grep '^LEAK' "$tmp/sampler.out")
is "$leaks" "" "no secret in any process's argv"

# Everything certregen produced, and what its hooks saw.
ls "$tmp/cr/log/transcripts"/*/* >/dev/null 2>&1
ok $? "transcripts were written"
[ -s "$tmp/cr/certregen.log" ]
ok $? "the log file was written"
ls "$tmp/cr/state/runs/"*.jsonl >/dev/null 2>&1
ok $? "journals were kept"
for h in pre post deploy; do
	[ -s "$tmp/hooks/$h.out" ]
	ok $? "the $h hook ran"
done
has "$(cat "$tmp/hooks/post.out")" "CERTREGEN_RESULT=" "hooks get certregen's variables"

# The secrets are looked for by a program that takes them from its
# environment (grep -F "$SEC_PW" would put them in argv).
cat >"$tmp/scan.py" <<'PY'
import os, sys
secrets = [os.environ["S1"].encode(), os.environ["S2"].encode()]
hits, files = [], 0
for root in sys.argv[1:]:
    for d, _, fs in os.walk(root):
        for f in fs:
            p = os.path.join(d, f)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            files += 1
            with open(p, "rb") as fh:
                b = fh.read()
            for s in secrets:
                # also split across a line end or escaped as JSON/octal
                if s in b or s[:8] in b:
                    hits.append("%s holds %s..." % (p, s[:4].decode()))
print("files %d" % files)
for h in hits:
    print("HIT " + h)
PY
S1=$SEC_PW S2=$SEC_AXL_PW "$PYTHON3" "$tmp/scan.py" "$tmp/cr/log" \
	"$tmp/cr/state" "$tmp/cr/certregen.log" "$tmp/cr/regen-report.json" \
	"$tmp/cr/prune-report.json" "$tmp/cr/regen.stdout" "$tmp/cr/regen.stderr" \
	"$tmp/cr/prune.stdout" "$tmp/cr/prune.stderr" "$tmp/cr/verify.stdout" \
	"$tmp/cr/verify.stderr" "$tmp/cr/status.stdout" "$tmp/hooks" >"$tmp/scan.out"
cat "$tmp/hooks/"*.fd | sed 's/^/# hook fds: /' 
nfiles=$(sed -n 's/^files //p' "$tmp/scan.out")
ok $((nfiles < 20)) "scanned every file certregen and its hooks wrote ($nfiles)"
is "$(grep '^HIT' "$tmp/scan.out")" "" "no secret in logs, transcripts, reports, journal, state, hook output or std streams"

# The hooks' descriptors: stdin, stdout, stderr (and the script the shell
# reads), nothing of certregen's (no socket, no journal, no password file).
# Besides 0-2 only python's own: the script it reads (hooks/) and the
# /proc/self/fd directory it lists.
extra=$(cat "$tmp/hooks/"*.fd | grep -v '^[0-2] -> ' |
	grep -v "hooks/\|/proc/[0-9]*/fd")
is "$extra" "" "hooks inherit no descriptor beyond 0-2"

# The transcripts record the typed password as redacted.
has "$(cat "$tmp/cr/log/transcripts"/*/* 2>/dev/null)" "admin:" \
	"the transcripts hold the sessions"
tap_done

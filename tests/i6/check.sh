#!/bin/sh
# check: the Nagios plugin exit codes and perfdata against the simulator's
# expiry dates, the thresholds from -w/-c and the site, the Prometheus
# textfile (written atomically), UNKNOWN when the cluster cannot be read or
# the command line is wrong; read-only.  Range 127.0.63.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sim/sim-lib.sh"
. "$top_srcdir/tests/i6/i6-lib.sh"

# tomcat on IMPPUB: 5 days (critical at 7); cup on IMPSUB1: 20 (warning at 30).
I6_IMPPUB='validity = { tomcat = 5; };'
I6_IMPSUB1='validity = { cup = 20; };'
i6_cluster 127.0.63
i6_fresh || { ok 1 "vos-sim starts"; tap_done; exit 1; }
i6_site 127.0.63
# A 5-day certificate has 5 whole days left only within the second it was
# made in, 4 from the next: start past that second.
sleep 1

i6_cr check
is "$rc" 2 "tomcat in 4 days: CRITICAL (exit 2)"
first=$(printf '%s\n' "$out" | head -n 1)
has "$first" "CERTREGEN CRITICAL - i6: tomcat on IMPPUB expires in 4 days" "the first line names the nearest"
has "$first" "'IMPPUB_tomcat'=4d;30;7" "perfdata: days left, warning, critical"
has "$first" "'IMPSUB1_cup'=19d;30;7" "perfdata of another node and unit"
printf '%s\n' "$first" | grep -q "'IMPPUB_cup-xmpp'=18[0-9][0-9]d;30;7"
ok $? "perfdata of a five-year certificate"
is "$(printf '%s\n' "$first" | grep -o "'[A-Z0-9]*_[a-z0-9-]*'=" | wc -l)" 10 "perfdata for 5 units x 2 IM/P nodes"
has "$out" "IMPSUB1 cup: WARNING, 19 days left" "long output: per certificate"

i6_cr check -w 30 -c 3
is "$rc" 1 "-c 3: WARNING (exit 1)"
has "$out" "'IMPPUB_tomcat'=4d;30;3" "the thresholds from the options"
i6_cr check -w 3 -c 1
is "$rc" 0 "-w 3 -c 1: OK (exit 0)"
has "$out" "CERTREGEN OK" "OK said"
I6_SITE_EXTRA='renew = { threshold_days = 10; };'
i6_site 127.0.63
i6_cr check -c 2
is "$rc" 1 "the warning threshold from renew.threshold_days: WARNING"
has "$out" "'IMPPUB_tomcat'=4d;10;2" "perfdata shows renew.threshold_days"

i6_cr check --prometheus "$tmp/certregen.prom"
is "$rc" 2 "with --prometheus: still CRITICAL"
p=$(cat "$tmp/certregen.prom")
na=$(openssl x509 -noout -enddate -in "$tmp/state/nodes/IMPPUB/own/tomcat.pem" | sed 's/notAfter=//')
na=$(date -d "$na" +%s)
has "$p" "certregen_cert_expiry_seconds{site=\"i6\",node=\"IMPPUB\",unit=\"tomcat\"} $na" "prometheus: notAfter of IMPPUB tomcat"
has "$p" "# TYPE certregen_cert_expiry_seconds gauge" "prometheus: TYPE line"
has "$p" "certregen_check_status{site=\"i6\"} 2" "prometheus: the check's state"
is "$(ls "$tmp" | grep -c 'certregen.prom.tmp')" 0 "no temporary file left"

# Usage and site file errors are UNKNOWN (3), as plugins do.
i6_cr check -c 40 -w 30
is "$rc" 3 "critical beyond warning: UNKNOWN (exit 3)"
i6_cr check --bogus
is "$rc" 3 "unknown option: UNKNOWN (exit 3)"
echo 'name = "x"; bogus = 1;' >"$tmp/bad.conf"
run "$CERTREGEN" -c "$tmp/bad.conf" check
is "$rc" 3 "a bad site file: UNKNOWN (exit 3)"
is "$(i6_changes)" "" "check changed nothing"

# The cluster gone: UNKNOWN.
sim_stop
i6_cr check
is "$rc" 3 "no cluster: UNKNOWN (exit 3)"
has "$out" "CERTREGEN UNKNOWN" "UNKNOWN said on stdout"
tap_done

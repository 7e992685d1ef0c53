#!/bin/sh
# conf/: the example sites load; the systemd template units verify
# (systemd-analyze, when there is one) and treat exit 5 as success.
. "${top_srcdir:-.}/tests/lib.sh"

export CERTREGEN_PASSWORD=x CERTREGEN_AXL_PASSWORD=y
for f in site-small.conf site-fleet.conf; do
	run "$CERTREGEN" -c "$top_srcdir/conf/$f" config
	is "$rc" 0 "conf/$f loads"
	[ "$rc" -eq 0 ] || printf '%s\n' "$err" | sed 's/^/#   /'
done
svc="$top_srcdir/conf/certregen@.service"
grep -q '^SuccessExitStatus=5$' "$svc"
ok $? "the service counts exit 5 (nothing due) as success"
grep -q '^ExecStart=.* -c /etc/certregen/%i.conf renew$' "$svc"
ok $? "one instance a site: /etc/certregen/%i.conf"
grep -q '^NoNewPrivileges=yes$' "$svc" && grep -q '^ProtectSystem=strict$' "$svc"
ok $? "the service is hardened"
if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir -p "$tmp/u"
	sed 's|^ExecStart=/usr/bin/certregen|ExecStart=/bin/true|' "$svc" \
		>"$tmp/u/certregen@.service"
	cp "$top_srcdir/conf/certregen@.timer" "$tmp/u/"
	w=$(cd "$tmp/u" && systemd-analyze verify --man=no \
		./certregen@t.service ./certregen@t.timer 2>&1)
	is "$w" "" "systemd-analyze verify: no complaint"
else
	ok 0 "# SKIP no systemd-analyze"
fi
tap_done

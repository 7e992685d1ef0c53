#!/bin/sh
# certregen -c FILE config: the effective configuration, secrets masked;
# the shipped site files load.
. "${top_srcdir:-.}/tests/lib.sh"

printf 'Tr0ub4dor&3\n' > "$tmp/pw"
chmod 600 "$tmp/pw"
cat > "$tmp/site.conf" <<CONF
name = "t";
publishers = { imp = "127.0.0.1"; };
credentials = { user = "admin"; password_file = "pw"; };
maintenance = { windows = [ "always" ]; };
paths = { state_dir = "state"; };
CONF
run "$CERTREGEN" -c "$tmp/site.conf" config
is "$rc" 0 "config exits 0"
has "$out" "credentials.password *** (from file $tmp/pw)" "password masked"
lacks "$out" "Tr0ub4dor" "the password is not printed"
lacks "$err" "Tr0ub4dor" "nor on stderr"
has "$out" "paths.state_dir $tmp/state" "relative state_dir resolved"
has "$out" "maintenance.window always" "the window"

CERTREGEN_CONFIG="$tmp/site.conf" run "$CERTREGEN" config
is "$rc" 0 "CERTREGEN_CONFIG names the site file"

run "$CERTREGEN" -c "$tmp/site.conf" config extra
is "$rc" 2 "config with an extra argument: usage"

chmod 644 "$tmp/pw"
run "$CERTREGEN" -c "$tmp/site.conf" config
is "$rc" 2 "loose password file: exit 2"
has "$err" "site.conf:3: credentials.password_file" "error names file:line"
has "$err" "too open" "and why"
has "$err" "nothing was done" "and that nothing was done"
lacks "$err" "Tr0ub4dor" "no password in the error"

# The shipped examples load (the demo one with the simulator's password).
for f in demo.conf example-site.conf; do
	[ -f "$top_srcdir/conf/$f" ] || { ok 1 "conf/$f exists"; continue; }
	case $f in
	demo.conf) CERTREGEN_PASSWORD=demo CERTREGEN_AXL_PASSWORD=demo run "$CERTREGEN" -c "$top_srcdir/conf/$f" config ;;
	*) CERTREGEN_PASSWORD=x CERTREGEN_AXL_PASSWORD=y run "$CERTREGEN" -c "$top_srcdir/conf/$f" config ;;
	esac
	if [ "$rc" -ne 0 ]; then printf '%s\n' "$err" | sed 's/^/# /'; fi
	is "$rc" 0 "conf/$f loads"
done
tap_done

#!/bin/sh
# The program skeleton: --help, --version, usage errors and their exit code.
. "${top_srcdir:-.}/tests/lib.sh"

run "$CERTREGEN" --version
is "$rc" 0 "--version exits 0"
has "$out" "certregen " "--version prints the name and version"

run "$CERTREGEN" --help
is "$rc" 0 "--help exits 0"
has "$out" "usage: certregen" "--help prints usage"
has "$out" "config" "--help lists the config command"
has "$out" "Exit status" "--help documents the exit codes"

run "$CERTREGEN"
is "$rc" 2 "no command: usage exit code"
has "$err" "usage:" "no command: usage on stderr"

run "$CERTREGEN" --bogus
is "$rc" 2 "unknown option: exit 2"

run "$CERTREGEN" frobnicate
is "$rc" 2 "unknown command: exit 2"
has "$err" "unknown command 'frobnicate'" "unknown command named"

run "$CERTREGEN" "$(printf 'x\033[2Jy')"
is "$rc" 2 "hostile command name: exit 2"
has "$err" 'x\e[2Jy' "the escape is shown escaped"

unset CERTREGEN_CONFIG
run "$CERTREGEN" config
is "$rc" 2 "config without a site file: exit 2"
has "$err" "needs a site file" "says a site file is needed"

run "$CERTREGEN" -c /nonexistent.conf config
is "$rc" 2 "missing site file: exit 2"
has "$err" "/nonexistent.conf: cannot open" "names the file"

tap_done

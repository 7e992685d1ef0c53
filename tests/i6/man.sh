#!/bin/sh
# The man pages render without a warning (man --warnings -l).
. "${top_srcdir:-.}/tests/lib.sh"
command -v man >/dev/null 2>&1 || skip_all "no man"
man --help 2>/dev/null | grep -q -- --warnings || skip_all "man has no --warnings"
for p in man/certregen.1 man/certregen.conf.5 man/certregen-dialog.5; do
	w=$(MANWIDTH=80 man --warnings -l "$top_srcdir/$p" 2>&1 >/dev/null)
	is "$w" "" "$p renders without warnings"
	t=$(MANWIDTH=80 man -l "$top_srcdir/$p" 2>/dev/null | wc -l)
	ok $((t < 20)) "$p has content ($t lines)"
done
tap_done

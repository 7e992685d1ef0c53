#!/bin/sh
# Banned functions (curl's checksrc habit): unsafe or unbounded calls that
# have a safer form in this code base.
. "${top_srcdir:-.}/tests/lib.sh"

banned='strcpy strcat sprintf vsprintf strtok gets atoi atol atof system popen tmpnam mktemp alloca strncpy'
files=$(find "$top_srcdir/src" "$top_srcdir/tests" "$top_srcdir/fuzz" \
	-name '*.[ch]' 2>/dev/null | sort)
for f in $banned; do
	hits=$(grep -nE "(^|[^a-zA-Z0-9_>.])$f[[:space:]]*\(" $files 2>/dev/null |
		grep -v 'banned-ok' || true)
	if [ -n "$hits" ]; then
		ok 1 "no $f()"
		printf '%s\n' "$hits" | sed 's/^/#   /'
	else
		ok 0 "no $f()"
	fi
done
tap_done

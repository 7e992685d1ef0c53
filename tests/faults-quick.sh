#!/bin/sh
# The representative part of the fault matrix (tests/faults --quick) as a
# TAP test for `make check`; the whole matrix is `tests/faults`.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${PYTHON3:=python3}"
export top_srcdir top_builddir
exec "$PYTHON3" "$top_srcdir/tests/faults" --quick --tap -j "${FAULTS_JOBS:-4}"

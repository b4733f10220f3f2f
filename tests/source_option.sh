#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# --source and `monitor` at the CLI's edges (issue 6): a bad --source is a
# usage error; the udev source refuses a root other than the live host
# with a clear error (it reads through libudev, which only knows the live
# host); sysfs and auto read any root and agree on it; monitor refuses a
# fixture root and bad arguments.
# Env: NODEDEV (the CLI), ND_SOURCE_DIR.
set -uo pipefail
export LC_ALL=C
unset NODEDEV_ROOT UMOCKDEV_DIR

: "${NODEDEV:?NODEDEV must name the nodedev CLI}"
: "${ND_SOURCE_DIR:?ND_SOURCE_DIR must name the source tree}"
fx=$ND_SOURCE_DIR/fixtures/proposal
[ -d "$fx/sys" ] || { echo "SKIP: no fixtures/proposal"; exit 77; }

work=$(mktemp -d /tmp/nodedev-source-option.XXXXXX)
trap 'rm -rf -- "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect RC NEEDLE ARGS…: exit status RC and NEEDLE in stderr
expect() {
    local want=$1 needle=$2; shift 2
    "$NODEDEV" "$@" >"$work/out" 2>"$work/err" </dev/null
    local rc=$?
    [ "$rc" -eq "$want" ] || fail "nodedev $*: exit $rc, want $want ($(head -c 200 "$work/err"))"
    grep -qF -- "$needle" "$work/err" ||
        fail "nodedev $*: stderr lacks '$needle': $(head -c 200 "$work/err")"
}

expect 2 "--source takes auto, sysfs or udev, not 'hal'" --source hal list
expect 1 "nodedev: error: the udev source reads the live host only, not root $fx" \
    --source udev --root "$fx" list
expect 1 "nodedev: error: device events come from the live host; root $fx is not it" \
    --root "$fx" monitor
expect 2 "monitor: bad option" --root "$fx" monitor --bogus
expect 2 "monitor: unexpected argument 'x'" --root "$fx" monitor x

"$NODEDEV" --source sysfs --root "$fx" dumpxml --all >"$work/sysfs.xml" 2>/dev/null ||
    fail "--source sysfs --root: exit $?"
"$NODEDEV" --source auto --root "$fx" dumpxml --all >"$work/auto.xml" 2>/dev/null ||
    fail "--source auto --root: exit $?"
"$NODEDEV" --root "$fx" dumpxml --all >"$work/default.xml" 2>/dev/null ||
    fail "--root: exit $?"
cmp -s "$work/sysfs.xml" "$work/auto.xml" || fail "auto differs from sysfs on a fixture"
cmp -s "$work/sysfs.xml" "$work/default.xml" || fail "the default differs from sysfs on a fixture"
cmp -s "$work/sysfs.xml" "$fx/expected.xml" || fail "sysfs differs from expected.xml"

[ "$failures" -eq 0 ] && echo "source_option: ok"
[ "$failures" -eq 0 ]

#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# gen FLOOR NODEDEV: a 500-device tree from seed 7 lists as exactly 500
# devices without a warning, dumps schema-valid, and the floor reads it.
set -eu
gen=$1 floor=$2 nodedev=$3
dir=$(mktemp -d /tmp/nodedev-bench-smoke-XXXXXX)
trap 'rm -rf "$dir"' EXIT
"$gen" --devices 500 --seed 7 "$dir/root" > /dev/null
n=$("$nodedev" --root "$dir/root" list 2> "$dir/warnings" | wc -l)
[ "$n" = 500 ] || { echo "FAIL: $n devices, not 500"; exit 1; }
[ ! -s "$dir/warnings" ] || { echo "FAIL: warnings:"; cat "$dir/warnings"; exit 1; }
"$nodedev" --root "$dir/root" dumpxml --all > "$dir/all.xml"
xmllint --noout --relaxng "$(dirname "$0")/../../xml/nodedev.rng" "$dir/all.xml" 2>/dev/null \
    || { echo "FAIL: the dump is not schema-valid"; exit 1; }
"$floor" "$dir/root" > /dev/null
echo "bench smoke: 500 devices, no warnings, valid dump, floor ran"

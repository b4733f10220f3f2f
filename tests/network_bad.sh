#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The warnings of fixtures/network-bad (its golden test runs quiet): each
# malformed network attribute is reported once, naming its file, the CLI
# still succeeds, and the dump stays valid. Environment (set by ctest):
# NODEDEV (the CLI), ND_SOURCE_DIR.

set -u
: "${NODEDEV:?NODEDEV must name the nodedev CLI}"
: "${ND_SOURCE_DIR:?ND_SOURCE_DIR must name the source tree}"
root=$ND_SOURCE_DIR/fixtures/network-bad
failed=0
fail() { echo "FAIL: $*"; failed=1; }

out=$(mktemp -d /tmp/nodedev-netbad-XXXXXX)
trap 'rm -rf "$out"' EXIT

"$NODEDEV" --root "$root" dumpxml --all > "$out/all.xml" 2> "$out/err" ||
    fail "dumpxml --all exited $?"
echo "warnings:"
sed 's/^/  /' "$out/err"

# One line per bad field, each naming the file.
expect() {
    local n
    n=$(grep -cF -- "$1" "$out/err")
    [ "$n" = 1 ] || fail "want one warning naming $1, got $n"
}
expect "/sys/devices/virtual/net/br1/brif/ghost0:"
expect "/sys/devices/virtual/net/weird0/type:"
expect "/sys/devices/virtual/net/bond1/bonding/slaves:"
expect "/sys/devices/virtual/net/badmac0/address:"
expect "/proc/net/vlan/config:"
n=$(grep -c . "$out/err")
[ "$n" = 5 ] || fail "want 5 warnings, got $n"

xmllint --noout --relaxng "$ND_SOURCE_DIR/xml/nodedev.rng" "$out/all.xml" ||
    fail "the dump does not validate"
[ "$failed" = 0 ] && echo "PASS: 5 warnings, valid dump"
exit "$failed"

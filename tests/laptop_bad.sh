#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The warnings of fixtures/laptop-bad (its golden test runs quiet): each
# broken block, sound or input attribute is reported once, naming its file,
# the CLI still succeeds, every device is listed, and the dump stays valid.
# Environment (set by ctest): NODEDEV (the CLI), ND_SOURCE_DIR.

set -u
: "${NODEDEV:?NODEDEV must name the nodedev CLI}"
: "${ND_SOURCE_DIR:?ND_SOURCE_DIR must name the source tree}"
unset NODEDEV_ROOT
root=$ND_SOURCE_DIR/fixtures/laptop-bad
failed=0
fail() { echo "FAIL: $*"; failed=1; }

out=$(mktemp -d /tmp/nodedev-laptopbad-XXXXXX)
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
ata=/sys/devices/pci0000:00/0000:00:17.0
expect "$ata/ata1/host0/target0:0:0/0:0:0:0/block/sda/size:"
expect "$ata/ata2/host1/target1:0:0/1:0:0:0/block/sdb/sdb1:"
expect "/sys/devices/pci0000:00/0000:00:1f.3/sound/card0/number:"
expect "/sys/devices/platform/i8042/serio0/input/input0/capabilities/key:"
expect "/sys/devices/LNXSYSTM:00/LNXSYBUS:00/PNP0C0D:00/input/input1/capabilities/ev:"
n=$(grep -c . "$out/err")
[ "$n" = 5 ] || fail "want 5 warnings, got $n"

# Every device is still there, without its bad field.
"$NODEDEV" --root "$root" list > "$out/list" 2> /dev/null
for name in storage_model_Samsung_SSD_860 volume_part1_size_1000203837440 \
            pci_8086_9d71_sound_card_0 computer_logicaldev_input \
            computer_logicaldev_input_0 computer_logicaldev_input_1; do
    grep -qx -- "$name" "$out/list" || fail "$name is not listed"
done
"$NODEDEV" --root "$root" dumpxml storage_model_Samsung_SSD_860 2> /dev/null |
    grep -q '<size>' && fail "the disk with a bad size has a <size>"
n=$("$NODEDEV" --root "$root" list --cap keyboard 2> /dev/null | wc -l)
[ "$n" = 0 ] || fail "a keyboard from a key bitmap of the wrong length"
# the sleep button without capabilities/: its kind from the uevent
keys=$("$NODEDEV" --root "$root" list --cap keys 2> /dev/null)
[ "$keys" = computer_logicaldev_input_0 ] || fail "keys: got [$keys]"

xmllint --noout --relaxng "$ND_SOURCE_DIR/xml/nodedev.rng" "$out/all.xml" ||
    fail "the dump does not validate"
[ "$failed" = 0 ] && echo "PASS: 5 warnings, every device listed, valid dump"
exit "$failed"

#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nodedev import-umockdev (issue 7): the test recordings (tests/import/*,
# one per class, sharing parents) imported together dump exactly as
# tests/import/expected.xml (NODEDEV_REGEN=1 rewrites it: review the diff);
# a malformed line is reported with file and line number, exit 1.
set -u
: "${NODEDEV:?}" "${ND_SOURCE_DIR:?}"
dir=$ND_SOURCE_DIR/tests/import
work=$(mktemp -d /tmp/nodedev-import-XXXXXX)
trap 'rm -rf "$work"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }

"$NODEDEV" import-umockdev "$dir/pci.umockdev" "$dir/usb.umockdev" "$dir/scsi.umockdev" \
    "$dir/net.umockdev" "$work/root" || fail "import failed"
"$NODEDEV" --root "$work/root" dumpxml --all > "$work/out.xml" || fail "dump failed"
if [ "${NODEDEV_REGEN:-}" = 1 ]; then
    cp "$work/out.xml" "$dir/expected.xml" && echo "rewrote $dir/expected.xml"
fi
cmp -s "$work/out.xml" "$dir/expected.xml" \
    || { diff -u "$dir/expected.xml" "$work/out.xml" | head -40; fail "dump differs"; }
xmllint --noout --relaxng "$ND_SOURCE_DIR/xml/nodedev.rng" "$work/out.xml" 2>/dev/null \
    || fail "dump is not schema-valid"
[ -f "$work/root/run/udev/data/+pci:0000:00:14.0" ] || fail "udev properties not in run/udev/data"
grep -q '^E:ID_VENDOR_FROM_DATABASE=' "$work/root/run/udev/data/+pci:0000:00:14.0" \
    || fail "udev database entry lacks the E: line"

# Importing again into the same root merges: nothing changes.
"$NODEDEV" import-umockdev --force "$dir/usb.umockdev" "$work/root" || fail "merge failed"
"$NODEDEV" --root "$work/root" dumpxml --all | cmp -s - "$dir/expected.xml" \
    || fail "a second import changed the dump"

out=$("$NODEDEV" import-umockdev "$dir/bad.umockdev" "$work/bad" 2>&1); rc=$?
[ $rc = 1 ] || fail "malformed recording: exit $rc"
grep -q 'bad.umockdev:4: ' <<< "$out" || fail "no line number in: $out"
out=$("$NODEDEV" import-umockdev "$dir/pci.umockdev" "$work/root" 2>&1); rc=$?
[ $rc = 1 ] && grep -q "not empty" <<< "$out" || fail "non-empty target accepted: $out"
out=$("$NODEDEV" import-umockdev "$dir/pci.umockdev" 2>&1); rc=$?
[ $rc = 2 ] || fail "missing DIR: exit $rc"

[ $failed = 0 ] && echo "import: all passed ($(grep -c '<device>' "$dir/expected.xml") devices)"
exit $failed

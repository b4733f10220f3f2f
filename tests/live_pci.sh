#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# nodedev on this machine's real /sys (read only): every function in
# /sys/bus/pci/devices appears in `nodedev dumpxml --all` with its address
# and its vendor and device ids, and the dump is valid against
# xml/nodedev.rng. Skips (77) where /sys/bus/pci/devices is absent.
# Env: NODEDEV (the CLI), ND_SOURCE_DIR.
set -euo pipefail
export LC_ALL=C
unset NODEDEV_ROOT

: "${NODEDEV:?NODEDEV must name the nodedev CLI}"
: "${ND_SOURCE_DIR:?ND_SOURCE_DIR must name the source tree}"
rng=$ND_SOURCE_DIR/xml/nodedev.rng
pcidir=/sys/bus/pci/devices

if [ ! -d "$pcidir" ]; then
    echo "SKIP: $pcidir is absent"
    exit 77
fi
if ! command -v xmllint >/dev/null; then
    echo "FAIL: xmllint is missing (tools/install-deps.sh installs it)"
    exit 1
fi

work=$(mktemp -d "/tmp/nodedev-live.XXXXXX")
trap 'rm -rf -- "$work"' EXIT

if ! "$NODEDEV" dumpxml --all >"$work/all.xml" 2>"$work/err"; then
    echo "FAIL: nodedev dumpxml --all exited non-zero:"
    head -20 "$work/err"
    exit 1
fi
if [ -s "$work/err" ]; then
    echo "nodedev warned:"
    head -20 "$work/err"
fi
if ! xmllint --noout --relaxng "$rng" "$work/all.xml" 2>"$work/xmllint"; then
    echo "FAIL: the live dump is not valid against nodedev.rng:"
    head -20 "$work/xmllint"
    exit 1
fi

# What the kernel says: "dddd:bb:ss.f vvvv:dddd" per function.
: >"$work/sys"
for dev in "$pcidir"/*; do
    [ -e "$dev" ] || continue
    addr=$(basename -- "$dev")
    vendor=$(cat "$dev/vendor")
    device=$(cat "$dev/device")
    printf '%s %s:%s\n' "$addr" "${vendor#0x}" "${device#0x}" >>"$work/sys"
done
sort -o "$work/sys" "$work/sys"

# What nodedev says (ids in the XML are decimal).
xmllint --format "$work/all.xml" | awk '
    function attr(line, name,   s) {
        s = line
        if (!sub(".*[ <]" name "=\"", "", s))
            return ""
        sub(/".*/, "", s)
        return s
    }
    /<bus type="pci">/ { inpci = 1; v = d = a = ""; next }
    inpci && /<vendor[ >\/]/ { v = attr($0, "id") }
    inpci && /<product[ >\/]/ { d = attr($0, "id") }
    inpci && /<address / {
        a = attr($0, "domain") ":" attr($0, "bus") ":" attr($0, "slot") "." attr($0, "function")
    }
    inpci && /<\/bus>/ { printf "%s %04x:%04x\n", a, v, d; inpci = 0 }' |
    sort >"$work/nd"

m=$(wc -l <"$work/sys")
n=$(comm -12 "$work/sys" "$work/nd" | wc -l)
echo "live: $n of $m PCI functions in $pcidir appear in nodedev's dump with address and ids"
if [ "$n" -ne "$m" ]; then
    echo "FAIL: missing or different in nodedev's dump (sysfs view):"
    comm -23 "$work/sys" "$work/nd"
    echo "nodedev's PCI functions:"
    cat "$work/nd"
    exit 1
fi
extra=$(comm -13 "$work/sys" "$work/nd" | wc -l)
if [ "$extra" -ne 0 ]; then
    echo "FAIL: nodedev shows PCI functions that $pcidir does not list:"
    comm -13 "$work/sys" "$work/nd"
    exit 1
fi
echo "PASS"

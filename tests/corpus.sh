#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# nodedev over the real sysfs trees of ../shared/corpus (other projects'
# recordings; never copied into this project). For each tree:
#   - in place: `dumpxml --all` exits 0 and is schema-valid (the corpus keeps
#     its symlinks flattened into files, so this is a robustness check);
#   - on a temporary copy in /tmp with those files turned back into
#     symlinks (tools/unflatten-links.sh): `dumpxml --all` exits 0, is
#     well-formed and valid against xml/nodedev.rng, and its PCI functions
#     (address, vendor:device) are exactly those that
#     `lspci -O sysfs.path=COPY/sys/bus/pci -nn -D` reports.
# Prints the agreement figures. Skips (77) without the corpus.
# Env: NODEDEV (the CLI), ND_SOURCE_DIR; ND_CORPUS overrides the corpus path.
set -euo pipefail
export LC_ALL=C
unset NODEDEV_ROOT

: "${NODEDEV:?NODEDEV must name the nodedev CLI}"
: "${ND_SOURCE_DIR:?ND_SOURCE_DIR must name the source tree}"
corpus=${ND_CORPUS:-$ND_SOURCE_DIR/../shared/corpus}
rng=$ND_SOURCE_DIR/xml/nodedev.rng

if [ ! -d "$corpus" ]; then
    echo "SKIP: no corpus at $corpus"
    exit 77
fi
for tool in xmllint lspci; do
    if ! command -v "$tool" >/dev/null; then
        echo "FAIL: $tool is missing (tools/install-deps.sh installs it)"
        exit 1
    fi
done

work=$(mktemp -d "/tmp/nodedev-corpus.XXXXXX")
trap 'rm -rf -- "$work"' EXIT

# "dddd:bb:ss.f vvvv:dddd" per PCI function of a nodedev dump (ids in the
# XML are decimal).
nodedev_pci() {
    xmllint --format "$1" | awk '
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
        inpci && /<\/bus>/ {
            printf "%s %04x:%04x\n", a, v, d
            inpci = 0
        }'
}

# The same from lspci: the address, then the last [vvvv:dddd] of the line.
lspci_pci() {
    lspci -O "sysfs.path=$1" -nn -D | awk '
        {
            ids = ""; s = $0
            while (match(s, /\[[0-9a-f][0-9a-f][0-9a-f][0-9a-f]:[0-9a-f][0-9a-f][0-9a-f][0-9a-f]\]/)) {
                ids = substr(s, RSTART + 1, RLENGTH - 2)
                s = substr(s, RSTART + RLENGTH)
            }
            print $1, ids
        }'
}

valid() {   # FILE LABEL
    local out
    if ! out=$(xmllint --noout --relaxng "$rng" "$1" 2>&1); then
        echo "FAIL: $2: not valid against nodedev.rng:"
        printf '%s\n' "$out" | head -20
        return 1
    fi
}

failures=0 trees=0 pci_trees=0 agree_total=0 funcs_total=0
summary=()
for tree in "$corpus"/*/; do
    tree=${tree%/}
    [ -d "$tree/sys" ] || continue
    name=$(basename -- "$tree")
    trees=$((trees + 1))
    echo "== $name"

    # In place, flattened links and all.
    if ! "$NODEDEV" --root "$tree" dumpxml --all >"$work/$name.flat.xml" 2>"$work/$name.flat.err"; then
        echo "FAIL: $name (in place): dumpxml --all failed:"
        head -20 "$work/$name.flat.err"
        failures=$((failures + 1))
    elif ! valid "$work/$name.flat.xml" "$name (in place)"; then
        failures=$((failures + 1))
    fi

    # On a copy with real symlinks.
    copy=$work/$name
    "$ND_SOURCE_DIR/tools/unflatten-links.sh" "$tree" "$copy"
    if ! "$NODEDEV" --root "$copy" dumpxml --all >"$work/$name.xml" 2>"$work/$name.err"; then
        echo "FAIL: $name: dumpxml --all exited non-zero:"
        head -20 "$work/$name.err"
        failures=$((failures + 1))
        summary+=("$name: dumpxml failed")
        continue
    fi
    warnings=$(grep -c . "$work/$name.err" || true)
    devices=$(grep -c '^  <device>' "$work/$name.xml" || true)
    echo "nodedev: $devices devices, $warnings warning lines on stderr"
    if ! valid "$work/$name.xml" "$name"; then
        failures=$((failures + 1))
        summary+=("$name: schema-invalid")
        continue
    fi

    if [ ! -d "$copy/sys/bus/pci/devices" ]; then
        summary+=("$name: $devices devices, valid; no PCI")
        continue
    fi
    pci_trees=$((pci_trees + 1))
    nodedev_pci "$work/$name.xml" | sort >"$work/$name.nd"
    if ! lspci_pci "$copy/sys/bus/pci" | sort >"$work/$name.lspci"; then
        echo "FAIL: $name: lspci failed"
        failures=$((failures + 1))
        continue
    fi
    m=$(wc -l <"$work/$name.lspci")
    n=$(comm -12 "$work/$name.nd" "$work/$name.lspci" | wc -l)
    extra=$(comm -23 "$work/$name.nd" "$work/$name.lspci" | wc -l)
    agree_total=$((agree_total + n))
    funcs_total=$((funcs_total + m))
    line="$name: $n of $m PCI functions agree with lspci"
    [ "$extra" -eq 0 ] || line+=", $extra only in nodedev"
    echo "$line"
    summary+=("$line")
    if [ "$n" -ne "$m" ] || [ "$extra" -ne 0 ] || [ "$m" -eq 0 ]; then
        echo "FAIL: $name: PCI functions differ (< nodedev, > lspci):"
        diff "$work/$name.nd" "$work/$name.lspci" | grep '^[<>]' || true
        failures=$((failures + 1))
    fi
done

echo
echo "corpus: $trees trees; PCI: $agree_total of $funcs_total functions agree over $pci_trees trees"
printf '  %s\n' "${summary[@]}"
if [ "$trees" -eq 0 ]; then
    echo "FAIL: no trees in $corpus"
    exit 1
fi
if [ "$failures" -ne 0 ]; then
    echo "FAIL: $failures problems"
    exit 1
fi
echo "PASS"

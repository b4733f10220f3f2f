#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The nodedev CLI as scripts see it: exit codes (0 ok, 1 error, 2 usage),
# where messages go and what they name, --root / NODEDEV_ROOT, dumpxml by
# name and by key, list order and --tree completeness. Runs on the fixtures
# in $ND_SOURCE_DIR/fixtures (the checks that need one device use
# fixtures/proposal's SMBus controller pci_8086_27da; without that fixture
# they are left out and the rest runs on the live root).
# Env: NODEDEV (the CLI), ND_SOURCE_DIR.
set -uo pipefail
export LC_ALL=C
unset NODEDEV_ROOT

: "${NODEDEV:?NODEDEV must name the nodedev CLI}"
: "${ND_SOURCE_DIR:?ND_SOURCE_DIR must name the source tree}"
fixtures=$ND_SOURCE_DIR/fixtures
rng=$ND_SOURCE_DIR/xml/nodedev.rng
keyprefix=/org/freedesktop/Hal/devices/

work=$(mktemp -d "/tmp/nodedev-cli.XXXXXX")
trap 'rm -rf -- "$work"' EXIT

failures=0 checks=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { checks=$((checks + 1)); }

# run [VAR=VALUE…] -- ARGS…: runs nodedev; sets $rc, $out (stdout file),
# $err (stderr file).
out=$work/out err=$work/err rc=0
run() {
    local -a envs=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    env ${envs[@]+"${envs[@]}"} "$NODEDEV" "$@" >"$out" 2>"$err"
    rc=$?
}
desc() { printf 'nodedev %s' "$*"; }

expect_rc() {   # WANT LABEL
    if [ "$rc" -ne "$1" ]; then
        fail "$2: exit $rc, want $1; stderr: $(head -c 300 "$err")"
        return 1
    fi
    ok
}
expect_usage() {   # ARGS…: exit 2, a "nodedev: " line on stderr, nothing on stdout
    run -- "$@"
    expect_rc 2 "$(desc "$@")" || return
    grep -q '^nodedev: ' "$err" || fail "$(desc "$@"): no 'nodedev: ' message on stderr"
    grep -q '^nodedev: error: ' "$err" && fail "$(desc "$@"): a usage error is not an 'error:'"
    [ -s "$out" ] && fail "$(desc "$@"): printed on stdout: $(head -c 200 "$out")"
    ok
}
expect_error() {   # NEEDLE ARGS…: exit 1, "nodedev: error: …NEEDLE…", nothing on stdout
    local needle=$1; shift
    run -- "$@"
    expect_rc 1 "$(desc "$@")" || return
    if ! grep -q '^nodedev: error: ' "$err"; then
        fail "$(desc "$@"): stderr lacks 'nodedev: error: ': $(head -c 300 "$err")"
    elif ! grep -qF -- "$needle" "$err"; then
        fail "$(desc "$@"): message does not name '$needle': $(head -c 300 "$err")"
    fi
    [ -s "$out" ] && fail "$(desc "$@"): printed on stdout: $(head -c 200 "$out")"
    ok
}

proposal=$fixtures/proposal
if [ -d "$proposal/sys" ]; then
    root=$proposal
else
    echo "note: $proposal is missing; basic checks run on the live root"
    root=/
fi

# --help, --version
run -- --help
expect_rc 0 "nodedev --help" &&
    { grep -q '^Usage: nodedev' "$out" && grep -q 'list' "$out" && grep -q 'dumpxml' "$out" &&
      grep -q -- '--root' "$out"; } || fail "--help: no usage text naming list, dumpxml, --root"
[ -s "$err" ] && fail "--help wrote on stderr"
version=$(sed -n 's/^#define ND_VERSION "\(.*\)"$/\1/p' "$ND_SOURCE_DIR/lib/nodedev.h")
run -- --version
expect_rc 0 "nodedev --version" &&
    { [ "$(cat "$out")" = "nodedev $version" ] || fail "--version printed '$(cat "$out")', want 'nodedev $version'"; }
# --help and --version need no readable root.
run -- --root "$work/nonexistent" --help
expect_rc 0 "nodedev --root MISSING --help"

# Usage errors: exit 2.
expect_usage
expect_usage frobnicate
grep -q frobnicate "$err" || fail "unknown command: message does not name it"
expect_usage --no-such-option list
expect_usage --root
expect_usage --root "$root" list --no-such-option
expect_usage --root "$root" list --cap X --bus Y
expect_usage --root "$root" list unexpected
expect_usage --root "$root" dumpxml
expect_usage --root "$root" dumpxml a b

# Errors: exit 1, "nodedev: error: " naming the thing.
expect_error nosuchdevice --root "$root" dumpxml nosuchdevice
expect_error "${keyprefix}nosuchdevice" --root "$root" dumpxml "${keyprefix}nosuchdevice"
expect_error "$work/nonexistent" --root "$work/nonexistent" list
mkdir "$work/nosys"
expect_error "$work/nosys" --root "$work/nosys" list
expect_error "$work/nonexistent" --root "$work/nonexistent" dumpxml --all
run NODEDEV_ROOT="$work/nonexistent" -- list
expect_rc 1 "NODEDEV_ROOT=MISSING nodedev list" &&
    { grep -qF "$work/nonexistent" "$err" || fail "NODEDEV_ROOT=MISSING: message does not name the directory"; }
# Output that cannot be written is an error too.
if [ -w /dev/full ]; then
    "$NODEDEV" --root "$root" list >/dev/full 2>"$err"
    rc=$?
    expect_rc 1 "nodedev list >/dev/full" &&
        { grep -q '^nodedev: error: ' "$err" || fail "list >/dev/full: no 'nodedev: error: ' message"; }
fi

# NODEDEV_ROOT stands for --root; --root wins over it.
run -- --root "$root" list
expect_rc 0 "nodedev --root ROOT list"
cp "$out" "$work/list.root"
run NODEDEV_ROOT="$root" -- list
expect_rc 0 "NODEDEV_ROOT=ROOT nodedev list"
cmp -s "$out" "$work/list.root" || fail "NODEDEV_ROOT=ROOT list differs from --root ROOT list"
run NODEDEV_ROOT="$work/nonexistent" -- --root "$root" list
expect_rc 0 "NODEDEV_ROOT=MISSING nodedev --root ROOT list"
cmp -s "$out" "$work/list.root" || fail "--root does not override NODEDEV_ROOT"
run NODEDEV_ROOT="$root" -- dumpxml --all
expect_rc 0 "NODEDEV_ROOT=ROOT nodedev dumpxml --all"
cp "$out" "$work/all.env"
run -- --root "$root" dumpxml --all
cmp -s "$out" "$work/all.env" || fail "NODEDEV_ROOT=ROOT dumpxml --all differs from --root ROOT"

# Every fixture (and the root above): list is sorted bytewise without
# duplicates and --tree shows each listed device exactly once. On the root
# above also: dumpxml by key equals dumpxml by name (a sample),
# dumpxml --all is valid and has every device, list --bus pci has the PCI
# devices.
roots=("$root")
for fx in "$fixtures"/*/; do
    fx=${fx%/}
    [ -d "$fx/sys" ] && [ "$fx" != "$root" ] && roots+=("$fx")
done
for r in "${roots[@]}"; do
    label=$(basename -- "$r")
    [ "$r" = / ] && label=live
    run -- --root "$r" list
    expect_rc 0 "nodedev --root $label list" || continue
    cp "$out" "$work/list"
    n=$(wc -l <"$work/list")
    [ "$n" -gt 0 ] || fail "$label: list is empty"
    grep -qx computer "$work/list" || fail "$label: list lacks computer"
    sort -c "$work/list" 2>/dev/null || fail "$label: list is not in byte order"
    sort -u -c "$work/list" 2>/dev/null || fail "$label: list has duplicates"

    run -- --root "$r" list --tree
    expect_rc 0 "nodedev --root $label list --tree" || continue
    # Strip the drawing: everything up to the last "- " of the prefix.
    sed -e 's/^\([|` +-]*[`+]- \)//' "$out" >"$work/tree"
    t=$(wc -l <"$work/tree")
    [ "$t" -eq "$n" ] || fail "$label: list --tree has $t lines, list $n"
    if ! sort "$work/tree" | cmp -s - "$work/list"; then
        fail "$label: list --tree does not show every device exactly once:"
        sort "$work/tree" | diff - "$work/list" | head -10
    fi
    [ "$(head -n 1 "$out")" = computer ] || fail "$label: --tree does not start at computer"

    # The rest on the first root only: each call scans and names the whole
    # tree again (about a second under ASan, libpciaccess's name lookup).
    if [ "$r" != "$root" ]; then
        ok
        continue
    fi
    # By name and by key: five devices spread over the list (computer, the
    # last one, three between).
    for i in $(printf '%s\n' 1 $(( (n + 3) / 4 )) $(( (n + 1) / 2 )) $(( (3 * n + 3) / 4 )) "$n" | sort -un); do
        name=$(sed -n "${i}p" "$work/list")
        run -- --root "$r" dumpxml "$name"
        expect_rc 0 "$label: dumpxml $name" || continue
        cp "$out" "$work/byname"
        grep -qF "<name>$name</name>" "$work/byname" || fail "$label: dumpxml $name lacks <name>$name</name>"
        run -- --root "$r" dumpxml "$keyprefix$name"
        expect_rc 0 "$label: dumpxml KEY of $name" || continue
        cmp -s "$out" "$work/byname" || fail "$label: dumpxml KEY differs from dumpxml NAME for $name"
    done

    run -- --root "$r" dumpxml --all
    expect_rc 0 "nodedev --root $label dumpxml --all" || continue
    if command -v xmllint >/dev/null; then
        xmllint --noout --relaxng "$rng" "$out" 2>"$work/xmllint" ||
            fail "$label: dumpxml --all is not valid: $(head -5 "$work/xmllint")"
    fi
    d=$(grep -c "^  <device>" "$out")
    npci=$(grep -c "<bus type=\"pci\">" "$out")
    [ "$d" -eq "$n" ] || fail "$label: dumpxml --all has $d devices, list $n"

    # Filters: --bus pci lists exactly the PCI devices, in order.
    run -- --root "$r" list --bus pci
    expect_rc 0 "nodedev --root $label list --bus pci"
    sort -c "$out" 2>/dev/null || fail "$label: list --bus pci is not in byte order"
    grep -v '^pci_' "$out" | grep -q . && fail "$label: list --bus pci shows non-PCI devices"
    [ "$(wc -l <"$out")" -eq "$npci" ] || fail "$label: list --bus pci gives $(wc -l <"$out") devices, dumpxml --all has $npci <bus type=\"pci\">"
    ok
done

# The proposal's SMBus controller, by name and by key.
if [ "$root" = "$proposal" ]; then
    run -- --root "$root" dumpxml pci_8086_27da
    if expect_rc 0 "dumpxml pci_8086_27da"; then
        grep -qF '<address domain="0000" bus="00" slot="1f" function="3"/>' "$out" ||
            fail "pci_8086_27da: no address 0000:00:1f.3"
        grep -qF '<vendor id="32902">' "$out" || fail "pci_8086_27da: vendor id is not 32902"
        grep -qF '<product id="10202">' "$out" || fail "pci_8086_27da: product id is not 10202"
        grep -q '^<?xml version="1.0" encoding="UTF-8"?>$' "$out" || fail "pci_8086_27da: no XML declaration"
    fi
    run -- --root "$root" list --cap usb_interface
    expect_rc 0 "list --cap usb_interface"
    grep -v '_if[0-9]*$' "$out" | grep -q . && fail "list --cap usb_interface shows non-interfaces: $(tr '\n' ' ' <"$out")"
    grep -q . "$out" || fail "list --cap usb_interface is empty on the proposal fixture"
    run -- --root "$root" list --cap no_such_capability
    expect_rc 0 "list --cap no_such_capability"
    [ -s "$out" ] && fail "list --cap no_such_capability listed devices"
fi

echo "cli: $checks checks passed, $failures failed"
[ "$failures" -eq 0 ] || exit 1
echo "PASS"

#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# nodedev detach / reattach as scripts see them (issue 5): exit codes (0 ok,
# 1 error, 2 usage), the binding printed on success, the messages, and a
# tree left as it was found after detach + reattach. Runs on a COPY of
# fixtures/passthrough with tests/fake_kernel acting as the kernel; never
# on the machine's own /sys.
# Env: NODEDEV (the CLI), ND_FAKE_KERNEL, ND_SOURCE_DIR. Exit 77: skipped.
set -uo pipefail
export LC_ALL=C
unset NODEDEV_ROOT

: "${NODEDEV:?NODEDEV must name the nodedev CLI}"
: "${ND_SOURCE_DIR:?ND_SOURCE_DIR must name the source tree}"
fixture=$ND_SOURCE_DIR/fixtures/passthrough
if [ ! -x "${ND_FAKE_KERNEL:-}" ] || [ ! -d "$fixture/sys" ]; then
    echo "SKIP: no fake kernel (ND_FAKE_KERNEL) or no fixtures/passthrough"
    exit 77
fi

NIC=pci_8086_10fb GPU=pci_10de_1b80 AUDIO=pci_10de_10f0
CAM=usb_device_46d_825_200901010001

work=$(mktemp -d "/tmp/nodedev-detach-cli.XXXXXX")
root=$work/root
fk_pid=
cleanup() {
    [ -n "$fk_pid" ] && kill "$fk_pid" 2>/dev/null && wait "$fk_pid" 2>/dev/null
    rm -rf -- "$work"
}
trap cleanup EXIT
mkdir "$root" && cp -a "$fixture/." "$root/"
if [ "$(cd "$root" && pwd -P)" = / ]; then
    echo "refusing to run on root /"
    exit 1
fi

# The fake kernel is this shell's child (it stops when its parent does)
# and says "ready" once it watches the tree.
"$ND_FAKE_KERNEL" "$root" --log "$work/fake_kernel.log" >"$work/ready" &
fk_pid=$!
for _ in $(seq 100); do
    grep -q ready "$work/ready" 2>/dev/null && break
    sleep 0.1
done
grep -q ready "$work/ready" || { echo "the fake kernel did not start"; exit 1; }

failures=0 checks=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { checks=$((checks + 1)); }

out=$work/out err=$work/err rc=0
run() {   # ARGS…: nodedev --root ROOT ARGS; sets $rc, $out, $err
    "$NODEDEV" --root "$root" "$@" >"$out" 2>"$err"
    rc=$?
}
expect() {   # RC STDOUT-TEXT ARGS…: exit code and the whole stdout
    local want_rc=$1 want_out=$2
    shift 2
    run "$@"
    if [ "$rc" -ne "$want_rc" ]; then
        fail "nodedev $*: exit $rc, want $want_rc; stderr: $(head -c 400 "$err")"
        return 1
    fi
    if [ "$(cat "$out")" != "$want_out" ]; then
        fail "nodedev $*: stdout '$(cat "$out")', want '$want_out'"
        return 1
    fi
    ok
}
expect_err() {   # TEXT: stderr holds "nodedev: error: …TEXT…"
    if ! grep -qF -- "nodedev: error: " "$err" || ! grep -qF -- "$1" "$err"; then
        fail "stderr '$(cat "$err")' lacks '$1'"
        return 1
    fi
    ok
}
expect_usage() {   # ARGS…: exit 2, a "nodedev: " line, nothing on stdout
    expect 2 "" "$@" || return
    grep -q '^nodedev: ' "$err" || fail "nodedev $*: no 'nodedev: ' message"
}

# PCI: to vfio-pci (the default), again (nothing to do), back by key
expect 0 "$NIC: driver vfio-pci" detach "$NIC"
expect 0 "$NIC: driver vfio-pci" detach "$NIC"
expect 0 "$NIC: driver ixgbe" reattach "/org/freedesktop/Hal/devices/$NIC"
expect 0 "$NIC: driver pci-stub" detach --driver pci-stub "$NIC"
expect 0 "$NIC: driver ixgbe" reattach "$NIC"

# IOMMU group 1: refused while the audio function is on its host driver
expect 1 "" detach "$GPU" &&
    expect_err "cannot detach $GPU: IOMMU group 1 also holds 0000:01:00.1 ($AUDIO, snd_hda_intel)"
expect 0 "$GPU: driver vfio-pci" detach "$GPU" --force
expect 0 "$AUDIO: driver vfio-pci" detach "$AUDIO"
expect 0 "$GPU: driver nouveau" reattach "$GPU"
expect 0 "$AUDIO: driver snd_hda_intel" reattach "$AUDIO"

# USB: each interface's binding is printed
expect 0 "${CAM}_if0: no driver
${CAM}_if1: no driver
${CAM}_if2: no driver" detach "$CAM"
expect 0 "${CAM}_if0: driver uvcvideo
${CAM}_if1: driver snd-usb-audio
${CAM}_if2: no driver" reattach "$CAM"

# errors: exit 1, "nodedev: error: …" naming the device and the reason
expect 1 "" detach nosuch && expect_err "no device with name 'nosuch'"
expect 1 "" detach computer &&
    expect_err "cannot detach computer: only PCI and USB devices can be detached"
expect 1 "" detach "$NIC" --driver e1000e && expect_err "'e1000e' is not a stub driver"
expect 1 "" detach "$CAM" --driver vfio-pci && expect_err "takes no stub driver"
expect 1 "" detach usb_device_1d6b_2_0000_00_14_0 && expect_err "it is a USB hub"

# usage errors: exit 2
expect_usage detach
expect_usage detach "$NIC" "$GPU"
expect_usage detach --bogus "$NIC"
expect_usage detach "$NIC" --driver
expect_usage reattach
expect_usage reattach --force "$NIC"
expect_usage reattach "$NIC" "$GPU"

# help names both commands
"$NODEDEV" --help >"$out"
grep -q '^  detach NAME|KEY \[--driver D\] \[--force\]' "$out" &&
    grep -q '^  reattach NAME|KEY' "$out" && ok || fail "--help lacks detach/reattach"

# everything given back: the tree is the fixture's again, byte for byte
if diff -r --no-dereference "$fixture/sys" "$root/sys" >"$work/diff"; then
    ok
else
    fail "the tree differs from the fixture after reattach:"
    head -n 40 "$work/diff"
fi

echo "detach_cli: $checks checks, $failures failures"
[ "$failures" -eq 0 ]

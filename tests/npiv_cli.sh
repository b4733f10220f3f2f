#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# nodedev create / destroy (issue 4) from the command line: the name printed,
# exit codes (0 ok, 1 error, 2 usage), messages on stderr, stdin input, the
# --wwn and --timeout options, and the tree as it was after a create and a
# destroy. A COPY of fixtures/fc-san, with tests/fake_kernel as the kernel.
# Env: NODEDEV, ND_SOURCE_DIR, ND_FAKE_KERNEL (else ND_BUILD_DIR's). 77: skip.
set -uo pipefail
export LC_ALL=C
unset NODEDEV_ROOT

: "${NODEDEV:?NODEDEV must name the nodedev CLI}"
: "${ND_SOURCE_DIR:?ND_SOURCE_DIR must name the source tree}"
fk=${ND_FAKE_KERNEL:-${ND_BUILD_DIR:-}/tests/fake_kernel}
fixture=$ND_SOURCE_DIR/fixtures/fc-san
if [ ! -x "$fk" ]; then
    echo "SKIP: the fake kernel is not built ($fk)"
    exit 77
fi

# tmpfs when there: copying the fixture to a busy disk is slow
base=/tmp
[ -d /dev/shm ] && [ -w /dev/shm ] && base=/dev/shm
work=$(mktemp -d "$base/nodedev-npiv-cli.XXXXXX")
root=$work/root
fk_pid=
stop_kernel() {
    if [ -n "$fk_pid" ]; then
        kill "$fk_pid" 2>/dev/null
        wait "$fk_pid" 2>/dev/null
    fi
    fk_pid=
}
trap 'stop_kernel; rm -rf -- "$work"' EXIT
mkdir "$root" && cp -a "$fixture/." "$root/"
if [ "$(cd "$root" && pwd -P)" = / ]; then
    echo "refusing to run on root /"
    exit 1
fi

# start_kernel FACTS: the fake kernel (this shell's child) with these
# FAKE_KERNEL facts, once it says "ready".
start_kernel() {
    stop_kernel
    printf '%s\n' "$1" >"$root/FAKE_KERNEL"
    : >"$work/ready"
    "$fk" "$root" --log "$work/fake_kernel.log" >"$work/ready" &
    fk_pid=$!
    for _ in $(seq 100); do
        grep -q ready "$work/ready" && return 0
        sleep 0.05
    done
    echo "the fake kernel did not start"
    exit 1
}

failures=0 checks=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

out=$work/out err=$work/err rc=0
run() {   # ARGS…: nodedev --root ROOT ARGS; sets rc, out, err
    "$NODEDEV" --root "$root" "$@" <"${stdin:-/dev/null}" >"$out" 2>"$err"
    rc=$?
}
# expect RC STDOUT STDERR-PART ARGS…: the exit code, the whole stdout, and a
# part of stderr ("" for none at all).
expect() {
    local want_rc=$1 want_out=$2 want_err=$3
    shift 3
    run "$@"
    checks=$((checks + 1))
    [ "$rc" = "$want_rc" ] || fail "nodedev $*: exit $rc, want $want_rc ($(cat "$err"))"
    [ "$(cat "$out")" = "$want_out" ] || fail "nodedev $*: stdout '$(cat "$out")', want '$want_out'"
    if [ -z "$want_err" ]; then
        [ ! -s "$err" ] || fail "nodedev $*: stderr '$(cat "$err")'"
    else
        grep -qF -- "$want_err" "$err" || fail "nodedev $*: stderr '$(cat "$err")' lacks '$want_err'"
    fi
}
gone() {   # PATH (root-relative): must not exist
    checks=$((checks + 1))
    [ ! -e "$root/$1" ] && [ ! -L "$root/$1" ] || fail "$1 is still there"
}

H8=sys/devices/pci0000:00/0000:00:02.0/0000:02:00.1/host8
V8=pci_10df_f100_0_scsi_host_scsi_host
start_kernel "# npiv_cli"
"$NODEDEV" --root "$root" dumpxml --all >"$work/before.xml"

# ---- create from a file, then destroy by name -------------------------------
cat >"$work/host8.xml" <<'EOF'
<device>
  <parent>pci_10df_f100_0_scsi_host</parent>
  <capability type="scsihost">
    <capability type="fc">
      <address wwnn="0x2000000000000001" wwpn="0x10000000000000AB"/>
    </capability>
  </capability>
</device>
EOF
expect 0 "$V8" "" create "$work/host8.xml"
run dumpxml "$V8"
grep -q '<address wwnn="2000000000000001" wwpn="10000000000000ab"/>' "$out" ||
    fail "the new vHBA's XML: $(cat "$out")"
checks=$((checks + 1))
# the same WWNs again: refused before any write
expect 1 "" "wwnn 2000000000000001 is already in use: the node_name of host13" \
    create "$work/host8.xml"
expect 0 "" "" destroy --timeout 5 "$V8"
gone "$H8/vport-8:0-0"
gone sys/class/fc_host/host13
"$NODEDEV" --root "$root" dumpxml --all >"$work/after.xml"
cmp -s "$work/before.xml" "$work/after.xml" || fail "create + destroy changed the dump"
checks=$((checks + 1))

# ---- stdin, generated WWNs, automatic parent; destroy by key -----------------
stdin=$work/auto.xml
printf '<device><capability type="scsihost"><capability type="fc"/></capability></device>' >"$stdin"
expect 0 "$V8" "" create --timeout 5 -
stdin=
run dumpxml "$V8"
grep -q 'wwnn="5001a4a[0-9a-f]\{9\}" wwpn="5001a4a[0-9a-f]\{9\}"' "$out" ||
    fail "generated WWNs: $(grep address "$out")"
checks=$((checks + 1))
expect 0 "" "" destroy "/org/freedesktop/Hal/devices/$V8"
gone "$H8/vport-8:0-0"

# ---- destroy --wwn (a vHBA of the fixture, any case, 0x optional) ------------
expect 0 "" "" destroy --wwn 0X5001A4A0C9A1B210,5001a4a0c9a1b211
run list --cap vport
[ "$(cat "$out")" = pci_10df_f100_scsi_host_scsi_host ] || fail "vports left: $(cat "$out")"
checks=$((checks + 1))

# ---- errors: exit 1, "nodedev: error: …" ------------------------------------
printf '<device>\n<capability type="scsihost">\n<capability type="fc">\n</device>\n' >"$work/bad.xml"
expect 1 "" "nodedev: error: create XML line 4: " create "$work/bad.xml"
printf '<!DOCTYPE device [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<device/>\n' >"$work/xxe.xml"
expect 1 "" "create XML line 1: a DOCTYPE is not accepted" create "$work/xxe.xml"
printf '<device><parent>pci_1077_2532_0_scsi_host</parent><capability type="scsihost"><capability type="fc"/></capability></device>' >"$work/offline.xml"
expect 1 "" "port_state is 'Offline', not Online" create "$work/offline.xml"
expect 1 "" "cannot open $work/none.xml" create "$work/none.xml"
expect 1 "" "pci_10df_f100_scsi_host is not a virtual HBA" destroy pci_10df_f100_scsi_host
expect 1 "" "no device with name 'nope'" destroy nope
expect 1 "" "no SCSI host with wwnn 1000000000000001" destroy --wwn 1000000000000001,2000000000000001
expect 1 "" "wwnn 'xyz' is not a WWN" destroy --wwn xyz,2000000000000001

# ---- usage: exit 2 -----------------------------------------------------------
expect 2 "" "create takes one FILE" create
expect 2 "" "create takes one FILE" create a b
expect 2 "" "--timeout '0' is not a number of seconds" create --timeout 0 "$work/host8.xml"
expect 2 "" "--timeout 'soon' is not a number of seconds" destroy --timeout soon x
expect 2 "" "destroy takes one NAME, KEY or --wwn WWNN,WWPN" destroy
expect 2 "" "destroy takes one NAME, KEY or --wwn WWNN,WWPN" destroy x --wwn 1,2
expect 2 "" "--wwn takes WWNN,WWPN" destroy --wwn 1000000000000001
run --help
grep -q '^  create FILE|- \[--timeout SECONDS\]' "$out" && grep -q '^  destroy NAME|KEY|--wwn WWNN,WWPN' "$out" ||
    fail "--help does not show create and destroy"
checks=$((checks + 1))

# ---- the kernel never makes the vHBA: vport_delete, nothing left -------------
start_kernel "vport ignore host8 -"
"$NODEDEV" --root "$root" dumpxml --all >"$work/before.xml"
expect 1 "" "gave up after 300 ms" create --timeout 0.3 "$work/host8.xml"
grep -qF "so vport_delete was written to take it back" "$err" || fail "timeout message: $(cat "$err")"
gone "$H8/vport-8:0-0"
"$NODEDEV" --root "$root" dumpxml --all >"$work/after.xml"
cmp -s "$work/before.xml" "$work/after.xml" || fail "a timed-out create changed the dump"
checks=$((checks + 2))

stop_kernel
if [ "$failures" -ne 0 ]; then
    echo "fake kernel log:"
    cat "$work/fake_kernel.log"
    echo "$failures of $checks checks failed"
    exit 1
fi
echo "npiv_cli: $checks checks passed"

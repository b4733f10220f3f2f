#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# `nodedev monitor` on the real kernel's events (issue 6), in a private
# network and mount namespace with a fresh sysfs (so only this namespace's
# interfaces are seen and nothing of the host changes): a veth pair and a
# bridge are added and deleted; each must come as one "added"/"removed"
# line with the name the library gives (checked against `list` while they
# exist), and SIGTERM must end the monitor with exit 0. With udevd absent
# the events come from the kernel's netlink group, else from udevd's.
# Skipped (exit 77) without root, unshare or ip.
# Env: NODEDEV (the CLI).
set -uo pipefail
export LC_ALL=C
unset NODEDEV_ROOT

: "${NODEDEV:?NODEDEV must name the nodedev CLI}"
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root for a network namespace"
command -v ip >/dev/null || skip "no ip (iproute2)"
unshare --net --mount --propagation private true 2>/dev/null ||
    skip "cannot make network and mount namespaces"

work=$(mktemp -d /tmp/nodedev-monitor-netns.XXXXXX)
trap 'rm -rf -- "$work"' EXIT

# The namespace's part: prints "ok" or what went wrong.
unshare --net --mount --propagation private /bin/bash -c '
    set -u
    out=$1/monitor.out
    mount -t sysfs sysfs /sys || { echo "cannot mount sysfs"; exit 1; }
    "$NODEDEV" monitor >"$out" 2>"$1/monitor.err" &
    pid=$!
    # ready once it reports an interface; lo coming up sends no uevent,
    # so poke with a throwaway dummy-less veth until a line shows
    for i in $(seq 50); do
        ip link add probe0 type veth peer name probe1 2>/dev/null
        ip link del probe0 2>/dev/null
        [ -s "$out" ] && break
        sleep 0.1
    done
    [ -s "$out" ] || { echo "monitor printed nothing"; kill $pid; exit 1; }
    sleep 0.3
    : >"$out.ready"
    lines_before=$(wc -l <"$out")
    ip link add veth0 type veth peer name veth1 || exit 1
    ip link add br0 type bridge || exit 1
    # names while they exist, as a fresh scan gives them
    names=$("$NODEDEV" list --cap net | grep -v "^net_computer_loopback")
    ip link del veth0
    ip link del br0
    for i in $(seq 50); do
        [ "$(($(wc -l <"$out") - lines_before))" -ge 6 ] && break
        sleep 0.1
    done
    kill -TERM $pid
    wait $pid
    rc=$?
    tail -n +$((lines_before + 1)) "$out" >"$1/events"
    echo "$names" >"$1/names"
    echo "exit $rc"
' bash "$work" >"$work/result" 2>&1
result=$(cat "$work/result")

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
case $result in
"exit 0") ;;
*) fail "namespace run: $result; stderr: $(head -c 300 "$work/monitor.err" 2>/dev/null)" ;;
esac
if [ -f "$work/events" ]; then
    # three interfaces (veth0, veth1, br0): three added, three removed
    for action in added removed; do
        got=$(grep -c "^$action " "$work/events")
        [ "$got" -eq 3 ] || fail "$got '$action' lines, want 3: $(cat "$work/events")"
        while read -r name; do
            [ -n "$name" ] || continue
            grep -qx "$action $name /org/freedesktop/Hal/devices/$name" "$work/events" ||
                fail "no '$action $name …' line: $(cat "$work/events")"
        done <"$work/names"
    done
    grep -v -E '^(added|removed|changed) [A-Za-z0-9_]+ /org/freedesktop/Hal/devices/[A-Za-z0-9_]+$' \
        "$work/events" | while read -r l; do echo "FAIL: malformed line: $l"; done
fi
[ "$failures" -eq 0 ] && echo "monitor_netns: ok ($(wc -l <"$work/events") events)"
[ "$failures" -eq 0 ]

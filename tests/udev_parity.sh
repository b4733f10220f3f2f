#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The udev source against the sysfs source (DESIGN §8, issue 6): for every
# fixture, `nodedev --source udev dumpxml --all` run under umockdev with a
# copy of the fixture as the testbed must print byte for byte what
# `nodedev --source sysfs --root COPY dumpxml --all` prints, warnings
# included. Prints one line per fixture (identical / DIFFERENT).
#
# The copy is the fixture as the kernel would show it:
#  - the files listed in UNREADABLE are made mode 000 (git keeps no modes);
#  - every device directory (one with a `subsystem` link) has a `uevent`
#    file: the kernel gives every device one and libudev ignores a device
#    dir without it, while some fixtures leave it out of class devices
#    (scsi_host, fc_host, …). The number added is printed; both sources
#    read the same completed copy;
#  - proc/net/vlan/config, when the fixture has none, is a dangling link:
#    umockdev lets /proc paths missing from the testbed fall through to
#    the host's /proc, a dangling link hides them (umockdev's README).
# umockdev (0.17, Debian 12) does not redirect /run/udev/data, so the
# udev run gets the fixture's database bind-mounted there inside a private
# mount namespace (unshare --mount: needs root).
#
# Skipped (exit 77), never passed, without umockdev or without the rights
# for the mount namespace.
# Env: NODEDEV (the CLI), ND_SOURCE_DIR.
set -uo pipefail
export LC_ALL=C
unset NODEDEV_ROOT UMOCKDEV_DIR

: "${NODEDEV:?NODEDEV must name the nodedev CLI}"
: "${ND_SOURCE_DIR:?ND_SOURCE_DIR must name the source tree}"
fixtures=$ND_SOURCE_DIR/fixtures

skip() { echo "SKIP: $*"; exit 77; }
command -v umockdev-wrapper >/dev/null ||
    skip "umockdev-wrapper is not installed (Debian package umockdev)"
# (grep without -q reads to the end: no SIGPIPE for ldconfig under pipefail)
ldconfig -p 2>/dev/null | grep 'libumockdev-preload\.so\.0' >/dev/null ||
    skip "libumockdev-preload.so.0 is not installed (Debian package umockdev)"
[ "$(id -u)" -eq 0 ] || skip "needs root for the private mount of /run/udev/data"
unshare --mount --propagation private true 2>/dev/null ||
    skip "cannot make a private mount namespace (unshare --mount)"

work=$(mktemp -d /tmp/nodedev-udev-parity.XXXXXX)
trap 'chmod -R u+rwX -- "$work" 2>/dev/null; rm -rf -- "$work"' EXIT

# prepare FIXTURE COPY: prints how many uevent files were added
prepare() {
    local fx=$1 copy=$2 added=0 link dir
    cp -a -- "$fx/." "$copy/"
    while IFS= read -r -d '' link; do
        dir=${link%/subsystem}
        if [ ! -e "$dir/uevent" ] && [ ! -L "$dir/uevent" ]; then
            : >"$dir/uevent"
            added=$((added + 1))
        fi
    done < <(find "$copy/sys/devices" -name subsystem -type l -print0 2>/dev/null)
    if [ ! -e "$copy/proc/net/vlan/config" ] && [ ! -L "$copy/proc/net/vlan/config" ]; then
        mkdir -p "$copy/proc/net/vlan"
        ln -s nonexistent "$copy/proc/net/vlan/config"
    fi
    if [ -f "$copy/UNREADABLE" ]; then
        while IFS= read -r line; do
            case $line in '' | '#'*) continue ;; esac
            chmod 000 -- "$copy/$line"
        done <"$copy/UNREADABLE"
    fi
    echo "$added"
}

# the udev source in umockdev's testbed COPY, with COPY's udev database
run_udev() {
    local copy=$1
    unshare --mount --propagation private /bin/sh -c '
        copy=$1; shift
        mount -t tmpfs nodedev-run /run || exit 97
        mkdir -p /run/udev/data || exit 97
        if [ -d "$copy/run/udev/data" ]; then
            mount --bind "$copy/run/udev/data" /run/udev/data || exit 97
        fi
        # a sanitizer build wants its runtime first; umockdev'"'"'s preload is no threat
        ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
            UMOCKDEV_DIR=$copy exec umockdev-wrapper "$@"
    ' sh "$copy" "$NODEDEV" --source udev dumpxml --all
}

failures=0 count=0
for fx in "$fixtures"/*/; do
    fx=${fx%/}
    [ -d "$fx/sys" ] || continue
    name=${fx##*/}
    copy=$work/$name
    mkdir -p "$copy"
    added=$(prepare "$fx" "$copy")
    "$NODEDEV" --source sysfs --root "$copy" dumpxml --all >"$work/$name.sysfs.xml" \
        2>"$work/$name.sysfs.err"
    src=$?
    run_udev "$copy" >"$work/$name.udev.xml" 2>"$work/$name.udev.err"
    urc=$?
    if [ "$urc" -eq 97 ]; then
        skip "cannot mount in the private namespace"
    fi
    count=$((count + 1))
    note="(uevent files added: $added)"
    if [ "$src" -ne 0 ] || [ "$urc" -ne 0 ]; then
        echo "$name: DIFFERENT: exit sysfs $src, udev $urc $note"
        head -c 600 "$work/$name.udev.err"
        failures=$((failures + 1))
    elif ! cmp -s "$work/$name.sysfs.xml" "$work/$name.udev.xml"; then
        echo "$name: DIFFERENT XML $note"
        diff -u "$work/$name.sysfs.xml" "$work/$name.udev.xml" | head -40
        failures=$((failures + 1))
    elif ! cmp -s "$work/$name.sysfs.err" "$work/$name.udev.err"; then
        echo "$name: identical XML, DIFFERENT warnings $note"
        diff -u "$work/$name.sysfs.err" "$work/$name.udev.err" | head -20
        failures=$((failures + 1))
    else
        echo "$name: identical ($(grep -c '<device>' "$work/$name.udev.xml") devices," \
             "$(wc -l <"$work/$name.udev.err") warnings) $note"
    fi
done

[ "$count" -gt 0 ] || skip "no fixtures found in $fixtures"
echo "udev_parity: $count fixtures, $failures different"
[ "$failures" -eq 0 ]

#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nodedev capture (issue 7): a capture of every fixture dumps exactly as the
# fixture's expected.xml; --scrub leaves no original MAC/serial/UUID/WWN and
# keeps the structure; --tar; the live host and a private network namespace
# round-trip; a non-empty target is refused without --force.
set -u
: "${NODEDEV:?}" "${ND_SOURCE_DIR:?}"
FIX=$ND_SOURCE_DIR/fixtures
work=$(mktemp -d /tmp/nodedev-capture-XXXXXX)
trap 'rm -rf "$work"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }

# A fixture as the tests see it: a copy with its UNREADABLE files made so.
fixture_copy() {
    local name=$1 dest=$2
    cp -a "$FIX/$name/." "$dest/"
    if [ -f "$dest/UNREADABLE" ]; then
        while read -r f; do
            case $f in ''|'#'*) continue ;; esac
            chmod 000 "$dest/$f"
        done < "$dest/UNREADABLE"
    fi
}

# The structure: each device on one line with every text and attribute
# value blanked, sorted (fake values sort differently from the originals).
shape() {
    sed -E 's/>[^<]*</></g; s/="[^"]*"/=""/g' \
        | awk '/<device>/ {line = ""} {line = line $0} /<\/device>/ {print line}' | sort
}

n=0
for dir in "$FIX"/*/; do
    name=$(basename "$dir")
    [ -f "$dir/expected.xml" ] || continue
    mkdir -p "$work/$name"
    fixture_copy "$name" "$work/$name/src"
    if ! "$NODEDEV" --root "$work/$name/src" capture "$work/$name/cap" 2>"$work/$name/err"; then
        fail "$name: capture failed: $(cat "$work/$name/err")"; continue
    fi
    if ! "$NODEDEV" --root "$work/$name/cap" dumpxml --all 2>/dev/null \
            | cmp -s - "$dir/expected.xml"; then
        fail "$name: the capture's dump differs from expected.xml"; continue
    fi
    n=$((n + 1))
done
echo "round trip: $n fixtures captured and dumped identically"

# --scrub: no original identifier anywhere, same structure.
for name in network fc-san desktop proposal; do
    [ -d "$FIX/$name" ] || continue
    src=$work/$name/src
    "$NODEDEV" --root "$src" capture --scrub "$work/$name/scrub" 2>/dev/null \
        || { fail "$name: capture --scrub failed"; continue; }
    originals=$(find "$src" -type f \( -path '*/net/*/address' -o -name serial \
        -o -name product_serial -o -name product_uuid -o -path '*/fc_host/*/port_name' \
        -o -path '*/fc_host/*/node_name' -o -path '*/fc_host/*/fabric_name' \) \
        -exec head -n 1 {} \; 2>/dev/null | sed 's/[[:space:]]*$//' | sort -u \
        | grep -Ev '^(0x)?[0:-]*$|^(0x)?[fF:]*$' | awk 'length($0) >= 6')
    count=0 leaked=0
    while IFS= read -r v; do
        [ -n "$v" ] || continue
        count=$((count + 1))
        if grep -rqF -- "$v" "$work/$name/scrub"; then
            fail "$name: '$v' is still in the scrubbed tree"; leaked=1
        fi
    done <<< "$originals"
    a=$("$NODEDEV" --root "$src" dumpxml --all 2>/dev/null | shape)
    b=$("$NODEDEV" --root "$work/$name/scrub" dumpxml --all 2>/dev/null | shape)
    [ "$a" = "$b" ] || fail "$name: the scrubbed dump has another structure"
    [ $count -gt 0 ] || fail "$name: no identifiers found to scrub (test broken?)"
    echo "scrub $name: $count identifiers replaced, leaked: $leaked"
done

# --tar
"$NODEDEV" --root "$FIX/desktop" capture --tar "$work/desktop.tgz" \
    || fail "capture --tar failed"
mkdir "$work/untar" && tar -C "$work/untar" -xzf "$work/desktop.tgz" \
    && "$NODEDEV" --root "$work/untar" dumpxml --all | cmp -s - "$FIX/desktop/expected.xml" \
    || fail "the tarball does not dump as expected.xml"

# A target that is not empty.
out=$("$NODEDEV" --root "$FIX/desktop" capture "$work/desktop" 2>&1); rc=$?
[ $rc = 1 ] && grep -q "not empty" <<< "$out" || fail "non-empty target: rc $rc: $out"
"$NODEDEV" --root "$FIX/desktop" capture --force "$work/untar" || fail "--force refused"

# The live host, read only.
if [ -d /sys/bus ]; then
    "$NODEDEV" capture "$work/live" 2>/dev/null || fail "live capture failed"
    a=$("$NODEDEV" dumpxml --all 2>/dev/null)
    b=$("$NODEDEV" --root "$work/live" dumpxml --all 2>/dev/null)
    [ "$a" = "$b" ] && echo "live: $(grep -c '<device>' <<< "$a") devices round-trip" \
        || fail "live capture dumps differently"
fi

# A private network namespace with a bridge and veth pairs.
if [ "$(id -u)" = 0 ] && unshare --net --mount true 2>/dev/null; then
    unshare --net --mount bash -c '
        set -e
        mount --make-rprivate / && mount -t sysfs sysfs /sys
        ip link add br0 type bridge
        ip link add veth0 type veth peer name veth1
        ip link add veth2 type veth peer name veth3
        ip link set veth0 master br0; ip link set veth2 master br0; ip link set lo up
        "$0" capture "$1/netns" 2>/dev/null
        a=$("$0" dumpxml --all 2>/dev/null); b=$("$0" --root "$1/netns" dumpxml --all 2>/dev/null)
        [ "$a" = "$b" ] && echo "netns: $(grep -c "<device>" <<< "$a") devices round-trip"
    ' "$NODEDEV" "$work" || fail "network namespace capture dumps differently"
else
    echo "netns part skipped: needs root and unshare"
fi

[ $failed = 0 ] && echo "capture: all passed"
exit $failed

#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Live test of the network probe (DESIGN §12, issue 3): in a private network
# namespace with its own sysfs mount, build a bridge br0 whose ports are one
# end of each of two veth pairs, bring lo up, and check that nodedev lists
# exactly the interfaces `ip -o link` shows, with the same MACs and the
# right link types. The host's own interfaces are never touched: everything
# is made inside the namespace and vanishes with it.
#
# Needs root and unshare(CLONE_NEWNET|CLONE_NEWNS); exits 77 (skipped)
# without them. Environment (set by ctest): NODEDEV (the CLI), ND_SOURCE_DIR.

set -u

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; failed=1; }

: "${NODEDEV:?NODEDEV must name the nodedev CLI}"
: "${ND_SOURCE_DIR:?ND_SOURCE_DIR must name the source tree}"
RNG=$ND_SOURCE_DIR/xml/nodedev.rng

if [ "${1:-}" != --inside ]; then
    [ "$(id -u)" = 0 ] || skip "needs root"
    for tool in unshare ip xmllint mount; do
        command -v "$tool" >/dev/null || skip "no $tool"
    done
    unshare --net --mount true 2>/dev/null || skip "unshare --net --mount fails here"
    exec unshare --net --mount bash "$0" --inside
fi

# ---- inside the namespace -------------------------------------------------

# Private mounts first, so the fresh sysfs never shows outside; then a
# sysfs that lists only this namespace's interfaces.
mount --make-rprivate / || skip "cannot make / private"
mount -t sysfs sysfs /sys || skip "cannot mount sysfs"

ip link add br0 type bridge 2>/dev/null || skip "no bridge support"
ip link add veth0 type veth peer name veth1 2>/dev/null || skip "no veth support"
ip link add veth2 type veth peer name veth3 || skip "cannot add a second veth pair"
ip link set veth0 master br0 && ip link set veth2 master br0 || skip "cannot add bridge ports"
ip link set lo up && ip link set br0 up || skip "cannot bring interfaces up"

failed=0
work=$(mktemp -d /tmp/nodedev-netns-XXXXXX)
trap 'rm -rf "$work"' EXIT

# What ip shows: "N: name[@peer]: <flags> ... link/TYPE ADDRESS brd ...".
declare -A ip_kind ip_mac
while read -r line; do
    name=${line#*: }
    name=${name%%:*}
    name=${name%%@*}
    link=${line#*link/}
    ip_kind[$name]=${link%% *}
    rest=${link#* }
    ip_mac[$name]=${rest%% *}
done < <(ip -o link)

# What nodedev shows: the net devices by name, each dumped on its own.
"$NODEDEV" --root / list --cap net > "$work/list" 2> "$work/list.err" ||
    fail "nodedev list --cap net failed: $(cat "$work/list.err")"
declare -A nd_dev nd_mac nd_type nd_ports
while read -r dev; do
    [ -n "$dev" ] || continue
    "$NODEDEV" --root / dumpxml "$dev" > "$work/dev.xml" 2>> "$work/dump.err" ||
        { fail "nodedev dumpxml $dev failed"; continue; }
    x() { xmllint --xpath "$1" "$work/dev.xml" 2>/dev/null; }
    ifname=$(x 'string(/device/capability[@type="net"]/name)')
    [ -n "$ifname" ] || { fail "$dev has no net capability name"; continue; }
    [ -z "${nd_dev[$ifname]:-}" ] || fail "interface $ifname listed twice"
    nd_dev[$ifname]=$dev
    nd_mac[$ifname]=$(x 'string(/device/capability[@type="net"]/hwaddr)')
    nd_type[$ifname]=$(x 'string(/device/capability[@type="net"]/capability/@type)')
    ports=
    nports=$(x 'count(/device/capability[@type="net"]/capability[@type="bridge"]/port)')
    for ((i = 1; i <= ${nports:-0}; i++)); do
        ports+="$(x "string((/device/capability[@type=\"net\"]/capability/port)[$i])") "
    done
    nd_ports[$ifname]=$ports
done < "$work/list"

# Same interface names on both sides.
ip_names=$(printf '%s\n' "${!ip_kind[@]}" | sort | tr '\n' ' ')
nd_names=$(printf '%s\n' "${!nd_dev[@]}" | sort | tr '\n' ' ')
echo "ip -o link:   $ip_names"
echo "nodedev net:  $nd_names"
[ "$ip_names" = "$nd_names" ] || fail "interface sets differ"

# Same MACs, for the link types whose ip address is a MAC; other kinds
# (sit, ipip, gre tunnels some kernels add to every namespace) print
# theirs as IP addresses and are only listed.
for name in $ip_names; do
    [ -n "${nd_dev[$name]:-}" ] || continue
    case ${ip_kind[$name]} in
    ether | loopback)
        printf '  %-8s %-22s ip %-17s nodedev %-17s type %s\n' "$name" \
            "${nd_dev[$name]}" "${ip_mac[$name]}" "${nd_mac[$name]}" "${nd_type[$name]:--}"
        [ "${ip_mac[$name]}" = "${nd_mac[$name]}" ] ||
            fail "$name: MAC ${nd_mac[$name]}, ip shows ${ip_mac[$name]}"
        ;;
    *)
        printf '  %-8s %-22s (link/%s: MAC not compared)\n' "$name" \
            "${nd_dev[$name]}" "${ip_kind[$name]}"
        ;;
    esac
done

# The link types this test made.
expect_type() {
    [ "${nd_type[$1]:-}" = "$2" ] || fail "$1: link type '${nd_type[$1]:-}', want $2"
}
expect_type lo loopback
expect_type br0 bridge
for v in veth0 veth1 veth2 veth3; do expect_type "$v" 80203; done
echo "br0 ports:    ${nd_ports[br0]:-}"
[ "${nd_ports[br0]:-}" = "veth0 veth2 " ] || fail "br0 ports '${nd_ports[br0]:-}', want veth0 veth2"
# lo's all-zero MAC and its place under computer name it by the HAL rule.
[ "${nd_dev[lo]:-}" = net_computer_loopback ] ||
    fail "lo is named '${nd_dev[lo]:-}', want net_computer_loopback"

# The whole dump is valid.
if "$NODEDEV" --root / dumpxml --all > "$work/all.xml" 2> "$work/all.err"; then
    if out=$(xmllint --noout --relaxng "$RNG" "$work/all.xml" 2>&1); then
        echo "dumpxml --all: $(grep -c '<device>' "$work/all.xml") devices, $out"
    else
        fail "dumpxml --all does not validate against $RNG: $out"
    fi
else
    fail "nodedev dumpxml --all failed: $(cat "$work/all.err")"
fi
if [ -s "$work/dump.err" ] || [ -s "$work/list.err" ]; then
    echo "warnings:"
    cat "$work/list.err" "$work/dump.err" | sed 's/^/  /'
fi

[ "$failed" = 0 ] && echo "PASS: ${#ip_kind[@]} interfaces compared"
exit "$failed"

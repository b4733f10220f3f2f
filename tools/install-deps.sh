#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Installs the Debian 12 (bookworm) packages nodedev needs to build and to
# run its whole test suite. Idempotent and non-interactive; run it as root,
# or as a user who may use sudo.
#
#   tools/install-deps.sh            install what is missing (no-op if nothing is)
#   tools/install-deps.sh --update   run apt-get update even if nothing is missing
#   tools/install-deps.sh --list     print the package list and exit
set -euo pipefail

packages=(
    # build
    gcc libc6-dev make clang cmake pkg-config
    libxml2-dev libpciaccess-dev libudev-dev libusb-1.0-0-dev
    # id databases (names in the XML; the golden files assume Debian 12's)
    pci.ids usb.ids
    # tests: cmocka units, xmllint schema checks, lspci cross-checks,
    # memory checks, network-namespace and umockdev tests
    libcmocka-dev libxml2-utils pciutils valgrind iproute2 util-linux
    umockdev libumockdev-dev
)

update=false
case ${1:-} in
'') ;;
--update) update=true ;;
--list) printf '%s\n' "${packages[@]}"; exit 0 ;;
-h | --help) sed -n '4,11s/^# \{0,1\}//p' "$0"; exit 0 ;;
*) echo "install-deps.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
esac

if ! command -v apt-get >/dev/null || ! command -v dpkg-query >/dev/null; then
    echo "install-deps.sh: needs apt-get and dpkg (Debian 12)" >&2
    exit 1
fi
if [ -r /etc/os-release ]; then
    . /etc/os-release
    if [ "${ID:-}" != debian ] || [ "${VERSION_ID:-}" != 12 ]; then
        echo "install-deps.sh: note: made for Debian 12, this is ${PRETTY_NAME:-unknown}" >&2
    fi
fi

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ] && ! $update; then
    echo "install-deps.sh: all ${#packages[@]} packages are installed"
    exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null; then
        echo "install-deps.sh: not root and no sudo; run it as root" >&2
        exit 1
    fi
    as_root=(sudo)
fi

echo "install-deps.sh: installing: ${missing[*]:-(nothing missing, updating)}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${packages[@]}"
echo "install-deps.sh: done"

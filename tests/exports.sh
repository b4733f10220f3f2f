#!/bin/bash
# The shared library exports only nd* symbols (lib/libnodedev.map), has an
# SONAME, and installs with its header, pkg-config file and CLI.
set -euo pipefail
lib=$(ls "$ND_BUILD_DIR"/libnodedev.so.0.* | head -n 1)
soname=$(objdump -p "$lib" | awk '/SONAME/ {print $2}')
[ "$soname" = "libnodedev.so.0" ] || { echo "SONAME is '$soname'"; exit 1; }
bad=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^nd[A-Z]' | grep -v '^NODEDEV_0$' || true)
if [ -n "$bad" ]; then
    echo "exported symbols outside nd*:"; echo "$bad"; exit 1
fi
count=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -c '^nd[A-Z]')
echo "exports: $count nd* symbols, SONAME $soname"

dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
DESTDIR="$dest" cmake --install "$ND_BUILD_DIR" --prefix /usr/local >/dev/null
for f in usr/local/include/nodedev.h usr/local/bin/nodedev usr/local/share/nodedev/nodedev.rng; do
    [ -e "$dest/$f" ] || { echo "not installed: $f"; exit 1; }
done
pc=$(find "$dest" -name nodedev.pc)
so=$(find "$dest" -name 'libnodedev.so.0')
a=$(find "$dest" -name 'libnodedev.a')
[ -n "$pc" ] && [ -n "$so" ] && [ -n "$a" ] || { echo "library or .pc not installed"; exit 1; }
grep -q '^Libs: .*-lnodedev' "$pc"
echo "installed: header, CLI, schema, $(basename "$so"), $(basename "$a"), nodedev.pc"

#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# check.sh NODEDEV FLOOR ROOT...: is the floor fair? For each ROOT, trace
# `nodedev list`, `floor --mirror` and `floor` (strace -y) and compare the
# system calls they make below the root, object by object:
#   - the mirror must make exactly nodedev's calls (same opens with the same
#     flags, reads, readlinks, directory reads, fstats);
#   - the floor must touch exactly the same set of objects, each once.
# Prints nodedev's calls by kind (all / distinct objects) and exits 1 on a
# mismatch, listing it.
set -euo pipefail

if [ $# -lt 3 ]; then
    echo "usage: $0 NODEDEV FLOOR ROOT..." >&2
    exit 2
fi
nodedev=$1 floor=$2
shift 2
command -v strace > /dev/null || { echo "check.sh: needs strace" >&2; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
calls=openat2,openat,readlinkat,getdents64,newfstatat,fstat,read

# One line per call below the root: "<call> [<flags> <resolve>] <path>",
# the path made absolute from the fd's path that strace -y prints.
normalise() {
    local root=$1
    sed -nE \
        -e 's/^[0-9]+ +openat2\([0-9]+<([^>]*)>, "([^"]*)", \{flags=([^,]*), resolve=([^}]*)\}.*/openat2 \3 \4 \1\/\2/p' \
        -e 's/^[0-9]+ +readlinkat\([0-9]+<([^>]*)>, "([^"]*)".*/readlinkat \1\/\2/p' \
        -e 's/^[0-9]+ +newfstatat\([0-9]+<([^>]*)>, "", .*/fstat \1/p' \
        -e 's/^[0-9]+ +fstat\([0-9]+<([^>]*)>.*/fstat \1/p' \
        -e 's/^[0-9]+ +(read|getdents64)\([0-9]+<([^>]*)>.*/\1 \2/p' |
        grep -F " $root/" | sed -e "s# $root/# /#" -e 's#/$##' | LC_ALL=C sort
}

status=0
for root in "$@"; do
    root=$(cd "$root" && pwd -P)
    strace -f -y -o "$tmp/nd" -e trace=$calls "$nodedev" --root "$root" list > /dev/null 2>&1
    strace -f -y -o "$tmp/mirror" -e trace=$calls "$floor" --mirror "$root" 2> /dev/null
    strace -f -y -o "$tmp/floor" -e trace=$calls "$floor" "$root" 2> /dev/null
    for t in nd mirror floor; do
        normalise "$root" < "$tmp/$t" > "$tmp/$t.n"
    done
    echo "== $root"
    LC_ALL=C awk '{ k = $1 == "openat2" ? $1 " " ($2 ~ /O_PATH/ ? "O_PATH" : $2 ~ /O_DIRECTORY/ ? "dir" : "read") : $1
                    n[k]++; if (!seen[$0]++) d[k]++ }
                  END { for (k in n) printf "  %-18s %8d calls %8d distinct\n", k, n[k], d[k] }' \
        "$tmp/nd.n" | LC_ALL=C sort
    if ! diff <(uniq -c "$tmp/nd.n") <(uniq -c "$tmp/mirror.n") > "$tmp/d1"; then
        echo "  MISMATCH: floor --mirror does not make nodedev's calls (< nodedev, > mirror):"
        head -20 "$tmp/d1" | sed 's/^/    /'
        status=1
    else
        echo "  floor --mirror makes exactly nodedev's $(wc -l < "$tmp/nd.n") calls"
    fi
    # each object once: read/getdents64 come several to an open file, so
    # compare the set of (call, object) pairs (an O_PATH open of a
    # directory with or without O_DIRECTORY is the same object) and that
    # the floor repeats no open
    for t in nd floor; do
        sed 's/O_PATH|O_DIRECTORY/O_PATH/' "$tmp/$t.n" | LC_ALL=C sort -u > "$tmp/$t.set"
    done
    if ! diff "$tmp/nd.set" "$tmp/floor.set" > "$tmp/d2"; then
        echo "  MISMATCH: floor touches other objects than nodedev (< nodedev, > floor):"
        head -20 "$tmp/d2" | sed 's/^/    /'
        status=1
    elif grep -E '^(openat2|readlinkat) ' "$tmp/floor.n" | uniq -d | grep -q .; then
        echo "  MISMATCH: floor opens something twice:"
        grep -E '^(openat2|readlinkat) ' "$tmp/floor.n" | uniq -d | head | sed 's/^/    /'
        status=1
    else
        echo "  floor touches the same $(wc -l < "$tmp/nd.set") (call, object) pairs once each: $(wc -l < "$tmp/floor.n") calls"
    fi
done
exit $status

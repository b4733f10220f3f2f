#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# unflatten-links.sh SRC DEST
#
# Copies the sysfs tree SRC (a root holding sys/, maybe run/ and proc/) to
# DEST and turns back into relative symlinks the regular files that stand
# for one. Some recorded trees (../shared/corpus) keep each symlink as a
# regular file whose content is the link text, without a trailing newline
# ("../../../devices/pci0000:00/0000:00:00.0").
#
# A file is taken for a link when its content
#   - is at most 4096 bytes, has no NUL byte and no newline at all (sysfs
#     text attributes end in a newline; binary ones such as `config` or
#     `descriptors` hold NULs), and
#   - is a relative path: components of A-Z a-z 0-9 . _ : + @ , = - and
#     inner spaces (drivers are called "HDA Intel", "i8042 kbd"), no empty
#     component, not absolute, and
#   - either climbs ("../" first: bus/*/devices, class/*, subsystem, driver,
#     device, iommu_group, firmware_node, port — made even when dangling,
#     since recordings keep only part of a machine), or does not climb
#     ("usb_endpoint/usbdev2.1_ep81", md's "dev-sda9") and names something
#     that exists next to the file. So a number or a serial recorded
#     without its newline ("15", "FAKESERIAL0001") stays a file.
#
# DEST must not exist yet. SRC is only read. Prints on stdout:
#   unflatten-links: SRC: N files, M turned into links (C climbing, P plain, K dangling)
# Exit 0, 1 on error, 2 on usage error.
set -euo pipefail
export LC_ALL=C

if [ $# -ne 2 ]; then
    echo "usage: unflatten-links.sh SRC DEST" >&2
    exit 2
fi
src=${1%/}
dest=${2%/}
if [ ! -d "$src" ]; then
    echo "unflatten-links: $src: not a directory" >&2
    exit 1
fi
if [ -e "$dest" ] || [ -L "$dest" ]; then
    echo "unflatten-links: $dest: exists already" >&2
    exit 1
fi

cp -a -- "$src" "$dest"
# The source may be read-only; its copy's directories must take new entries.
find "$dest" -type d ! -perm -u+w -exec chmod u+w {} +

comp='[A-Za-z0-9._:+@,=-]([A-Za-z0-9._:+@,= -]*[A-Za-z0-9._:+@,=-])?'
plain_re="^$comp(/$comp)*\$"
climb_re="^(\\.\\./)+$comp(/$comp)*\$"

total=$(find "$dest" -type f | wc -l)
climbing=0 plain=0 dangling=0
declare -a later=()

to_link() {     # FILE TEXT
    rm -f -- "$1"
    ln -s -- "$2" "$1"
    [ -e "$1" ] || dangling=$((dangling + 1))
}

# Candidates: small files with a line that looks like a path (grep prunes
# binary and multi-line files cheaply); each is then checked whole.
while IFS= read -r -d '' f; do
    # read -d '' succeeds only when it meets a NUL; at EOF it fails and
    # holds the whole content.
    if IFS= read -r -d '' text < "$f"; then
        continue
    fi
    case $text in
    *$'\n'* | '') continue ;;
    esac
    if [[ $text =~ $climb_re ]]; then
        to_link "$f" "$text"
        climbing=$((climbing + 1))
    elif [[ $text =~ $plain_re && $text != ..* ]]; then
        later+=("$f")
    fi
done < <(find "$dest" -type f -size -4097c -print0 |
         xargs -0 -r grep -l -Z -a -E -e "$plain_re" -e "$climb_re" -- 2>/dev/null || true)

# Plain targets may sit behind links made in this loop: repeat until no
# file changes.
changed=1
while [ "$changed" = 1 ] && [ ${#later[@]} -gt 0 ]; do
    changed=0
    declare -a rest=()
    for f in "${later[@]}"; do
        IFS= read -r -d '' text < "$f" || true
        if [ -e "$(dirname -- "$f")/$text" ]; then
            to_link "$f" "$text"
            plain=$((plain + 1))
            changed=1
        else
            rest+=("$f")
        fi
    done
    later=("${rest[@]+"${rest[@]}"}")
    unset rest
done

echo "unflatten-links: $src: $total files, $((climbing + plain)) turned into links" \
     "($climbing climbing, $plain plain, $dangling dangling)"

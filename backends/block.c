/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Block devices, the entries of sys/class/block (DESIGN §3–§5): a
 * partition (DEVTYPE=partition, or a `partition` attribute on kernels that
 * write no DEVTYPE) becomes a device with capability volume; any other
 * entry is a whole disk (backends/block_storage.c).
 *
 * A partition's directory sits in its disk's, so the parent rule makes the
 * disk's storage device its parent. Named volume_uuid_<uuid>, else
 * volume_label_<label>, else volume_part<N>_size_<bytes> (DESIGN §4).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "block.h"

bool nd_block_bytes(nd_raw *raw, const char *rel, unsigned long long *bytes)
{
    unsigned long sectors;
    if (nd_raw_attr_ulong(raw, rel, 10, &sectors) < 0)
        return false;
    if (sectors > ULLONG_MAX / 512) {
        nd_raw_warn(raw, rel, "%lu sectors do not fit in 64 bits of bytes", sectors);
        return false;
    }
    *bytes = (unsigned long long)sectors * 512;
    return true;
}

void nd_block_add_fs(nd_raw *raw, nd_node *volume)
{
    static const struct { const char *elem, *prop; } fields[] = {
        { "fstype", "ID_FS_TYPE" },
        { "uuid", "ID_FS_UUID" },
        { "label", "ID_FS_LABEL" },
    };
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        const char *v = nd_raw_prop(raw, fields[i].prop);
        if (v)
            nd_node_add(raw->arena, volume, fields[i].elem, v);
    }
}

/* The partition's number: the kernel's `partition` (2.6.3x+), else the
 * uevent's PARTN, else the digits the kernel ends the name with
 * ("sda10", "nvme0n1p2"). */
static bool part_number(nd_raw *raw, unsigned long *n)
{
    if (nd_raw_exists(raw, "partition"))
        return nd_raw_attr_ulong(raw, "partition", 10, n) >= 0;
    const char *partn = nd_raw_uevent(raw, "PARTN");
    if (partn && nd_parse_ulong(partn, 10, n) == 0)
        return true;
    const char *s = raw->sysname, *end = s + strlen(s), *p = end;
    while (p > s && p[-1] >= '0' && p[-1] <= '9')
        p--;
    return p < end && nd_parse_ulong(p, 10, n) == 0;
}

/* A partition's disk is the block device its directory sits in; when the
 * class does not list that directory, the partition stays, under the
 * nearest device there is, and the broken tree is reported. */
static void check_disk(nd_raw *raw)
{
    const char *dir = nd_raw_parent_dir(raw);
    const char *disk = strrchr(dir, '/');
    disk = disk ? disk + 1 : dir;
    char cls[sizeof("sys/class/block/") + ND_ATTR_MAX];
    if ((size_t)snprintf(cls, sizeof(cls), "sys/class/block/%s", disk) < sizeof(cls) &&
        nd_raw_root_exists(raw, cls))
        return;
    nd_raw_warn(raw, NULL, "a partition of \"%s\", which is not in /sys/class/block",
                disk);
}

static int probe_partition(nd_raw *raw, nd_dev *dev)
{
    check_disk(raw);
    nd_node *cap = nd_dev_add_cap(raw->arena, dev, NULL, "volume");
    nd_node_add(raw->arena, cap, "block", nd_raw_devnode(raw, ""));
    unsigned long number;
    bool has_number = part_number(raw, &number);
    if (has_number)
        nd_node_addf(raw->arena, cap, "number", "%lu", number);
    unsigned long long size, start;
    bool has_size = nd_block_bytes(raw, "size", &size);
    if (has_size)
        nd_node_addf(raw->arena, cap, "size", "%llu", size);
    if (nd_block_bytes(raw, "start", &start))
        nd_node_addf(raw->arena, cap, "start", "%llu", start);
    nd_block_add_fs(raw, cap);

    const char *uuid = nd_raw_prop(raw, "ID_FS_UUID");
    const char *label = nd_raw_prop(raw, "ID_FS_LABEL");
    if (uuid)
        dev->name_head = nd_arena_printf(raw->arena, "volume_uuid_%s", uuid);
    else if (label)
        dev->name_head = nd_arena_printf(raw->arena, "volume_label_%s", label);
    else
        /* a field that could not be read leaves its part out */
        dev->name_head = nd_arena_printf(
            raw->arena, "volume%s%s",
            has_number ? nd_arena_printf(raw->arena, "_part%lu", number) : "",
            has_size ? nd_arena_printf(raw->arena, "_size_%llu", size) : "");
    return ND_PROBE_OK;
}

int nd_probe_block(nd_raw *raw, nd_dev *dev)
{
    const char *devtype = nd_raw_uevent(raw, "DEVTYPE");
    bool partition = devtype ? strcmp(devtype, "partition") == 0
                             : nd_raw_exists(raw, "partition");
    return partition ? probe_partition(raw, dev) : nd_block_storage(raw, dev);
}

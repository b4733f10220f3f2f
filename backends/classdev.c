/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers the class-device probes (block, sound, input) share: device
 * nodes, the directory above a device, numbers in names and files. */
#include <errno.h>
#include <string.h>
#include "internal.h"

const char *nd_raw_devnode(nd_raw *raw, const char *dir)
{
    /* udev names the node after DEVNAME; kernels before 2.6.31 wrote none
     * (recorded trees keep that), so the class's usual place stands in */
    const char *devname = nd_raw_uevent(raw, "DEVNAME");
    if (devname && *devname)
        return nd_arena_printf(raw->arena, "/dev/%s", devname);
    return nd_arena_printf(raw->arena, "/dev/%s%s", dir, raw->sysname);
}

const char *nd_raw_parent_dir(nd_raw *raw)
{
    const char *slash = strrchr(raw->path, '/');
    size_t len = slash ? (size_t)(slash - raw->path) : 0;
    char *dir = nd_arena_alloc(raw->arena, len + 1);
    memcpy(dir, raw->path, len);
    return dir;
}

int nd_raw_root_attr_ulong(nd_raw *raw, const char *path, int base, unsigned long *out)
{
    char buf[ND_ATTR_MAX + 1];
    int r = nd_raw_root_attr(raw, path, buf);
    if (r < 0)
        return r;
    if (nd_parse_ulong(buf, base, out) < 0) {
        nd_warn(raw->root, "/%s: not a %s number: \"%.40s\"", path,
                base == 16 ? "hex" : "decimal", buf);
        return -EINVAL;
    }
    return 0;
}

bool nd_name_number(const char *s, const char *prefix, unsigned long *n)
{
    size_t plen = strlen(prefix);
    if (strncmp(s, prefix, plen) != 0 || s[plen] < '0' || s[plen] > '9')
        return false;
    return nd_parse_ulong(s + plen, 10, n) == 0;
}

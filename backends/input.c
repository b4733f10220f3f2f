/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Input devices, the evdev nodes of sys/class/input (DESIGN §3–§5): each
 * eventN becomes a device with capability input (<name>, <node>, one
 * nested capability per kind). The class also lists the inputN devices
 * themselves and their other handlers (mouseN, jsN, the global "mice"):
 * those are skipped, so each input device appears once, as its evdev node,
 * which every input device has.
 *
 * The name and the capability bitmaps belong to the inputN device, the
 * directory above eventN; they are read there with root-relative paths.
 * Parent: the nearest modelled ancestor (a USB interface …), else
 * computer; named <parent body>_logicaldev_input.
 */
#include <stdio.h>
#include <string.h>
#include "internal.h"
#include "input_kind.h"

/* A file of the inputN directory, copied into the arena; NULL when absent
 * (unreadable ones are reported by the reader). */
static const char *input_file(nd_raw *raw, const char *dir, const char *file)
{
    char buf[ND_ATTR_MAX + 1];
    const char *path = nd_arena_printf(raw->arena, "%s/%s", dir, file);
    if (nd_raw_root_attr(raw, path, buf) < 0)
        return NULL;
    return nd_arena_strdup(raw->arena, buf);
}

static void add_kinds(nd_raw *raw, nd_dev *dev, nd_node *cap, const char *dir)
{
    const char *text[ND_INPUT_NBITMAPS];
    for (unsigned i = 0; i < ND_INPUT_NBITMAPS; i++)
        text[i] = input_file(raw, dir, nd_input_bitmap_file[i]);
    unsigned bad;
    unsigned kinds = nd_input_classify(text, &bad);
    for (unsigned i = 0; i < ND_INPUT_NBITMAPS; i++)
        if (bad & (1u << i))
            nd_warn(raw->root, "/%s/%s: not a capability bitmap of its size: \"%.40s\"; "
                    "left out", dir, nd_input_bitmap_file[i], text[i]);
    for (unsigned i = 0; i < ND_INPUT_NKINDS; i++)
        if (kinds & (1u << i))
            nd_dev_add_cap(raw->arena, dev, cap, nd_input_kind_name(i));
}

int nd_probe_input(nd_raw *raw, nd_dev *dev)
{
    unsigned long n;
    if (!nd_name_number(raw->sysname, "event", &n))
        return ND_PROBE_SKIP;

    dev->name_parent = true;
    dev->name_tail = "_logicaldev_input";

    nd_node *cap = nd_dev_add_cap(raw->arena, dev, NULL, "input");
    /* an evdev node sits in its inputN directory; anything else there
     * would lend the node a stranger's name and bitmaps */
    const char *dir = nd_raw_parent_dir(raw);
    const char *last = strrchr(dir, '/');
    bool in_input = last && nd_name_number(last + 1, "input", &n);
    if (in_input) {
        const char *name = input_file(raw, dir, "name");
        if (name)
            nd_node_add(raw->arena, cap, "name", name);
    }
    nd_node_add(raw->arena, cap, "node", nd_raw_devnode(raw, "input/"));
    if (in_input)
        add_kinds(raw, dev, cap, dir);
    return ND_PROBE_OK;
}

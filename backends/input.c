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
 * directory above eventN; they are read there with root-relative paths
 * (capabilities/ and properties, else the same bitmaps in its uevent).
 * Parent: the nearest modelled ancestor (a USB interface …), else
 * computer; named <parent body>_logicaldev_input.
 */
#include <errno.h>
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

/* The names the inputN's uevent gives the same bitmaps, in the same
 * form (drivers/input/input.c writes only the non-empty ones, and PROP). */
static const char *const uevent_key[ND_INPUT_NBITMAPS] = {
    [ND_INPUT_BM_EV] = "EV",
    [ND_INPUT_BM_KEY] = "KEY",
    [ND_INPUT_BM_REL] = "REL",
    [ND_INPUT_BM_ABS] = "ABS",
    [ND_INPUT_BM_PROPS] = "PROP",
};

/* The bitmaps from the inputN's uevent, for trees that keep it without
 * capabilities/ (umockdev records only the files a program read). false
 * when there is no uevent either. */
static bool uevent_bitmaps(nd_raw *raw, const char *dir, const char *text[])
{
    char buf[ND_ATTR_MAX + 1];
    const char *path = nd_arena_printf(raw->arena, "%s/uevent", dir);
    int r = raw->ops->root_read(raw, path, buf, ND_ATTR_MAX);
    if (r < 0) {
        if (r != -ENOENT)
            nd_warn(raw->root, "/%s: cannot read: %s", path, strerror(-r));
        return false;
    }
    for (unsigned i = 0; i < ND_INPUT_NBITMAPS; i++) {
        size_t klen = strlen(uevent_key[i]);
        text[i] = NULL;
        for (const char *l = buf; *l;) {
            const char *end = strchrnul(l, '\n');
            if (strncmp(l, uevent_key[i], klen) == 0 && l[klen] == '=') {
                size_t vlen = (size_t)(end - l) - klen - 1;
                char *v = nd_arena_alloc(raw->arena, vlen + 1);
                memcpy(v, l + klen + 1, vlen);
                text[i] = v;
                break;
            }
            l = *end ? end + 1 : end;
        }
    }
    return true;
}

static void add_kinds(nd_raw *raw, nd_dev *dev, nd_node *cap, const char *dir)
{
    const char *text[ND_INPUT_NBITMAPS];
    bool files = true;
    for (unsigned i = 0; i < ND_INPUT_NBITMAPS; i++)
        text[i] = input_file(raw, dir, nd_input_bitmap_file[i]);
    /* every input device has capabilities/ev: without it, the uevent */
    if (!text[ND_INPUT_BM_EV]) {
        files = false;
        if (!uevent_bitmaps(raw, dir, text))
            return;
    }
    unsigned bad;
    unsigned kinds = nd_input_classify(text, &bad);
    for (unsigned i = 0; i < ND_INPUT_NBITMAPS; i++) {
        if (!(bad & (1u << i)))
            continue;
        if (files)
            nd_warn(raw->root, "/%s/%s: not a capability bitmap of its size: \"%.40s\"; "
                    "left out", dir, nd_input_bitmap_file[i], text[i]);
        else
            nd_warn(raw->root, "/%s/uevent: %s= is not a capability bitmap of its size: "
                    "\"%.40s\"; left out", dir, uevent_key[i], text[i]);
    }
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

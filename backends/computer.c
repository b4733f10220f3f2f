/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The root device "computer" (DESIGN §4, §5, §13): capability system with
 * <hardware> and <firmware> from sys/class/dmi/id, each element only when
 * its file is readable, each group only when one of its files is. */
#include "internal.h"

#define DMI "sys/class/dmi/id/"

typedef struct dmi_field {
    const char *elem, *file;
} dmi_field;

static const dmi_field hardware[] = {
    { "vendor", DMI "sys_vendor" },
    { "product", DMI "product_name" },
    { "version", DMI "product_version" },
    { "serial", DMI "product_serial" },
    { "uuid", DMI "product_uuid" },
};

static const dmi_field firmware[] = {
    { "vendor", DMI "bios_vendor" },
    { "version", DMI "bios_version" },
    { "release_date", DMI "bios_date" },
};

#define NFIELDS_MAX 5

static void add_group(nd_raw *raw, nd_node *cap, const char *name,
                      const dmi_field *fields, size_t n)
{
    const char *value[NFIELDS_MAX] = { 0 };
    char buf[ND_ATTR_MAX + 1];
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (nd_raw_root_attr(raw, fields[i].file, buf) >= 0) {
            value[i] = nd_arena_strdup(raw->arena, buf);
            any = true;
        }
    }
    if (!any)
        return;
    nd_node *group = nd_node_add(raw->arena, cap, name, NULL);
    for (size_t i = 0; i < n; i++)
        if (value[i])
            nd_node_add(raw->arena, group, fields[i].elem, *value[i] ? value[i] : NULL);
}

void nd_probe_computer(nd_raw *root_raw, nd_dev *dev)
{
    _Static_assert(sizeof(hardware) / sizeof(hardware[0]) <= NFIELDS_MAX &&
                   sizeof(firmware) / sizeof(firmware[0]) <= NFIELDS_MAX,
                   "NFIELDS_MAX too small");
    dev->name_head = "computer";
    nd_node *cap = nd_dev_add_cap(root_raw->arena, dev, NULL, "system");
    add_group(root_raw, cap, "hardware", hardware, sizeof(hardware) / sizeof(hardware[0]));
    add_group(root_raw, cap, "firmware", firmware, sizeof(firmware) / sizeof(firmware[0]));
}

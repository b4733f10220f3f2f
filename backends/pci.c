/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PCI functions (DESIGN §3–§5): <bus type="pci"> with the vendor, product,
 * address and IOMMU group; named pci_<vendor>_<device>. */
#include <string.h>
#include "internal.h"

static const nd_id_names pci_names = {
    .vendor = nd_ids_pci_vendor,
    .product = nd_ids_pci_device,
};

/* The function's address from its sysfs name "DDDD:BB:SS.F" (the domain
 * may be wider than 4 digits). */
static bool parse_address(const char *s, unsigned long field[4])
{
    static const struct { size_t min, max; char end; } form[4] = {
        { 4, 8, ':' }, { 2, 2, ':' }, { 2, 2, '.' }, { 1, 1, '\0' },
    };
    for (int i = 0; i < 4; i++) {
        unsigned long v = 0;
        size_t n = 0;
        for (;; n++) {
            char c = s[n];
            if (c >= '0' && c <= '9')
                v = v * 16 + (unsigned long)(c - '0');
            else if (c >= 'a' && c <= 'f')
                v = v * 16 + (unsigned long)(c - 'a' + 10);
            else
                break;
        }
        if (n < form[i].min || n > form[i].max || s[n] != form[i].end)
            return false;
        field[i] = v;
        s += n + 1;
    }
    return true;
}

int nd_probe_pci(nd_raw *raw, nd_dev *dev)
{
    unsigned long vendor, device, addr[4];
    if (!nd_probe_id(raw, "vendor", &vendor) || !nd_probe_id(raw, "device", &device))
        return ND_PROBE_DROP;
    if (!parse_address(raw->sysname, addr)) {
        nd_raw_warn(raw, NULL, "cannot model the device: \"%s\" is not a PCI address",
                    raw->sysname);
        return ND_PROBE_DROP;
    }

    dev->name_head = nd_arena_printf(raw->arena, "pci_%lx_%lx", vendor, device);

    nd_node *bus = nd_dev_set_bus(raw->arena, dev, "pci");
    nd_bus_add_ids(raw, bus, &pci_names, vendor, device);

    nd_node *a = nd_node_add(raw->arena, bus, "address", NULL);
    nd_node_attrf(raw->arena, a, "domain", "%04lx", addr[0]);
    nd_node_attrf(raw->arena, a, "bus", "%02lx", addr[1]);
    nd_node_attrf(raw->arena, a, "slot", "%02lx", addr[2]);
    nd_node_attrf(raw->arena, a, "function", "%lx", addr[3]);

    const char *group = nd_raw_link_name(raw, "iommu_group");
    if (group) {
        if (*group && strspn(group, "0123456789") == strlen(group)) {
            nd_node *g = nd_node_add(raw->arena, bus, "iommu", NULL);
            nd_node_attr(raw->arena, g, "group", group);
        } else {
            nd_raw_warn(raw, "iommu_group", "not an IOMMU group: \"%s\"", group);
        }
    }
    return ND_PROBE_OK;
}

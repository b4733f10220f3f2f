/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* USB devices and interfaces, the entries of sys/bus/usb/devices (DESIGN
 * §3–§5): a name with ':' is an interface ("1-1:1.0"), any other a device
 * (root hubs "usbN" included). */
#include <string.h>
#include "internal.h"

static const nd_id_names usb_names = {
    .vendor = nd_ids_usb_vendor,
    .product = nd_ids_usb_product,
    .vendor_attr = "manufacturer",
    .product_attr = "product",
};

/* <bus type="usb">; named usb_device_<idVendor>_<idProduct>_<serial>. */
static int probe_device(nd_raw *raw, nd_dev *dev)
{
    unsigned long vendor, product;
    if (!nd_probe_id(raw, "idVendor", &vendor) || !nd_probe_id(raw, "idProduct", &product))
        return ND_PROBE_DROP;

    /* An empty serial stays empty (the body then ends in '_', as HAL's
     * did); an absent or unreadable one is "noserial". */
    const char *serial = nd_raw_attr_str(raw, "serial");
    dev->name_head = nd_arena_printf(raw->arena, "usb_device_%lx_%lx_%s", vendor,
                                     product, serial ? serial : "noserial");

    nd_node *bus = nd_dev_set_bus(raw->arena, dev, "usb");
    nd_bus_add_ids(raw, bus, &usb_names, vendor, product);

    /* <address> prints each in three digits; the kernel's are below 1000
     * (at most 127 devices on a bus) */
    unsigned long busnum, devnum;
    bool bus_ok = nd_raw_attr_ulong(raw, "busnum", 10, &busnum) >= 0;
    bool dev_ok = nd_raw_attr_ulong(raw, "devnum", 10, &devnum) >= 0;
    if (bus_ok && busnum > 999)
        nd_raw_warn(raw, "busnum", "%lu is no USB bus number", busnum);
    if (dev_ok && devnum > 999)
        nd_raw_warn(raw, "devnum", "%lu is no USB device number", devnum);
    if (bus_ok && dev_ok && busnum <= 999 && devnum <= 999) {
        nd_node *a = nd_node_add(raw->arena, bus, "address", NULL);
        nd_node_attrf(raw->arena, a, "bus", "%03lu", busnum);
        nd_node_attrf(raw->arena, a, "dev", "%03lu", devnum);
    }
    return ND_PROBE_OK;
}

/* capability usb_interface; named <parent body>_if<N>. */
static int probe_interface(nd_raw *raw, nd_dev *dev)
{
    unsigned long number;
    if (!nd_probe_id(raw, "bInterfaceNumber", &number))
        return ND_PROBE_DROP;
    if (number > 0xff) {   /* a descriptor byte */
        nd_raw_warn(raw, "bInterfaceNumber", "cannot name the device: %lx is wider than a byte",
                    number);
        return ND_PROBE_DROP;
    }

    dev->name_parent = true;
    dev->name_tail = nd_arena_printf(raw->arena, "_if%lu", number);

    nd_node *cap = nd_dev_add_cap(raw->arena, dev, NULL, "usb_interface");
    nd_node_addf(raw->arena, cap, "number", "%lu", number);
    static const struct { const char *elem, *attr; } fields[] = {
        { "class", "bInterfaceClass" },
        { "subclass", "bInterfaceSubClass" },
        { "protocol", "bInterfaceProtocol" },
    };
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        unsigned long v;
        if (nd_raw_attr_ulong(raw, fields[i].attr, 16, &v) < 0)
            continue;
        if (v <= 0xff)   /* descriptor bytes */
            nd_node_addf(raw->arena, cap, fields[i].elem, "%lu", v);
        else
            nd_raw_warn(raw, fields[i].attr, "%lx is wider than a byte", v);
    }
    return ND_PROBE_OK;
}

int nd_probe_usb(nd_raw *raw, nd_dev *dev)
{
    /* The kernel's DEVTYPE, when there, must be one of ours; without it
     * the name decides. */
    const char *devtype = nd_raw_uevent(raw, "DEVTYPE");
    if (devtype && strcmp(devtype, "usb_device") != 0 &&
        strcmp(devtype, "usb_interface") != 0)
        return ND_PROBE_SKIP;
    return strchr(raw->sysname, ':') ? probe_interface(raw, dev)
                                     : probe_device(raw, dev);
}

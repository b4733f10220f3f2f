/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Whole disks of sys/class/block: capability storage (DESIGN §3–§5).
 *
 * What a disk is comes from the chain of directories it sits in, as the
 * kernel nests them: .../ataN/hostH/target…/H:C:T:L/block/sda (libata),
 * .../usbN/…/hostH/…/block/sdb (usb-storage), .../nvme/nvme0/nvme0n1,
 * .../virtioN/block/vda, .../mmc_host/mmcN/mmcN:RCA/block/mmcblk0. Its
 * vendor, model and serial are attributes of the device the `device` link
 * names (the SCSI LUN, the NVMe controller, the MMC card), read by their
 * root-relative path.
 *
 * The parent rule gives SCSI, SATA and USB disks their SCSI device as
 * parent and virtio, NVMe and MMC disks their PCI function (virtioN,
 * nvme/nvme0 and the MMC host and card are not modelled). Named
 * storage_serial_<ID_SERIAL>, else storage_model_<model>, else
 * <parent body>_storage (DESIGN §4).
 */
#include <string.h>
#include "block.h"

/* The transport of a disk, from the directories above it. */
typedef struct transport {
    const char *bus;   /* ata, scsi, usb, virtio, nvme, mmc; NULL: none */
    bool scsi;         /* a SCSI disk (sd, sr): its device is a SCSI LUN */
} transport;

static bool is_mmc_card(const char *c, size_t len)
{
    /* "mmc<host>:<rca>" */
    size_t i = 3;
    if (len < 5 || strncmp(c, "mmc", 3) != 0)
        return false;
    while (i < len && c[i] >= '0' && c[i] <= '9')
        i++;
    return i > 3 && i < len && c[i] == ':';
}

/* Whether component c (len bytes) is prefix followed by digits only. */
static bool comp_number(const char *c, size_t len, const char *prefix)
{
    size_t plen = strlen(prefix);
    if (len <= plen || strncmp(c, prefix, plen) != 0)
        return false;
    for (size_t i = plen; i < len; i++)
        if (c[i] < '0' || c[i] > '9')
            return false;
    return true;
}

/* Walk up from the disk: the nearest transport wins, except that a SCSI
 * host below it makes the disk a SCSI one carried by that transport
 * (libata, usb-storage: ata, usb) or, above anything else (virtio-scsi,
 * an HBA), plain scsi. */
static transport transport_of(const char *path)
{
    transport t = { NULL, false };
    const char *end = strrchr(path, '/');
    while (end && end > path) {
        const char *c = end;
        while (c > path && c[-1] != '/')
            c--;
        size_t len = (size_t)(end - c);
        if ((len == 4 && strncmp(c, "nvme", 4) == 0) ||
            (len > 11 && strncmp(c, "nvme-subsys", 11) == 0)) {
            t.bus = "nvme";
            return t;
        }
        if (comp_number(c, len, "virtio")) {
            t.bus = t.scsi ? "scsi" : "virtio";
            return t;
        }
        if (is_mmc_card(c, len)) {
            t.bus = "mmc";
            return t;
        }
        if (comp_number(c, len, "ata")) {
            t.bus = "ata";
            return t;
        }
        if (comp_number(c, len, "usb")) {
            t.bus = "usb";
            return t;
        }
        if (comp_number(c, len, "host"))
            t.scsi = true;
        end = c > path ? c - 1 : NULL;
    }
    if (t.scsi)
        t.bus = "scsi";
    return t;
}

/* A file of the device the `device` link names; NULL when either is
 * absent. */
static const char *device_attr(nd_raw *raw, const char *devdir, const char *attr)
{
    char buf[ND_ATTR_MAX + 1];
    if (!devdir ||
        nd_raw_root_attr(raw, nd_arena_printf(raw->arena, "%s/%s", devdir, attr), buf) < 0)
        return NULL;
    return nd_arena_strdup(raw->arena, buf);
}

/* disk, cdrom, tape, floppy or flash. The SCSI peripheral type first
 * (what the drive says it is), then udev's ID_CDROM/ID_TYPE, then what
 * the kernel's names tell; a disk with removable media is flash (USB
 * sticks, card readers). */
static const char *drive_type(nd_raw *raw, const transport *t, const char *devdir,
                              bool removable)
{
    const char *type = NULL;
    unsigned long scsi;
    if (t->scsi && devdir &&
        nd_raw_root_attr_ulong(raw, nd_arena_printf(raw->arena, "%s/type", devdir), 10,
                               &scsi) >= 0)
        type = scsi == 1 ? "tape" : scsi == 4 || scsi == 5 ? "cdrom" : "disk";
    const char *id_type = nd_raw_prop(raw, "ID_TYPE");
    if (!type && nd_raw_prop(raw, "ID_CDROM"))
        type = "cdrom";
    if (!type && id_type) {
        static const struct { const char *udev, *ours; } map[] = {
            { "cd", "cdrom" }, { "tape", "tape" }, { "floppy", "floppy" }, { "disk", "disk" },
        };
        for (size_t i = 0; !type && i < sizeof(map) / sizeof(map[0]); i++)
            if (strcmp(id_type, map[i].udev) == 0)
                type = map[i].ours;
    }
    unsigned long n;
    if (!type && t->bus && strcmp(t->bus, "mmc") == 0)
        type = "flash";
    if (!type && nd_name_number(raw->sysname, "fd", &n))
        type = "floppy";
    if (!type)
        type = "disk";
    return strcmp(type, "disk") == 0 && removable ? "flash" : type;
}

/* Vendor and model as the device reports them: SCSI INQUIRY strings of
 * the LUN, an NVMe controller's model, an MMC card's product name; udev's
 * ID_VENDOR/ID_MODEL when sysfs has none. */
static void identity(nd_raw *raw, const transport *t, const char *devdir,
                     const char **vendor, const char **model)
{
    *vendor = *model = NULL;
    if (t->scsi) {
        *vendor = device_attr(raw, devdir, "vendor");
        *model = device_attr(raw, devdir, "model");
    } else if (t->bus && strcmp(t->bus, "nvme") == 0) {
        *model = device_attr(raw, devdir, "model");
    } else if (t->bus && strcmp(t->bus, "mmc") == 0) {
        *model = device_attr(raw, devdir, "name");
    }
    if (*vendor && !**vendor)
        *vendor = NULL;
    if (*model && !**model)
        *model = NULL;
    if (!*vendor)
        *vendor = nd_raw_prop(raw, "ID_VENDOR");
    if (!*model)
        *model = nd_raw_prop(raw, "ID_MODEL");
}

/* udev's short serial, else the kernel's: the disk's own `serial`
 * (virtio) or its device's (NVMe controller, MMC card), else a world-wide
 * id (NVMe namespace, SCSI LUN). */
static const char *serial_of(nd_raw *raw, const char *devdir)
{
    const char *s = nd_raw_prop(raw, "ID_SERIAL_SHORT");
    if (!s)
        s = nd_raw_attr_str(raw, "serial");
    if (!s || !*s)
        s = device_attr(raw, devdir, "serial");
    if (!s || !*s)
        s = nd_raw_attr_str(raw, "wwid");
    if (!s || !*s)
        s = device_attr(raw, devdir, "wwid");
    return s && *s ? s : NULL;
}

/* Partitions sit in the disk's directory, named after it ("sda1",
 * "nvme0n1p1"); nothing else there starts with the disk's name. */
static bool has_partitions(nd_raw *raw)
{
    char **names;
    size_t n;
    bool found = false;
    if (nd_raw_list(raw, ".", &names, &n) < 0)
        return false;
    size_t len = strlen(raw->sysname);
    for (size_t i = 0; i < n && !found; i++)
        found = strncmp(names[i], raw->sysname, len) == 0 && names[i][len];
    nd_strv_free(names, n);
    return found;
}

/* <removable media_available=…/>: udev's ID_CDROM_MEDIA for a drive udev
 * probed as a CD, else whether the medium has a size. */
static void add_removable(nd_raw *raw, nd_node *cap, bool has_size,
                          unsigned long long size)
{
    nd_node *r = nd_node_add(raw->arena, cap, "removable", NULL);
    if (nd_raw_prop(raw, "ID_CDROM")) {
        const char *media = nd_raw_prop(raw, "ID_CDROM_MEDIA");
        nd_node_attr(raw->arena, r, "media_available",
                     media && strcmp(media, "1") == 0 ? "1" : "0");
    } else if (has_size) {
        nd_node_attr(raw->arena, r, "media_available", size > 0 ? "1" : "0");
    }
}

int nd_block_storage(nd_raw *raw, nd_dev *dev)
{
    transport t = transport_of(raw->path);
    const char *link = nd_raw_link(raw, "device");
    const char *devdir = link ? link + 1 : NULL;   /* root-relative */

    unsigned long removable = 0;
    if (nd_raw_attr_ulong(raw, "removable", 10, &removable) < 0)
        removable = 0;
    unsigned long long size;
    bool has_size = nd_block_bytes(raw, "size", &size);
    const char *vendor, *model;
    identity(raw, &t, devdir, &vendor, &model);
    /* libata's SCSI translation reports the vendor "ATA" (SAT): an ATA
     * disk on a kernel without ataN directories, or behind a SAS HBA, is
     * one too, as udev's ata_id finds */
    if (t.scsi && t.bus && strcmp(t.bus, "scsi") == 0 && vendor && strcmp(vendor, "ATA") == 0)
        t.bus = "ata";
    const char *bus = nd_raw_prop(raw, "ID_BUS");

    nd_node *cap = nd_dev_add_cap(raw->arena, dev, NULL, "storage");
    nd_node_add(raw->arena, cap, "block", nd_raw_devnode(raw, ""));
    if (bus || t.bus)
        nd_node_add(raw->arena, cap, "bus", bus ? bus : t.bus);
    nd_node_add(raw->arena, cap, "drive_type", drive_type(raw, &t, devdir, removable == 1));
    if (vendor)
        nd_node_add(raw->arena, cap, "vendor", vendor);
    if (model)
        nd_node_add(raw->arena, cap, "model", model);
    const char *serial = serial_of(raw, devdir);
    if (serial)
        nd_node_add(raw->arena, cap, "serial", serial);
    if (has_size)
        nd_node_addf(raw->arena, cap, "size", "%llu", size);
    unsigned long lbs;
    if (nd_raw_attr_ulong(raw, "queue/logical_block_size", 10, &lbs) >= 0 ||
        nd_raw_attr_ulong(raw, "queue/hw_sector_size", 10, &lbs) >= 0)
        nd_node_addf(raw->arena, cap, "logical_block_size", "%lu", lbs);
    if (removable == 1)
        add_removable(raw, cap, has_size, size);

    /* a filesystem on the whole disk (no partition table: a floppy, a CD,
     * a virtual disk formatted whole) makes the disk a volume too: one
     * sysfs path is one device (DESIGN §13), so it is a second capability
     * of the same device */
    if (nd_raw_prop(raw, "ID_FS_TYPE") && !nd_raw_prop(raw, "ID_PART_TABLE_TYPE") &&
        !has_partitions(raw)) {
        nd_node *vol = nd_dev_add_cap(raw->arena, dev, NULL, "volume");
        nd_node_add(raw->arena, vol, "block", nd_raw_devnode(raw, ""));
        if (has_size)
            nd_node_addf(raw->arena, vol, "size", "%llu", size);
        nd_block_add_fs(raw, vol);
    }

    const char *id_serial = nd_raw_prop(raw, "ID_SERIAL");
    if (id_serial) {
        dev->name_head = nd_arena_printf(raw->arena, "storage_serial_%s", id_serial);
    } else if (model) {
        dev->name_head = nd_arena_printf(raw->arena, "storage_model_%s", model);
    } else {
        dev->name_parent = true;
        dev->name_tail = "_storage";
    }
    return ND_PROBE_OK;
}

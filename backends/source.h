/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Raw devices: what a source (the sysfs walk, later libudev) hands to the
 * class probes. A probe reads a raw device only through the nd_raw_*
 * helpers below, so it works the same whatever the source.
 *
 * Return conventions (as sd-device): 0 or a length on success, -ENOENT when
 * the thing is absent (normal, silent), another -errno on a real error. The
 * helpers already report real errors as a warning naming the file, so a
 * probe treats every negative value as "absent" unless it cares why.
 */
#ifndef ND_SOURCE_H
#define ND_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

struct nd_root;
struct nd_arena;
struct nd_dev;
typedef struct nd_raw nd_raw;

/* What a source implements. All paths are relative to the device's
 * directory unless named root_*, which are relative to the root
 * ("sys/class/fc_host/host5", "proc/net/vlan/config"). */
typedef struct nd_source_ops {
    /* File content, at most max bytes, NUL-terminated in buf (size
     * max + 1). Length, -ENOENT, or -errno (not yet reported). */
    int (*read)(nd_raw *raw, const char *rel, char *buf, size_t max);
    int (*root_read)(nd_raw *raw, const char *path, char *buf, size_t max);
    /* Target of the link rel as a root-relative path ("sys/bus/…"),
     * malloc'd; -ENOENT when not a link or not resolving inside the root. */
    int (*link)(nd_raw *raw, const char *rel, char **target);
    /* Entries of directory rel (without "." and ".."), malloc'd array of
     * malloc'd names, sorted bytewise. */
    int (*list)(nd_raw *raw, const char *rel, char ***names, size_t *n);
    bool (*exists)(nd_raw *raw, const char *rel);
    bool (*root_exists)(nd_raw *raw, const char *path);
    /* A property of the device's udev database entry, in raw->arena, or
     * NULL: the sysfs source reads the E: lines of run/udev/data/<id>
     * below the root, the udev source asks libudev (issue 6). */
    const char *(*prop)(nd_raw *raw, const char *key);
} nd_source_ops;

/* A source: how devices are found and how their files are read. The sysfs
 * source (backends/sysfs.c) is the only one that reads fixture roots. */
typedef struct nd_probe nd_probe;
typedef void (*nd_found_fn)(void *ctx, const char *path, const nd_probe *probe);
typedef struct nd_source nd_source;
struct nd_source {
    const char *name;                  /* "sysfs", "udev" */
    const nd_source_ops *ops;
    /* Report each bus/class entry, in nd_probes order, that is a device dir
     * below sys/devices, as a root-relative path ("sys/devices/…"). */
    int (*enumerate)(nd_source *src, struct nd_root *root, nd_found_fn found,
                     void *ctx);
    /* Ready raw (path, syspath, sysname, subsystem already set) for reading:
     * 0, or -ENOENT when the device is gone already. */
    int (*open)(nd_source *src, nd_raw *raw);
    /* After probing: is the device still there? One that vanished while it
     * was read is dropped whole. */
    bool (*present)(nd_raw *raw);
    void (*close)(nd_raw *raw);
    void (*free)(nd_source *src);
    void *priv;
};
nd_source *nd_source_sysfs(void);
/* The libudev source (backends/udev.c, issue 6): the live host, or the
 * testbed when running under umockdev. NULL with the error set when
 * libudev cannot be used. */
nd_source *nd_source_udev(void);

/* What one scan finds out once for all its devices (backends/scan.c
 * keeps it for the scan's length). A device probed alone (a hotplug
 * event, issue 6) has none and reads everything afresh. */
typedef struct nd_scan_cache {
    /* xmlHashTable of link targets outside sys/devices/ that resolve: a
     * driver's directory, an IOMMU group, shared by many devices */
    void *links;
    /* proc/net/vlan/config (backends/net.c): its text, NULL until read
     * ("" when absent), and an xmlHashTable of its lines by first word */
    char *vlan_text;
    void *vlan_lines;
} nd_scan_cache;

struct nd_raw {
    const nd_source_ops *ops;
    struct nd_root *root;
    struct nd_arena *arena;     /* the model's: probes put strings here */
    const char *path;           /* "sys/devices/…" (root-relative) */
    const char *syspath;        /* "/sys/devices/…" (as the kernel names it) */
    const char *sysname;        /* last component of path */
    const char *subsystem;      /* "pci", "usb", "scsi_host", "net" … */
    int dirfd;                  /* sysfs source: O_PATH fd of the device dir */
    nd_source *source;
    void *priv;                 /* the source's per-device data */
    nd_scan_cache *scan;        /* NULL outside a scan */
    /* loaded on first use */
    char *uevent;               /* KEY=VALUE lines */
    char *udevdb;               /* the udev database entry's lines */
    bool uevent_loaded, udevdb_loaded;
};

/* Cleaned attribute (DESIGN §13) into buf (size ND_ATTR_MAX + 1). */
int nd_raw_attr(nd_raw *raw, const char *rel, char *buf);
/* The same, copied into the arena; NULL when absent or unreadable. */
const char *nd_raw_attr_str(nd_raw *raw, const char *rel);
/* Attribute parsed as an unsigned number in `base` (16 accepts "0x").
 * -EINVAL (reported, naming the file) when it is not a number. */
int nd_raw_attr_ulong(nd_raw *raw, const char *rel, int base, unsigned long *out);
/* Digits only (base 16 takes an optional 0x), no sign or blanks: 0 or
 * -EINVAL. Pure, so the fuzzers can reach it. */
int nd_parse_ulong(const char *s, int base, unsigned long *out);
/* A root-relative file, cleaned like an attribute. */
int nd_raw_root_attr(nd_raw *raw, const char *path, char *buf);
/* Link target as "/sys/…" (arena) or its last component; NULL if absent. */
const char *nd_raw_link(nd_raw *raw, const char *rel);
const char *nd_raw_link_name(nd_raw *raw, const char *rel);
bool nd_raw_exists(nd_raw *raw, const char *rel);
bool nd_raw_root_exists(nd_raw *raw, const char *path);
/* Sorted entries of a subdirectory; free with nd_strv_free. */
int nd_raw_list(nd_raw *raw, const char *rel, char ***names, size_t *n);
void nd_strv_free(char **v, size_t n);
/* A KEY from the device's uevent file, or NULL. */
const char *nd_raw_uevent(nd_raw *raw, const char *key);
/* A property from the device's udev database entry, or NULL (an empty
 * value counts as absent). */
const char *nd_raw_prop(nd_raw *raw, const char *key);
/* The value of KEY in text's "<prefix>KEY=VALUE" lines (text may be
 * NULL): a pointer into text, with *len its length up to the line's end;
 * NULL when absent (uevent: prefix "", udev database: "E:"). The first
 * such line counts. Pure, so the fuzzers can reach it. */
const char *nd_kv_lookup(const char *text, const char *prefix, const char *key,
                         size_t *len);
/* The same value copied into the arena, NUL-terminated; NULL when absent. */
const char *nd_raw_lines_get(nd_raw *raw, const char *text, const char *prefix,
                             const char *key);
/* Report a bad value: "warning: <syspath>/<rel>: <why>". */
void nd_raw_warn(nd_raw *raw, const char *rel, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void nd_raw_release(nd_raw *raw);   /* frees the lazily loaded parts */

/* ---- probes --------------------------------------------------------------- */
enum {
    ND_PROBE_OK = 0,     /* dev filled */
    ND_PROBE_SKIP = 1,   /* not a device of this class (silent) */
    ND_PROBE_DROP = -1,  /* cannot be modelled (the probe warned) */
};

struct nd_probe {
    const char *subsystem;      /* raw->subsystem given to the probe */
    const char *dir;            /* where its entries are, below sys/ */
    int strip;                  /* components from an entry's target up to
                                   the device dir (scsi_host: 2) */
    int (*probe)(nd_raw *raw, struct nd_dev *dev);
};

/* In claim order (DESIGN §13): a path claimed twice is modelled once. */
extern const nd_probe nd_probes[];
extern const size_t nd_nprobes;

/* The root device's capability from sys/class/dmi/id (backends/computer.c). */
void nd_probe_computer(nd_raw *root_raw, struct nd_dev *dev);

/* The probes, one file each (backends/<class>.c). */
int nd_probe_pci(nd_raw *raw, struct nd_dev *dev);
int nd_probe_usb(nd_raw *raw, struct nd_dev *dev);
int nd_probe_scsi_host(nd_raw *raw, struct nd_dev *dev);
int nd_probe_scsi(nd_raw *raw, struct nd_dev *dev);
int nd_probe_net(nd_raw *raw, struct nd_dev *dev);

/* WWNs (backends/wwn.c): 16 hex digits, "0x" optional, any case. */
#define ND_WWN_BUF 17   /* 16 lowercase hex digits + NUL */
/* s as 16 lowercase hex digits in out; -EINVAL when s is not a WWN. */
int nd_wwn_normalize(const char *s, char out[ND_WWN_BUF]);
/* Whether s is the kernel's "not known" (zero of any width, or all ones),
 * as fc_host prints for a fabric it has not logged in to. */
bool nd_wwn_is_unknown(const char *s);

/* Names from the id databases (backends/ids.c); NULL when unknown.
 * Thread-safe. */
const char *nd_ids_pci_vendor(unsigned vendor);
const char *nd_ids_pci_device(unsigned vendor, unsigned device);
const char *nd_ids_usb_vendor(unsigned vendor);
const char *nd_ids_usb_product(unsigned vendor, unsigned product);

/* How a bus names its vendor and product: the id database's lookups and
 * the device's own string attributes (USB: "manufacturer", "product";
 * NULL: none). */
struct nd_node;
typedef struct nd_id_names {
    const char *(*vendor)(unsigned vendor);
    const char *(*product)(unsigned vendor, unsigned product);
    const char *vendor_attr, *product_attr;
} nd_id_names;
/* Appends <vendor id="DEC">name</vendor><product id="DEC">name</product>
 * to bus (DESIGN §5, §13): each name from the udev database
 * (ID_VENDOR_FROM_DATABASE, ID_MODEL_FROM_DATABASE), else names' id
 * database, else the device's own attribute; vendor and product fall back
 * separately; nothing known → empty element (backends/ids.c). */
void nd_bus_add_ids(nd_raw *raw, struct nd_node *bus, const nd_id_names *names,
                    unsigned long vendor, unsigned long product);
/* A hex id the device's name needs ("vendor", "idVendor",
 * "bInterfaceNumber"): true with *out set, else warns "cannot name the
 * device" naming the file, and the probe drops the device. */
bool nd_probe_id(nd_raw *raw, const char *rel, unsigned long *out);

/* ---- block devices, sound, input (issue 10) ------------------------------ */
/* The probes (backends/block.c, backends/sound.c, backends/input.c). */
int nd_probe_block(nd_raw *raw, struct nd_dev *dev);
int nd_probe_sound(nd_raw *raw, struct nd_dev *dev);
int nd_probe_input(nd_raw *raw, struct nd_dev *dev);

/* What the class-device probes share (backends/classdev.c). */
/* The device node: "/dev/" + the uevent's DEVNAME, else + dir + sysname
 * (dir "snd/" for ALSA, "" for disks); arena. */
const char *nd_raw_devnode(nd_raw *raw, const char *dir);
/* The root-relative directory holding the device's own ("sys/…/input3" for
 * ".../input3/event3"), arena; reads there go through nd_raw_root_attr,
 * as a probe's reads below its own directory stay there. */
const char *nd_raw_parent_dir(nd_raw *raw);
/* A root-relative file parsed as an unsigned number (as nd_raw_attr_ulong):
 * -EINVAL, reported naming the file, when it is not one. */
int nd_raw_root_attr_ulong(nd_raw *raw, const char *path, int base, unsigned long *out);
/* s is prefix followed by decimal digits only: true with *n set. */
bool nd_name_number(const char *s, const char *prefix, unsigned long *n);

#endif

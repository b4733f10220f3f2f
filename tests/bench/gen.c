/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * gen --devices N --seed S DIR: a synthetic sysfs root of N nodedev devices
 * (computer included) for the benchmarks (issue 8, DESIGN §12), in the
 * kernel's layout as fixtures/lib.sh writes it: device directories under
 * sys/devices, relative symlinks for sys/bus/<bus>/devices, sys/class/<class>,
 * subsystem, driver, device, iommu_group; only the attributes the probes
 * read, plus uevent; a partial udev database under run/udev/data and
 * proc/net/vlan/config. The same N and S always give the same tree.
 *
 * The host is a virtualisation server: a chipset with AHCI and xHCI, then
 * blocks drawn at random until N devices exist: SR-IOV NICs (two PFs with
 * up to 127 VFs each, VFs bound to vfio-pci or with their own net device,
 * VLANs on the PFs), plain NICs (bonds, bridges, VLANs), dual-port FC HBAs
 * (fc_host with NPIV, vports with their vHBAs, rport/target/LUN), SAS HBAs
 * with disks, PCIe switches with NVMe drives, USB controllers with hubs,
 * HID devices, flash drives (usb-storage LUNs), USB Ethernet, and virtual
 * networks (bridges with VM taps and container veths). Taps fill the last
 * few devices so the count is exact.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define P PATH_MAX
#define FMT(a, b) __attribute__((format(printf, a, b)))

static int rootfd = -1;
static unsigned long target_devs;   /* N */
static unsigned long ndev = 1;      /* devices nodedev will model; computer */
static unsigned long n_pci, n_usb, n_usbif, n_host, n_vhba, n_lun, n_net, n_vlan;
static unsigned long n_files, n_links, n_dirs, n_udevdb;

static void die(const char *fmt, ...) FMT(1, 2) __attribute__((noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("gen: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static unsigned long room(void)
{
    return ndev < target_devs ? target_devs - ndev : 0;
}

/* ---- deterministic randomness (splitmix64) ---------------------------- */

static uint64_t rng;

static uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* 0 .. n-1 */
static unsigned below(unsigned n)
{
    return n ? (unsigned)(rnd() % n) : 0;
}

/* lo .. hi inclusive */
static unsigned between(unsigned lo, unsigned hi)
{
    return lo + below(hi - lo + 1);
}

static bool chance(unsigned percent)
{
    return below(100) < percent;
}

/* ---- the filesystem ------------------------------------------------------ */

static void path_fmt(char *out, const char *fmt, ...) FMT(2, 3);
static void path_fmt(char *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, P, fmt, ap);
    va_end(ap);
    if (n < 0 || n >= P)
        die("path too long");
}

static void mkdirs(const char *path)
{
    if (mkdirat(rootfd, path, 0755) == 0) {
        n_dirs++;
        return;
    }
    if (errno == EEXIST)
        return;
    if (errno != ENOENT)
        die("mkdir %s: %s", path, strerror(errno));
    char parent[P];
    path_fmt(parent, "%s", path);
    char *slash = strrchr(parent, '/');
    if (!slash)
        die("mkdir %s: no parent", path);
    *slash = '\0';
    mkdirs(parent);
    if (mkdirat(rootfd, path, 0755) < 0 && errno != EEXIST)
        die("mkdir %s: %s", path, strerror(errno));
    n_dirs++;
}

static void parent_of(const char *path, char *out)
{
    path_fmt(out, "%s", path);
    char *slash = strrchr(out, '/');
    if (slash)
        *slash = '\0';
}

/* File dir/name holding exactly len bytes of data (mode for write-only
 * attributes); the directory is made when missing. */
static void put_raw(const char *dir, const char *name, mode_t mode, const char *data,
                    size_t len)
{
    char path[P];
    path_fmt(path, "%s/%s", dir, name);
    int fd = openat(rootfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0 && errno == ENOENT) {
        mkdirs(dir);
        fd = openat(rootfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    }
    if (fd < 0)
        die("create %s: %s", path, strerror(errno));
    if (len && write(fd, data, len) != (ssize_t)len)
        die("write %s: %s", path, strerror(errno));
    if (fchmodat(rootfd, path, mode, 0) < 0)   /* umask must not widen 0200 */
        die("chmod %s: %s", path, strerror(errno));
    close(fd);
    n_files++;
}

/* An attribute as the kernel shows it: the value and a newline. */
static void attr(const char *dir, const char *name, const char *fmt, ...) FMT(3, 4);
static void attr(const char *dir, const char *name, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
    va_end(ap);
    if (n < 0 || n >= (int)sizeof(buf) - 1)
        die("attribute %s/%s too long", dir, name);
    buf[n++] = '\n';
    put_raw(dir, name, 0644, buf, (size_t)n);
}

/* A text buffer for uevent files, udev database entries and the VLAN
 * table. */
typedef struct sbuf {
    char *s;
    size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *fmt, ...) FMT(2, 3);
static void sb_add(sbuf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0)
            die("format error");
        if (b->s && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        b->cap = (b->cap + (size_t)n + 1) * 2;
        if (!(b->s = realloc(b->s, b->cap)))
            die("out of memory");
    }
}

static void sb_put(sbuf *b, const char *dir, const char *name)
{
    put_raw(dir, name, 0644, b->s ? b->s : "", b->len);
    b->len = 0;
}

/* The relative path from directory `from` to `to` (both root-relative),
 * as the kernel writes its links. */
static void relpath(const char *from, const char *to, char *out)
{
    const char *a = from, *b = to;
    while (*a && *b) {
        size_t la = strcspn(a, "/"), lb = strcspn(b, "/");
        if (la != lb || memcmp(a, b, la) != 0)
            break;
        a += la;
        b += lb;
        if (*a == '/')
            a++;
        if (*b == '/')
            b++;
    }
    size_t n = 0;
    out[0] = '\0';
    while (*a) {
        if (n + 4 >= P)
            die("link too long");
        memcpy(out + n, "../", 4);
        n += 3;
        a += strcspn(a, "/");
        if (*a == '/')
            a++;
    }
    if (n + strlen(b) + 1 >= P)
        die("link too long");
    strcpy(out + n, b);
}

/* Symlink `link` -> `target`, both root-relative; written relative. */
static void lnk(const char *link, const char *target)
{
    char dir[P], rel[P];
    parent_of(link, dir);
    relpath(dir, target, rel);
    if (symlinkat(rel, rootfd, link) < 0) {
        if (errno != ENOENT)
            die("symlink %s: %s", link, strerror(errno));
        mkdirs(dir);
        if (symlinkat(rel, rootfd, link) < 0)
            die("symlink %s: %s", link, strerror(errno));
    }
    n_links++;
}

static void lnkf(const char *target, const char *fmt, ...) FMT(2, 3);
static void lnkf(const char *target, const char *fmt, ...)
{
    char link[P];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(link, P, fmt, ap);
    va_end(ap);
    if (n < 0 || n >= P)
        die("path too long");
    lnk(link, target);
}

static const char *base(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* subsystem, sys/bus/BUS/devices/<name>, and when driver is set the
 * driver link and the driver directory's back link. */
static void bus_dev(const char *bus, const char *dev, const char *driver)
{
    char t[P];
    path_fmt(t, "sys/bus/%s", bus);
    lnkf(t, "%s/subsystem", dev);
    lnkf(dev, "sys/bus/%s/devices/%s", bus, base(dev));
    if (driver) {
        path_fmt(t, "sys/bus/%s/drivers/%s", bus, driver);
        lnkf(t, "%s/driver", dev);
        lnkf(dev, "sys/bus/%s/drivers/%s/%s", bus, driver, base(dev));
    }
}

/* A class device dir/CLASS/NAME with its subsystem and device links and
 * sys/class/CLASS/NAME; its path in out. */
static void class_dev(char *out, const char *dev, const char *cls, const char *name)
{
    char t[P];
    path_fmt(out, "%s/%s/%s", dev, cls, name);
    mkdirs(out);
    path_fmt(t, "sys/class/%s", cls);
    lnkf(t, "%s/subsystem", out);
    lnkf(dev, "%s/device", out);
    lnkf(out, "sys/class/%s/%s", cls, name);
}

/* ---- the udev database (partial: about half of PCI and USB devices) ---- */

static void udev_db(const char *id, const char *vendor, const char *model,
                    const char *extra)
{
    sbuf b = { 0 };
    sb_add(&b, "I:1700000000\n");
    if (vendor)
        sb_add(&b, "E:ID_VENDOR_FROM_DATABASE=%s\n", vendor);
    if (model)
        sb_add(&b, "E:ID_MODEL_FROM_DATABASE=%s\n", model);
    if (extra)
        sb_add(&b, "%s", extra);
    sb_add(&b, "G:systemd\nQ:systemd\nV:1\n");
    sb_put(&b, "run/udev/data", id);
    free(b.s);
    n_udevdb++;
}

/* ---- PCI --------------------------------------------------------------------- */

typedef struct pci_id {
    unsigned vendor, device, cls;
    const char *driver;              /* NULL: none bound */
    const char *vname, *dname;       /* what udev's hwdb says */
} pci_id;

#define INTEL "Intel Corporation"
static const pci_id PCI_HOSTBR = { 0x8086, 0x2020, 0x060000, NULL, INTEL, "Sky Lake-E DMI3 Registers" };
static const pci_id PCI_LPC = { 0x8086, 0xa1c1, 0x060100, NULL, INTEL, "C621 Series Chipset LPC/eSPI Controller" };
static const pci_id PCI_SMBUS = { 0x8086, 0xa1a3, 0x0c0500, "i801_smbus", INTEL, "C620 Series Chipset Family SMBus" };
static const pci_id PCI_AHCI = { 0x8086, 0xa182, 0x010601, "ahci", INTEL, "C620 Series Chipset Family SATA Controller [AHCI mode]" };
static const pci_id PCI_XHCI = { 0x8086, 0xa1af, 0x0c0330, "xhci_hcd", INTEL, "C620 Series Chipset Family USB 3.0 xHCI Controller" };
static const pci_id PCI_RP[] = {
    { 0x8086, 0x2030, 0x060400, "pcieport", INTEL, "Sky Lake-E PCI Express Root Port A" },
    { 0x8086, 0x2031, 0x060400, "pcieport", INTEL, "Sky Lake-E PCI Express Root Port B" },
    { 0x8086, 0x2032, 0x060400, "pcieport", INTEL, "Sky Lake-E PCI Express Root Port C" },
    { 0x8086, 0x2033, 0x060400, "pcieport", INTEL, "Sky Lake-E PCI Express Root Port D" },
};
static const pci_id PCI_VGA = { 0x1a03, 0x2000, 0x030000, "ast", "ASPEED Technology, Inc.", "ASPEED Graphics Family" };
static const pci_id PCI_WIFI = { 0x8086, 0x2723, 0x028000, "iwlwifi", INTEL, "Wi-Fi 6 AX200" };
static const pci_id PCI_XHCI_ADDON = { 0x1b21, 0x2142, 0x0c0330, "xhci_hcd", "ASMedia Technology Inc.", "ASM2142/ASM3142 USB 3.1 Host Controller" };
static const pci_id PCI_SWITCH = { 0x10b5, 0x8747, 0x060400, "pcieport", "PLX Technology, Inc.", "PEX 8747 48-Lane, 5-Port PCI Express Gen 3 (8.0 GT/s) Switch" };
static const pci_id PCI_NVME[] = {
    { 0x144d, 0xa808, 0x010802, "nvme", "Samsung Electronics Co Ltd", "NVMe SSD Controller SM981/PM981/PM983" },
    { 0x8086, 0x0a54, 0x010802, "nvme", INTEL, "NVMe Datacenter SSD [3DNAND, Beta Rock Controller]" },
};
static const pci_id PCI_SAS = { 0x1000, 0x0097, 0x010700, "mpt3sas", "Broadcom / LSI", "SAS3008 PCI-Express Fusion-MPT SAS-3" };
static const pci_id PCI_NIC[] = {
    { 0x8086, 0x1521, 0x020000, "igb", INTEL, "I350 Gigabit Network Connection" },
    { 0x14e4, 0x165f, 0x020000, "tg3", "Broadcom Inc. and subsidiaries", "NetXtreme BCM5720 Gigabit Ethernet PCIe" },
};

typedef struct sriov_model {
    pci_id pf, vf;
    unsigned oui;
} sriov_model;
static const sriov_model SRIOV[] = {
    { { 0x15b3, 0x1017, 0x020000, "mlx5_core", "Mellanox Technologies", "MT27800 Family [ConnectX-5]" },
      { 0x15b3, 0x1018, 0x020000, "mlx5_core", "Mellanox Technologies", "MT27800 Family [ConnectX-5 Virtual Function]" },
      0x0c42a1 },
    { { 0x8086, 0x1572, 0x020000, "i40e", INTEL, "Ethernet Controller X710 for 10GbE SFP+" },
      { 0x8086, 0x154c, 0x020000, "iavf", INTEL, "Ethernet Virtual Function 700 Series" },
      0x3cfdfe },
    { { 0x8086, 0x159b, 0x020000, "ice", INTEL, "Ethernet Controller E810-XXV for SFP" },
      { 0x8086, 0x1889, 0x020000, "iavf", INTEL, "Ethernet Adaptive Virtual Function" },
      0xb49691 },
};

typedef struct fc_model {
    pci_id fn;
    const char *proc_name;
    unsigned npiv_max;
    uint64_t wwn_base;     /* node name; port name is 1 << 60 lower */
} fc_model;
static const fc_model FC[] = {
    { { 0x10df, 0xf100, 0x0c0400, "lpfc", "Emulex Corporation", "LPe12000 Series 8Gb Fibre Channel Adapter" },
      "lpfc", 255, 0x20000000c9000000ULL },
    { { 0x1077, 0x2532, 0x0c0400, "qla2xxx", "QLogic Corp.", "ISP2532-based 8Gb Fibre Channel to PCI Express HBA" },
      "qla2xxx", 127, 0x2000001b32000000ULL },
};

/* A PCI segment: host bridge pciDDDD:00, root ports on bus 00 (slots 1 to
 * 31, all eight functions), secondary buses handed out in order. */
static unsigned pci_domain, pci_next_bus, pci_next_rp;
static unsigned iommu_next;

static void host_bridge_path(char *out, unsigned dom)
{
    path_fmt(out, "sys/devices/pci%04x:00", dom);
}

static void pci_new_domain(void)
{
    char hb[P];
    static bool first = true;
    if (!first)
        pci_domain++;
    first = false;
    pci_next_bus = 1;
    pci_next_rp = 1 << 3;
    host_bridge_path(hb, pci_domain);
    mkdirs(hb);
    put_raw(hb, "uevent", 0644, "", 0);   /* no bus, no class */
}

/* A PCI function of `id` at dom:bus:devfn below `parent`; driver NULL takes
 * the id's, "-" binds none. Its path in out. */
static void pci_fn(char *out, const char *parent, unsigned dom, unsigned bus,
                   unsigned devfn, const pci_id *id, const char *driver)
{
    char addr[32];
    snprintf(addr, sizeof(addr), "%04x:%02x:%02x.%x", dom, bus, devfn >> 3, devfn & 7);
    if (!driver)
        driver = id->driver;
    else if (strcmp(driver, "-") == 0)
        driver = NULL;
    path_fmt(out, "%s/%s", parent, addr);
    mkdirs(out);
    attr(out, "vendor", "0x%04x", id->vendor);
    attr(out, "device", "0x%04x", id->device);
    sbuf b = { 0 };
    if (driver)
        sb_add(&b, "DRIVER=%s\n", driver);
    sb_add(&b, "PCI_CLASS=%X\nPCI_ID=%04X:%04X\nPCI_SUBSYS_ID=%04X:%04X\n"
               "PCI_SLOT_NAME=%s\n"
               "MODALIAS=pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X\n",
           id->cls, id->vendor, id->device, id->vendor, id->device, addr, id->vendor,
           id->device, id->vendor, id->device, id->cls >> 16, (id->cls >> 8) & 0xff,
           id->cls & 0xff);
    sb_put(&b, out, "uevent");
    free(b.s);
    bus_dev("pci", out, driver);

    char grp[P];
    unsigned g = iommu_next++;
    path_fmt(grp, "sys/kernel/iommu_groups/%u", g);
    lnkf(grp, "%s/iommu_group", out);
    lnkf(out, "%s/devices/%s", grp, addr);

    if (chance(50)) {
        char id_[64], extra[256];
        snprintf(id_, sizeof(id_), "+pci:%s", addr);
        snprintf(extra, sizeof(extra), "E:ID_PATH=pci-%s\nE:ID_PCI_CLASS_FROM_DATABASE=%s\n",
                 addr, (id->cls >> 16) == 2 ? "Network controller"
                       : (id->cls >> 16) == 6 ? "Bridge" : "Mass storage controller");
        udev_db(id_, id->vname, id->dname, extra);
    }
    ndev++;
    n_pci++;
}

static void pci_sriov_link(const char *pf, const char *vf, unsigned i)
{
    lnkf(vf, "%s/virtfn%u", pf, i);
    lnkf(pf, "%s/physfn", vf);
}

/* A root port with `buses` secondary buses behind it (a new segment when
 * this one is full); *bus is the first. */
static void pci_root_port(char *out, unsigned buses, unsigned *bus)
{
    for (;;) {
        while ((pci_next_rp >> 3) == 0x14 || (pci_next_rp >> 3) == 0x1f)
            pci_next_rp += 8;
        if (pci_next_rp < 256 && pci_next_bus + buses <= 256)
            break;
        pci_new_domain();
    }
    char hb[P];
    host_bridge_path(hb, pci_domain);
    pci_fn(out, hb, pci_domain, 0, pci_next_rp++, &PCI_RP[below(4)], NULL);
    *bus = pci_next_bus;
    pci_next_bus += buses;
}

/* ---- MACs, WWNs, names ------------------------------------------------- */

static unsigned long mac_ctr, eth_ctr, vnet_ctr, ifindex_ctr = 1;
static uint64_t wwn_ctr;

static void mac_fmt(char *out, unsigned oui, unsigned long n)
{
    snprintf(out, 18, "%02x:%02x:%02x:%02lx:%02lx:%02lx", (oui >> 16) & 0xff,
             (oui >> 8) & 0xff, oui & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
}

static void mac_new(char *out, unsigned oui)
{
    mac_fmt(out, oui, ++mac_ctr);
}

/* ---- network interfaces ------------------------------------------------- */

/* Interface `name` of device `parent` (NULL: virtual), ARPHRD `type`,
 * address mac (NULL: no file; "": empty), uevent DEVTYPE (NULL: none). */
static void net_if(char *out, const char *parent, const char *name, unsigned type,
                   const char *mac, const char *devtype)
{
    if (parent)
        path_fmt(out, "%s/net/%s", parent, name);
    else
        path_fmt(out, "sys/devices/virtual/net/%s", name);
    mkdirs(out);
    if (mac)
        attr(out, "address", "%s", mac);
    attr(out, "type", "%u", type);
    sbuf b = { 0 };
    if (devtype)
        sb_add(&b, "DEVTYPE=%s\n", devtype);
    sb_add(&b, "INTERFACE=%s\nIFINDEX=%lu\n", name, ifindex_ctr++);
    sb_put(&b, out, "uevent");
    free(b.s);
    lnkf("sys/class/net", "%s/subsystem", out);
    lnkf(out, "sys/class/net/%s", name);
    if (parent)
        lnkf(parent, "%s/device", out);
    ndev++;
    n_net++;
}

static void net_eth(char *out, char *name, const char *parent, const char *mac)
{
    snprintf(name, 16, "eth%lu", eth_ctr++);
    net_if(out, parent, name, 1, mac, NULL);
}

/* upper/lower adjacency links of stacked interfaces */
static void net_stack(const char *upper, const char *lower)
{
    lnkf(lower, "%s/lower_%s", upper, base(lower));
    lnkf(upper, "%s/upper_%s", lower, base(upper));
}

static sbuf vlan_config;

/* 802.1Q interface LOWER.ID with the lower device's address */
static void net_vlan(const char *lower, const char *lower_mac, unsigned id)
{
    char name[32], out[P];
    snprintf(name, sizeof(name), "%s.%u", base(lower), id);
    net_if(out, NULL, name, 1, lower_mac, "vlan");
    net_stack(out, lower);
    sb_add(&vlan_config, "%-15s| %u  | %s\n", name, id, base(lower));
    n_vlan++;
}

static void net_vlans(const char *lower, const char *mac, unsigned n)
{
    unsigned id = between(2, 3000), step = between(1, 4);
    for (unsigned i = 0; i < n && id <= 4094; i++, id += step)
        net_vlan(lower, mac, id);
}

/* A bridge with its bridge/ directory; ports are added by net_port. */
static void net_bridge(char *out, const char *name, const char *mac)
{
    net_if(out, NULL, name, 1, mac, "bridge");
    char d[P];
    path_fmt(d, "%s/bridge", out);
    mkdirs(d);
}

static void net_port(const char *bridge, const char *port)
{
    char d[P];
    path_fmt(d, "%s/brport", port);
    mkdirs(d);
    lnkf(d, "%s/brif/%s", bridge, base(port));
    lnkf(bridge, "%s/master", port);
    net_stack(bridge, port);
}

/* A VM's tap (a tun device in tap mode, libvirt's fe:54:00 address). */
static void net_tap(const char *bridge)
{
    char name[32], out[P], mac[18];
    snprintf(name, sizeof(name), "vnet%lu", vnet_ctr++);
    mac_new(mac, 0xfe5400);
    net_if(out, NULL, name, 1, mac, "tun");
    if (bridge)
        net_port(bridge, out);
}

static void net_veth(const char *bridge)
{
    char name[32], out[P], mac[18];
    snprintf(name, sizeof(name), "veth%08" PRIx64, rnd() & 0xffffffffu);
    mac_new(mac, 0x02420a);
    net_if(out, NULL, name, 1, mac, NULL);
    if (bridge)
        net_port(bridge, out);
}

/* ---- SCSI and Fibre Channel ---------------------------------------------- */

static unsigned host_next;

static unsigned scsi_host(char *out, const char *parent)
{
    unsigned h = host_next++;
    char cls[P], name[32];
    path_fmt(out, "%s/host%u", parent, h);
    mkdirs(out);
    put_raw(out, "uevent", 0644, "DEVTYPE=scsi_host\n", 18);
    bus_dev("scsi", out, NULL);
    snprintf(name, sizeof(name), "host%u", h);
    class_dev(cls, out, "scsi_host", name);
    ndev++;
    n_host++;
    return h;
}

static void fc_host(const char *host, unsigned h, uint64_t wwnn, uint64_t wwpn,
                    uint64_t fabric, unsigned npiv_max, unsigned npiv_inuse)
{
    char d[P], name[32];
    snprintf(name, sizeof(name), "host%u", h);
    class_dev(d, host, "fc_host", name);
    attr(d, "node_name", "0x%" PRIx64, wwnn);
    attr(d, "port_name", "0x%" PRIx64, wwpn);
    attr(d, "fabric_name", "0x%" PRIx64, fabric);
    if (npiv_max) {
        attr(d, "max_npiv_vports", "%u", npiv_max);
        attr(d, "npiv_vports_inuse", "%u", npiv_inuse);
        put_raw(d, "vport_create", 0200, "", 0);   /* write-only */
    }
}

static void scsi_target(char *out, const char *parent, unsigned h, unsigned c, unsigned t)
{
    path_fmt(out, "%s/target%u:%u:%u", parent, h, c, t);
    mkdirs(out);
    put_raw(out, "uevent", 0644, "DEVTYPE=scsi_target\n", 20);
    bus_dev("scsi", out, NULL);
}

static void scsi_lun(const char *target, unsigned h, unsigned c, unsigned t, unsigned l,
                     unsigned type, const char *vendor, const char *model)
{
    char d[P], name[64], cls[P];
    snprintf(name, sizeof(name), "%u:%u:%u:%u", h, c, t, l);
    path_fmt(d, "%s/%s", target, name);
    mkdirs(d);
    const char *drv = type == 0 ? "sd" : type == 1 ? "st" : type == 5 ? "sr"
                    : type == 8 ? "ch" : type == 13 ? "ses" : NULL;
    sbuf b = { 0 };
    sb_add(&b, "DEVTYPE=scsi_device\n");
    if (drv)
        sb_add(&b, "DRIVER=%s\n", drv);
    sb_add(&b, "MODALIAS=scsi:t-0x%02x\n", type);
    sb_put(&b, d, "uevent");
    free(b.s);
    attr(d, "type", "%u", type);
    attr(d, "vendor", "%-8.8s", vendor);
    attr(d, "model", "%-16.16s", model);
    bus_dev("scsi", d, drv);
    class_dev(cls, d, "scsi_device", name);
    ndev++;
    n_lun++;
}

/* rport-H:0-R with its target; the target's path in out */
static void fc_rport(char *out, const char *host, unsigned h, unsigned r)
{
    char d[P], name[64], cls[P];
    snprintf(name, sizeof(name), "rport-%u:0-%u", h, r);
    path_fmt(d, "%s/%s", host, name);
    mkdirs(d);
    put_raw(d, "uevent", 0644, "", 0);
    class_dev(cls, d, "fc_remote_ports", name);
    scsi_target(out, d, h, 0, r);
}

static const struct { const char *vendor, *model; } FC_ARRAYS[] = {
    { "3PARdata", "VV" }, { "NETAPP", "LUN C-Mode" }, { "PURE", "FlashArray" },
    { "HITACHI", "OPEN-V" }, { "DGC", "VRAID" },
};

/* One array port seen through rport R of host h: luns LUNs (disks), and
 * sometimes the array's enclosure (SES) at LUN 254. */
static void fc_target_luns(const char *host, unsigned h, unsigned r, unsigned luns)
{
    char t[P];
    unsigned a = below(sizeof(FC_ARRAYS) / sizeof(FC_ARRAYS[0]));
    fc_rport(t, host, h, r);
    for (unsigned l = 0; l < luns; l++)
        scsi_lun(t, h, 0, r, l, 0, FC_ARRAYS[a].vendor, FC_ARRAYS[a].model);
    if (luns < 254 && room() > 0 && chance(15))
        scsi_lun(t, h, 0, r, 254, 13, FC_ARRAYS[a].vendor, "SES");
}

/* ---- USB ------------------------------------------------------------------- */

enum usb_kind { USB_PLAIN, USB_HUB, USB_STORAGE, USB_ETHER };

typedef struct usb_if_spec {
    unsigned char cls, sub, proto;
    const char *driver;
} usb_if_spec;

typedef struct usb_id {
    unsigned vendor, product, bcd;
    unsigned char cls, sub, proto;
    const char *mfr, *prod;          /* the device's strings; NULL: none */
    const char *vname, *pname;       /* hwdb names; NULL: unknown */
    bool serial;
    enum usb_kind kind;
    unsigned nif;
    usb_if_spec ifs[3];
} usb_id;

static const usb_id USB_RH2 = { 0x1d6b, 0x0002, 0x0601, 9, 0, 1, "Linux 6.1.0-13-amd64 xhci-hcd",
    "xHCI Host Controller", "Linux Foundation", "2.0 root hub", true, USB_HUB, 1, { { 9, 0, 0, "hub" } } };
static const usb_id USB_RH3 = { 0x1d6b, 0x0003, 0x0601, 9, 0, 3, "Linux 6.1.0-13-amd64 xhci-hcd",
    "xHCI Host Controller", "Linux Foundation", "3.0 root hub", true, USB_HUB, 1, { { 9, 0, 0, "hub" } } };
static const usb_id USB_HUBS[] = {
    { 0x05e3, 0x0610, 0x9226, 9, 0, 2, "GenesysLogic", "USB2.1 Hub", "Genesys Logic, Inc.", "Hub",
      false, USB_HUB, 1, { { 9, 0, 0, "hub" } } },
    { 0x0424, 0x2514, 0x0b53, 9, 0, 2, NULL, NULL, "Microchip Technology, Inc. (formerly SMSC)",
      "USB 2.0 Hub", false, USB_HUB, 1, { { 9, 0, 0, "hub" } } },
};
static const usb_id USB_DEVS[] = {
    { 0x046d, 0xc31c, 0x6400, 0, 0, 0, "Logitech", "USB Keyboard", "Logitech, Inc.", "Keyboard K120",
      false, USB_PLAIN, 2, { { 3, 1, 1, "usbhid" }, { 3, 0, 0, "usbhid" } } },
    { 0x046d, 0xc077, 0x7200, 0, 0, 0, "Logitech", "USB Optical Mouse", "Logitech, Inc.", "Mouse",
      false, USB_PLAIN, 1, { { 3, 1, 2, "usbhid" } } },
    { 0x046b, 0xff10, 0x0100, 0, 0, 0, "American Megatrends Inc.", "Virtual Keyboard and Mouse",
      "American Megatrends, Inc.", "Virtual Keyboard and Mouse", true, USB_PLAIN, 2,
      { { 3, 1, 1, "usbhid" }, { 3, 1, 2, "usbhid" } } },
    { 0x0781, 0x5567, 0x0100, 0, 0, 0, "SanDisk", "Cruzer Blade", "SanDisk Corp.", "Cruzer Blade",
      true, USB_STORAGE, 1, { { 8, 6, 0x50, "usb-storage" } } },
    { 0x1050, 0x0407, 0x0526, 0, 0, 0, "Yubico", "YubiKey OTP+FIDO+CCID", "Yubico.com",
      "Yubikey 4/5 OTP+U2F+CCID", false, USB_PLAIN, 3,
      { { 3, 1, 1, "usbhid" }, { 3, 0, 0, "usbhid" }, { 0x0b, 0, 0, NULL } } },
    { 0x0bda, 0x8153, 0x3100, 0, 0, 0, "Realtek", "USB 10/100/1000 LAN", "Realtek Semiconductor Corp.",
      "RTL8153 Gigabit Ethernet Adapter", true, USB_ETHER, 1, { { 0xff, 0xff, 0, "r8152" } } },
    { 0x0403, 0x6001, 0x0600, 0, 0, 0, "FTDI", "FT232R USB UART",
      "Future Technology Devices International, Ltd", "FT232 Serial (UART) IC", true, USB_PLAIN, 1,
      { { 0xff, 0xff, 0xff, "ftdi_sio" } } },
    /* not in usb.ids: named from its own strings */
    { 0xf055, 0x9800, 0x0100, 0xef, 2, 1, "Acme Labs", "Bench Probe", NULL, NULL, true, USB_PLAIN, 2,
      { { 2, 2, 1, "cdc_acm" }, { 0x0a, 0, 0, "cdc_acm" } } },
};

static unsigned long usb_bus_ctr = 1;

static void usb_dev(char *out, const char *parent, const char *name, unsigned long bus,
                    unsigned devnum, const usb_id *id, const char *serial)
{
    path_fmt(out, "%s/%s", parent, name);
    mkdirs(out);
    attr(out, "idVendor", "%04x", id->vendor);
    attr(out, "idProduct", "%04x", id->product);
    if (id->mfr)
        attr(out, "manufacturer", "%s", id->mfr);
    if (id->prod)
        attr(out, "product", "%s", id->prod);
    if (serial)
        attr(out, "serial", "%s", serial);
    attr(out, "busnum", "%lu", bus);
    attr(out, "devnum", "%u", devnum);
    unsigned long minor = (bus - 1) * 128 + devnum - 1;
    sbuf b = { 0 };
    sb_add(&b, "MAJOR=189\nMINOR=%lu\nDEVNAME=bus/usb/%03lu/%03u\nDEVTYPE=usb_device\n"
               "DRIVER=usb\nPRODUCT=%x/%x/%x\nTYPE=%u/%u/%u\nBUSNUM=%03lu\nDEVNUM=%03u\n",
           minor, bus, devnum, id->vendor, id->product, id->bcd, id->cls, id->sub, id->proto,
           bus, devnum);
    sb_put(&b, out, "uevent");
    free(b.s);
    bus_dev("usb", out, "usb");
    if (chance(50)) {
        char dbid[64], extra[512];
        snprintf(dbid, sizeof(dbid), "c189:%lu", minor);
        snprintf(extra, sizeof(extra),
                 "E:ID_VENDOR=%s\nE:ID_VENDOR_ID=%04x\nE:ID_MODEL_ID=%04x\nE:ID_BUS=usb\n"
                 "E:ID_USB_INTERFACES=:%02x%02x%02x:\n",
                 id->mfr ? id->mfr : "", id->vendor, id->product, id->ifs[0].cls,
                 id->ifs[0].sub, id->ifs[0].proto);
        udev_db(dbid, id->vname, id->pname, extra);
    }
    ndev++;
    n_usb++;
}

static void usb_if(char *out, const char *dev, const char *devname, unsigned ifnum,
                   const usb_id *id, const usb_if_spec *s)
{
    char name[64];
    if (strncmp(devname, "usb", 3) == 0)
        snprintf(name, sizeof(name), "%s-0:1.%u", devname + 3, ifnum);
    else
        snprintf(name, sizeof(name), "%s:1.%u", devname, ifnum);
    path_fmt(out, "%s/%s", dev, name);
    mkdirs(out);
    attr(out, "bInterfaceNumber", "%02x", ifnum);
    attr(out, "bInterfaceClass", "%02x", s->cls);
    attr(out, "bInterfaceSubClass", "%02x", s->sub);
    attr(out, "bInterfaceProtocol", "%02x", s->proto);
    sbuf b = { 0 };
    sb_add(&b, "DEVTYPE=usb_interface\n");
    if (s->driver)
        sb_add(&b, "DRIVER=%s\n", s->driver);
    sb_add(&b, "PRODUCT=%x/%x/%x\nTYPE=%u/%u/%u\nINTERFACE=%u/%u/%u\n"
               "MODALIAS=usb:v%04Xp%04Xd%04Xdc%02Xdsc%02Xdp%02Xic%02Xisc%02Xip%02Xin%02X\n",
           id->vendor, id->product, id->bcd, id->cls, id->sub, id->proto, s->cls, s->sub,
           s->proto, id->vendor, id->product, id->bcd, id->cls, id->sub, id->proto, s->cls,
           s->sub, s->proto, ifnum);
    sb_put(&b, out, "uevent");
    free(b.s);
    bus_dev("usb", out, s->driver);
    ndev++;
    n_usbif++;
}

/* What the devices of a kind hang below their first interface. */
static void usb_function(const char *ifpath, const usb_id *id)
{
    char p[P], t[P];
    if (id->kind == USB_STORAGE) {
        unsigned h = scsi_host(p, ifpath);
        scsi_target(t, p, h, 0, 0);
        scsi_lun(t, h, 0, 0, 0, 0, id->mfr, id->prod);
    } else if (id->kind == USB_ETHER) {
        char mac[18], name[16];
        mac_new(mac, 0x00e04c);
        net_eth(p, name, ifpath, mac);
    }
}

/* Devices: a USB device needs 1 + nif (+ its function) devices. */
static unsigned long usb_cost(const usb_id *id)
{
    return 1 + id->nif + (id->kind == USB_STORAGE ? 2 : id->kind == USB_ETHER ? 1 : 0);
}

static void usb_children(const char *hub, const char *hubname, unsigned long bus,
                         unsigned *devnum, unsigned ports, int depth);

static void usb_place(const char *parent, const char *name, unsigned long bus,
                      unsigned *devnum, const usb_id *id, int depth)
{
    char d[P], ifp[P], serial[32];
    snprintf(serial, sizeof(serial), "%08" PRIX64, rnd() & 0xffffffffu);
    usb_dev(d, parent, name, bus, (*devnum)++, id, id->serial ? serial : NULL);
    for (unsigned i = 0; i < id->nif; i++) {
        char other[P];
        usb_if(i ? other : ifp, d, name, i, id, &id->ifs[i]);
    }
    usb_function(ifp, id);
    if (id->kind == USB_HUB)
        usb_children(d, name, bus, devnum, 4, depth + 1);
}

static void usb_children(const char *hub, const char *hubname, unsigned long bus,
                         unsigned *devnum, unsigned ports, int depth)
{
    for (unsigned port = 1; port <= ports && *devnum < 127; port++) {
        if (!chance(depth == 0 ? 70 : 55))
            continue;
        const usb_id *id = depth < 2 && chance(15) ? &USB_HUBS[below(2)]
                         : &USB_DEVS[below(sizeof(USB_DEVS) / sizeof(USB_DEVS[0]))];
        if (usb_cost(id) + (id->kind == USB_HUB ? 4 : 0) > room())
            continue;
        char name[64];
        if (depth == 0)
            snprintf(name, sizeof(name), "%lu-%u", bus, port);
        else
            snprintf(name, sizeof(name), "%s.%u", hubname, port);
        usb_place(hub, name, bus, devnum, id, depth);
    }
}

/* A host controller's two root hubs (USB 2.0 and 3.x) and what is plugged
 * in; the 3.x bus stays empty more often than not, as on real hosts. */
static void usb_tree(const char *ctrl)
{
    if (room() < 4)
        return;
    char hub[2][P], name[2][32];
    unsigned long bus[2];
    unsigned devnum[2];
    for (int r = 0; r < 2; r++) {
        char ifp[P];
        const usb_id *id = r ? &USB_RH3 : &USB_RH2;
        bus[r] = usb_bus_ctr++;
        devnum[r] = 1;
        snprintf(name[r], sizeof(name[r]), "usb%lu", bus[r]);
        usb_dev(hub[r], ctrl, name[r], bus[r], devnum[r]++, id, base(ctrl));
        usb_if(ifp, hub[r], name[r], 0, id, &id->ifs[0]);
    }
    usb_children(hub[0], name[0], bus[0], &devnum[0], 10, 0);
    if (chance(30))
        usb_children(hub[1], name[1], bus[1], &devnum[1], 4, 0);
}

/* ---- blocks ------------------------------------------------------------------ */

static void pci_fill_eth(char *out, const char *fn, unsigned oui, char *mac)
{
    char name[16];
    mac_new(mac, oui);
    net_eth(out, name, fn, mac);
}

/* Two PFs with k VFs each (ARI: functions 2.. on the PF's bus and the
 * next), VFs bound to vfio-pci (given to VMs) or with a net device. */
static bool block_sriov(void)
{
    static const unsigned ks[] = { 8, 16, 32, 32, 64, 64, 127 };
    const sriov_model *m = &SRIOV[below(3)];
    unsigned k = ks[below(7)];
    unsigned vlans = chance(40) ? between(2, 16) : 0;
    /* worst case: every VF with a net device */
    while (k > 1 && 1 + 2 * 2 + 2 * k * 2 + vlans > room())
        k /= 2;
    if (1 + 2 * 2 + 2 * k * 2 + vlans > room())
        return false;
    unsigned nfn = 2 + 2 * k, bus;
    char rp[P], pf[2][P], n[P], mac[18], pfnet[2][P], pfmac[2][18];
    pci_root_port(rp, (nfn + 255) / 256, &bus);
    unsigned vfio_pct = (unsigned[]){ 0, 50, 80, 100 }[below(4)];
    for (unsigned p = 0; p < 2; p++) {
        pci_fn(pf[p], rp, pci_domain, bus, p, &m->pf, NULL);
        pci_fill_eth(pfnet[p], pf[p], m->oui, pfmac[p]);
    }
    for (unsigned p = 0; p < 2; p++) {
        for (unsigned j = 0; j < k; j++) {
            unsigned f = 2 + p * k + j;
            char vf[P];
            bool vfio = chance(vfio_pct);
            pci_fn(vf, rp, pci_domain, bus + f / 256, f % 256, &m->vf, vfio ? "vfio-pci" : NULL);
            pci_sriov_link(pf[p], vf, j);
            if (!vfio) {
                if (chance(10))
                    strcpy(mac, "00:00:00:00:00:00");   /* not set up yet */
                else
                    mac_new(mac, 0x02c0de);
                char name[16];
                net_eth(n, name, vf, mac);
            }
        }
    }
    net_vlans(pfnet[0], pfmac[0], vlans);
    return true;
}

/* A 2- or 4-port NIC; often ports 0 and 1 bonded, VLANs and a bridge on
 * top, as a hypervisor's uplink. */
static bool block_nic(void)
{
    unsigned ports = chance(50) ? 2 : 4;
    if (room() < 1 + 2 * ports + 20)
        return false;
    const pci_id *id = &PCI_NIC[below(2)];
    unsigned bus;
    char rp[P], fn[P], net[4][P], mac[4][18];
    pci_root_port(rp, 1, &bus);
    for (unsigned p = 0; p < ports; p++) {
        pci_fn(fn, rp, pci_domain, bus, p, id, NULL);
        pci_fill_eth(net[p], fn, id->vendor == 0x8086 ? 0xa0369f : 0x00101a, mac[p]);
    }
    if (!chance(60))
        return true;
    static unsigned long bond_ctr, br_ctr;
    char bond[P], name[32];
    snprintf(name, sizeof(name), "bond%lu", bond_ctr++);
    net_if(bond, NULL, name, 1, mac[0], "bond");
    char d[P];
    path_fmt(d, "%s/bonding", bond);
    bool lacp = chance(50);
    attr(d, "mode", "%s", lacp ? "802.3ad 4" : "active-backup 1");
    attr(d, "slaves", "%s %s", base(net[0]), base(net[1]));
    for (int s = 0; s < 2; s++) {
        /* bond_enslave gives the slaves the bond's address */
        attr(net[s], "address", "%s", mac[0]);
        lnkf(bond, "%s/master", net[s]);
        net_stack(bond, net[s]);
    }
    if (chance(60))
        net_vlans(bond, mac[0], between(1, 8));
    if (chance(50)) {
        char br[P];
        snprintf(name, sizeof(name), "br%lu", br_ctr++);
        net_bridge(br, name, mac[0]);
        net_port(br, bond);
    }
    return true;
}

/* A dual-port FC HBA, NPIV-capable: per port a few remote array ports
 * with many LUNs, and vports whose vHBAs see a few LUNs of their own. */
static bool block_fc(void)
{
    static const unsigned lunsets[] = { 4, 8, 16, 32, 32, 64, 64, 128, 256 };
    if (room() < 12)
        return false;
    const fc_model *m = &FC[below(2)];
    unsigned bus;
    char rp[P], fn[2][P];
    pci_root_port(rp, 1, &bus);
    for (unsigned p = 0; p < 2; p++)
        pci_fn(fn[p], rp, pci_domain, bus, p, &m->fn, NULL);
    uint64_t fabric[2] = { 0x100000051e000000ULL | (rnd() & 0xffffff),
                           0x100000051e000000ULL | (rnd() & 0xffffff) };
    for (unsigned p = 0; p < 2; p++) {
        unsigned share = (unsigned)(room() / (2 - p));
        unsigned rports = between(1, 4), luns = lunsets[below(9)];
        unsigned vports = chance(50) ? between(1, 8) : 0, vluns = between(1, 16);
        while (1 + rports * (luns + 1) + vports * (2 + vluns) > share && luns > 1)
            luns /= 2;
        while (1 + rports * (luns + 1) + vports * (2 + vluns) > share && vports)
            vports--;
        while (1 + rports * (luns + 1) > share && rports > 1)
            rports--;
        if (1 + rports * (luns + 1) > share)
            break;
        char host[P];
        uint64_t n = ++wwn_ctr;
        unsigned h = scsi_host(host, fn[p]);
        bool offline = chance(10);
        fc_host(host, h, m->wwn_base + n, m->wwn_base - (1ULL << 60) + n,
                offline ? ~0ULL : fabric[p], m->npiv_max, vports);
        for (unsigned r = 0; r < rports && !offline; r++)
            fc_target_luns(host, h, r, luns);
        for (unsigned v = 0; v < vports; v++) {
            char vp[P], vname[64], cls[P], vhost[P];
            snprintf(vname, sizeof(vname), "vport-%u:0-%u", h, v);
            path_fmt(vp, "%s/%s", host, vname);
            mkdirs(vp);
            put_raw(vp, "uevent", 0644, "", 0);
            class_dev(cls, vp, "fc_vports", vname);
            uint64_t vn = ++wwn_ctr;
            unsigned vh = scsi_host(vhost, vp);
            n_vhba++;
            fc_host(vhost, vh, 0x5001a4a000000000ULL + (vn << 4),
                    0x5001a4a000000001ULL + (vn << 4), fabric[p], 0, 0);
            if (!offline)
                fc_target_luns(vhost, vh, 0, vluns);
        }
    }
    return true;
}

/* A SAS HBA with direct-attached disks (port/end_device/target/LUN). */
static bool block_sas(void)
{
    if (room() < 6)
        return false;
    unsigned disks = between(4, 24);
    while (2 + 1 + disks > room())
        disks--;
    unsigned bus;
    char rp[P], fn[P], host[P];
    pci_root_port(rp, 1, &bus);
    pci_fn(fn, rp, pci_domain, bus, 0, &PCI_SAS, NULL);
    unsigned h = scsi_host(host, fn);
    for (unsigned i = 0; i < disks; i++) {
        char port[P], end[P], cls[P], t[P], name[64];
        snprintf(name, sizeof(name), "port-%u:%u", h, i);
        path_fmt(port, "%s/%s", host, name);
        mkdirs(port);
        put_raw(port, "uevent", 0644, "", 0);
        class_dev(cls, port, "sas_port", name);
        snprintf(name, sizeof(name), "end_device-%u:%u", h, i);
        path_fmt(end, "%s/%s", port, name);
        mkdirs(end);
        put_raw(end, "uevent", 0644, "", 0);
        class_dev(cls, end, "sas_end_device", name);
        scsi_target(t, end, h, 0, i);
        bool ssd = chance(50);
        scsi_lun(t, h, 0, i, 0, 0, ssd ? "ATA" : "SEAGATE",
                 ssd ? "SAMSUNG MZ7LH960" : "ST4000NM0025");
    }
    return true;
}

/* A PCIe switch (upstream port, downstream ports) with an NVMe drive
 * behind each downstream port. */
static bool block_nvme(void)
{
    unsigned drives = between(2, 8);
    if (room() < 1 + 1 + 2 * drives)
        return false;
    unsigned bus;
    char rp[P], up[P];
    pci_root_port(rp, 2 + drives, &bus);
    pci_fn(up, rp, pci_domain, bus, 0, &PCI_SWITCH, NULL);
    const pci_id *nvme = &PCI_NVME[below(2)];
    for (unsigned i = 0; i < drives; i++) {
        char down[P], d[P];
        pci_fn(down, up, pci_domain, bus + 1, (i + 1) << 3, &PCI_SWITCH, NULL);
        pci_fn(d, down, pci_domain, bus + 2 + i, 0, nvme, NULL);
    }
    return true;
}

static bool block_usb(void)
{
    if (room() < 12)
        return false;
    unsigned bus;
    char rp[P], fn[P];
    pci_root_port(rp, 1, &bus);
    pci_fn(fn, rp, pci_domain, bus, 0, &PCI_XHCI_ADDON, NULL);
    usb_tree(fn);
    return true;
}

/* A hypervisor's VM bridge with taps, or a container bridge with veths. */
static bool block_virt(void)
{
    static unsigned long vbr_ctr, dbr_ctr;
    unsigned n = between(2, 32);
    if (room() < 3)
        return false;
    while (1 + n > room())
        n--;
    char br[P], name[32], mac[18];
    bool vms = chance(60);
    if (vms)
        snprintf(name, sizeof(name), "virbr%lu", vbr_ctr++);
    else
        snprintf(name, sizeof(name), "docker%lu", dbr_ctr++);
    mac_new(mac, vms ? 0x525400 : 0x0242ac);
    net_bridge(br, name, mac);
    for (unsigned i = 0; i < n; i++) {
        if (vms)
            net_tap(br);
        else
            net_veth(br);
    }
    return true;
}

/* The chipset: host bridge function, LPC, SMBus, AHCI (six ports, an SSD
 * and a DVD drive), xHCI with the BMC's virtual keyboard, a BMC VGA
 * behind a root port, a wifi card, lo, a tun, DMI. */
static void block_base(void)
{
    char hb[P], fn[P], d[P], t[P];
    pci_new_domain();
    host_bridge_path(hb, 0);
    pci_fn(fn, hb, 0, 0, 0, &PCI_HOSTBR, NULL);
    pci_fn(fn, hb, 0, 0, 0x1f << 3, &PCI_LPC, NULL);
    pci_fn(fn, hb, 0, 0, (0x1f << 3) | 4, &PCI_SMBUS, NULL);
    char ahci[P];
    pci_fn(ahci, hb, 0, 0, (0x1f << 3) | 2, &PCI_AHCI, NULL);
    for (unsigned i = 1; i <= 6; i++) {
        char ata[P], cls[P], name[16], host[P];
        snprintf(name, sizeof(name), "ata%u", i);
        path_fmt(ata, "%s/%s", ahci, name);
        mkdirs(ata);
        put_raw(ata, "uevent", 0644, "", 0);
        class_dev(cls, ata, "ata_port", name);
        unsigned h = scsi_host(host, ata);
        if (i <= 2) {
            scsi_target(t, host, h, 0, 0);
            scsi_lun(t, h, 0, 0, 0, i == 1 ? 0 : 5, "ATA", i == 1 ? "INTEL SSDSC2KB48" : "HL-DT-ST DVD+-RW");
        }
    }
    char xhci[P];
    pci_fn(xhci, hb, 0, 0, 0x14 << 3, &PCI_XHCI, NULL);
    {
        unsigned long bus = usb_bus_ctr++;
        char name[32], ifp[P];
        unsigned devnum = 1;
        snprintf(name, sizeof(name), "usb%lu", bus);
        usb_dev(d, xhci, name, bus, devnum++, &USB_RH2, base(xhci));
        usb_if(ifp, d, name, 0, &USB_RH2, &USB_RH2.ifs[0]);
        char kbd[32];
        snprintf(kbd, sizeof(kbd), "%lu-1", bus);
        usb_place(d, kbd, bus, &devnum, &USB_DEVS[2], 0);
        bus = usb_bus_ctr++;
        snprintf(name, sizeof(name), "usb%lu", bus);
        usb_dev(d, xhci, name, bus, 1, &USB_RH3, base(xhci));
        usb_if(ifp, d, name, 0, &USB_RH3, &USB_RH3.ifs[0]);
    }
    unsigned bus;
    char rp[P], mac[18], net[P];
    pci_root_port(rp, 1, &bus);
    pci_fn(fn, rp, 0, bus, 0, &PCI_VGA, NULL);
    pci_root_port(rp, 1, &bus);
    pci_fn(fn, rp, 0, bus, 0, &PCI_WIFI, NULL);
    {
        char phy[P], wl[P];
        mac_new(mac, 0x7c5079);
        path_fmt(phy, "%s/ieee80211/phy0", fn);
        mkdirs(phy);
        put_raw(phy, "uevent", 0644, "", 0);
        lnkf("sys/class/ieee80211", "%s/subsystem", phy);
        lnkf(fn, "%s/device", phy);
        lnkf(phy, "sys/class/ieee80211/phy0");
        net_if(wl, fn, "wlan0", 1, mac, "wlan");
        lnkf(phy, "%s/phy80211", wl);
    }
    net_if(net, NULL, "lo", 772, "00:00:00:00:00:00", NULL);
    net_if(net, NULL, "tun0", 65534, "", "tun");

    const char *dmi = "sys/devices/virtual/dmi/id";
    mkdirs(dmi);
    attr(dmi, "sys_vendor", "Supermicro");
    attr(dmi, "product_name", "SYS-2029U-TR4");
    attr(dmi, "product_version", "0123456789");
    attr(dmi, "product_serial", "S%08" PRIu64, rnd() % 100000000u);
    attr(dmi, "product_uuid", "00000000-0000-0000-0000-%012" PRIx64, (uint64_t)(rnd() & 0xffffffffffffULL));
    attr(dmi, "bios_vendor", "American Megatrends Inc.");
    attr(dmi, "bios_version", "3.4");
    attr(dmi, "bios_date", "10/27/2020");
    static const char modalias[] =
        "MODALIAS=dmi:bvnAmericanMegatrendsInc.:bvr3.4:bd10/27/2020:svnSupermicro:pnSYS-2029U-TR4:\n";
    put_raw(dmi, "uevent", 0644, modalias, sizeof(modalias) - 1);
    lnkf("sys/class/dmi", "%s/subsystem", dmi);
    lnkf(dmi, "sys/class/dmi/id");
}

static void usage(void)
{
    fputs("usage: gen --devices N --seed S DIR\n"
          "  writes a synthetic sysfs root of N nodedev devices into DIR (new or empty)\n",
          stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    unsigned long n = 0;
    uint64_t seed = 1;
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--devices") == 0 && i + 1 < argc)
            n = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (argv[i][0] == '-' || dir)
            usage();
        else
            dir = argv[i];
    }
    if (!dir || n < 64)
        usage();   /* the base block alone is about 40 devices */
    target_devs = n;
    rng = seed;
    umask(0);
    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        die("mkdir %s: %s", dir, strerror(errno));
    rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        die("open %s: %s", dir, strerror(errno));
    if (faccessat(rootfd, "sys", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
        die("%s already holds a sys/", dir);

    block_base();
    /* weights chosen for a mix of, at 100k devices, about a third SR-IOV
     * functions and their net devices, a third FC/SAS LUNs, the rest USB,
     * NICs, NVMe and virtual networks */
    static const struct { bool (*fn)(void); unsigned weight; } blocks[] = {
        { block_sriov, 24 }, { block_fc, 13 }, { block_sas, 25 }, { block_nvme, 30 },
        { block_usb, 32 }, { block_nic, 45 }, { block_virt, 59 },
    };
    unsigned total = 0;
    for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
        total += blocks[i].weight;
    unsigned fails = 0;
    while (room() > 0 && fails < 64) {
        unsigned w = below(total);
        size_t i = 0;
        while (w >= blocks[i].weight)
            w -= blocks[i++].weight;
        fails = blocks[i].fn() ? 0 : fails + 1;
    }
    /* the last few: VM taps on a bridge of their own */
    if (room() > 0) {
        char br[P], mac[18];
        mac_new(mac, 0x525400);
        net_bridge(br, "virbr-fill", mac);
        while (room() > 0)
            net_tap(br);
    }

    if (n_vlan) {
        sbuf b = { 0 };
        sb_add(&b, "VLAN Dev name\t | VLAN ID\nName-Type: VLAN_NAME_TYPE_RAW_PLUS_VID_NO_PAD\n");
        sb_add(&b, "%.*s", (int)vlan_config.len, vlan_config.s ? vlan_config.s : "");
        sb_put(&b, "proc/net/vlan", "config");
        free(b.s);
    }
    free(vlan_config.s);
    fprintf(stderr,
            "gen: %lu devices (computer, %lu PCI, %lu USB devices, %lu USB interfaces, "
            "%lu SCSI hosts of which %lu vHBAs, %lu LUNs, %lu net of which %lu VLANs); "
            "%lu files, %lu links, %lu dirs, %lu udev db entries\n",
            ndev, n_pci, n_usb, n_usbif, n_host, n_vhba, n_lun, n_net, n_vlan, n_files, n_links,
            n_dirs, n_udevdb);
    close(rootfd);
    return 0;
}

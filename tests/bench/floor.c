/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * floor [--mirror] [-v] ROOT: the I/O floor of a nodedev scan (issue 8).
 *
 * Opens and reads the files nodedev reads on the same tree, lists the
 * directories it lists and reads the links it reads, with the same kind of
 * system call for each (openat2 below the root with the same resolve flags,
 * fstat, read to end of file, readlinkat, getdents64 through readdir,
 * O_PATH opens for existence checks) — and builds nothing: no model, no
 * names, no XML. It decides what to read exactly as the probes do (a USB
 * name from usb.ids or else the device's own string, the link type of a
 * net device, DEVTYPE from uevent …), so it needs the same few facts.
 *
 * By default every object is touched once: what nodedev does twice (the
 * check that a device is still there after its probe, pci.ids per
 * vendor) counts once. That is the floor the benchmark compares against.
 *
 * --mirror repeats those too, so the floor makes the same system calls as
 * nodedev (check.sh compares both under strace): nodedev against the
 * mirror is its user-space cost, the mirror against the floor the cost of
 * its redundant system calls.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef ND_USB_IDS
#define ND_USB_IDS "/usr/share/misc/usb.ids"
#endif
#ifndef ND_PCI_IDS
#define ND_PCI_IDS "/usr/share/misc/pci.ids"
#endif

#define ATTR_MAX 4096               /* as nodedev: sysfs's page */
#define UDEVDB_MAX (64 * 1024)
#define VLAN_MAX (1024 * 1024)

static int rootfd;
static bool mirror, verbose;
static unsigned long st_files, st_absent, st_links, st_dirs, st_checks, st_devs;

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fputs("floor: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

static char *xstrdup(const char *s)
{
    return strcpy(xmalloc(strlen(s) + 1), s);
}

/* ---- the system calls, as nodedev makes them --------------------------- */

static int o2(int dirfd, const char *path, int flags, unsigned long long resolve)
{
    struct open_how how = {
        .flags = (unsigned long long)(flags | O_CLOEXEC),
        .resolve = resolve,
    };
    long fd;
    int tries = 0;
    do   /* EAGAIN: a rename somewhere raced with a ".." step; retry */
        fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
    while (fd < 0 && errno == EAGAIN && ++tries < 64);
    return fd < 0 ? -errno : (int)fd;
}

/* open, fstat, read to end of file (at most max bytes), close */
static int rd(int dirfd, const char *rel, bool follow, char *buf, size_t max)
{
    int fd = o2(dirfd, rel, O_RDONLY | O_NONBLOCK,
                RESOLVE_BENEATH | (follow ? 0 : RESOLVE_NO_SYMLINKS));
    if (fd < 0) {
        st_absent++;
        return fd;
    }
    struct stat st;
    int r = 0;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & S_IRUSR)) {
        r = -ENOENT;
    } else {
        size_t len = 0;
        while (len < max) {
            ssize_t n = read(fd, buf + len, max - len);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            len += (size_t)n;
        }
        buf[len] = '\0';
        r = (int)len;
    }
    close(fd);
    st_files++;
    return r;
}

/* an attribute of the device dir, first line, trailing blanks cut */
static int attr(int dirfd, const char *rel, char *buf)
{
    int r = rd(dirfd, rel, false, buf, ATTR_MAX);
    if (r < 0)
        return r;
    buf[strcspn(buf, "\n")] = '\0';
    size_t n = strlen(buf);
    while (n && strchr(" \t\r\v\f", buf[n - 1]))
        buf[--n] = '\0';
    return (int)n;
}

static bool check(int dirfd, const char *path, unsigned long long resolve)
{
    int fd = o2(dirfd, path, O_PATH, resolve);
    st_checks++;
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

/* ---- a set of strings: the objects already touched ----------------------- */

typedef struct strset {
    char **slot;
    size_t cap, n;
} strset;

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* true when s was not in the set (and is now) */
static bool set_add(strset *set, const char *s)
{
    if (2 * (set->n + 1) > set->cap) {
        strset bigger = { calloc(set->cap ? set->cap * 2 : 1024, sizeof(char *)),
                          set->cap ? set->cap * 2 : 1024, 0 };
        if (!bigger.slot)
            exit(1);
        for (size_t i = 0; i < set->cap; i++)
            if (set->slot[i]) {
                size_t j = hash(set->slot[i]) & (bigger.cap - 1);
                while (bigger.slot[j])
                    j = (j + 1) & (bigger.cap - 1);
                bigger.slot[j] = set->slot[i];
                bigger.n++;
            }
        free(set->slot);
        *set = bigger;
    }
    size_t j = hash(s) & (set->cap - 1);
    for (; set->slot[j]; j = (j + 1) & (set->cap - 1))
        if (strcmp(set->slot[j], s) == 0)
            return false;
    set->slot[j] = xstrdup(s);
    set->n++;
    return true;
}

static strset checked;

/* An existence check of a root-relative path that many devices link to
 * (a driver directory, an IOMMU group): once (nodedev too checks each
 * once per scan). */
static bool check_once(const char *path)
{
    if (!set_add(&checked, path))
        return true;
    return check(rootfd, path, RESOLVE_BENEATH);
}

/* ---- paths and links ----------------------------------------------------- */

/* dir + "/" + rel, lexically normalised ("." dropped, ".." applied);
 * false when it climbs out of the root */
static bool join(const char *dir, const char *rel, char *out)
{
    size_t len = 0;
    const char *parts[2] = { dir, rel };
    out[0] = '\0';
    for (int i = 0; i < 2; i++) {
        for (const char *s = parts[i]; *s;) {
            size_t n = strcspn(s, "/");
            if (n == 2 && s[0] == '.' && s[1] == '.') {
                if (!len)
                    return false;
                char *slash = memrchr(out, '/', len);
                len = slash ? (size_t)(slash - out) : 0;
            } else if (n && !(n == 1 && s[0] == '.')) {
                if (len + n + 2 >= PATH_MAX)
                    return false;
                if (len)
                    out[len++] = '/';
                memcpy(out + len, s, n);
                len += n;
            }
            s += n;
            if (*s)
                s++;
        }
    }
    out[len] = '\0';
    return len > 0;
}

/* readlinkat and the root-relative target; the target checked (O_PATH)
 * when `verify` (nodedev checks every link it resolves; the floor only
 * those whose target it does not open anyway). */
static bool link_target(int dirfd, const char *dir, const char *rel, char *out, bool verify)
{
    char t[PATH_MAX];
    ssize_t n = readlinkat(dirfd, rel, t, sizeof(t) - 1);
    st_links++;
    if (n < 0)
        return false;
    t[n] = '\0';
    if (t[0] == '/' || !join(dir, t, out))
        return false;
    return !verify || check(rootfd, out, RESOLVE_BENEATH);
}

/* ---- directory listings ------------------------------------------------- */

typedef struct strv {
    char **v;
    size_t n, cap;
} strv;

static void strv_free(strv *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the sorted entries of dirfd/rel, as nodedev lists them */
static int list(int dirfd, const char *rel, bool follow, strv *out)
{
    int fd = o2(dirfd, rel, O_RDONLY | O_DIRECTORY,
                RESOLVE_BENEATH | (follow ? 0 : RESOLVE_NO_SYMLINKS));
    st_dirs++;
    if (fd < 0)
        return fd;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return -errno;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 16;
            out->v = realloc(out->v, out->cap * sizeof(char *));
            if (!out->v)
                exit(1);
        }
        out->v[out->n++] = xstrdup(de->d_name);
    }
    closedir(d);
    qsort(out->v, out->n, sizeof(char *), cmp_str);
    return 0;
}

/* ---- the few facts that decide what to read ------------------------------- */

/* value of KEY in "prefixKEY=VALUE" lines, into out; false when absent */
static bool line_get(const char *text, const char *prefix, const char *key, char *out,
                     size_t cap)
{
    size_t pl = strlen(prefix), kl = strlen(key);
    for (const char *l = text; l && *l;) {
        const char *end = strchrnul(l, '\n');
        if (strncmp(l, prefix, pl) == 0 && strncmp(l + pl, key, kl) == 0 &&
            l[pl + kl] == '=') {
            size_t n = (size_t)(end - (l + pl + kl + 1));
            if (n >= cap)
                n = cap - 1;
            memcpy(out, l + pl + kl + 1, n);
            out[n] = '\0';
            return true;
        }
        l = *end ? end + 1 : NULL;
    }
    return false;
}

/* usb.ids: which vendors and vendor:product pairs have a name */
static uint8_t usb_vendor_known[65536 / 8];
static uint32_t *usb_products;
static size_t usb_nproducts;
static bool usb_loaded;

/* the whole file, read `chunk` bytes at a time (0: as much as fits, as
 * stdio's fread into a big buffer does) */
static char *slurp(const char *path, size_t chunk, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t cap = 1 << 20, n = 0;
    char *s = xmalloc(cap + 1);
    for (;;) {
        if (cap - n < 65536) {
            s = realloc(s, (cap *= 2) + 1);
            if (!s)
                exit(1);
        }
        ssize_t r = read(fd, s + n, chunk ? chunk : cap - n);
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    s[n] = '\0';
    *len = n;
    return s;
}

static int hexval(const char *s, int digits)
{
    int v = 0;
    for (int i = 0; i < digits; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void usb_load(void)
{
    size_t len, cap = 0;
    usb_loaded = true;
    char *text = slurp(ND_USB_IDS, 0, &len);
    if (!text)
        return;
    int vendor = -1;
    for (char *l = text; l && *l;) {
        char *end = strchrnul(l, '\n');
        if (l[0] == 'C' && l[1] == ' ')
            break;
        if (l[0] != '#' && l[0] != '\t' && end - l > 6) {
            vendor = hexval(l, 4);
            if (vendor >= 0 && (l[4] == ' ' || l[4] == '\t'))
                usb_vendor_known[vendor / 8] |= (uint8_t)(1u << (vendor % 8));
            else
                vendor = -1;
        } else if (l[0] == '\t' && l[1] != '\t' && vendor >= 0 && end - l > 7) {
            int p = hexval(l + 1, 4);
            if (p >= 0) {
                if (usb_nproducts == cap) {
                    cap = cap ? cap * 2 : 16384;
                    usb_products = realloc(usb_products, cap * sizeof(uint32_t));
                    if (!usb_products)
                        exit(1);
                }
                usb_products[usb_nproducts++] = (uint32_t)vendor << 16 | (uint32_t)p;
            }
        }
        l = *end ? end + 1 : NULL;
    }
    qsort(usb_products, usb_nproducts, sizeof(uint32_t), cmp_u32);
    free(text);
}

static bool usb_known(unsigned long vendor, unsigned long product, bool want_product)
{
    if (!usb_loaded)
        usb_load();
    if (vendor > 0xffff || product > 0xffff)
        return false;
    if (!want_product)
        return usb_vendor_known[vendor / 8] & (1u << (vendor % 8));
    uint32_t k = (uint32_t)(vendor << 16 | product);
    return bsearch(&k, usb_products, usb_nproducts, sizeof(k), cmp_u32) != NULL;
}

/* pci.ids: nodedev asks libpciaccess, which reads the file once per vendor
 * it has not seen; the floor reads it once. */
static strset pci_vendors;
static bool pci_read;

static void pci_lookup(unsigned long vendor)
{
    char key[16];
    snprintf(key, sizeof(key), "%04lx", vendor);
    if (!set_add(&pci_vendors, key) || (!mirror && pci_read))
        return;
    size_t len;
    free(slurp(ND_PCI_IDS, 16384, &len));   /* zlib's gzread chunks */
    pci_read = true;
}

/* proc/net/vlan/config: whether the interface has a line ("name | id |
 * device") and whether that line names its lower device */
static char *vlan_text;
static bool vlan_loaded;

static bool vlan_listed(const char *ifname, bool *has_lower)
{
    if (!vlan_loaded) {   /* nodedev too reads it once per scan */
        char *buf = xmalloc(VLAN_MAX + 1);
        if (rd(rootfd, "proc/net/vlan/config", true, buf, VLAN_MAX) < 0)
            buf[0] = '\0';
        free(vlan_text);
        vlan_text = buf;
        vlan_loaded = true;
    }
    size_t n = strlen(ifname);
    *has_lower = false;
    for (const char *l = vlan_text; n && *l;) {
        const char *end = strchrnul(l, '\n');
        const char *s = l + n;
        if ((size_t)(end - l) > n && strncmp(l, ifname, n) == 0) {
            s += strspn(s, " \t");
            if (*s == '|') {
                const char *bar = memchr(s + 1, '|', (size_t)(end - s - 1));
                if (bar) {
                    const char *w = bar + 1 + strspn(bar + 1, " \t");
                    size_t wl = (size_t)(end - w);
                    while (wl && strchr(" \t\r", w[wl - 1]))
                        wl--;
                    *has_lower = wl > 0 && strcspn(w, " \t|") >= wl;
                }
                return true;
            }
        }
        l = *end ? end + 1 : end;
    }
    return false;
}

/* ---- one device --------------------------------------------------------- */

/* nodedev's probes in claim order. Block, sound and input entries are
 * listed and resolved as nodedev does, but their probes are not mirrored
 * (issue 8's mix has none of them): -v counts them. */
enum cls { C_PCI, C_USB, C_SCSI_HOST, C_SCSI, C_NET, C_BLOCK, C_SOUND, C_INPUT };

static const struct {
    const char *dir;
    int strip;
} classes[] = {
    [C_PCI] = { "sys/bus/pci/devices", 0 },
    [C_USB] = { "sys/bus/usb/devices", 0 },
    [C_SCSI_HOST] = { "sys/class/scsi_host", 2 },
    [C_SCSI] = { "sys/bus/scsi/devices", 0 },
    [C_NET] = { "sys/class/net", 0 },
    [C_BLOCK] = { "sys/class/block", 0 },
    [C_SOUND] = { "sys/class/sound", 0 },
    [C_INPUT] = { "sys/class/input", 0 },
};
static unsigned long st_unmirrored;

typedef struct dev {
    char *path;
    int cls;
    int order;
} dev;

typedef struct devctx {
    int dirfd;
    const char *path, *name;
    char *uevent;
    bool uevent_loaded;
    char *udevdb;
    bool udevdb_loaded;
} devctx;

static const char *uevent(devctx *d)
{
    if (!d->uevent_loaded) {
        char buf[ATTR_MAX + 1];
        d->uevent_loaded = true;
        if (rd(d->dirfd, "uevent", false, buf, ATTR_MAX) >= 0)
            d->uevent = xstrdup(buf);
    }
    return d->uevent;
}

static bool uevent_get(devctx *d, const char *key, char *out, size_t cap)
{
    const char *u = uevent(d);
    return u && line_get(u, "", key, out, cap);
}

/* the udev database entry, as nodedev picks it (DESIGN §13) */
static const char *udevdb(devctx *d, const char *subsystem)
{
    if (d->udevdb_loaded)
        return d->udevdb;
    d->udevdb_loaded = true;
    char major[64], minor[64], id[256], path[320];
    if (uevent_get(d, "MAJOR", major, sizeof(major)) &&
        uevent_get(d, "MINOR", minor, sizeof(minor)))
        snprintf(id, sizeof(id), "c%s:%s", major, minor);
    else
        snprintf(id, sizeof(id), "+%s:%s", subsystem, d->name);
    if (strchr(id, '/'))
        return NULL;
    snprintf(path, sizeof(path), "run/udev/data/%s", id);
    char *buf = xmalloc(UDEVDB_MAX + 1);
    if (rd(rootfd, path, true, buf, UDEVDB_MAX) >= 0)
        d->udevdb = buf;
    else
        free(buf);
    return d->udevdb;
}

static bool prop(devctx *d, const char *subsystem, const char *key)
{
    char v[8];
    const char *db = udevdb(d, subsystem);
    return db && line_get(db, "E:", key, v, sizeof(v)) && v[0];
}

static bool hexattr(devctx *d, const char *rel, unsigned long *out)
{
    char buf[ATTR_MAX + 1];
    if (attr(d->dirfd, rel, buf) < 0)
        return false;
    char *end;
    errno = 0;
    *out = strtoul(buf, &end, 16);
    return *end == '\0' && buf[0] && !errno;
}

static bool probe_pci(devctx *d)
{
    unsigned long vendor, device;
    if (!hexattr(d, "vendor", &vendor) || !hexattr(d, "device", &device))
        return false;
    if (!prop(d, "pci", "ID_VENDOR_FROM_DATABASE"))
        pci_lookup(vendor);
    if (!prop(d, "pci", "ID_MODEL_FROM_DATABASE"))
        pci_lookup(vendor);
    char t[PATH_MAX];
    if (link_target(d->dirfd, d->path, "iommu_group", t, false))
        check_once(t);
    return true;
}

static bool probe_usb(devctx *d)
{
    char devtype[64], buf[ATTR_MAX + 1];
    if (uevent_get(d, "DEVTYPE", devtype, sizeof(devtype)) &&
        strcmp(devtype, "usb_device") != 0 && strcmp(devtype, "usb_interface") != 0)
        return false;
    if (strchr(d->name, ':')) {
        unsigned long v;
        if (!hexattr(d, "bInterfaceNumber", &v))
            return false;
        attr(d->dirfd, "bInterfaceClass", buf);
        attr(d->dirfd, "bInterfaceSubClass", buf);
        attr(d->dirfd, "bInterfaceProtocol", buf);
        return true;
    }
    unsigned long vendor, product;
    if (!hexattr(d, "idVendor", &vendor) || !hexattr(d, "idProduct", &product))
        return false;
    attr(d->dirfd, "serial", buf);
    if (!prop(d, "usb", "ID_VENDOR_FROM_DATABASE") && !usb_known(vendor, 0, false))
        attr(d->dirfd, "manufacturer", buf);
    if (!prop(d, "usb", "ID_MODEL_FROM_DATABASE") && !usb_known(vendor, product, true))
        attr(d->dirfd, "product", buf);
    if (attr(d->dirfd, "busnum", buf) >= 0)
        attr(d->dirfd, "devnum", buf);
    return true;
}

static bool probe_scsi_host(devctx *d)
{
    char *end;
    if (strncmp(d->name, "host", 4) != 0)
        return false;
    unsigned long h = strtoul(d->name + 4, &end, 10);
    if (*end)
        return false;
    char p[PATH_MAX], buf[ATTR_MAX + 1];
    snprintf(p, sizeof(p), "sys/class/fc_host/host%lu", h);
    if (!check(rootfd, p, RESOLVE_BENEATH))
        return true;
    static const char *const files[] = { "node_name", "port_name", "fabric_name" };
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof(p), "fc_host/host%lu/%s", h, files[i]);
        attr(d->dirfd, p, buf);
    }
    snprintf(p, sizeof(p), "%s/fc_host/host%lu/vport_create", d->path, h);
    if (check(rootfd, p, RESOLVE_BENEATH)) {
        snprintf(p, sizeof(p), "fc_host/host%lu/max_npiv_vports", h);
        attr(d->dirfd, p, buf);
        snprintf(p, sizeof(p), "fc_host/host%lu/npiv_vports_inuse", h);
        attr(d->dirfd, p, buf);
    }
    return true;
}

static bool probe_scsi(devctx *d)
{
    char devtype[64], buf[ATTR_MAX + 1];
    if (uevent_get(d, "DEVTYPE", devtype, sizeof(devtype)) && strcmp(devtype, "scsi_device") != 0)
        return false;
    unsigned a, b, c, l;
    char tail;
    if (sscanf(d->name, "%u:%u:%u:%u%c", &a, &b, &c, &l, &tail) != 4)
        return false;
    attr(d->dirfd, "type", buf);
    attr(d->dirfd, "vendor", buf);
    attr(d->dirfd, "model", buf);
    return true;
}

static bool net_exists(const char *name)
{
    char p[PATH_MAX];
    snprintf(p, sizeof(p), "sys/class/net/%s", name);
    return check(rootfd, p, RESOLVE_BENEATH);
}

static bool dev_exists(devctx *d, const char *rel)
{
    char p[PATH_MAX];
    snprintf(p, sizeof(p), "%s/%s", d->path, rel);
    return check(rootfd, p, RESOLVE_BENEATH);
}

static bool probe_net(devctx *d)
{
    char buf[ATTR_MAX + 1];
    attr(d->dirfd, "address", buf);
    char *end;
    if (attr(d->dirfd, "type", buf) <= 0)
        return true;
    unsigned long type = strtoul(buf, &end, 10);
    if (*end || type != 1)
        return true;
    if (dev_exists(d, "phy80211") || dev_exists(d, "wireless"))
        return true;
    if (dev_exists(d, "bridge")) {
        strv ports = { 0 };
        if (list(d->dirfd, "brif", false, &ports) == 0)
            for (size_t i = 0; i < ports.n; i++)
                net_exists(ports.v[i]);
        strv_free(&ports);
        return true;
    }
    if (dev_exists(d, "bonding")) {
        attr(d->dirfd, "bonding/mode", buf);
        if (attr(d->dirfd, "bonding/slaves", buf) > 0)
            for (char *save, *w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
                net_exists(w);
        return true;
    }
    char devtype[64];
    bool is_vlan = uevent_get(d, "DEVTYPE", devtype, sizeof(devtype)) &&
                   strcmp(devtype, "vlan") == 0;
    bool has_lower = false;
    if (vlan_listed(d->name, &has_lower))
        is_vlan = true;
    if (is_vlan && !has_lower) {
        strv all = { 0 };
        if (list(d->dirfd, ".", false, &all) == 0) {
            const char *lower = NULL;
            int n = 0;
            for (size_t i = 0; i < all.n; i++)
                if (strncmp(all.v[i], "lower_", 6) == 0 && n++ == 0)
                    lower = all.v[i];
            char t[PATH_MAX];
            if (lower)
                link_target(d->dirfd, d->path, lower, t, mirror);
        }
        strv_free(&all);
    }
    return true;
}

static void probe(const dev *v)
{
    devctx d = { .path = v->path, .name = strrchr(v->path, '/') + 1 };
    d.dirfd = o2(rootfd, v->path, O_PATH | O_DIRECTORY, RESOLVE_BENEATH);
    if (d.dirfd < 0)
        return;
    char t[PATH_MAX];
    if (link_target(d.dirfd, d.path, "driver", t, false))
        check_once(t);
    bool ok = false;
    switch (v->cls) {
    case C_PCI: ok = probe_pci(&d); break;
    case C_USB: ok = probe_usb(&d); break;
    case C_SCSI_HOST: ok = probe_scsi_host(&d); break;
    case C_SCSI: ok = probe_scsi(&d); break;
    case C_NET: ok = probe_net(&d); break;
    default: st_unmirrored++; break;
    }
    if (ok) {
        st_devs++;
        /* nodedev: is the path still the directory that was read? (the
         * floor looks at the directory's identity once, without the walk) */
        struct stat now, then;
        if (mirror) {
            int fd = o2(rootfd, d.path, O_PATH | O_DIRECTORY, RESOLVE_BENEATH);
            st_checks++;
            if (fd >= 0) {
                fstat(fd, &now);
                fstat(d.dirfd, &then);
                close(fd);
            }
        } else {
            fstat(d.dirfd, &then);
        }
    }
    free(d.uevent);
    free(d.udevdb);
    close(d.dirfd);
}

static int cmp_dev(const void *a, const void *b)
{
    const dev *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : x->order - y->order;
}

int main(int argc, char **argv)
{
    const char *root = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--mirror") == 0)
            mirror = true;
        else if (strcmp(argv[i], "-v") == 0)
            verbose = true;
        else if (argv[i][0] == '-' || root) {
            fputs("usage: floor [--mirror] [-v] ROOT\n", stderr);
            return 2;
        } else
            root = argv[i];
    }
    if (!root) {
        fputs("usage: floor [--mirror] [-v] ROOT\n", stderr);
        return 2;
    }
    rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int sys = rootfd < 0 ? -1 : o2(rootfd, "sys", O_PATH | O_DIRECTORY, RESOLVE_BENEATH);
    if (sys < 0) {
        fprintf(stderr, "floor: %s is no root with sys/\n", root);
        return 1;
    }
    close(sys);

    /* the bus and class entries, in claim order */
    dev *devs = NULL;
    size_t ndevs = 0, cap = 0;
    int order = 0;
    for (size_t c = 0; c < sizeof(classes) / sizeof(classes[0]); c++) {
        strv names = { 0 };
        if (list(rootfd, classes[c].dir, true, &names) < 0)
            continue;
        int dirfd = o2(rootfd, classes[c].dir, O_PATH | O_DIRECTORY, RESOLVE_BENEATH);
        for (size_t i = 0; dirfd >= 0 && i < names.n; i++) {
            char t[PATH_MAX];
            /* a target with strip 0 is the device dir, opened later */
            if (!link_target(dirfd, classes[c].dir, names.v[i], t, classes[c].strip))
                continue;
            for (int s = 0; s < classes[c].strip; s++) {
                char *slash = strrchr(t, '/');
                if (slash)
                    *slash = '\0';
            }
            if (strncmp(t, "sys/devices/", 12) != 0)
                continue;
            if (ndevs == cap) {
                cap = cap ? cap * 2 : 1024;
                devs = realloc(devs, cap * sizeof(*devs));
                if (!devs)
                    return 1;
            }
            devs[ndevs++] = (dev){ xstrdup(t), (int)c, order++ };
        }
        if (dirfd >= 0)
            close(dirfd);
        strv_free(&names);
    }

    /* computer: DMI */
    static const char *const dmi[] = {
        "sys_vendor", "product_name", "product_version", "product_serial", "product_uuid",
        "bios_vendor", "bios_version", "bios_date",
    };
    for (size_t i = 0; i < sizeof(dmi) / sizeof(dmi[0]); i++) {
        char p[64], buf[ATTR_MAX + 1];
        snprintf(p, sizeof(p), "sys/class/dmi/id/%s", dmi[i]);
        rd(rootfd, p, true, buf, ATTR_MAX);
    }

    /* in path order; a path claimed twice is probed once, by its first class */
    if (ndevs)
        qsort(devs, ndevs, sizeof(*devs), cmp_dev);
    for (size_t i = 0; i < ndevs; i++)
        if (i == 0 || strcmp(devs[i].path, devs[i - 1].path) != 0)
            probe(&devs[i]);

    if (verbose)
        fprintf(stderr,
                "floor%s: %lu devices (+ computer), %lu files read, %lu absent, %lu links, "
                "%lu dirs listed, %lu O_PATH checks; %lu block/sound/input entries not probed\n",
                mirror ? " --mirror" : "", st_devs, st_files, st_absent, st_links, st_dirs,
                st_checks, st_unmirrored);
    for (size_t i = 0; i < ndevs; i++)
        free(devs[i].path);
    free(devs);
    free(vlan_text);
    close(rootfd);
    return 0;
}

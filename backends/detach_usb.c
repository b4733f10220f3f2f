/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * USB passthrough (DESIGN §9): take the drivers off a USB device's
 * interfaces and give them back. The device itself stays with the generic
 * "usb" driver, which is what usbfs (and so a VM) needs. On the live host
 * libusb does it (usbfs' disconnect/connect); on any other root, a
 * fixture, the interfaces' driver/unbind and the bus's drivers_probe do.
 * Either way the result is read back from sysfs.
 */
#include <dirent.h>
#include <errno.h>
#include <libusb.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "detach.h"

#define ND_USB_PROBE "sys/bus/usb/drivers_probe"

typedef struct nd_usb_iface {
    char *path;             /* root-relative */
    const char *name;       /* "1-2:1.0" */
    char *drv_dir;          /* bound driver's directory, or NULL */
    unsigned long number;   /* bInterfaceNumber */
} nd_usb_iface;

typedef struct nd_usb {
    const nd_detach_dev *t;
    nd_usb_iface *ifs;
    size_t n;
    /* live host only */
    libusb_context *ctx;
    libusb_device_handle *h;
    char devnode[64];       /* /dev/bus/usb/BBB/DDD, for messages */
} nd_usb;

static int nd_cmp_iface(const void *a, const void *b)
{
    return strcmp(((const nd_usb_iface *)a)->name, ((const nd_usb_iface *)b)->name);
}

static void nd_usb_free(nd_usb *u)
{
    for (size_t i = 0; i < u->n; i++) {
        free(u->ifs[i].path);
        free(u->ifs[i].drv_dir);
    }
    free(u->ifs);
    if (u->h)
        libusb_close(u->h);
    if (u->ctx)
        libusb_exit(u->ctx);
}

/* The device's interfaces (the subdirectories "<dev>:<config>.<n>"), in
 * name order, each with the driver it has now. */
static int nd_usb_list(nd_usb *u)
{
    const nd_detach_dev *t = u->t;
    int fd = nd_root_opendir(t->root->fd, t->path, true);
    DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
    if (!dir) {
        int e = fd < 0 ? -fd : errno;
        if (fd >= 0)
            close(fd);
        return nd_error_errno(e, "cannot %s %s: cannot list /%s", t->verb, t->name,
                              t->path);
    }
    size_t plen = strlen(t->sysname), cap = 0;
    struct dirent *de;
    int rc = 0;
    while (rc == 0 && (de = readdir(dir))) {
        if (strncmp(de->d_name, t->sysname, plen) != 0 || de->d_name[plen] != ':')
            continue;
        if (u->n == cap) {
            cap = cap ? cap * 2 : 8;
            nd_usb_iface *grown = realloc(u->ifs, cap * sizeof(*grown));
            if (!grown) {
                rc = nd_error(ND_ERR_INTERNAL, "out of memory");
                break;
            }
            u->ifs = grown;
        }
        nd_usb_iface *i = &u->ifs[u->n];
        memset(i, 0, sizeof(*i));
        if (asprintf(&i->path, "%s/%s", t->path, de->d_name) < 0) {
            i->path = NULL;
            rc = nd_error(ND_ERR_INTERNAL, "out of memory");
            break;
        }
        u->n++;
        i->name = nd_detach_basename(i->path);
        char buf[ND_ATTR_MAX + 1], *end;
        if (nd_detach_read_attr(t->root, i->path, "bInterfaceNumber", buf) > 0)
            i->number = strtoul(buf, &end, 16);
        int e = nd_detach_driver_of(t->root, i->path, &i->drv_dir);
        if (e < 0)
            rc = nd_error_errno(-e, "cannot %s %s: cannot read /%s/driver", t->verb,
                                t->name, i->path);
    }
    closedir(dir);
    if (rc == 0 && u->n)
        qsort(u->ifs, u->n, sizeof(*u->ifs), nd_cmp_iface);
    return rc;
}

/* ---- live host: libusb ---------------------------------------------- */

/* A libusb failure as an error naming the interface and the device node,
 * with the errno it stands for so callers can tell busy from forbidden. */
static int nd_usb_error(const nd_usb *u, int lr, const char *what, const nd_usb_iface *i)
{
    static const struct { int lr, errnum; } map[] = {
        { LIBUSB_ERROR_ACCESS, EACCES },      { LIBUSB_ERROR_NO_DEVICE, ENODEV },
        { LIBUSB_ERROR_NOT_FOUND, ENOENT },   { LIBUSB_ERROR_BUSY, EBUSY },
        { LIBUSB_ERROR_INVALID_PARAM, EINVAL }, { LIBUSB_ERROR_NOT_SUPPORTED, EOPNOTSUPP },
        { LIBUSB_ERROR_NO_MEM, ENOMEM },      { LIBUSB_ERROR_IO, EIO },
        { LIBUSB_ERROR_TIMEOUT, ETIMEDOUT },  { LIBUSB_ERROR_INTERRUPTED, EINTR },
    };
    for (size_t k = 0; k < sizeof(map) / sizeof(map[0]); k++)
        if (map[k].lr == lr)
            return nd_error_errno(map[k].errnum, "libusb cannot %s interface %lu (%s) "
                                  "through %s", what, i ? i->number : 0UL,
                                  i ? i->name : "-", u->devnode);
    return nd_error(ND_ERR_SYSTEM, "libusb cannot %s interface %lu (%s) through %s: %s",
                    what, i ? i->number : 0UL, i ? i->name : "-", u->devnode,
                    libusb_strerror((enum libusb_error)lr));
}

/* Open the device through usbfs, found by its bus and device numbers. */
static int nd_usb_open(nd_usb *u)
{
    const nd_detach_dev *t = u->t;
    char buf[ND_ATTR_MAX + 1], *end;
    unsigned long bus = 0, addr = 0;
    if (nd_detach_read_attr(t->root, t->path, "busnum", buf) > 0)
        bus = strtoul(buf, &end, 10);
    if (nd_detach_read_attr(t->root, t->path, "devnum", buf) > 0)
        addr = strtoul(buf, &end, 10);
    if (!bus || !addr)
        return nd_error(ND_ERR_SYSTEM, "cannot %s %s: no busnum/devnum in /%s", t->verb,
                        t->name, t->path);
    snprintf(u->devnode, sizeof(u->devnode), "/dev/bus/usb/%03lu/%03lu", bus, addr);
    int lr = libusb_init(&u->ctx);
    if (lr < 0) {
        u->ctx = NULL;
        return nd_error(ND_ERR_SYSTEM, "cannot %s %s: libusb cannot start: %s", t->verb,
                        t->name, libusb_strerror((enum libusb_error)lr));
    }
    libusb_device **list;
    ssize_t n = libusb_get_device_list(u->ctx, &list);
    if (n < 0)
        return nd_error(ND_ERR_SYSTEM, "cannot %s %s: libusb cannot list devices: %s",
                        t->verb, t->name, libusb_strerror((enum libusb_error)n));
    lr = LIBUSB_ERROR_NO_DEVICE;
    for (ssize_t k = 0; k < n; k++)
        if (libusb_get_bus_number(list[k]) == bus &&
            libusb_get_device_address(list[k]) == addr) {
            lr = libusb_open(list[k], &u->h);
            break;
        }
    libusb_free_device_list(list, 1);
    if (lr < 0) {
        u->h = NULL;
        nd_usb_error(u, lr, "open", NULL);
        nd_detach_err e;
        nd_detach_err_save(&e);
        return nd_detach_err_raise(&e, "cannot %s %s", t->verb, t->name);
    }
    return 0;
}

/* ---- one interface: off its driver, or probed for one ----------------- */

/* Held through usbfs: a program (a VM) has it, no kernel driver. */
static bool nd_usb_is_usbfs(const nd_usb_iface *i)
{
    return i->drv_dir && strcmp(nd_detach_basename(i->drv_dir), "usbfs") == 0;
}


static int nd_usb_unbind(nd_usb *u, const nd_usb_iface *i)
{
    if (u->h) {
        int lr = libusb_detach_kernel_driver(u->h, (int)i->number);
        /* not found: the driver left meanwhile, which is what we want */
        return lr == 0 || lr == LIBUSB_ERROR_NOT_FOUND
                   ? 0 : nd_usb_error(u, lr, "detach the kernel driver of", i);
    }
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/unbind", i->drv_dir);
    return nd_root_write(u->t->root, path, i->name);
}

static int nd_usb_probe(nd_usb *u, const nd_usb_iface *i)
{
    if (u->h) {
        int lr = libusb_attach_kernel_driver(u->h, (int)i->number);
        /* not found: no driver wants the interface; it stays without */
        return lr == 0 || lr == LIBUSB_ERROR_NOT_FOUND
                   ? 0 : nd_usb_error(u, lr, "attach a kernel driver to", i);
    }
    return nd_root_write(u->t->root, ND_USB_PROBE, i->name);
}

static int nd_usb_begin(nd_usb *u, const nd_detach_dev *t)
{
    memset(u, 0, sizeof(*u));
    u->t = t;
    if (nd_usb_list(u) < 0)
        return -1;
    return t->root->live ? nd_usb_open(u) : 0;
}

/* Probe interface i for a driver and wait until it has one or nothing
 * changes any more. Every probe goes to the same drivers_probe file, so
 * on a tree without a kernel behind it (a fixture with the tests' fake
 * kernel) each write has to be taken up before the next; the live host
 * binds before libusb returns. */
static int nd_usb_probe_settled(nd_usb *u, const nd_usb_iface *i)
{
    if (nd_usb_probe(u, i) < 0)
        return -1;
    char *devs[] = { i->path };
    nd_detach_wait_settled(u->t->root, devs, 1);
    return 0;
}

/* Give back the interfaces unbound so far after a failure; false when one
 * of them could not be probed (their names are then in left). */
static bool nd_usb_undo(nd_usb *u, size_t upto, char *left, size_t lsize)
{
    size_t used = 0;
    *left = '\0';
    for (size_t k = 0; k < upto; k++) {
        if (!u->ifs[k].drv_dir || nd_usb_is_usbfs(&u->ifs[k]) ||
            nd_usb_probe_settled(u, &u->ifs[k]) == 0 || used >= lsize)
            continue;
        int n = snprintf(left + used, lsize - used, "%s%s", used ? ", " : "",
                         u->ifs[k].name);
        used += n > 0 ? (size_t)n : 0;
    }
    return used == 0;
}

int nd_detach_usb(const nd_detach_dev *t, unsigned flags)
{
    char cls[ND_ATTR_MAX + 1];
    if (!(flags & ND_DETACH_FORCE) &&
        nd_detach_read_attr(t->root, t->path, "bDeviceClass", cls) > 0 &&
        strcmp(cls, "09") == 0)
        return nd_error(ND_ERR_UNSUPPORTED, "cannot detach %s: it is a USB hub; "
                        "detaching it cuts off every device behind it (force to do "
                        "it anyway)", t->name);
    nd_usb u;
    int rc = nd_usb_begin(&u, t);
    for (size_t k = 0; rc == 0 && k < u.n; k++) {
        nd_usb_iface *i = &u.ifs[k];
        /* nothing to take off; usbfs: a program (a VM) holds it already */
        if (!i->drv_dir || nd_usb_is_usbfs(i))
            continue;
        char *devs[] = { i->path };
        int fail = nd_usb_unbind(&u, i);
        if (fail == 0 && nd_detach_wait_all(t->root, devs, 1, false) < 0)
            fail = nd_error(ND_ERR_SYSTEM, "%s still holds interface %s after %d ms",
                            nd_detach_basename(i->drv_dir), i->name,
                            nd_detach_timeout_ms());
        if (fail == 0)
            continue;
        /* undo what was done so far, so nothing is left half-detached */
        nd_detach_err e;
        nd_detach_err_save(&e);
        char left[512];
        bool undone = nd_usb_undo(&u, k, left, sizeof(left));
        bool earlier = false;
        for (size_t j = 0; j < k; j++)
            earlier = earlier || (u.ifs[j].drv_dir && !nd_usb_is_usbfs(&u.ifs[j]));
        if (undone && !earlier)
            rc = nd_detach_err_raise(&e, "cannot detach %s", t->name);
        else if (undone)
            rc = nd_detach_err_raise(&e, "cannot detach %s (its other interfaces were "
                                     "given back)", t->name);
        else
            rc = nd_detach_err_raise(&e, "cannot detach %s (interfaces %s are left "
                                     "without a driver: 'nodedev reattach %s' gives "
                                     "them back)", t->name, left, t->name);
    }
    nd_usb_free(&u);
    return rc;
}

int nd_reattach_usb(const nd_detach_dev *t)
{
    nd_usb u;
    int rc = nd_usb_begin(&u, t);
    for (size_t k = 0; rc == 0 && k < u.n; k++) {
        if (u.ifs[k].drv_dir)
            continue;    /* has a driver already */
        if (nd_usb_probe_settled(&u, &u.ifs[k]) < 0) {
            nd_detach_err e;
            nd_detach_err_save(&e);
            rc = nd_detach_err_raise(&e, "cannot reattach %s", t->name);
        }
    }
    nd_usb_free(&u);
    return rc;
}

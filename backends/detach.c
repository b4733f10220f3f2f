/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ndNodeDeviceDetach / ndNodeDeviceReAttach (DESIGN §9): resolve the
 * handle, decide the device class, hand over to detach_pci.c or
 * detach_usb.c, then refresh so <driver> shows the new binding. Plus the
 * helpers both halves use: the driver a device is bound to now, errors
 * that name the device, and the bounded waits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "detach.h"

enum nd_detach_kind { ND_DK_OTHER, ND_DK_PCI, ND_DK_USB, ND_DK_USB_INTERFACE };

/* ---- waits --------------------------------------------------------- */

static int nd_timeout_override, nd_settle_override;

void nd_test_set_detach_waits(int timeout_ms, int settle_ms)
{
    nd_timeout_override = timeout_ms;
    nd_settle_override = settle_ms;
}

int nd_detach_timeout_ms(void)
{
    return nd_timeout_override > 0 ? nd_timeout_override : ND_DETACH_TIMEOUT_MS;
}

int nd_detach_settle_ms(void)
{
    return nd_settle_override > 0 ? nd_settle_override : ND_DETACH_SETTLE_MS;
}

typedef struct nd_wait_ctx {
    const nd_root *r;
    char *const *devs;
    size_t n;
    bool want_bound;
    /* settle mode: how many were bound at the last look, and since when */
    bool settle;
    size_t last_bound;
    long changed_ms;
} nd_wait_ctx;

static long nd_detach_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static size_t nd_count_bound(const nd_wait_ctx *w)
{
    size_t bound = 0;
    for (size_t i = 0; i < w->n; i++) {
        char *drv = NULL;
        if (nd_detach_driver_of(w->r, w->devs[i], &drv) == 0 && drv)
            bound++;
        free(drv);
    }
    return bound;
}

static bool nd_wait_done(void *opaque)
{
    nd_wait_ctx *w = opaque;
    size_t bound = nd_count_bound(w);
    if (!w->settle)
        return w->want_bound ? bound == w->n : bound == 0;
    if (bound == w->n)
        return true;
    long now = nd_detach_now_ms();
    if (bound != w->last_bound) {
        w->last_bound = bound;
        w->changed_ms = now;
    }
    return now - w->changed_ms >= nd_detach_settle_ms();
}

int nd_detach_wait_all(const nd_root *r, char *const *devs, size_t n, bool want_bound)
{
    nd_wait_ctx w = { .r = r, .devs = devs, .n = n, .want_bound = want_bound };
    return nd_wait_until(nd_wait_done, &w, nd_detach_timeout_ms());
}

void nd_detach_wait_settled(const nd_root *r, char *const *devs, size_t n)
{
    nd_wait_ctx w = { .r = r, .devs = devs, .n = n, .settle = true,
                      .changed_ms = nd_detach_now_ms() };
    w.last_bound = nd_count_bound(&w);
    /* a timeout is an answer here too: whatever is bound by then */
    (void)nd_wait_until(nd_wait_done, &w, nd_detach_timeout_ms());
}

/* ---- reading the tree back ----------------------------------------- */

int nd_detach_driver_of(const nd_root *r, const char *dev, char **drv_dir)
{
    *drv_dir = NULL;
    int fd = nd_root_open_dir(r, dev);
    if (fd < 0)
        return fd;
    int e = nd_root_resolve_link(r, fd, dev, "driver", drv_dir);
    close(fd);
    return e == -ENOENT ? 0 : e;
}

const char *nd_detach_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

int nd_detach_read_attr(const nd_root *r, const char *dev, const char *attr, char *buf)
{
    int fd = nd_root_open_dir(r, dev);
    if (fd < 0)
        return fd;
    int n = nd_read_raw(fd, attr, buf);
    close(fd);
    if (n >= 0) {
        nd_attr_clean(buf);
        n = (int)strlen(buf);
    }
    return n;
}

char *nd_detach_name_of(ndConnect *conn, const char *path)
{
    char *name = NULL;
    pthread_rwlock_rdlock(&conn->lock);
    const nd_model *m = conn->model;
    for (size_t i = 1; i < m->ndevs && !name; i++) {
        const char *p = m->devs[i]->path;
        if (p && p[0] == '/' && strcmp(p + 1, path) == 0)
            name = strdup(m->devs[i]->name);
    }
    pthread_rwlock_unlock(&conn->lock);
    return name;
}

/* ---- errors -------------------------------------------------------- */

void nd_detach_err_save(nd_detach_err *e)
{
    const ndError *last = ndGetLastError();
    e->code = last ? last->code : ND_ERR_INTERNAL;
    e->errnum = last ? last->errno_value : 0;
    snprintf(e->msg, sizeof(e->msg), "%s", last ? last->message : "unknown error");
    /* nd_error_errno appends ": <strerror>"; raising appends it again */
    if (e->errnum) {
        char tail[256];
        snprintf(tail, sizeof(tail), ": %s", strerror(e->errnum));
        size_t len = strlen(e->msg), tlen = strlen(tail);
        if (len >= tlen && strcmp(e->msg + len - tlen, tail) == 0)
            e->msg[len - tlen] = '\0';
    }
}

int nd_detach_err_raise(const nd_detach_err *e, const char *fmt, ...)
{
    char prefix[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    if (e->errnum)
        return nd_error_errno(e->errnum, "%s: %s", prefix, e->msg);
    return nd_error(e->code, "%s: %s", prefix, e->msg);
}

int nd_detach_write(const nd_detach_dev *t, const char *path, const char *data,
                    const char *fmt, ...)
{
    if (nd_root_write(t->root, path, data) == 0)
        return 0;
    nd_detach_err e;
    nd_detach_err_save(&e);
    char prefix[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    return nd_detach_err_raise(&e, "%s", prefix);
}

/* ---- the public calls ---------------------------------------------- */

/* Copy what the per-class code needs out of the model. 0, or -1 with the
 * error set; on success t holds malloc'd strings (nd_detach_end). */
static int nd_detach_begin(ndNodeDevicePtr dev, const char *verb, nd_detach_dev *t,
                           enum nd_detach_kind *kind)
{
    memset(t, 0, sizeof(*t));
    if (!dev)
        return nd_error(ND_ERR_INVALID_ARG, "cannot %s: no device", verb);
    pthread_rwlock_rdlock(&dev->conn->lock);
    const nd_dev *d = nd_index_by_key(dev->conn->model, dev->key);
    if (!d) {
        pthread_rwlock_unlock(&dev->conn->lock);
        return nd_error(ND_ERR_NO_DEVICE, "cannot %s %s: the device is gone", verb,
                        dev->key);
    }
    *kind = ND_DK_OTHER;
    if (d->path && d->subsystem && strcmp(d->subsystem, "pci") == 0 &&
        nd_dev_on_bus(d, "pci"))
        *kind = ND_DK_PCI;
    else if (d->path && d->subsystem && strcmp(d->subsystem, "usb") == 0)
        *kind = nd_dev_on_bus(d, "usb") ? ND_DK_USB
                : nd_dev_has_cap(d, "usb_interface") ? ND_DK_USB_INTERFACE
                                                     : ND_DK_OTHER;
    t->conn = dev->conn;
    t->root = &dev->conn->root;
    t->verb = verb;
    t->name = strdup(d->name);
    t->path = d->path ? strdup(d->path + 1) : NULL;
    char *parent = d->parent && d->parent->name ? strdup(d->parent->name) : NULL;
    pthread_rwlock_unlock(&dev->conn->lock);

    if (!t->name || (d->path && !t->path)) {
        free(parent);
        return nd_error(ND_ERR_INTERNAL, "out of memory");
    }
    t->sysname = t->path ? nd_detach_basename(t->path) : t->name;
    int rc = 0;
    if (*kind == ND_DK_USB_INTERFACE)
        rc = nd_error(ND_ERR_UNSUPPORTED, "cannot %s %s: it is an interface of USB "
                      "device %s; %s that device", verb, t->name,
                      parent ? parent : "(unknown)", verb);
    else if (*kind == ND_DK_OTHER)
        rc = nd_error(ND_ERR_UNSUPPORTED,
                      "cannot %s %s: only PCI and USB devices can be %sed", verb,
                      t->name, verb);
    free(parent);
    return rc;
}

static void nd_detach_end(nd_detach_dev *t)
{
    free(t->name);
    free(t->path);
}

/* After the writes: rescan, so the model shows the binding the device
 * ended with. The change itself has happened; a failing rescan says so. */
static int nd_detach_refresh(const nd_detach_dev *t)
{
    if (ndConnectRefresh(t->conn) == 0)
        return 0;
    nd_detach_err e;
    nd_detach_err_save(&e);
    return nd_detach_err_raise(&e, "%sed %s, but the rescan failed", t->verb, t->name);
}

int ndNodeDeviceDetach(ndNodeDevicePtr dev, const char *driver, unsigned int flags)
{
    nd_error_clear();
    if (flags & ~(unsigned)ND_DETACH_FORCE)
        return nd_error(ND_ERR_INVALID_ARG, "ndNodeDeviceDetach: unknown flags 0x%x",
                        flags);
    nd_detach_dev t;
    enum nd_detach_kind kind;
    int rc = nd_detach_begin(dev, "detach", &t, &kind);
    if (rc == 0 && kind == ND_DK_PCI)
        rc = nd_detach_pci(&t, driver, flags);
    else if (rc == 0 && driver)
        rc = nd_error(ND_ERR_INVALID_ARG, "cannot detach %s: a USB device takes no "
                      "stub driver (got '%s')", t.name, driver);
    else if (rc == 0)
        rc = nd_detach_usb(&t, flags);
    if (rc == 0)
        rc = nd_detach_refresh(&t);
    nd_detach_end(&t);
    return rc;
}

int ndNodeDeviceReAttach(ndNodeDevicePtr dev, unsigned int flags)
{
    nd_error_clear();
    if (flags)
        return nd_error(ND_ERR_INVALID_ARG, "ndNodeDeviceReAttach: unknown flags 0x%x",
                        flags);
    nd_detach_dev t;
    enum nd_detach_kind kind;
    int rc = nd_detach_begin(dev, "reattach", &t, &kind);
    if (rc == 0)
        rc = kind == ND_DK_PCI ? nd_reattach_pci(&t) : nd_reattach_usb(&t);
    if (rc == 0)
        rc = nd_detach_refresh(&t);
    nd_detach_end(&t);
    return rc;
}

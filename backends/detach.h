/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Driver detach and reattach (DESIGN §9), shared by backends/detach.c (the
 * public calls and what PCI and USB have in common), detach_pci.c and
 * detach_usb.c. Every write goes through nd_root_write, every result is
 * read back from the tree with nd_wait_until: nothing is remembered
 * between calls, so a reattach works from another process.
 */
#ifndef ND_DETACH_H
#define ND_DETACH_H

#include "internal.h"

/* What a detach or reattach works on, copied out of the model under the
 * read lock so the writes run without it (a refresh needs the write lock). */
typedef struct nd_detach_dev {
    ndConnect *conn;
    const nd_root *root;
    const char *verb;       /* "detach" or "reattach", for messages */
    char *name;             /* the device's name */
    char *path;             /* root-relative: "sys/devices/…" */
    const char *sysname;    /* path's last component: "0000:01:00.0", "1-2" */
} nd_detach_dev;

/* The per-class halves (detach_pci.c, detach_usb.c). 0, or -1 with the
 * error set; they do not refresh the connection, the caller does. */
int nd_detach_pci(const nd_detach_dev *t, const char *stub, unsigned flags);
int nd_reattach_pci(const nd_detach_dev *t);
int nd_detach_usb(const nd_detach_dev *t, unsigned flags);
int nd_reattach_usb(const nd_detach_dev *t);

/* ---- helpers (detach.c) -------------------------------------------- */

/* How long a result may take to show in the tree: a detach that has not
 * happened by then failed. A reattach may rightly end without a driver;
 * it stops waiting once nothing changed for the settle time. The real
 * kernel binds before the write returns; the wait is for asynchronous
 * probing and for the tests' fake kernel. */
#define ND_DETACH_TIMEOUT_MS 5000
#define ND_DETACH_SETTLE_MS 1000
int nd_detach_timeout_ms(void);
int nd_detach_settle_ms(void);
/* Tests shorten or lengthen the waits; 0 restores a default. */
void nd_test_set_detach_waits(int timeout_ms, int settle_ms);

/* The driver the device at root-relative `dev` is bound to now: *drv_dir
 * is the driver's directory ("sys/bus/pci/drivers/nouveau", malloc'd) or
 * NULL when it has none. 0 or -errno (-ENOENT: the device is gone). */
int nd_detach_driver_of(const nd_root *r, const char *dev, char **drv_dir);
/* The last component of a path (the driver's name from its directory). */
const char *nd_detach_basename(const char *path);
/* A readable attribute of `dev`, cleaned (DESIGN §13), into buf of
 * ND_ATTR_MAX + 1 bytes. Length or -errno. */
int nd_detach_read_attr(const nd_root *r, const char *dev, const char *attr, char *buf);
/* The name of the modelled device at root-relative `path`, malloc'd, or
 * NULL when it is not modelled. */
char *nd_detach_name_of(ndConnect *conn, const char *path);

/* A failure kept aside while cleaning up (the clean-up's own writes would
 * replace the thread's error), then raised with what happened to the
 * device in front: "<state>: cannot write 'x' to /sys/…: <reason>". */
typedef struct nd_detach_err {
    int code, errnum;
    char msg[1024];         /* without the ": <strerror>" tail */
} nd_detach_err;
void nd_detach_err_save(nd_detach_err *e);
int nd_detach_err_raise(const nd_detach_err *e, const char *fmt, ...) ND_PRINTF(2, 3);
/* Write and, on failure, raise at once with the prefix given. */
int nd_detach_write(const nd_detach_dev *t, const char *path, const char *data,
                    const char *fmt, ...) ND_PRINTF(4, 5);

/* Wait until each of the n devices (root-relative paths) is bound
 * (want_bound) or unbound. 0 or -ETIMEDOUT after the timeout. */
int nd_detach_wait_all(const nd_root *r, char *const *devs, size_t n, bool want_bound);
/* Wait until each of the n devices is bound, or nothing changed for the
 * settle time (a device may have no driver at all). */
void nd_detach_wait_settled(const nd_root *r, char *const *devs, size_t n);

#endif

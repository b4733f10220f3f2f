/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Hotplug events (issue 6): a libudev monitor on the "udev" netlink group
 * when udevd runs (events after its rules, so its database is filled), on
 * the kernel's otherwise. Each event is probed alone, with the
 * connection's source and the scan's probes, and applied to the index by
 * lib/model_update.c under the write lock; the callbacks run afterwards,
 * without the lock, so they may query the connection.
 *
 * Which device an event is about: the probes whose subsystem is the
 * event's, each taking its strip to the device directory, as the scan
 * does (a scsi_host class device …/hostN/scsi_host/hostN is hostN). A
 * device already modelled is re-probed by the probe that claimed it (the
 * "scsi" event of hostN goes to the scsi_host probe). An fc_host class
 * device belongs to its SCSI host: its events re-probe that host.
 */
#include <errno.h>
#include <libudev.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "model_update.h"

#define ND_MON_RCVBUF (128 * 1024 * 1024)   /* a burst of 10k events fits */
#define ND_MON_BATCH 1024                   /* events per dispatch, at most */

struct nd_monitor {
    struct udev *udev;
    struct udev_monitor *mon;
    int fd;
    ndConnectMonitorCallback cb;
    void *opaque;
    nd_model_upd upd;
    pthread_mutex_t dispatch;   /* one dispatcher at a time */
};

/* Subsystems whose devices belong to another device: component strip. */
static const struct { const char *subsystem; int strip; } nd_companions[] = {
    { "fc_host", 2 },   /* …/hostN/fc_host/hostN: hostN's fc capability */
};

const char *ndEventActionName(int action)
{
    switch (action) {
    case ND_EVENT_ADDED: return "added";
    case ND_EVENT_REMOVED: return "removed";
    case ND_EVENT_CHANGED: return "changed";
    default: return NULL;
    }
}

static const nd_probe *nd_probe_of(const char *subsystem)
{
    for (size_t i = 0; i < nd_nprobes; i++)
        if (strcmp(nd_probes[i].subsystem, subsystem) == 0)
            return &nd_probes[i];
    return NULL;
}

/* path with strip trailing components dropped, in out; false when it
 * leaves sys/devices. */
static bool nd_strip(const char *path, int strip, char *out, size_t cap)
{
    if (strlen(path) >= cap)
        return false;
    strcpy(out, path);
    for (int s = 0; s < strip; s++) {
        char *slash = strrchr(out, '/');
        if (!slash)
            return false;
        *slash = '\0';
    }
    return strncmp(out, "/sys/devices/", 13) == 0;
}

/* Remove the device at path and everything below it. */
static void nd_mon_remove(ndConnect *c, struct nd_monitor *mon, const char *path,
                          nd_changes *ch)
{
    pthread_rwlock_wrlock(&c->lock);
    nd_model_upd_attach(&mon->upd, c->model, c->generation);
    nd_dev *cur = nd_model_find(c->model, path);
    if (cur)
        nd_model_remove(&mon->upd, cur, true, ch);
    nd_model_compact(&mon->upd, false);
    pthread_rwlock_unlock(&c->lock);
}

/* (Re-)probe the device at path: added, changed, or, when it is no
 * device any more, removed alone (its children move up; if its directory
 * went, their own remove events follow). probe: for a device not yet
 * modelled; NULL: only re-probe a modelled one. */
static void nd_mon_probe(ndConnect *c, struct nd_monitor *mon, const char *path,
                         const nd_probe *probe, nd_changes *ch)
{
    pthread_rwlock_rdlock(&c->lock);
    nd_dev *cur = nd_model_find(c->model, path);
    if (cur)
        probe = nd_probe_of(cur->subsystem);
    pthread_rwlock_unlock(&c->lock);
    if (!probe)
        return;

    /* probed without the lock, into an arena of its own */
    nd_arena *tmp = nd_arena_new();
    nd_dev *d = nd_scan_one(tmp, c->source, &c->root, path + 1, probe);

    pthread_rwlock_wrlock(&c->lock);
    nd_model_upd_attach(&mon->upd, c->model, c->generation);
    cur = nd_model_find(c->model, path);   /* may have changed meanwhile */
    if (d && cur)
        nd_model_replace(&mon->upd, cur, d, ch);
    else if (d)
        nd_model_insert(&mon->upd, d, ch);
    else if (cur)
        nd_model_remove(&mon->upd, cur, false, ch);
    nd_model_compact(&mon->upd, false);
    pthread_rwlock_unlock(&c->lock);
    nd_arena_free(tmp);
}

static void nd_mon_event(ndConnect *c, struct nd_monitor *mon, struct udev_device *ev,
                         nd_changes *ch)
{
    const char *action = udev_device_get_action(ev);
    const char *syspath = udev_device_get_syspath(ev);
    const char *subsystem = udev_device_get_subsystem(ev);
    if (!action || !syspath || !subsystem)
        return;
    char path[4096];
    bool remove = strcmp(action, "remove") == 0;

    if (strcmp(action, "move") == 0) {
        /* a renamed device (net): gone from the old path */
        const char *old = udev_device_get_property_value(ev, "DEVPATH_OLD");
        char oldpath[4096];
        if (old && (size_t)snprintf(oldpath, sizeof(oldpath), "/sys%s", old) < sizeof(oldpath))
            nd_mon_remove(c, mon, oldpath, ch);
    }
    for (size_t i = 0; i < nd_nprobes; i++) {
        const nd_probe *p = &nd_probes[i];
        if (strcmp(p->subsystem, subsystem) != 0 ||
            !nd_strip(syspath, p->strip, path, sizeof(path)))
            continue;
        if (remove)
            nd_mon_remove(c, mon, path, ch);
        else
            nd_mon_probe(c, mon, path, p, ch);
    }
    for (size_t i = 0; i < sizeof(nd_companions) / sizeof(nd_companions[0]); i++) {
        if (strcmp(nd_companions[i].subsystem, subsystem) == 0 &&
            nd_strip(syspath, nd_companions[i].strip, path, sizeof(path)))
            nd_mon_probe(c, mon, path, NULL, ch);
    }
}

/* Only the live host's events describe the connection's devices. */
static bool nd_mon_allowed(const ndConnect *c)
{
    return c->root.live || getenv("UMOCKDEV_DIR");
}

void nd_monitor_free(struct nd_monitor *mon)
{
    if (!mon)
        return;
    if (mon->mon)
        udev_monitor_unref(mon->mon);
    if (mon->udev)
        udev_unref(mon->udev);
    pthread_mutex_destroy(&mon->dispatch);
    free(mon);
}

int ndConnectMonitorOpen(ndConnectPtr conn, ndConnectMonitorCallback cb, void *opaque)
{
    nd_error_clear();
    if (!conn || !cb)
        return nd_error(ND_ERR_INVALID_ARG, "ndConnectMonitorOpen: no %s",
                        conn ? "callback" : "connection");
    if (conn->monitor)
        return nd_error(ND_ERR_INVALID_ARG, "ndConnectMonitorOpen: a monitor is open already");
    if (!nd_mon_allowed(conn))
        return nd_error(ND_ERR_UNSUPPORTED,
                        "device events come from the live host; root %s is not it",
                        conn->root.dir);
    struct nd_monitor *mon = calloc(1, sizeof(*mon));
    if (!mon)
        return nd_error(ND_ERR_INTERNAL, "out of memory");
    pthread_mutex_init(&mon->dispatch, NULL);
    mon->cb = cb;
    mon->opaque = opaque;
    const char *group = access("/run/udev/control", F_OK) == 0 ? "udev" : "kernel";
    mon->udev = udev_new();
    mon->mon = mon->udev ? udev_monitor_new_from_netlink(mon->udev, group) : NULL;
    if (!mon->mon) {
        int e = errno ? errno : ENOMEM;
        nd_monitor_free(mon);
        return nd_error_errno(e, "cannot listen to %s events", group);
    }
    /* only the subsystems a probe (or a companion) models wake us up */
    for (size_t i = 0; i < nd_nprobes; i++)
        udev_monitor_filter_add_match_subsystem_devtype(mon->mon, nd_probes[i].subsystem, NULL);
    for (size_t i = 0; i < sizeof(nd_companions) / sizeof(nd_companions[0]); i++)
        udev_monitor_filter_add_match_subsystem_devtype(mon->mon, nd_companions[i].subsystem,
                                                        NULL);
    /* a bigger buffer than the default keeps a burst from overflowing it;
     * failing that (no CAP_NET_ADMIN) the default will do */
    udev_monitor_set_receive_buffer_size(mon->mon, ND_MON_RCVBUF);
    int r = udev_monitor_enable_receiving(mon->mon);
    if (r < 0) {
        nd_monitor_free(mon);
        return nd_error_errno(-r, "cannot listen to %s events", group);
    }
    mon->fd = udev_monitor_get_fd(mon->mon);
    conn->monitor = mon;
    return mon->fd;
}

int ndConnectMonitorDispatch(ndConnectPtr conn)
{
    nd_error_clear();
    if (!conn || !conn->monitor)
        return nd_error(ND_ERR_INVALID_ARG, "ndConnectMonitorDispatch: %s",
                        conn ? "no monitor is open" : "no connection");
    struct nd_monitor *mon = conn->monitor;
    nd_changes ch = { 0 };
    bool lost = false;
    pthread_mutex_lock(&mon->dispatch);
    for (int i = 0; i < ND_MON_BATCH; i++) {
        struct pollfd p = { .fd = mon->fd, .events = POLLIN };
        if (poll(&p, 1, 0) <= 0)
            break;
        errno = 0;
        struct udev_device *ev = udev_monitor_receive_device(mon->mon);
        if (!ev) {
            if (errno == ENOBUFS)
                lost = true;
            continue;   /* filtered out, malformed, or lost: next one */
        }
        nd_mon_event(conn, mon, ev, &ch);
        udev_device_unref(ev);
    }
    pthread_mutex_unlock(&mon->dispatch);

    /* a callback may close the monitor: nothing of it is used after one */
    ndConnectMonitorCallback cb = mon->cb;
    void *opaque = mon->opaque;
    int n = (int)ch.n;
    for (size_t i = 0; i < ch.n; i++)
        cb(conn, ch.v[i].name, ch.v[i].key, ch.v[i].action, opaque);
    nd_changes_free(&ch);
    if (lost) {
        /* the kernel dropped events: only a rescan knows what they were */
        nd_warn(&conn->root, "device events were lost (receive buffer full): rescanning");
        if (ndConnectRefresh(conn) < 0)
            return -1;
    }
    return n;
}

int ndConnectMonitorClose(ndConnectPtr conn)
{
    nd_error_clear();
    if (!conn || !conn->monitor)
        return nd_error(ND_ERR_INVALID_ARG, "ndConnectMonitorClose: %s",
                        conn ? "no monitor is open" : "no connection");
    nd_monitor_free(conn->monitor);
    conn->monitor = NULL;
    return 0;
}

int ndConnectMonitorRun(ndConnectPtr conn, ndConnectMonitorCallback cb, void *opaque,
                        volatile int *stop)
{
    int fd = ndConnectMonitorOpen(conn, cb, opaque);
    if (fd < 0)
        return -1;
    int rc = 0;
    while (!stop || !*stop) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        /* bounded, so a flag set between the check and poll() is seen */
        int r = poll(&p, 1, 250);
        if (r < 0 && errno != EINTR) {
            rc = nd_error_errno(errno, "waiting for device events");
            break;
        }
        if (r > 0 && ndConnectMonitorDispatch(conn) < 0) {
            rc = -1;
            break;
        }
        if (!conn->monitor)
            return 0;   /* a callback closed it: that ends the loop too */
    }
    /* closed directly: ndConnectMonitorClose would clear the error */
    nd_monitor_free(conn->monitor);
    conn->monitor = NULL;
    return rc;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The proposal's query calls (DESIGN §7) over the current model. Every
 * call takes the connection's read lock for its whole duration. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

typedef bool (*nd_filter)(const nd_dev *d, const char *arg);

static bool nd_filter_all(const nd_dev *d, const char *arg)
{
    (void)d;
    (void)arg;
    return true;
}

static bool nd_filter_cap(const nd_dev *d, const char *cap)
{
    return nd_dev_has_cap(d, cap);
}

static bool nd_filter_bus(const nd_dev *d, const char *bus)
{
    return nd_dev_on_bus(d, bus);
}

/* Count (names == NULL) or list the matching devices in name order. */
static int nd_list(ndConnectPtr conn, nd_filter filter, const char *arg,
                   char **names, int maxnames, unsigned int flags,
                   const char *fn)
{
    nd_error_clear();
    if (!conn)
        return nd_error(ND_ERR_INVALID_ARG, "%s: no connection", fn);
    if (filter != nd_filter_all && !arg)
        return nd_error(ND_ERR_INVALID_ARG, "%s: no capability or bus given", fn);
    if (flags)
        return nd_error(ND_ERR_INVALID_ARG, "%s: unknown flags 0x%x", fn, flags);
    if (names && maxnames < 0)
        return nd_error(ND_ERR_INVALID_ARG, "%s: negative maxnames", fn);
    if (!names && maxnames > 0)
        return nd_error(ND_ERR_INVALID_ARG, "%s: no array for the names", fn);
    pthread_rwlock_rdlock(&conn->lock);
    const nd_model *m = conn->model;
    int count = 0;
    for (size_t i = 0; i < m->ndevs && (!names || count < maxnames); i++) {
        if (!filter(m->by_name[i], arg))
            continue;
        if (names && !(names[count] = strdup(m->by_name[i]->name))) {
            for (int j = 0; j < count; j++)
                free(names[j]);
            pthread_rwlock_unlock(&conn->lock);
            return nd_error(ND_ERR_INTERNAL, "%s: out of memory", fn);
        }
        count++;
    }
    pthread_rwlock_unlock(&conn->lock);
    return count;
}

int ndNodeNumOfDevices(ndConnectPtr conn, unsigned int flags)
{
    return nd_list(conn, nd_filter_all, NULL, NULL, 0, flags, __func__);
}

int ndNodeListDevices(ndConnectPtr conn, char **names, int maxnames,
                      unsigned int flags)
{
    if (!names)
        return nd_error(ND_ERR_INVALID_ARG, "%s: no array for the names", __func__);
    return nd_list(conn, nd_filter_all, NULL, names, maxnames, flags, __func__);
}

int ndNodeNumOfDevicesByCap(ndConnectPtr conn, const char *cap, unsigned int flags)
{
    return nd_list(conn, nd_filter_cap, cap, NULL, 0, flags, __func__);
}

int ndNodeListDevicesByCap(ndConnectPtr conn, const char *cap, char **names,
                           int maxnames, unsigned int flags)
{
    if (!names)
        return nd_error(ND_ERR_INVALID_ARG, "%s: no array for the names", __func__);
    return nd_list(conn, nd_filter_cap, cap, names, maxnames, flags, __func__);
}

int ndNodeNumOfDevicesByBus(ndConnectPtr conn, const char *bus, unsigned int flags)
{
    return nd_list(conn, nd_filter_bus, bus, NULL, 0, flags, __func__);
}

int ndNodeListDevicesByBus(ndConnectPtr conn, const char *bus, char **names,
                           int maxnames, unsigned int flags)
{
    if (!names)
        return nd_error(ND_ERR_INVALID_ARG, "%s: no array for the names", __func__);
    return nd_list(conn, nd_filter_bus, bus, names, maxnames, flags, __func__);
}

static ndNodeDevicePtr nd_lookup(ndConnectPtr conn, const char *what, bool by_key,
                                 const char *fn)
{
    nd_error_clear();
    if (!conn || !what) {
        nd_error(ND_ERR_INVALID_ARG, "%s: no %s", fn, conn ? (by_key ? "key" : "name")
                                                           : "connection");
        return NULL;
    }
    ndNodeDevice *dev = calloc(1, sizeof(*dev));
    if (!dev) {
        nd_error(ND_ERR_INTERNAL, "out of memory");
        return NULL;
    }
    pthread_rwlock_rdlock(&conn->lock);
    const nd_dev *d = by_key ? nd_index_by_key(conn->model, what)
                             : nd_index_by_name(conn->model, what);
    if (d)
        dev->key = strdup(d->key);
    pthread_rwlock_unlock(&conn->lock);
    if (!d) {
        free(dev);
        nd_error(ND_ERR_NO_DEVICE, "no device with %s '%s'", by_key ? "key" : "name",
                 what);
        return NULL;
    }
    if (!dev->key) {
        free(dev);
        nd_error(ND_ERR_INTERNAL, "out of memory");
        return NULL;
    }
    dev->conn = conn;
    return dev;
}

ndNodeDevicePtr ndNodeDeviceLookupByName(ndConnectPtr conn, const char *name)
{
    return nd_lookup(conn, name, false, __func__);
}

ndNodeDevicePtr ndNodeDeviceLookupByKey(ndConnectPtr conn, const char *key)
{
    return nd_lookup(conn, key, true, __func__);
}

int ndNodeDeviceFree(ndNodeDevicePtr dev)
{
    nd_error_clear();
    if (!dev)
        return nd_error(ND_ERR_INVALID_ARG, "ndNodeDeviceFree: no device");
    free(dev->key);
    free(dev->value);
    free(dev);
    return 0;
}

/* The device behind a handle, with the read lock held on success. */
static const nd_dev *nd_handle_get(ndNodeDevicePtr dev, const char *fn)
{
    nd_error_clear();
    if (!dev) {
        nd_error(ND_ERR_INVALID_ARG, "%s: no device", fn);
        return NULL;
    }
    pthread_rwlock_rdlock(&dev->conn->lock);
    const nd_dev *d = nd_index_by_key(dev->conn->model, dev->key);
    if (!d) {
        pthread_rwlock_unlock(&dev->conn->lock);
        nd_error(ND_ERR_NO_DEVICE, "device %s is gone", dev->key);
    }
    return d;
}

enum nd_field { ND_F_NAME, ND_F_KEY, ND_F_PARENT, ND_F_PATH, ND_F_DRIVER };

static const char *nd_getter(ndNodeDevicePtr dev, enum nd_field f, const char *fn)
{
    const nd_dev *d = nd_handle_get(dev, fn);
    if (!d)
        return NULL;
    const char *v = NULL;
    switch (f) {
    case ND_F_NAME: v = d->name; break;
    case ND_F_KEY: v = d->key; break;
    case ND_F_PARENT: v = d->parent ? d->parent->key : NULL; break;
    case ND_F_PATH: v = d->path; break;
    case ND_F_DRIVER: v = d->driver; break;
    }
    free(dev->value);
    dev->value = v ? strdup(v) : NULL;
    pthread_rwlock_unlock(&dev->conn->lock);
    if (v && !dev->value)
        nd_error(ND_ERR_INTERNAL, "out of memory");
    return dev->value;
}

const char *ndNodeDeviceGetName(ndNodeDevicePtr dev)
{
    return nd_getter(dev, ND_F_NAME, __func__);
}

const char *ndNodeDeviceGetKey(ndNodeDevicePtr dev)
{
    return nd_getter(dev, ND_F_KEY, __func__);
}

const char *ndNodeDeviceGetParent(ndNodeDevicePtr dev)
{
    return nd_getter(dev, ND_F_PARENT, __func__);
}

const char *ndNodeDeviceGetPath(ndNodeDevicePtr dev)
{
    return nd_getter(dev, ND_F_PATH, __func__);
}

const char *ndNodeDeviceGetDriver(ndNodeDevicePtr dev)
{
    return nd_getter(dev, ND_F_DRIVER, __func__);
}

char *ndNodeDeviceDumpXML(ndNodeDevicePtr dev, unsigned int flags)
{
    if (flags) {
        nd_error(ND_ERR_INVALID_ARG, "ndNodeDeviceDumpXML: unknown flags 0x%x", flags);
        return NULL;
    }
    const nd_dev *d = nd_handle_get(dev, __func__);
    if (!d)
        return NULL;
    char *xml = nd_xml_device(d);
    pthread_rwlock_unlock(&dev->conn->lock);
    return xml;
}

char *ndConnectDumpAllXML(ndConnectPtr conn, unsigned int flags)
{
    nd_error_clear();
    if (!conn || flags) {
        nd_error(ND_ERR_INVALID_ARG, "ndConnectDumpAllXML: %s",
                 conn ? "unknown flags" : "no connection");
        return NULL;
    }
    pthread_rwlock_rdlock(&conn->lock);
    char *xml = nd_xml_devices(conn->model);
    pthread_rwlock_unlock(&conn->lock);
    return xml;
}

int ndConnectDumpAllXMLFd(ndConnectPtr conn, int fd, unsigned int flags)
{
    nd_error_clear();
    if (!conn || flags || fd < 0)
        return nd_error(ND_ERR_INVALID_ARG, "ndConnectDumpAllXMLFd: %s",
                        !conn ? "no connection" : flags ? "unknown flags" : "bad fd");
    pthread_rwlock_rdlock(&conn->lock);
    int r = nd_xml_devices_fd(conn->model, fd);
    pthread_rwlock_unlock(&conn->lock);
    return r;
}

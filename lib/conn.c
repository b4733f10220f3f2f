/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Connections: a root plus the model of its last scan. A refresh builds a
 * new model aside and swaps it in under the write lock, so readers never
 * see a half-built one. */
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include "internal.h"

/* libxml2's global state must be set up once before threads use it
 * (TSan saw two threads racing in xmlInitializeGlobalState otherwise). */
static void nd_libxml_init(void)
{
    xmlInitParser();
}

ndConnectPtr ndConnectOpen(const char *root, unsigned int flags)
{
    static pthread_once_t libxml_once = PTHREAD_ONCE_INIT;
    pthread_once(&libxml_once, nd_libxml_init);
    nd_error_clear();
    if (flags & ~(unsigned)(ND_CONNECT_QUIET | ND_CONNECT_SOURCE_SYSFS |
                            ND_CONNECT_SOURCE_UDEV)) {
        nd_error(ND_ERR_INVALID_ARG, "ndConnectOpen: unknown flags 0x%x", flags);
        return NULL;
    }
    ndConnect *c = calloc(1, sizeof(*c));
    if (!c) {
        nd_error(ND_ERR_INTERNAL, "out of memory");
        return NULL;
    }
    if (nd_root_open(&c->root, root, flags & ND_CONNECT_QUIET) < 0) {
        free(c);
        return NULL;
    }
    /* writers first: with glibc's default (readers first) a steady stream
     * of lookups and dumps from other threads, their read locks always
     * overlapping, kept ndConnectRefresh waiting for ever (test_threads).
     * No path takes the read lock twice, so a waiting writer cannot
     * deadlock a reader. */
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&c->lock, &attr);
    pthread_rwlockattr_destroy(&attr);
    /* issue 6: sysfs, udev or auto (lib/source_pick.c) */
    c->source = nd_source_pick(&c->root, flags);
    if (!c->source) {
        /* not ndConnectClose: it would clear the error */
        nd_root_close(&c->root);
        pthread_rwlock_destroy(&c->lock);
        free(c);
        return NULL;
    }
    c->model = nd_scan(&c->root, c->source);
    if (!c->model) {
        ndConnectClose(c);
        return NULL;
    }
    return c;
}

int ndConnectClose(ndConnectPtr conn)
{
    nd_error_clear();
    if (!conn)
        return nd_error(ND_ERR_INVALID_ARG, "ndConnectClose: no connection");
    if (conn->monitor)   /* issue 6 */
        nd_monitor_free(conn->monitor);
    nd_model_free(conn->model);
    if (conn->source)
        conn->source->free(conn->source);
    nd_root_close(&conn->root);
    pthread_rwlock_destroy(&conn->lock);
    free(conn);
    return 0;
}

int ndConnectRefresh(ndConnectPtr conn)
{
    nd_error_clear();
    if (!conn)
        return nd_error(ND_ERR_INVALID_ARG, "ndConnectRefresh: no connection");
    nd_model *fresh = nd_scan(&conn->root, conn->source);
    if (!fresh)
        return -1;
    pthread_rwlock_wrlock(&conn->lock);
    nd_model *old = conn->model;
    conn->model = fresh;
    conn->generation++;
    pthread_rwlock_unlock(&conn->lock);
    nd_model_free(old);
    return 0;
}

int ndConnectNumOfWarnings(ndConnectPtr conn)
{
    nd_error_clear();
    if (!conn)
        return nd_error(ND_ERR_INVALID_ARG, "ndConnectNumOfWarnings: no connection");
    pthread_rwlock_rdlock(&conn->lock);
    int n = (int)conn->model->warnings;
    pthread_rwlock_unlock(&conn->lock);
    return n;
}

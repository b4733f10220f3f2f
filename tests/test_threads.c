/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One connection shared by 8 threads (DESIGN §7: "one connection may be
 * used by several threads at once"; issue 9): lookups by name, key and
 * WWN with the getters, per-device and whole dumps, lists by capability
 * and bus, and refreshes, all at once on a fixture copy. The tree does not
 * change, so every answer must equal what a single thread got before the
 * threads started, whatever refresh is running. Run under ThreadSanitizer
 * in CI (-DND_TSAN=ON), where it must report nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "helpers.h"
#include "nodedev.h"

#define NTHREADS 8
#define ROUNDS 6            /* each reader's passes over everything */
#define REFRESHES 12        /* each refresher's */

static const char *const caps[] = {
    "system", "pci", "usb_device", "usb_interface", "net", "80203", "scsi_host",
    "scsi", "fc", "vport", "storage", "block", "sound", "input", "no_such_cap",
};
static const char *const buses[] = { "pci", "usb", "no_such_bus" };

/* What one thread saw before the others started. */
typedef struct expect {
    char *root;
    ndConnectPtr conn;
    int n;
    char **names, **keys, **dumps, **drivers;
    char *all;
    int ncap[sizeof(caps) / sizeof(caps[0])], nbus[sizeof(buses) / sizeof(buses[0])];
    char ***capnames, ***busnames;
    const char *wwnn, *wwpn, *wwn_host;   /* an FC port's, when the fixture has one */
} expect;

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static char **list_of(ndConnectPtr conn, int n, int (*list)(ndConnectPtr, const char *, char **,
                                                             int, unsigned), const char *what)
{
    char **v = calloc((size_t)n + 1, sizeof(*v));
    if (v && list(conn, what, v, n, 0) != n) {
        free(v);
        return NULL;
    }
    return v;
}

static void free_list(char **v, int n)
{
    if (!v)
        return;
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static expect *expect_new(const char *fixture, const char *wwnn, const char *wwpn,
                          const char *wwn_host)
{
    expect *e = calloc(1, sizeof(*e));
    assert_non_null(e);
    e->root = nd_test_fixture_copy(fixture);
    assert_non_null(e->root);
    e->conn = ndConnectOpen(e->root, ND_CONNECT_QUIET | ND_CONNECT_SOURCE_SYSFS);
    assert_non_null(e->conn);
    e->n = ndNodeNumOfDevices(e->conn, 0);
    assert_true(e->n > 5);
    e->names = calloc((size_t)e->n, sizeof(char *));
    e->keys = calloc((size_t)e->n, sizeof(char *));
    e->dumps = calloc((size_t)e->n, sizeof(char *));
    e->drivers = calloc((size_t)e->n, sizeof(char *));
    assert_int_equal(ndNodeListDevices(e->conn, e->names, e->n, 0), e->n);
    for (int i = 0; i < e->n; i++) {
        ndNodeDevicePtr d = ndNodeDeviceLookupByName(e->conn, e->names[i]);
        assert_non_null(d);
        e->keys[i] = dup_or_null(ndNodeDeviceGetKey(d));
        e->drivers[i] = dup_or_null(ndNodeDeviceGetDriver(d));
        e->dumps[i] = ndNodeDeviceDumpXML(d, 0);
        assert_non_null(e->keys[i]);
        assert_non_null(e->dumps[i]);
        ndNodeDeviceFree(d);
    }
    e->all = ndConnectDumpAllXML(e->conn, 0);
    assert_non_null(e->all);
    assert_int_equal(nd_test_validate(e->all), 0);
    size_t ncaps = sizeof(caps) / sizeof(caps[0]), nbuses = sizeof(buses) / sizeof(buses[0]);
    e->capnames = calloc(ncaps, sizeof(char **));
    e->busnames = calloc(nbuses, sizeof(char **));
    for (size_t c = 0; c < ncaps; c++) {
        e->ncap[c] = ndNodeNumOfDevicesByCap(e->conn, caps[c], 0);
        assert_true(e->ncap[c] >= 0);
        e->capnames[c] = list_of(e->conn, e->ncap[c], ndNodeListDevicesByCap, caps[c]);
        assert_non_null(e->capnames[c]);
    }
    for (size_t b = 0; b < nbuses; b++) {
        e->nbus[b] = ndNodeNumOfDevicesByBus(e->conn, buses[b], 0);
        assert_true(e->nbus[b] >= 0);
        e->busnames[b] = list_of(e->conn, e->nbus[b], ndNodeListDevicesByBus, buses[b]);
        assert_non_null(e->busnames[b]);
    }
    e->wwnn = wwnn;
    e->wwpn = wwpn;
    e->wwn_host = wwn_host;
    return e;
}

static void expect_free(expect *e)
{
    ndConnectClose(e->conn);
    nd_test_rmtree(e->root);
    free(e->root);
    free_list(e->names, e->n);
    free_list(e->keys, e->n);
    free_list(e->dumps, e->n);
    free_list(e->drivers, e->n);
    for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++)
        free_list(e->capnames[c], e->ncap[c]);
    for (size_t b = 0; b < sizeof(buses) / sizeof(buses[0]); b++)
        free_list(e->busnames[b], e->nbus[b]);
    free(e->capnames);
    free(e->busnames);
    free(e->all);
    free(e);
}

/* ---- the threads: each returns NULL, or a static string saying what
 * differed ------------------------------------------------------------- */
typedef struct job {
    expect *e;
    int id;
    atomic_int *refreshing;   /* refreshers still running */
} job;

/* Every device by name and by key: the getters and the dump as before. */
static const char *lookups(expect *e, int start)
{
    for (int k = 0; k < e->n; k++) {
        int i = (start + k) % e->n;
        ndNodeDevicePtr d = k % 2 ? ndNodeDeviceLookupByKey(e->conn, e->keys[i])
                                  : ndNodeDeviceLookupByName(e->conn, e->names[i]);
        if (!d)
            return "a lookup failed";
        const char *why = NULL;
        if (!same(ndNodeDeviceGetName(d), e->names[i]) ||
            !same(ndNodeDeviceGetKey(d), e->keys[i]) ||
            !same(ndNodeDeviceGetDriver(d), e->drivers[i]))
            why = "a getter differs";
        char *xml = ndNodeDeviceDumpXML(d, 0);
        if (!why && !same(xml, e->dumps[i]))
            why = "a device's dump differs";
        free(xml);
        ndNodeDeviceFree(d);
        if (why)
            return why;
    }
    return NULL;
}

/* Handles taken once and used across the refreshes. */
static const char *held(expect *e, int start)
{
    int i = start % e->n;
    ndNodeDevicePtr d = ndNodeDeviceLookupByName(e->conn, e->names[i]);
    if (!d)
        return "a lookup failed";
    const char *why = NULL;
    for (int r = 0; r < 40 && !why; r++) {
        char *xml = ndNodeDeviceDumpXML(d, 0);
        bool has_path = ndNodeDeviceGetPath(d) != NULL;
        if (!same(xml, e->dumps[i]) || !same(ndNodeDeviceGetName(d), e->names[i]) ||
            has_path != (strstr(e->dumps[i], "<path>") != NULL))
            why = "a held handle's device differs";
        free(xml);
    }
    ndNodeDeviceFree(d);
    return why;
}

static const char *lists(expect *e)
{
    char *v[512];
    for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
        if (ndNodeNumOfDevicesByCap(e->conn, caps[c], 0) != e->ncap[c])
            return "a count by capability differs";
        int n = ndNodeListDevicesByCap(e->conn, caps[c], v, 512, 0);
        bool ok = n == e->ncap[c];
        for (int j = 0; j < n; j++) {
            ok = ok && strcmp(v[j], e->capnames[c][j]) == 0;
            free(v[j]);
        }
        if (!ok)
            return "a list by capability differs";
    }
    for (size_t b = 0; b < sizeof(buses) / sizeof(buses[0]); b++) {
        int n = ndNodeListDevicesByBus(e->conn, buses[b], v, 512, 0);
        bool ok = n == e->nbus[b] && ndNodeNumOfDevicesByBus(e->conn, buses[b], 0) == n;
        for (int j = 0; j < n; j++) {
            ok = ok && strcmp(v[j], e->busnames[b][j]) == 0;
            free(v[j]);
        }
        if (!ok)
            return "a list by bus differs";
    }
    int n = ndNodeListDevices(e->conn, v, 512, 0);
    bool ok = n == e->n && ndNodeNumOfDevices(e->conn, 0) == n;
    for (int j = 0; j < n; j++) {
        ok = ok && strcmp(v[j], e->names[j]) == 0;
        free(v[j]);
    }
    if (!ok)
        return "the list of devices differs";
    if (e->wwnn) {
        ndNodeDevicePtr d = ndNodeDeviceLookupSCSIHostByWWN(e->conn, e->wwnn, e->wwpn);
        ok = d && same(ndNodeDeviceGetName(d), e->wwn_host);
        ndNodeDeviceFree(d);
        if (!ok)
            return "the SCSI host by WWN differs";
        if (ndNodeDeviceLookupSCSIHostByWWN(e->conn, "0x0123456789abcdef", e->wwpn) ||
            ndGetLastError()->code != ND_ERR_NO_DEVICE)
            return "an unknown WWN was found";
    }
    if (ndNodeDeviceLookupByName(e->conn, "no_such_device") ||
        ndGetLastError()->code != ND_ERR_NO_DEVICE)
        return "a missing device was found";
    return NULL;
}

static const char *dump_all(expect *e)
{
    char *all = ndConnectDumpAllXML(e->conn, 0);
    bool ok = same(all, e->all);
    free(all);
    return ok ? NULL : "the whole dump differs";
}

static void *thread_main(void *arg)
{
    job *j = arg;
    expect *e = j->e;
    const char *why = NULL;
    if (j->id < 2) {   /* two refreshers */
        for (int r = 0; r < REFRESHES && !why; r++) {
            if (ndConnectRefresh(e->conn) < 0)
                why = "a refresh failed";
            else if (ndConnectNumOfWarnings(e->conn) < 0)
                why = "no warning count";
        }
        atomic_fetch_sub(j->refreshing, 1);
        return (void *)why;
    }
    /* readers: at least ROUNDS passes, and on while a refresh runs */
    for (int r = 0; !why && (r < ROUNDS || atomic_load(j->refreshing) > 0); r++) {
        switch ((j->id + r) % 4) {
        case 0: why = lookups(e, j->id * 7 + r); break;
        case 1: why = held(e, j->id * 5 + r); break;
        case 2: why = lists(e); break;
        default: why = dump_all(e); break;
        }
    }
    return (void *)why;
}

static void run_threads(expect *e)
{
    pthread_t t[NTHREADS];
    job jobs[NTHREADS];
    atomic_int refreshing = 2;
    for (int i = 0; i < NTHREADS; i++) {
        jobs[i] = (job){ .e = e, .id = i, .refreshing = &refreshing };
        assert_int_equal(pthread_create(&t[i], NULL, thread_main, &jobs[i]), 0);
    }
    int failed = 0;
    for (int i = 0; i < NTHREADS; i++) {
        void *why;
        assert_int_equal(pthread_join(t[i], &why), 0);
        if (why) {
            fprintf(stderr, "thread %d: %s\n", i, (const char *)why);
            failed++;
        }
    }
    assert_int_equal(failed, 0);
    /* and the connection is still whole afterwards */
    char *all = ndConnectDumpAllXML(e->conn, 0);
    assert_true(same(all, e->all));
    free(all);
}

/* Devices of many classes, names from the udev database. */
static void test_laptop_udev(void **state)
{
    (void)state;
    expect *e = expect_new("laptop-udev", NULL, NULL, NULL);
    run_threads(e);
    expect_free(e);
}

/* FC HBAs, vports and SCSI: the WWN look-up too. */
static void test_fc_san(void **state)
{
    (void)state;
    expect *e = expect_new("fc-san", "2000001b32a0b0c0", "0x2100001B32A0B0C0",
                           "pci_1077_2532_scsi_host");
    run_threads(e);
    expect_free(e);
}

/* Connections opened and closed at once on one root: the process-wide
 * parts (id databases, error slots) under contention. */
static void *open_close(void *arg)
{
    for (int i = 0; i < 3; i++) {
        ndConnectPtr c = ndConnectOpen(arg, ND_CONNECT_QUIET | ND_CONNECT_SOURCE_SYSFS);
        if (!c)
            return (void *)"an open failed";
        char *all = ndConnectDumpAllXML(c, 0);
        bool ok = all && strstr(all, "<devices>");
        free(all);
        ndConnectClose(c);
        if (!ok)
            return (void *)"a dump failed";
    }
    return NULL;
}

static void test_many_connections(void **state)
{
    (void)state;
    char *root = nd_test_fixture_copy("desktop");
    assert_non_null(root);
    pthread_t t[NTHREADS];
    for (int i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, open_close, root), 0);
    for (int i = 0; i < NTHREADS; i++) {
        void *why;
        assert_int_equal(pthread_join(t[i], &why), 0);
        if (why)
            fail_msg("thread %d: %s", i, (const char *)why);
    }
    nd_test_rmtree(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_laptop_udev),
        cmocka_unit_test(test_fc_san),
        cmocka_unit_test(test_many_connections),
    };
    return cmocka_run_group_tests_name("threads", tests, NULL, NULL);
}

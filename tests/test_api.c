/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The public API's edge cases (DESIGN §7) on a copy of the proposal fixture. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "helpers.h"
#include "nodedev.h"

#define SMBUS "pci_8086_27da"
#define READER "usb_device_483_2016_noserial"
#define KEY(n) "/org/freedesktop/Hal/devices/" n

typedef struct fx {
    char *root;
    ndConnectPtr conn;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof(*f));
    f->root = nd_test_fixture_copy("proposal");
    f->conn = f->root ? ndConnectOpen(f->root, ND_CONNECT_QUIET) : NULL;
    *state = f;
    return f->conn ? 0 : -1;
}

static int teardown(void **state)
{
    fx *f = *state;
    ndConnectClose(f->conn);
    nd_test_rmtree(f->root);
    free(f->root);
    free(f);
    return 0;
}

static void test_null_arguments(void **state)
{
    fx *f = *state;
    char *names[4];
    assert_int_equal(ndNodeNumOfDevices(NULL, 0), -1);
    assert_int_equal(ndGetLastError()->code, ND_ERR_INVALID_ARG);
    assert_int_equal(ndNodeListDevices(f->conn, NULL, 4, 0), -1);
    assert_int_equal(ndNodeListDevices(f->conn, names, -1, 0), -1);
    assert_int_equal(ndNodeNumOfDevicesByCap(f->conn, NULL, 0), -1);
    assert_int_equal(ndNodeNumOfDevicesByBus(f->conn, NULL, 0), -1);
    assert_int_equal(ndNodeNumOfDevices(f->conn, 0x8), -1);
    assert_null(ndNodeDeviceLookupByName(f->conn, NULL));
    assert_null(ndNodeDeviceLookupByKey(NULL, KEY(SMBUS)));
    assert_null(ndNodeDeviceGetName(NULL));
    assert_null(ndNodeDeviceDumpXML(NULL, 0));
    assert_int_equal(ndNodeDeviceFree(NULL), -1);
    assert_null(ndConnectOpen("/nonexistent-root", 0));
    assert_int_equal(ndGetLastError()->code, ND_ERR_NO_ROOT);
    assert_non_null(strstr(ndGetLastError()->message, "/nonexistent-root"));
    /* a success clears the thread's error */
    assert_true(ndNodeNumOfDevices(f->conn, 0) > 0);
    assert_null(ndGetLastError());
}

static void test_max_smaller_than_count(void **state)
{
    fx *f = *state;
    int n = ndNodeNumOfDevices(f->conn, 0);
    assert_true(n >= 3);
    char *all[64] = { 0 }, *some[2] = { 0 };
    assert_int_equal(ndNodeListDevices(f->conn, all, 64, 0), n);
    assert_int_equal(ndNodeListDevices(f->conn, some, 2, 0), 2);
    assert_string_equal(some[0], all[0]);
    assert_string_equal(some[1], all[1]);
    assert_int_equal(ndNodeListDevices(f->conn, some, 0, 0), 0);
    for (int i = 1; i < n; i++)
        assert_true(strcmp(all[i - 1], all[i]) < 0);   /* byte order */
    for (int i = 0; i < n; i++)
        free(all[i]);
    free(some[0]);
    free(some[1]);
}

static void test_by_cap_and_bus(void **state)
{
    fx *f = *state;
    char *names[8] = { 0 };
    assert_int_equal(ndNodeNumOfDevicesByCap(f->conn, "system", 0), 1);
    assert_int_equal(ndNodeListDevicesByCap(f->conn, "system", names, 8, 0), 1);
    assert_string_equal(names[0], "computer");
    free(names[0]);
    /* three root hubs and the reader, one interface each */
    assert_int_equal(ndNodeNumOfDevicesByCap(f->conn, "usb_interface", 0), 4);
    assert_int_equal(ndNodeNumOfDevicesByCap(f->conn, "no_such_cap", 0), 0);
    int pci = ndNodeNumOfDevicesByBus(f->conn, "pci", 0);
    assert_true(pci >= 2);
    assert_int_equal(ndNodeListDevicesByBus(f->conn, "usb", names, 8, 0), 4);
    assert_string_equal(names[0], "usb_device_1d6b_1_0000_00_1d_0");
    assert_string_equal(names[1], "usb_device_1d6b_1_0000_00_1d_1");
    assert_string_equal(names[2], "usb_device_1d6b_2_0000_00_1d_7");
    assert_string_equal(names[3], READER);
    for (int i = 0; i < 4; i++)
        free(names[i]);
}

static void test_lookup_and_getters(void **state)
{
    fx *f = *state;
    assert_null(ndNodeDeviceLookupByName(f->conn, "pci_dead_beef"));
    assert_int_equal(ndGetLastError()->code, ND_ERR_NO_DEVICE);
    assert_non_null(strstr(ndGetLastError()->message, "pci_dead_beef"));
    assert_null(ndNodeDeviceLookupByKey(f->conn, SMBUS));   /* a name is no key */

    ndNodeDevicePtr dev = ndNodeDeviceLookupByKey(f->conn, KEY(SMBUS));
    assert_non_null(dev);
    assert_string_equal(ndNodeDeviceGetName(dev), SMBUS);
    assert_string_equal(ndNodeDeviceGetKey(dev), KEY(SMBUS));
    assert_string_equal(ndNodeDeviceGetParent(dev), KEY("computer"));
    assert_string_equal(ndNodeDeviceGetPath(dev), "/sys/devices/pci0000:00/0000:00:1f.3");
    assert_string_equal(ndNodeDeviceGetDriver(dev), "i801_smbus");
    ndNodeDeviceFree(dev);

    dev = ndNodeDeviceLookupByName(f->conn, "computer");
    assert_null(ndNodeDeviceGetParent(dev));
    assert_null(ndGetLastError());          /* no parent is no error */
    assert_null(ndNodeDeviceGetPath(dev));
    assert_null(ndNodeDeviceGetDriver(dev));
    ndNodeDeviceFree(dev);
}

static void test_handle_after_refresh(void **state)
{
    fx *f = *state;
    ndNodeDevicePtr reader = ndNodeDeviceLookupByName(f->conn, READER);
    ndNodeDevicePtr smbus = ndNodeDeviceLookupByName(f->conn, SMBUS);
    assert_non_null(reader);
    assert_non_null(smbus);
    int before = ndNodeNumOfDevices(f->conn, 0);
    /* unplug the reader: its bus entry goes (the kernel removes both) */
    char cmd[4096];
    snprintf(cmd, sizeof(cmd), "rm -f '%s/sys/bus/usb/devices/3-1' "
             "'%s/sys/bus/usb/devices/3-1:1.0'", f->root, f->root);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(ndConnectRefresh(f->conn), 0);
    assert_int_equal(ndNodeNumOfDevices(f->conn, 0), before - 2);
    assert_null(ndNodeDeviceGetName(reader));
    assert_int_equal(ndGetLastError()->code, ND_ERR_NO_DEVICE);
    assert_null(ndNodeDeviceDumpXML(reader, 0));
    assert_int_equal(ndGetLastError()->code, ND_ERR_NO_DEVICE);
    assert_string_equal(ndNodeDeviceGetName(smbus), SMBUS);   /* others live on */
    char *xml = ndNodeDeviceDumpXML(smbus, 0);
    assert_non_null(strstr(xml, "<name>" SMBUS "</name>"));
    free(xml);
    ndNodeDeviceFree(reader);
    ndNodeDeviceFree(smbus);
}

/* Readers on one connection while another thread refreshes. */
static void *reader_thread(void *arg)
{
    ndConnectPtr conn = arg;
    for (int i = 0; i < 300; i++) {
        ndNodeDevicePtr dev = ndNodeDeviceLookupByName(conn, SMBUS);
        if (!dev)
            return (void *)1;
        char *xml = ndNodeDeviceDumpXML(dev, 0);
        const char *drv = ndNodeDeviceGetDriver(dev);
        bool ok = xml && strstr(xml, "i801_smbus") && drv && strcmp(drv, "i801_smbus") == 0;
        free(xml);
        ndNodeDeviceFree(dev);
        char *names[64];
        int n = ndNodeListDevices(conn, names, 64, 0);
        for (int j = 0; j < n; j++)
            free(names[j]);
        if (!ok || n < 3)
            return (void *)1;
    }
    return NULL;
}

static void *refresh_thread(void *arg)
{
    for (int i = 0; i < 30; i++)
        if (ndConnectRefresh(arg) < 0)
            return (void *)1;
    return NULL;
}

static void test_concurrent_readers(void **state)
{
    fx *f = *state;
    pthread_t t[5];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, reader_thread, f->conn), 0);
    assert_int_equal(pthread_create(&t[4], NULL, refresh_thread, f->conn), 0);
    for (int i = 0; i < 5; i++) {
        void *r;
        pthread_join(t[i], &r);
        assert_null(r);
    }
}

/* ndConnectDumpAllXMLFd writes exactly ndConnectDumpAllXML's document;
 * a bad argument or a failed write is an error naming why. */
static void test_dump_all_fd(void **state)
{
    fx *f = *state;
    char *all = ndConnectDumpAllXML(f->conn, 0);
    assert_non_null(all);
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    assert_int_equal(ndConnectDumpAllXMLFd(f->conn, fileno(tmp), 0), 0);
    assert_null(ndGetLastError());
    size_t len = strlen(all);
    char *got = malloc(len + 2);
    rewind(tmp);
    assert_int_equal(fread(got, 1, len + 1, tmp), len);
    assert_memory_equal(got, all, len);
    fclose(tmp);
    free(got);
    free(all);

    assert_int_equal(ndConnectDumpAllXMLFd(NULL, 1, 0), -1);
    assert_int_equal(ndGetLastError()->code, ND_ERR_INVALID_ARG);
    assert_int_equal(ndConnectDumpAllXMLFd(f->conn, -1, 0), -1);
    assert_int_equal(ndConnectDumpAllXMLFd(f->conn, 1, 0x1), -1);
    int full = open("/dev/full", O_WRONLY | O_CLOEXEC);
    if (full >= 0) {
        assert_int_equal(ndConnectDumpAllXMLFd(f->conn, full, 0), -1);
        assert_int_equal(ndGetLastError()->code, ND_ERR_SYSTEM);
        assert_int_equal(ndGetLastError()->errno_value, ENOSPC);
        close(full);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_null_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_smaller_than_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_by_cap_and_bus, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookup_and_getters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_handle_after_refresh, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_readers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dump_all_fd, setup, teardown),
    };
    return cmocka_run_group_tests_name("api", tests, NULL, NULL);
}

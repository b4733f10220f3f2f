/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the hostile-tree property test (property.c) found, each pinned
 * down on a copy of the proposal fixture with just the change that showed
 * it: the dump must stay valid against nodedev.rng and show what DESIGN
 * §13 says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "helpers.h"
#include "nodedev.h"

#define USB "sys/devices/pci0000:00/0000:00:1d.1/usb3/3-1"
#define USB_IF USB "/3-1:1.0"
#define USB_NAME "usb_device_483_2016_noserial"
#define USB_IF_NAME USB_NAME "_if0"

static char *root;

static int setup(void **state)
{
    (void)state;
    root = nd_test_fixture_copy("proposal");
    return root ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    nd_test_rmtree(root);
    free(root);
    root = NULL;
    return 0;
}

static void put(const char *rel, const char *value)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(value, f);
    assert_int_equal(fclose(f), 0);
}

static void drop(const char *rel)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    assert_int_equal(unlink(path), 0);
}

static ndConnectPtr open_root(void)
{
    ndConnectPtr conn = ndConnectOpen(root, ND_CONNECT_QUIET | ND_CONNECT_SOURCE_SYSFS);
    assert_non_null(conn);
    char *all = ndConnectDumpAllXML(conn, 0);
    assert_non_null(all);
    if (nd_test_validate(all) != 0)
        fail_msg("the dump is not valid:\n%s", all);
    free(all);
    return conn;
}

/* One device's own dump (valid), or NULL when there is no such device. */
static char *device_xml(ndConnectPtr conn, const char *name)
{
    ndNodeDevicePtr dev = ndNodeDeviceLookupByName(conn, name);
    if (!dev)
        return NULL;
    char *xml = ndNodeDeviceDumpXML(dev, 0);
    ndNodeDeviceFree(dev);
    assert_non_null(xml);
    assert_int_equal(nd_test_validate(xml), 0);
    return xml;
}

/* An unreadable busnum leaves <address> out (§13); the schema required it. */
static void test_usb_without_address(void **state)
{
    (void)state;
    drop(USB "/busnum");
    ndConnectPtr conn = open_root();
    char *xml = device_xml(conn, USB_NAME);
    assert_non_null(xml);
    assert_null(strstr(xml, "<address"));
    free(xml);
    ndConnectClose(conn);
}

/* The same for an interface's class, subclass and protocol. */
static void test_usb_interface_without_fields(void **state)
{
    (void)state;
    drop(USB_IF "/bInterfaceSubClass");
    put(USB_IF "/bInterfaceProtocol", "zz\n");
    ndConnectPtr conn = open_root();
    char *xml = device_xml(conn, USB_IF_NAME);
    assert_non_null(xml);
    assert_non_null(strstr(xml, "<class>"));
    assert_null(strstr(xml, "<subclass>"));
    assert_null(strstr(xml, "<protocol>"));
    free(xml);
    ndConnectClose(conn);
}

/* A device directory whose name holds a line break: XML text may hold
 * one, so it stays in <path>, which the schema's "." did not match. */
static void test_path_with_line_break(void **state)
{
    (void)state;
    char from[4096], to[4096];
    snprintf(from, sizeof(from), "%s/" USB, root);
    snprintf(to, sizeof(to), "%s/sys/devices/pci0000:00/0000:00:1d.1/usb3/3-\n1", root);
    assert_int_equal(rename(from, to), 0);
    snprintf(from, sizeof(from), "%s/sys/bus/usb/devices/3-1", root);
    assert_int_equal(unlink(from), 0);
    assert_int_equal(symlink("../../../devices/pci0000:00/0000:00:1d.1/usb3/3-\n1", from), 0);
    ndConnectPtr conn = open_root();
    char *xml = device_xml(conn, USB_NAME);
    assert_non_null(xml);
    assert_non_null(strstr(xml, "<path>/sys/devices/pci0000:00/0000:00:1d.1/usb3/3-\n1</path>"));
    free(xml);
    ndConnectClose(conn);
}

static int num_devices(ndConnectPtr conn)
{
    int n = ndNodeNumOfDevices(conn, 0);
    assert_true(n > 0);
    return n;
}

/* Ids are 16 bits (the kernel prints 0x%04x): a wider hex number named
 * the device pci_8086_127da and gave an id= the schema refuses; such a
 * device cannot be named (DESIGN §13) and is dropped. */
static void test_id_wider_than_16_bits(void **state)
{
    (void)state;
    ndConnectPtr conn = open_root();
    int before = num_devices(conn);
    ndConnectClose(conn);
    put("sys/devices/pci0000:00/0000:00:1f.3/device", "0x127da\n");
    put(USB "/idVendor", "10483\n");
    conn = open_root();
    /* the PCI function, the USB device; its interface stays (under the
     * controller) but its name follows the parent's, so it changes */
    assert_int_equal(num_devices(conn), before - 2);
    char *xml = device_xml(conn, USB_NAME);
    assert_null(xml);
    ndConnectClose(conn);
}

/* Interface numbers and class bytes are bytes: wider ones left the schema
 * (id8). A wide bInterfaceNumber cannot name the interface; a wide class,
 * subclass or protocol is left out. */
static void test_interface_bytes(void **state)
{
    (void)state;
    put(USB_IF "/bInterfaceClass", "1ff\n");
    ndConnectPtr conn = open_root();
    char *xml = device_xml(conn, USB_IF_NAME);
    assert_non_null(xml);
    assert_null(strstr(xml, "<class>"));
    assert_non_null(strstr(xml, "<subclass>"));
    free(xml);
    int before = num_devices(conn);
    ndConnectClose(conn);
    put(USB_IF "/bInterfaceNumber", "100\n");
    conn = open_root();
    assert_int_equal(num_devices(conn), before - 1);
    assert_null(device_xml(conn, USB_IF_NAME));
    ndConnectClose(conn);
}

/* <address bus= dev=> holds three digits each: a bus or device number of
 * 1000 or more (the kernel's are below 128) is left out. */
static void test_usb_numbers_too_wide(void **state)
{
    (void)state;
    put(USB "/devnum", "1000\n");
    ndConnectPtr conn = open_root();
    char *xml = device_xml(conn, USB_NAME);
    assert_non_null(xml);
    assert_null(strstr(xml, "<address"));
    free(xml);
    ndConnectClose(conn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_usb_without_address, setup, teardown),
        cmocka_unit_test_setup_teardown(test_usb_interface_without_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_path_with_line_break, setup, teardown),
        cmocka_unit_test_setup_teardown(test_id_wider_than_16_bits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interface_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_usb_numbers_too_wide, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

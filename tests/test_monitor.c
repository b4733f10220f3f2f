/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Device events (issue 6) under umockdev: PCI, USB, SCSI and net devices
 * added, changed (attributes, driver binding) and removed in a testbed;
 * after each step the callbacks, the index (lookups, parents, counts) and,
 * where the names are the canonical ones, the whole dump against a fresh
 * scan; the CLI's `monitor` lines; a burst of 10,000 events with no event
 * lost and the model's memory bounded. Every test runs with the udev
 * source and with the sysfs source (whose root is then the testbed).
 *
 * umockdev's preload must be there from the start, so the program
 * re-executes itself with LD_PRELOAD=libumockdev-preload.so.0 (what
 * umockdev-wrapper does). Without libumockdev at build time, or when the
 * preload cannot be loaded, it exits 77: skipped, never passed.
 *
 * umockdev sends each event synchronously into every listening socket, so
 * after a testbed call the events are queued already and one dispatch
 * takes them all: no waiting. Its sends do not block, and a full socket
 * aborts it: the queue of a datagram socket is short (net.unix.
 * max_dgram_qlen, 10 here), so no step sends more than a few events
 * without a dispatch, and the burst keeps at most 8 in flight.
 */
#include <stdio.h>

#ifndef ND_HAVE_UMOCKDEV
int main(void)
{
    printf("SKIP: built without libumockdev (Debian package libumockdev-dev)\n");
    return 77;
}
#else

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <umockdev.h>
#include <unistd.h>
#include "internal.h"
#include "nodedev.h"

#define KEY(n) "/org/freedesktop/Hal/devices/" n
#define PCI_ROOT "/sys/devices/pci0000:00"
#define MAX_EVENTS 64

typedef struct event {
    int action;
    char name[256], key[300];
} event;

typedef struct fx {
    unsigned flags;              /* the source */
    UMockdevTestbed *tb;
    char *root;
    ndConnectPtr conn;
    int fd;
    event ev[MAX_EVENTS];
    int nev;
    bool wrong_conn;
    pid_t cli;                   /* a running `nodedev monitor`, or 0 */
} fx;

static unsigned src_udev = ND_CONNECT_SOURCE_UDEV;
static unsigned src_sysfs = ND_CONNECT_SOURCE_SYSFS;

static void on_event(ndConnectPtr conn, const char *name, const char *key, int action,
                     void *opaque)
{
    fx *f = opaque;
    if (conn != f->conn)
        f->wrong_conn = true;
    if (f->nev < MAX_EVENTS) {
        event *e = &f->ev[f->nev];
        e->action = action;
        snprintf(e->name, sizeof(e->name), "%s", name);
        snprintf(e->key, sizeof(e->key), "%s", key);
    }
    f->nev++;
}

static void add(fx *f, const char *text)
{
    GError *err = NULL;
    if (!umockdev_testbed_add_from_string(f->tb, text, &err))
        fail_msg("umockdev cannot add %s: %s", text, err ? err->message : "?");
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof(*f));
    f->flags = *(unsigned *)*state;
    f->tb = umockdev_testbed_new();
    f->root = umockdev_testbed_get_root_dir(f->tb);
    add(f, "P: /devices/pci0000:00/0000:00:1f.3\nE: SUBSYSTEM=pci\n"
           "A: vendor=0x8086\nA: device=0x27da\n");
    f->conn = ndConnectOpen(f->root, f->flags | ND_CONNECT_QUIET);
    if (!f->conn) {
        fprintf(stderr, "cannot open %s: %s\n", f->root, ndGetLastError()->message);
        return -1;
    }
    f->fd = ndConnectMonitorOpen(f->conn, on_event, f);
    if (f->fd < 0) {
        fprintf(stderr, "cannot monitor: %s\n", ndGetLastError()->message);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    if (f->cli > 0) {
        /* a failed check left it running */
        kill(f->cli, SIGKILL);
        waitpid(f->cli, NULL, 0);
    }
    ndConnectClose(f->conn);
    g_free(f->root);
    g_object_unref(f->tb);
    free(f);
    return 0;
}

/* Dispatch what the testbed call queued; the events it gave. */
static int dispatch(fx *f)
{
    f->nev = 0;
    int n = ndConnectMonitorDispatch(f->conn);
    assert_int_not_equal(n, -1);
    assert_int_equal(n, f->nev);
    assert_false(f->wrong_conn);
    return n;
}

static void assert_event(fx *f, int i, int action, const char *name)
{
    assert_true(i < f->nev);
    assert_string_equal(ndEventActionName(f->ev[i].action), ndEventActionName(action));
    assert_string_equal(f->ev[i].name, name);
    char key[300];
    snprintf(key, sizeof(key), KEY("%s"), name);
    assert_string_equal(f->ev[i].key, key);
}

/* What a getter says of the device called name (NULL: no such device). */
static char *get(fx *f, const char *name, const char *(*getter)(ndNodeDevicePtr))
{
    ndNodeDevicePtr d = ndNodeDeviceLookupByName(f->conn, name);
    if (!d)
        return NULL;
    const char *v = getter(d);
    char *copy = strdup(v ? v : "(none)");
    ndNodeDeviceFree(d);
    return copy;
}

static void assert_parent(fx *f, const char *name, const char *parent)
{
    char *p = get(f, name, ndNodeDeviceGetParent);
    char key[300];
    snprintf(key, sizeof(key), KEY("%s"), parent);
    assert_non_null(p);
    assert_string_equal(p, key);
    free(p);
}

static void assert_absent(fx *f, const char *name)
{
    assert_null(ndNodeDeviceLookupByName(f->conn, name));
    assert_int_equal(ndGetLastError()->code, ND_ERR_NO_DEVICE);
}

static char *device_xml(fx *f, const char *name)
{
    ndNodeDevicePtr d = ndNodeDeviceLookupByName(f->conn, name);
    assert_non_null(d);
    char *xml = ndNodeDeviceDumpXML(d, 0);
    ndNodeDeviceFree(d);
    assert_non_null(xml);
    return xml;
}

/* The updated index is what a scan of the testbed gives now (while the
 * names are the canonical ones). */
static void assert_matches_fresh(fx *f)
{
    ndConnectPtr c = ndConnectOpen(f->root, f->flags | ND_CONNECT_QUIET);
    assert_non_null(c);
    char *fresh = ndConnectDumpAllXML(c, 0), *mine = ndConnectDumpAllXML(f->conn, 0);
    assert_non_null(fresh);
    assert_non_null(mine);
    if (strcmp(mine, fresh) != 0) {
        size_t at = 0;
        while (mine[at] == fresh[at])
            at++;
        size_t from = at > 300 ? at - 300 : 0;
        fail_msg("the index differs from a fresh scan at byte %zu:\n"
                 "--- index:\n%.500s\n--- fresh scan:\n%.500s", at, mine + from,
                 fresh + from);
    }
    assert_int_equal(ndNodeNumOfDevices(f->conn, 0), ndNodeNumOfDevices(c, 0));
    /* the name table (lib/index.c) kept in step: every device by its name
     * and its key (removals and compactions went through it) */
    const nd_model *m = f->conn->model;
    for (size_t i = 0; i < m->ndevs; i++) {
        assert_ptr_equal(nd_index_by_name(m, m->by_name[i]->name), m->by_name[i]);
        assert_ptr_equal(nd_index_by_key(m, m->by_name[i]->key), m->by_name[i]);
    }
    free(fresh);
    free(mine);
    ndConnectClose(c);
}

static void test_pci(void **state)
{
    fx *f = *state;
    const char *nic = PCI_ROOT "/0000:00:19.0", *nic2 = PCI_ROOT "/0000:00:1c.0";
    add(f, "P: /devices/pci0000:00/0000:00:19.0\nE: SUBSYSTEM=pci\n"
           "A: vendor=0x8086\nA: device=0x10d3\n");
    assert_int_equal(dispatch(f), 1);
    assert_event(f, 0, ND_EVENT_ADDED, "pci_8086_10d3");
    assert_parent(f, "pci_8086_10d3", "computer");
    assert_int_equal(ndNodeNumOfDevices(f->conn, 0), 3);
    assert_matches_fresh(f);

    /* the same body again: the first free suffix */
    add(f, "P: /devices/pci0000:00/0000:00:1c.0\nE: SUBSYSTEM=pci\n"
           "A: vendor=0x8086\nA: device=0x10d3\n");
    assert_int_equal(dispatch(f), 1);
    assert_event(f, 0, ND_EVENT_ADDED, "pci_8086_10d3_0");
    assert_int_equal(ndNodeNumOfDevicesByBus(f->conn, "pci", 0), 3);
    assert_matches_fresh(f);

    /* binding: the driver link appears, the kernel says "bind" */
    char *drv = g_build_filename(f->root, "sys/bus/pci/drivers/e1000e", NULL);
    assert_int_equal(g_mkdir_with_parents(drv, 0755), 0);
    g_free(drv);
    umockdev_testbed_set_attribute_link(f->tb, nic, "driver", "../../../bus/pci/drivers/e1000e");
    umockdev_testbed_uevent(f->tb, nic, "bind");
    assert_int_equal(dispatch(f), 1);
    assert_event(f, 0, ND_EVENT_CHANGED, "pci_8086_10d3");
    char *d = get(f, "pci_8086_10d3", ndNodeDeviceGetDriver);
    assert_string_equal(d, "e1000e");
    free(d);
    assert_matches_fresh(f);

    umockdev_testbed_uevent(f->tb, nic2, "remove");
    umockdev_testbed_remove_device(f->tb, nic2);
    assert_int_equal(dispatch(f), 1);
    assert_event(f, 0, ND_EVENT_REMOVED, "pci_8086_10d3_0");
    assert_absent(f, "pci_8086_10d3_0");
    assert_matches_fresh(f);

    /* an attribute changes: the device keeps its name, its XML follows */
    umockdev_testbed_set_attribute(f->tb, nic, "device", "0x10d4");
    umockdev_testbed_uevent(f->tb, nic, "change");
    assert_int_equal(dispatch(f), 1);
    assert_event(f, 0, ND_EVENT_CHANGED, "pci_8086_10d3");
    char *xml = device_xml(f, "pci_8086_10d3");
    assert_non_null(strstr(xml, "<product id=\"4308\">"));
    free(xml);

    /* a subsystem no probe models wakes nothing */
    add(f, "P: /devices/virtual/power_supply/BAT0\nE: SUBSYSTEM=power_supply\n"
           "A: type=Battery\n");
    assert_int_equal(dispatch(f), 0);

    /* a refresh names canonically: 10d4 now */
    assert_int_equal(ndConnectRefresh(f->conn), 0);
    assert_absent(f, "pci_8086_10d3");
    free(get(f, "pci_8086_10d4", ndNodeDeviceGetName));
    assert_matches_fresh(f);
}

static void test_usb(void **state)
{
    fx *f = *state;
    add(f, "P: /devices/pci0000:00/0000:00:1d.0\nE: SUBSYSTEM=pci\n"
           "A: vendor=0x8086\nA: device=0x27c8\n");
    assert_int_equal(dispatch(f), 1);
    add(f, "P: /devices/pci0000:00/0000:00:1d.0/usb2\nE: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\n"
           "A: idVendor=1d6b\nA: idProduct=0001\nA: busnum=2\nA: devnum=1\n"
           "A: serial=0000:00:1d.0\n\n"
           "P: /devices/pci0000:00/0000:00:1d.0/usb2/2-0:1.0\nE: SUBSYSTEM=usb\n"
           "E: DEVTYPE=usb_interface\nA: bInterfaceNumber=00\nA: bInterfaceClass=09\n"
           "A: bInterfaceSubClass=00\nA: bInterfaceProtocol=00\n");
    assert_int_equal(dispatch(f), 2);
    assert_event(f, 0, ND_EVENT_ADDED, "usb_device_1d6b_1_0000_00_1d_0");
    assert_event(f, 1, ND_EVENT_ADDED, "usb_device_1d6b_1_0000_00_1d_0_if0");
    assert_parent(f, "usb_device_1d6b_1_0000_00_1d_0", "pci_8086_27c8");
    assert_parent(f, "usb_device_1d6b_1_0000_00_1d_0_if0", "usb_device_1d6b_1_0000_00_1d_0");
    assert_matches_fresh(f);

    add(f, "P: /devices/pci0000:00/0000:00:1d.0/usb2/2-1\nE: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\n"
           "A: idVendor=f00d\nA: idProduct=0001\nA: busnum=2\nA: devnum=2\n"
           "A: manufacturer=Acme\nA: product=Gadget\n\n"
           "P: /devices/pci0000:00/0000:00:1d.0/usb2/2-1/2-1:1.0\nE: SUBSYSTEM=usb\n"
           "E: DEVTYPE=usb_interface\nA: bInterfaceNumber=00\nA: bInterfaceClass=ff\n"
           "A: bInterfaceSubClass=00\nA: bInterfaceProtocol=00\n");
    assert_int_equal(dispatch(f), 2);
    assert_event(f, 0, ND_EVENT_ADDED, "usb_device_f00d_1_noserial");
    assert_event(f, 1, ND_EVENT_ADDED, "usb_device_f00d_1_noserial_if0");
    assert_int_equal(ndNodeNumOfDevicesByBus(f->conn, "usb", 0), 2);
    assert_int_equal(ndNodeNumOfDevicesByCap(f->conn, "usb_interface", 0), 2);
    assert_matches_fresh(f);

    umockdev_testbed_set_attribute(f->tb, PCI_ROOT "/0000:00:1d.0/usb2/2-1", "product",
                                   "Gadget 2");
    umockdev_testbed_uevent(f->tb, PCI_ROOT "/0000:00:1d.0/usb2/2-1", "change");
    assert_int_equal(dispatch(f), 1);
    assert_event(f, 0, ND_EVENT_CHANGED, "usb_device_f00d_1_noserial");
    char *xml = device_xml(f, "usb_device_f00d_1_noserial");
    assert_non_null(strstr(xml, ">Gadget 2</product>"));
    free(xml);
    assert_matches_fresh(f);

    /* the controller goes: everything below it goes, children first */
    umockdev_testbed_uevent(f->tb, PCI_ROOT "/0000:00:1d.0", "remove");
    umockdev_testbed_remove_device(f->tb, PCI_ROOT "/0000:00:1d.0");
    assert_int_equal(dispatch(f), 5);
    assert_event(f, 4, ND_EVENT_REMOVED, "pci_8086_27c8");
    for (int i = 0; i < 4; i++)
        assert_int_equal(f->ev[i].action, ND_EVENT_REMOVED);
    assert_absent(f, "usb_device_f00d_1_noserial_if0");
    assert_absent(f, "usb_device_1d6b_1_0000_00_1d_0");
    assert_int_equal(ndNodeNumOfDevices(f->conn, 0), 2);
    assert_matches_fresh(f);
}

static void test_scsi(void **state)
{
    fx *f = *state;
    add(f, "P: /devices/pci0000:00/0000:00:1f.2\nE: SUBSYSTEM=pci\n"
           "A: vendor=0x8086\nA: device=0x27c5\n");
    assert_int_equal(dispatch(f), 1);
    /* the host's own "scsi" event is not a LUN; its scsi_host class
     * device makes it a SCSI host */
    add(f, "P: /devices/pci0000:00/0000:00:1f.2/host0\nE: SUBSYSTEM=scsi\nE: DEVTYPE=scsi_host\n\n"
           "P: /devices/pci0000:00/0000:00:1f.2/host0/scsi_host/host0\nE: SUBSYSTEM=scsi_host\n"
           "A: proc_name=ahci\n\n"
           "P: /devices/pci0000:00/0000:00:1f.2/host0/target0:0:0\nE: SUBSYSTEM=scsi\n"
           "E: DEVTYPE=scsi_target\n\n"
           "P: /devices/pci0000:00/0000:00:1f.2/host0/target0:0:0/0:0:0:0\nE: SUBSYSTEM=scsi\n"
           "E: DEVTYPE=scsi_device\nA: type=0\nA: vendor=ATA\nA: model=Disk One\n");
    assert_int_equal(dispatch(f), 2);
    assert_event(f, 0, ND_EVENT_ADDED, "pci_8086_27c5_scsi_host");
    assert_event(f, 1, ND_EVENT_ADDED, "pci_8086_27c5_scsi_host_scsi_device_lun0");
    assert_parent(f, "pci_8086_27c5_scsi_host_scsi_device_lun0", "pci_8086_27c5_scsi_host");
    assert_int_equal(ndNodeNumOfDevicesByCap(f->conn, "scsihost", 0), 1);
    assert_matches_fresh(f);

    const char *lun = PCI_ROOT "/0000:00:1f.2/host0/target0:0:0/0:0:0:0";
    umockdev_testbed_set_attribute(f->tb, lun, "model", "Disk Two");
    umockdev_testbed_uevent(f->tb, lun, "change");
    assert_int_equal(dispatch(f), 1);
    assert_event(f, 0, ND_EVENT_CHANGED, "pci_8086_27c5_scsi_host_scsi_device_lun0");
    char *xml = device_xml(f, "pci_8086_27c5_scsi_host_scsi_device_lun0");
    assert_non_null(strstr(xml, "<model>Disk Two</model>"));
    free(xml);
    assert_matches_fresh(f);

    /* a LUN whose host is not known yet hangs off the nearest known
     * ancestor, and moves under the host when that appears */
    add(f, "P: /devices/pci0000:00/0000:00:1f.2/host1\nE: SUBSYSTEM=scsi\nE: DEVTYPE=scsi_host\n\n"
           "P: /devices/pci0000:00/0000:00:1f.2/host1/target1:0:0/1:0:0:0\nE: SUBSYSTEM=scsi\n"
           "E: DEVTYPE=scsi_device\nA: type=5\nA: vendor=HL-DT-ST\nA: model=DVD\n");
    assert_int_equal(dispatch(f), 1);
    assert_event(f, 0, ND_EVENT_ADDED, "pci_8086_27c5_scsi_device_lun0");
    assert_parent(f, "pci_8086_27c5_scsi_device_lun0", "pci_8086_27c5");
    add(f, "P: /devices/pci0000:00/0000:00:1f.2/host1/scsi_host/host1\nE: SUBSYSTEM=scsi_host\n"
           "A: proc_name=ahci\n");
    assert_int_equal(dispatch(f), 2);
    assert_event(f, 0, ND_EVENT_ADDED, "pci_8086_27c5_scsi_host_0");
    assert_event(f, 1, ND_EVENT_CHANGED, "pci_8086_27c5_scsi_device_lun0");
    assert_parent(f, "pci_8086_27c5_scsi_device_lun0", "pci_8086_27c5_scsi_host_0");
    /* the LUN kept the name it was given; a refresh gives the canonical one */
    assert_int_equal(ndConnectRefresh(f->conn), 0);
    assert_absent(f, "pci_8086_27c5_scsi_device_lun0");
    assert_parent(f, "pci_8086_27c5_scsi_host_0_scsi_device_lun0", "pci_8086_27c5_scsi_host_0");
    assert_matches_fresh(f);

    /* the class device goes: its host and the LUN below go */
    const char *cls = PCI_ROOT "/0000:00:1f.2/host0/scsi_host/host0";
    umockdev_testbed_uevent(f->tb, cls, "remove");
    umockdev_testbed_remove_device(f->tb, PCI_ROOT "/0000:00:1f.2/host0");
    assert_int_equal(dispatch(f), 2);
    assert_event(f, 0, ND_EVENT_REMOVED, "pci_8086_27c5_scsi_host_scsi_device_lun0");
    assert_event(f, 1, ND_EVENT_REMOVED, "pci_8086_27c5_scsi_host");
    assert_absent(f, "pci_8086_27c5_scsi_host");
    /* host1 keeps "_0" although the bare name is free now; a refresh
     * renames it canonically */
    assert_parent(f, "pci_8086_27c5_scsi_host_0_scsi_device_lun0", "pci_8086_27c5_scsi_host_0");
    assert_int_equal(ndNodeNumOfDevicesByCap(f->conn, "scsihost", 0), 1);
    assert_int_equal(ndConnectRefresh(f->conn), 0);
    assert_parent(f, "pci_8086_27c5_scsi_host_scsi_device_lun0", "pci_8086_27c5_scsi_host");
    assert_matches_fresh(f);
}

static void test_net(void **state)
{
    fx *f = *state;
    add(f, "P: /devices/pci0000:00/0000:00:19.0\nE: SUBSYSTEM=pci\n"
           "A: vendor=0x8086\nA: device=0x10d3\n");
    assert_int_equal(dispatch(f), 1);
    const char *eth = PCI_ROOT "/0000:00:19.0/net/eth0";
    add(f, "P: /devices/pci0000:00/0000:00:19.0/net/eth0\nE: SUBSYSTEM=net\n"
           "E: INTERFACE=eth0\nE: IFINDEX=2\nA: ifindex=2\nA: type=1\n"
           "A: address=00:13:02:b9:f9:d3\n\n"
           "P: /devices/virtual/net/lo\nE: SUBSYSTEM=net\nE: INTERFACE=lo\nE: IFINDEX=1\n"
           "A: ifindex=1\nA: type=772\nA: address=00:00:00:00:00:00\n");
    assert_int_equal(dispatch(f), 2);
    assert_event(f, 0, ND_EVENT_ADDED, "net_00_13_02_b9_f9_d3");
    assert_event(f, 1, ND_EVENT_ADDED, "net_computer_loopback");
    assert_parent(f, "net_00_13_02_b9_f9_d3", "pci_8086_10d3");
    assert_int_equal(ndNodeNumOfDevicesByCap(f->conn, "80203", 0), 1);
    assert_int_equal(ndNodeNumOfDevicesByCap(f->conn, "loopback", 0), 1);
    assert_matches_fresh(f);

    /* a new MAC: same name, new <hwaddr> */
    umockdev_testbed_set_attribute(f->tb, eth, "address", "02:00:00:00:00:01");
    umockdev_testbed_uevent(f->tb, eth, "change");
    assert_int_equal(dispatch(f), 1);
    assert_event(f, 0, ND_EVENT_CHANGED, "net_00_13_02_b9_f9_d3");
    char *xml = device_xml(f, "net_00_13_02_b9_f9_d3");
    assert_non_null(strstr(xml, "<hwaddr>02:00:00:00:00:01</hwaddr>"));
    free(xml);

    umockdev_testbed_uevent(f->tb, eth, "remove");
    umockdev_testbed_remove_device(f->tb, eth);
    assert_int_equal(dispatch(f), 1);
    assert_event(f, 0, ND_EVENT_REMOVED, "net_00_13_02_b9_f9_d3");
    assert_absent(f, "net_00_13_02_b9_f9_d3");
    assert_int_equal(ndNodeNumOfDevicesByCap(f->conn, "net", 0), 1);
    assert_matches_fresh(f);
}

/* A subtree of more than 16 devices leaves by_name in one sweep (fewer
 * leave it one binary search each): the index is right either way. */
static void test_big_subtree(void **state)
{
    fx *f = *state;
    add(f, "P: /devices/pci0000:00/0000:00:14.0\nE: SUBSYSTEM=pci\n"
           "A: vendor=0x8086\nA: device=0xa36d\n\n"
           "P: /devices/pci0000:00/0000:00:14.0/usb1\nE: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\n"
           "A: idVendor=1d6b\nA: idProduct=0002\nA: busnum=1\nA: devnum=1\n"
           "A: serial=0000:00:14.0\n");
    assert_int_equal(dispatch(f), 2);
    for (int i = 0; i < 24; i++) {
        char text[512];
        snprintf(text, sizeof(text),
                 "P: /devices/pci0000:00/0000:00:14.0/usb1/1-0:1.%d\nE: SUBSYSTEM=usb\n"
                 "E: DEVTYPE=usb_interface\nA: bInterfaceNumber=%02x\nA: bInterfaceClass=09\n"
                 "A: bInterfaceSubClass=00\nA: bInterfaceProtocol=00\n", i, i);
        add(f, text);
        assert_int_equal(dispatch(f), 1);
    }
    assert_int_equal(ndNodeNumOfDevices(f->conn, 0), 2 + 2 + 24);
    assert_matches_fresh(f);
    umockdev_testbed_uevent(f->tb, PCI_ROOT "/0000:00:14.0", "remove");
    umockdev_testbed_remove_device(f->tb, PCI_ROOT "/0000:00:14.0");
    assert_int_equal(dispatch(f), 26);
    assert_event(f, 25, ND_EVENT_REMOVED, "pci_8086_a36d");
    assert_int_equal(ndNodeNumOfDevices(f->conn, 0), 2);
    char *names[4] = { 0 };
    assert_int_equal(ndNodeListDevices(f->conn, names, 4, 0), 2);
    assert_string_equal(names[0], "computer");
    assert_string_equal(names[1], "pci_8086_27da");
    free(names[0]);
    free(names[1]);
    assert_matches_fresh(f);
}

/* ---- the CLI --------------------------------------------------------- */

typedef struct child {
    pid_t pid;
    int out;                     /* its stdout */
    char buf[4096];
    size_t len;
} child;

static void cli_start(fx *f, child *c, bool json)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    c->len = 0;
    c->pid = fork();
    assert_true(c->pid >= 0);
    if (c->pid == 0) {
        dup2(p[1], 1);
        /* nothing of the test's but stderr: a pipe reader waits for EOF */
        for (int fd = 3; fd < 1024; fd++)
            if (fd != p[1])
                close(fd);
        close(p[0]);
        close(p[1]);
        const char *src = f->flags == ND_CONNECT_SOURCE_UDEV ? "udev" : "sysfs";
        execl(ND_CLI, "nodedev", "--root", f->root, "--source", src, "monitor",
              json ? "--json" : NULL, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    c->out = p[0];
    f->cli = c->pid;
}

/* The child's next line, waiting at most ms; NULL when none came. */
static char *cli_line(child *c, int ms)
{
    for (;;) {
        char *nl = memchr(c->buf, '\n', c->len);
        if (nl) {
            size_t n = (size_t)(nl - c->buf);
            char *line = strndup(c->buf, n);
            memmove(c->buf, nl + 1, c->len - n - 1);
            c->len -= n + 1;
            return line;
        }
        struct pollfd p = { .fd = c->out, .events = POLLIN };
        if (poll(&p, 1, ms) <= 0)
            return NULL;
        ssize_t r = read(c->out, c->buf + c->len, sizeof(c->buf) - c->len);
        if (r <= 0)
            return NULL;
        c->len += (size_t)r;
    }
}

/* The child listens once a "change" of the SMBus controller shows; until
 * then umockdev just has no socket of its to send to. Bounded. */
static void cli_wait_ready(fx *f, child *c, const char *want)
{
    for (int i = 0; i < 100; i++) {
        umockdev_testbed_uevent(f->tb, PCI_ROOT "/0000:00:1f.3", "change");
        char *line = cli_line(c, 100);
        if (line) {
            assert_string_equal(line, want);
            free(line);
            /* later changes may still be queued: drop them */
            while ((line = cli_line(c, 200)))
                free(line);
            return;
        }
    }
    fail_msg("nodedev monitor printed nothing within 10 s");
}

static void cli_stop(fx *f, child *c, int sig)
{
    kill(c->pid, sig);
    int st;
    assert_int_equal(waitpid(c->pid, &st, 0), c->pid);
    f->cli = 0;
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    close(c->out);
}

static void test_cli(void **state)
{
    fx *f = *state;
    /* this process would not read its own socket: keep it out */
    assert_int_equal(ndConnectMonitorClose(f->conn), 0);
    child c;
    cli_start(f, &c, false);
    cli_wait_ready(f, &c, "changed pci_8086_27da " KEY("pci_8086_27da"));
    add(f, "P: /devices/pci0000:00/0000:00:19.0\nE: SUBSYSTEM=pci\n"
           "A: vendor=0x8086\nA: device=0x10d3\n");
    char *line = cli_line(&c, 5000);
    assert_non_null(line);
    assert_string_equal(line, "added pci_8086_10d3 " KEY("pci_8086_10d3"));
    free(line);
    umockdev_testbed_uevent(f->tb, PCI_ROOT "/0000:00:19.0", "remove");
    umockdev_testbed_remove_device(f->tb, PCI_ROOT "/0000:00:19.0");
    line = cli_line(&c, 5000);
    assert_non_null(line);
    assert_string_equal(line, "removed pci_8086_10d3 " KEY("pci_8086_10d3"));
    free(line);
    cli_stop(f, &c, SIGTERM);

    cli_start(f, &c, true);
    cli_wait_ready(f, &c, "{\"action\":\"changed\",\"name\":\"pci_8086_27da\",\"key\":\""
                          KEY("pci_8086_27da") "\"}");
    add(f, "P: /devices/pci0000:00/0000:00:19.0\nE: SUBSYSTEM=pci\n"
           "A: vendor=0x8086\nA: device=0x10d3\n");
    line = cli_line(&c, 5000);
    assert_non_null(line);
    assert_string_equal(line, "{\"action\":\"added\",\"name\":\"pci_8086_10d3\",\"key\":\""
                              KEY("pci_8086_10d3") "\"}");
    free(line);
    cli_stop(f, &c, SIGINT);
}

/* ---- a burst ----------------------------------------------------------- */

typedef struct burst {
    fx *f;
    int fd;
    pthread_mutex_t lock;
    pthread_cond_t more;
    struct timespec until;
    long seen, added, removed;
    int stop;
    int rc;
} burst;

static void on_burst_event(ndConnectPtr conn, const char *name, const char *key, int action,
                           void *opaque)
{
    (void)conn;
    (void)key;
    burst *b = opaque;
    pthread_mutex_lock(&b->lock);
    b->seen++;
    if (action == ND_EVENT_ADDED && strcmp(name, "net_00_13_02_b9_f9_d3") == 0)
        b->added++;
    if (action == ND_EVENT_REMOVED && strcmp(name, "net_00_13_02_b9_f9_d3") == 0)
        b->removed++;
    pthread_cond_signal(&b->more);
    pthread_mutex_unlock(&b->lock);
}

/* The dispatcher: what an application's event loop would do. */
static void *burst_loop(void *opaque)
{
    burst *b = opaque;
    int fd = b->fd;
    while (!__atomic_load_n(&b->stop, __ATOMIC_ACQUIRE)) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int r = poll(&p, 1, 100);
        if (r > 0 && ndConnectMonitorDispatch(b->f->conn) < 0) {
            b->rc = -1;
            break;
        }
    }
    return NULL;
}

/* Wait until the dispatcher is at most `behind` events behind `sent`;
 * false after 10 s without progress. */
static bool burst_wait(burst *b, long sent, long behind)
{
    pthread_mutex_lock(&b->lock);
    long last = -1;
    while (sent - b->seen > behind) {
        if (b->seen != last) {
            last = b->seen;
            clock_gettime(CLOCK_REALTIME, &b->until);
            b->until.tv_sec += 10;
        }
        if (pthread_cond_timedwait(&b->more, &b->lock, &b->until) == ETIMEDOUT &&
            b->seen == last)
            break;
    }
    bool ok = sent - b->seen <= behind;
    pthread_mutex_unlock(&b->lock);
    return ok;
}

static void test_burst(void **state)
{
    fx *f = *state;
    enum { EVENTS = 10000, IN_FLIGHT = 8 };
    const char *eth = PCI_ROOT "/0000:00:1f.3/net/eth0";
    add(f, "P: /devices/pci0000:00/0000:00:1f.3/net/eth0\nE: SUBSYSTEM=net\n"
           "E: INTERFACE=eth0\nE: IFINDEX=2\nA: ifindex=2\nA: type=1\n"
           "A: address=00:13:02:b9:f9:d3\n");
    assert_int_equal(dispatch(f), 1);
    size_t arena_before = nd_arena_size(f->conn->model->arena);

    burst b = { .f = f, .lock = PTHREAD_MUTEX_INITIALIZER, .more = PTHREAD_COND_INITIALIZER };
    assert_int_equal(ndConnectMonitorClose(f->conn), 0);
    b.fd = ndConnectMonitorOpen(f->conn, on_burst_event, &b);
    assert_true(b.fd >= 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, burst_loop, &b), 0);

    /* eth0 removed and added again, 5,000 times, never more than
     * IN_FLIGHT events ahead of the dispatcher (umockdev's limit) */
    long sent = 0;
    for (int i = 0; i < EVENTS; i++) {
        if (!burst_wait(&b, sent, IN_FLIGHT - 1))
            fail_msg("the dispatcher is stuck %ld events behind", sent - b.seen);
        umockdev_testbed_uevent(f->tb, eth, i % 2 ? "add" : "remove");
        sent++;
    }
    bool done = burst_wait(&b, sent, 0);
    __atomic_store_n(&b.stop, 1, __ATOMIC_RELEASE);
    pthread_join(t, NULL);
    assert_true(done);
    assert_int_equal(b.rc, 0);

    /* every event gave exactly one callback: none lost, none doubled */
    assert_int_equal(b.seen, EVENTS);
    assert_int_equal(b.added, EVENTS / 2);
    assert_int_equal(b.removed, EVENTS / 2);
    /* the index ends where it began */
    assert_int_equal(ndNodeNumOfDevices(f->conn, 0), 3);
    free(get(f, "net_00_13_02_b9_f9_d3", ndNodeDeviceGetName));
    assert_matches_fresh(f);
    /* 5,000 copies of eth0 went through the model's arena: compaction
     * keeps it to the order of what the scan took */
    size_t arena_after = nd_arena_size(f->conn->model->arena);
    if (arena_after > 2 * arena_before + 1024 * 1024)
        fail_msg("the model's arena grew from %zu to %zu bytes", arena_before, arena_after);
}

/* ---- refreshes and a callback that closes ---------------------------- */

static void on_event_close(ndConnectPtr conn, const char *name, const char *key, int action,
                           void *opaque)
{
    on_event(conn, name, key, action, opaque);
    ndConnectMonitorClose(conn);
}

static void test_refresh_and_close(void **state)
{
    fx *f = *state;
    /* refreshes between events put other models in place (maybe at an
     * address an earlier one had): the next event still lands right */
    for (int i = 0; i < 3; i++)
        assert_int_equal(ndConnectRefresh(f->conn), 0);
    add(f, "P: /devices/pci0000:00/0000:00:19.0\nE: SUBSYSTEM=pci\n"
           "A: vendor=0x8086\nA: device=0x10d3\n");
    assert_int_equal(dispatch(f), 1);
    assert_event(f, 0, ND_EVENT_ADDED, "pci_8086_10d3");
    assert_matches_fresh(f);
    assert_int_equal(ndConnectRefresh(f->conn), 0);
    assert_int_equal(ndConnectRefresh(f->conn), 0);
    add(f, "P: /devices/pci0000:00/0000:00:1c.0\nE: SUBSYSTEM=pci\n"
           "A: vendor=0x8086\nA: device=0x10d3\n");
    assert_int_equal(dispatch(f), 1);
    assert_event(f, 0, ND_EVENT_ADDED, "pci_8086_10d3_0");
    assert_matches_fresh(f);

    /* the blocking loop ends when a callback closes the monitor */
    assert_int_equal(ndConnectMonitorClose(f->conn), 0);
    f->nev = 0;
    int stop = 0;
    pid_t kid = fork();
    assert_true(kid >= 0);
    if (kid == 0) {
        /* the event comes once the parent's loop listens: send a few */
        for (int i = 0; i < 20; i++) {
            usleep(50 * 1000);
            umockdev_testbed_uevent(f->tb, PCI_ROOT "/0000:00:19.0", "change");
        }
        _exit(0);
    }
    assert_int_equal(ndConnectMonitorRun(f->conn, on_event_close, f, &stop), 0);
    assert_true(f->nev >= 1);
    assert_event(f, 0, ND_EVENT_CHANGED, "pci_8086_10d3");
    kill(kid, SIGKILL);
    waitpid(kid, NULL, 0);
    /* closed: a new one may be opened again (teardown closes it) */
    assert_true(ndConnectMonitorOpen(f->conn, on_event, f) >= 0);
}

/* ---- errors ---------------------------------------------------------- */

static void test_misuse(void **state)
{
    fx *f = *state;
    assert_int_equal(ndConnectMonitorOpen(f->conn, on_event, f), -1);
    assert_int_equal(ndGetLastError()->code, ND_ERR_INVALID_ARG);   /* open already */
    assert_int_equal(ndConnectMonitorOpen(NULL, on_event, f), -1);
    assert_int_equal(ndConnectMonitorDispatch(NULL), -1);
    assert_int_equal(ndConnectMonitorClose(f->conn), 0);
    assert_int_equal(ndConnectMonitorClose(f->conn), -1);
    assert_int_equal(ndConnectMonitorDispatch(f->conn), -1);
    assert_int_equal(ndConnectMonitorOpen(f->conn, NULL, NULL), -1);
    assert_null(ndEventActionName(42));
    /* a fixture root is no live host: refused without umockdev */
    char *saved = g_strdup(getenv("UMOCKDEV_DIR"));
    unsetenv("UMOCKDEV_DIR");
    assert_int_equal(ndConnectMonitorOpen(f->conn, on_event, f), -1);
    assert_int_equal(ndGetLastError()->code, ND_ERR_UNSUPPORTED);
    assert_null(ndConnectOpen(f->root, ND_CONNECT_SOURCE_UDEV));
    assert_int_equal(ndGetLastError()->code, ND_ERR_UNSUPPORTED);
    setenv("UMOCKDEV_DIR", saved, 1);
    g_free(saved);
    assert_null(ndConnectOpen(f->root, ND_CONNECT_SOURCE_UDEV | ND_CONNECT_SOURCE_SYSFS));
    assert_int_equal(ndGetLastError()->code, ND_ERR_INVALID_ARG);
}

/* ---- main ------------------------------------------------------------- */

static bool preload_active(void)
{
    void *h = dlopen("libumockdev-preload.so.0", RTLD_NOW | RTLD_NOLOAD);
    if (h)
        dlclose(h);
    return h != NULL;
}

/* Run again with umockdev's preload in front, as umockdev-wrapper would. */
static int reexec_preloaded(char **argv)
{
    if (getenv("ND_TEST_MONITOR_REEXEC")) {
        printf("SKIP: libumockdev-preload.so.0 cannot be preloaded (Debian package umockdev)\n");
        return 77;
    }
    const char *old = getenv("LD_PRELOAD");
    char *preload = g_strdup_printf("libumockdev-preload.so.0%s%s", old ? ":" : "",
                                    old ? old : "");
    setenv("LD_PRELOAD", preload, 1);
    g_free(preload);
    setenv("ND_TEST_MONITOR_REEXEC", "1", 1);
    /* a sanitizer build wants its runtime first; umockdev's is no threat */
    const char *asan = getenv("ASAN_OPTIONS");
    char *opts = g_strdup_printf("%s%sverify_asan_link_order=0", asan ? asan : "",
                                 asan ? ":" : "");
    setenv("ASAN_OPTIONS", opts, 1);
    g_free(opts);
    execv("/proc/self/exe", argv);
    printf("SKIP: cannot re-execute under umockdev: %s\n", strerror(errno));
    return 77;
}

#define BOTH(t, ...)                                                          \
    cmocka_unit_test_prestate_setup_teardown(t, setup, teardown, &src_udev), \
    cmocka_unit_test_prestate_setup_teardown(t, setup, teardown, &src_sysfs)

int main(int argc, char **argv)
{
    (void)argc;
    if (!preload_active())
        return reexec_preloaded(argv);
    const struct CMUnitTest tests[] = {
        BOTH(test_pci), BOTH(test_usb), BOTH(test_big_subtree), BOTH(test_scsi), BOTH(test_net),
        BOTH(test_cli), BOTH(test_burst), BOTH(test_refresh_and_close),
        BOTH(test_misuse),
    };
    return cmocka_run_group_tests_name("monitor", tests, NULL, NULL);
}
#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fibre Channel and SCSI over the fc-san and fc-bad fixtures: the WWN
 * lookup (DESIGN §6, §7), capability counts, the WWN normaliser, and the
 * warnings bad fc_host input gives (§13). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "helpers.h"
#include "internal.h"

typedef struct fx {
    char *root;
    bool copied;
    ndConnectPtr conn;
} fx;

static int fx_open(void **state, const char *name)
{
    fx *f = calloc(1, sizeof(*f));
    if (!f || !(f->root = nd_test_fixture_root(name, &f->copied)) ||
        !(f->conn = ndConnectOpen(f->root, ND_CONNECT_QUIET)))
        return -1;
    *state = f;
    return 0;
}

static int fx_open_san(void **state) { return fx_open(state, "fc-san"); }
static int fx_open_bad(void **state) { return fx_open(state, "fc-bad"); }

static int fx_close(void **state)
{
    fx *f = *state;
    ndConnectClose(f->conn);
    if (f->copied)
        nd_test_rmtree(f->root);
    free(f->root);
    free(f);
    return 0;
}

/* The name of the host found by WWN, or NULL with the error code in *code. */
static char *lookup(ndConnectPtr conn, const char *wwnn, const char *wwpn, int *code)
{
    ndNodeDevicePtr dev = ndNodeDeviceLookupSCSIHostByWWN(conn, wwnn, wwpn);
    const ndError *e = ndGetLastError();
    *code = e ? e->code : ND_ERR_OK;
    if (!dev)
        return NULL;
    char *name = strdup(ndNodeDeviceGetName(dev));
    ndNodeDeviceFree(dev);
    return name;
}

static void assert_lookup(ndConnectPtr conn, const char *wwnn, const char *wwpn,
                          const char *expected)
{
    int code;
    char *name = lookup(conn, wwnn, wwpn, &code);
    assert_int_equal(code, ND_ERR_OK);
    assert_non_null(name);
    assert_string_equal(name, expected);
    free(name);
}

static void assert_lookup_fails(ndConnectPtr conn, const char *wwnn, const char *wwpn,
                                int expected_code)
{
    int code;
    char *name = lookup(conn, wwnn, wwpn, &code);
    assert_null(name);
    assert_int_equal(code, expected_code);
}

static void test_wwn_normalize(void **state)
{
    (void)state;
    char out[ND_WWN_BUF];
    assert_int_equal(nd_wwn_normalize("0x20000000C9a1B2c0", out), 0);
    assert_string_equal(out, "20000000c9a1b2c0");
    assert_int_equal(nd_wwn_normalize("0X2000001B32A0B0C0", out), 0);
    assert_string_equal(out, "2000001b32a0b0c0");
    assert_int_equal(nd_wwn_normalize("5001a4a0c9a1b201", out), 0);
    assert_string_equal(out, "5001a4a0c9a1b201");
    static const char *const bad[] = {
        "", "0x", "0x0", "0x10000000c9a1b2", "10000000c9a1b2c0a", "0xZZ00000000c9a1b2",
        " 10000000c9a1b2c0", "10000000c9a1b2c0 ", "0x-0000000c9a1b2c", "x10000000c9a1b2c0",
        "0x0x10000000c9a1b2", "10000000:c9a1b2c0",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(nd_wwn_normalize(bad[i], out), -EINVAL);
    assert_int_equal(nd_wwn_normalize(NULL, out), -EINVAL);

    assert_true(nd_wwn_is_unknown("0x0"));
    assert_true(nd_wwn_is_unknown("0"));
    assert_true(nd_wwn_is_unknown("0x0000000000000000"));
    assert_true(nd_wwn_is_unknown("0xffffffffffffffff"));
    assert_true(nd_wwn_is_unknown("FFFFFFFFFFFFFFFF"));
    assert_false(nd_wwn_is_unknown("0xfffffffffffffff"));   /* 15 digits */
    assert_false(nd_wwn_is_unknown("0x"));
    assert_false(nd_wwn_is_unknown("0x100000051e4a2b01"));
}

static void test_lookup_found(void **state)
{
    ndConnectPtr conn = ((fx *)*state)->conn;
    /* Emulex port 0, as the kernel prints it, in upper case, mixed */
    assert_lookup(conn, "0x20000000c9a1b2c0", "0x10000000c9a1b2c0",
                  "pci_10df_f100_scsi_host");
    assert_lookup(conn, "0X20000000C9A1B2C0", "10000000C9A1B2C0",
                  "pci_10df_f100_scsi_host");
    assert_lookup(conn, "20000000c9A1b2C0", "0x10000000c9a1B2c0",
                  "pci_10df_f100_scsi_host");
    /* the vHBAs and the offline QLogic port */
    assert_lookup(conn, "5001a4a0c9a1b200", "5001A4A0C9A1B201",
                  "pci_10df_f100_scsi_host_scsi_host");
    assert_lookup(conn, "0x5001a4a0c9a1b210", "0x5001a4a0c9a1b211",
                  "pci_10df_f100_scsi_host_scsi_host_0");
    assert_lookup(conn, "2001001B32A0B0C0", "2101001B32A0B0C0",
                  "pci_1077_2532_0_scsi_host");

    /* the handle is a normal one */
    ndNodeDevicePtr dev = ndNodeDeviceLookupSCSIHostByWWN(conn, "0x2000001b32a0b0c0",
                                                          "0x2100001b32a0b0c0");
    assert_non_null(dev);
    assert_string_equal(ndNodeDeviceGetPath(dev),
                        "/sys/devices/pci0000:00/0000:00:03.0/0000:03:00.0/host9");
    assert_string_equal(ndNodeDeviceGetParent(dev),
                        ND_KEY_PREFIX "pci_1077_2532");
    ndNodeDeviceFree(dev);
}

static void test_lookup_not_found(void **state)
{
    ndConnectPtr conn = ((fx *)*state)->conn;
    /* wwnn and wwpn swapped, a mix of two ports, an unknown one, the
     * fabric's and a remote port's names (not hosts) */
    assert_lookup_fails(conn, "10000000c9a1b2c0", "20000000c9a1b2c0", ND_ERR_NO_DEVICE);
    assert_lookup_fails(conn, "20000000c9a1b2c0", "10000000c9a1b2c1", ND_ERR_NO_DEVICE);
    assert_lookup_fails(conn, "2000000000000001", "1000000000000001", ND_ERR_NO_DEVICE);
    assert_lookup_fails(conn, "100000051e4a2b01", "100000051e4a2b01", ND_ERR_NO_DEVICE);
    assert_lookup_fails(conn, "2ff70002ac01a2b3", "20010002ac01a2b3", ND_ERR_NO_DEVICE);
}

static void test_lookup_malformed(void **state)
{
    ndConnectPtr conn = ((fx *)*state)->conn;
    assert_lookup_fails(conn, "0x20000000c9a1b2", "0x10000000c9a1b2c0", ND_ERR_INVALID_ARG);
    assert_lookup_fails(conn, "0x20000000c9a1b2c0", "0x10000000c9a1b2c0x",
                        ND_ERR_INVALID_ARG);
    assert_lookup_fails(conn, "0xZZ000000c9a1b2c0", "0x10000000c9a1b2c0", ND_ERR_INVALID_ARG);
    assert_lookup_fails(conn, "20000000c9a1b2c0", " 10000000c9a1b2c0", ND_ERR_INVALID_ARG);
    assert_lookup_fails(conn, "", "10000000c9a1b2c0", ND_ERR_INVALID_ARG);
    assert_lookup_fails(conn, NULL, "10000000c9a1b2c0", ND_ERR_INVALID_ARG);
    assert_lookup_fails(conn, "20000000c9a1b2c0", NULL, ND_ERR_INVALID_ARG);
    assert_lookup_fails(NULL, "20000000c9a1b2c0", "10000000c9a1b2c0", ND_ERR_INVALID_ARG);
    /* the message names the bad argument */
    assert_null(ndNodeDeviceLookupSCSIHostByWWN(conn, "20000000c9a1b2c0", "0xnothex"));
    assert_non_null(strstr(ndGetLastError()->message, "0xnothex"));
}

static void assert_cap_count(ndConnectPtr conn, const char *cap, int expected)
{
    assert_int_equal(ndNodeNumOfDevicesByCap(conn, cap, 0), expected);
    char *names[64];
    int n = ndNodeListDevicesByCap(conn, cap, names, 64, 0);
    assert_int_equal(n, expected);
    for (int i = 0; i < n; i++)
        free(names[i]);
}

static void test_san_counts(void **state)
{
    ndConnectPtr conn = ((fx *)*state)->conn;
    assert_int_equal(ndConnectNumOfWarnings(conn), 0);
    /* 6 AHCI ports, 1 SAS, 4 FC ports, 2 vHBAs */
    assert_cap_count(conn, "scsihost", 13);
    /* the capability is "scsihost"; "scsi_host" is the kernel's class */
    assert_cap_count(conn, "scsi_host", 0);
    assert_cap_count(conn, "fc", 6);
    assert_cap_count(conn, "vport", 2);
    /* LUNs: SSD, DVD, SAS disk, 3 + 1 + 1 array LUNs, tape, changer */
    assert_cap_count(conn, "scsi", 10);

    char *names[2];
    assert_int_equal(ndNodeListDevicesByCap(conn, "vport", names, 2, 0), 2);
    assert_string_equal(names[0], "pci_10df_f100_scsi_host_scsi_host");
    assert_string_equal(names[1], "pci_10df_f100_scsi_host_scsi_host_0");
    for (int i = 0; i < 2; i++) {
        ndNodeDevicePtr dev = ndNodeDeviceLookupByName(conn, names[i]);
        assert_non_null(dev);
        /* vport-7:0-N is skipped: the vHBA's parent is host7's device */
        assert_string_equal(ndNodeDeviceGetParent(dev), ND_KEY_PREFIX "pci_10df_f100_scsi_host");
        ndNodeDeviceFree(dev);
        free(names[i]);
    }
}

static void test_bad_input(void **state)
{
    ndConnectPtr conn = ((fx *)*state)->conn;
    /* port_name not hex, port_name of 14 digits, max_npiv_vports missing,
     * a LUN's type not a number (see fixtures/fc-bad/make.sh) */
    assert_int_equal(ndConnectNumOfWarnings(conn), 4);
    /* both hosts and the LUN are still there */
    assert_cap_count(conn, "scsihost", 2);
    assert_cap_count(conn, "fc", 2);
    assert_cap_count(conn, "scsi", 1);
    /* no wwpn: no lookup can find them */
    assert_lookup_fails(conn, "20000000c9a1b2c0", "10000000c9a1b2c0", ND_ERR_NO_DEVICE);
    assert_lookup_fails(conn, "20000000c9a1b2c1", "10000000c9a1b2c1", ND_ERR_NO_DEVICE);
    /* the same again after a refresh: as many warnings, nothing more */
    assert_int_equal(ndConnectRefresh(conn), 0);
    assert_int_equal(ndConnectNumOfWarnings(conn), 4);
}

int main(void)
{
    const struct CMUnitTest unit[] = {
        cmocka_unit_test(test_wwn_normalize),
    };
    const struct CMUnitTest san[] = {
        cmocka_unit_test(test_lookup_found),
        cmocka_unit_test(test_lookup_not_found),
        cmocka_unit_test(test_lookup_malformed),
        cmocka_unit_test(test_san_counts),
    };
    const struct CMUnitTest bad[] = {
        cmocka_unit_test(test_bad_input),
    };
    int failed = cmocka_run_group_tests_name("wwn", unit, NULL, NULL);
    failed += cmocka_run_group_tests_name("fc-san", san, fx_open_san, fx_close);
    failed += cmocka_run_group_tests_name("fc-bad", bad, fx_open_bad, fx_close);
    return failed;
}

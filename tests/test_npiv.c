/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * NPIV create and destroy (DESIGN §6, §9) on a copy of fixtures/fc-san,
 * with tests/fake_kernel doing the kernel's part. Every write is recorded
 * through the library's write hook, so each refusal is checked to have
 * written nothing, and kernel errors are injected there.
 *
 * fc-san's FC ports: host7 pci_10df_f100_scsi_host (vports 2/255, vHBAs
 * host11 and host12), host8 pci_10df_f100_0_scsi_host (0/255), host9
 * pci_1077_2532_scsi_host (0/127), host10 pci_1077_2532_0_scsi_host
 * (Offline); host6 pci_1000_72_scsi_host is SAS.
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "helpers.h"
#include "internal.h"

#define HOST7 "sys/devices/pci0000:00/0000:00:02.0/0000:02:00.0/host7"
#define HOST8 "sys/devices/pci0000:00/0000:00:02.0/0000:02:00.1/host8"
#define HOST9 "sys/devices/pci0000:00/0000:00:03.0/0000:03:00.0/host9"
#define FC8 HOST8 "/fc_host/host8"
#define P7 "pci_10df_f100_scsi_host"
#define P8 "pci_10df_f100_0_scsi_host"
#define OK_MS 5000      /* the fake kernel answers in milliseconds */

/* ---- recorded writes ---------------------------------------------------- */

typedef struct rec {
    int n;
    char path[8][512], data[8][128];
    const char *fail_file;  /* writes to files named so fail … */
    int fail_errno;         /* … with this errno */
} rec;

static int record(const char *path, const char *data, void *ctx)
{
    rec *r = ctx;
    if (r->n < 8) {
        snprintf(r->path[r->n], sizeof(r->path[0]), "%s", path);
        snprintf(r->data[r->n], sizeof(r->data[0]), "%s", data);
        r->n++;
    }
    const char *base = strrchr(path, '/');
    if (r->fail_file && base && strcmp(base + 1, r->fail_file) == 0)
        return -r->fail_errno;
    return 0;
}

/* ---- the fixture copy and its fake kernel ------------------------------ */

typedef struct fx {
    char *root;
    pid_t fk;
    ndConnectPtr conn;
    rec rec;
} fx;

static const char *fake_kernel_path(void)
{
    const char *env = getenv("ND_FAKE_KERNEL");
    return env && *env ? env : ND_FAKE_KERNEL;
}

static void put(fx *f, const char *rel, const char *value)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/%s", f->root, rel);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(value, fp);
    fclose(fp);
}

static char *get(fx *f, const char *rel)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/%s", f->root, rel);
    char *s = nd_test_slurp(path, NULL);
    assert_non_null(s);
    s[strcspn(s, "\n")] = '\0';
    return s;
}

static bool there(fx *f, const char *rel)
{
    char path[PATH_MAX];
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s", f->root, rel);
    return lstat(path, &st) == 0;
}

static void assert_attr(fx *f, const char *rel, const char *want)
{
    char *v = get(f, rel);
    assert_string_equal(v, want);
    free(v);
}

/* Start the fake kernel with these FAKE_KERNEL facts and open the
 * connection; skips the test when the fake kernel was not built. */
static void start(fx *f, const char *facts)
{
    if (access(fake_kernel_path(), X_OK) != 0)
        skip();
    char real[PATH_MAX];
    assert_non_null(realpath(f->root, real));
    assert_string_not_equal(real, "/");    /* never the machine's devices */
    put(f, "FAKE_KERNEL", facts);
    int p[2];
    assert_int_equal(pipe(p), 0);
    char log[PATH_MAX];
    snprintf(log, sizeof(log), "%s/fake_kernel.log", f->root);
    f->fk = fork();
    assert_true(f->fk >= 0);
    if (f->fk == 0) {
        dup2(p[1], STDOUT_FILENO);
        close(p[0]);
        close(p[1]);
        execl(fake_kernel_path(), "fake_kernel", f->root, "--log", log, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    struct pollfd pf = { .fd = p[0], .events = POLLIN };
    char line[16] = "";
    ssize_t n = poll(&pf, 1, 5000) == 1 ? read(p[0], line, sizeof(line) - 1) : -1;
    close(p[0]);
    assert_true(n > 0 && strncmp(line, "ready", 5) == 0);
    f->conn = ndConnectOpen(f->root, ND_CONNECT_QUIET);
    assert_non_null(f->conn);
    nd_test_set_write_hook(record, &f->rec);
}

#define SHM_PREFIX "/dev/shm/nodedev-npiv-"

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) < 0 ? -1 : 0;
}

/* A private copy of fc-san, on tmpfs when there is one: each case needs a
 * fresh tree, and copying 800 files to a busy disk takes seconds, where
 * the whole file must stay well under ten. Else nd_test_fixture_copy. */
static char *copy_fixture(void)
{
    char tmpl[] = SHM_PREFIX "XXXXXX", cmd[PATH_MAX + 256];
    if (!mkdtemp(tmpl))
        return nd_test_fixture_copy("fc-san");
    snprintf(cmd, sizeof(cmd), "cp -a '%s/fc-san/.' '%s/'", ND_FIXTURES, tmpl);
    if (system(cmd) != 0) {
        nftw(tmpl, rm_one, 16, FTW_DEPTH | FTW_PHYS);
        return NULL;
    }
    return strdup(tmpl);
}

static void remove_copy(const char *root)
{
    if (strncmp(root, SHM_PREFIX, strlen(SHM_PREFIX)) == 0)
        nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    else
        nd_test_rmtree(root);
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof(*f));
    if (!f || !(f->root = copy_fixture()))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    nd_test_set_write_hook(NULL, NULL);
    if (f->fk > 0) {
        kill(f->fk, SIGTERM);
        waitpid(f->fk, NULL, 0);
    }
    if (f->conn)
        ndConnectClose(f->conn);
    remove_copy(f->root);
    free(f->root);
    free(f);
    return 0;
}

/* ---- helpers for the cases --------------------------------------------- */

static char *doc(const char *parent, const char *address)
{
    char *s = NULL;
    char p[256] = "";
    if (parent)
        snprintf(p, sizeof(p), "  <parent>%s</parent>\n", parent);
    int n = asprintf(&s,
                     "<device>\n%s"
                     "  <capability type=\"scsihost\">\n"
                     "    <capability type=\"fc\">\n"
                     "      %s\n"
                     "    </capability>\n"
                     "  </capability>\n"
                     "</device>\n", p, address ? address : "");
    assert_true(n > 0);
    return s;
}

static ndNodeDevicePtr create(fx *f, const char *parent, const char *address, int ms)
{
    char *xml = doc(parent, address);
    ndNodeDevicePtr dev = ndNodeDeviceCreateTimeout(f->conn, xml, ms);
    free(xml);
    return dev;
}

/* A refused create: the code, a part of the message, and nothing
 * written at all. */
static void refused(fx *f, const char *parent, const char *address, int code,
                    const char *needle)
{
    ndNodeDevicePtr dev = create(f, parent, address, OK_MS);
    if (dev)
        fail_msg("created %s", ndNodeDeviceGetName(dev));
    const ndError *e = ndGetLastError();
    assert_non_null(e);
    if (e->code != code || !strstr(e->message, needle))
        fail_msg("got code %d '%s', want %d with '%s'", e->code, e->message, code, needle);
    assert_int_equal(f->rec.n, 0);
}

static char *name_of(ndNodeDevicePtr dev)
{
    const char *n = ndNodeDeviceGetName(dev);
    assert_non_null(n);
    return strdup(n);
}

/* ---- create ------------------------------------------------------------- */

static void test_create_given_wwns(void **state)
{
    fx *f = *state;
    start(f, "# test_npiv\n");
    ndNodeDevicePtr dev = create(f, P8, "<address wwnn=\"0x2000000000000001\" "
                                        "wwpn=\"10000000000000AB\"/>", OK_MS);
    if (!dev)
        fail_msg("%s", ndGetLastError()->message);
    /* one write: WWPN first, both normalised */
    assert_int_equal(f->rec.n, 1);
    assert_string_equal(f->rec.path[0], FC8 "/vport_create");
    assert_string_equal(f->rec.data[0], "10000000000000ab:2000000000000001");

    char *xml = ndNodeDeviceDumpXML(dev, 0);
    assert_non_null(xml);
    assert_string_equal(xml,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<device>\n"
        "  <name>pci_10df_f100_0_scsi_host_scsi_host</name>\n"
        "  <key>/org/freedesktop/Hal/devices/pci_10df_f100_0_scsi_host_scsi_host</key>\n"
        "  <parent>/org/freedesktop/Hal/devices/pci_10df_f100_0_scsi_host</parent>\n"
        "  <path>/sys/devices/pci0000:00/0000:00:02.0/0000:02:00.1/host8/vport-8:0-0/host13</path>\n"
        "  <capability type=\"scsihost\">\n"
        "    <host>13</host>\n"
        "    <capability type=\"fc\">\n"
        "      <address wwnn=\"2000000000000001\" wwpn=\"10000000000000ab\"/>\n"
        "      <fabric wwn=\"100000051e4a2b02\"/>\n"
        "      <capability type=\"vport\"/>\n"
        "    </capability>\n"
        "  </capability>\n"
        "</device>\n");
    assert_int_equal(nd_test_validate(xml), 0);
    free(xml);
    /* the connection was refreshed: the parent counts it */
    ndNodeDevicePtr parent = ndNodeDeviceLookupByName(f->conn, P8);
    xml = ndNodeDeviceDumpXML(parent, 0);
    assert_non_null(strstr(xml, "<vports max=\"255\" inuse=\"1\"/>"));
    free(xml);
    ndNodeDeviceFree(parent);
    ndNodeDeviceFree(dev);
}

static void test_create_by_key_generated(void **state)
{
    fx *f = *state;
    start(f, "# test_npiv\n");
    ndNodeDevicePtr dev = create(f, ND_KEY_PREFIX P7, NULL, OK_MS);
    if (!dev)
        fail_msg("%s", ndGetLastError()->message);
    assert_int_equal(f->rec.n, 1);
    assert_string_equal(f->rec.path[0], HOST7 "/fc_host/host7/vport_create");
    /* "5001a4a…:5001a4a…": NAA 5, OUI 00:1a:4a, different names */
    const char *d = f->rec.data[0];
    assert_int_equal(strlen(d), 33);
    assert_int_equal(d[16], ':');
    assert_memory_equal(d, "5001a4a", 7);
    assert_memory_equal(d + 17, "5001a4a", 7);
    assert_int_not_equal(memcmp(d, d + 17, 16), 0);
    assert_int_equal(strspn(d, "0123456789abcdef"), 16);
    assert_int_equal(strspn(d + 17, "0123456789abcdef"), 16);
    /* the device is the one made with them */
    char wwpn[17], wwnn[17];
    memcpy(wwpn, d, 16);
    memcpy(wwnn, d + 17, 16);
    wwpn[16] = wwnn[16] = '\0';
    ndNodeDevicePtr same = ndNodeDeviceLookupSCSIHostByWWN(f->conn, wwnn, wwpn);
    assert_non_null(same);
    char *a = name_of(dev), *b = name_of(same);
    assert_string_equal(a, b);
    /* host7 has host11 and host12 already: the third vHBA gets _1 */
    assert_string_equal(a, "pci_10df_f100_scsi_host_scsi_host_1");
    assert_string_equal(ndNodeDeviceGetPath(dev),
                        "/" HOST7 "/vport-7:0-2/host13");
    free(a);
    free(b);
    ndNodeDeviceFree(same);
    ndNodeDeviceFree(dev);
    assert_attr(f, HOST7 "/fc_host/host7/npiv_vports_inuse", "3");
}

/* Without a parent: the Online NPIV port with the most free vports, ties
 * to the lowest host number. */
static void test_create_auto_parent(void **state)
{
    fx *f = *state;
    start(f, "# test_npiv\n");
    /* free: host7 253, host8 255, host9 127, host10 offline */
    ndNodeDevicePtr dev = create(f, NULL, NULL, OK_MS);
    if (!dev)
        fail_msg("%s", ndGetLastError()->message);
    assert_string_equal(ndNodeDeviceGetParent(dev), ND_KEY_PREFIX P8);
    ndNodeDeviceFree(dev);
    /* host8 254 … make it 253: a tie with host7, which has the lower number */
    put(f, FC8 "/npiv_vports_inuse", "2\n");
    dev = create(f, NULL, NULL, OK_MS);
    if (!dev)
        fail_msg("%s", ndGetLastError()->message);
    assert_string_equal(ndNodeDeviceGetParent(dev), ND_KEY_PREFIX P7);
    ndNodeDeviceFree(dev);
    /* more room on host9 than anywhere: it wins; the offline host10, with
     * even more, does not */
    put(f, HOST9 "/fc_host/host9/max_npiv_vports", "1000\n");
    put(f, "sys/devices/pci0000:00/0000:00:03.0/0000:03:00.1/host10/fc_host/host10/"
           "max_npiv_vports", "5000\n");
    dev = create(f, NULL, NULL, OK_MS);
    if (!dev)
        fail_msg("%s", ndGetLastError()->message);
    assert_string_equal(ndNodeDeviceGetParent(dev), ND_KEY_PREFIX "pci_1077_2532_scsi_host");
    ndNodeDeviceFree(dev);
    assert_int_equal(f->rec.n, 3);
}

/* A driver that keeps vport_create/vport_delete in the scsi_host dir. */
static void test_create_scsi_host_fallback(void **state)
{
    fx *f = *state;
    char from[PATH_MAX], to[PATH_MAX];
    static const char *const files[] = { "vport_create", "vport_delete" };
    for (size_t i = 0; i < 2; i++) {
        snprintf(from, sizeof(from), "%s/" HOST9 "/fc_host/host9/%s", f->root, files[i]);
        snprintf(to, sizeof(to), "%s/" HOST9 "/scsi_host/host9/%s", f->root, files[i]);
        assert_int_equal(rename(from, to), 0);
    }
    start(f, "# test_npiv\n");
    ndNodeDevicePtr dev = create(f, "pci_1077_2532_scsi_host", NULL, OK_MS);
    if (!dev)
        fail_msg("%s", ndGetLastError()->message);
    assert_string_equal(f->rec.path[0], HOST9 "/scsi_host/host9/vport_create");
    assert_int_equal(ndNodeDeviceDestroyTimeout(dev, OK_MS), 0);
    assert_string_equal(f->rec.path[1], HOST9 "/scsi_host/host9/vport_delete");
    assert_string_equal(f->rec.data[0], f->rec.data[1]);
    assert_false(there(f, HOST9 "/vport-9:0-0"));
    ndNodeDeviceFree(dev);
}

static void test_create_auto_none(void **state)
{
    fx *f = *state;
    start(f, "# test_npiv\n");
    put(f, HOST7 "/fc_host/host7/npiv_vports_inuse", "255\n");
    put(f, FC8 "/port_state", "Linkdown\n");
    put(f, HOST9 "/fc_host/host9/max_npiv_vports", "0\n");
    refused(f, NULL, NULL, ND_ERR_UNSUPPORTED, "no FC port can take a vHBA");
    const char *m = ndGetLastError()->message;
    assert_non_null(strstr(m, "host7: all 255 NPIV vports are in use"));
    assert_non_null(strstr(m, "host8: port_state is 'Linkdown', not Online"));
    assert_non_null(strstr(m, "host10: port_state is 'Offline'"));
    assert_non_null(strstr(m, "host11: not NPIV-capable"));
}

/* ---- refusals before any write ----------------------------------------- */

static void test_refuse_parent(void **state)
{
    fx *f = *state;
    start(f, "# test_npiv\n");
    refused(f, "pci_10df_fe00_scsi_host", NULL, ND_ERR_NO_DEVICE,
            "parent 'pci_10df_fe00_scsi_host': no device with that name");
    refused(f, ND_KEY_PREFIX "nope", NULL, ND_ERR_NO_DEVICE, "no device with that key");
    /* not a SCSI host at all; a SCSI host that is SAS */
    refused(f, "pci_10df_f100", NULL, ND_ERR_INVALID_ARG,
            "parent pci_10df_f100 is not a Fibre Channel host");
    refused(f, "pci_1000_72_scsi_host", NULL, ND_ERR_INVALID_ARG,
            "parent pci_1000_72_scsi_host (host6) is not a Fibre Channel host");
    /* a vHBA has no vport_create */
    refused(f, "pci_10df_f100_scsi_host_scsi_host", NULL, ND_ERR_UNSUPPORTED,
            "(host11) cannot take a vHBA: not NPIV-capable");
    refused(f, "pci_1077_2532_0_scsi_host", NULL, ND_ERR_INVALID_ARG,
            "(host10) cannot take a vHBA: port_state is 'Offline', not Online");
    put(f, FC8 "/npiv_vports_inuse", "255\n");
    refused(f, P8, NULL, ND_ERR_INVALID_ARG,
            "parent " P8 " (host8) cannot take a vHBA: all 255 NPIV vports are in use");
    put(f, FC8 "/npiv_vports_inuse", "many\n");
    refused(f, P8, NULL, ND_ERR_SYSTEM, "npiv_vports_inuse: not a number");
    /* no vport_create where the model saw one */
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/" HOST9 "/fc_host/host9/vport_create", f->root);
    assert_int_equal(unlink(path), 0);
    refused(f, "pci_1077_2532_scsi_host", NULL, ND_ERR_UNSUPPORTED,
            "no fc_host/host9/vport_create");
}

static void test_refuse_wwns(void **state)
{
    fx *f = *state;
    start(f, "# test_npiv\n");
    refused(f, P8, "<address wwnn=\"0x0000000000000000\" wwpn=\"1000000000000001\"/>",
            ND_ERR_INVALID_ARG, "wwnn 0000000000000000 is not a usable WWN (all zero)");
    refused(f, P8, "<address wwpn=\"0000000000000000\"/>", ND_ERR_INVALID_ARG,
            "wwpn 0000000000000000 is not a usable WWN");
    refused(f, P8, "<address wwpn=\"FFFFFFFFFFFFFFFF\"/>", ND_ERR_INVALID_ARG,
            "wwpn ffffffffffffffff is not a usable WWN (all ones)");
    /* in use, whatever the case and prefix: host7's port, a vHBA's node,
     * a vport's entry */
    refused(f, P8, "<address wwpn=\"0x10000000C9A1B2C0\"/>", ND_ERR_INVALID_ARG,
            "wwpn 10000000c9a1b2c0 is already in use: the port_name of host7");
    refused(f, P8, "<address wwnn=\"5001A4A0C9A1B210\"/>", ND_ERR_INVALID_ARG,
            "wwnn 5001a4a0c9a1b210 is already in use: the node_name of host12");
    refused(f, P8, "<address wwnn=\"2000000000000001\" wwpn=\"0X2000000000000001\"/>",
            ND_ERR_INVALID_ARG, "wwnn and wwpn are both 2000000000000001");
    refused(f, P8, "<address wwnn=\"200000000000001\"/>", ND_ERR_XML,
            "line 5: <address>");
}

static void test_refuse_documents(void **state)
{
    fx *f = *state;
    start(f, "# test_npiv\n");
    const char *bad[][2] = {
        { "<device>\n  <capability type=\"scsihost\">\n"
          "    <capability type=\"fc\">\n  </capability>\n</device>\n", "line 5:" },
        { "<?xml version=\"1.0\"?>\n<!DOCTYPE device [\n"
          "<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
          "<device><parent>&x;</parent><capability type=\"scsihost\">"
          "<capability type=\"fc\"/></capability></device>",
          "line 2: a DOCTYPE is not accepted" },
        { "<device><parent>" P8 "</parent><capability type=\"scsihost\">"
          "<host>8</host></capability></device>", "line 1:" },
        { "", "empty" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ndNodeDevicePtr dev = ndNodeDeviceCreateTimeout(f->conn, bad[i][0], OK_MS);
        assert_null(dev);
        const ndError *e = ndGetLastError();
        if (!strstr(e->message, bad[i][1]))
            fail_msg("document %zu: '%s' lacks '%s'", i, e->message, bad[i][1]);
    }
    assert_int_equal(f->rec.n, 0);
}

static void test_bad_arguments(void **state)
{
    fx *f = *state;
    start(f, "# test_npiv\n");
    char *xml = doc(P8, NULL);
    assert_null(ndNodeDeviceCreate(NULL, xml));
    assert_int_equal(ndGetLastError()->code, ND_ERR_INVALID_ARG);
    assert_null(ndNodeDeviceCreate(f->conn, NULL));
    assert_null(ndNodeDeviceCreateTimeout(f->conn, xml, 0));
    assert_int_equal(ndGetLastError()->code, ND_ERR_INVALID_ARG);
    assert_int_equal(ndNodeDeviceDestroy(NULL), -1);
    ndNodeDevicePtr dev = ndNodeDeviceLookupByName(f->conn, "pci_10df_f100_scsi_host_scsi_host");
    assert_int_equal(ndNodeDeviceDestroyTimeout(dev, -5), -1);
    assert_int_equal(ndGetLastError()->code, ND_ERR_INVALID_ARG);
    ndNodeDeviceFree(dev);
    free(xml);
    assert_int_equal(f->rec.n, 0);
}

/* ---- kernel errors and the timeout ------------------------------------- */

static void test_kernel_errors(void **state)
{
    fx *f = *state;
    start(f, "# test_npiv\n");
    static const int errs[] = { EBUSY, EINVAL, EACCES, EEXIST, ENOSPC };
    for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
        f->rec = (rec){ .fail_file = "vport_create", .fail_errno = errs[i] };
        assert_null(create(f, P8, "<address wwpn=\"1000000000000001\" "
                                  "wwnn=\"2000000000000001\"/>", OK_MS));
        const ndError *e = ndGetLastError();
        assert_int_equal(e->code, ND_ERR_SYSTEM);
        assert_int_equal(e->errno_value, errs[i]);
        char want[1024];
        snprintf(want, sizeof(want),
                 "cannot create a vHBA on " P8 " (host8): cannot write "
                 "'1000000000000001:2000000000000001' to /" FC8 "/vport_create: %s",
                 strerror(errs[i]));
        assert_string_equal(e->message, want);
        /* refused before anything was written: nothing to take back */
        assert_int_equal(f->rec.n, 1);
    }
    assert_false(there(f, HOST8 "/vport-8:0-0"));
    assert_attr(f, FC8 "/npiv_vports_inuse", "0");

    /* destroy: the vHBA stays, the message names it and the file */
    f->rec = (rec){ .fail_file = "vport_delete", .fail_errno = EBUSY };
    ndNodeDevicePtr dev = ndNodeDeviceLookupByName(f->conn, "pci_10df_f100_scsi_host_scsi_host");
    assert_int_equal(ndNodeDeviceDestroyTimeout(dev, OK_MS), -1);
    assert_string_equal(ndGetLastError()->message,
                        "cannot destroy vHBA pci_10df_f100_scsi_host_scsi_host (host11): "
                        "cannot write '5001a4a0c9a1b201:5001a4a0c9a1b200' to /" HOST7
                        "/fc_host/host7/vport_delete: Device or resource busy");
    assert_true(there(f, HOST7 "/vport-7:0-0/host11"));
    assert_string_equal(ndNodeDeviceGetName(dev), "pci_10df_f100_scsi_host_scsi_host");
    ndNodeDeviceFree(dev);
}

/* The kernel never shows the vHBA: vport_delete with the same pair, an
 * error saying so, and nothing left over. */
static void test_timeout(void **state)
{
    fx *f = *state;
    start(f, "vport ignore host8 -\n");
    char *before = ndConnectDumpAllXML(f->conn, 0);
    assert_null(create(f, P8, "<address wwpn=\"1000000000000001\" "
                              "wwnn=\"2000000000000001\"/>", 200));
    const ndError *e = ndGetLastError();
    assert_int_equal(e->code, ND_ERR_SYSTEM);
    assert_int_equal(e->errno_value, ETIMEDOUT);
    assert_non_null(strstr(e->message, "no SCSI host with wwpn 1000000000000001 appeared"));
    assert_non_null(strstr(e->message, "vport_delete was written to take it back"));
    assert_non_null(strstr(e->message, "gave up after 200 ms"));
    assert_int_equal(f->rec.n, 2);
    assert_string_equal(f->rec.path[0], FC8 "/vport_create");
    assert_string_equal(f->rec.path[1], FC8 "/vport_delete");
    assert_string_equal(f->rec.data[0], "1000000000000001:2000000000000001");
    assert_string_equal(f->rec.data[1], f->rec.data[0]);
    assert_false(there(f, HOST8 "/vport-8:0-0"));
    assert_false(there(f, "sys/class/scsi_host/host13"));
    assert_false(there(f, "sys/class/fc_host/host13"));
    assert_attr(f, FC8 "/npiv_vports_inuse", "0");
    assert_int_equal(ndConnectRefresh(f->conn), 0);
    char *after = ndConnectDumpAllXML(f->conn, 0);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

/* ---- destroy ------------------------------------------------------------ */

static void test_destroy_created(void **state)
{
    fx *f = *state;
    start(f, "# test_npiv\n");
    char *before = ndConnectDumpAllXML(f->conn, 0);
    ndNodeDevicePtr dev = create(f, P8, "<address wwpn=\"1000000000000001\" "
                                        "wwnn=\"2000000000000001\"/>", OK_MS);
    if (!dev)
        fail_msg("%s", ndGetLastError()->message);
    assert_int_equal(ndNodeDeviceDestroyTimeout(dev, OK_MS), 0);
    assert_int_equal(f->rec.n, 2);
    assert_string_equal(f->rec.path[1], FC8 "/vport_delete");
    assert_string_equal(f->rec.data[1], "1000000000000001:2000000000000001");
    /* the handle outlives its device */
    assert_null(ndNodeDeviceGetName(dev));
    assert_int_equal(ndGetLastError()->code, ND_ERR_NO_DEVICE);
    assert_int_equal(ndNodeDeviceDestroyTimeout(dev, OK_MS), -1);
    assert_int_equal(ndGetLastError()->code, ND_ERR_NO_DEVICE);
    ndNodeDeviceFree(dev);
    /* back to where it started, in the tree and in the dump */
    assert_false(there(f, HOST8 "/vport-8:0-0"));
    assert_false(there(f, "sys/class/fc_vports/vport-8:0-0"));
    assert_attr(f, FC8 "/npiv_vports_inuse", "0");
    char *after = ndConnectDumpAllXML(f->conn, 0);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

/* A vHBA of the fixture, with a LUN behind it, found by its WWNs. */
static void test_destroy_fixture_vhba(void **state)
{
    fx *f = *state;
    start(f, "# test_npiv\n");
    ndNodeDevicePtr dev = ndNodeDeviceLookupSCSIHostByWWN(f->conn, "5001A4A0C9A1B200",
                                                          "0x5001a4a0c9a1b201");
    assert_non_null(dev);
    int before = ndNodeNumOfDevices(f->conn, 0);
    assert_int_equal(ndNodeDeviceDestroyTimeout(dev, OK_MS), 0);
    assert_string_equal(f->rec.path[0], HOST7 "/fc_host/host7/vport_delete");
    assert_string_equal(f->rec.data[0], "5001a4a0c9a1b201:5001a4a0c9a1b200");
    /* host11 and its LUN are gone, host12 keeps its name */
    assert_int_equal(ndNodeNumOfDevices(f->conn, 0), before - 2);
    assert_int_equal(ndNodeNumOfDevicesByCap(f->conn, "vport", 0), 1);
    assert_attr(f, HOST7 "/fc_host/host7/npiv_vports_inuse", "1");
    assert_false(there(f, "sys/bus/scsi/devices/11:0:0:0"));
    ndNodeDeviceFree(dev);
}

static void test_destroy_not_vhba(void **state)
{
    fx *f = *state;
    start(f, "# test_npiv\n");
    const char *names[] = { P7, "pci_1000_72_scsi_host", "pci_10df_f100", "computer" };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        ndNodeDevicePtr dev = ndNodeDeviceLookupByName(f->conn, names[i]);
        assert_non_null(dev);
        assert_int_equal(ndNodeDeviceDestroyTimeout(dev, OK_MS), -1);
        const ndError *e = ndGetLastError();
        assert_int_equal(e->code, ND_ERR_UNSUPPORTED);
        char want[256];
        snprintf(want, sizeof(want), "%s is not a virtual HBA", names[i]);
        assert_non_null(strstr(e->message, want));
        assert_non_null(strstr(e->message, "nothing written"));
        ndNodeDeviceFree(dev);
    }
    assert_int_equal(f->rec.n, 0);
}

/* The kernel ignores vport_delete: a bounded wait, then a clear error;
 * the vHBA is still listed. */
static void test_destroy_timeout(void **state)
{
    fx *f = *state;
    start(f, "vport ignore host7 -\n");
    ndNodeDevicePtr dev = ndNodeDeviceLookupByName(f->conn, "pci_10df_f100_scsi_host_scsi_host_0");
    assert_int_equal(ndNodeDeviceDestroyTimeout(dev, 150), -1);
    const ndError *e = ndGetLastError();
    assert_int_equal(e->errno_value, ETIMEDOUT);
    assert_non_null(strstr(e->message, "(host12): still there after writing "
                                       "'5001a4a0c9a1b211:5001a4a0c9a1b210'"));
    assert_non_null(strstr(e->message, "gave up after 150 ms"));
    assert_int_equal(f->rec.n, 1);
    assert_string_equal(ndNodeDeviceGetName(dev), "pci_10df_f100_scsi_host_scsi_host_0");
    ndNodeDeviceFree(dev);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_create_given_wwns),
        T(test_create_by_key_generated),
        T(test_create_auto_parent),
        T(test_create_scsi_host_fallback),
        T(test_create_auto_none),
        T(test_refuse_parent),
        T(test_refuse_wwns),
        T(test_refuse_documents),
        T(test_bad_arguments),
        T(test_kernel_errors),
        T(test_timeout),
        T(test_destroy_created),
        T(test_destroy_fixture_vhba),
        T(test_destroy_not_vhba),
        T(test_destroy_timeout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

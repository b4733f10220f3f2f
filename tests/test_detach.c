/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Driver detach and reattach (issue 5, DESIGN §9) on a copy of
 * fixtures/passthrough with tests/fake_kernel acting as the kernel. Every
 * write the library makes passes the write hook, which records it (so
 * "nothing written" can be checked) and injects kernel errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "helpers.h"
#include "internal.h"
#include "../backends/detach.h"

#define NIC "pci_8086_10fb"
#define GPU "pci_10de_1b80"
#define GPU_AUDIO "pci_10de_10f0"
#define CAM "usb_device_46d_825_200901010001"
#define ROOTHUB "usb_device_1d6b_2_0000_00_14_0"

/* ---- recorded writes and injected errors ------------------------------ */

#define MAX_WRITES 32

typedef struct rec {
    int n;
    char path[MAX_WRITES][256], data[MAX_WRITES][64];
    const char *fail_suffix;   /* the write to a path ending so fails … */
    int fail_errno;            /* … with this errno */
} rec;

static int record_write(const char *path, const char *data, void *ctx)
{
    rec *r = ctx;
    if (r->n < MAX_WRITES) {
        snprintf(r->path[r->n], sizeof(r->path[0]), "%s", path);
        snprintf(r->data[r->n], sizeof(r->data[0]), "%s", data);
        r->n++;
    }
    size_t pl = strlen(path), sl = r->fail_suffix ? strlen(r->fail_suffix) : 0;
    if (r->fail_suffix && pl >= sl && strcmp(path + pl - sl, r->fail_suffix) == 0)
        return -r->fail_errno;
    return 0;
}

/* ---- the fixture copy and its fake kernel ----------------------------- */

typedef struct fx {
    char *root;
    pid_t fk;
    ndConnectPtr conn;
    rec rec;
    bool no_fake_kernel;
} fx;

static const char *fake_kernel_bin(void)
{
    const char *env = getenv("ND_FAKE_KERNEL");
    return env && *env ? env : ND_FAKE_KERNEL;
}

/* Never the machine's own devices: a root that is "/" stops the test. */
static void refuse_live_root(const char *root)
{
    char real[PATH_MAX];
    if (!root || !realpath(root, real) || strcmp(real, "/") == 0)
        fail_msg("refusing to run on root %s", root ? root : "(none)");
}

/* Start the fake kernel on f->root; waits for its "ready". */
static bool fk_start(fx *f)
{
    refuse_live_root(f->root);
    int pfd[2];
    if (pipe(pfd) < 0)
        return false;
    char log[PATH_MAX];
    snprintf(log, sizeof(log), "%s/fake_kernel.log", f->root);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pfd[1], STDOUT_FILENO);
        close(pfd[0]);
        close(pfd[1]);
        execl(fake_kernel_bin(), "fake_kernel", f->root, "--log", log, (char *)NULL);
        _exit(127);
    }
    close(pfd[1]);
    if (pid < 0) {
        close(pfd[0]);
        return false;
    }
    f->fk = pid;
    struct pollfd p = { .fd = pfd[0], .events = POLLIN };
    char line[16] = "";
    ssize_t n = poll(&p, 1, 10000) == 1 ? read(pfd[0], line, sizeof(line) - 1) : -1;
    close(pfd[0]);
    return n > 0 && strncmp(line, "ready", 5) == 0;
}

static void fk_stop(fx *f)
{
    if (f->fk > 0) {
        kill(f->fk, SIGTERM);
        waitpid(f->fk, NULL, 0);
    }
    f->fk = 0;
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof(*f));
    *state = f;
    if (access(fake_kernel_bin(), X_OK) != 0) {
        f->no_fake_kernel = true;    /* each test skips */
        return 0;
    }
    f->root = nd_test_fixture_copy("passthrough");
    if (!f->root || !fk_start(f))
        return -1;
    f->conn = ndConnectOpen(f->root, ND_CONNECT_QUIET);
    nd_test_set_write_hook(record_write, &f->rec);
    return f->conn ? 0 : -1;
}

static int teardown(void **state)
{
    fx *f = *state;
    nd_test_set_write_hook(NULL, NULL);
    nd_test_set_detach_waits(0, 0);
    fk_stop(f);
    if (f->conn)
        ndConnectClose(f->conn);
    if (f->root)
        nd_test_rmtree(f->root);
    free(f->root);
    free(f);
    return 0;
}

static fx *begin(void **state)
{
    fx *f = *state;
    if (f->no_fake_kernel)
        skip();
    return f;
}

/* ---- looking at the result -------------------------------------------- */

/* The device's driver as the (refreshed) model shows it; "" for none. */
static const char *driver_of(fx *f, const char *name)
{
    static char buf[128];
    ndNodeDevicePtr dev = ndNodeDeviceLookupByName(f->conn, name);
    assert_non_null(dev);
    const char *drv = ndNodeDeviceGetDriver(dev);
    snprintf(buf, sizeof(buf), "%s", drv ? drv : "");
    ndNodeDeviceFree(dev);
    return buf;
}

/* The error of the last detach or reattach (freeing the handle clears
 * the thread's error, as every call does). */
static ndError last_error;
static char last_message[1024];

static void keep_error(void)
{
    const ndError *e = ndGetLastError();
    last_error = e ? *e : (ndError){ 0 };
    snprintf(last_message, sizeof(last_message), "%s", e ? e->message : "");
    last_error.message = e ? last_message : NULL;
}

static int detach(fx *f, const char *name, const char *driver, unsigned flags)
{
    ndNodeDevicePtr dev = ndNodeDeviceLookupByName(f->conn, name);
    assert_non_null(dev);
    int rc = ndNodeDeviceDetach(dev, driver, flags);
    keep_error();
    ndNodeDeviceFree(dev);
    return rc;
}

static int reattach(ndConnectPtr conn, const char *name)
{
    ndNodeDevicePtr dev = ndNodeDeviceLookupByName(conn, name);
    assert_non_null(dev);
    int rc = ndNodeDeviceReAttach(dev, 0);
    keep_error();
    ndNodeDeviceFree(dev);
    return rc;
}

static void assert_error(int code, const char *part1, const char *part2,
                         const char *part3)
{
    const ndError *e = &last_error;
    if (!e->message)
        fail_msg("no error kept; expected code %d with '%s'", code, part1);
    if (e->code != code || !strstr(e->message, part1) ||
        (part2 && !strstr(e->message, part2)) || (part3 && !strstr(e->message, part3)))
        fail_msg("error %d '%s' lacks code %d or '%s' / '%s' / '%s'", e->code,
                 e->message, code, part1, part2 ? part2 : "", part3 ? part3 : "");
}

/* A file of the copy, first line; "" when absent. */
static const char *file_line(fx *f, const char *rel)
{
    static char buf[256];
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/%s", f->root, rel);
    char *s = nd_test_slurp(path, NULL);
    snprintf(buf, sizeof(buf), "%s", s ? s : "");
    buf[strcspn(buf, "\n")] = '\0';
    free(s);
    return buf;
}

/* driver_override once the fake kernel has shown it the kernel's way. */
static const char *override_of(fx *f, const char *addr, const char *want)
{
    char rel[256];
    snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/driver_override", addr);
    for (int i = 0; i < 200 && strcmp(file_line(f, rel), want) != 0; i++)
        usleep(10000);
    return file_line(f, rel);
}

/* The copy's sys/ equals the fixture's: links, attribute contents and the
 * emptied write-only files, byte for byte. */
static void assert_tree_as_fixture(fx *f)
{
    char cmd[PATH_MAX * 2 + 64];
    snprintf(cmd, sizeof(cmd), "diff -r --no-dereference '%s/passthrough/sys' '%s/sys'",
             ND_FIXTURES, f->root);
    int status;
    char *out = nd_test_run(cmd, &status);
    if (status != 0)
        fail_msg("the tree differs from the fixture:\n%s", out ? out : "");
    free(out);
}

static bool is_link(fx *f, const char *rel)
{
    char path[PATH_MAX];
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s", f->root, rel);
    return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

/* ---- PCI ---------------------------------------------------------------- */

static void test_detach_to_vfio(void **state)
{
    fx *f = begin(state);
    assert_string_equal(driver_of(f, NIC), "ixgbe");
    assert_int_equal(detach(f, NIC, NULL, 0), 0);
    assert_null(last_error.message);
    assert_string_equal(driver_of(f, NIC), "vfio-pci");
    /* what the kernel was told, in order */
    assert_int_equal(f->rec.n, 3);
    assert_string_equal(f->rec.path[0], "sys/devices/pci0000:00/0000:00:1c.0/0000:03:00.0/driver_override");
    assert_string_equal(f->rec.data[0], "vfio-pci");
    assert_string_equal(f->rec.path[1], "sys/bus/pci/drivers/ixgbe/unbind");
    assert_string_equal(f->rec.data[1], "0000:03:00.0");
    assert_string_equal(f->rec.path[2], "sys/bus/pci/drivers_probe");
    assert_string_equal(f->rec.data[2], "0000:03:00.0");
    /* the links moved as the kernel moves them */
    assert_true(is_link(f, "sys/bus/pci/drivers/vfio-pci/0000:03:00.0"));
    assert_false(is_link(f, "sys/bus/pci/drivers/ixgbe/0000:03:00.0"));
    assert_string_equal(override_of(f, "0000:03:00.0", "vfio-pci"), "vfio-pci");
}

static void test_detach_to_pci_stub(void **state)
{
    fx *f = begin(state);
    assert_int_equal(detach(f, NIC, "pci-stub", 0), 0);
    assert_string_equal(driver_of(f, NIC), "pci-stub");
    assert_true(is_link(f, "sys/bus/pci/drivers/pci-stub/0000:03:00.0"));
}

static void test_already_detached(void **state)
{
    fx *f = begin(state);
    assert_int_equal(detach(f, NIC, "vfio-pci", 0), 0);
    f->rec.n = 0;
    assert_int_equal(detach(f, NIC, NULL, 0), 0);
    assert_null(last_error.message);
    assert_int_equal(f->rec.n, 0);    /* nothing written */
    assert_string_equal(driver_of(f, NIC), "vfio-pci");
}

static void test_reattach(void **state)
{
    fx *f = begin(state);
    char *before = ndConnectDumpAllXML(f->conn, 0);
    assert_int_equal(detach(f, NIC, NULL, 0), 0);
    /* a new connection (as a new process would open) knows nothing of
     * the detach but what the tree shows */
    ndConnectPtr other = ndConnectOpen(f->root, ND_CONNECT_QUIET);
    assert_non_null(other);
    f->rec.n = 0;
    assert_int_equal(reattach(other, NIC), 0);
    ndConnectClose(other);
    assert_int_equal(f->rec.n, 3);
    assert_string_equal(f->rec.data[0], "\n");    /* clears driver_override */
    assert_string_equal(f->rec.path[1], "sys/bus/pci/drivers/vfio-pci/unbind");
    assert_string_equal(f->rec.path[2], "sys/bus/pci/drivers_probe");
    assert_int_equal(ndConnectRefresh(f->conn), 0);
    assert_string_equal(driver_of(f, NIC), "ixgbe");
    assert_string_equal(override_of(f, "0000:03:00.0", "(null)"), "(null)");
    char *after = ndConnectDumpAllXML(f->conn, 0);
    assert_string_equal(before, after);
    assert_tree_as_fixture(f);
    /* attached already: nothing to do, nothing written */
    f->rec.n = 0;
    assert_int_equal(reattach(f->conn, NIC), 0);
    assert_int_equal(f->rec.n, 0);
    free(before);
    free(after);
}

static void test_group_refused_then_forced(void **state)
{
    fx *f = begin(state);
    assert_int_equal(detach(f, GPU, NULL, 0), -1);
    assert_error(ND_ERR_UNSUPPORTED, GPU, "0000:01:00.1 (" GPU_AUDIO ", snd_hda_intel)",
                 "IOMMU group 1");
    assert_int_equal(f->rec.n, 0);    /* refused before any write */
    assert_string_equal(driver_of(f, GPU), "nouveau");

    assert_int_equal(detach(f, GPU, NULL, ND_DETACH_FORCE), 0);
    assert_string_equal(driver_of(f, GPU), "vfio-pci");
    assert_string_equal(driver_of(f, GPU_AUDIO), "snd_hda_intel");
}

static void test_group_member_on_stub_is_fine(void **state)
{
    fx *f = begin(state);
    /* the audio function's group holds the GPU, still on nouveau */
    assert_int_equal(detach(f, GPU_AUDIO, NULL, 0), -1);
    assert_error(ND_ERR_UNSUPPORTED, GPU_AUDIO, "0000:01:00.0 (" GPU ", nouveau)", NULL);
    assert_int_equal(detach(f, GPU_AUDIO, NULL, ND_DETACH_FORCE), 0);
    /* now the GPU's only group member is on a stub: no force needed */
    assert_int_equal(detach(f, GPU, NULL, 0), 0);
    assert_string_equal(driver_of(f, GPU), "vfio-pci");
    assert_string_equal(driver_of(f, GPU_AUDIO), "vfio-pci");
    assert_int_equal(reattach(f->conn, GPU), 0);
    assert_int_equal(reattach(f->conn, GPU_AUDIO), 0);
    assert_string_equal(driver_of(f, GPU), "nouveau");
    assert_string_equal(driver_of(f, GPU_AUDIO), "snd_hda_intel");
    assert_tree_as_fixture(f);
}

static void test_stub_not_loaded(void **state)
{
    fx *f = begin(state);
    char cmd[PATH_MAX + 64];
    snprintf(cmd, sizeof(cmd), "rm -r '%s/sys/bus/pci/drivers/vfio-pci'", f->root);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(detach(f, NIC, NULL, 0), -1);
    assert_error(ND_ERR_UNSUPPORTED, NIC, "vfio-pci is not loaded",
                 "/sys/bus/pci/drivers/vfio-pci");
    assert_int_equal(f->rec.n, 0);
    assert_string_equal(driver_of(f, NIC), "ixgbe");
}

static void test_unknown_stub(void **state)
{
    fx *f = begin(state);
    assert_int_equal(detach(f, NIC, "e1000e", 0), -1);
    assert_error(ND_ERR_INVALID_ARG, NIC, "'e1000e' is not a stub driver", NULL);
    assert_int_equal(f->rec.n, 0);
}

/* The stub's probe fails (as vfio-pci's does without an IOMMU): the host
 * driver is off, the stub not on; the message says so and how to undo. */
static void test_stub_does_not_bind(void **state)
{
    fx *f = begin(state);
    fk_stop(f);
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/FAKE_KERNEL", f->root);
    FILE *facts = fopen(path, "a");
    assert_non_null(facts);
    fputs("probe_fails pci 0000:03:00.0 vfio-pci\n", facts);
    fclose(facts);
    assert_true(fk_start(f));
    nd_test_set_detach_waits(500, 0);

    assert_int_equal(detach(f, NIC, NULL, 0), -1);
    assert_error(ND_ERR_SYSTEM, "unbound from ixgbe, but vfio-pci did not bind it",
                 "it has no driver", "'nodedev reattach " NIC "'");
    assert_int_equal(reattach(f->conn, NIC), 0);
    assert_string_equal(driver_of(f, NIC), "ixgbe");
    assert_tree_as_fixture(f);
}

static void test_not_detachable(void **state)
{
    fx *f = begin(state);
    assert_int_equal(detach(f, "computer", NULL, 0), -1);
    assert_error(ND_ERR_UNSUPPORTED,
                 "cannot detach computer: only PCI and USB devices can be detached",
                 NULL, NULL);
    assert_int_equal(reattach(f->conn, "computer"), -1);
    assert_error(ND_ERR_UNSUPPORTED, "only PCI and USB devices can be reattached", NULL,
                 NULL);
    assert_int_equal(detach(f, CAM "_if0", NULL, 0), -1);
    assert_error(ND_ERR_UNSUPPORTED, CAM "_if0", "interface of USB device " CAM, NULL);
    /* a hub cuts off what is behind it */
    assert_int_equal(detach(f, ROOTHUB, NULL, 0), -1);
    assert_error(ND_ERR_UNSUPPORTED, ROOTHUB, "USB hub", NULL);
    /* USB has no stub; bad flags */
    assert_int_equal(detach(f, CAM, "vfio-pci", 0), -1);
    assert_error(ND_ERR_INVALID_ARG, CAM, "no stub driver", NULL);
    assert_int_equal(detach(f, NIC, NULL, 0x80), -1);
    assert_error(ND_ERR_INVALID_ARG, "unknown flags", NULL, NULL);
    assert_int_equal(ndNodeDeviceDetach(NULL, NULL, 0), -1);
    keep_error();
    assert_error(ND_ERR_INVALID_ARG, "no device", NULL, NULL);
    assert_int_equal(f->rec.n, 0);
}

/* ---- injected kernel errors --------------------------------------------- */

static void test_unbind_busy(void **state)
{
    fx *f = begin(state);
    f->rec.fail_suffix = "/unbind";
    f->rec.fail_errno = EBUSY;
    assert_int_equal(detach(f, NIC, NULL, 0), -1);
    assert_error(ND_ERR_SYSTEM, "cannot detach " NIC " (still bound to ixgbe)",
                 "/sys/bus/pci/drivers/ixgbe/unbind", "Device or resource busy");
    assert_int_equal(last_error.errno_value, EBUSY);
    /* nothing left half-done: driver_override is as before */
    assert_int_equal(f->rec.n, 3);
    assert_string_equal(f->rec.data[2], "\n");
    assert_string_equal(override_of(f, "0000:03:00.0", "(null)"), "(null)");
    assert_string_equal(driver_of(f, NIC), "ixgbe");
    assert_tree_as_fixture(f);
}

static void test_override_denied(void **state)
{
    fx *f = begin(state);
    f->rec.fail_suffix = "/driver_override";
    f->rec.fail_errno = EACCES;
    assert_int_equal(detach(f, NIC, NULL, 0), -1);
    assert_error(ND_ERR_SYSTEM, "cannot detach " NIC ": cannot write 'vfio-pci' to "
                 "/sys/devices/pci0000:00/0000:00:1c.0/0000:03:00.0/driver_override",
                 "Permission denied", NULL);
    assert_int_equal(last_error.errno_value, EACCES);
    assert_int_equal(f->rec.n, 1);    /* the first write failed: no other */
    assert_string_equal(driver_of(f, NIC), "ixgbe");
    assert_tree_as_fixture(f);
}

static void test_probe_busy_says_how_to_reattach(void **state)
{
    fx *f = begin(state);
    f->rec.fail_suffix = "/drivers_probe";
    f->rec.fail_errno = EBUSY;
    assert_int_equal(detach(f, NIC, NULL, 0), -1);
    assert_error(ND_ERR_SYSTEM, NIC " is unbound from ixgbe but not bound to vfio-pci",
                 "'nodedev reattach " NIC "'", "/sys/bus/pci/drivers_probe: Device or "
                 "resource busy");
    f->rec.fail_suffix = NULL;
    assert_int_equal(ndConnectRefresh(f->conn), 0);
    assert_string_equal(driver_of(f, NIC), "");
    assert_int_equal(reattach(f->conn, NIC), 0);
    assert_string_equal(driver_of(f, NIC), "ixgbe");
    assert_tree_as_fixture(f);
}

static void test_reattach_denied(void **state)
{
    fx *f = begin(state);
    assert_int_equal(detach(f, NIC, NULL, 0), 0);
    f->rec.fail_suffix = "/vfio-pci/unbind";
    f->rec.fail_errno = EACCES;
    assert_int_equal(reattach(f->conn, NIC), -1);
    assert_error(ND_ERR_SYSTEM, "cannot reattach " NIC " (still bound to vfio-pci)",
                 "/sys/bus/pci/drivers/vfio-pci/unbind", "Permission denied");
    assert_string_equal(driver_of(f, NIC), "vfio-pci");
}

/* ---- USB ---------------------------------------------------------------- */

static void test_usb_detach_reattach(void **state)
{
    fx *f = begin(state);
    char *before = ndConnectDumpAllXML(f->conn, 0);
    assert_int_equal(detach(f, CAM, NULL, 0), 0);
    /* two interfaces had a driver: two unbinds; the third is left alone */
    assert_int_equal(f->rec.n, 2);
    assert_string_equal(f->rec.path[0], "sys/bus/usb/drivers/uvcvideo/unbind");
    assert_string_equal(f->rec.data[0], "1-2:1.0");
    assert_string_equal(f->rec.path[1], "sys/bus/usb/drivers/snd-usb-audio/unbind");
    assert_string_equal(f->rec.data[1], "1-2:1.1");
    assert_string_equal(driver_of(f, CAM "_if0"), "");
    assert_string_equal(driver_of(f, CAM "_if1"), "");
    assert_string_equal(driver_of(f, CAM "_if2"), "");
    assert_string_equal(driver_of(f, CAM), "usb");    /* usbfs needs it */
    /* again: nothing left to take off */
    f->rec.n = 0;
    assert_int_equal(detach(f, CAM, NULL, 0), 0);
    assert_int_equal(f->rec.n, 0);

    ndConnectPtr other = ndConnectOpen(f->root, ND_CONNECT_QUIET);
    assert_non_null(other);
    assert_int_equal(reattach(other, CAM), 0);
    ndConnectClose(other);
    assert_int_equal(f->rec.n, 3);    /* each interface without a driver probed */
    for (int i = 0; i < 3; i++)
        assert_string_equal(f->rec.path[i], "sys/bus/usb/drivers_probe");
    assert_string_equal(f->rec.data[2], "1-2:1.2");
    assert_int_equal(ndConnectRefresh(f->conn), 0);
    assert_string_equal(driver_of(f, CAM "_if0"), "uvcvideo");
    assert_string_equal(driver_of(f, CAM "_if1"), "snd-usb-audio");
    assert_string_equal(driver_of(f, CAM "_if2"), "");
    char *after = ndConnectDumpAllXML(f->conn, 0);
    assert_string_equal(before, after);
    assert_tree_as_fixture(f);
    free(before);
    free(after);
}

/* The second interface's unbind fails: the first is given back. */
static void test_usb_busy_rolls_back(void **state)
{
    fx *f = begin(state);
    f->rec.fail_suffix = "/snd-usb-audio/unbind";
    f->rec.fail_errno = EBUSY;
    assert_int_equal(detach(f, CAM, NULL, 0), -1);
    assert_error(ND_ERR_SYSTEM, "cannot detach " CAM " (its other interfaces were given back)",
                 "/sys/bus/usb/drivers/snd-usb-audio/unbind", "Device or resource busy");
    assert_int_equal(ndConnectRefresh(f->conn), 0);
    assert_string_equal(driver_of(f, CAM "_if0"), "uvcvideo");
    assert_string_equal(driver_of(f, CAM "_if1"), "snd-usb-audio");
    assert_tree_as_fixture(f);
}

/* ---- the fake kernel's own guard ---------------------------------------- */

static void test_fake_kernel_refuses_live_root(void **state)
{
    begin(state);
    char cmd[PATH_MAX];
    snprintf(cmd, sizeof(cmd), "timeout 5 '%s' / 2>&1", fake_kernel_bin());
    int status;
    char *out = nd_test_run(cmd, &status);
    assert_int_equal(status, 1);
    assert_non_null(strstr(out, "refusing root /"));
    free(out);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_detach_to_vfio),
        T(test_detach_to_pci_stub),
        T(test_already_detached),
        T(test_reattach),
        T(test_group_refused_then_forced),
        T(test_group_member_on_stub_is_fine),
        T(test_stub_not_loaded),
        T(test_unknown_stub),
        T(test_stub_does_not_bind),
        T(test_not_detachable),
        T(test_unbind_busy),
        T(test_override_denied),
        T(test_probe_busy_says_how_to_reattach),
        T(test_reattach_denied),
        T(test_usb_detach_reattach),
        T(test_usb_busy_rolls_back),
        T(test_fake_kernel_refuses_live_root),
    };
#undef T
    return cmocka_run_group_tests_name("detach", tests, NULL, NULL);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The only way nodedev changes anything: a write to a sysfs attribute below
 * the root (NPIV's vport_create/vport_delete, driver binding), and a
 * bounded wait for the kernel to show the result.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "internal.h"

static nd_write_hook_fn nd_write_hook;
static void *nd_write_hook_ctx;

void nd_test_set_write_hook(nd_write_hook_fn hook, void *ctx)
{
    nd_write_hook = hook;
    nd_write_hook_ctx = ctx;
}

int nd_root_write(const nd_root *r, const char *path, const char *data)
{
    if (nd_write_hook) {
        int e = nd_write_hook(path, data, nd_write_hook_ctx);
        if (e < 0)
            return nd_error_errno(-e, "cannot write '%s' to /%s", data, path);
    }
    /* Write-only attributes are opened write-only, never for reading.
     * O_TRUNC as libvirt does: sysfs ignores it, a fixture file is rewritten
     * whole so a fake kernel sees exactly what was written. */
    long fd = nd_openat2_raw(r->fd, path, O_WRONLY | O_TRUNC | O_NOFOLLOW,
                             RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
    if (fd < 0) {
        int e = errno == EXDEV ? ENOENT : errno;
        return nd_error_errno(e, "cannot open /%s for writing", path);
    }
    size_t len = strlen(data);
    ssize_t n = write((int)fd, data, len);
    int e = errno;
    /* some attributes report their error only when the file is closed */
    if (close((int)fd) < 0 && n >= 0) {
        n = -1;
        e = errno;
    }
    if (n < 0)
        return nd_error_errno(e, "cannot write '%s' to /%s", data, path);
    if ((size_t)n != len)
        return nd_error(ND_ERR_SYSTEM, "short write of '%s' to /%s", data, path);
    return 0;
}

static long nd_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int nd_wait_until(bool (*done)(void *ctx), void *ctx, int timeout_ms)
{
    /* sysfs sends no inotify events for what the kernel creates, so poll:
     * often at first (a fake kernel answers in milliseconds), then at most
     * every 50 ms */
    long deadline = nd_now_ms() + timeout_ms;
    useconds_t delay = 1000;
    for (;;) {
        if (done(ctx))
            return 0;
        if (nd_now_ms() >= deadline)
            return -ETIMEDOUT;
        usleep(delay);
        if (delay < 50000)
            delay *= 2;
    }
}

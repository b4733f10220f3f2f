/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The udev source (DESIGN §8, issue 6): devices found with libudev's
 * enumerator, attributes read with udev_device_get_sysattr_value(), udev
 * properties from libudev. Nothing goes through the root fd: every access
 * is libudev's own or a plain libc call on an absolute "/sys/…" path, so
 * umockdev's preload can stand in for the kernel, which is how the parity
 * test runs this source over the fixtures.
 *
 * The probes must get byte for byte what the sysfs source gives them, so
 * its rules are kept here too: a symlink is never read as an attribute, a
 * file without the owner-read bit is unreadable, and a path is there only
 * when it resolves below the root (no absolute link, no ".." out of it).
 */
#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"
#include "sysfs.h"

#define UD_MAX_LINKS 40   /* as the kernel's ELOOP limit */

/* The source's state: libudev's context, and /sys opened by its absolute
 * path (so umockdev hands out its testbed's) for existence checks. */
typedef struct ud_source {
    struct udev *udev;
    int sysfd;
} ud_source;

/* Errors that mean "not there" for the sysfs source (root.c) mean the same
 * here, so both report the same files. */
static int ud_errno(int e)
{
    switch (e) {
    case EXDEV: case ELOOP: case ENOTDIR: case ENOENT: case ENAMETOOLONG:
    case EINVAL: case EISDIR:
        return -ENOENT;
    default:
        return -e;
    }
}

/* "a/b" into out; false when it does not fit. */
static bool ud_join(char *out, size_t cap, const char *a, const char *b)
{
    return (size_t)snprintf(out, cap, "%s/%s", a, b) < cap;
}

/*
 * Resolve the root-relative path as openat2(RESOLVE_BENEATH) from the root
 * would: symlinks are followed while they stay below the root; an absolute
 * link, ".." above the root, a loop or a missing component make the path
 * absent (-ENOENT). lstat() and readlink() on absolute paths, which
 * umockdev redirects. out (cap bytes) gets the resolved root-relative path.
 */
static int ud_resolve(const char *path, char *out, size_t cap)
{
    char rest[2 * PATH_MAX], abs[PATH_MAX + 1];
    size_t len = 0;
    int links = 0;
    if (strlen(path) >= sizeof(rest))
        return -ENOENT;
    strcpy(rest, path);
    out[0] = '\0';
    const char *p = rest;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *end = strchrnul(p, '/');
        size_t n = (size_t)(end - p);
        size_t save = len;
        if (n == 1 && p[0] == '.') {
            p = end;
            continue;
        }
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (len == 0)
                return -ENOENT;           /* out of the root */
            char *slash = memrchr(out, '/', len);
            len = slash ? (size_t)(slash - out) : 0;
            out[len] = '\0';
            p = end;
            continue;
        }
        if (len + 1 + n >= cap)
            return -ENOENT;
        if (len)
            out[len++] = '/';
        memcpy(out + len, p, n);
        len += n;
        out[len] = '\0';
        p = end;
        snprintf(abs, sizeof(abs), "/%s", out);
        struct stat st;
        if (lstat(abs, &st) < 0)
            return ud_errno(errno);
        if (S_ISLNK(st.st_mode)) {
            char target[PATH_MAX], next[sizeof(rest)];
            if (++links > UD_MAX_LINKS)
                return -ENOENT;
            ssize_t t = readlink(abs, target, sizeof(target) - 1);
            if (t < 0)
                return ud_errno(errno);
            target[t] = '\0';
            if (target[0] == '/')
                return -ENOENT;           /* RESOLVE_BENEATH refuses these */
            if ((size_t)snprintf(next, sizeof(next), "%s/%s", target, p) >= sizeof(next))
                return -ENOENT;
            strcpy(rest, next);
            p = rest;
            len = save;
            out[len] = '\0';
        } else if (*p && !S_ISDIR(st.st_mode)) {
            return -ENOENT;
        }
    }
    return 0;
}

/* The components of rel below dir (all of them, or all but the last) must
 * not be symlinks: the sysfs source reads with RESOLVE_NO_SYMLINKS. */
static int ud_no_links(const char *dir, const char *rel, bool last_too)
{
    char path[PATH_MAX];
    size_t dlen = strlen(dir);
    if (dlen >= sizeof(path))
        return -ENOENT;
    memcpy(path, dir, dlen);
    for (const char *p = rel; *p;) {
        const char *end = strchrnul(p, '/');
        if (!*end && !last_too)
            break;
        if ((size_t)(end - rel) + dlen + 2 > sizeof(path))
            return -ENOENT;
        path[dlen] = '/';
        memcpy(path + dlen + 1, rel, (size_t)(end - rel));
        path[dlen + 1 + (size_t)(end - rel)] = '\0';
        struct stat st;
        if (lstat(path, &st) < 0)
            return ud_errno(errno);
        if (S_ISLNK(st.st_mode))
            return -ENOENT;
        p = *end ? end + 1 : end;
    }
    return 0;
}

/*
 * An attribute of a libudev device: the same answer the sysfs source gives
 * for the same file. libudev would read through a symlink named driver,
 * subsystem or module, report others as -EINVAL, and a mode-000 file as
 * -EPERM; the lstat() first keeps the sysfs source's "absent" and -EACCES.
 * The value is libudev's (it drops trailing newlines only); cut to max, it
 * cleans (nd_attr_clean) to what the sysfs source's first max bytes do.
 */
static int ud_attr(struct udev_device *d, const char *syspath, const char *rel,
                   char *buf, size_t max)
{
    char path[PATH_MAX];
    if (!ud_join(path, sizeof(path), syspath, rel))
        return -ENOENT;
    int r = ud_no_links(syspath, rel, false);
    if (r < 0)
        return r;
    struct stat st;
    if (lstat(path, &st) < 0)
        return ud_errno(errno);
    if (!S_ISREG(st.st_mode))
        return -ENOENT;
    if (!(st.st_mode & S_IRUSR))
        return -EACCES;
    errno = 0;
    const char *v = udev_device_get_sysattr_value(d, rel);
    if (!v) {
        int e = errno ? errno : ENOENT;
        return e == EPERM ? -EACCES : ud_errno(e);
    }
    size_t n = strnlen(v, max);
    memcpy(buf, v, n);
    buf[n] = '\0';
    return (int)n;
}

static ud_source *ud_src(nd_raw *raw)
{
    return raw->source->priv;
}

/* Whether the root-relative path resolves below the root, as the sysfs
 * source's nd_root_exists() decides: one openat2(RESOLVE_BENEATH) where
 * ud_resolve() would take an lstat() per component. Paths below sys/ are
 * resolved beneath /sys, which differs from "beneath the root" only for a
 * link from sys/ into another top directory, which sysfs never has. */
static bool ud_exists(ud_source *s, const char *path)
{
    char resolved[PATH_MAX];
    if (s->sysfd >= 0 && strncmp(path, "sys/", 4) == 0) {
        nd_root sys = { .fd = s->sysfd };
        return nd_root_exists(&sys, path + 4);
    }
    return ud_resolve(path, resolved, sizeof(resolved)) == 0;
}

static int udev_read(nd_raw *raw, const char *rel, char *buf, size_t max)
{
    if (!raw->priv)
        return -ENOENT;
    return ud_attr(raw->priv, raw->syspath, rel, buf, max);
}

/* A file that is not a device attribute (proc/…): a plain read through a
 * directory opened by its absolute path, with the sysfs source's reader. */
static int ud_read_plain(const char *resolved, char *buf, size_t max)
{
    char dir[PATH_MAX + 1];
    const char *slash = strrchr(resolved, '/');
    if (!slash)
        return -ENOENT;
    snprintf(dir, sizeof(dir), "/%.*s", (int)(slash - resolved), resolved);
    int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return ud_errno(errno);
    int r = nd_read_file(dfd, slash + 1, false, buf, max);
    close(dfd);
    return r;
}

/* Root-level files: DMI (sys/class/dmi/id/…), a class device's parent dir,
 * proc/net/vlan/config. Below sys/, when the directory is a device, the
 * read is libudev's sysattr read; anything else is read plainly. Links are
 * followed inside the root, as the sysfs source does. */
static int udev_root_read(nd_raw *raw, const char *path, char *buf, size_t max)
{
    char resolved[PATH_MAX];
    int r = ud_resolve(path, resolved, sizeof(resolved));
    if (r < 0)
        return r;
    const char *slash = strrchr(resolved, '/');
    if (strncmp(resolved, "sys/", 4) == 0 && slash) {
        char dir[PATH_MAX + 1];
        snprintf(dir, sizeof(dir), "/%.*s", (int)(slash - resolved), resolved);
        struct udev_device *d = udev_device_new_from_syspath(ud_src(raw)->udev, dir);
        if (d) {
            r = ud_attr(d, dir, slash + 1, buf, max);
            udev_device_unref(d);
            return r;
        }
    }
    return ud_read_plain(resolved, buf, max);
}

/* The link's text resolved lexically against the device's path, as the
 * sysfs source does (nd_root_resolve_link), and there only when the
 * target resolves below the root. */
static int udev_link(nd_raw *raw, const char *rel, char **target)
{
    char abs[PATH_MAX], text[PATH_MAX], path[PATH_MAX];
    if (!ud_join(abs, sizeof(abs), raw->syspath, rel))
        return -ENOENT;
    int r = ud_no_links(raw->syspath, rel, false);
    if (r < 0)
        return r;
    ssize_t n = readlink(abs, text, sizeof(text) - 1);
    if (n < 0)
        return ud_errno(errno);
    text[n] = '\0';
    if (text[0] == '/')
        return -ENOENT;
    size_t len = 0;
    path[0] = '\0';
    if (!nd_path_push(path, &len, sizeof(path), raw->path))
        return -ENOENT;
    const char *last = strrchr(rel, '/');
    if (last) {
        char sub[PATH_MAX];
        snprintf(sub, sizeof(sub), "%.*s", (int)(last - rel), rel);
        if (!nd_path_push(path, &len, sizeof(path), sub))
            return -ENOENT;
    }
    if (!nd_path_push(path, &len, sizeof(path), text) || len == 0)
        return -ENOENT;
    if (!ud_exists(ud_src(raw), path))
        return -ENOENT;
    *target = strdup(path);
    return *target ? 0 : -ENOMEM;
}

/* libudev cannot list a directory: open the device's directory by its
 * absolute path (which umockdev redirects) and list below that fd with
 * the sysfs source's lister, so the rules (no symlinks, byte order) are
 * the same code. */
static int udev_list(nd_raw *raw, const char *rel, char ***names, size_t *n)
{
    int fd = open(raw->syspath, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return ud_errno(errno);
    int r = nd_sysfs_list_dir(fd, rel, false, names, n);
    close(fd);
    return r;
}

static bool udev_exists(nd_raw *raw, const char *rel)
{
    char path[PATH_MAX];
    return ud_join(path, sizeof(path), raw->path, rel) && ud_exists(ud_src(raw), path);
}

static bool udev_root_exists(nd_raw *raw, const char *path)
{
    return ud_exists(ud_src(raw), path);
}

/* libudev's view: the udev database entry and the uevent file together
 * (the sysfs source reads the database only; the probes ask only for the
 * *_FROM_DATABASE names, which the kernel never puts in uevent). */
static const char *udev_prop(nd_raw *raw, const char *key)
{
    if (!raw->priv)
        return NULL;
    const char *v = udev_device_get_property_value(raw->priv, key);
    return v ? nd_arena_strdup(raw->arena, v) : NULL;
}

static const nd_source_ops nd_udev_ops = {
    .read = udev_read,
    .root_read = udev_root_read,
    .link = udev_link,
    .list = udev_list,
    .exists = udev_exists,
    .root_exists = udev_root_exists,
    .prop = udev_prop,
};

/* One enumeration per probe, in nd_probes order, matching the probe's
 * subsystem: libudev looks in sys/bus/<x>/devices and sys/class/<x>, the
 * same entries the sysfs source lists. A class scsi_host device is
 * …/hostN/scsi_host/hostN: the probe's strip takes it to hostN. */
static int udev_enumerate(nd_source *src, nd_root *root, nd_found_fn found,
                          void *ctx)
{
    struct udev *u = ((ud_source *)src->priv)->udev;
    for (size_t p = 0; p < nd_nprobes; p++) {
        const nd_probe *probe = &nd_probes[p];
        struct udev_enumerate *e = udev_enumerate_new(u);
        if (!e) {
            nd_warn(root, "libudev: cannot enumerate %s: %s", probe->subsystem,
                    strerror(errno));
            continue;
        }
        int r = udev_enumerate_add_match_subsystem(e, probe->subsystem);
        if (r >= 0)
            r = udev_enumerate_scan_devices(e);
        /* libudev reports the last entry that failed, but an entry that
         * does not resolve (dangling, looping) is simply absent, as in the
         * sysfs source; only real errors are worth a warning */
        if (r < 0 && r != -ENODEV && ud_errno(-r) != -ENOENT)
            nd_warn(root, "libudev: cannot enumerate %s: %s", probe->subsystem,
                    strerror(-r));
        struct udev_list_entry *l;
        udev_list_entry_foreach(l, udev_enumerate_get_list_entry(e)) {
            char path[PATH_MAX];
            const char *syspath = udev_list_entry_get_name(l);
            if (!syspath || strlen(syspath) >= sizeof(path))
                continue;
            strcpy(path, syspath);
            bool ok = true;
            for (int s = 0; ok && s < probe->strip; s++) {
                char *slash = strrchr(path, '/');
                if (slash)
                    *slash = '\0';
                ok = slash != NULL;
            }
            if (ok && strncmp(path, "/sys/devices/", 13) == 0)
                found(ctx, path + 1, probe);
        }
        udev_enumerate_unref(e);
    }
    return 0;
}

static int udev_open(nd_source *src, nd_raw *raw)
{
    raw->priv = udev_device_new_from_syspath(((ud_source *)src->priv)->udev,
                                             raw->syspath);
    return raw->priv ? 0 : -ENOENT;
}

static bool udev_present(nd_raw *raw)
{
    return access(raw->syspath, F_OK) == 0;
}

static void udev_close(nd_raw *raw)
{
    if (raw->priv)
        udev_device_unref(raw->priv);
    raw->priv = NULL;
}

static void udev_free(nd_source *src)
{
    ud_source *s = src->priv;
    udev_unref(s->udev);
    if (s->sysfd >= 0)
        close(s->sysfd);
    free(s);
    free(src);
}

nd_source *nd_source_udev(void)
{
    struct udev *u = udev_new();
    if (!u) {
        nd_error_errno(errno ? errno : ENOMEM, "libudev cannot be used");
        return NULL;
    }
    nd_source *src = calloc(1, sizeof(*src));
    ud_source *s = calloc(1, sizeof(*s));
    if (!src || !s) {
        free(src);
        free(s);
        udev_unref(u);
        nd_error(ND_ERR_INTERNAL, "out of memory");
        return NULL;
    }
    s->udev = u;
    /* no /sys: every existence check takes the slow path (and finds nothing) */
    s->sysfd = open("/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
    *src = (nd_source){
        .name = "udev",
        .ops = &nd_udev_ops,
        .enumerate = udev_enumerate,
        .open = udev_open,
        .present = udev_present,
        .close = udev_close,
        .free = udev_free,
        .priv = s,
    };
    return src;
}

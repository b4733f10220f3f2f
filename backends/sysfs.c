/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The sysfs source: walks <root>/sys through the root fd (backends/root.c).
 * The only source that can read a fixture; needs no udevd or libudev. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libxml/hash.h>
#include "internal.h"
#include "record.h"
#include "sysfs.h"

static int sysfs_read(nd_raw *raw, const char *rel, char *buf, size_t max)
{
    nd_record(raw->root, ND_REC_FILE, raw->path, rel);
    return nd_read_file(raw->dirfd, rel, false, buf, max);
}

/* Root-level files (DMI through sys/class/dmi/id, proc/…, the udev
 * database) may sit behind symlinks, as long as they stay in the root. */
static int sysfs_root_read(nd_raw *raw, const char *path, char *buf, size_t max)
{
    nd_record(raw->root, ND_REC_FILE, "", path);
    return nd_read_file(raw->root->fd, path, true, buf, max);
}

/* A target must resolve below the root, which takes a walk of its whole
 * path. In a scan, one outside sys/devices/ (a driver's directory, an
 * IOMMU group), which many devices link to, is walked once. */
static int sysfs_link(nd_raw *raw, const char *rel, char **target)
{
    nd_record(raw->root, ND_REC_LINK, raw->path, rel);
    nd_scan_cache *sc = raw->scan;
    if (!sc)
        return nd_root_resolve_link(raw->root, raw->dirfd, raw->path, rel, target);
    int rc = nd_root_link_text(raw->dirfd, raw->path, rel, target);
    if (rc < 0)
        return rc;
    bool shared = strncmp(*target, "sys/devices/", 12) != 0;
    if (shared && sc->links && xmlHashLookup(sc->links, (const xmlChar *)*target))
        return 0;
    if (!nd_root_exists(raw->root, *target)) {
        free(*target);
        *target = NULL;
        return -ENOENT;
    }
    if (shared && (sc->links || (sc->links = xmlHashCreate(64))))
        xmlHashAddEntry(sc->links, (const xmlChar *)*target, sc);   /* failing: not kept */
    return 0;
}

static int nd_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int nd_sysfs_list_dir(int dirfd, const char *rel, bool follow, char ***names,
                      size_t *n)
{
    int fd = nd_root_opendir(dirfd, rel, follow);
    if (fd < 0)
        return fd;
    DIR *dir = fdopendir(fd);
    if (!dir) {
        int e = errno;
        close(fd);
        return -e;
    }
    size_t cap = 16, count = 0;
    char **v = malloc(cap * sizeof(*v));
    struct dirent *de;
    while (v && (de = readdir(dir))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (count == cap) {
            char **nv = realloc(v, (cap *= 2) * sizeof(*v));
            if (!nv) {
                nd_strv_free(v, count);
                v = NULL;
                break;
            }
            v = nv;
        }
        if (!(v[count] = strdup(de->d_name)))
            break;
        count++;
    }
    closedir(dir);
    if (!v)
        return -ENOMEM;
    qsort(v, count, sizeof(*v), nd_cmp_str);
    *names = v;
    *n = count;
    return 0;
}

static int sysfs_list(nd_raw *raw, const char *rel, char ***names, size_t *n)
{
    nd_record(raw->root, ND_REC_DIR, raw->path, rel);
    return nd_sysfs_list_dir(raw->dirfd, rel, false, names, n);
}

/* Links such as phy80211 climb above the device dir: resolve from the root. */
static bool sysfs_exists(nd_raw *raw, const char *rel)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", raw->path, rel) >= sizeof(path))
        return false;
    nd_record(raw->root, ND_REC_EXISTS, "", path);
    return nd_root_exists(raw->root, path);
}

static bool sysfs_root_exists(nd_raw *raw, const char *path)
{
    nd_record(raw->root, ND_REC_EXISTS, "", path);
    return nd_root_exists(raw->root, path);
}

#define ND_UDEVDB_MAX (64 * 1024)   /* a database entry with many links */

/* The udev database entry udev itself would use (DESIGN §13), read below
 * the root: fixtures carry their own names this way. */
static void sysfs_load_udevdb(nd_raw *raw)
{
    char id[ND_ATTR_MAX + 64];
    const char *major = nd_raw_uevent(raw, "MAJOR");
    const char *minor = nd_raw_uevent(raw, "MINOR");
    char ifindex[ND_ATTR_MAX + 1];
    if (major && minor)
        snprintf(id, sizeof(id), "%c%s:%s",
                 strcmp(raw->subsystem, "block") == 0 ? 'b' : 'c', major, minor);
    else if (strcmp(raw->subsystem, "net") == 0 &&
             nd_raw_attr(raw, "ifindex", ifindex) > 0)
        snprintf(id, sizeof(id), "n%s", ifindex);
    else
        snprintf(id, sizeof(id), "+%s:%s", raw->subsystem, raw->sysname);
    if (strchr(id, '/'))
        return;   /* a hostile MAJOR must not pick another file */
    char path[sizeof(id) + 32];
    snprintf(path, sizeof(path), "run/udev/data/%s", id);
    char *buf = malloc(ND_UDEVDB_MAX + 1);
    if (!buf)
        return;
    int r = raw->ops->root_read(raw, path, buf, ND_UDEVDB_MAX);
    if (r >= 0) {
        raw->udevdb = buf;
        return;
    }
    if (r != -ENOENT)
        nd_warn(raw->root, "/%s: cannot read: %s", path, strerror(-r));
    free(buf);
}

static const char *sysfs_prop(nd_raw *raw, const char *key)
{
    if (!raw->udevdb_loaded) {
        raw->udevdb_loaded = true;
        sysfs_load_udevdb(raw);
    }
    return nd_raw_lines_get(raw, raw->udevdb, "E:", key);
}

const nd_source_ops nd_sysfs_ops = {
    .read = sysfs_read,
    .root_read = sysfs_root_read,
    .link = sysfs_link,
    .list = sysfs_list,
    .exists = sysfs_exists,
    .root_exists = sysfs_root_exists,
    .prop = sysfs_prop,
};

/* Drop `strip` trailing components of path, in place. */
static bool nd_path_strip(char *path, int strip)
{
    while (strip-- > 0) {
        char *slash = strrchr(path, '/');
        if (!slash)
            return false;
        *slash = '\0';
    }
    return true;
}

static int sysfs_enumerate(nd_source *src, nd_root *root, nd_found_fn found,
                           void *ctx)
{
    (void)src;
    for (size_t p = 0; p < nd_nprobes; p++) {
        const nd_probe *probe = &nd_probes[p];
        char dir[256];
        snprintf(dir, sizeof(dir), "sys/%s", probe->dir);
        char **names;
        size_t n;
        int r = nd_sysfs_list_dir(root->fd, dir, true, &names, &n);
        if (r == -ENOENT)
            continue;          /* no such bus or class on this host */
        if (r < 0) {
            nd_warn(root, "/%s: cannot list: %s", dir, strerror(-r));
            continue;
        }
        nd_record(root, ND_REC_DIR, "", dir);
        int dirfd = nd_root_open_dir(root, dir);
        for (size_t i = 0; dirfd >= 0 && i < n; i++) {
            char *target;
            /* An entry that does not resolve inside the root is absent.
             * Unstripped, the target is the device directory, which the
             * scan opens (and drops when it cannot): no check here. */
            int rc = probe->strip ? nd_root_resolve_link(root, dirfd, dir, names[i], &target)
                                  : nd_root_link_text(dirfd, dir, names[i], &target);
            if (rc < 0)
                continue;
            if (nd_path_strip(target, probe->strip) &&
                strncmp(target, "sys/devices/", 12) == 0)
                found(ctx, target, probe);
            free(target);
        }
        if (dirfd >= 0)
            close(dirfd);
        nd_strv_free(names, n);
    }
    return 0;
}

static int sysfs_open(nd_source *src, nd_raw *raw)
{
    (void)src;
    /* a capture keeps each device's identity links and uevent too */
    static const char *const keep[] = { "uevent", "subsystem", "driver", "device" };
    for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
        nd_record(raw->root, ND_REC_EXISTS, raw->path, keep[i]);
    raw->dirfd = nd_root_open_dir(raw->root, raw->path);
    return raw->dirfd < 0 ? raw->dirfd : 0;
}

/* Still there, and still the directory that was read: a device removed
 * and added again while it was probed (a new kernfs node in sysfs, a new
 * directory in a tree) left reads by root-relative path (links resolved
 * from the root, a SCSI host's fc_host class entry, an input device's
 * inputN files) failing in between, though the path is back. */
static bool sysfs_present(nd_raw *raw)
{
    int fd = nd_root_open_dir(raw->root, raw->path);
    if (fd < 0)
        return false;
    struct stat now, then;
    bool same = fstat(fd, &now) == 0 && fstat(raw->dirfd, &then) == 0 &&
                now.st_dev == then.st_dev && now.st_ino == then.st_ino;
    close(fd);
    return same;
}

static void sysfs_close(nd_raw *raw)
{
    if (raw->dirfd >= 0)
        close(raw->dirfd);
    raw->dirfd = -1;
}

static void sysfs_free(nd_source *src)
{
    (void)src;   /* static */
}

nd_source *nd_source_sysfs(void)
{
    static nd_source sysfs = {
        .name = "sysfs",
        .ops = &nd_sysfs_ops,
        .enumerate = sysfs_enumerate,
        .open = sysfs_open,
        .present = sysfs_present,
        .close = sysfs_close,
        .free = sysfs_free,
    };
    return &sysfs;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `nodedev import-umockdev`: umockdev recordings (umockdev-record's text
 * format) into a root nodedev reads. Lines: "P: /devices/…" starts a
 * device; "A: name=value" an attribute (C escapes as umockdev writes
 * them); "H: name=HEX" a binary attribute; "L: name=target" a link;
 * "E: KEY=VALUE" a property; "N:" and "S:" the device node and its
 * symlinks. Kernel properties go to the device's uevent, udev's own
 * (ID_*, DEVLINKS, TAGS …) to its udev database entry. Several recordings
 * merge: a device met again only gains what it lacked.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"
#include "hex.h"
#include "umockdev.h"

/* Subsystems that are buses (sys/bus/X/devices); every other is a class. */
static const char *const nd_buses[] = {
    "pci", "usb", "scsi", "virtio", "platform", "hid", "serio", "pnp", "acpi",
    "i2c", "spi", "mmc", "sdio", "pcmcia", "xen", "ieee1394", "firewire",
    "ccw", "css", "vmbus", "nvmem", "thunderbolt", "cpu", "memory", "node",
    "container", "workqueue", "event_source", "clocksource", "machinecheck",
    "gameport", "mdio_bus", "serial", "usb-serial", "bluetooth", "snd_seq",
    "ac97", "hdaudio", "mei", "wmi", "gpio", "nd", "dax", "cxl", NULL,
};

static bool nd_is_bus(const char *subsystem)
{
    for (size_t i = 0; nd_buses[i]; i++)
        if (strcmp(nd_buses[i], subsystem) == 0)
            return true;
    return false;
}

/* Properties udevd adds, as opposed to the kernel's uevent ones. */
static bool nd_is_udev_prop(const char *key)
{
    static const char *const udev_keys[] = {
        "DEVLINKS", "TAGS", "CURRENT_TAGS", "USEC_INITIALIZED", "SYSTEMD_",
        "ID_", "DM_", "MD_", "LIBINPUT_", "UDISKS_", "COLORD_", "MTP_",
        "SOUND_", "NM_", "UPOWER_", "ACL_", "LVM_", "net.", NULL,
    };
    for (size_t i = 0; udev_keys[i]; i++)
        if (strncmp(key, udev_keys[i], strlen(udev_keys[i])) == 0)
            return true;
    return false;
}

/* A path inside the new root: no "..", no empty component, nothing absolute
 * after the leading one of a devpath. */
static bool nd_safe_rel(const char *p)
{
    if (!*p)
        return false;
    for (const char *c = p; *c;) {
        const char *end = strchrnul(c, '/');
        size_t n = (size_t)(end - c);
        if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
            return false;
        c = *end ? end + 1 : end;
    }
    return true;
}

/* The directory path below dirfd, made where missing, opened one
 * component at a time without following symlinks: a recording's "L:"
 * lines make links, and a later line must not write through one out of
 * the root ("L: x=../../../../etc" then "A: x/f=…"). An fd to close, or
 * -errno (-ELOOP at a symlink). */
static int nd_open_dirs(int dirfd, const char *path)
{
    int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    for (const char *c = path; fd >= 0 && *c;) {
        const char *end = strchrnul(c, '/');
        size_t n = (size_t)(end - c);
        char name[NAME_MAX + 1];
        if (n > NAME_MAX || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.')) {
            close(fd);
            return n > NAME_MAX ? -ENAMETOOLONG : -EINVAL;
        }
        if (n) {
            memcpy(name, c, n);
            name[n] = '\0';
            if (mkdirat(fd, name, 0755) < 0 && errno != EEXIST) {
                int e = errno;
                close(fd);
                return -e;
            }
            int next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            close(fd);
            fd = next;
        }
        c = *end ? end + 1 : end;
    }
    return fd < 0 ? -errno : fd;
}

/* mkdir -p below dirfd; 0 or -errno */
static int nd_mkdirs(int dirfd, const char *path)
{
    int fd = nd_open_dirs(dirfd, path);
    if (fd < 0)
        return fd;
    close(fd);
    return 0;
}

/* The directory of path below dirfd (made as nd_open_dirs does), with
 * *base set to path's last component. */
static int nd_open_parent(int dirfd, const char *path, const char **base)
{
    const char *slash = strrchr(path, '/');
    *base = slash ? slash + 1 : path;
    if (!slash)
        return nd_open_dirs(dirfd, "");
    char dir[4096];
    if ((size_t)(slash - path) >= sizeof(dir))
        return -ENAMETOOLONG;
    memcpy(dir, path, (size_t)(slash - path));
    dir[slash - path] = '\0';
    return nd_open_dirs(dirfd, dir);
}

static int nd_write_new(int dirfd, const char *path, const void *data, size_t len)
{
    const char *base;
    int dfd = nd_open_parent(dirfd, path, &base);
    if (dfd < 0)
        return dfd;
    int fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    int e = errno;
    close(dfd);
    if (fd < 0)
        return e == EEXIST ? 0 : -e;   /* merged: the first one stays */
    ssize_t n = write(fd, data, len);
    e = errno;
    close(fd);
    return n == (ssize_t)len ? 0 : -(n < 0 ? e : EIO);
}

static int nd_link_new(int dirfd, const char *path, const char *target)
{
    const char *base;
    int dfd = nd_open_parent(dirfd, path, &base);
    if (dfd < 0)
        return dfd;
    int r = symlinkat(target, dfd, base) < 0 && errno != EEXIST ? -errno : 0;
    close(dfd);
    return r;
}

/* umockdev writes text attributes with C escapes (g_strescape); undo them.
 * Returns the decoded length (text may hold NULs). */
size_t nd_umockdev_unescape(const char *in, char *out)
{
    size_t n = 0;
    for (const char *p = in; *p; p++) {
        if (*p != '\\' || !p[1]) {
            out[n++] = *p;
            continue;
        }
        p++;
        switch (*p) {
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'v': out[n++] = '\v'; break;
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
            unsigned v = 0;
            for (int i = 0; i < 3 && *p >= '0' && *p <= '7'; i++, p++)
                v = v * 8 + (unsigned)(*p - '0');
            p--;
            out[n++] = (char)v;
            break;
        }
        default: out[n++] = *p; break;   /* \\ \" and the rest: the char */
        }
    }
    out[n] = '\0';
    return n;
}

/* Hex text to bytes; -1 when it is not hex. (Not sscanf: glibc's measures
 * the whole rest of the string at each call, which made a long H: value
 * quadratic.) */
ssize_t nd_umockdev_unhex(const char *in, unsigned char *out)
{
    size_t n = 0;
    for (const char *p = in; p[0]; p += 2) {
        int hi = nd_hex_digit(p[0]), lo = hi < 0 ? -1 : nd_hex_digit(p[1]);
        if (lo < 0)
            return -1;
        out[n++] = (unsigned char)(hi << 4 | lo);
    }
    return (ssize_t)n;
}

typedef struct nd_import {
    int root;                  /* the new root */
    const char *file;
    unsigned line;
    char dev[4096];            /* "sys/devices/…" of the current device */
    char *uevent, *udevdb;     /* collected until the next P: */
    size_t uevent_len, udevdb_len;
    char subsystem[256];
    bool has_uevent_attr;
} nd_import;

static int nd_import_bad(nd_import *im, const char *why)
{
    return nd_error(ND_ERR_INVALID_ARG, "%s:%u: %s", im->file, im->line, why);
}

/* Append "<prefix>KEY=VALUE\n". */
static void nd_append(char **buf, size_t *len, const char *prefix, const char *key,
                      const char *value)
{
    char *line;
    int n = asprintf(&line, "%s%s=%s\n", prefix, key, value);
    if (n < 0)
        return;
    char *nb = realloc(*buf, *len + (size_t)n + 1);
    if (nb) {
        memcpy(nb + *len, line, (size_t)n + 1);
        *buf = nb;
        *len += (size_t)n;
    }
    free(line);
}

/* The device is complete: its uevent, udev database entry, subsystem link
 * and its bus or class entry, as the kernel and udev lay them out. */
static int nd_import_finish(nd_import *im)
{
    int r = 0;
    if (!im->dev[0])
        return 0;
    char path[4200];
    if (im->uevent && !im->has_uevent_attr) {
        snprintf(path, sizeof(path), "%s/uevent", im->dev);
        r = nd_write_new(im->root, path, im->uevent, im->uevent_len);
    }
    const char *name = strrchr(im->dev, '/') + 1;
    if (r == 0 && im->subsystem[0]) {
        bool bus = nd_is_bus(im->subsystem);
        /* depth of the device dir below the root decides the ../ count:
         * "../" for each '/' of dev, up to half its length ("a/a/…") */
        char up[sizeof(im->dev) / 2 * 3 + 1], *u = up;
        *u = '\0';
        for (const char *c = strchr(im->dev, '/'); c; c = strchr(c + 1, '/'))
            u = stpcpy(u, "../");
        char target[8300];
        snprintf(path, sizeof(path), "%s/subsystem", im->dev);
        snprintf(target, sizeof(target), "%ssys/%s/%s", up, bus ? "bus" : "class",
                 im->subsystem);
        r = nd_link_new(im->root, path, target);
        if (r == 0) {
            snprintf(path, sizeof(path), "sys/%s/%s%s/%s", bus ? "bus" : "class",
                     im->subsystem, bus ? "/devices" : "", name);
            snprintf(target, sizeof(target), "%s%s", bus ? "../../../" : "../../", im->dev + 4);
            r = nd_link_new(im->root, path, target);
        }
    }
    if (r == 0 && im->udevdb && im->uevent) {
        /* the entry udev would use (DESIGN §13) */
        const char *major = strstr(im->uevent, "MAJOR="), *minor = strstr(im->uevent, "MINOR=");
        const char *ifindex = strstr(im->uevent, "IFINDEX=");
        char id[600];
        if (major && minor)
            snprintf(id, sizeof(id), "%c%.*s:%.*s",
                     strcmp(im->subsystem, "block") == 0 ? 'b' : 'c',
                     (int)strcspn(major + 6, "\n"), major + 6,
                     (int)strcspn(minor + 6, "\n"), minor + 6);
        else if (strcmp(im->subsystem, "net") == 0 && ifindex)
            snprintf(id, sizeof(id), "n%.*s", (int)strcspn(ifindex + 8, "\n"), ifindex + 8);
        else
            snprintf(id, sizeof(id), "+%s:%s", im->subsystem, name);
        if (!strchr(id, '/')) {
            snprintf(path, sizeof(path), "run/udev/data/%s", id);
            r = nd_write_new(im->root, path, im->udevdb, im->udevdb_len);
        }
    }
    free(im->uevent);
    free(im->udevdb);
    im->uevent = im->udevdb = NULL;
    im->uevent_len = im->udevdb_len = 0;
    im->subsystem[0] = '\0';
    im->has_uevent_attr = false;
    im->dev[0] = '\0';
    if (r < 0)
        return nd_error_errno(-r, "cannot write %s", path);
    return 0;
}

/* Recordings keep a device's driver link but not the driver's directory,
 * which the kernel always has: make it, so the link resolves. */
static int nd_import_driver_dir(nd_import *im, const char *target)
{
    char path[8300];
    size_t len = (size_t)snprintf(path, sizeof(path), "%s", im->dev);
    for (const char *c = target; *c && len < sizeof(path) - 1;) {
        const char *end = strchrnul(c, '/');
        size_t n = (size_t)(end - c);
        if (n == 2 && c[0] == '.' && c[1] == '.') {
            char *slash = memrchr(path, '/', len);
            if (!slash)
                return 0;            /* climbs out of the root: leave it */
            len = (size_t)(slash - path);
        } else if (n && !(n == 1 && c[0] == '.') && len + n + 1 < sizeof(path)) {
            path[len++] = '/';
            memcpy(path + len, c, n);
            len += n;
        }
        path[len] = '\0';
        c = *end ? end + 1 : end;
    }
    return strncmp(path, "sys/", 4) == 0 ? nd_mkdirs(im->root, path) : 0;
}

static int nd_import_line(nd_import *im, char *l)
{
    if (!*l)
        return 0;
    if (strlen(l) < 3 || l[1] != ':' || l[2] != ' ')
        return nd_import_bad(im, "not a recording line (\"X: …\")");
    char kind = l[0], *rest = l + 3;
    if (kind == 'P') {
        if (nd_import_finish(im) < 0)
            return -1;
        if (rest[0] != '/' || !nd_safe_rel(rest + 1) || strncmp(rest, "/devices/", 9) != 0 ||
            strlen(rest) + 4 >= sizeof(im->dev))
            return nd_import_bad(im, "P: needs a device path below /devices");
        snprintf(im->dev, sizeof(im->dev), "sys%s", rest);
        int r = nd_mkdirs(im->root, im->dev);
        return r < 0 ? nd_error_errno(-r, "cannot create %s", im->dev) : 0;
    }
    if (!im->dev[0])
        return nd_import_bad(im, "a device line before the first P:");
    if (kind == 'N' || kind == 'S')
        return 0;   /* /dev nodes and links: nodedev reads none */
    char *eq = strchr(rest, '=');
    if (!eq || eq == rest)
        return nd_import_bad(im, "expected name=value");
    *eq = '\0';
    const char *name = rest, *value = eq + 1;
    if (kind == 'E') {
        if (strcmp(name, "SUBSYSTEM") == 0)
            snprintf(im->subsystem, sizeof(im->subsystem), "%s", value);
        if (strchr(im->subsystem, '/'))
            return nd_import_bad(im, "SUBSYSTEM holds a '/'");
        if (nd_is_udev_prop(name))
            nd_append(&im->udevdb, &im->udevdb_len, "E:", name, value);
        else
            nd_append(&im->uevent, &im->uevent_len, "", name, value);
        return 0;
    }
    if (!nd_safe_rel(name))
        return nd_import_bad(im, "attribute name leaves the device");
    char path[8300];
    snprintf(path, sizeof(path), "%s/%s", im->dev, name);
    int r;
    if (kind == 'A' || kind == 'H') {
        size_t vlen = strlen(value);
        unsigned char *buf = malloc(vlen + 1);
        if (!buf)
            return nd_error(ND_ERR_INTERNAL, "out of memory");
        ssize_t n = kind == 'A' ? (ssize_t)nd_umockdev_unescape(value, (char *)buf)
                                : nd_umockdev_unhex(value, buf);
        if (n < 0) {
            free(buf);
            return nd_import_bad(im, "H: value is not hex");
        }
        if (strcmp(name, "uevent") == 0)
            im->has_uevent_attr = true;
        r = nd_write_new(im->root, path, buf, (size_t)n);
        free(buf);
    } else if (kind == 'L') {
        if (value[0] == '/' || !*value)
            return nd_import_bad(im, "L: target must be relative");
        r = nd_link_new(im->root, path, value);
        if (r == 0 && strcmp(name, "driver") == 0)
            r = nd_import_driver_dir(im, value);
    } else {
        return nd_import_bad(im, "unknown line type");
    }
    return r < 0 ? nd_error_errno(-r, "cannot write %s", path) : 0;
}

static int nd_import_file(nd_import *im, const char *file)
{
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "re");
    if (!f)
        return nd_error_errno(errno, "cannot open %s", file);
    im->file = file;
    im->line = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
        im->line++;
        if (n > 0 && line[n - 1] == '\n')
            line[--n] = '\0';
        if ((size_t)n != strlen(line))
            rc = nd_import_bad(im, "a NUL byte in the line");
        else
            rc = nd_import_line(im, line);
    }
    if (rc == 0 && ferror(f))
        rc = nd_error_errno(errno, "cannot read %s", file);
    if (rc == 0)
        rc = nd_import_finish(im);
    free(line);
    if (f != stdin)
        fclose(f);
    return rc;
}

int ndImportUmockdev(const char *const *files, int nfiles, const char *dir,
                     unsigned int flags)
{
    nd_error_clear();
    if (!files || nfiles <= 0 || !dir)
        return nd_error(ND_ERR_INVALID_ARG, "ndImportUmockdev: no recordings or no target");
    if (flags & ~(unsigned)ND_CAPTURE_FORCE)
        return nd_error(ND_ERR_INVALID_ARG, "ndImportUmockdev: unknown flags 0x%x", flags);
    if (nd_capture_target(dir, flags & ND_CAPTURE_FORCE) < 0)
        return -1;
    nd_import im = { .root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) };
    if (im.root < 0)
        return nd_error_errno(errno, "cannot open %s", dir);
    int rc = nd_mkdirs(im.root, "sys/devices") < 0
                 ? nd_error_errno(errno, "cannot create %s/sys", dir) : 0;
    for (int i = 0; rc == 0 && i < nfiles; i++)
        rc = nd_import_file(&im, files[i]);
    free(im.uevent);
    free(im.udevdb);
    close(im.root);
    return rc;
}

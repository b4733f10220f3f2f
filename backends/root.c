/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The root a connection reads: opened once as a directory fd (as hwloc's
 * fsroot); every later open is an openat2() with RESOLVE_BENEATH below it,
 * so the kernel itself refuses absolute symlinks and ".." chains that
 * would leave the root. Symlink text is resolved lexically, never with
 * realpath().
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "internal.h"

long nd_openat2_raw(int dirfd, const char *path, int flags, unsigned long long resolve)
{
    struct open_how how = {
        .flags = (unsigned long long)(flags | O_CLOEXEC),
        .resolve = resolve,
    };
    long fd;
    /* With RESOLVE_BENEATH the kernel answers EAGAIN when any rename on the
     * system raced a ".." step: the path is fine, ask again (bounded). */
    for (int tries = 0; tries < 64; tries++) {
        fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
        if (fd >= 0 || errno != EAGAIN)
            break;
    }
    return fd;
}

static int nd_openat2(int dirfd, const char *path, int flags, unsigned long long resolve)
{
    long fd = nd_openat2_raw(dirfd, path, flags, resolve);
    if (fd >= 0)
        return (int)fd;
    /* Leaving the root, a loop, a symlink where none may be, or a file
     * where a directory should be: all mean "not there". */
    switch (errno) {
    case EXDEV: case ELOOP: case ENOTDIR: case ENOENT: case ENAMETOOLONG:
        return -ENOENT;
    default:
        return -errno;
    }
}

int nd_root_open(nd_root *r, const char *dir, bool quiet)
{
    memset(r, 0, sizeof(*r));
    r->fd = -1;
    if (!dir || !*dir)
        dir = "/";
    r->dir = strdup(dir);
    r->quiet = quiet;
    r->live = strcmp(dir, "/") == 0;
    if (!r->dir)
        return nd_error(ND_ERR_INTERNAL, "out of memory");
    r->fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (r->fd < 0) {
        int e = errno;
        nd_error(ND_ERR_NO_ROOT, "cannot open root %s: %s", dir, strerror(e));
        nd_root_close(r);
        return -1;
    }
    int sys = nd_openat2(r->fd, "sys", O_PATH | O_DIRECTORY, RESOLVE_BENEATH);
    if (sys < 0) {
        nd_error(ND_ERR_NO_ROOT, "root %s has no sys/ directory: %s", dir,
                 strerror(-sys));
        nd_root_close(r);
        return -1;
    }
    close(sys);
    return 0;
}

void nd_root_close(nd_root *r)
{
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
    free(r->dir);
    r->dir = NULL;
}

int nd_root_open_dir(const nd_root *r, const char *path)
{
    return nd_openat2(r->fd, path, O_PATH | O_DIRECTORY, RESOLVE_BENEATH);
}

int nd_root_open_file(int dirfd, const char *rel)
{
    /* O_NONBLOCK: a FIFO planted in a tree must not hang the scan */
    return nd_openat2(dirfd, rel, O_RDONLY | O_NONBLOCK,
                      RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
}

bool nd_root_exists(const nd_root *r, const char *path)
{
    int fd = nd_openat2(r->fd, path, O_PATH, RESOLVE_BENEATH);
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

int nd_root_opendir(int dirfd, const char *rel, bool follow)
{
    return nd_openat2(dirfd, rel, O_RDONLY | O_DIRECTORY,
                      RESOLVE_BENEATH | (follow ? 0 : RESOLVE_NO_SYMLINKS));
}

/* Read an open file: at most max bytes, NUL-terminated (buf holds max + 1).
 * Only regular files with the owner-read bit count (as libudev). */
static int nd_read_fd(int fd, char *buf, size_t max)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -errno;
    if (!S_ISREG(st.st_mode))
        return -ENOENT;
    if (!(st.st_mode & S_IRUSR))
        return -EACCES;
    size_t len = 0;
    while (len < max) {
        ssize_t n = read(fd, buf + len, max - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    return (int)len;
}

int nd_read_file(int dirfd, const char *rel, bool follow, char *buf, size_t max)
{
    int fd = nd_openat2(dirfd, rel, O_RDONLY | O_NONBLOCK,
                        RESOLVE_BENEATH | (follow ? 0 : RESOLVE_NO_SYMLINKS));
    if (fd < 0)
        return fd;
    int n = nd_read_fd(fd, buf, max);
    close(fd);
    return n;
}

int nd_read_raw(int dirfd, const char *rel, char *buf)
{
    return nd_read_file(dirfd, rel, false, buf, ND_ATTR_MAX);
}

void nd_attr_clean(char *buf)
{
    char *nl = strchr(buf, '\n');
    if (nl)
        *nl = '\0';
    size_t len = strlen(buf);
    while (len > 0 && strchr(" \t\r\v\f", buf[len - 1]))
        buf[--len] = '\0';
}

/* Append the components of `rel` to the normalised path in out[0..*len),
 * dropping "." and applying "..". False when ".." would leave the root.
 * (Not static: the udev source resolves link text the same way.) */
bool nd_path_push(char *out, size_t *len, size_t cap, const char *rel)
{
    while (*rel) {
        const char *end = strchrnul(rel, '/');
        size_t n = (size_t)(end - rel);
        if (n == 0 || (n == 1 && rel[0] == '.')) {
            /* nothing */
        } else if (n == 2 && rel[0] == '.' && rel[1] == '.') {
            if (*len == 0)
                return false;
            char *slash = memrchr(out, '/', *len);
            *len = slash ? (size_t)(slash - out) : 0;
        } else {
            if (*len + 1 + n >= cap)
                return false;
            if (*len)
                out[(*len)++] = '/';
            memcpy(out + *len, rel, n);
            *len += n;
        }
        rel = *end ? end + 1 : end;
    }
    out[*len] = '\0';
    return true;
}

int nd_root_link_text(int dirfd, const char *dir, const char *rel, char **out)
{
    char target[PATH_MAX];
    const char *last = strrchr(rel, '/');
    int linkdir = dirfd;
    if (last) {
        /* read the link text through a directory opened below the root, so
         * no intermediate symlink can lead the read outside */
        char sub[PATH_MAX];
        size_t n = (size_t)(last - rel);
        if (n >= sizeof(sub))
            return -ENOENT;
        memcpy(sub, rel, n);
        sub[n] = '\0';
        linkdir = nd_openat2(dirfd, sub, O_PATH | O_DIRECTORY,
                             RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
        if (linkdir < 0)
            return linkdir;
    }
    ssize_t n = readlinkat(linkdir, last ? last + 1 : rel, target, sizeof(target) - 1);
    int e = errno;
    if (last)
        close(linkdir);
    if (n < 0)
        return (e == EINVAL || e == ENOENT || e == ENOTDIR) ? -ENOENT : -e;
    target[n] = '\0';
    if (target[0] == '/')
        return -ENOENT;   /* absolute links point outside any fixture root */

    char path[PATH_MAX];
    size_t len = 0;
    path[0] = '\0';
    if (!nd_path_push(path, &len, sizeof(path), dir))
        return -ENOENT;
    if (last) {
        char sub[PATH_MAX];
        size_t sn = (size_t)(last - rel);
        memcpy(sub, rel, sn);
        sub[sn] = '\0';
        if (!nd_path_push(path, &len, sizeof(path), sub))
            return -ENOENT;
    }
    if (!nd_path_push(path, &len, sizeof(path), target) || len == 0)
        return -ENOENT;
    *out = strdup(path);
    return *out ? 0 : -ENOMEM;
}

int nd_root_resolve_link(const nd_root *r, int dirfd, const char *dir,
                         const char *rel, char **out)
{
    int rc = nd_root_link_text(dirfd, dir, rel, out);
    if (rc == 0 && !nd_root_exists(r, *out)) {
        free(*out);
        *out = NULL;
        rc = -ENOENT;
    }
    return rc;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `nodedev capture`: scan the root with a recorder attached (backends/
 * record.c), then copy exactly what was read — files, links as links,
 * listed directories — into a new root that nodedev reads back the same.
 * Source paths are resolved here component by component, so even the copy
 * never follows a link out of the source root.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"
#include "record.h"
#include "scrub.h"

#define ND_COPY_MAX (64 * 1024)   /* the most any reader takes (udev db) */
#define ND_LINK_DEPTH 40

typedef struct nd_copier {
    nd_root *src;
    int dest;                 /* the new root */
    const char *dest_name;    /* for messages */
    nd_scrub *scrub;          /* NULL: copy as is */
    bool learning;            /* scrub's first pass: read, write nothing */
    bool dry;                 /* resolving only to see whether a path exists */
    unsigned skipped;
    int error;                /* first write error (-errno) */
} nd_copier;

static void nd_copy_fail(nd_copier *c, int e, const char *path)
{
    if (!c->error) {
        c->error = -e;
        nd_error_errno(e, "cannot write %s/%s", c->dest_name, path);
    }
}

/* Resolve path in the source root, making every directory and link met
 * on the way in the copy. out (PATH_MAX) receives the resolved path. */
static int nd_copy_resolve(nd_copier *c, const char *path, int depth, char *out)
{
    if (depth > ND_LINK_DEPTH)
        return -ELOOP;
    char cur[PATH_MAX];
    size_t clen = 0;
    cur[0] = '\0';
    for (const char *p = path; *p;) {
        const char *end = strchrnul(p, '/');
        size_t n = (size_t)(end - p);
        const char *next = *end ? end + 1 : end;
        if (n == 0 || (n == 1 && p[0] == '.')) {
            p = next;
            continue;
        }
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (clen == 0)
                return -ENOENT;          /* would leave the root */
            char *slash = memrchr(cur, '/', clen);
            clen = slash ? (size_t)(slash - cur) : 0;
            cur[clen] = '\0';
            p = next;
            continue;
        }
        if (clen + n + 2 >= sizeof(cur))
            return -ENAMETOOLONG;
        if (clen)
            cur[clen++] = '/';
        memcpy(cur + clen, p, n);
        clen += n;
        cur[clen] = '\0';

        struct stat st;
        /* every prefix of cur is a resolved directory: nothing is followed */
        if (fstatat(c->src->fd, cur, &st, AT_SYMLINK_NOFOLLOW) < 0)
            return -errno;
        if (S_ISLNK(st.st_mode)) {
            char target[PATH_MAX];
            ssize_t tl = readlinkat(c->src->fd, cur, target, sizeof(target) - 1);
            if (tl < 0)
                return -errno;
            target[tl] = '\0';
            if (!c->learning && !c->dry && symlinkat(target, c->dest, cur) < 0 &&
                errno != EEXIST)
                nd_copy_fail(c, errno, cur);
            if (target[0] == '/')
                return -ENOENT;          /* absolute: outside any root */
            char joined[PATH_MAX * 2];
            char *slash = strrchr(cur, '/');
            snprintf(joined, sizeof(joined), "%.*s%s%s",
                     slash ? (int)(slash - cur) : 0, cur, slash ? "/" : "", target);
            int r = nd_copy_resolve(c, joined, depth + 1, cur);
            if (r < 0)
                return r;
            clen = strlen(cur);
        } else if (S_ISDIR(st.st_mode)) {
            if (!c->learning && !c->dry && mkdirat(c->dest, cur, 0755) < 0 &&
                errno != EEXIST)
                nd_copy_fail(c, errno, cur);
        } else if (*next) {
            return -ENOTDIR;
        }
        p = next;
    }
    if (!clen)
        return -ENOENT;
    memcpy(out, cur, clen + 1);
    return 0;
}

/* Copy a resolved regular file. A file without the owner-read bit is
 * skipped (and counted) when it was read for its content; when only its
 * existence mattered (vport_create is write-only) it is made empty. */
static void nd_copy_file(nd_copier *c, const char *path, bool content_matters)
{
    /* openat2 beneath the source root with no symlinks at all: even if the
     * source changes while we copy, nothing outside it can be read */
    int fd = (int)nd_openat2_raw(c->src->fd, path, O_RDONLY | O_NONBLOCK,
                                 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
    struct stat st;
    if (fd < 0 && errno != EACCES)
        return;
    if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
        close(fd);
        return;
    }
    if (fd < 0 && fstatat(c->src->fd, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return;
    bool readable = fd >= 0 && (st.st_mode & S_IRUSR);
    if (!readable && content_matters) {
        if (!c->learning) {
            c->skipped++;
            nd_warn(c->src, "/%s: cannot read: not copied", path);
        }
        if (fd >= 0)
            close(fd);
        return;
    }
    char *buf = malloc(ND_COPY_MAX + 1);
    ssize_t len = 0;
    if (buf && readable) {
        ssize_t n;
        while (len < ND_COPY_MAX && (n = read(fd, buf + len, (size_t)(ND_COPY_MAX - len))) > 0)
            len += n;
    }
    if (fd >= 0)
        close(fd);
    if (!buf)
        return;
    buf[len] = '\0';
    if (c->learning) {
        nd_scrub_learn(c->scrub, path, buf);
        free(buf);
        return;
    }
    char *out = buf;
    size_t outlen = (size_t)len;
    if (c->scrub && !(out = nd_scrub_apply(c->scrub, path, buf, (size_t)len, &outlen)))
        out = buf, outlen = (size_t)len;
    int wfd = openat(c->dest, path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
                     0600);
    if (wfd < 0 || write(wfd, out, outlen) != (ssize_t)outlen ||
        fchmod(wfd, st.st_mode & 07777) < 0)
        nd_copy_fail(c, errno, path);
    if (wfd >= 0)
        close(wfd);
    if (out != buf)
        free(out);
    free(buf);
}

/* Copy path: whatever it is, resolving links on the way. */
static void nd_copy_path(nd_copier *c, const char *path, bool content_matters)
{
    char resolved[PATH_MAX];
    /* what was looked for but is not there leaves no directories behind */
    c->dry = true;
    int r = nd_copy_resolve(c, path, 0, resolved);
    c->dry = false;
    if (r < 0 || nd_copy_resolve(c, path, 0, resolved) < 0)
        return;
    struct stat st;
    if (fstatat(c->src->fd, resolved, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
        nd_copy_file(c, resolved, content_matters);
}

/* A listed directory: each entry as it is (a link stays a link). */
static void nd_copy_dir(nd_copier *c, const char *path)
{
    char resolved[PATH_MAX];
    if (nd_copy_resolve(c, path, 0, resolved) < 0)
        return;
    int fd = (int)nd_openat2_raw(c->src->fd, resolved, O_RDONLY | O_DIRECTORY,
                                 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
    DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
    if (!dir) {
        if (fd >= 0)
            close(fd);
        return;
    }
    struct dirent *de;
    while ((de = readdir(dir))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char entry[PATH_MAX * 2];
        snprintf(entry, sizeof(entry), "%s/%s", resolved, de->d_name);
        nd_copy_path(c, entry, false);
    }
    closedir(dir);
}

static void nd_copy_all(nd_copier *c, const nd_recorder *rec)
{
    for (size_t i = 0; i < rec->n; i++) {
        const nd_rec_entry *e = &rec->v[i];
        if (e->kind == ND_REC_DIR)
            nd_copy_dir(c, e->path);
        else
            nd_copy_path(c, e->path, e->kind == ND_REC_FILE);
    }
}

/* A target that exists must be an empty directory, unless forced. */
int nd_capture_target(const char *dir, bool force)
{
    if (mkdir(dir, 0755) == 0)
        return 0;
    if (errno != EEXIST)
        return nd_error_errno(errno, "cannot create %s", dir);
    DIR *d = opendir(dir);
    if (!d)
        return nd_error_errno(errno, "cannot open %s", dir);
    struct dirent *de;
    bool empty = true;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            empty = false;
    closedir(d);
    if (!empty && !force)
        return nd_error(ND_ERR_INVALID_ARG,
                        "%s exists and is not empty (--force writes into it)", dir);
    return 0;
}

int ndConnectCapture(ndConnectPtr conn, const char *dir, unsigned int flags)
{
    nd_error_clear();
    if (!conn || !dir)
        return nd_error(ND_ERR_INVALID_ARG, "ndConnectCapture: %s",
                        conn ? "no target directory" : "no connection");
    if (flags & ~(unsigned)(ND_CAPTURE_SCRUB | ND_CAPTURE_FORCE))
        return nd_error(ND_ERR_INVALID_ARG, "ndConnectCapture: unknown flags 0x%x", flags);
    if (nd_capture_target(dir, flags & ND_CAPTURE_FORCE) < 0)
        return -1;

    /* a root of its own: the connection's may serve other threads now */
    nd_root src;
    if (nd_root_open(&src, conn->root.dir, conn->root.quiet) < 0)
        return -1;
    nd_copier c = { .src = &src, .dest = -1, .dest_name = dir };
    src.recorder = nd_recorder_new();
    nd_model *m = src.recorder ? nd_scan(&src, nd_source_sysfs()) : NULL;
    nd_model_free(m);
    int rc = -1;
    if (!m) {
        if (!src.recorder)
            nd_error(ND_ERR_INTERNAL, "out of memory");
        goto out;
    }
    c.dest = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (c.dest < 0) {
        nd_error_errno(errno, "cannot open %s", dir);
        goto out;
    }
    if (flags & ND_CAPTURE_SCRUB) {
        if (!(c.scrub = nd_scrub_new())) {
            nd_error(ND_ERR_INTERNAL, "out of memory");
            goto out;
        }
        c.learning = true;
        nd_copy_all(&c, src.recorder);
        c.learning = false;
    }
    nd_copy_all(&c, src.recorder);
    rc = c.error ? -1 : (int)c.skipped;
out:
    if (c.dest >= 0)
        close(c.dest);
    nd_scrub_free(c.scrub);
    nd_recorder_free(src.recorder);
    nd_root_close(&src);
    return rc;
}

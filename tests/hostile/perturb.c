/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The hostile-tree generator (issue 9; see perturb.h). Everything follows
 * from the seed: the random stream is splitmix64, directories are read in
 * sorted order, and the operations only ever look at the tree through
 * root-relative paths opened with openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS), so a link planted by an earlier step (or by the
 * fixture itself: hostile has one to /etc/hostname) is never followed
 * while writing. Paths longer than PATH_MAX are built one mkdirat/openat
 * step at a time.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "perturb.h"

#define DEEP_LEVELS 1000
#define HUGE_SIZE (1024 * 1024)

/* ---- small tools ----------------------------------------------------- */

typedef struct strv {
    char **v;
    size_t n, cap;
} strv;

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q)
        abort();
    return q;
}

static char *xstrdup(const char *s)
{
    char *d = strdup(s);
    if (!d)
        abort();
    return d;
}

static void strv_add(strv *s, const char *str)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 32;
        s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
    }
    s->v[s->n++] = xstrdup(str);
}

static void strv_free(strv *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof(*s));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Entries of an open directory (without . and ..), sorted: the walk must
 * not depend on the file system's order. */
static strv list_sorted(int dirfd)
{
    strv names = { 0 };
    int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return names;
    }
    struct dirent *de;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            strv_add(&names, de->d_name);
    closedir(d);
    if (names.n)
        qsort(names.v, names.n, sizeof(*names.v), cmp_str);
    return names;
}

/* openat2 below dirfd, never through a symlink (the last component
 * included). -1 with errno. */
static int at2(int dirfd, const char *path, int flags, mode_t mode)
{
    struct open_how how = {
        /* O_PATH takes no other flags than these */
        .flags = (unsigned long long)(flags | O_CLOEXEC | ((flags & O_PATH) ? 0 : O_NOCTTY)),
        .mode = (flags & O_CREAT) ? mode : 0,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
    };
    long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
    return fd < 0 ? -1 : (int)fd;
}

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* ---- removing and copying trees --------------------------------------- */

/* Remove name (in pfd) and all below it without recursion: one directory
 * fd at a time, climbing back through "..", so any depth works. */
static int rmtree_at(int pfd, const char *name)
{
    struct stat st;
    if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlinkat(pfd, name, 0);
    fchmodat(pfd, name, 0700, 0);
    int cur = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (cur < 0)
        return -1;
    strv stack = { 0 };   /* names from name's children down to cur */
    int rc = 0;
    for (;;) {
        int fd = dup(cur);
        DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
        if (!d) {
            if (fd >= 0)
                close(fd);
            rc = -1;
            break;
        }
        char *sub = NULL;
        bool removed = false;
        struct dirent *de;
        while ((de = readdir(d))) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            bool is_dir = de->d_type == DT_DIR;
            if (de->d_type == DT_UNKNOWN &&
                fstatat(cur, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
                is_dir = S_ISDIR(st.st_mode);
            if (is_dir) {
                if (!sub)
                    sub = xstrdup(de->d_name);
            } else if (unlinkat(cur, de->d_name, 0) == 0) {
                removed = true;
            }
        }
        closedir(d);
        if (sub) {
            fchmodat(cur, sub, 0700, 0);
            int next = openat(cur, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (next < 0) {
                free(sub);
                rc = -1;
                break;
            }
            if (stack.n == stack.cap) {
                stack.cap = stack.cap ? stack.cap * 2 : 64;
                stack.v = xrealloc(stack.v, stack.cap * sizeof(*stack.v));
            }
            stack.v[stack.n++] = sub;
            close(cur);
            cur = next;
            continue;
        }
        if (removed)
            continue;   /* a readdir that raced our unlinks: look again */
        if (stack.n == 0)
            break;
        int up = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (up < 0) {
            rc = -1;
            break;
        }
        close(cur);
        cur = up;
        char *last = stack.v[--stack.n];
        int r = unlinkat(cur, last, AT_REMOVEDIR);
        free(last);
        if (r < 0) {
            rc = -1;
            break;
        }
    }
    close(cur);
    int e = errno;
    strv_free(&stack);
    if (rc < 0) {
        errno = e;
        return -1;
    }
    return unlinkat(pfd, name, AT_REMOVEDIR);
}

int nd_hostile_rmtree(const char *path)
{
    return rmtree_at(AT_FDCWD, path);
}

/* Copy the directory src (fd) into dst (fd): files with their mode bits,
 * symlinks as links (their text unchanged), nothing followed. Fixtures are
 * shallow; a deep chain planted earlier is copied only COPY_DEPTH levels
 * down (recursion holds two fds a level). */
#define COPY_DEPTH 32

static int copy_tree_depth(int src, int dst, unsigned depth)
{
    strv names = list_sorted(src);
    int rc = 0;
    for (size_t i = 0; i < names.n && rc == 0; i++) {
        const char *name = names.v[i];
        struct stat st;
        if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            rc = -1;
            break;
        }
        if (S_ISDIR(st.st_mode)) {
            int s = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (s < 0 || mkdirat(dst, name, 0755) < 0) {
                if (s >= 0)
                    close(s);
                rc = -1;
                break;
            }
            int d = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            rc = d < 0 ? -1 : depth < COPY_DEPTH ? copy_tree_depth(s, d, depth + 1) : 0;
            close(s);
            if (d >= 0)
                close(d);
        } else if (S_ISLNK(st.st_mode)) {
            char text[PATH_MAX];
            ssize_t n = readlinkat(src, name, text, sizeof(text) - 1);
            if (n < 0) {
                rc = -1;
                break;
            }
            text[n] = '\0';
            rc = symlinkat(text, dst, name);
        } else if (S_ISREG(st.st_mode)) {
            int s = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
            int d = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                           st.st_mode & 07777);
            char buf[8192];
            ssize_t n = 0;
            while (s >= 0 && d >= 0 && (n = read(s, buf, sizeof(buf))) > 0)
                if (write_all(d, buf, (size_t)n) < 0)
                    break;
            /* a write-only attribute (vport_create) cannot be read but by
             * root: what matters of it is that it is there */
            if ((s < 0 && errno != EACCES) || d < 0 || n != 0)
                rc = -1;
            if (s >= 0)
                close(s);
            if (d >= 0) {
                fchmod(d, st.st_mode & 07777);
                close(d);
            }
        }
    }
    strv_free(&names);
    return rc;
}

static int copy_tree(int src, int dst)
{
    return copy_tree_depth(src, dst, 0);
}

/* ---- the generator's state ------------------------------------------- */

typedef struct ctx {
    uint64_t rng;
    int rootfd;                 /* DIR/root */
    char *dir;                  /* DIR, absolute */
    FILE *log;
    unsigned fresh;             /* counter for new names */
    /* the copied tree, root-relative, in sorted walk order */
    strv files;                 /* regular files */
    strv sysfiles;              /* regular files below sys/ */
    strv links;                 /* symlinks */
    strv dirs;                  /* directories (root excluded) */
    strv devdirs;               /* dirs below sys/devices with uevent/subsystem */
    strv entrydirs;             /* sys/bus/X/devices, sys/class/X */
    strv entries;               /* the links in entrydirs */
} ctx;

static uint64_t rnext(ctx *c)
{
    uint64_t z = (c->rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static unsigned rbelow(ctx *c, unsigned n)
{
    return n ? (unsigned)(rnext(c) % n) : 0;
}

static bool rchance(ctx *c, unsigned percent)
{
    return rbelow(c, 100) < percent;
}

static const char *rpick(ctx *c, const strv *s)
{
    return s->n ? s->v[rbelow(c, (unsigned)s->n)] : NULL;
}

static void note(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(ctx *c, const char *fmt, ...)
{
    if (!c->log)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(c->log, fmt, ap);
    va_end(ap);
    fputc('\n', c->log);
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static unsigned depth_of(const char *rel)
{
    unsigned d = *rel ? 1 : 0;
    for (; *rel; rel++)
        d += *rel == '/';
    return d;
}

/* sys/bus/X/devices or sys/class/X */
static bool is_entrydir(const char *rel)
{
    if (has_prefix(rel, "sys/class/"))
        return strchr(rel + 10, '/') == NULL;
    if (!has_prefix(rel, "sys/bus/"))
        return false;
    const char *slash = strchr(rel + 8, '/');
    return slash && strcmp(slash, "/devices") == 0;
}

static void walk(ctx *c, int fd, const char *rel)
{
    strv names = list_sorted(fd);
    bool device = false;
    for (size_t i = 0; i < names.n; i++) {
        const char *name = names.v[i];
        char path[PATH_MAX];
        snprintf(path, sizeof(path), "%s%s%s", rel, *rel ? "/" : "", name);
        struct stat st;
        if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        if (strcmp(name, "uevent") == 0 || strcmp(name, "subsystem") == 0)
            device = true;
        if (S_ISLNK(st.st_mode)) {
            strv_add(&c->links, path);
            if (is_entrydir(rel))
                strv_add(&c->entries, path);
        } else if (S_ISREG(st.st_mode)) {
            strv_add(&c->files, path);
            if (has_prefix(path, "sys/"))
                strv_add(&c->sysfiles, path);
        } else if (S_ISDIR(st.st_mode)) {
            strv_add(&c->dirs, path);
            if (is_entrydir(path))
                strv_add(&c->entrydirs, path);
            int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0) {
                walk(c, sub, path);
                close(sub);
            }
        }
    }
    if (device && has_prefix(rel, "sys/devices/"))
        strv_add(&c->devdirs, rel);
    strv_free(&names);
}

/* The directory holding rel, opened O_PATH below the root without
 * following links; *name is rel's last component. -1 when it is gone or
 * now behind a link. */
static int parent_fd(const ctx *c, const char *rel, const char **name)
{
    const char *slash = strrchr(rel, '/');
    if (!slash) {
        *name = rel;
        return at2(c->rootfd, ".", O_PATH | O_DIRECTORY, 0);
    }
    char dir[PATH_MAX];
    size_t n = (size_t)(slash - rel);
    if (n >= sizeof(dir))
        return -1;
    memcpy(dir, rel, n);
    dir[n] = '\0';
    *name = slash + 1;
    return at2(c->rootfd, dir, O_PATH | O_DIRECTORY, 0);
}

/* Make the directories of rel (root-relative) that are missing. */
static void mkdirs(const ctx *c, const char *rel)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s", rel);
    for (char *p = path;; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            const char *name;
            int pfd = parent_fd(c, path, &name);
            if (pfd >= 0) {
                mkdirat(pfd, name, 0755);
                close(pfd);
            }
            *p = saved;
            if (!saved)
                break;
        }
    }
}

/* Remove whatever is at rel (a tree too). */
static void remove_any(const ctx *c, const char *rel)
{
    const char *name;
    int pfd = parent_fd(c, rel, &name);
    if (pfd < 0)
        return;
    rmtree_at(pfd, name);
    close(pfd);
}

/* Write data to the regular file rel (created when missing), never
 * through a link; a FIFO or socket there is left alone. */
static bool write_file(const ctx *c, const char *rel, const void *data, size_t len)
{
    int fd = at2(c->rootfd, rel, O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK, 0644);
    if (fd < 0)
        return false;
    struct stat st;
    bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && write_all(fd, data, len) == 0;
    close(fd);
    return ok;
}

static bool make_link(const ctx *c, const char *rel, const char *text)
{
    const char *name;
    int pfd = parent_fd(c, rel, &name);
    if (pfd < 0)
        return false;
    rmtree_at(pfd, name);
    bool ok = symlinkat(text, pfd, name) == 0;
    close(pfd);
    return ok;
}

/* Lexically resolve the link rel (relative text only) to a root-relative
 * path in out; false when it is absolute or climbs out. */
static bool resolve_link(const ctx *c, const char *rel, char *out, size_t cap)
{
    const char *name;
    int pfd = parent_fd(c, rel, &name);
    if (pfd < 0)
        return false;
    char text[PATH_MAX];
    ssize_t n = readlinkat(pfd, name, text, sizeof(text) - 1);
    close(pfd);
    if (n <= 0)
        return false;
    text[n] = '\0';
    if (text[0] == '/')
        return false;
    char path[2 * PATH_MAX];
    snprintf(path, sizeof(path), "%.*s/%s", (int)(name - rel - 1), rel, text);
    size_t len = 0;
    char *save = NULL;
    for (char *comp = strtok_r(path, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
        if (strcmp(comp, ".") == 0)
            continue;
        if (strcmp(comp, "..") == 0) {
            if (len == 0)
                return false;
            char *slash = memrchr(out, '/', len);
            len = slash ? (size_t)(slash - out) : 0;
            continue;
        }
        size_t cl = strlen(comp);
        if (len + cl + 2 > cap)
            return false;
        if (len)
            out[len++] = '/';
        memcpy(out + len, comp, cl);
        len += cl;
    }
    out[len] = '\0';
    return len > 0;
}

/* "../" n times, then tail */
static char *ups(unsigned n, const char *tail)
{
    size_t tl = strlen(tail);
    char *s = xrealloc(NULL, (size_t)n * 3 + tl + 1);
    for (unsigned i = 0; i < n; i++)
        memcpy(s + 3 * i, "../", 3);
    memcpy(s + (size_t)n * 3, tail, tl + 1);
    return s;
}

/* ---- values ------------------------------------------------------------- */

static const char *const bad_utf8[] = {
    "\xff", "\xfe", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
    "\x80", "\xbf", "\xc3", "\xe2\x82", "\xf0\x9f\x98", "\xef\xbf\xbe", "\xef\xbf\xbf",
    "\xf8\x88\x80\x80\x80", "\xc3\xa9", "\xe6\xbc\xa2", "\xf0\x9f\x98\x80",
};
static const char *const markup[] = {
    "<", ">", "&", "\"", "'", "]]>", "&amp;", "<!--", "-->", "<?xml", "<![CDATA[",
    "<device>", "</devices>", "&#0;", "&#xFFFE;", "<!DOCTYPE x [<!ENTITY e \"e\">]>",
};
static const char *const numberish[] = {
    "0x", "0X", "-1", "+5", " 12", "12 ", "18446744073709551616",
    "ffffffffffffffffffffffff", "0x0x12", "12abc", "", "\n12", "1\n2", "8086\0x",
    "0x8086", "00000000000000000000000000000000000001", "0xffffffffffffffff",
    "20000000c9848140", "0x2000000000000000000", "1 2", "\t7", "0xg", "9e9",
    "4294967296", "-0", "host", "ab:cd:ef:01:23:45:67", "00:00:00:00:00:00",
};

/* Fill buf with one of the hostile kinds of value; its length. */
static size_t garbage(ctx *c, char *buf, size_t max)
{
    static const size_t sizes[] = { 0, 1, 16, 100, 4094, 4095, 4096, 4097, 8192 };
    size_t len = sizes[rbelow(c, sizeof(sizes) / sizeof(sizes[0]))];
    if (len > 1 && len < 4000)
        len = 1 + rbelow(c, (unsigned)len);
    if (len > max)
        len = max;
    unsigned kind = rbelow(c, 8);
    size_t n = 0;
    while (n < len) {
        const char *piece;
        char one[2] = { 0, 0 };
        switch (kind) {
        case 0: /* any byte */
            buf[n++] = (char)rbelow(c, 256);
            continue;
        case 1: /* text with control characters */
            one[0] = rchance(c, 20) ? (char)(rbelow(c, 32) | (rchance(c, 10) ? 0x60 : 0))
                                    : (char)(' ' + rbelow(c, 95));
            if (one[0] == 0x60 + 0x1f)
                one[0] = 0x7f;
            piece = one;
            break;
        case 2: /* invalid (and some valid) UTF-8 among text */
            piece = rchance(c, 50) ? bad_utf8[rbelow(c, sizeof(bad_utf8) / sizeof(bad_utf8[0]))]
                                   : "a";
            break;
        case 3: /* NULs */
            if (rchance(c, 30)) {
                buf[n++] = '\0';
                continue;
            }
            piece = "x";
            break;
        case 4:
            piece = markup[rbelow(c, sizeof(markup) / sizeof(markup[0]))];
            break;
        case 5: /* a number a parser might half accept, maybe padded */
            piece = numberish[rbelow(c, sizeof(numberish) / sizeof(numberish[0]))];
            if (n == 0 && len > 64)
                len = 64;
            break;
        case 6: /* whitespace and line ends */
            one[0] = " \t\r\n\v\f"[rbelow(c, 6)];
            piece = one;
            break;
        default: /* hex and decimal digits */
            one[0] = "0123456789abcdefABCDEFx"[rbelow(c, 23)];
            piece = one;
            break;
        }
        size_t pl = strlen(piece);
        if (pl == 0) {   /* a NUL character, or the empty number */
            buf[n++] = '\0';
            continue;
        }
        if (n + pl > len)
            pl = len - n;
        memcpy(buf + n, piece, pl);
        n += pl;
    }
    return n;
}

/* ---- the perturbations ------------------------------------------------ */

typedef void (*op_fn)(ctx *c);

static void op_delete_file(ctx *c)
{
    const char *rel = rpick(c, &c->files);
    if (!rel)
        return;
    note(c, "delete file %s", rel);
    remove_any(c, rel);
}

static void op_delete_link(ctx *c)
{
    const char *rel = rpick(c, rchance(c, 50) ? &c->entries : &c->links);
    if (!rel)
        return;
    note(c, "delete link %s", rel);
    remove_any(c, rel);
}

static void op_garbage(ctx *c)
{
    const char *rel = rpick(c, &c->sysfiles);
    if (!rel || rchance(c, 10))
        rel = rpick(c, &c->files);   /* run/udev/data, proc/… too */
    if (!rel)
        return;
    char buf[8192];
    size_t len = garbage(c, buf, sizeof(buf));
    note(c, "garbage %s (%zu bytes)", rel, len);
    write_file(c, rel, buf, len);
}

/* A value of 1 MiB: one endless line, many lines, or well-formed records
 * (udev database, VLAN table) so the readers' own limits are what stops
 * them. */
static void op_huge(ctx *c)
{
    char *buf = xrealloc(NULL, HUGE_SIZE);
    const char *rel = NULL;
    char made[PATH_MAX];
    unsigned where = rbelow(c, 5);
    if (where == 1) {
        const char *dev = rpick(c, &c->devdirs);
        if (dev) {
            snprintf(made, sizeof(made), "%s/uevent", dev);
            rel = made;
        }
    } else if (where == 2) {
        const char *dev = rpick(c, &c->devdirs);
        if (dev) {
            const char *sysname = strrchr(dev, '/') + 1;
            static const char *const sub[] = { "pci", "usb", "scsi", "scsi_host", "sound" };
            mkdirs(c, "run/udev/data");
            snprintf(made, sizeof(made), "run/udev/data/+%s:%s", sub[rbelow(c, 5)], sysname);
            rel = made;
        }
    } else if (where == 3) {
        mkdirs(c, "proc/net/vlan");
        rel = "proc/net/vlan/config";
    }
    if (!rel)
        rel = rpick(c, &c->sysfiles);
    if (!rel) {
        free(buf);
        return;
    }
    unsigned form = rbelow(c, 4);
    size_t n = 0;
    if (form == 0) {
        memset(buf, 'A' + (int)rbelow(c, 26), HUGE_SIZE);
        n = HUGE_SIZE;
    } else if (form == 1) {
        while (n + 8192 <= HUGE_SIZE) {
            size_t got = garbage(c, buf + n, 8192);
            if (!got)
                buf[n + got++] = 'z';
            n += got;
        }
    } else if (form == 2) {
        /* udev database lines: thousands of properties and links */
        while (n + 64 < HUGE_SIZE)
            n += (size_t)snprintf(buf + n, HUGE_SIZE - n, "%s%u=%08x\n",
                                  rchance(c, 50) ? "E:ID_MODEL_FROM_DATABASE" : "S:disk/by-id/x",
                                  (unsigned)n, (unsigned)rnext(c));
    } else {
        /* a VLAN table with too many entries */
        n = (size_t)snprintf(buf, HUGE_SIZE, "VLAN Dev name | VLAN ID\n"
                             "Name-Type: VLAN_NAME_TYPE_RAW_PLUS_VID_NO_PAD\n");
        while (n + 64 < HUGE_SIZE)
            n += (size_t)snprintf(buf + n, HUGE_SIZE - n, "eth0.%u | %u | eth0\n",
                                  (unsigned)n, rbelow(c, 5000));
    }
    note(c, "huge %s (%zu bytes, form %u)", rel, n, form);
    write_file(c, rel, buf, n);
    free(buf);
}

/* Where a new link escaping the root can point, from the directory
 * `dirrel` (root-relative) that will hold it. */
static char *escape_text(ctx *c, const char *dirrel)
{
    unsigned up = depth_of(dirrel) + 1;   /* from dirrel to DIR */
    char *s;
    switch (rbelow(c, 9)) {
    case 0:
        s = xrealloc(NULL, strlen(c->dir) + 32);
        sprintf(s, "%s/" ND_HOSTILE_CANARY, c->dir);
        return s;
    case 1:
        s = xrealloc(NULL, strlen(c->dir) + 32);
        sprintf(s, "%s/" ND_HOSTILE_CANARY_DIR, c->dir);
        return s;
    case 2:
        return ups(up, ND_HOSTILE_CANARY);
    case 3:
        return ups(up, ND_HOSTILE_CANARY_DIR);
    case 4:
        return ups(up, rchance(c, 50) ? ND_HOSTILE_CANARY_SUBDIR : ND_HOSTILE_CANARY_DIR "/vendor");
    case 5: /* far beyond / (lands on /CANARY, which is not there) */
        return ups(up + 1 + rbelow(c, 40), ND_HOSTILE_CANARY);
    case 6: /* out of the root and back in: a lexical resolver must not
             * forgive the excursion */
        return ups(up, ND_HOSTILE_ROOT "/sys/devices");
    case 7:
        return xstrdup(rchance(c, 50) ? "/etc/hostname" : "/proc/self/root/etc/passwd");
    default: { /* through a link that itself leaves: "hop/CANARY" */
        char hop[PATH_MAX];
        snprintf(hop, sizeof(hop), "%s/hop%u", dirrel, c->fresh++);
        char *t = ups(up, "");
        make_link(c, hop, t);
        free(t);
        s = xrealloc(NULL, strlen(hop) + 32);
        sprintf(s, "%s/" ND_HOSTILE_CANARY, strrchr(hop, '/') + 1);
        return s;
    }
    }
}

static const char *const entry_names[] = {
    "0000:00:1f.7", "0000:ff:00.0", "9-9", "9-9:1.0", "usb9", "host9", "9:0:0:0",
    "eth9", "wlan9", "sda", "sdz9", "card9", "controlC9", "pcmC9D0p", "event9",
    "input9", "x", "..x", "-", "escape",
};

/* A link leaving the root, put where nodedev looks. */
static void op_escape(ctx *c)
{
    char rel[PATH_MAX];
    const char *base;
    switch (rbelow(c, 7)) {
    case 0: /* a new bus/class entry */
        if (!(base = rpick(c, &c->entrydirs)))
            return;
        snprintf(rel, sizeof(rel), "%s/%s", base,
                 entry_names[rbelow(c, sizeof(entry_names) / sizeof(entry_names[0]))]);
        break;
    case 1: /* an existing entry, retargeted */
        if (!(base = rpick(c, &c->entries)))
            return;
        snprintf(rel, sizeof(rel), "%s", base);
        break;
    case 2: /* an attribute */
        if (!(base = rpick(c, &c->sysfiles)))
            return;
        snprintf(rel, sizeof(rel), "%s", base);
        break;
    case 3: /* a device's link (driver, subsystem, iommu_group, device …) */
        if (!(base = rpick(c, &c->links)))
            return;
        snprintf(rel, sizeof(rel), "%s", base);
        break;
    case 4: /* a directory (fc_host, capabilities, brif, a device, dmi/id …) */
        if (!(base = rpick(c, rchance(c, 50) ? &c->devdirs : &c->dirs)))
            return;
        snprintf(rel, sizeof(rel), "%s", base);
        break;
    case 5: { /* the root-level files read by path */
        static const char *const fixed[] = {
            "sys/class/dmi/id", "sys/devices/virtual/dmi/id", "run/udev/data",
            "proc/net/vlan/config", "proc/net", "proc", "run", "sys/class/fc_host",
            "sys/class/net", "sys/bus/pci/devices", "sys/devices",
        };
        snprintf(rel, sizeof(rel), "%s", fixed[rbelow(c, sizeof(fixed) / sizeof(fixed[0]))]);
        break;
    }
    default: { /* a udev database entry */
        const char *f = NULL;
        for (unsigned tries = 0; tries < 8 && !f; tries++) {
            f = rpick(c, &c->files);
            if (f && !has_prefix(f, "run/udev/data/"))
                f = NULL;
        }
        if (!f)
            return;
        snprintf(rel, sizeof(rel), "%s", f);
        break;
    }
    }
    const char *slash = strrchr(rel, '/');
    char dirrel[PATH_MAX];
    snprintf(dirrel, sizeof(dirrel), "%.*s", slash ? (int)(slash - rel) : 0, rel);
    mkdirs(c, dirrel);
    char *text = escape_text(c, dirrel);
    note(c, "escape %s -> %s", rel, text);
    make_link(c, rel, text);
    free(text);
}

/* Symlink loops: self, pairs, long chains, directory loops. */
static void op_loop(ctx *c)
{
    char rel[PATH_MAX], other[PATH_MAX];
    const char *base;
    unsigned kind = rbelow(c, 5);
    if (kind == 0) { /* an entry or a device link pointing at itself */
        if (!(base = rpick(c, rchance(c, 50) ? &c->entries : &c->links)))
            return;
        note(c, "loop self %s", base);
        make_link(c, base, strrchr(base, '/') + 1);
    } else if (kind == 1) { /* two entries pointing at each other */
        if (!(base = rpick(c, &c->entrydirs)))
            return;
        snprintf(rel, sizeof(rel), "%s/loop%ua", base, c->fresh);
        snprintf(other, sizeof(other), "%s/loop%ub", base, c->fresh++);
        note(c, "loop pair %s <-> %s", rel, other);
        make_link(c, rel, strrchr(other, '/') + 1);
        make_link(c, other, strrchr(rel, '/') + 1);
    } else if (kind == 2) { /* a chain of 50 links, the last back to the first */
        if (!(base = rpick(c, &c->entrydirs)))
            return;
        unsigned id = c->fresh++;
        note(c, "loop chain of 50 in %s", base);
        for (unsigned i = 0; i < 50; i++) {
            char target[64];
            snprintf(rel, sizeof(rel), "%s/chain%u_%u", base, id, i);
            snprintf(target, sizeof(target), "chain%u_%u", id, (i + 1) % 50);
            make_link(c, rel, target);
        }
    } else if (kind == 3) { /* a device dir holding links to itself and its
                             * parent, and an entry walking through them */
        if (!(base = rpick(c, &c->devdirs)) || !c->entrydirs.n)
            return;
        snprintf(rel, sizeof(rel), "%s/self", base);
        make_link(c, rel, ".");
        snprintf(rel, sizeof(rel), "%s/up", base);
        make_link(c, rel, "..");
        const char *ed = rpick(c, &c->entrydirs);
        char *path = ups(depth_of(ed), "");
        size_t need = strlen(path) + strlen(base) + 64;
        char *text = xrealloc(NULL, need);
        snprintf(text, need, "%s%s/self/self/up/%s/self", path, base, strrchr(base, '/') + 1);
        snprintf(rel, sizeof(rel), "%s/through%u", ed, c->fresh++);
        note(c, "loop dir %s/{self,up}; %s -> %s", base, rel, text);
        make_link(c, rel, text);
        free(text);
        free(path);
    } else { /* a directory replaced by a link to one of its ancestors */
        if (!(base = rpick(c, &c->dirs)))
            return;
        unsigned d = depth_of(base);
        char *text = ups(1 + rbelow(c, d), "");
        note(c, "loop up %s -> %s", base, text);
        make_link(c, base, text);
        free(text);
    }
}

static void op_unreadable(ctx *c)
{
    const char *rel = rchance(c, 75) ? rpick(c, &c->files) : rpick(c, &c->dirs);
    if (!rel)
        return;
    mode_t mode = rchance(c, 80) ? 0 : 0200;
    const char *name;
    int pfd = parent_fd(c, rel, &name);
    if (pfd < 0)
        return;
    struct stat st;
    /* fchmodat follows a link: only ever chmod what is not one */
    if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISLNK(st.st_mode)) {
        note(c, "chmod %03o %s", (unsigned)mode, rel);
        fchmodat(pfd, name, mode, 0);
    }
    close(pfd);
}

/* Find an entry (in any bus/class dir) whose link resolves to devdir. */
static const char *entry_of(ctx *c, const char *devdir)
{
    char out[PATH_MAX];
    for (size_t i = 0; i < c->entries.n; i++)
        if (resolve_link(c, c->entries.v[i], out, sizeof(out)) && strcmp(out, devdir) == 0)
            return c->entries.v[i];
    return NULL;
}

/* A device copied to a sibling with the same ids (a name collision), with
 * an entry of its own; or a device claimed by two entries. */
static void op_duplicate(ctx *c)
{
    const char *dev = rpick(c, &c->devdirs);
    if (!dev)
        return;
    const char *entry = entry_of(c, dev);
    const char *name;
    int pfd = parent_fd(c, dev, &name);
    if (pfd < 0)
        return;
    char copy[NAME_MAX + 1];
    /* a PCI function keeps the form of an address; others get a suffix */
    size_t nl = strlen(name);
    if (nl == 12 && name[4] == ':' && name[7] == ':' && name[10] == '.')
        snprintf(copy, sizeof(copy), "%.11s%u", name, 7u - (c->fresh++ % 7));
    else
        snprintf(copy, sizeof(copy), "%.200s%s%u", name, rchance(c, 50) ? "." : "x",
                 c->fresh++);
    bool twice = entry && rchance(c, 30);
    if (!twice) {
        int s = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (s >= 0 && fstatat(pfd, copy, &st, AT_SYMLINK_NOFOLLOW) < 0 &&
            mkdirat(pfd, copy, 0755) == 0) {
            int d = openat(pfd, copy, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (d >= 0) {
                copy_tree(s, d);
                close(d);
            }
        }
        if (s >= 0)
            close(s);
    }
    close(pfd);
    if (!entry) {
        note(c, "duplicate %s as %s (no entry)", dev, copy);
        return;
    }
    /* the new entry: same text, last component changed (or not, for twice) */
    const char *ename;
    int efd = parent_fd(c, entry, &ename);
    if (efd < 0)
        return;
    char text[PATH_MAX];
    ssize_t n = readlinkat(efd, ename, text, sizeof(text) - 1);
    close(efd);
    if (n <= 0)
        return;
    text[n] = '\0';
    char newtext[PATH_MAX + NAME_MAX + 2];
    char *last = strrchr(text, '/');
    if (last)
        *last = '\0';
    if (twice)
        snprintf(newtext, sizeof(newtext), "%s%s%s", last ? text : "", last ? "/" : "", name);
    else
        snprintf(newtext, sizeof(newtext), "%s%s%s", last ? text : "", last ? "/" : "", copy);
    /* sometimes in another bus/class dir: claimed by two probes */
    char rel[PATH_MAX];
    const char *edir = rchance(c, 25) ? rpick(c, &c->entrydirs) : NULL;
    if (edir && depth_of(edir) == depth_of(entry) - 1)
        snprintf(rel, sizeof(rel), "%s/%s", edir, copy);
    else
        snprintf(rel, sizeof(rel), "%.*s/%s", (int)(ename - entry - 1), entry, copy);
    note(c, "duplicate %s as %s, entry %s -> %s", dev, twice ? "(same dir)" : copy, rel,
         newtext);
    make_link(c, rel, newtext);
}

/* Special files where a value is read. */
static void op_special(ctx *c)
{
    const char *rel;
    char made[PATH_MAX];
    if (rchance(c, 20) && c->entrydirs.n) {
        snprintf(made, sizeof(made), "%s/fifo%u", rpick(c, &c->entrydirs), c->fresh++);
        rel = made;
    } else if (!(rel = rpick(c, rchance(c, 85) ? &c->files : &c->devdirs))) {
        return;
    }
    const char *name;
    int pfd = parent_fd(c, rel, &name);
    if (pfd < 0)
        return;
    rmtree_at(pfd, name);
    bool sock = rchance(c, 25);
    note(c, "%s %s", sock ? "socket" : "fifo", rel);
    mknodat(pfd, name, (sock ? S_IFSOCK : S_IFIFO) | 0644, 0);
    close(pfd);
}

/* A directory where a file is expected, and the other way round. */
static void op_swap_type(ctx *c)
{
    const char *rel;
    if (rchance(c, 50)) {
        if (!(rel = rpick(c, rchance(c, 70) ? &c->files : &c->links)))
            return;
        note(c, "file->dir %s", rel);
        remove_any(c, rel);
        mkdirs(c, rel);
        char inner[PATH_MAX];
        snprintf(inner, sizeof(inner), "%s/%s", rel, strrchr(rel, '/') + 1);
        write_file(c, inner, "8086\n", 5);
    } else {
        const char *from = rchance(c, 60) ? rpick(c, &c->devdirs)
                           : rchance(c, 50) ? rpick(c, &c->entrydirs)
                                            : rpick(c, &c->dirs);
        if (!from)
            return;
        note(c, "dir->file %s", from);
        remove_any(c, from);
        write_file(c, from, "0x8086\n", 7);
    }
}

/* A device directory renamed to bytes XML and shells dislike, its entry
 * following, so the odd name reaches <path>. */
static void op_rename(ctx *c)
{
    const char *entry = rpick(c, &c->entries);
    char target[PATH_MAX];
    if (!entry || !resolve_link(c, entry, target, sizeof(target)) ||
        !has_prefix(target, "sys/devices/"))
        return;
    static const char *const odd[] = {
        "a b", "new\nline", "<dev>&amp;", "\xff\xfe", "caf\xc3\xa9", "\x01\x02\x7f",
        "tab\there", "quote\"'", "]]>", "%s%n", "\xed\xa0\x80", "-rf",
    };
    char name[NAME_MAX + 1];
    if (rchance(c, 15)) {
        memset(name, 'n', NAME_MAX);   /* the longest name there is */
        name[NAME_MAX] = '\0';
    } else {
        snprintf(name, sizeof(name), "%s%u", odd[rbelow(c, sizeof(odd) / sizeof(odd[0]))],
                 c->fresh++);
    }
    const char *old;
    int pfd = parent_fd(c, target, &old);
    if (pfd < 0)
        return;
    int r = renameat(pfd, old, pfd, name);
    close(pfd);
    if (r < 0)
        return;
    const char *ename;
    int efd = parent_fd(c, entry, &ename);
    if (efd < 0)
        return;
    char text[PATH_MAX];
    ssize_t n = readlinkat(efd, ename, text, sizeof(text) - 1);
    close(efd);
    if (n <= 0)
        return;
    text[n] = '\0';
    char *last = strrchr(text, '/');
    char newtext[PATH_MAX + NAME_MAX + 2];
    snprintf(newtext, sizeof(newtext), "%.*s%s", last ? (int)(last - text + 1) : 0, text, name);
    note(c, "rename %s to a hostile name (%zu bytes), entry %s follows", target,
         strlen(name), entry);
    make_link(c, entry, newtext);
}

/* An entry pointed somewhere it should not: another class's device, a
 * directory that is no device, sys itself, a file. */
static void op_retarget(ctx *c)
{
    const char *entry = rpick(c, &c->entries);
    if (!entry)
        return;
    const char *slash = strrchr(entry, '/');
    char dirrel[PATH_MAX];
    snprintf(dirrel, sizeof(dirrel), "%.*s", (int)(slash - entry), entry);
    unsigned up = depth_of(dirrel);
    const char *to;
    switch (rbelow(c, 5)) {
    case 0: to = rpick(c, &c->devdirs); break;
    case 1: to = rpick(c, &c->dirs); break;
    case 2: to = rpick(c, &c->sysfiles); break;
    case 3: to = "sys/devices"; break;
    default: to = rchance(c, 50) ? "sys" : "."; break;
    }
    if (!to)
        return;
    char *text = ups(up, to);
    note(c, "retarget %s -> %s", entry, text);
    make_link(c, entry, text);
    free(text);
}

/* Keys the probes look up, with values built to hurt: a device's uevent
 * (DEVTYPE switches probes, MAJOR/MINOR pick the udev database file,
 * DEVNAME goes into <block>/<node>, the input bitmaps are parsed) and its
 * udev database entry (names, filesystem ids, drive types). */
static void op_keys(ctx *c)
{
    const char *dev = rpick(c, &c->devdirs);
    if (!dev)
        return;
    static const char *const ukeys[] = {
        "DEVTYPE", "MAJOR", "MINOR", "DEVNAME", "PARTN", "EV", "KEY", "REL", "ABS", "PROP",
    };
    static const char *const devtypes[] = {
        "usb_device", "usb_interface", "scsi_device", "scsi_host", "partition", "disk",
        "vlan", "wlan", "bridge", "", "usb_device\0x",
    };
    static const char *const pkeys[] = {
        "ID_VENDOR_FROM_DATABASE", "ID_MODEL_FROM_DATABASE", "ID_FS_TYPE", "ID_FS_UUID",
        "ID_FS_LABEL", "ID_BUS", "ID_SERIAL", "ID_SERIAL_SHORT", "ID_MODEL", "ID_VENDOR",
        "ID_CDROM", "ID_CDROM_MEDIA", "ID_TYPE", "ID_PART_TABLE_TYPE",
    };
    char uevent[8192], db[16384], val[2048];
    size_t ul = 0, dl = 0;
    char major[32], minor[32];
    snprintf(major, sizeof(major), "%u", rbelow(c, 300));
    snprintf(minor, sizeof(minor), "%u", rbelow(c, 300));
    for (unsigned k = 0, n = 1 + rbelow(c, 8); k < n; k++) {
        const char *key = ukeys[rbelow(c, sizeof(ukeys) / sizeof(ukeys[0]))];
        size_t vl;
        if (strcmp(key, "DEVTYPE") == 0 && rchance(c, 70)) {
            vl = (size_t)snprintf(val, sizeof(val), "%s",
                                  devtypes[rbelow(c, sizeof(devtypes) / sizeof(devtypes[0]))]);
        } else if (strcmp(key, "MAJOR") == 0 && rchance(c, 50)) {
            vl = (size_t)snprintf(val, sizeof(val), "%s", major);
        } else if (strcmp(key, "MINOR") == 0 && rchance(c, 50)) {
            vl = (size_t)snprintf(val, sizeof(val), "%s", minor);
        } else if (strcmp(key, "DEVNAME") == 0 && rchance(c, 40)) {
            vl = (size_t)snprintf(val, sizeof(val), "%s",
                                  rchance(c, 50) ? "../../etc/passwd" : "/dev/sda\n");
        } else {
            vl = garbage(c, val, 600);
            for (size_t i = 0; i < vl; i++)
                if (val[i] == '\n' || val[i] == '\0')
                    val[i] = 'x';   /* one line a key */
        }
        if (ul + strlen(key) + vl + 3 < sizeof(uevent))
            ul += (size_t)snprintf(uevent + ul, sizeof(uevent) - ul, "%s=%.*s\n", key,
                                   (int)vl, val);
    }
    for (unsigned k = 0, n = 1 + rbelow(c, 10); k < n; k++) {
        const char *key = pkeys[rbelow(c, sizeof(pkeys) / sizeof(pkeys[0]))];
        size_t vl = garbage(c, val, 600);
        for (size_t i = 0; i < vl; i++)
            if (val[i] == '\n' || val[i] == '\0')
                val[i] = rchance(c, 50) ? ' ' : '\x7f';
        if (dl + strlen(key) + vl + 8 < sizeof(db))
            dl += (size_t)snprintf(db + dl, sizeof(db) - dl, "%sE:%s=%.*s\n",
                                   rchance(c, 10) ? "S:x\n" : "", key, (int)vl, val);
    }
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/uevent", dev);
    note(c, "keys %s (%zu bytes) and its udev entries (%zu bytes)", path, ul, dl);
    write_file(c, path, uevent, ul);
    /* the entry under each name udev might give it */
    mkdirs(c, "run/udev/data");
    const char *sysname = strrchr(dev, '/') + 1;
    static const char *const subs[] = { "pci", "usb", "scsi", "scsi_host", "sound", "input",
                                        "block", "net" };
    snprintf(path, sizeof(path), "run/udev/data/+%s:%s",
             subs[rbelow(c, sizeof(subs) / sizeof(subs[0]))], sysname);
    write_file(c, path, db, dl);
    snprintf(path, sizeof(path), "run/udev/data/%c%s:%s", rchance(c, 50) ? 'b' : 'c', major,
             minor);
    write_file(c, path, db, dl);
}

/* Depth 1,000: nested USB devices (each with ids and an entry), or names
 * so long that the chain is far beyond PATH_MAX, with a link at the
 * bottom climbing all the way up. Built one mkdirat/openat step at a
 * time. */
static void op_deep(ctx *c)
{
    const char *base = rchance(c, 60) ? rpick(c, &c->devdirs) : "sys/devices";
    if (!base)
        base = "sys/devices";
    bool longnames = rchance(c, 40);
    unsigned id = c->fresh++;
    char name[NAME_MAX + 1];
    if (longnames) {
        unsigned len = 100 + rbelow(c, NAME_MAX - 100);
        memset(name, 'x', len);
        name[len] = '\0';
    } else {
        snprintf(name, sizeof(name), "%c", "dun"[rbelow(c, 3)]);
    }
    note(c, "deep %u levels of %zu-byte names below %s", DEEP_LEVELS, strlen(name), base);
    int cur = at2(c->rootfd, base, O_PATH | O_DIRECTORY, 0);
    if (cur < 0)
        return;
    mkdirs(c, "sys/bus/usb/devices");
    int bus = at2(c->rootfd, "sys/bus/usb/devices", O_PATH | O_DIRECTORY, 0);
    /* the entry text from sys/bus/usb/devices: ../../../ + base + /name… */
    size_t cap = 3 * 3 + strlen(base) + 8 + (size_t)DEEP_LEVELS * (strlen(name) + 1);
    char *text = xrealloc(NULL, cap);
    size_t tl = (size_t)snprintf(text, cap, "../../../%s", base + 4 /* "sys/" */);
    for (unsigned i = 0; i < DEEP_LEVELS; i++) {
        if (mkdirat(cur, name, 0755) < 0 && errno != EEXIST)
            break;
        int next = at2(cur, name, O_PATH | O_DIRECTORY, 0);
        close(cur);
        if ((cur = next) < 0)
            break;
        tl += (size_t)snprintf(text + tl, cap - tl, "/%s", name);
        char val[16];
        snprintf(val, sizeof(val), "%x\n", 0x1000 + i % 3);
        int fd;
        if ((fd = at2(cur, "idVendor", O_WRONLY | O_CREAT | O_TRUNC, 0644)) >= 0) {
            write_all(fd, "abcd\n", 5);
            close(fd);
        }
        if ((fd = at2(cur, "idProduct", O_WRONLY | O_CREAT | O_TRUNC, 0644)) >= 0) {
            write_all(fd, val, strlen(val));
            close(fd);
        }
        /* an entry per level while the link text fits in a link */
        if (bus >= 0 && tl < PATH_MAX - 1) {
            char ename[32];
            snprintf(ename, sizeof(ename), "deep%u-%u", id, i);
            symlinkat(text, bus, ename);
        }
    }
    if (cur >= 0) {
        /* at the bottom: climb out through the whole chain */
        unsigned up = DEEP_LEVELS + depth_of(base) + 1;
        if ((size_t)up * 3 + 16 < PATH_MAX) {
            char *climb = ups(up, ND_HOSTILE_CANARY);
            symlinkat(climb, cur, "climb");
            free(climb);
        }
        symlinkat("../../..", cur, "subsystem");
        close(cur);
    }
    if (bus >= 0) {
        /* the deepest text a link can hold: resolves beyond PATH_MAX */
        if (tl >= PATH_MAX - 1) {
            text[PATH_MAX - 2] = '\0';
            char *cut = strrchr(text, '/');
            if (cut)
                *cut = '\0';
            char ename[32];
            snprintf(ename, sizeof(ename), "deep%u-far", id);
            symlinkat(text, bus, ename);
        }
        close(bus);
    }
    free(text);
}

/* The root itself damaged: sys/, run/ or proc/ a link out, a file, a
 * FIFO. Rare: most seeds should get as far as the probes. */
static void op_root(ctx *c)
{
    static const char *const what[] = { "sys", "run", "proc", "run/udev", "sys/class",
                                        "sys/bus" };
    const char *rel = what[rbelow(c, sizeof(what) / sizeof(what[0]))];
    unsigned kind = rbelow(c, 3);
    note(c, "root %s -> %s", rel, kind == 0 ? "link out" : kind == 1 ? "file" : "fifo");
    if (kind == 0) {
        const char *slash = strrchr(rel, '/');
        char dirrel[64];
        snprintf(dirrel, sizeof(dirrel), "%.*s", slash ? (int)(slash - rel) : 0, rel);
        char *text = escape_text(c, dirrel);
        make_link(c, rel, text);
        free(text);
    } else {
        remove_any(c, rel);
        if (kind == 1) {
            write_file(c, rel, "sys\n", 4);
        } else {
            const char *name;
            int pfd = parent_fd(c, rel, &name);
            if (pfd >= 0) {
                mknodat(pfd, name, S_IFIFO | 0644, 0);
                close(pfd);
            }
        }
    }
}

static const struct {
    op_fn fn;
    unsigned weight;
} ops[] = {
    { op_delete_file, 12 }, { op_delete_link, 10 }, { op_garbage, 30 }, { op_huge, 3 },
    { op_escape, 14 },      { op_loop, 8 },         { op_unreadable, 6 }, { op_duplicate, 8 },
    { op_special, 6 },      { op_swap_type, 6 },    { op_rename, 4 },   { op_retarget, 5 },
    { op_keys, 8 },
    { op_deep, 1 },   /* a 1,000-device chain costs a scan ~0.3 s: ~7% of seeds */
};

/* ---- the canaries and the whole ----------------------------------------- */

static int make_canaries(int dirfd)
{
    int fd = openat(dirfd, ND_HOSTILE_CANARY, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 || write_all(fd, "0x8086\n", 7) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    if (mkdirat(dirfd, ND_HOSTILE_CANARY_DIR, 0755) < 0 ||
        mkdirat(dirfd, ND_HOSTILE_CANARY_SUBDIR, 0755) < 0)
        return -1;
    /* what a probe would read of a PCI or USB device, DMI, udev, proc */
    static const char *const files[][2] = {
        { "vendor", "0x8086\n" }, { "device", "0x1234\n" }, { "idVendor", "8086\n" },
        { "idProduct", "1234\n" }, { "uevent", "DEVTYPE=usb_device\nMAJOR=189\nMINOR=1\n" },
        { "address", "00:11:22:33:44:55\n" }, { "type", "1\n" }, { "config", "" },
        { "id/sys_vendor", "CANARY\n" }, { "id/product_name", "CANARY\n" },
        { "id/bios_vendor", "CANARY\n" }, { "id/+pci:canary", "E:ID_VENDOR_FROM_DATABASE=CANARY\n" },
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char path[64];
        snprintf(path, sizeof(path), ND_HOSTILE_CANARY_DIR "/%s", files[i][0]);
        fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0)
            return -1;
        write_all(fd, files[i][1], strlen(files[i][1]));
        close(fd);
    }
    return 0;
}

static void apply_unreadable(ctx *c, const char *fixture)
{
    char list[PATH_MAX];
    snprintf(list, sizeof(list), "%s/UNREADABLE", fixture);
    FILE *f = fopen(list, "re");
    if (!f)
        return;
    char line[PATH_MAX];
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        if (!*line || *line == '#')
            continue;
        const char *name;
        int pfd = parent_fd(c, line, &name);
        if (pfd >= 0) {
            fchmodat(pfd, name, 0, 0);
            close(pfd);
        }
    }
    fclose(f);
}

int nd_perturb(const char *fixture, const char *dir, uint64_t seed, FILE *log)
{
    ctx c = { .rng = seed, .log = log, .rootfd = -1 };
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int src = open(fixture, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = -1;
    if (dirfd < 0 || src < 0 || make_canaries(dirfd) < 0 ||
        mkdirat(dirfd, ND_HOSTILE_ROOT, 0755) < 0)
        goto out;
    c.rootfd = openat(dirfd, ND_HOSTILE_ROOT, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (c.rootfd < 0)
        goto out;
    /* the fixture's tree: sys/, run/, proc/ (not its README, make.sh …) */
    static const char *const parts[] = { "sys", "run", "proc" };
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        int s = openat(src, parts[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (s < 0)
            continue;
        int d = mkdirat(c.rootfd, parts[i], 0755) == 0
                    ? openat(c.rootfd, parts[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                    : -1;
        int r = d < 0 ? -1 : copy_tree(s, d);
        close(s);
        if (d >= 0)
            close(d);
        if (r < 0)
            goto out;
    }
    char *abs = realpath(dir, NULL);
    if (!abs)
        goto out;
    c.dir = abs;
    walk(&c, c.rootfd, "");
    apply_unreadable(&c, fixture);

    unsigned total = 0;
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        total += ops[i].weight;
    /* a few seeds are left alone or get one change; most get several */
    unsigned count = rbelow(&c, 100) < 3 ? 0 : 1 + rbelow(&c, 16);
    for (unsigned k = 0; k < count; k++) {
        unsigned w = rbelow(&c, total);
        size_t i = 0;
        while (w >= ops[i].weight)
            w -= ops[i++].weight;
        ops[i].fn(&c);
    }
    if (rbelow(&c, 100) < 3) {
        op_root(&c);
        count++;
    }
    rc = (int)count;
out:;
    int e = errno;
    if (c.rootfd >= 0)
        close(c.rootfd);
    if (dirfd >= 0)
        close(dirfd);
    if (src >= 0)
        close(src);
    free(c.dir);
    strv_free(&c.files);
    strv_free(&c.sysfiles);
    strv_free(&c.links);
    strv_free(&c.dirs);
    strv_free(&c.devdirs);
    strv_free(&c.entrydirs);
    strv_free(&c.entries);
    errno = e;
    return rc;
}

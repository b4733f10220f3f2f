/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An LD_PRELOAD shim for the valgrind run (tools/run-tests.sh --valgrind):
 * Debian 12's valgrind (3.19) does not know openat2 (syscall 437) and
 * answers ENOSYS, while nodedev opens everything below its root with
 * openat2 — so under valgrind no root could be opened at all. This shim
 * takes libc's syscall() and answers SYS_openat2 itself, resolving the path
 * one component at a time with openat(O_NOFOLLOW), readlinkat and a stack
 * of the directories passed, for the resolve flags nodedev uses:
 *   RESOLVE_BENEATH      ".." above the start, or an absolute path or
 *                        link target: EXDEV
 *   RESOLVE_NO_SYMLINKS  any symlink on the way (the last one too): ELOOP
 *   RESOLVE_NO_MAGICLINKS  nothing to do: fixtures have no /proc links
 * Every other syscall goes to libc's. It runs inside valgrind like the
 * code under test, so its own memory use is checked too. Not for
 * production: the kernel's openat2 is atomic, this is not (the valgrind
 * run has no concurrent renames that matter).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_LINKS 40    /* as the kernel's MAXSYMLINKS */
#define MAX_DEPTH 4096

static int fail(int *stack, int n, int err)
{
    while (n-- > 0)
        close(stack[n]);
    errno = err;
    return -1;
}

static long emulate_openat2(int dirfd, const char *path, const struct open_how *how, size_t size)
{
    if (size < sizeof(*how) || how->resolve & ~(unsigned long long)(RESOLVE_BENEATH |
                                                                    RESOLVE_NO_SYMLINKS |
                                                                    RESOLVE_NO_MAGICLINKS)) {
        errno = EINVAL;
        return -1;
    }
    bool beneath = how->resolve & RESOLVE_BENEATH, nolinks = how->resolve & RESOLVE_NO_SYMLINKS;
    int flags = (int)how->flags;
    mode_t mode = (mode_t)how->mode;
    if (!*path) {
        errno = ENOENT;
        return -1;
    }
    if (path[0] == '/' && beneath) {
        errno = EXDEV;
        return -1;
    }
    /* rest: what is left to resolve (links put their text in front) */
    char *rest = strdup(path);
    int *stack = malloc(MAX_DEPTH * sizeof(int)), n = 0, links = 0;
    if (!rest || !stack) {
        free(rest);
        free(stack);
        errno = ENOMEM;
        return -1;
    }
    int start = path[0] == '/' ? open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)
                               : openat(dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    long ret = -1;
    if (start < 0)
        goto out;
    stack[n++] = start;
    char *p = rest;
    for (;;) {
        while (*p == '/')
            p++;
        if (!*p) {   /* ended on a directory ("a/", "a/.."): open it */
            ret = openat(stack[n - 1], ".", flags | O_CLOEXEC, mode);
            break;
        }
        char *end = strchrnul(p, '/');
        size_t len = (size_t)(end - p);
        bool last = true;
        for (const char *q = end; *q; q++)
            if (*q != '/')
                last = false;
        char name[NAME_MAX + 1];
        if (len > NAME_MAX) {
            ret = fail(stack, n, ENAMETOOLONG), n = 0;
            break;
        }
        memcpy(name, p, len);
        name[len] = '\0';
        p = end;
        if (strcmp(name, ".") == 0)
            continue;
        if (strcmp(name, "..") == 0) {
            if (n == 1) {
                if (beneath) {
                    ret = fail(stack, n, EXDEV), n = 0;
                    break;
                }
                int up = openat(stack[0], "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (up < 0) {
                    ret = fail(stack, n, errno), n = 0;
                    break;
                }
                close(stack[0]);
                stack[0] = up;
            } else {
                close(stack[--n]);
            }
            continue;
        }
        struct stat st;
        bool is_link = fstatat(stack[n - 1], name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                       S_ISLNK(st.st_mode);
        if (is_link && nolinks) {
            ret = fail(stack, n, ELOOP), n = 0;
            break;
        }
        if (is_link && !(last && (flags & O_NOFOLLOW))) {
            char target[PATH_MAX];
            ssize_t tl = readlinkat(stack[n - 1], name, target, sizeof(target) - 1);
            if (tl < 0 || ++links > MAX_LINKS) {
                ret = fail(stack, n, tl < 0 ? errno : ELOOP), n = 0;
                break;
            }
            target[tl] = '\0';
            if (target[0] == '/') {
                if (beneath) {
                    ret = fail(stack, n, EXDEV), n = 0;
                    break;
                }
                while (n > 1)
                    close(stack[--n]);
                int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
                close(stack[0]);
                stack[0] = root;
            }
            /* the link's text, then what followed it */
            char *more;
            if (asprintf(&more, "%s/%s", target, p) < 0) {
                ret = fail(stack, n, ENOMEM), n = 0;
                break;
            }
            free(rest);
            rest = p = more;
            continue;
        }
        if (last) {
            ret = openat(stack[n - 1], name, flags | O_CLOEXEC, mode);
            break;
        }
        if (n == MAX_DEPTH) {
            ret = fail(stack, n, ENAMETOOLONG), n = 0;
            break;
        }
        int next = openat(stack[n - 1], name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0) {
            ret = fail(stack, n, errno), n = 0;
            break;
        }
        stack[n++] = next;
    }
    int e = errno;
    while (n > 0)
        close(stack[--n]);
    errno = e;
out:
    free(stack);
    free(rest);
    return ret;
}

long syscall(long number, ...)
{
    va_list ap;
    va_start(ap, number);
    long a[6];
    for (int i = 0; i < 6; i++)
        a[i] = va_arg(ap, long);
    va_end(ap);
    if (number == SYS_openat2)
        return emulate_openat2((int)a[0], (const char *)a[1], (const struct open_how *)a[2],
                               (size_t)a[3]);
    static long (*real)(long, ...);
    if (!real)
        real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
    return real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The thread's last error (ndGetLastError) and the warnings channel. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "internal.h"

static _Thread_local ndError nd_last;
static _Thread_local char nd_last_msg[1024];
static _Thread_local bool nd_last_set;

const ndError *ndGetLastError(void)
{
    return nd_last_set ? &nd_last : NULL;
}

void nd_error_clear(void)
{
    nd_last_set = false;
}

ND_PRINTF(3, 0)
static int nd_error_va(int code, int errnum, const char *fmt, va_list ap)
{
    vsnprintf(nd_last_msg, sizeof(nd_last_msg), fmt, ap);
    if (errnum) {
        size_t len = strlen(nd_last_msg);
        snprintf(nd_last_msg + len, sizeof(nd_last_msg) - len, ": %s",
                 strerror(errnum));
    }
    nd_last.code = code;
    nd_last.errno_value = errnum;
    nd_last.message = nd_last_msg;
    nd_last_set = true;
    return -1;
}

int nd_error(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nd_error_va(code, 0, fmt, ap);
    va_end(ap);
    return -1;
}

int nd_error_errno(int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nd_error_va(ND_ERR_SYSTEM, errnum < 0 ? -errnum : errnum, fmt, ap);
    va_end(ap);
    return -1;
}

void nd_warn(nd_root *r, const char *fmt, ...)
{
    __atomic_add_fetch(&r->warnings, 1, __ATOMIC_RELAXED);
    if (r->quiet)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* file names and values come from the tree: no terminal escapes */
    for (char *c = msg; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    /* one write per line, so concurrent warnings do not interleave */
    fprintf(stderr, "nodedev: warning: %s\n", msg);
}

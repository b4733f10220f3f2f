/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What probes call to read a raw device, whatever the source: one way to
 * read an attribute, one way to report a bad one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

void nd_raw_warn(nd_raw *raw, const char *rel, const char *fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    nd_warn(raw->root, "%s%s%s: %s", raw->syspath ? raw->syspath : "",
            rel ? "/" : "", rel ? rel : "", why);
}

/* Real errors are reported here once; "absent" stays silent. */
static int nd_raw_checked(nd_raw *raw, const char *rel, int r)
{
    if (r < 0 && r != -ENOENT)
        nd_raw_warn(raw, rel, "cannot read: %s", strerror(-r));
    return r;
}

int nd_raw_attr(nd_raw *raw, const char *rel, char *buf)
{
    int r = nd_raw_checked(raw, rel, raw->ops->read(raw, rel, buf, ND_ATTR_MAX));
    if (r < 0)
        return r;
    nd_attr_clean(buf);
    return (int)strlen(buf);
}

const char *nd_raw_attr_str(nd_raw *raw, const char *rel)
{
    char buf[ND_ATTR_MAX + 1];
    if (nd_raw_attr(raw, rel, buf) < 0)
        return NULL;
    return nd_arena_strdup(raw->arena, buf);
}

int nd_parse_ulong(const char *s, int base, unsigned long *out)
{
    if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    /* strtoul would take "-1", "+1", leading blanks and a second "0x"
     * ("0x0x1f"): a value is digits only */
    size_t n = strspn(s, base == 16 ? "0123456789abcdefABCDEF" : "0123456789");
    if (n == 0 || s[n])
        return -EINVAL;
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, base);
    if (*end || errno)
        return -EINVAL;
    *out = v;
    return 0;
}

int nd_raw_attr_ulong(nd_raw *raw, const char *rel, int base, unsigned long *out)
{
    char buf[ND_ATTR_MAX + 1];
    int r = nd_raw_attr(raw, rel, buf);
    if (r < 0)
        return r;
    if (nd_parse_ulong(buf, base, out) < 0) {
        nd_raw_warn(raw, rel, "not a %s number: \"%.40s\"",
                    base == 16 ? "hex" : "decimal", buf);
        return -EINVAL;
    }
    return 0;
}

int nd_raw_root_attr(nd_raw *raw, const char *path, char *buf)
{
    int r = raw->ops->root_read(raw, path, buf, ND_ATTR_MAX);
    if (r < 0 && r != -ENOENT)
        nd_warn(raw->root, "/%s: cannot read: %s", path, strerror(-r));
    if (r < 0)
        return r;
    nd_attr_clean(buf);
    return (int)strlen(buf);
}

const char *nd_raw_link(nd_raw *raw, const char *rel)
{
    char *target;
    if (nd_raw_checked(raw, rel, raw->ops->link(raw, rel, &target)) < 0)
        return NULL;
    const char *s = nd_arena_printf(raw->arena, "/%s", target);
    free(target);
    return s;
}

const char *nd_raw_link_name(nd_raw *raw, const char *rel)
{
    const char *t = nd_raw_link(raw, rel);
    return t ? strrchr(t, '/') + 1 : NULL;
}

bool nd_raw_exists(nd_raw *raw, const char *rel)
{
    return raw->ops->exists(raw, rel);
}

bool nd_raw_root_exists(nd_raw *raw, const char *path)
{
    return raw->ops->root_exists(raw, path);
}

int nd_raw_list(nd_raw *raw, const char *rel, char ***names, size_t *n)
{
    *names = NULL;
    *n = 0;
    return nd_raw_checked(raw, rel, raw->ops->list(raw, rel, names, n));
}

void nd_strv_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

const char *nd_kv_lookup(const char *text, const char *prefix, const char *key,
                         size_t *len)
{
    size_t plen = strlen(prefix), klen = strlen(key);
    for (const char *l = text; l && *l;) {
        const char *end = strchrnul(l, '\n');
        if ((size_t)(end - l) > plen + klen && strncmp(l, prefix, plen) == 0 &&
            strncmp(l + plen, key, klen) == 0 && l[plen + klen] == '=') {
            const char *v = l + plen + klen + 1;
            *len = (size_t)(end - v);
            return v;
        }
        l = *end ? end + 1 : NULL;
    }
    return NULL;
}

const char *nd_raw_lines_get(nd_raw *raw, const char *text, const char *prefix,
                             const char *key)
{
    size_t vlen;
    const char *v = nd_kv_lookup(text, prefix, key, &vlen);
    if (!v)
        return NULL;
    char *s = nd_arena_alloc(raw->arena, vlen + 1);   /* zeroed: NUL-terminated */
    memcpy(s, v, vlen);
    return s;
}

const char *nd_raw_uevent(nd_raw *raw, const char *key)
{
    if (!raw->uevent_loaded) {
        char buf[ND_ATTR_MAX + 1];
        raw->uevent_loaded = true;
        /* uevent is capped like any attribute (DESIGN §13) */
        if (nd_raw_checked(raw, "uevent", raw->ops->read(raw, "uevent", buf, ND_ATTR_MAX)) >= 0)
            raw->uevent = strdup(buf);
    }
    return nd_raw_lines_get(raw, raw->uevent, "", key);
}

/* Each source knows where its udev properties live (issue 6): the sysfs
 * source in the database files below the root, the udev source in
 * libudev. */
const char *nd_raw_prop(nd_raw *raw, const char *key)
{
    const char *v = raw->ops->prop ? raw->ops->prop(raw, key) : NULL;
    return v && *v ? v : NULL;
}

void nd_raw_release(nd_raw *raw)
{
    free(raw->uevent);
    free(raw->udevdb);
    raw->uevent = raw->udevdb = NULL;
    raw->uevent_loaded = raw->udevdb_loaded = false;
}

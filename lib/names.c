/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* HAL-style names and keys (DESIGN §4): deterministic, because devices are
 * named in byte order of their sysfs path, parents before children. */
#include <libxml/hash.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define ND_BODY_MAX (ND_KEY_MAX - (sizeof(ND_KEY_PREFIX) - 1))

void nd_name_sanitize(char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_'))
            *s = '_';
    }
}

/* head + parent body + tail, sanitised and cut to ND_BODY_MAX bytes.
 * (Not static: lib/model_update.c names a hotplugged device the same way.) */
char *nd_compose_body(const nd_dev *d)
{
    const char *parent = d->name_parent && d->parent ? d->parent->name : "";
    const char *tail = d->name_tail;
    if (d->name_tail_root && d->parent && !d->parent->parent)
        tail = d->name_tail_root;
    const char *head = d->name_head ? d->name_head : "";
    size_t n = strlen(head) + strlen(parent) + (tail ? strlen(tail) : 0);
    char *body = malloc(n + 1);
    if (!body)
        abort();
    snprintf(body, n + 1, "%s%s%s", head, parent, tail ? tail : "");
    nd_name_sanitize(body);
    if (strlen(body) > ND_BODY_MAX)
        body[ND_BODY_MAX] = '\0';
    return body;
}

/* The first free "<base>_<k>", with base cut so the key still fits. The
 * next k to try per base is remembered, so n devices sharing a body cost
 * O(n), not O(n²): every smaller k is taken already and names never leave
 * the table during a scan. With next_k NULL (lib/model_update.c: names do
 * leave the table there) the search starts at 0. */
char *nd_suffixed(const nd_name_table *used, void *next_k_table, const char *base)
{
    xmlHashTablePtr next_k = next_k_table;
    uintptr_t k = (uintptr_t)xmlHashLookup(next_k, (const xmlChar *)base);
    char name[ND_BODY_MAX + 1];
    for (;; k++) {
        char suffix[32];
        int slen = snprintf(suffix, sizeof(suffix), "_%lu", (unsigned long)k);
        size_t blen = strlen(base);
        if (blen + (size_t)slen > ND_BODY_MAX)
            blen = ND_BODY_MAX - (size_t)slen;
        memcpy(name, base, blen);
        memcpy(name + blen, suffix, (size_t)slen + 1);
        if (!nd_table_get(used, name))
            break;
    }
    xmlHashUpdateEntry(next_k, (const xmlChar *)base, (void *)(k + 1), NULL);
    return strdup(name);
}

int nd_names_assign(nd_model *m)
{
    nd_name_table *used = nd_table_new(m->ndevs);
    xmlHashTablePtr next_k = xmlHashCreate(64);
    if (!used || !next_k) {
        nd_table_free(used);
        xmlHashFree(next_k, NULL);
        return nd_error(ND_ERR_INTERNAL, "out of memory naming devices");
    }
    for (size_t i = 0; i < m->ndevs; i++) {
        nd_dev *d = m->devs[i];
        char *body = nd_compose_body(d);
        if (nd_table_get(used, body)) {
            char *s = nd_suffixed(used, next_k, body);
            free(body);
            body = s;
        }
        d->name = nd_arena_strdup(m->arena, body);
        d->key = nd_arena_printf(m->arena, ND_KEY_PREFIX "%s", body);
        nd_table_put(used, d);
        free(body);
    }
    xmlHashFree(next_k, NULL);
    m->name_hash = used;
    return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The device model: devices holding a bus and capabilities as small
 * element trees (DESIGN §3). Probes build them; xml/writer.c renders them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

nd_node *nd_node_new(nd_arena *a, const char *name, const char *text)
{
    nd_node *n = nd_arena_alloc(a, sizeof(*n));
    n->name = name;   /* element names are literals */
    n->text = nd_arena_strdup(a, text);
    return n;
}

nd_node *nd_node_add(nd_arena *a, nd_node *parent, const char *name,
                     const char *text)
{
    nd_node **end = &parent->children;
    while (*end)
        end = &(*end)->next;
    return *end = nd_node_new(a, name, text);
}

nd_node *nd_node_add_after(nd_arena *a, nd_node *sibling, const char *name,
                           const char *text)
{
    nd_node *n = nd_node_new(a, name, text);
    n->next = sibling->next;
    return sibling->next = n;
}

nd_node *nd_node_addf(nd_arena *a, nd_node *parent, const char *name,
                      const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return nd_node_add(a, parent, name, buf);
}

void nd_node_attr(nd_arena *a, nd_node *n, const char *name, const char *value)
{
    nd_attr *at = nd_arena_alloc(a, sizeof(*at));
    at->name = name;
    at->value = nd_arena_strdup(a, value ? value : "");
    nd_attr **end = &n->attrs;   /* a few at most */
    while (*end)
        end = &(*end)->next;
    *end = at;
}

void nd_node_attrf(nd_arena *a, nd_node *n, const char *name, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    nd_node_attr(a, n, name, buf);
}

const char *nd_node_get_attr(const nd_node *n, const char *name)
{
    for (const nd_attr *at = n->attrs; at; at = at->next)
        if (strcmp(at->name, name) == 0)
            return at->value;
    return NULL;
}

const nd_node *nd_node_find(const nd_node *n, const char *name, const char *type)
{
    for (; n; n = n->next) {
        if (strcmp(n->name, name) != 0)
            continue;
        const char *t = type ? nd_node_get_attr(n, "type") : NULL;
        if (!type || (t && strcmp(t, type) == 0))
            return n;
    }
    return NULL;
}

nd_node *nd_dev_add_cap(nd_arena *a, nd_dev *d, nd_node *parent, const char *type)
{
    nd_node *cap;
    if (parent) {
        cap = nd_node_add(a, parent, "capability", NULL);
    } else {
        cap = nd_node_new(a, "capability", NULL);
        if (d->caps_tail)
            d->caps_tail->next = cap;
        else
            d->caps = cap;
        d->caps_tail = cap;
    }
    nd_node_attr(a, cap, "type", type);
    return cap;
}

nd_node *nd_dev_set_bus(nd_arena *a, nd_dev *d, const char *type)
{
    d->bus = nd_node_new(a, "bus", NULL);
    nd_node_attr(a, d->bus, "type", type);
    return d->bus;
}

static bool nd_node_has_cap(const nd_node *n, const char *type)
{
    for (; n; n = n->next) {
        if (strcmp(n->name, "capability") != 0)
            continue;
        const char *t = nd_node_get_attr(n, "type");
        if ((t && strcmp(t, type) == 0) || nd_node_has_cap(n->children, type))
            return true;
    }
    return false;
}

bool nd_dev_has_cap(const nd_dev *d, const char *type)
{
    return nd_node_has_cap(d->caps, type);
}

bool nd_dev_on_bus(const nd_dev *d, const char *bus)
{
    const char *t = d->bus ? nd_node_get_attr(d->bus, "type") : NULL;
    return t && strcmp(t, bus) == 0;
}

void nd_model_free(nd_model *m)
{
    if (!m)
        return;
    nd_table_free(m->name_hash);
    free(m->devs);
    free(m->by_name);
    nd_arena_free(m->arena);
    free(m);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One device in, one device out, without a rescan (issue 6). The model
 * built by a scan (lib/names.c, lib/index.c) stays as it is; these
 * functions keep its arrays sorted and its tables in step. See
 * model_update.h for the name rule and the costs. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model_update.h"

/* Below this much garbage the arena is never copied: not worth it. */
#define ND_COMPACT_MIN (256 * 1024)
/* Removals up to this many devices leave by_name one binary search each;
 * more sweep the whole array once. */
#define ND_REMOVE_SEARCH_MAX 16

void nd_changes_free(nd_changes *ch)
{
    for (size_t i = 0; i < ch->n; i++) {
        free(ch->v[i].name);
        free(ch->v[i].key);
    }
    free(ch->v);
    ch->v = NULL;
    ch->n = ch->cap = 0;
}

/* Allocation failures abort, as the arena's do: a half-updated index
 * would be worse than no process. */
static void *nd_xrealloc(void *p, size_t size)
{
    p = realloc(p, size);
    if (!p)
        abort();
    return p;
}

static char *nd_xstrdup(const char *s)
{
    char *d = strdup(s);
    if (!d)
        abort();
    return d;
}

static void nd_change_add(nd_changes *ch, int action, const nd_dev *d)
{
    if (ch->n == ch->cap) {
        ch->cap = ch->cap ? ch->cap * 2 : 8;
        ch->v = nd_xrealloc(ch->v, ch->cap * sizeof(*ch->v));
    }
    ch->v[ch->n++] = (nd_change){ action, nd_xstrdup(d->name), nd_xstrdup(d->key) };
}

/* ---- sizes and copies ----------------------------------------------- */

static size_t nd_str_size(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

static size_t nd_nodes_size(const nd_node *n)
{
    size_t t = 0;
    for (; n; n = n->next) {
        t += sizeof(*n) + nd_str_size(n->text);
        for (const nd_attr *a = n->attrs; a; a = a->next)
            t += sizeof(*a) + nd_str_size(a->value);
        t += nd_nodes_size(n->children);
    }
    return t;
}

/* About what a device takes in the arena (literals counted too: close
 * enough to decide when to compact). */
static size_t nd_dev_size(const nd_dev *d)
{
    return sizeof(*d) + nd_str_size(d->path) + nd_str_size(d->driver) +
           nd_str_size(d->name) + nd_str_size(d->key) + nd_nodes_size(d->bus) +
           nd_nodes_size(d->caps);
}

static nd_node *nd_nodes_copy(nd_arena *a, const nd_node *n, nd_node **tail)
{
    nd_node *head = NULL, *last = NULL;
    for (; n; n = n->next) {
        nd_node *c = nd_arena_alloc(a, sizeof(*c));
        c->name = nd_arena_strdup(a, n->name);
        c->text = nd_arena_strdup(a, n->text);
        nd_attr **end = &c->attrs;
        for (const nd_attr *at = n->attrs; at; at = at->next) {
            nd_attr *ca = nd_arena_alloc(a, sizeof(*ca));
            ca->name = nd_arena_strdup(a, at->name);
            ca->value = nd_arena_strdup(a, at->value);
            *end = ca;
            end = &ca->next;
        }
        c->children = nd_nodes_copy(a, n->children, NULL);
        if (last)
            last->next = c;
        else
            head = c;
        last = c;
    }
    if (tail)
        *tail = last;
    return head;
}

/* A deep copy in arena a; parent is copied as it is (the caller sets it).
 * A field added to nd_dev that points into the arena must be copied here
 * too, or it dangles after a compaction. */
static nd_dev *nd_dev_copy(nd_arena *a, const nd_dev *s)
{
    nd_dev *d = nd_arena_alloc(a, sizeof(*d));
    *d = *s;
    d->path = nd_arena_strdup(a, s->path);
    d->subsystem = nd_arena_strdup(a, s->subsystem);
    d->driver = nd_arena_strdup(a, s->driver);
    d->name = nd_arena_strdup(a, s->name);
    d->key = nd_arena_strdup(a, s->key);
    d->name_head = nd_arena_strdup(a, s->name_head);
    d->name_tail = nd_arena_strdup(a, s->name_tail);
    d->name_tail_root = nd_arena_strdup(a, s->name_tail_root);
    d->bus = nd_nodes_copy(a, s->bus, NULL);
    d->caps = nd_nodes_copy(a, s->caps, &d->caps_tail);
    return d;
}

/* ---- the sorted arrays ------------------------------------------------ */

/* First index in m->devs[1..] whose path is >= path (computer, at 0, has
 * none). */
static size_t nd_devs_lower(const nd_model *m, const char *path)
{
    size_t lo = 1, hi = m->ndevs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(m->devs[mid]->path, path) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static size_t nd_names_lower(const nd_model *m, const char *name)
{
    size_t lo = 0, hi = m->ndevs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(m->by_name[mid]->name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

nd_dev *nd_model_find(const nd_model *m, const char *path)
{
    size_t i = nd_devs_lower(m, path);
    return i < m->ndevs && strcmp(m->devs[i]->path, path) == 0 ? m->devs[i] : NULL;
}

/* d's slot in m->devs (d is in the model). */
static size_t nd_devs_index(const nd_model *m, const nd_dev *d)
{
    return d->path ? nd_devs_lower(m, d->path) : 0;
}

static void nd_array_insert(nd_dev ***arr, size_t *cap, size_t n, size_t at, nd_dev *d)
{
    if (n == *cap) {
        *cap = *cap * 2 + 16;
        *arr = nd_xrealloc(*arr, *cap * sizeof(**arr));
    }
    memmove(*arr + at + 1, *arr + at, (n - at) * sizeof(**arr));
    (*arr)[at] = d;
}

nd_dev *nd_nearest_ancestor(const nd_model *m, const char *path)
{
    char buf[4096];
    size_t len = strlen(path);
    if (len < sizeof(buf)) {
        memcpy(buf, path, len + 1);
        char *slash;
        while ((slash = strrchr(buf, '/')) && slash > buf) {
            *slash = '\0';
            nd_dev *p = nd_model_find(m, buf);
            if (p)
                return p;
        }
    }
    return m->devs[0];
}

/* The range [*lo, *hi) of m->devs strictly below path ("path/…"): a
 * contiguous run, since every such path sorts among its prefix's. */
static void nd_below(const nd_model *m, const char *path, size_t *lo, size_t *hi)
{
    size_t plen = strlen(path);
    char *prefix = malloc(plen + 2);
    if (!prefix)
        abort();
    memcpy(prefix, path, plen);
    memcpy(prefix + plen, "/", 2);
    *lo = *hi = nd_devs_lower(m, prefix);
    while (*hi < m->ndevs && strncmp(m->devs[*hi]->path, prefix, plen + 1) == 0)
        (*hi)++;
    free(prefix);
}

static bool nd_is_below(const nd_dev *d, const char *path)
{
    size_t plen = strlen(path);
    return d->path && strncmp(d->path, path, plen) == 0 && d->path[plen] == '/';
}

/* ---- the operations ---------------------------------------------------- */

void nd_model_upd_attach(nd_model_upd *u, nd_model *m, unsigned long generation)
{
    if (u->model == m && u->generation == generation)
        return;
    /* a scan allocates both arrays with room for at least ndevs */
    *u = (nd_model_upd){ .model = m, .generation = generation, .devs_cap = m->ndevs,
                         .by_name_cap = m->ndevs };
}

nd_dev *nd_model_insert(nd_model_upd *u, const nd_dev *probed, nd_changes *ch)
{
    nd_model *m = u->model;
    nd_dev *d = nd_dev_copy(m->arena, probed);
    d->parent = nd_nearest_ancestor(m, d->path);

    char *body = nd_compose_body(d);
    if (nd_table_get(m->name_hash, body)) {
        char *s = nd_suffixed(m->name_hash, NULL, body);
        free(body);
        body = s;
        if (!body)
            abort();
    }
    d->name = nd_arena_strdup(m->arena, body);
    d->key = nd_arena_printf(m->arena, ND_KEY_PREFIX "%s", body);
    free(body);
    nd_table_put(m->name_hash, d);   /* the key is found by the name */

    size_t n = m->ndevs;   /* both arrays hold n until the end */
    nd_array_insert(&m->devs, &u->devs_cap, n, nd_devs_lower(m, d->path), d);
    nd_array_insert(&m->by_name, &u->by_name_cap, n, nd_names_lower(m, d->name), d);
    m->ndevs = n + 1;
    nd_change_add(ch, ND_EVENT_ADDED, d);

    /* a child whose event came first hung off an ancestor of d */
    size_t lo, hi;
    nd_below(m, d->path, &lo, &hi);
    for (size_t i = lo; i < hi; i++) {
        nd_dev *e = m->devs[i];
        if (!nd_is_below(e->parent, d->path)) {
            e->parent = d;
            nd_change_add(ch, ND_EVENT_CHANGED, e);
        }
    }
    return d;
}

void nd_model_replace(nd_model_upd *u, nd_dev *cur, const nd_dev *probed, nd_changes *ch)
{
    nd_model *m = u->model;
    nd_dev *c = nd_dev_copy(m->arena, probed);
    /* the old content is garbage, and so is the copy's own frame */
    u->garbage += nd_dev_size(cur) + sizeof(*c) + nd_str_size(c->path);
    cur->subsystem = c->subsystem;
    cur->driver = c->driver;
    cur->bus = c->bus;
    cur->caps = c->caps;
    cur->caps_tail = c->caps_tail;
    cur->name_head = c->name_head;
    cur->name_tail = c->name_tail;
    cur->name_tail_root = c->name_tail_root;
    cur->name_parent = c->name_parent;
    nd_change_add(ch, ND_EVENT_CHANGED, cur);
}

/* Out of the tables; marked (parent NULL, which only computer has
 * otherwise) for the by_name sweep. */
static void nd_unindex(nd_model_upd *u, nd_dev *e, nd_changes *ch)
{
    nd_model *m = u->model;
    nd_change_add(ch, ND_EVENT_REMOVED, e);
    nd_table_remove(m->name_hash, e);
    u->garbage += nd_dev_size(e);
    e->parent = NULL;
}

/* Take e out of by_name, which holds `total` entries, by binary search. */
static void nd_by_name_drop(nd_model *m, size_t total, const nd_dev *e)
{
    size_t lo = 0, hi = total;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(m->by_name[mid]->name, e->name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(m->by_name + lo, m->by_name + lo + 1, (total - lo - 1) * sizeof(*m->by_name));
}

void nd_model_remove(nd_model_upd *u, nd_dev *d, bool subtree, nd_changes *ch)
{
    nd_model *m = u->model;
    if (!d->parent)
        return;   /* computer stays */
    size_t lo, hi;
    nd_below(m, d->path, &lo, &hi);
    /* by_name: a few devices leave it by binary search and memmove (only
     * the ~log n compared are touched), many in one sweep over it all */
    size_t gone = (subtree ? hi - lo : 0) + 1, total = m->ndevs;
    bool search = gone <= ND_REMOVE_SEARCH_MAX;
    if (subtree) {
        for (size_t i = hi; i-- > lo;) {
            if (search)
                nd_by_name_drop(m, total--, m->devs[i]);
            nd_unindex(u, m->devs[i], ch);
        }
        memmove(m->devs + lo, m->devs + hi, (m->ndevs - hi) * sizeof(*m->devs));
        m->ndevs -= hi - lo;
    } else {
        for (size_t i = lo; i < hi; i++) {
            if (m->devs[i]->parent == d) {
                m->devs[i]->parent = d->parent;
                nd_change_add(ch, ND_EVENT_CHANGED, m->devs[i]);
            }
        }
    }
    size_t at = nd_devs_index(m, d);
    if (search)
        nd_by_name_drop(m, total--, d);
    nd_unindex(u, d, ch);
    memmove(m->devs + at, m->devs + at + 1, (m->ndevs - at - 1) * sizeof(*m->devs));
    m->ndevs--;
    if (search)
        return;
    size_t kept = 0;
    for (size_t i = 0; i < total; i++) {
        nd_dev *e = m->by_name[i];
        if (e->parent || !e->path)   /* the marked ones go */
            m->by_name[kept++] = e;
    }
}

void nd_model_compact(nd_model_upd *u, bool force)
{
    nd_model *m = u->model;
    if (!force && (u->garbage < ND_COMPACT_MIN || u->garbage * 2 < nd_arena_size(m->arena)))
        return;
    nd_dev **fresh = malloc(m->ndevs * sizeof(*fresh));
    if (!fresh)
        return;   /* try again after the next event */
    nd_arena *a = nd_arena_new();
    for (size_t i = 0; i < m->ndevs; i++)
        fresh[i] = nd_dev_copy(a, m->devs[i]);
    /* parents and by_name still point at the old copies: find their slot */
    for (size_t i = 1; i < m->ndevs; i++)
        fresh[i]->parent = fresh[nd_devs_index(m, m->devs[i]->parent)];
    for (size_t i = 0; i < m->ndevs; i++)
        m->by_name[i] = fresh[nd_devs_index(m, m->by_name[i])];
    /* the name table too, refilled: same size, so it does not grow */
    nd_table_clear(m->name_hash);
    for (size_t i = 0; i < m->ndevs; i++)
        nd_table_put(m->name_hash, fresh[i]);
    memcpy(m->devs, fresh, m->ndevs * sizeof(*fresh));
    free(fresh);
    nd_arena_free(m->arena);
    m->arena = a;
    u->garbage = 0;
    u->compactions++;
}

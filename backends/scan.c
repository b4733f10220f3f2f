/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One scan: source → probes → model → names → index.
 * Devices are found through sys/bus/<bus>/devices and sys/class/<class> (as libudev
 * finds them), probed in byte order of their path, given the nearest
 * modelled ancestor as parent, then named deterministically.
 */
#include <errno.h>
#include <libxml/hash.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"
#include "model_update.h"

typedef struct nd_found {
    /* "/sys/devices/…" in the arena: the device's path when it is one */
    const char *syspath;
    const nd_probe *probe;
    size_t seq;                 /* the order found in: claim order */
} nd_found;

typedef struct nd_scan_ctx {
    nd_scan_cache cache;
    nd_model *m;
    nd_found *found;
    size_t nfound, cap;
} nd_scan_ctx;

static void nd_scan_found(void *opaque, const char *path, const nd_probe *probe)
{
    nd_scan_ctx *c = opaque;
    if (c->nfound == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->found = realloc(c->found, c->cap * sizeof(*c->found));
        if (!c->found)
            abort();
    }
    c->found[c->nfound] = (nd_found){ nd_arena_printf(c->m->arena, "/%s", path), probe,
                                      c->nfound };
    c->nfound++;
}

/* By path, then claim order: of the entries naming one path, the first is
 * the probe that claims it (DESIGN §13) and the others are dropped. */
static int nd_cmp_found(const void *a, const void *b)
{
    const nd_found *x = a, *y = b;
    int c = strcmp(x->syspath, y->syspath);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static void nd_raw_init(nd_raw *raw, nd_source *src, nd_root *root, nd_arena *arena,
                        nd_scan_cache *cache)
{
    memset(raw, 0, sizeof(*raw));
    raw->ops = src->ops;
    raw->source = src;
    raw->root = root;
    raw->arena = arena;
    raw->dirfd = -1;
    raw->scan = cache;
}

/* Probe one device; NULL when it is not one, cannot be named, or vanished
 * meanwhile (a race, not an error: it is dropped whole). */
static nd_dev *nd_scan_probe(nd_model *m, nd_source *src, nd_root *root,
                             const nd_found *f, nd_scan_cache *cache)
{
    nd_raw raw;
    nd_raw_init(&raw, src, root, m->arena, cache);
    raw.syspath = f->syspath;
    raw.path = f->syspath + 1;
    raw.sysname = strrchr(f->syspath, '/') + 1;
    raw.subsystem = f->probe->subsystem;
    if (src->open(src, &raw) < 0)
        return NULL;

    nd_dev *d = nd_arena_alloc(m->arena, sizeof(*d));
    d->path = raw.syspath;
    d->subsystem = raw.subsystem;
    d->driver = nd_raw_link_name(&raw, "driver");
    int r = f->probe->probe(&raw, d);
    if (r == ND_PROBE_OK && !src->present(&raw))
        r = ND_PROBE_SKIP;
    nd_raw_release(&raw);
    src->close(&raw);
    return r == ND_PROBE_OK ? d : NULL;
}

/* One device probed alone (issue 6: a hotplug event), into arena. */
nd_dev *nd_scan_one(nd_arena *arena, nd_source *src, nd_root *root, const char *path,
                    const nd_probe *probe)
{
    nd_model one = { .arena = arena };
    nd_found f = { .syspath = nd_arena_printf(arena, "/%s", path), .probe = probe };
    return nd_scan_probe(&one, src, root, &f, NULL);
}

static nd_dev *nd_scan_computer(nd_model *m, nd_source *src, nd_root *root,
                                nd_scan_cache *cache)
{
    nd_raw raw;
    nd_raw_init(&raw, src, root, m->arena, cache);
    raw.path = "";
    raw.syspath = "";
    raw.sysname = "computer";
    raw.subsystem = "computer";
    nd_dev *d = nd_arena_alloc(m->arena, sizeof(*d));
    d->name_head = "computer";
    nd_probe_computer(&raw, d);
    nd_raw_release(&raw);
    return d;
}


nd_model *nd_scan(nd_root *root, nd_source *src)
{
    nd_model *m = calloc(1, sizeof(*m));
    if (!m) {
        nd_error(ND_ERR_INTERNAL, "out of memory");
        return NULL;
    }
    m->arena = nd_arena_new();
    unsigned warnings_before = __atomic_load_n(&root->warnings, __ATOMIC_RELAXED);

    nd_scan_ctx c = { .m = m };
    src->enumerate(src, root, nd_scan_found, &c);
    if (c.nfound)
        qsort(c.found, c.nfound, sizeof(*c.found), nd_cmp_found);

    /* probed in path order, so m->devs[1..] is sorted by path */
    m->devs = malloc((c.nfound + 1) * sizeof(*m->devs));
    if (!m->devs)
        abort();
    m->devs[m->ndevs++] = nd_scan_computer(m, src, root, &c.cache);
    for (size_t i = 0; i < c.nfound; i++) {
        if (i > 0 && strcmp(c.found[i].syspath, c.found[i - 1].syspath) == 0)
            continue;   /* claimed already */
        nd_dev *d = nd_scan_probe(m, src, root, &c.found[i], &c.cache);
        if (d)
            m->devs[m->ndevs++] = d;
    }
    free(c.found);
    xmlHashFree(c.cache.links, NULL);
    xmlHashFree(c.cache.vlan_lines, NULL);
    free(c.cache.vlan_text);
    for (size_t i = 1; i < m->ndevs; i++)
        m->devs[i]->parent = nd_nearest_ancestor(m, m->devs[i]->path);

    if (nd_names_assign(m) < 0 || nd_index_build(m) < 0) {
        nd_model_free(m);
        return NULL;
    }
    m->warnings = __atomic_load_n(&root->warnings, __ATOMIC_RELAXED) - warnings_before;
    return m;
}

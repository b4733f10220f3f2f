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

typedef struct nd_found {
    char *path;                 /* root-relative, arena */
    const nd_probe *probe;
} nd_found;

typedef struct nd_scan_ctx {
    nd_scan_cache cache;
    nd_model *m;
    nd_found *found;
    size_t nfound, cap;
    xmlHashTablePtr claimed;    /* path → first claimer (DESIGN §13 order) */
} nd_scan_ctx;

static void nd_scan_found(void *opaque, const char *path, const nd_probe *probe)
{
    nd_scan_ctx *c = opaque;
    if (xmlHashLookup(c->claimed, (const xmlChar *)path))
        return;
    if (c->nfound == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->found = realloc(c->found, c->cap * sizeof(*c->found));
        if (!c->found)
            abort();
    }
    nd_found *f = &c->found[c->nfound++];
    f->path = nd_arena_strdup(c->m->arena, path);
    f->probe = probe;
    xmlHashAddEntry(c->claimed, (const xmlChar *)f->path, f);
}

static int nd_cmp_found(const void *a, const void *b)
{
    return strcmp(((const nd_found *)a)->path, ((const nd_found *)b)->path);
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
    raw.path = f->path;
    raw.syspath = nd_arena_printf(m->arena, "/%s", f->path);
    raw.sysname = strrchr(f->path, '/') + 1;
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
    nd_found f = { .path = (char *)path, .probe = probe };
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

/* Parent rule (DESIGN §3): the nearest ancestor directory that is itself a
 * modelled device; none → computer. */
static void nd_scan_parents(nd_model *m, xmlHashTablePtr by_path)
{
    char buf[4096];
    for (size_t i = 1; i < m->ndevs; i++) {
        nd_dev *d = m->devs[i];
        d->parent = m->devs[0];
        size_t len = strlen(d->path);
        if (len >= sizeof(buf))
            continue;
        memcpy(buf, d->path, len + 1);
        char *slash;
        while ((slash = strrchr(buf, '/')) && slash > buf) {
            *slash = '\0';
            nd_dev *p = xmlHashLookup(by_path, (const xmlChar *)buf);
            if (p) {
                d->parent = p;
                break;
            }
        }
    }
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

    nd_scan_ctx c = { .m = m, .claimed = xmlHashCreate(1024) };
    src->enumerate(src, root, nd_scan_found, &c);
    xmlHashFree(c.claimed, NULL);
    if (c.nfound)
        qsort(c.found, c.nfound, sizeof(*c.found), nd_cmp_found);

    m->devs = malloc((c.nfound + 1) * sizeof(*m->devs));
    xmlHashTablePtr by_path = xmlHashCreate((int)c.nfound * 2 + 16);
    if (!m->devs || !by_path)
        abort();
    m->devs[m->ndevs++] = nd_scan_computer(m, src, root, &c.cache);
    for (size_t i = 0; i < c.nfound; i++) {
        nd_dev *d = nd_scan_probe(m, src, root, &c.found[i], &c.cache);
        if (!d)
            continue;
        m->devs[m->ndevs++] = d;
        xmlHashAddEntry(by_path, (const xmlChar *)d->path, d);
    }
    free(c.found);
    xmlHashFree(c.cache.links, NULL);
    xmlHashFree(c.cache.vlan_lines, NULL);
    free(c.cache.vlan_text);
    nd_scan_parents(m, by_path);
    xmlHashFree(by_path, NULL);

    if (nd_names_assign(m) < 0 || nd_index_build(m) < 0) {
        nd_model_free(m);
        return NULL;
    }
    m->warnings = __atomic_load_n(&root->warnings, __ATOMIC_RELAXED) - warnings_before;
    return m;
}

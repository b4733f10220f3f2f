/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Lookups by name and key in O(1) and the byte-order list of names that
 * every listing walks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include "internal.h"

/*
 * The name table: open addressing with linear probing over device
 * pointers alone, the names staying in the devices (an xmlHashTable copied
 * every name, and the keys had a table of their own: some 20 MiB at 100k
 * devices). At most half full; it grows on insert. A removal moves the
 * entries after it back into the gap, so no tombstones pile up under the
 * monitor's inserts and removals (lib/model_update.c).
 */
struct nd_name_table {
    nd_dev **slot;
    size_t mask;                 /* slots - 1, a power of two minus one */
    size_t n;
};

/* FNV-1a from a per-process random start, then mixed, so that names a
 * hostile tree picks cannot be made to collide. */
static size_t nd_hash(const char *s)
{
    static uint64_t seed;
    uint64_t h = __atomic_load_n(&seed, __ATOMIC_RELAXED);
    if (!h) {
        const void *random = (const void *)getauxval(AT_RANDOM);   /* 16 bytes */
        if (random)
            memcpy(&h, random, sizeof(h));
        h |= 1;   /* any thread may set it: all set the same */
        __atomic_store_n(&seed, h, __ATOMIC_RELAXED);
    }
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ULL;
    return (size_t)(h ^ (h >> 32));
}

static nd_dev **nd_table_alloc(size_t n, size_t *mask)
{
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    *mask = cap - 1;
    return calloc(cap, sizeof(nd_dev *));
}

nd_name_table *nd_table_new(size_t n)
{
    nd_name_table *t = calloc(1, sizeof(*t));
    if (t && !(t->slot = nd_table_alloc(n, &t->mask))) {
        free(t);
        t = NULL;
    }
    return t;
}

void nd_table_free(nd_name_table *t)
{
    if (t)
        free(t->slot);
    free(t);
}

nd_dev *nd_table_get(const nd_name_table *t, const char *name)
{
    for (size_t i = nd_hash(name) & t->mask; t->slot[i]; i = (i + 1) & t->mask)
        if (strcmp(t->slot[i]->name, name) == 0)
            return t->slot[i];
    return NULL;
}

static void nd_table_place(nd_dev **slot, size_t mask, nd_dev *d)
{
    size_t i = nd_hash(d->name) & mask;
    while (slot[i])
        i = (i + 1) & mask;
    slot[i] = d;
}

void nd_table_put(nd_name_table *t, nd_dev *d)
{
    if (2 * (t->n + 1) > t->mask + 1) {
        size_t mask;
        nd_dev **bigger = nd_table_alloc(t->n + 1, &mask);
        if (!bigger)
            abort();   /* as the arena: a half-built index is worse */
        for (size_t i = 0; i <= t->mask; i++)
            if (t->slot[i])
                nd_table_place(bigger, mask, t->slot[i]);
        free(t->slot);
        t->slot = bigger;
        t->mask = mask;
    }
    nd_table_place(t->slot, t->mask, d);
    t->n++;
}

void nd_table_remove(nd_name_table *t, const nd_dev *d)
{
    size_t i = nd_hash(d->name) & t->mask;
    while (t->slot[i] && t->slot[i] != d)
        i = (i + 1) & t->mask;
    if (!t->slot[i])
        return;
    /* Close the gap: an entry further on moves into it unless its home
     * slot lies cyclically in (gap, entry], where a lookup still finds it. */
    for (size_t j = (i + 1) & t->mask; t->slot[j]; j = (j + 1) & t->mask) {
        size_t home = nd_hash(t->slot[j]->name) & t->mask;
        if (((j - home) & t->mask) >= ((j - i) & t->mask)) {
            t->slot[i] = t->slot[j];
            i = j;
        }
    }
    t->slot[i] = NULL;
    t->n--;
}

void nd_table_clear(nd_name_table *t)
{
    memset(t->slot, 0, (t->mask + 1) * sizeof(*t->slot));
    t->n = 0;
}

static int nd_cmp_name(const void *a, const void *b)
{
    const nd_dev *x = *(nd_dev *const *)a, *y = *(nd_dev *const *)b;
    return strcmp(x->name, y->name);
}

/* Needs nd_names_assign first (it builds the name table). */
int nd_index_build(nd_model *m)
{
    m->by_name = malloc(m->ndevs * sizeof(*m->by_name));
    if (!m->by_name)
        return nd_error(ND_ERR_INTERNAL, "out of memory indexing devices");
    memcpy(m->by_name, m->devs, m->ndevs * sizeof(*m->by_name));
    qsort(m->by_name, m->ndevs, sizeof(*m->by_name), nd_cmp_name);
    return 0;
}

nd_dev *nd_index_by_name(const nd_model *m, const char *name)
{
    return nd_table_get(m->name_hash, name);
}

/* A key is ND_KEY_PREFIX and the name (lib/names.c, lib/model_update.c),
 * so it needs no table of its own. */
nd_dev *nd_index_by_key(const nd_model *m, const char *key)
{
    static const char prefix[] = ND_KEY_PREFIX;
    if (strncmp(key, prefix, sizeof(prefix) - 1) != 0)
        return NULL;
    return nd_table_get(m->name_hash, key + sizeof(prefix) - 1);
}

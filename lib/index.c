/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Lookups by name and key in O(1) (libxml2 hash tables) and the byte-order
 * list of names that every listing walks. */
#include <libxml/hash.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

static int nd_cmp_name(const void *a, const void *b)
{
    const nd_dev *x = *(nd_dev *const *)a, *y = *(nd_dev *const *)b;
    return strcmp(x->name, y->name);
}

/* Needs nd_names_assign first (it builds the name table). */
int nd_index_build(nd_model *m)
{
    m->by_name = malloc(m->ndevs * sizeof(*m->by_name));
    m->key_hash = xmlHashCreate((int)m->ndevs * 2 + 16);
    if (!m->by_name || !m->key_hash)
        return nd_error(ND_ERR_INTERNAL, "out of memory indexing devices");
    memcpy(m->by_name, m->devs, m->ndevs * sizeof(*m->by_name));
    qsort(m->by_name, m->ndevs, sizeof(*m->by_name), nd_cmp_name);
    for (size_t i = 0; i < m->ndevs; i++)
        xmlHashAddEntry(m->key_hash, (const xmlChar *)m->devs[i]->key, m->devs[i]);
    return 0;
}

nd_dev *nd_index_by_name(const nd_model *m, const char *name)
{
    return xmlHashLookup(m->name_hash, (const xmlChar *)name);
}

nd_dev *nd_index_by_key(const nd_model *m, const char *key)
{
    return xmlHashLookup(m->key_hash, (const xmlChar *)key);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a scan read, path by path, so `nodedev capture` can copy exactly
 * that and nothing else (backends/capture.c). Only the sysfs source
 * records; a scan is single-threaded, so no lock. */
#include <libxml/hash.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "record.h"

nd_recorder *nd_recorder_new(void)
{
    nd_recorder *rec = calloc(1, sizeof(*rec));
    if (!rec || !(rec->seen = xmlHashCreate(4096))) {
        free(rec);
        return NULL;
    }
    return rec;
}

void nd_recorder_free(nd_recorder *rec)
{
    if (!rec)
        return;
    for (size_t i = 0; i < rec->n; i++)
        free(rec->v[i].path);
    free(rec->v);
    xmlHashFree(rec->seen, NULL);
    free(rec);
}

void nd_record(nd_root *r, enum nd_rec_kind kind, const char *dir, const char *rel)
{
    nd_recorder *rec = r->recorder;
    if (!rec)
        return;
    char path[4096];
    int n = snprintf(path, sizeof(path), "%s%s%s", dir, *dir && rel && *rel ? "/" : "",
                     rel ? rel : "");
    if (n < 0 || (size_t)n >= sizeof(path) || !*path)
        return;
    static const char kinds[] = "flde";
    char kindstr[2] = { kinds[kind], '\0' };
    if (xmlHashLookup2(rec->seen, (const xmlChar *)path, (const xmlChar *)kindstr))
        return;
    if (rec->n == rec->cap) {
        size_t cap = rec->cap ? rec->cap * 2 : 1024;
        nd_rec_entry *v = realloc(rec->v, cap * sizeof(*v));
        if (!v)
            return;
        rec->v = v;
        rec->cap = cap;
    }
    char *copy = strdup(path);
    if (!copy)
        return;
    rec->v[rec->n++] = (nd_rec_entry){ copy, kind };
    xmlHashAddEntry2(rec->seen, (const xmlChar *)path, (const xmlChar *)kindstr, copy);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A bump allocator: one scan's strings and nodes live in it and are freed
 * together, which keeps 100k devices cheap to build and to drop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define ND_CHUNK (64 * 1024)

typedef struct nd_chunk {
    struct nd_chunk *next;
    size_t used, size;
    max_align_t data[];
} nd_chunk;

struct nd_arena {
    nd_chunk *head;
    size_t total;
};

nd_arena *nd_arena_new(void)
{
    nd_arena *a = calloc(1, sizeof(*a));
    if (!a)
        abort();
    return a;
}

void nd_arena_free(nd_arena *a)
{
    if (!a)
        return;
    for (nd_chunk *c = a->head, *n; c; c = n) {
        n = c->next;
        free(c);
    }
    free(a);
}

void *nd_arena_alloc(nd_arena *a, size_t size)
{
    size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    nd_chunk *c = a->head;
    if (!c || c->size - c->used < size) {
        size_t want = size > ND_CHUNK / 4 ? size : ND_CHUNK;
        c = malloc(sizeof(*c) + want);
        if (!c)
            abort();   /* as glib: an allocation failure is not recoverable here */
        c->size = want;
        c->used = 0;
        if (size > ND_CHUNK / 4 && a->head) {
            /* a big block gets its own chunk behind the current one, so the
             * current one keeps serving small requests */
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
        a->total += sizeof(*c) + want;
    }
    void *p = (char *)c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

char *nd_arena_strdup(nd_arena *a, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = nd_arena_alloc(a, n);
    memcpy(p, s, n);
    return p;
}

char *nd_arena_printf(nd_arena *a, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        abort();
    char *p = nd_arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

size_t nd_arena_size(const nd_arena *a)
{
    return a->total;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A bump allocator: one scan's strings and nodes live in it and are freed
 * together, which keeps 100k devices cheap to build and to drop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define ND_CHUNK (64 * 1024)
/* The arena holds strings and structs of pointers (nd_dev, nd_node,
 * nd_attr): a struct starts at pointer alignment, a string anywhere.
 * max_align_t (16 bytes) for each cost 20 MiB at 100k devices. */
#define ND_ARENA_ALIGN _Alignof(void *)
_Static_assert(_Alignof(nd_dev) <= ND_ARENA_ALIGN && _Alignof(nd_node) <= ND_ARENA_ALIGN &&
               _Alignof(nd_attr) <= ND_ARENA_ALIGN, "arena structs need more alignment");

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

/* size bytes at an offset that is a multiple of align (a power of two),
 * zeroed */
static void *nd_arena_get(nd_arena *a, size_t size, size_t align)
{
    nd_chunk *c = a->head;
    if (c)
        c->used = (c->used + align - 1) & ~(align - 1);   /* may pass size */
    if (!c || c->used > c->size || c->size - c->used < size) {
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

void *nd_arena_alloc(nd_arena *a, size_t size)
{
    return nd_arena_get(a, size, ND_ARENA_ALIGN);
}

char *nd_arena_strdup(nd_arena *a, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = nd_arena_get(a, n, 1);
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
    char *p = nd_arena_get(a, (size_t)n + 1, 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

size_t nd_arena_size(const nd_arena *a)
{
    return a->total;
}

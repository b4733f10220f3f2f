/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <libxml/hash.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scrub.h"

#define ND_SCRUB_MIN 6

typedef enum { ND_ID_NONE, ND_ID_MAC, ND_ID_SERIAL, ND_ID_UUID, ND_ID_WWN } nd_id_kind;

typedef struct nd_pair {
    char *orig, *fake;
} nd_pair;

struct nd_scrub {
    xmlHashTablePtr map;       /* original → fake */
    nd_pair *pairs;            /* every original, for replacement in text */
    size_t n, cap;
    unsigned counter[5];
};

nd_scrub *nd_scrub_new(void)
{
    nd_scrub *s = calloc(1, sizeof(*s));
    if (s && !(s->map = xmlHashCreate(256))) {
        free(s);
        return NULL;
    }
    return s;
}

void nd_scrub_free(nd_scrub *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->pairs[i].orig);
        free(s->pairs[i].fake);
    }
    free(s->pairs);
    xmlHashFree(s->map, NULL);
    free(s);
}

/* What kind of identifier a file holds, by its name (and place). */
static nd_id_kind nd_scrub_kind(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if ((strcmp(base, "address") == 0 || strcmp(base, "perm_address") == 0) &&
        strstr(path, "/net/"))
        return ND_ID_MAC;
    if (strcmp(base, "serial") == 0 || strcmp(base, "product_serial") == 0 ||
        strcmp(base, "board_serial") == 0 || strcmp(base, "chassis_serial") == 0 ||
        strcmp(base, "wwid") == 0)
        return ND_ID_SERIAL;
    if (strcmp(base, "product_uuid") == 0)
        return ND_ID_UUID;
    if ((strcmp(base, "port_name") == 0 || strcmp(base, "node_name") == 0 ||
         strcmp(base, "fabric_name") == 0) && strstr(path, "/fc_host/"))
        return ND_ID_WWN;
    return ND_ID_NONE;
}

/* The value as an attribute read sees it: first line, no trailing blanks. */
static char *nd_scrub_value(const char *content)
{
    size_t len = strcspn(content, "\n");
    while (len && isspace((unsigned char)content[len - 1]))
        len--;
    return strndup(content, len);
}

/* Values that identify nothing: empty, all zeros, all ones (broadcast). */
static bool nd_scrub_boring(const char *v)
{
    if (!*v)
        return true;
    const char *p = v;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        p += 2;
    bool zeros = true, ones = true;
    for (; *p; p++) {
        if (*p == ':' || *p == '-')
            continue;
        zeros &= *p == '0';
        ones &= (*p == 'f' || *p == 'F');
    }
    return zeros || ones;
}

static void nd_scrub_add(nd_scrub *s, const char *orig, const char *fake)
{
    if (xmlHashLookup(s->map, (const xmlChar *)orig))
        return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        nd_pair *p = realloc(s->pairs, cap * sizeof(*p));
        if (!p)
            return;
        s->pairs = p;
        s->cap = cap;
    }
    nd_pair *p = &s->pairs[s->n];
    if (!(p->orig = strdup(orig)) || !(p->fake = strdup(fake))) {
        free(p->orig);
        return;
    }
    s->n++;
    xmlHashAddEntry(s->map, (const xmlChar *)p->orig, p->fake);
}

/* hex digits of a MAC or WWN without separators or 0x, lowercase */
static void nd_scrub_bare(const char *v, char *out, size_t size)
{
    size_t n = 0;
    if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
        v += 2;
    for (; *v && n + 1 < size; v++)
        if (isxdigit((unsigned char)*v))
            out[n++] = (char)tolower((unsigned char)*v);
    out[n] = '\0';
}

void nd_scrub_learn(nd_scrub *s, const char *path, const char *content)
{
    nd_id_kind kind = nd_scrub_kind(path);
    if (kind == ND_ID_NONE)
        return;
    char *v = nd_scrub_value(content);
    if (!v || nd_scrub_boring(v) || xmlHashLookup(s->map, (const xmlChar *)v)) {
        free(v);
        return;
    }
    unsigned k = ++s->counter[kind];
    char fake[64], bare[64], fake_bare[64];
    switch (kind) {
    case ND_ID_MAC:
        /* locally administered, so never a real vendor's */
        snprintf(fake, sizeof(fake), "02:00:00:%02x:%02x:%02x", (k >> 16) & 0xff,
                 (k >> 8) & 0xff, k & 0xff);
        break;
    case ND_ID_SERIAL:
        snprintf(fake, sizeof(fake), "SCRUBBED%04u", k);
        break;
    case ND_ID_UUID:
        snprintf(fake, sizeof(fake), "00000000-0000-4000-8000-%012x", k);
        break;
    case ND_ID_WWN:
        snprintf(fake, sizeof(fake), "0x5%015lx", 0xcafe000000ul + k);
        break;
    default:
        break;
    }
    nd_scrub_add(s, v, fake);
    if (kind == ND_ID_MAC || kind == ND_ID_WWN) {
        /* the same identifier as other files spell it: 525400123456 in
         * ID_NET_NAME_MAC, bare hex in udev's ID_WWN */
        nd_scrub_bare(v, bare, sizeof(bare));
        nd_scrub_bare(fake, fake_bare, sizeof(fake_bare));
        nd_scrub_add(s, bare, fake_bare);
        for (char *c = v; *c; c++)
            *c = (char)toupper((unsigned char)*c);
        if (v[1] == 'X')
            v[1] = 'x';
        nd_scrub_add(s, v, fake);
    }
    free(v);
}

char *nd_scrub_apply(nd_scrub *s, const char *path, const char *content, size_t len,
                     size_t *outlen)
{
    if (nd_scrub_kind(path) != ND_ID_NONE) {
        char *v = nd_scrub_value(content);
        const char *fake = v ? xmlHashLookup(s->map, (const xmlChar *)v) : NULL;
        free(v);
        if (fake) {
            char *out = NULL;
            int n = asprintf(&out, "%s\n", fake);
            *outlen = n > 0 ? (size_t)n : 0;
            return n > 0 ? out : NULL;
        }
    }
    /* replace every long enough original, longest first is not needed:
     * fakes contain no original */
    char *text = malloc(len + 1);
    if (!text)
        return NULL;
    memcpy(text, content, len);
    text[len] = '\0';
    size_t tlen = len;
    for (size_t i = 0; i < s->n; i++) {
        const char *o = s->pairs[i].orig, *f = s->pairs[i].fake;
        size_t olen = strlen(o), flen = strlen(f);
        if (olen < ND_SCRUB_MIN || !memmem(text, tlen, o, olen))
            continue;
        size_t cap = tlen + 1 + (flen > olen ? (tlen / olen + 1) * (flen - olen) : 0);
        char *out = malloc(cap), *w = out;
        if (!out) {
            free(text);
            return NULL;
        }
        const char *r = text, *end = text + tlen, *hit;
        while ((hit = memmem(r, (size_t)(end - r), o, olen))) {
            memcpy(w, r, (size_t)(hit - r));
            w += hit - r;
            memcpy(w, f, flen);
            w += flen;
            r = hit + olen;
        }
        memcpy(w, r, (size_t)(end - r));
        w += end - r;
        *w = '\0';
        tlen = (size_t)(w - out);
        free(text);
        text = out;
    }
    *outlen = tlen;
    return text;
}

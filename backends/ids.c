/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Names from the id databases (DESIGN §8, §13): pci.ids through
 * libpciaccess, usb.ids through a small parser of our own. Every string
 * returned stays valid for the life of the process. Also the one rule that
 * turns ids into the <vendor>/<product> elements of a bus, shared by the
 * PCI and USB probes.
 */
#include <errno.h>
#include <pciaccess.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/hash.h>
#include "internal.h"
#include "hex.h"

#ifndef ND_USB_IDS
#define ND_USB_IDS "/usr/share/misc/usb.ids"
#endif

#define ND_ID_MAX 0xffffu   /* PCI and USB ids are 16 bits wide */

/* ---- pci.ids (libpciaccess) ----------------------------------------- */

/* libpciaccess keeps its own global cache and is not thread-safe, and it
 * rereads pci.ids from the start for every vendor it does not know. So
 * every answer, unknown ones included, is kept here: key "8086" for a
 * vendor, "8086:27da" for a device; value a private copy of the name or
 * &pci_unknown. */
static pthread_mutex_t pci_lock = PTHREAD_MUTEX_INITIALIZER;
static xmlHashTablePtr pci_cache;
static char pci_unknown;

static const char *pci_lookup(unsigned vendor, unsigned device, bool want_device)
{
    char key[16];
    if (want_device)
        snprintf(key, sizeof(key), "%04x:%04x", vendor, device);
    else
        snprintf(key, sizeof(key), "%04x", vendor);

    pthread_mutex_lock(&pci_lock);
    if (!pci_cache)
        pci_cache = xmlHashCreate(64);
    void *hit = pci_cache ? xmlHashLookup(pci_cache, (const xmlChar *)key) : NULL;
    if (!hit) {
        struct pci_id_match m = {
            .vendor_id = vendor,
            .device_id = want_device ? device : PCI_MATCH_ANY,
            .subvendor_id = PCI_MATCH_ANY,
            .subdevice_id = PCI_MATCH_ANY,
        };
        const char *dev_name = NULL, *vendor_name = NULL;
        const char *subdev_name = NULL, *subvendor_name = NULL;
        pci_get_strings(&m, &dev_name, &vendor_name, &subdev_name, &subvendor_name);
        const char *name = want_device ? dev_name : vendor_name;
        char *copy = name && *name ? strdup(name) : NULL;
        hit = copy ? copy : &pci_unknown;
        /* Out of memory: answer without remembering. */
        if (!pci_cache || xmlHashAddEntry(pci_cache, (const xmlChar *)key, hit) < 0) {
            pthread_mutex_unlock(&pci_lock);
            free(copy);
            return NULL;
        }
    }
    pthread_mutex_unlock(&pci_lock);
    return hit == &pci_unknown ? NULL : hit;
}

const char *nd_ids_pci_vendor(unsigned vendor)
{
    return vendor <= ND_ID_MAX ? pci_lookup(vendor, 0, false) : NULL;
}

const char *nd_ids_pci_device(unsigned vendor, unsigned device)
{
    /* An unknown vendor has no devices: spare libpciaccess the rescan. */
    if (device > ND_ID_MAX || !nd_ids_pci_vendor(vendor))
        return NULL;
    return pci_lookup(vendor, device, true);
}

/* ---- usb.ids ---------------------------------------------------------- */

/* Loaded once; then read-only, so lookups need no lock. The names point
 * into the file's text, kept for the life of the process. */
typedef struct usb_entry {
    uint32_t key;            /* vendor, or vendor << 16 | product */
    const char *name;
} usb_entry;

typedef struct usb_table {
    usb_entry *v;
    size_t n, cap;
} usb_table;

static pthread_once_t usb_once = PTHREAD_ONCE_INIT;
static usb_table usb_vendors, usb_products;

static bool usb_push(usb_table *t, uint32_t key, const char *name)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 1024;
        usb_entry *v = realloc(t->v, cap * sizeof(*v));
        if (!v)
            return false;
        t->v = v;
        t->cap = cap;
    }
    t->v[t->n++] = (usb_entry){ key, name };
    return true;
}

static int usb_cmp(const void *a, const void *b)
{
    uint32_t x = ((const usb_entry *)a)->key, y = ((const usb_entry *)b)->key;
    return x < y ? -1 : x > y;
}

/* "xxxx<blank>name": the 4-digit id and the name (trailing blanks cut in
 * place); NULL when the line is not of that form or the name is empty. */
static char *usb_parse_entry(char *line, uint32_t *id)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int d = nd_hex_digit(line[i]);
        if (d < 0)
            return NULL;
        v = v << 4 | (uint32_t)d;
    }
    char *name = line + 4;
    if (*name != ' ' && *name != '\t')
        return NULL;
    while (*name == ' ' || *name == '\t')
        name++;
    char *end = name + strlen(name);
    while (end > name && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        *--end = '\0';
    if (!*name)
        return NULL;
    *id = v;
    return name;
}

/* The whole file, NUL-terminated; NULL when it cannot be read. */
static char *usb_read_file(const char *path)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return NULL;
    char *text = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (cap - len < 65536) {
            cap = cap ? cap * 2 : 1 << 20;
            char *t = realloc(text, cap + 1);
            if (!t)
                goto fail;
            text = t;
        }
        size_t got = fread(text + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f))
                goto fail;
            break;
        }
    }
    fclose(f);
    text[len] = '\0';
    return text;
fail:
    fclose(f);
    free(text);
    return NULL;
}

static void usb_load(void)
{
    char *text = usb_read_file(ND_USB_IDS);
    if (!text)
        return;                              /* no names: every lookup NULL */
    bool in_vendor = false;
    uint32_t vendor = 0;
    for (char *line = text, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (line[0] == 'C' && line[1] == ' ')
            break;                           /* the class section: done */
        if (line[0] == '#' || line[0] == '\0')
            continue;
        uint32_t id;
        char *name;
        if (line[0] == '\t') {
            if (line[1] == '\t' || !in_vendor)
                continue;                    /* interface line, or stray */
            if ((name = usb_parse_entry(line + 1, &id)) &&
                !usb_push(&usb_products, vendor << 16 | id, name))
                goto oom;
        } else {
            in_vendor = (name = usb_parse_entry(line, &id)) != NULL;
            if (!in_vendor)
                continue;
            vendor = id;
            if (!usb_push(&usb_vendors, id, name))
                goto oom;
        }
    }
    /* The file is sorted; sorting again costs little and makes sure. */
    qsort(usb_vendors.v, usb_vendors.n, sizeof(usb_entry), usb_cmp);
    qsort(usb_products.v, usb_products.n, sizeof(usb_entry), usb_cmp);
    return;                                  /* text stays: names point in */
oom:
    free(usb_vendors.v);
    free(usb_products.v);
    usb_vendors = usb_products = (usb_table){ 0 };
    free(text);
}

static const char *usb_find(const usb_table *t, uint32_t key)
{
    usb_entry k = { key, NULL };
    const usb_entry *e = t->n ? bsearch(&k, t->v, t->n, sizeof(k), usb_cmp) : NULL;
    return e ? e->name : NULL;
}

const char *nd_ids_usb_vendor(unsigned vendor)
{
    if (vendor > ND_ID_MAX)
        return NULL;
    pthread_once(&usb_once, usb_load);
    return usb_find(&usb_vendors, vendor);
}

const char *nd_ids_usb_product(unsigned vendor, unsigned product)
{
    if (vendor > ND_ID_MAX || product > ND_ID_MAX)
        return NULL;
    pthread_once(&usb_once, usb_load);
    return usb_find(&usb_products, (uint32_t)vendor << 16 | product);
}

/* ---- helpers the probes share ------------------------------------------ */

bool nd_probe_id(nd_raw *raw, const char *rel, unsigned long *out)
{
    /* one warning per bad id, saying both what is wrong and what follows */
    char buf[ND_ATTR_MAX + 1];
    int rc = nd_raw_attr(raw, rel, buf);
    bool number = rc >= 0 && nd_parse_ulong(buf, 16, out) == 0;
    if (number && *out <= ND_ID_MAX)
        return true;
    /* the kernel prints ids as 0x%04x: a wider number is no id, and
     * would not fit the XML's 16-bit id= either */
    if (number)
        nd_raw_warn(raw, rel, "cannot name the device: wider than 16 bits: \"%.40s\"", buf);
    else if (rc >= 0)
        nd_raw_warn(raw, rel, "cannot name the device: not a hex number: \"%.40s\"", buf);
    else
        nd_raw_warn(raw, rel, "cannot name the device: %s",
                    rc == -ENOENT ? "no such attribute" : strerror(-rc));
    return false;
}

/* NULL for an empty string: an empty name is no name. */
static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

void nd_bus_add_ids(nd_raw *raw, struct nd_node *bus, const nd_id_names *names,
                    unsigned long vendor, unsigned long product)
{
    bool vendor_ok = vendor <= ND_ID_MAX, both_ok = vendor_ok && product <= ND_ID_MAX;

    const char *v = nd_raw_prop(raw, "ID_VENDOR_FROM_DATABASE");
    if (!v && vendor_ok)
        v = names->vendor((unsigned)vendor);
    if (!v && names->vendor_attr)
        v = nonempty(nd_raw_attr_str(raw, names->vendor_attr));
    nd_node *n = nd_node_add(raw->arena, bus, "vendor", nonempty(v));
    nd_node_attrf(raw->arena, n, "id", "%lu", vendor);

    const char *p = nd_raw_prop(raw, "ID_MODEL_FROM_DATABASE");
    if (!p && both_ok)
        p = names->product((unsigned)vendor, (unsigned)product);
    if (!p && names->product_attr)
        p = nonempty(nd_raw_attr_str(raw, names->product_attr));
    n = nd_node_add(raw->arena, bus, "product", nonempty(p));
    nd_node_attrf(raw->arena, n, "id", "%lu", product);
}

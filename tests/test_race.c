/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Race test (issue 9): a fixture copy changes under readers.
 *
 * One thread plays the kernel's hotplug: it takes whole device subtrees
 * away and brings them back with rename() (a removal is atomic for a
 * reader of sysfs), the subtree's bus and class entries dangling while
 * it is away; it also drops and restores single bus/class entries. A subtree comes back as
 * one of three identical copies taken in turns, so a device that returns
 * is a new directory, as a re-added kernel device is a new kernfs node.
 * Meanwhile other threads, on one shared connection and on connections of
 * their own, refresh, list, look up and dump in a loop.
 *
 * Every device in every output must be complete or absent: its XML, less
 * <name>, <key> and <parent> (which follow from which devices are there),
 * is byte for byte the fixture's expected.xml entry for the same path;
 * every parent in a whole dump is in that dump and is an ancestor
 * directory (or computer). When the mutator has put everything back, a
 * refresh gives expected.xml exactly. No crash; no leak (LSan in the
 * sanitizer build).
 *
 * ND_RACE_SECONDS: how long each fixture is shaken (default 1.5).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "helpers.h"
#include "nodedev.h"

#define KEY_PREFIX "/org/freedesktop/Hal/devices/"
#define MAX_SUBTREES 6
#define MAX_TOGGLES 4
#define COPIES 3

/* ---- a failure log shared by the threads ----------------------------- */

static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned nfail;

static void race_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void race_fail(const char *fmt, ...)
{
    pthread_mutex_lock(&fail_lock);
    if (nfail++ < 20) {
        va_list ap;
        va_start(ap, fmt);
        fputs("race: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
    }
    pthread_mutex_unlock(&fail_lock);
}

/* ---- expected devices ------------------------------------------------ */

typedef struct expect {
    char *path;                 /* "/sys/devices/…", or "" for computer */
    char *xml;                  /* canonical, without name/key/parent */
} expect;

typedef struct fixture {
    const char *name;
    char *dir;                  /* the scratch directory */
    char *root;                 /* dir/root */
    char *expected_xml;         /* the fixture's expected.xml */
    expect *exp;
    size_t nexp;
} fixture;

static int cmp_expect(const void *a, const void *b)
{
    return strcmp(((const expect *)a)->path, ((const expect *)b)->path);
}

static char *child_text(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return (char *)xmlNodeGetContent(c);
    return NULL;
}

/* The device element without the children that depend on the rest of the
 * tree, serialised without formatting: comparable across dumps. */
static char *canonical(xmlNodePtr dev)
{
    xmlNodePtr copy = xmlCopyNode(dev, 1);
    for (xmlNodePtr c = copy->children, next; c; c = next) {
        next = c->next;
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "name") == 0 ||
            strcmp((const char *)c->name, "key") == 0 ||
            strcmp((const char *)c->name, "parent") == 0) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        }
    }
    xmlBufferPtr buf = xmlBufferCreate();
    xmlNodeDump(buf, NULL, copy, 0, 0);
    char *s = strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    xmlFreeNode(copy);
    return s;
}

static xmlDocPtr parse(const char *xml)
{
    return xmlReadMemory(xml, (int)strlen(xml), "dump.xml", NULL,
                         XML_PARSE_NONET | XML_PARSE_NOBLANKS);
}

static void load_expected(fixture *f)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/%s/expected.xml", ND_FIXTURES, f->name);
    f->expected_xml = nd_test_slurp(path, NULL);
    assert_non_null(f->expected_xml);
    xmlDocPtr doc = parse(f->expected_xml);
    assert_non_null(doc);
    size_t cap = 16;
    f->exp = calloc(cap, sizeof(*f->exp));
    for (xmlNodePtr d = xmlDocGetRootElement(doc)->children; d; d = d->next) {
        if (d->type != XML_ELEMENT_NODE)
            continue;
        if (f->nexp == cap)
            f->exp = realloc(f->exp, (cap *= 2) * sizeof(*f->exp));
        char *p = child_text(d, "path");
        f->exp[f->nexp].path = strdup(p ? p : "");
        f->exp[f->nexp].xml = canonical(d);
        f->nexp++;
        xmlFree(p);
    }
    xmlFreeDoc(doc);
    qsort(f->exp, f->nexp, sizeof(*f->exp), cmp_expect);
}

static const expect *find_expect(const fixture *f, const char *path)
{
    expect key = { .path = (char *)path };
    return bsearch(&key, f->exp, f->nexp, sizeof(*f->exp), cmp_expect);
}

/* ---- checking outputs -------------------------------------------------- */

static atomic_uint dumps_checked, devices_checked, absent_seen;

/* One <device>: complete (as expected.xml has it for its path) or it
 * should not be there at all. */
static void check_device(const fixture *f, xmlNodePtr dev, const char *who)
{
    char *path = child_text(dev, "path");
    const expect *e = find_expect(f, path ? path : "");
    if (!e) {
        race_fail("%s: %s: a device expected.xml does not have: %s", f->name, who,
                  path ? path : "(no path)");
    } else {
        char *got = canonical(dev);
        if (strcmp(got, e->xml) != 0)
            race_fail("%s: %s: %s is incomplete or wrong:\n  got      %s\n  expected %s",
                      f->name, who, e->path, got, e->xml);
        free(got);
    }
    atomic_fetch_add(&devices_checked, 1);
    xmlFree(path);
}

static bool is_ancestor(const char *anc, const char *path)
{
    size_t n = strlen(anc);
    return strncmp(anc, path, n) == 0 && path[n] == '/';
}

static void check_dump(const fixture *f, const char *xml, const char *who)
{
    xmlDocPtr doc = parse(xml);
    if (!doc) {
        race_fail("%s: %s: a dump that is not well-formed", f->name, who);
        return;
    }
    /* key → path of this dump's devices, for the parent check */
    size_t n = 0;
    for (xmlNodePtr d = xmlDocGetRootElement(doc)->children; d; d = d->next)
        n += d->type == XML_ELEMENT_NODE;
    char **keys = calloc(n + 1, sizeof(*keys)), **paths = calloc(n + 1, sizeof(*paths));
    char **parents = calloc(n + 1, sizeof(*parents));
    size_t i = 0;
    for (xmlNodePtr d = xmlDocGetRootElement(doc)->children; d; d = d->next) {
        if (d->type != XML_ELEMENT_NODE)
            continue;
        check_device(f, d, who);
        keys[i] = child_text(d, "key");
        paths[i] = child_text(d, "path");
        parents[i] = child_text(d, "parent");
        i++;
    }
    for (i = 0; i < n; i++) {
        if (!parents[i])
            continue;
        size_t p = 0;
        while (p < n && !(keys[p] && strcmp(keys[p], parents[i]) == 0))
            p++;
        if (p == n)
            race_fail("%s: %s: %s has parent %s, which is not in the dump", f->name, who,
                      paths[i] ? paths[i] : "?", parents[i]);
        else if (paths[p] && paths[i] && !is_ancestor(paths[p], paths[i]))
            race_fail("%s: %s: %s has parent %s, which is no ancestor", f->name, who,
                      paths[i], paths[p]);
    }
    if (n < f->nexp)
        atomic_fetch_add(&absent_seen, 1);
    for (i = 0; i < n; i++) {
        xmlFree(keys[i]);
        xmlFree(paths[i]);
        xmlFree(parents[i]);
    }
    free(keys);
    free(paths);
    free(parents);
    xmlFreeDoc(doc);
    atomic_fetch_add(&dumps_checked, 1);
}

/* ---- the mutator ------------------------------------------------------- */

typedef struct entry {
    char *path;                 /* root-relative */
    char *text;
} entry;

typedef struct subtree {
    char *path;                 /* root-relative device dir */
    entry *links;                /* bus/class entries into it */
    size_t nlinks;
    int in;                     /* which copy is in place; -1: none */
} subtree;

typedef struct mutator {
    fixture *f;
    subtree sub[MAX_SUBTREES];
    size_t nsub;
    entry toggle[MAX_TOGGLES];
    bool toggled_off[MAX_TOGGLES];
    size_t ntoggle;
    uint64_t rng;
    atomic_bool stop;
    unsigned moves, flips;
} mutator;

static uint64_t rnext(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static char *rootpath(const fixture *f, const char *rel)
{
    char *s = malloc(strlen(f->root) + strlen(rel) + 2);
    sprintf(s, "%s/%s", f->root, rel);
    return s;
}

/* where copy k of subtree i waits while it is not in place */
static char *stash(const fixture *f, size_t i, int k)
{
    char *s = malloc(strlen(f->dir) + 64);
    sprintf(s, "%s/stash/%zu.%d", f->dir, i, k);
    return s;
}

static void must(bool ok, const char *what, const char *path)
{
    if (!ok)
        race_fail("mutator: %s %s: %s", what, path, strerror(errno));
}

/* The subtree's bus and class entries: made before the directory comes
 * back and dropped after it went, so that for a reader the directory's
 * rename() is the whole event (an entry whose target is not there is
 * absent, DESIGN §13). The kernel's own order shows a device for a moment
 * without its fc_host or driver as it goes; that no scan can tell from a
 * device without them, and is not what this test is about: a device's
 * directory changing while it is probed. */
static void sub_links(mutator *m, size_t i, bool add)
{
    subtree *s = &m->sub[i];
    for (size_t l = 0; l < s->nlinks; l++) {
        char *p = rootpath(m->f, s->links[l].path);
        if (add)
            must(symlink(s->links[l].text, p) == 0, "symlink", p);
        else
            must(unlink(p) == 0, "unlink", p);
        free(p);
    }
}

static void sub_remove(mutator *m, size_t i)
{
    subtree *s = &m->sub[i];
    char *from = rootpath(m->f, s->path), *to = stash(m->f, i, s->in);
    must(rename(from, to) == 0, "rename", from);
    free(from);
    free(to);
    s->in = -1;
    sub_links(m, i, false);
}

static void sub_add(mutator *m, size_t i, int k)
{
    subtree *s = &m->sub[i];
    sub_links(m, i, true);
    char *from = stash(m->f, i, k), *to = rootpath(m->f, s->path);
    must(rename(from, to) == 0, "rename", from);
    free(from);
    free(to);
    s->in = k;
}

static void toggle(mutator *m, size_t t)
{
    char *p = rootpath(m->f, m->toggle[t].path);
    if (m->toggled_off[t])
        must(symlink(m->toggle[t].text, p) == 0, "symlink", p);
    else
        must(unlink(p) == 0, "unlink", p);
    m->toggled_off[t] = !m->toggled_off[t];
    free(p);
}

static void *mutate(void *opaque)
{
    mutator *m = opaque;
    while (!atomic_load(&m->stop)) {
        uint64_t r = rnext(&m->rng);
        if (m->ntoggle && r % 4 == 0) {
            toggle(m, (size_t)(r >> 8) % m->ntoggle);
            m->flips++;
        } else if (m->nsub) {
            size_t i = (size_t)(r >> 8) % m->nsub;
            if (m->sub[i].in >= 0) {
                int next = (m->sub[i].in + 1) % COPIES;
                sub_remove(m, i);
                /* a device reset: gone and back (a new directory) at once */
                if ((r >> 16) % 3 == 0)
                    sub_add(m, i, next);
                else
                    m->sub[i].in = -1 - next;   /* which copy comes back */
            } else {
                sub_add(m, i, -1 - m->sub[i].in);
            }
            m->moves++;
        }
        /* let the readers see each state for a while, sometimes */
        struct timespec ts = { 0, (long)(r >> 40) % 2000 * 1000 };
        nanosleep(&ts, NULL);
    }
    /* put everything back */
    for (size_t i = 0; i < m->nsub; i++)
        if (m->sub[i].in < 0)
            sub_add(m, i, -1 - m->sub[i].in);
    for (size_t t = 0; t < m->ntoggle; t++)
        if (m->toggled_off[t])
            toggle(m, t);
    return NULL;
}

/* Lexically resolve link text from the directory of `at` (both
 * root-relative); NULL when it climbs out. */
static char *resolve(const char *at, const char *text)
{
    char buf[PATH_MAX * 2];
    snprintf(buf, sizeof(buf), "%.*s/%s", (int)(strrchr(at, '/') - at), at, text);
    char *out = calloc(1, strlen(buf) + 1), *save = NULL;
    size_t len = 0;
    for (char *c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        if (strcmp(c, ".") == 0)
            continue;
        if (strcmp(c, "..") == 0) {
            if (!len) {
                free(out);
                return NULL;
            }
            char *slash = memrchr(out, '/', len);
            len = slash ? (size_t)(slash - out) : 0;
            out[len] = '\0';
            continue;
        }
        len += (size_t)sprintf(out + len, "%s%s", len ? "/" : "", c);
    }
    return out;
}

static bool inside(const char *dir, const char *path)
{
    return strcmp(dir, path) == 0 || is_ancestor(dir, path);
}

/* Every bus and class entry of the copy. */
static entry *entries(const fixture *f, size_t *n)
{
    size_t cap = 64;
    entry *v = malloc(cap * sizeof(*v));
    *n = 0;
    const char *tops[] = { "sys/bus", "sys/class" };
    for (int t = 0; t < 2; t++) {
        char *top = rootpath(f, tops[t]);
        DIR *d = opendir(top);
        struct dirent *de;
        while (d && (de = readdir(d))) {
            if (de->d_name[0] == '.')
                continue;
            char rel[PATH_MAX];
            snprintf(rel, sizeof(rel), t == 0 ? "%s/%s/devices" : "%s/%s", tops[t],
                     de->d_name);
            char *dir = rootpath(f, rel);
            DIR *e = opendir(dir);
            struct dirent *ee;
            while (e && (ee = readdir(e))) {
                char lrel[PATH_MAX * 2], text[PATH_MAX];
                snprintf(lrel, sizeof(lrel), "%s/%s", rel, ee->d_name);
                char *lp = rootpath(f, lrel);
                ssize_t len = readlink(lp, text, sizeof(text) - 1);
                free(lp);
                if (len <= 0)
                    continue;
                text[len] = '\0';
                if (*n == cap)
                    v = realloc(v, (cap *= 2) * sizeof(*v));
                v[*n].path = strdup(lrel);
                v[*n].text = strdup(text);
                (*n)++;
            }
            if (e)
                closedir(e);
            free(dir);
        }
        if (d)
            closedir(d);
        free(top);
    }
    return v;
}

/* Pick disjoint device subtrees and some single entries to shake, and
 * make the spare copies of each subtree. */
static void mutator_init(mutator *m, fixture *f, uint64_t seed)
{
    memset(m, 0, sizeof(*m));
    m->f = f;
    m->rng = seed;
    size_t nent;
    entry *ent = entries(f, &nent);
    size_t *order = malloc(f->nexp * sizeof(*order));
    for (size_t i = 0; i < f->nexp; i++)
        order[i] = i;
    for (size_t i = f->nexp; i > 1; i--) {
        size_t j = (size_t)(rnext(&m->rng) % i), t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    for (size_t k = 0; k < f->nexp && m->nsub < MAX_SUBTREES; k++) {
        const char *p = f->exp[order[k]].path;
        if (!*p)
            continue;   /* computer */
        const char *rel = p + 1;
        bool disjoint = true;
        for (size_t s = 0; s < m->nsub; s++)
            disjoint &= !inside(m->sub[s].path, rel) && !inside(rel, m->sub[s].path);
        if (!disjoint)
            continue;
        subtree *s = &m->sub[m->nsub];
        s->path = strdup(rel);
        s->links = malloc(nent * sizeof(*s->links));
        for (size_t e = 0; e < nent; e++) {
            char *target = resolve(ent[e].path, ent[e].text);
            if (target && inside(rel, target)) {
                s->links[s->nlinks].path = strdup(ent[e].path);
                s->links[s->nlinks].text = strdup(ent[e].text);
                s->nlinks++;
            }
            free(target);
        }
        /* copies 1 and 2 wait in the stash; copy 0 is in place */
        char cmd[PATH_MAX * 3];
        char *src = rootpath(f, rel);
        for (int c = 1; c < COPIES; c++) {
            char *dst = stash(f, m->nsub, c);
            snprintf(cmd, sizeof(cmd), "cp -a '%s' '%s'", src, dst);
            assert_int_equal(system(cmd), 0);
            free(dst);
        }
        free(src);
        s->in = 0;
        m->nsub++;
    }
    /* single entries whose device is not in a moving subtree; not net
     * (bridges and bonds list their ports by it) nor fc_host (a SCSI host
     * shows fc by it) */
    for (size_t k = 0; k < nent && m->ntoggle < MAX_TOGGLES; k++) {
        size_t e = (size_t)(rnext(&m->rng) % nent);
        const char *p = ent[e].path;
        if (strncmp(p, "sys/class/net/", 14) == 0 || strncmp(p, "sys/class/fc_host/", 18) == 0)
            continue;
        char *target = resolve(p, ent[e].text);
        bool ok = target != NULL;
        if (ok) {
            char abs[PATH_MAX];
            snprintf(abs, sizeof(abs), "/%s", target);
            ok = find_expect(f, abs) != NULL;   /* an entry of a modelled device */
            for (size_t s = 0; ok && s < m->nsub; s++)
                ok = !inside(m->sub[s].path, target);
            for (size_t t = 0; ok && t < m->ntoggle; t++)
                ok = strcmp(m->toggle[t].path, p) != 0;
        }
        free(target);
        if (!ok)
            continue;
        m->toggle[m->ntoggle].path = strdup(p);
        m->toggle[m->ntoggle].text = strdup(ent[e].text);
        m->ntoggle++;
    }
    for (size_t e = 0; e < nent; e++) {
        free(ent[e].path);
        free(ent[e].text);
    }
    free(ent);
    free(order);
}

static void mutator_free(mutator *m)
{
    for (size_t i = 0; i < m->nsub; i++) {
        for (size_t l = 0; l < m->sub[i].nlinks; l++) {
            free(m->sub[i].links[l].path);
            free(m->sub[i].links[l].text);
        }
        free(m->sub[i].links);
        free(m->sub[i].path);
    }
    for (size_t t = 0; t < m->ntoggle; t++) {
        free(m->toggle[t].path);
        free(m->toggle[t].text);
    }
}

/* ---- the readers ------------------------------------------------------- */

typedef struct reader {
    fixture *f;
    ndConnectPtr shared;
    atomic_bool *stop;
    int kind;
    unsigned rounds;
} reader;

/* refresh the shared connection and dump it whole */
static void read_refresh(reader *r)
{
    if (ndConnectRefresh(r->shared) != 0) {
        race_fail("%s: ndConnectRefresh failed: %s", r->f->name, ndGetLastError()->message);
        return;
    }
    char *xml = ndConnectDumpAllXML(r->shared, 0);
    if (!xml) {
        race_fail("%s: ndConnectDumpAllXML failed", r->f->name);
        return;
    }
    check_dump(r->f, xml, "refresh+dump");
    free(xml);
}

/* list the shared connection, look each device up and dump it alone; a
 * device may be gone by then (a refresh in between), nothing else */
static void read_each(reader *r)
{
    int n = ndNodeNumOfDevices(r->shared, 0);
    if (n < 0) {
        race_fail("%s: ndNodeNumOfDevices failed", r->f->name);
        return;
    }
    char **names = calloc((size_t)n + 1, sizeof(*names));
    int got = ndNodeListDevices(r->shared, names, n, 0);
    for (int i = 0; i < got; i++) {
        ndNodeDevicePtr dev = ndNodeDeviceLookupByName(r->shared, names[i]);
        if (dev) {
            char *xml = ndNodeDeviceDumpXML(dev, 0);
            const ndError *e = xml ? NULL : ndGetLastError();
            if (xml) {
                xmlDocPtr doc = parse(xml);
                if (doc)
                    check_device(r->f, xmlDocGetRootElement(doc), "lookup+dump");
                else
                    race_fail("%s: a device dump that is not well-formed", r->f->name);
                xmlFreeDoc(doc);
                free(xml);
            } else if (!e || e->code != ND_ERR_NO_DEVICE) {
                race_fail("%s: ndNodeDeviceDumpXML(%s) failed: %s", r->f->name, names[i],
                          e ? e->message : "(no error)");
            }
            ndNodeDeviceGetPath(dev);
            ndNodeDeviceGetParent(dev);
            ndNodeDeviceFree(dev);
        }
        free(names[i]);
    }
    free(names);
}

/* a connection of its own: open (a scan), dump, close */
static void read_open(reader *r)
{
    ndConnectPtr c = ndConnectOpen(r->f->root, ND_CONNECT_QUIET | ND_CONNECT_SOURCE_SYSFS);
    if (!c) {
        race_fail("%s: ndConnectOpen failed: %s", r->f->name, ndGetLastError()->message);
        return;
    }
    char *xml = ndConnectDumpAllXML(c, 0);
    if (xml)
        check_dump(r->f, xml, "open+dump");
    else
        race_fail("%s: ndConnectDumpAllXML failed", r->f->name);
    free(xml);
    ndConnectClose(c);
}

static void *read_loop(void *opaque)
{
    reader *r = opaque;
    while (!atomic_load(r->stop)) {
        switch (r->kind) {
        case 0: read_refresh(r); break;
        case 1: read_each(r); break;
        default: read_open(r); break;
        }
        r->rounds++;
    }
    return NULL;
}

/* ---- one fixture ------------------------------------------------------- */

static double race_seconds(void)
{
    const char *s = getenv("ND_RACE_SECONDS");
    double v = s && *s ? strtod(s, NULL) : 1.5;
    return v > 0 ? v : 1.5;
}

static void race_fixture(const char *name, uint64_t seed)
{
    fixture f = { .name = name };
    /* tmpfs when there is one: thousands of renames and scans */
    char tmpl[] = "/dev/shm/nodedev-race-XXXXXX";
    char tmpl2[] = "/tmp/nodedev-race-XXXXXX";
    struct stat st;
    f.dir = mkdtemp(stat("/dev/shm", &st) == 0 && access("/dev/shm", W_OK) == 0 ? tmpl : tmpl2);
    assert_non_null(f.dir);
    f.root = malloc(strlen(f.dir) + 8);
    sprintf(f.root, "%s/root", f.dir);
    char cmd[PATH_MAX * 2];
    snprintf(cmd, sizeof(cmd), "mkdir '%s/stash' '%s' && cp -a '%s/%s/sys' '%s/'", f.dir,
             f.root, ND_FIXTURES, name, f.root);
    if (system(cmd) != 0) {
        /* not root: write-only attributes (vport_create) cannot be copied */
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f.dir);
        if (system(cmd) != 0)
            fprintf(stderr, "race: cannot remove %s\n", f.dir);
        free(f.root);
        skip();
    }
    snprintf(cmd, sizeof(cmd), "test ! -d '%s/%s/run' || cp -a '%s/%s/run' '%s/'", ND_FIXTURES,
             name, ND_FIXTURES, name, f.root);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof(cmd), "test ! -d '%s/%s/proc' || cp -a '%s/%s/proc' '%s/'",
             ND_FIXTURES, name, ND_FIXTURES, name, f.root);
    assert_int_equal(system(cmd), 0);
    load_expected(&f);

    mutator m;
    mutator_init(&m, &f, seed);
    assert_true(m.nsub > 0);

    ndConnectPtr shared = ndConnectOpen(f.root, ND_CONNECT_QUIET | ND_CONNECT_SOURCE_SYSFS);
    assert_non_null(shared);
    unsigned dumps0 = atomic_load(&dumps_checked), absent0 = atomic_load(&absent_seen);
    atomic_bool stop = false;
    reader readers[4];
    pthread_t rt[4], mt;
    for (int i = 0; i < 4; i++) {
        readers[i] = (reader){ .f = &f, .shared = shared, .stop = &stop, .kind = i % 3 };
        assert_int_equal(pthread_create(&rt[i], NULL, read_loop, &readers[i]), 0);
    }
    assert_int_equal(pthread_create(&mt, NULL, mutate, &m), 0);
    double secs = race_seconds();
    struct timespec ts = { (time_t)secs, (long)((secs - (double)(time_t)secs) * 1e9) };
    nanosleep(&ts, NULL);
    atomic_store(&m.stop, true);
    pthread_join(mt, NULL);
    atomic_store(&stop, true);
    unsigned rounds[3] = { 0, 0, 0 };
    for (int i = 0; i < 4; i++) {
        pthread_join(rt[i], NULL);
        rounds[readers[i].kind] += readers[i].rounds;
    }

    /* everything is back: the fixture's own dump, exactly */
    assert_int_equal(ndConnectRefresh(shared), 0);
    char *final = ndConnectDumpAllXML(shared, 0);
    assert_non_null(final);
    if (strcmp(final, f.expected_xml) != 0)
        race_fail("%s: after the mutator put everything back, the dump is not expected.xml",
                  name);
    free(final);
    ndConnectClose(shared);

    printf("race %s: %zu subtrees moved %u times, %zu entries flipped %u times; "
           "%u refresh+dump, %u lookup+dump, %u open+dump rounds; %u dumps checked, "
           "%u of them missing devices\n",
           name, m.nsub, m.moves, m.ntoggle, m.flips, rounds[0], rounds[1], rounds[2],
           atomic_load(&dumps_checked) - dumps0, atomic_load(&absent_seen) - absent0);
    fflush(stdout);
    /* the test must have seen the tree change, or it proved nothing */
    if (m.moves == 0 || atomic_load(&absent_seen) == absent0)
        race_fail("%s: the readers never saw a device missing", name);

    mutator_free(&m);
    for (size_t i = 0; i < f.nexp; i++) {
        free(f.exp[i].path);
        free(f.exp[i].xml);
    }
    free(f.exp);
    free(f.expected_xml);
    if (strncmp(f.dir, "/dev/shm/nodedev-race-", 22) == 0 ||
        strncmp(f.dir, "/tmp/nodedev-race-", 18) == 0) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f.dir);
        if (system(cmd) != 0)
            fprintf(stderr, "race: cannot remove %s\n", f.dir);
    }
    free(f.root);
    unsigned failures = nfail;
    nfail = 0;
    if (failures)
        fail_msg("%s: %u failures (the first are above)", name, failures);
}

static void test_desktop(void **state)
{
    (void)state;
    race_fixture("desktop", 1);
}

static void test_server(void **state)
{
    (void)state;
    race_fixture("server", 2);
}

static void test_laptop(void **state)
{
    (void)state;
    race_fixture("laptop", 3);
}

static void test_fc_san(void **state)
{
    (void)state;
    race_fixture("fc-san", 4);
}

/* ---- a device re-added in the middle of its probe -------------------- */

/*
 * The window the loop above can only hope to hit, held open: fanotify
 * permission events (root only) stop the scan at two opens of wlan0's
 * probe in the network fixture. At the first (its `type`, read through
 * the device's directory fd) the test moves wlan0's directory away, so
 * the probe's root-relative look at phy80211 fails; at the second (its
 * `uevent`, read further on in the same probe for DEVTYPE) it puts an
 * identical copy, a new directory, in its place. The probe has then seen
 * a wireless interface without its phy80211: it must drop the device, not
 * show it as Ethernet because the path is back.
 */
typedef struct held_scan {
    const char *root;
    char *xml;
} held_scan;

static void *held_scan_run(void *opaque)
{
    held_scan *h = opaque;
    ndConnectPtr c = ndConnectOpen(h->root, ND_CONNECT_QUIET | ND_CONNECT_SOURCE_SYSFS);
    if (c) {
        h->xml = ndConnectDumpAllXML(c, 0);
        ndConnectClose(c);
    }
    return NULL;
}

static void test_readded_during_probe(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();   /* fanotify permission events need CAP_SYS_ADMIN */
    int fan = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC, O_RDONLY);
    if (fan < 0)
        skip();   /* no CONFIG_FANOTIFY_ACCESS_PERMISSIONS */

    fixture f = { .name = "network" };
    char tmpl[] = "/tmp/nodedev-race-XXXXXX";
    f.dir = mkdtemp(tmpl);
    assert_non_null(f.dir);
    f.root = malloc(strlen(f.dir) + 8);
    sprintf(f.root, "%s/root", f.dir);
    const char *wlan = "sys/devices/pci0000:00/0000:00:1c.2/0000:03:00.0/net/wlan0";
    char cmd[PATH_MAX * 2];
    snprintf(cmd, sizeof(cmd),
             "mkdir '%s' && cp -a '%s/network/sys' '%s/network/proc' '%s/' && "
             "cp -a '%s/%s' '%s/copy'",
             f.root, ND_FIXTURES, ND_FIXTURES, f.root, f.root, wlan, f.dir);
    assert_int_equal(system(cmd), 0);
    load_expected(&f);

    char *dev = rootpath(&f, wlan), *away = malloc(strlen(f.dir) + 8),
         *copy = malloc(strlen(f.dir) + 8);
    sprintf(away, "%s/away", f.dir);
    sprintf(copy, "%s/copy", f.dir);
    char *type = malloc(strlen(dev) + 8), *uevent = malloc(strlen(dev) + 8);
    sprintf(type, "%s/type", dev);
    sprintf(uevent, "%s/uevent", dev);
    assert_int_equal(fanotify_mark(fan, FAN_MARK_ADD, FAN_OPEN_PERM, AT_FDCWD, type), 0);
    assert_int_equal(fanotify_mark(fan, FAN_MARK_ADD, FAN_OPEN_PERM, AT_FDCWD, uevent), 0);

    held_scan h = { .root = f.root };
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, held_scan_run, &h), 0);
    /* 0: waiting for wlan0's type; 1: for its uevent after it; 2: done */
    int stage = 0;
    while (stage < 2) {
        struct pollfd p = { .fd = fan, .events = POLLIN };
        if (poll(&p, 1, 10000) <= 0)
            break;   /* the scan went by without stopping */
        char buf[4096] __attribute__((aligned(8)));
        ssize_t len = read(fan, buf, sizeof(buf));
        struct fanotify_event_metadata *ev = (struct fanotify_event_metadata *)buf;
        for (; FAN_EVENT_OK(ev, len); ev = FAN_EVENT_NEXT(ev, len)) {
            char link[64], what[PATH_MAX];
            snprintf(link, sizeof(link), "/proc/self/fd/%d", ev->fd);
            ssize_t n = readlink(link, what, sizeof(what) - 1);
            what[n > 0 ? n : 0] = '\0';
            if (stage == 0 && n > 0 && strcmp(strrchr(what, '/'), "/type") == 0) {
                assert_int_equal(rename(dev, away), 0);
                stage = 1;
            } else if (stage == 1 && n > 0 && strcmp(strrchr(what, '/'), "/uevent") == 0) {
                assert_int_equal(rename(copy, dev), 0);
                stage = 2;
            }
            struct fanotify_response r = { .fd = ev->fd, .response = FAN_ALLOW };
            assert_int_equal(write(fan, &r, sizeof(r)), (ssize_t)sizeof(r));
            close(ev->fd);
        }
    }
    close(fan);   /* lets anything still waiting through */
    pthread_join(t, NULL);
    if (stage == 2 && h.xml)
        check_dump(&f, h.xml, "scan held open");
    bool scanned = h.xml != NULL;
    free(h.xml);

    free(dev);
    free(away);
    free(copy);
    free(type);
    free(uevent);
    for (size_t i = 0; i < f.nexp; i++) {
        free(f.exp[i].path);
        free(f.exp[i].xml);
    }
    free(f.exp);
    free(f.expected_xml);
    /* the scratch tree goes whatever happened */
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f.dir);
    int removed = system(cmd);
    free(f.root);
    unsigned failures = nfail;
    nfail = 0;
    if (stage != 2)
        fail_msg("the scan never stopped at wlan0's %s: the probe reads other files now?",
                 stage == 0 ? "type" : "uevent");
    if (!scanned)
        fail_msg("the held scan gave no dump");
    if (failures)
        fail_msg("a device re-added during its probe was kept half-read");
    assert_int_equal(removed, 0);
}

int main(void)
{
    xmlInitParser();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_desktop),
        cmocka_unit_test(test_server),
        cmocka_unit_test(test_laptop),
        cmocka_unit_test(test_fc_san),
        cmocka_unit_test(test_readded_during_probe),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}

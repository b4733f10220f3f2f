/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Property tests over hostile trees (issue 9). For each seed, a fixture
 * (rotating: seed modulo the number of fixtures) is copied and perturbed
 * (perturb.c) in a child process with a time limit, and then:
 *
 *  - the library (ndConnectOpen with the sysfs source) either refuses
 *    the root with an error that has a code and a message, or gives a
 *    <devices> dump that is well-formed and valid against nodedev.rng;
 *    the dump, the counts, the lists, the lookups and each device's
 *    getters agree; names are unique, sorted and sanitised, keys fit
 *    255 bytes, every parent is listed and the parents form a tree under
 *    computer; paths are kernel paths (/sys/devices/…) that never show
 *    where the root lies; a sample of single-device dumps validate too;
 *    a refresh of the unchanged tree gives the same bytes;
 *  - every ND_HOSTILE_CLI_EVERY-th seed, the CLI (`dumpxml --all`, `list
 *    --tree`) exits 0 with that same dump, or 1 with "nodedev: error:";
 *  - nothing outside the root is opened: the tree sits in DIR/root next
 *    to DIR/CANARY and DIR/CANARYDIR, which perturbations link to, and an
 *    inotify watch (IN_OPEN | IN_ACCESS) on them and on DIR itself must
 *    stay silent while the library and the CLI run. inotify reports every
 *    open for reading or listing, by any process, without privileges;
 *    what it does not see are O_PATH opens and stat/readlink calls, which
 *    read nothing.
 *
 * A crash or a hang (the child's alarm) fails the seed; the child prints
 * the seed's perturbations and how to rebuild the tree (hostile_perturb).
 *
 * Environment (or options): ND_HOSTILE_SEEDS (--seeds, default 1000, 150
 * in a sanitizer build), ND_HOSTILE_FIRST (--first, 1), ND_HOSTILE_JOBS
 * (--jobs, the CPUs), ND_HOSTILE_TIMEOUT (--timeout, seconds per seed,
 * 120), ND_HOSTILE_CLI_EVERY (--cli-every, 25; 0: no CLI runs),
 * ND_HOSTILE_KEEP=1 (--keep: leave failing trees in place),
 * ND_HOSTILE_FIXTURE (--fixture NAME: only that one), ND_HOSTILE_TMPDIR
 * (where the trees go; default /dev/shm, else /tmp).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "nodedev.h"
#include "perturb.h"

#ifndef ND_HOSTILE_DEFAULT_SEEDS
#define ND_HOSTILE_DEFAULT_SEEDS 1000
#endif
#define KEY_PREFIX "/org/freedesktop/Hal/devices/"
#define EXIT_REFUSED 3   /* the root was refused with a clear error */

static struct {
    uint64_t first;
    unsigned seeds, jobs, timeout, cli_every;
    bool keep;
    const char *only;
} opt = { 1, ND_HOSTILE_DEFAULT_SEEDS, 0, 120, 25, false, NULL };

static char **fixtures;
static size_t nfixtures;
static xmlRelaxNGPtr schema;
static char base[PATH_MAX];
static pid_t *pids;        /* the children running, one slot a job */
static uint64_t *seeds;    /* their seeds */

/* ---- the child's report -------------------------------------------------- */

static FILE *report;
static unsigned nfail;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
    if (nfail++ >= 40)
        return;   /* enough to go on */
    va_list ap;
    va_start(ap, fmt);
    fputs("    ", report);
    vfprintf(report, fmt, ap);
    fputc('\n', report);
    va_end(ap);
}

/* libxml2's own complaints (why a document is not valid) into the report */
static void xml_error(void *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void xml_error(void *ctx, const char *fmt, ...)
{
    (void)ctx;
    if (!report || nfail > 40)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("      libxml2: ", report);
    vfprintf(report, fmt, ap);
    va_end(ap);
}

static const char *fixture_of(uint64_t seed)
{
    return fixtures[seed % nfixtures];
}

/* ---- XML checks ------------------------------------------------------------- */

static xmlDocPtr parse_valid(const char *xml, const char *what)
{
    xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), what, NULL, XML_PARSE_NONET);
    if (!doc) {
        fail("%s: not well-formed XML", what);
        return NULL;
    }
    xmlRelaxNGValidCtxtPtr v = xmlRelaxNGNewValidCtxt(schema);
    xmlRelaxNGSetValidErrors(v, xml_error, xml_error, NULL);
    if (xmlRelaxNGValidateDoc(v, doc) != 0)
        fail("%s: not valid against nodedev.rng", what);
    xmlRelaxNGFreeValidCtxt(v);
    return doc;
}

static xmlNodePtr child_elem(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    return NULL;
}

/* The element's text (malloc'd) or NULL when there is no such element. */
static char *child_text(xmlNodePtr n, const char *name)
{
    xmlNodePtr c = child_elem(n, name);
    return c ? (char *)xmlNodeGetContent(c) : NULL;
}

typedef struct devinfo {
    char *name, *key, *parent, *path;
} devinfo;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool sane_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

static bool plain_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
            return false;
    return true;
}

static bool eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* ---- the library ------------------------------------------------------------ */

static const char *const caps[] = {
    "system", "usb_interface", "scsihost", "fc", "vport", "scsi", "net", "80211",
    "80203", "bridge", "bond", "vlan", "loopback", "storage", "volume", "sound",
    "alsa", "oss", "input", "nonsense",
};

/* Everything the API says about the tree agrees and is well-formed. The
 * dump (malloc'd) in *dump_out when the root was accepted; false when it
 * was refused with a clear error. */
static bool check_api(const char *root, const char *dir, char **dump_out)
{
    *dump_out = NULL;
    ndConnectPtr conn = ndConnectOpen(root, ND_CONNECT_QUIET | ND_CONNECT_SOURCE_SYSFS);
    if (!conn) {
        const ndError *e = ndGetLastError();
        if (!e || e->code == ND_ERR_OK || !e->message || !*e->message)
            fail("ndConnectOpen failed without an error message");
        else if (e->code == ND_ERR_INTERNAL)
            fail("ndConnectOpen: internal error: %s", e->message);
        return false;
    }
    char *all = ndConnectDumpAllXML(conn, 0);
    if (!all) {
        const ndError *e = ndGetLastError();
        fail("ndConnectDumpAllXML failed: %s", e && e->message ? e->message : "(no message)");
        ndConnectClose(conn);
        return true;
    }
    if (strstr(all, dir))
        fail("the dump shows where the root lies (%s)", dir);
    xmlDocPtr doc = parse_valid(all, "ndConnectDumpAllXML");
    xmlNodePtr top = doc ? xmlDocGetRootElement(doc) : NULL;
    if (doc && (!top || strcmp((const char *)top->name, "devices") != 0))
        fail("the dump is not a <devices> document");

    size_t n = 0, cap = 64;
    devinfo *d = calloc(cap, sizeof(*d));
    for (xmlNodePtr c = top ? top->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (n == cap)
            d = realloc(d, (cap *= 2) * sizeof(*d));
        d[n].name = child_text(c, "name");
        d[n].key = child_text(c, "key");
        d[n].parent = child_text(c, "parent");
        d[n].path = child_text(c, "path");
        n++;
    }

    /* names: sanitised, unique, in byte order; keys; paths */
    unsigned roots = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = d[i].name ? d[i].name : "";
        if (!sane_name(name))
            fail("device %zu: name \"%.80s\" has bytes other than [A-Za-z0-9_]", i, name);
        if (i > 0 && d[i - 1].name && strcmp(d[i - 1].name, name) >= 0)
            fail("names not unique or not in byte order: \"%.80s\", \"%.80s\"",
                 d[i - 1].name, name);
        if (!d[i].key || strncmp(d[i].key, KEY_PREFIX, strlen(KEY_PREFIX)) != 0 ||
            strcmp(d[i].key + strlen(KEY_PREFIX), name) != 0)
            fail("%.80s: key \"%.80s\" is not the prefix and the name", name,
                 d[i].key ? d[i].key : "(none)");
        if (d[i].key && strlen(d[i].key) > 255)
            fail("%.80s: key of %zu bytes", name, strlen(d[i].key));
        if (!d[i].parent) {
            roots++;
            if (strcmp(name, "computer") != 0 || d[i].path)
                fail("%.80s: no parent, but it is not computer", name);
        } else if (!d[i].path || strncmp(d[i].path, "/sys/devices/", 13) != 0) {
            fail("%.80s: path \"%.120s\" is not below /sys/devices", name,
                 d[i].path ? d[i].path : "(none)");
        }
    }
    if (doc && roots != 1)
        fail("%u devices without a parent (computer only expected)", roots);

    /* parents: listed, and a tree under computer */
    char **names = calloc(n + 1, sizeof(*names));
    for (size_t i = 0; i < n; i++)
        names[i] = d[i].name ? d[i].name : "";
    for (size_t i = 0; i < n; i++) {
        size_t at = i;
        for (size_t steps = 0; d[at].parent; steps++) {
            const char *pname = strncmp(d[at].parent, KEY_PREFIX, strlen(KEY_PREFIX)) == 0
                                    ? d[at].parent + strlen(KEY_PREFIX)
                                    : d[at].parent;
            char **hit = bsearch(&pname, names, n, sizeof(*names), cmp_str);
            if (!hit) {
                fail("%.80s: parent %.120s is not listed", d[at].name, d[at].parent);
                break;
            }
            if (steps > n) {
                fail("%.80s: its parents loop", d[i].name);
                break;
            }
            at = (size_t)(hit - names);
        }
    }

    /* counts and lists */
    int num = ndNodeNumOfDevices(conn, 0);
    if (num < 0 || (size_t)num != n)
        fail("ndNodeNumOfDevices says %d, the dump has %zu devices", num, n);
    char **listed = calloc(n + 1, sizeof(*listed));
    int got = ndNodeListDevices(conn, listed, (int)n + 1, 0);
    if (got < 0 || (size_t)got != n)
        fail("ndNodeListDevices gave %d names for %zu devices", got, n);
    for (int i = 0; got > 0 && i < got; i++) {
        if (!eq(listed[i], names[i]))
            fail("ndNodeListDevices[%d] is \"%.80s\", the dump's \"%.80s\"", i,
                 listed[i] ? listed[i] : "(null)", names[i]);
        free(listed[i]);
    }
    free(listed);
    for (size_t k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
        int nc = ndNodeNumOfDevicesByCap(conn, caps[k], 0);
        if (nc < 0 || (size_t)nc > n)
            fail("ndNodeNumOfDevicesByCap(%s) = %d of %zu", caps[k], nc, n);
        char **cl = calloc((size_t)(nc > 0 ? nc : 1), sizeof(*cl));
        int gc = ndNodeListDevicesByCap(conn, caps[k], cl, nc, 0);
        if (gc != nc)
            fail("ndNodeListDevicesByCap(%s) gave %d names, the count is %d", caps[k], gc, nc);
        for (int i = 0; i < gc; i++) {
            if (!bsearch(&cl[i], names, n, sizeof(*names), cmp_str))
                fail("ndNodeListDevicesByCap(%s) lists unknown \"%.80s\"", caps[k], cl[i]);
            free(cl[i]);
        }
        free(cl);
    }
    static const char *const buses[] = { "pci", "usb", "nonsense" };
    for (size_t k = 0; k < 3; k++) {
        int nb = ndNodeNumOfDevicesByBus(conn, buses[k], 0);
        if (nb < 0 || (size_t)nb > n)
            fail("ndNodeNumOfDevicesByBus(%s) = %d of %zu", buses[k], nb, n);
    }

    /* each device through its handle; single dumps for a sample */
    size_t step = n > 24 ? n / 24 : 1;
    for (size_t i = 0; i < n; i++) {
        ndNodeDevicePtr dev = ndNodeDeviceLookupByName(conn, names[i]);
        if (!dev) {
            fail("ndNodeDeviceLookupByName(%.80s) failed", names[i]);
            continue;
        }
        static const char *const fields[] = { "key", "parent", "path", "name" };
        const char *want[] = { d[i].key, d[i].parent, d[i].path, names[i] };
        for (int f = 0; f < 4; f++) {
            const char *v = f == 0   ? ndNodeDeviceGetKey(dev)
                            : f == 1 ? ndNodeDeviceGetParent(dev)
                            : f == 2 ? ndNodeDeviceGetPath(dev)
                                     : ndNodeDeviceGetName(dev);
            /* a path with bytes XML cannot hold is shown cleaned (DESIGN
             * §13); the getter gives the kernel's bytes */
            if (f == 2 && v && want[f] && !plain_ascii(v))
                continue;
            if (!eq(v, want[f]))
                fail("%.80s: the %s getter says \"%.200s\", the dump \"%.200s\"", names[i],
                     fields[f], v ? v : "(null)", want[f] ? want[f] : "(none)");
        }
        ndNodeDeviceGetDriver(dev);
        if (i % step == 0) {
            char *one = ndNodeDeviceDumpXML(dev, 0);
            if (!one) {
                fail("%.80s: ndNodeDeviceDumpXML failed", names[i]);
            } else {
                xmlDocPtr od = parse_valid(one, "ndNodeDeviceDumpXML");
                char *oname = od ? child_text(xmlDocGetRootElement(od), "name") : NULL;
                if (od && !eq(oname, names[i]))
                    fail("%.80s: its own dump is named \"%.80s\"", names[i],
                         oname ? oname : "(none)");
                xmlFree(oname);
                xmlFreeDoc(od);
                free(one);
            }
        }
        ndNodeDeviceFree(dev);
        if (d[i].key) {
            ndNodeDevicePtr byk = ndNodeDeviceLookupByKey(conn, d[i].key);
            if (!byk || !eq(ndNodeDeviceGetName(byk), names[i]))
                fail("ndNodeDeviceLookupByKey(%.120s) does not find %.80s", d[i].key,
                     names[i]);
            if (byk)
                ndNodeDeviceFree(byk);
        }
    }
    if (ndConnectNumOfWarnings(conn) < 0)
        fail("ndConnectNumOfWarnings failed");

    /* the same tree gives the same bytes */
    if (ndConnectRefresh(conn) != 0) {
        fail("ndConnectRefresh failed");
    } else {
        char *again = ndConnectDumpAllXML(conn, 0);
        if (!again || strcmp(again, all) != 0)
            fail("a refresh of the unchanged tree gives another dump");
        free(again);
    }

    for (size_t i = 0; i < n; i++) {
        xmlFree(d[i].name);
        xmlFree(d[i].key);
        xmlFree(d[i].parent);
        xmlFree(d[i].path);
    }
    free(d);
    free(names);
    xmlFreeDoc(doc);
    ndConnectClose(conn);
    *dump_out = all;
    return true;
}

/* ---- the CLI ------------------------------------------------------------------ */

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 65536, n = 0, got;
    char *buf = malloc(cap + 1);
    while ((got = fread(buf + n, 1, cap - n, f)) > 0)
        if ((n += got) == cap)
            buf = realloc(buf, (cap *= 2) + 1);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* nodedev --root ROOT ARGS…: exit 0, or 1 with "nodedev: error:"; no
 * crash, no hang. Its stdout (malloc'd) on exit 0, else NULL. */
static char *run_cli(const char *root, const char *dir, const char *a1, const char *a2)
{
    char out[PATH_MAX + 48], err[PATH_MAX + 48];
    snprintf(out, sizeof(out), "%s.out", dir);
    snprintf(err, sizeof(err), "%s.err", dir);
    pid_t pid = fork();
    if (pid == 0) {
        alarm(opt.timeout / 2 + 1);   /* kept across execve */
        int o = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        int e = open(err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
            _exit(126);
        execl(ND_CLI, ND_CLI, "--root", root, a1, a2, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) < 0) {
        fail("nodedev %s %s: cannot run it", a1, a2);
        return NULL;
    }
    char *stdout_text = slurp(out), *stderr_text = slurp(err);
    unlink(out);
    unlink(err);
    char *result = NULL;
    if (WIFSIGNALED(st)) {
        fail("nodedev %s %s: %s (signal %d)", a1, a2,
             WTERMSIG(st) == SIGALRM ? "hangs: killed after the time limit" : "crashed",
             WTERMSIG(st));
    } else if (WEXITSTATUS(st) == 0) {
        result = stdout_text;
        stdout_text = NULL;
    } else if (WEXITSTATUS(st) == 1) {
        bool clear = stderr_text && (strncmp(stderr_text, "nodedev: error: ", 16) == 0 ||
                                     strstr(stderr_text, "\nnodedev: error: "));
        if (!clear)
            fail("nodedev %s %s: exit 1 without a \"nodedev: error:\" line", a1, a2);
    } else {
        fail("nodedev %s %s: exit status %d", a1, a2, WEXITSTATUS(st));
    }
    free(stdout_text);
    free(stderr_text);
    return result;
}

static void check_cli(const char *root, const char *dir, const char *api_dump)
{
    char *xml = run_cli(root, dir, "dumpxml", "--all");
    if (xml) {
        if (api_dump && strcmp(xml, api_dump) != 0)
            fail("nodedev dumpxml --all differs from ndConnectDumpAllXML");
        else if (!api_dump)
            xmlFreeDoc(parse_valid(xml, "nodedev dumpxml --all"));
        free(xml);
    } else if (api_dump) {
        fail("nodedev dumpxml --all failed where the library gave a dump");
    }
    char *tree = run_cli(root, dir, "list", "--tree");
    if (tree && strncmp(tree, "computer\n", 9) != 0)
        fail("nodedev list --tree does not start with computer");
    free(tree);
}

/* ---- the canary --------------------------------------------------------------- */

typedef struct canary {
    int fd;
    int wd[4];   /* DIR, CANARY, CANARYDIR, CANARYDIR/id */
} canary;

static const char *const watched[4] = {
    "", ND_HOSTILE_CANARY, ND_HOSTILE_CANARY_DIR, ND_HOSTILE_CANARY_SUBDIR,
};

static bool canary_start(canary *w, const char *dir)
{
    w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->fd < 0) {
        fail("inotify_init1: %s", strerror(errno));
        return false;
    }
    for (int i = 0; i < 4; i++) {
        char path[PATH_MAX + 64];
        snprintf(path, sizeof(path), "%s/%s", dir, watched[i]);
        w->wd[i] = inotify_add_watch(w->fd, path, IN_OPEN | IN_ACCESS);
        if (w->wd[i] < 0) {
            fail("inotify_add_watch %s: %s", path, strerror(errno));
            return false;
        }
    }
    return true;
}

/* Every open or read reported: only DIR/root may have been opened. The
 * number of other opens and reads (each a failure when report). */
static unsigned canary_check(canary *w, const char *dir, bool report_them)
{
    unsigned seen = 0;
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t len;
    while ((len = read(w->fd, buf, sizeof(buf))) > 0) {
        for (char *p = buf; p < buf + len;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            p += sizeof(*ev) + ev->len;
            if (ev->mask & IN_Q_OVERFLOW) {
                fail("canary: inotify queue overflowed");
                continue;
            }
            if (ev->mask & IN_IGNORED)
                continue;
            if (ev->wd == w->wd[0] && ev->len && strcmp(ev->name, ND_HOSTILE_ROOT) == 0)
                continue;   /* opening the root itself */
            const char *what = "?";
            for (int i = 0; i < 4; i++)
                if (ev->wd == w->wd[i])
                    what = watched[i];
            if (seen++, !report_them)
                continue;
            fail("canary: %s%s%s/%s%s was %s: something outside the root was read", dir,
                 *what ? "/" : "", what, ev->len ? ev->name : "",
                 ev->mask & IN_ISDIR ? " (a directory)" : "",
                 ev->mask & IN_OPEN ? "opened" : "read");
        }
    }
    close(w->fd);
    return seen;
}

/* The detector detects: in a tree of its own, the canary file read and
 * the canary directory listed must show up (inotify works on this file
 * system), and the root's own opening must not. */
static bool canary_selftest(void)
{
    char dir[PATH_MAX + 32];
    snprintf(dir, sizeof(dir), "%s/selftest", base);
    if (mkdir(dir, 0755) < 0 || nd_perturb(ND_FIXTURES "/proposal", dir, 0, NULL) < 0)
        return false;
    canary w;
    report = stderr;
    if (!canary_start(&w, dir))
        return false;
    char path[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s/" ND_HOSTILE_ROOT, dir);
    int root_fd = open(path, O_RDONLY | O_DIRECTORY);
    snprintf(path, sizeof(path), "%s/" ND_HOSTILE_CANARY, dir);
    int fd = open(path, O_RDONLY);
    char c;
    bool ok = root_fd >= 0 && fd >= 0 && read(fd, &c, 1) == 1;
    snprintf(path, sizeof(path), "%s/" ND_HOSTILE_CANARY_SUBDIR, dir);
    DIR *d = opendir(path);
    ok = ok && d && readdir(d);
    if (d)
        closedir(d);
    if (fd >= 0)
        close(fd);
    if (root_fd >= 0)
        close(root_fd);
    /* open + read of the file (twice: on it and on DIR), open of the
     * directory (on it and on CANARYDIR) and its listing */
    unsigned seen = canary_check(&w, dir, false);
    report = NULL;
    nd_hostile_rmtree(dir);
    if (!ok || seen < 3) {
        fprintf(stderr, "hostile: the canary check does not work here: %u events for "
                        "3 reads outside the root\n", seen);
        return false;
    }
    return true;
}

/* ---- one seed, in a child -------------------------------------------------- */

static void rerun_hint(FILE *f, uint64_t seed)
{
    fprintf(f, "    rebuild: hostile_perturb %s/%s %" PRIu64 " /tmp/h%" PRIu64
            " && nodedev --root /tmp/h%" PRIu64 "/root dumpxml --all\n",
            ND_FIXTURES, fixture_of(seed), seed, seed, seed);
}

static void run_seed(uint64_t seed)
{
    alarm(opt.timeout);
    char *rtext = NULL;
    size_t rlen = 0;
    report = open_memstream(&rtext, &rlen);
    char fixture[PATH_MAX], dir[PATH_MAX + 32], root[PATH_MAX + 48];
    snprintf(fixture, sizeof(fixture), "%s/%s", ND_FIXTURES, fixture_of(seed));
    snprintf(dir, sizeof(dir), "%s/%" PRIu64, base, seed);
    snprintf(root, sizeof(root), "%s/" ND_HOSTILE_ROOT, dir);

    char *plog = NULL;
    size_t plen = 0;
    FILE *pl = open_memstream(&plog, &plen);
    bool refused = false;
    if (mkdir(dir, 0755) < 0 || nd_perturb(fixture, dir, seed, pl) < 0) {
        fail("cannot build the tree in %s: %s", dir, strerror(errno));
    } else {
        fflush(pl);
        canary w;
        if (canary_start(&w, dir)) {
            char *dump = NULL;
            refused = !check_api(root, dir, &dump);
            if (opt.cli_every && seed % opt.cli_every == 0)
                check_cli(root, dir, dump);
            free(dump);
            canary_check(&w, dir, true);
        }
    }
    fclose(pl);
    if (nfail) {
        fclose(report);
        report = stderr;
        fprintf(stderr, "hostile: seed %" PRIu64 " (fixture %s): FAILED\n%s", seed,
                fixture_of(seed), rtext);
        if (nfail > 40)
            fprintf(stderr, "    … %u failures in all\n", nfail);
        fprintf(stderr, "    perturbations:\n");
        for (char *l = plog, *e; l && *l; l = e + 1) {
            e = strchrnul(l, '\n');
            fprintf(stderr, "      %.*s\n", (int)(e - l), l);
            if (!*e)
                break;
        }
        rerun_hint(stderr, seed);
        if (opt.keep)
            fprintf(stderr, "    kept: %s\n", dir);
    } else {
        fclose(report);
        report = NULL;
    }
    if (!nfail || !opt.keep)
        nd_hostile_rmtree(dir);
    free(rtext);
    free(plog);
    fflush(stderr);
    /* exit, not _exit: LeakSanitizer checks the seed's leaks at exit */
    exit(nfail ? 1 : refused ? EXIT_REFUSED : 0);
}

/* ---- the parent ------------------------------------------------------------------ */

static unsigned env_uint(const char *name, unsigned def)
{
    const char *v = getenv(name);
    return v && *v ? (unsigned)strtoul(v, NULL, 0) : def;
}

static void load_fixtures(void)
{
    DIR *dp = opendir(ND_FIXTURES);
    if (!dp) {
        fprintf(stderr, "hostile: cannot list %s: %s\n", ND_FIXTURES, strerror(errno));
        exit(1);
    }
    struct dirent *de;
    size_t cap = 32;
    fixtures = malloc(cap * sizeof(*fixtures));
    while ((de = readdir(dp))) {
        char sys[PATH_MAX];
        struct stat st;
        snprintf(sys, sizeof(sys), "%s/%s/sys", ND_FIXTURES, de->d_name);
        if (de->d_name[0] == '.' || stat(sys, &st) < 0 || !S_ISDIR(st.st_mode))
            continue;
        if (opt.only && strcmp(opt.only, de->d_name) != 0)
            continue;
        if (nfixtures == cap)
            fixtures = realloc(fixtures, (cap *= 2) * sizeof(*fixtures));
        fixtures[nfixtures++] = strdup(de->d_name);
    }
    closedir(dp);
    if (!nfixtures) {
        fprintf(stderr, "hostile: no fixture%s%s in %s\n", opt.only ? " " : "",
                opt.only ? opt.only : "", ND_FIXTURES);
        exit(1);
    }
    qsort(fixtures, nfixtures, sizeof(*fixtures), cmp_str);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(const char *argv0)
{
    fprintf(stderr,
            "usage: %s [--seeds N] [--first S] [--jobs J] [--timeout SECONDS]\n"
            "          [--cli-every K] [--fixture NAME] [--keep]\n",
            argv0);
    exit(2);
}

int main(int argc, char **argv)
{
    opt.seeds = env_uint("ND_HOSTILE_SEEDS", opt.seeds);
    opt.first = env_uint("ND_HOSTILE_FIRST", (unsigned)opt.first);
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    opt.jobs = env_uint("ND_HOSTILE_JOBS", ncpu > 0 ? (unsigned)ncpu : 2);
    opt.timeout = env_uint("ND_HOSTILE_TIMEOUT", opt.timeout);
    opt.cli_every = env_uint("ND_HOSTILE_CLI_EVERY", opt.cli_every);
    opt.keep = env_uint("ND_HOSTILE_KEEP", 0) != 0;
    opt.only = getenv("ND_HOSTILE_FIXTURE");
    if (opt.only && !*opt.only)
        opt.only = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--keep") == 0) {
            opt.keep = true;
            continue;
        }
        if (!v)
            usage(argv[0]);
        if (strcmp(a, "--seeds") == 0)
            opt.seeds = (unsigned)strtoul(v, NULL, 0);
        else if (strcmp(a, "--first") == 0)
            opt.first = strtoull(v, NULL, 0);
        else if (strcmp(a, "--jobs") == 0)
            opt.jobs = (unsigned)strtoul(v, NULL, 0);
        else if (strcmp(a, "--timeout") == 0)
            opt.timeout = (unsigned)strtoul(v, NULL, 0);
        else if (strcmp(a, "--cli-every") == 0)
            opt.cli_every = (unsigned)strtoul(v, NULL, 0);
        else if (strcmp(a, "--fixture") == 0)
            opt.only = v;
        else
            usage(argv[0]);
        i++;
    }
    if (!opt.jobs)
        opt.jobs = 1;
    if (opt.timeout < 2)
        opt.timeout = 2;
    load_fixtures();

    xmlRelaxNGParserCtxtPtr pctx = xmlRelaxNGNewParserCtxt(ND_RNG);
    schema = pctx ? xmlRelaxNGParse(pctx) : NULL;
    xmlRelaxNGFreeParserCtxt(pctx);
    if (!schema) {
        fprintf(stderr, "hostile: cannot load the schema %s\n", ND_RNG);
        return 1;
    }
    xmlSetGenericErrorFunc(NULL, xml_error);

    /* Load the id databases once, here: every child inherits them. */
    for (size_t i = 0; i < nfixtures; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof(path), "%s/%s", ND_FIXTURES, fixtures[i]);
        ndConnectPtr c = ndConnectOpen(path, ND_CONNECT_QUIET | ND_CONNECT_SOURCE_SYSFS);
        if (c) {
            free(ndConnectDumpAllXML(c, 0));
            ndConnectClose(c);
        }
    }

    /* tmpfs when there is one: a tree is some 500 creations, and on a
     * disk file system each costs a journal write */
    const char *tmp = getenv("ND_HOSTILE_TMPDIR");
    struct stat shm;
    if (!tmp || !*tmp)
        tmp = stat("/dev/shm", &shm) == 0 && S_ISDIR(shm.st_mode) && access("/dev/shm", W_OK) == 0
                  ? "/dev/shm"
                  : "/tmp";
    if ((size_t)snprintf(base, sizeof(base), "%s/nodedev-hostile-XXXXXX", tmp) >= sizeof(base) ||
        !mkdtemp(base)) {
        fprintf(stderr, "hostile: mkdtemp in %s: %s\n", tmp, strerror(errno));
        return 1;
    }
    if (!canary_selftest())
        return 1;
    printf("hostile: seeds %" PRIu64 "..%" PRIu64 " over %zu fixtures, %u jobs, %u s per "
           "seed, CLI every %u seeds; trees in %s\n",
           opt.first, opt.first + opt.seeds - 1, nfixtures, opt.jobs, opt.timeout,
           opt.cli_every, base);
    fflush(stdout);

    double t0 = now();
    pids = calloc(opt.jobs, sizeof(*pids));
    seeds = calloc(opt.jobs, sizeof(*seeds));
    unsigned running = 0, ok = 0, refused = 0, failed = 0;
    uint64_t next = opt.first, end = opt.first + opt.seeds;
    while (next < end || running > 0) {
        if (next < end && running < opt.jobs) {
            fflush(NULL);
            pid_t pid = fork();
            if (pid < 0) {
                fprintf(stderr, "hostile: fork: %s\n", strerror(errno));
                return 1;
            }
            if (pid == 0)
                run_seed(next);
            for (unsigned j = 0; j < opt.jobs; j++)
                if (!pids[j]) {
                    pids[j] = pid;
                    seeds[j] = next;
                    break;
                }
            running++;
            next++;
            continue;
        }
        int st;
        pid_t pid = waitpid(-1, &st, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "hostile: waitpid: %s\n", strerror(errno));
            return 1;
        }
        unsigned j = 0;
        while (j < opt.jobs && pids[j] != pid)
            j++;
        if (j == opt.jobs)
            continue;   /* not one of ours */
        uint64_t seed = seeds[j];
        pids[j] = 0;
        running--;
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
            ok++;
        } else if (WIFEXITED(st) && WEXITSTATUS(st) == EXIT_REFUSED) {
            refused++;
        } else {
            failed++;
            if (!WIFEXITED(st) || WEXITSTATUS(st) != 1) {
                /* the child could not report: a crash or a hang */
                fprintf(stderr, "hostile: seed %" PRIu64 " (fixture %s): FAILED: %s %d\n",
                        seed, fixture_of(seed),
                        WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM
                            ? "hangs (killed after the time limit), signal"
                        : WIFSIGNALED(st) ? "crashed, signal"
                                          : "exit status (a sanitizer's report is above)",
                        WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
                rerun_hint(stderr, seed);
                char dir[PATH_MAX + 32];
                snprintf(dir, sizeof(dir), "%s/%" PRIu64, base, seed);
                if (!opt.keep)
                    nd_hostile_rmtree(dir);
            }
        }
    }
    double secs = now() - t0;
    printf("hostile: %u seeds in %.1f s: %u passed, %u refused the root with an error, "
           "%u failed\n",
           opt.seeds, secs, ok, refused, failed);
    if (!failed || !opt.keep)
        nd_hostile_rmtree(base);
    free(pids);
    free(seeds);
    xmlRelaxNGFree(schema);
    for (size_t i = 0; i < nfixtures; i++)
        free(fixtures[i]);
    free(fixtures);
    xmlCleanupParser();
    return failed ? 1 : 0;
}

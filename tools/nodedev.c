/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nodedev: the command-line face of libnodedev (DESIGN §10). Uses only the
 * public API. Errors: "nodedev: error: …" on stderr, exit 1; usage errors
 * exit 2. */
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nodedev.h"

#define EXIT_USAGE 2

static const char usage_text[] =
    "Usage: nodedev [--root DIR] COMMAND [ARGS]\n"
    "\n"
    "Lists the devices of a Linux host from sysfs, as host-device XML.\n"
    "\n"
    "Commands:\n"
    "  list [--cap CAP] [--bus BUS] [--tree]  device names, in byte order\n"
    "  dumpxml NAME|KEY|--all                 one device's XML, or all of them\n"
    "\n"
    "Options:\n"
    "  --root DIR   read DIR/sys (and DIR/run/udev/data, DIR/proc) instead of\n"
    "               the live host; NODEDEV_ROOT may stand for it\n"
    "  --help       show this help\n"
    "  --version    show the version\n";

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "nodedev: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'nodedev --help'.\n");
    va_end(ap);
    return EXIT_USAGE;
}

static int fail(void)
{
    const ndError *e = ndGetLastError();
    fprintf(stderr, "nodedev: error: %s\n", e ? e->message : "unknown error");
    return EXIT_FAILURE;
}

/* All names, or those with a capability or on a bus; NULL-terminated. */
static char **list_names(ndConnectPtr conn, const char *cap, const char *bus, int *count)
{
    int n = cap ? ndNodeNumOfDevicesByCap(conn, cap, 0)
          : bus ? ndNodeNumOfDevicesByBus(conn, bus, 0)
                : ndNodeNumOfDevices(conn, 0);
    if (n < 0)
        return NULL;
    char **names = calloc((size_t)n + 1, sizeof(*names));
    if (!names)
        return NULL;
    int got = cap ? ndNodeListDevicesByCap(conn, cap, names, n, 0)
            : bus ? ndNodeListDevicesByBus(conn, bus, names, n, 0)
                  : ndNodeListDevices(conn, names, n, 0);
    if (got < 0) {
        free(names);
        return NULL;
    }
    *count = got;
    return names;
}

static void free_names(char **names, int n)
{
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

typedef struct tree_node {
    const char *name;
    int parent;             /* index, -1 for the root */
    int first_child, next_sibling;
} tree_node;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void print_tree(const tree_node *t, int i, char *prefix, size_t plen, bool last,
                       bool root)
{
    if (root) {
        printf("%s\n", t[i].name);
    } else {
        printf("%.*s%s%s\n", (int)plen, prefix, last ? "`- " : "+- ", t[i].name);
        memcpy(prefix + plen, last ? "   " : "|  ", 3);
        plen += 3;
    }
    for (int c = t[i].first_child; c >= 0; c = t[c].next_sibling)
        print_tree(t, c, prefix, plen, t[c].next_sibling < 0, false);
}

/* Every device under its parent, children in name order. A device whose
 * parent is not listed hangs off the top with its parent's key shown, so
 * none is silently dropped. */
static int cmd_tree(ndConnectPtr conn)
{
    int n = 0;
    char **names = list_names(conn, NULL, NULL, &n);
    if (!names)
        return fail();
    tree_node *t = calloc((size_t)n, sizeof(*t));
    int depth_max = 0, rc = EXIT_SUCCESS;
    for (int i = 0; i < n; i++) {
        t[i] = (tree_node){ names[i], -1, -1, -1 };
    }
    const size_t plen = strlen("/org/freedesktop/Hal/devices/");
    for (int i = n - 1; i >= 0; i--) {
        ndNodeDevicePtr dev = ndNodeDeviceLookupByName(conn, names[i]);
        const char *pkey = dev ? ndNodeDeviceGetParent(dev) : NULL;
        if (!dev) {
            rc = fail();
        } else if (pkey) {
            const char *pname = strlen(pkey) > plen ? pkey + plen : pkey;
            char **hit = bsearch(&pname, names, (size_t)n, sizeof(*names), cmp_str);
            if (hit) {
                int p = (int)(hit - names);
                t[i].parent = p;
                t[i].next_sibling = t[p].first_child;
                t[p].first_child = i;
            } else {
                fprintf(stderr, "nodedev: error: %s: parent %s is not listed\n",
                        names[i], pkey);
                rc = EXIT_FAILURE;
            }
        }
        if (dev)
            ndNodeDeviceFree(dev);
    }
    for (int i = 0; i < n; i++) {
        int d = 0;
        for (int p = t[i].parent; p >= 0; p = t[p].parent)
            d++;
        if (d > depth_max)
            depth_max = d;
    }
    char *prefix = malloc((size_t)depth_max * 3 + 4);
    for (int i = 0; i < n; i++)
        if (t[i].parent < 0)
            print_tree(t, i, prefix, 0, true, true);
    free(prefix);
    free(t);
    free_names(names, n);
    return rc;
}

static int cmd_list(ndConnectPtr conn, int argc, char **argv)
{
    static const struct option opts[] = {
        { "cap", required_argument, NULL, 'c' },
        { "bus", required_argument, NULL, 'b' },
        { "tree", no_argument, NULL, 't' },
        { NULL, 0, NULL, 0 },
    };
    const char *cap = NULL, *bus = NULL;
    bool tree = false;
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        switch (o) {
        case 'c': cap = optarg; break;
        case 'b': bus = optarg; break;
        case 't': tree = true; break;
        default: return usage_error("%s: bad option", "list");
        }
    }
    if (optind < argc)
        return usage_error("list: unexpected argument '%s'", argv[optind]);
    if (cap && bus)
        return usage_error("list: give %s, not both", "--cap or --bus");
    if (tree && (cap || bus))
        return usage_error("list: %s draws every device; it takes no filter", "--tree");
    if (tree)
        return cmd_tree(conn);
    int n = 0;
    char **names = list_names(conn, cap, bus, &n);
    if (!names)
        return fail();
    for (int i = 0; i < n; i++)
        printf("%s\n", names[i]);
    free_names(names, n);
    return EXIT_SUCCESS;
}

static int cmd_dumpxml(ndConnectPtr conn, int argc, char **argv)
{
    if (argc != 2)
        return usage_error("dumpxml takes one %s", "NAME, KEY or --all");
    char *xml;
    if (strcmp(argv[1], "--all") == 0) {
        xml = ndConnectDumpAllXML(conn, 0);
    } else {
        ndNodeDevicePtr dev = argv[1][0] == '/' ? ndNodeDeviceLookupByKey(conn, argv[1])
                                                : ndNodeDeviceLookupByName(conn, argv[1]);
        if (!dev)
            return fail();
        xml = ndNodeDeviceDumpXML(dev, 0);
        ndNodeDeviceFree(dev);
    }
    if (!xml)
        return fail();
    fputs(xml, stdout);
    free(xml);
    return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "root", required_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const char *root = getenv("NODEDEV_ROOT");
    int o;
    while ((o = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (o) {
        case 'r': root = optarg; break;
        case 'h': fputs(usage_text, stdout); return EXIT_SUCCESS;
        case 'V': printf("nodedev %s\n", ND_VERSION); return EXIT_SUCCESS;
        default: return usage_error("%s", "bad option");
        }
    }
    if (optind >= argc)
        return usage_error("%s", "no command given");
    const char *cmd = argv[optind];
    int (*run)(ndConnectPtr, int, char **) =
        strcmp(cmd, "list") == 0 ? cmd_list
        : strcmp(cmd, "dumpxml") == 0 ? cmd_dumpxml : NULL;
    if (!run)
        return usage_error("unknown command '%s'", cmd);
    ndConnectPtr conn = ndConnectOpen(root, 0);
    if (!conn)
        return fail();
    int rc = run(conn, argc - optind, argv + optind);
    ndConnectClose(conn);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "nodedev: error: cannot write the output\n");
        rc = EXIT_FAILURE;
    }
    return rc;
}

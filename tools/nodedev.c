/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nodedev: the command-line face of libnodedev (DESIGN §10). Uses only the
 * public API. Errors: "nodedev: error: …" on stderr, exit 1; usage errors
 * exit 2. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "nodedev.h"
#include "cmd_monitor.h"   /* issue 6 */

#define EXIT_USAGE 2

static const char usage_text[] =
    "Usage: nodedev [--root DIR] [--source auto|sysfs|udev] COMMAND [ARGS]\n"
    "\n"
    "Lists the devices of a Linux host from sysfs, as host-device XML.\n"
    "\n"
    "Commands:\n"
    "  list [--cap CAP] [--bus BUS] [--tree]  device names, in byte order\n"
    "  dumpxml NAME|KEY|--all                 one device's XML, or all of them\n"
    "  capture DIR [--scrub] [--force]        write what nodedev reads of this\n"
    "          | --tar FILE [--scrub]         root as a fixture root (or tarball)\n"
    "  create FILE|- [--timeout SECONDS]      make an NPIV vHBA from the XML in\n"
    "                                         FILE (or stdin); prints its name\n"
    "  destroy NAME|KEY|--wwn WWNN,WWPN       delete a vHBA, given by name, key\n"
    "          [--timeout SECONDS]            or its WWNs\n"
    "  import-umockdev FILE... DIR [--force]  umockdev recordings into a root\n"
    "  monitor [--json]                       a line per device event (added,\n"
    "                                         removed, changed) until SIGINT\n"
    "  detach NAME|KEY [--driver D] [--force] take the host driver off a PCI\n"
    "                                         device (bind it to D: vfio-pci,\n"
    "                                         the default, or pci-stub) or off\n"
    "                                         a USB device's interfaces\n"
    "  reattach NAME|KEY                      give the device back to its host\n"
    "                                         driver; both print the binding\n"
    "\n"
    "Options:\n"
    "  --root DIR   read DIR/sys (and DIR/run/udev/data, DIR/proc) instead of\n"
    "               the live host; NODEDEV_ROOT may stand for it\n"
    /* issue 6 */
    "  --source S   how devices are found: sysfs (walk ROOT/sys), udev\n"
    "               (libudev; the live host only) or auto (default: udev\n"
    "               when udevd runs on the live host, else sysfs)\n"
    "  --help       show this help\n"
    "  --version    show the version\n"
    "\n"
    "detach refuses a PCI device while other devices of its IOMMU group are\n"
    "bound to host drivers, and a USB hub; --force does it anyway. Both\n"
    "write to sysfs: root on the live host.\n"
    "\n"
    "create and destroy wait up to --timeout seconds (default 30) for the\n"
    "kernel to show the result. The create XML:\n"
    "  <device>\n"
    "    <parent>NAME or KEY of an FC host</parent>   (optional: the Online\n"
    "                                                   port with most free vports)\n"
    "    <capability type=\"scsihost\">\n"
    "      <capability type=\"fc\">\n"
    "        <address wwnn=\"…\" wwpn=\"…\"/>           (optional: generated)\n"
    "      </capability>\n"
    "    </capability>\n"
    "  </device>\n";

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

/* getopt is silenced (opterr = 0): say which option, in our own words */
static int bad_option(const char *cmd, char **argv)
{
    const char *opt = optind > 0 ? argv[optind - 1] : "?";
    return usage_error("%s%sunknown option or missing argument: %s", cmd ? cmd : "",
                       cmd ? ": " : "", opt);
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
    optind = 0;   /* re-initialise getopt: options may follow NAME */
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'c': cap = optarg; break;
        case 'b': bus = optarg; break;
        case 't': tree = true; break;
        default: return bad_option("list", argv);
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
        /* streamed: 100k devices make some 50 MiB of XML */
        fflush(stdout);
        return ndConnectDumpAllXMLFd(conn, STDOUT_FILENO, 0) < 0 ? fail() : EXIT_SUCCESS;
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

/* --tar: the capture goes to a temporary directory, then into FILE */
static int capture_tar(ndConnectPtr conn, const char *file, unsigned flags)
{
    char tmp[] = "/tmp/nodedev-capture-XXXXXX";
    if (!mkdtemp(tmp)) {
        fprintf(stderr, "nodedev: error: cannot create a temporary directory: %s\n",
                strerror(errno));
        return EXIT_FAILURE;
    }
    int skipped = ndConnectCapture(conn, tmp, flags | ND_CAPTURE_FORCE);
    int rc = EXIT_SUCCESS;
    if (skipped < 0) {
        rc = fail();
    } else {
        pid_t pid = fork();
        if (pid == 0) {
            execlp("tar", "tar", "-C", tmp, "-czf", file, ".", (char *)NULL);
            _exit(127);
        }
        int st = 0;
        if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
            fprintf(stderr, "nodedev: error: %s: tar failed\n", file);
            rc = EXIT_FAILURE;
        } else if (skipped) {
            fprintf(stderr, "nodedev: %d unreadable files not captured\n", skipped);
        }
    }
    pid_t pid = fork();
    if (pid == 0) {
        execlp("rm", "rm", "-rf", "--", tmp, (char *)NULL);
        _exit(127);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
    return rc;
}

static int cmd_capture(ndConnectPtr conn, int argc, char **argv)
{
    static const struct option opts[] = {
        { "scrub", no_argument, NULL, 's' },
        { "force", no_argument, NULL, 'f' },
        { "tar", required_argument, NULL, 't' },
        { NULL, 0, NULL, 0 },
    };
    unsigned flags = 0;
    const char *tar = NULL;
    int o;
    optind = 0;   /* re-initialise getopt: options may follow NAME */
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 's': flags |= ND_CAPTURE_SCRUB; break;
        case 'f': flags |= ND_CAPTURE_FORCE; break;
        case 't': tar = optarg; break;
        default: return bad_option("capture", argv);
        }
    }
    if (tar) {
        if (optind != argc)
            return usage_error("capture --tar FILE takes %s", "no directory");
        return capture_tar(conn, tar, flags);
    }
    if (optind + 1 != argc)
        return usage_error("capture takes one %s", "DIR (or --tar FILE)");
    int skipped = ndConnectCapture(conn, argv[optind], flags);
    if (skipped < 0)
        return fail();
    if (skipped)
        fprintf(stderr, "nodedev: %d unreadable files not captured\n", skipped);
    return EXIT_SUCCESS;
}

static int cmd_import_umockdev(ndConnectPtr conn, int argc, char **argv)
{
    (void)conn;
    static const struct option opts[] = {
        { "force", no_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 },
    };
    unsigned flags = 0;
    int o;
    optind = 0;   /* re-initialise getopt: options may follow NAME */
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (o != 'f')
            return bad_option("import-umockdev", argv);
        flags |= ND_CAPTURE_FORCE;
    }
    if (argc - optind < 2)
        return usage_error("import-umockdev takes %s", "FILE... DIR");
    if (ndImportUmockdev((const char *const *)argv + optind, argc - optind - 1,
                         argv[argc - 1], flags) < 0)
        return fail();
    return EXIT_SUCCESS;
}

/* --timeout SECONDS (fractions allowed) as milliseconds; false when it is
 * not a positive number of at most a day. */
static bool parse_timeout(const char *s, int *ms)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v > 0) || v > 86400)
        return false;
    *ms = v * 1000 < 1 ? 1 : (int)(v * 1000 + 0.5);
    return true;
}

/* The create document from FILE or stdin ("-"), NUL-terminated. The
 * library refuses more than 64 KiB; reading stops a little beyond that so
 * its message gives the real size of anything plausible. */
static char *read_document(const char *file)
{
    enum { MAX = 1024 * 1024 };
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
    if (!f) {
        fprintf(stderr, "nodedev: error: cannot open %s: %s\n", file, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, len = 0, got;
    char *buf = malloc(cap + 1);
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap && cap <= MAX) {
            char *grown = realloc(buf, (cap *= 2) + 1);
            if (!grown)
                free(buf);
            buf = grown;
        }
    }
    const char *bad = !buf ? "out of memory" : ferror(f) ? "read error"
                    : len > MAX ? "larger than 1 MiB"
                    : memchr(buf, '\0', len) ? "contains a NUL byte" : NULL;
    if (f != stdin)
        fclose(f);
    if (bad) {
        fprintf(stderr, "nodedev: error: %s: %s\n", file, bad);
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

static int cmd_create(ndConnectPtr conn, int argc, char **argv)
{
    static const struct option opts[] = {
        { "timeout", required_argument, NULL, 't' },
        { NULL, 0, NULL, 0 },
    };
    int timeout_ms = ND_NPIV_TIMEOUT_MS, o;
    optind = 0;   /* re-initialise getopt: options may follow NAME */
    /* options may follow FILE; "-" is the FILE stdin */
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (o != 't')
            return bad_option("create", argv);
        if (!parse_timeout(optarg, &timeout_ms))
            return usage_error("create: --timeout '%s' is not a number of seconds", optarg);
    }
    if (optind + 1 != argc)
        return usage_error("create takes one %s", "FILE (or - for stdin)");
    char *xml = read_document(argv[optind]);
    if (!xml)
        return EXIT_FAILURE;
    ndNodeDevicePtr dev = ndNodeDeviceCreateTimeout(conn, xml, timeout_ms);
    free(xml);
    if (!dev)
        return fail();
    const char *name = ndNodeDeviceGetName(dev);
    int rc = name ? (printf("%s\n", name), EXIT_SUCCESS) : fail();
    ndNodeDeviceFree(dev);
    return rc;
}

static int cmd_destroy(ndConnectPtr conn, int argc, char **argv)
{
    static const struct option opts[] = {
        { "timeout", required_argument, NULL, 't' },
        { "wwn", required_argument, NULL, 'w' },
        { NULL, 0, NULL, 0 },
    };
    int timeout_ms = ND_NPIV_TIMEOUT_MS, o;
    const char *wwn = NULL;
    optind = 0;   /* re-initialise getopt: options may follow NAME */
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 't':
            if (!parse_timeout(optarg, &timeout_ms))
                return usage_error("destroy: --timeout '%s' is not a number of seconds",
                                   optarg);
            break;
        case 'w': wwn = optarg; break;
        default: return bad_option("destroy", argv);
        }
    }
    if (wwn ? optind != argc : optind + 1 != argc)
        return usage_error("destroy takes one %s", "NAME, KEY or --wwn WWNN,WWPN");
    ndNodeDevicePtr dev;
    if (wwn) {
        const char *comma = strchr(wwn, ',');
        if (!comma || strchr(comma + 1, ','))
            return usage_error("destroy: --wwn takes %s", "WWNN,WWPN");
        char *wwnn = strndup(wwn, (size_t)(comma - wwn));
        dev = wwnn ? ndNodeDeviceLookupSCSIHostByWWN(conn, wwnn, comma + 1) : NULL;
        free(wwnn);
    } else {
        const char *what = argv[optind];
        dev = what[0] == '/' ? ndNodeDeviceLookupByKey(conn, what)
                             : ndNodeDeviceLookupByName(conn, what);
    }
    if (!dev)
        return fail();
    int rc = ndNodeDeviceDestroyTimeout(dev, timeout_ms) < 0 ? fail() : EXIT_SUCCESS;
    ndNodeDeviceFree(dev);
    return rc;
}

/* ---- detach, reattach (issue 5) ----------------------------------------- */

static ndNodeDevicePtr lookup_name_or_key(ndConnectPtr conn, const char *what)
{
    return what[0] == '/' ? ndNodeDeviceLookupByKey(conn, what)
                          : ndNodeDeviceLookupByName(conn, what);
}

/* "NAME: driver D" or "NAME: no driver" for what holds the device now: a
 * USB device's interfaces each (their drivers are what detach moves),
 * any other device itself. */
static int print_binding(ndConnectPtr conn, ndNodeDevicePtr dev)
{
    const char *k = ndNodeDeviceGetKey(dev);
    char *key = k ? strdup(k) : NULL;
    if (!key)
        return fail();
    int n = 0, shown = 0, rc = EXIT_SUCCESS;
    char **ifs = list_names(conn, "usb_interface", NULL, &n);
    for (int i = 0; ifs && i < n; i++) {
        ndNodeDevicePtr intf = ndNodeDeviceLookupByName(conn, ifs[i]);
        const char *parent = intf ? ndNodeDeviceGetParent(intf) : NULL;
        if (parent && strcmp(parent, key) == 0) {
            const char *drv = ndNodeDeviceGetDriver(intf);
            printf("%s: %s%s\n", ifs[i], drv ? "driver " : "no driver", drv ? drv : "");
            shown++;
        }
        if (intf)
            ndNodeDeviceFree(intf);
    }
    if (ifs)
        free_names(ifs, n);
    if (!shown) {
        /* each getter reuses the handle's string: copy the name first */
        const char *nm = ndNodeDeviceGetName(dev);
        char *name = nm ? strdup(nm) : NULL;
        const char *drv = name ? ndNodeDeviceGetDriver(dev) : NULL;
        if (name)
            printf("%s: %s%s\n", name, drv ? "driver " : "no driver", drv ? drv : "");
        else
            rc = fail();
        free(name);
    }
    free(key);
    return rc;
}

static int cmd_detach(ndConnectPtr conn, int argc, char **argv)
{
    static const struct option opts[] = {
        { "driver", required_argument, NULL, 'd' },
        { "force", no_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 },
    };
    const char *driver = NULL;
    unsigned flags = 0;
    int o;
    /* 0, not 1: glibc starts over (the global options were parsed in
     * order, "+"), so options may also follow NAME */
    optind = 0;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'd': driver = optarg; break;
        case 'f': flags |= ND_DETACH_FORCE; break;
        default: return bad_option("detach", argv);
        }
    }
    if (optind + 1 != argc)
        return usage_error("detach takes one %s", "NAME or KEY");
    ndNodeDevicePtr dev = lookup_name_or_key(conn, argv[optind]);
    if (!dev)
        return fail();
    int rc = ndNodeDeviceDetach(dev, driver, flags) < 0 ? fail() : print_binding(conn, dev);
    ndNodeDeviceFree(dev);
    return rc;
}

static int cmd_reattach(ndConnectPtr conn, int argc, char **argv)
{
    static const struct option opts[] = {
        { NULL, 0, NULL, 0 },
    };
    optind = 0;
    if (getopt_long(argc, argv, "", opts, NULL) != -1)
        return bad_option("reattach", argv);
    if (optind + 1 != argc)
        return usage_error("reattach takes one %s", "NAME or KEY");
    ndNodeDevicePtr dev = lookup_name_or_key(conn, argv[optind]);
    if (!dev)
        return fail();
    int rc = ndNodeDeviceReAttach(dev, 0) < 0 ? fail() : print_binding(conn, dev);
    ndNodeDeviceFree(dev);
    return rc;
}

typedef struct command {
    const char *name;
    int (*run)(ndConnectPtr conn, int argc, char **argv);
    bool needs_conn;            /* opens the root first */
} command;

static const command commands[] = {
    { "list", cmd_list, true },
    { "dumpxml", cmd_dumpxml, true },
    { "capture", cmd_capture, true },
    { "create", cmd_create, true },
    { "destroy", cmd_destroy, true },
    { "import-umockdev", cmd_import_umockdev, false },
    { "detach", cmd_detach, true },
    { "reattach", cmd_reattach, true },
    { "monitor", nd_cmd_monitor, true },   /* issue 6: tools/cmd_monitor.c */
};

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "root", required_argument, NULL, 'r' },
        { "source", required_argument, NULL, 's' },   /* issue 6 */
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const char *root = getenv("NODEDEV_ROOT");
    opterr = 0;
    unsigned open_flags = 0;   /* --source (issue 6) */
    int o;
    while ((o = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (o) {
        case 'r': root = optarg; break;
        case 's':   /* issue 6 */
            if (strcmp(optarg, "sysfs") == 0)
                open_flags = ND_CONNECT_SOURCE_SYSFS;
            else if (strcmp(optarg, "udev") == 0)
                open_flags = ND_CONNECT_SOURCE_UDEV;
            else if (strcmp(optarg, "auto") == 0)
                open_flags = 0;
            else
                return usage_error("--source takes %s, not '%s'", "auto, sysfs or udev",
                                   optarg);
            break;
        case 'h': fputs(usage_text, stdout); return EXIT_SUCCESS;
        case 'V': printf("nodedev %s\n", ND_VERSION); return EXIT_SUCCESS;
        default: return bad_option(NULL, argv);
        }
    }
    if (optind >= argc)
        return usage_error("%s", "no command given");
    const char *cmd = argv[optind];
    const command *c = NULL;
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(cmd, commands[i].name) == 0)
            c = &commands[i];
    if (!c)
        return usage_error("unknown command '%s'", cmd);
    if (!c->needs_conn)
        return c->run(NULL, argc - optind, argv + optind);
    ndConnectPtr conn = ndConnectOpen(root, open_flags);
    if (!conn)
        return fail();
    int rc = c->run(conn, argc - optind, argv + optind);
    ndConnectClose(conn);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "nodedev: error: cannot write the output\n");
        rc = EXIT_FAILURE;
    }
    return rc;
}

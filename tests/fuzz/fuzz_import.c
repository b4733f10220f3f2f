/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: the umockdev importer as a whole (ndImportUmockdev,
 * backends/umockdev.c) and what nodedev then makes of the root it wrote.
 * Each input is written to a file, imported into a fresh directory, and on
 * success opened with ndConnectOpen: the dump of every device and of each
 * one by name must be well-formed XML valid against xml/nodedev.rng. A
 * failed import must say why. The directory is removed after each input.
 *
 * The escape guard: the fuzzers run as root in CI, and a recording's links
 * must never carry a write out of the new root. The target is linked with
 * -Wl,--wrap for openat, mkdirat and symlinkat (the calls the importer
 * makes things with), and while an import runs, each such call is checked
 * *before* it is made: what it creates or writes must resolve below the
 * root. A recording that gets out aborts the run, with nothing written.
 */
#include <fcntl.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include "fuzz.h"
#include "nodedev.h"
#include "nd_schema_rng.h"

static char base[PATH_MAX], in_path[PATH_MAX + 16], root_path[PATH_MAX + 16];
static const char *guard;   /* root_path while an import runs */
static xmlRelaxNGPtr schema;

/* ---- the escape guard ---------------------------------------------------- */
int __real_openat(int dirfd, const char *path, int flags, ...);
int __real_mkdirat(int dirfd, const char *path, mode_t mode);
int __real_symlinkat(const char *target, int dirfd, const char *path);

static void escaped(int dirfd, const char *path, const char *where)
{
    fprintf(stderr, "fuzz_import: the importer writes outside its root: %s (fd %d, \"%s\")\n",
            where, dirfd, path);
    abort();
}

static bool below_guard(const char *real)
{
    size_t glen = strlen(guard);
    return strncmp(real, guard, glen) == 0 && (real[glen] == '/' || real[glen] == '\0');
}

/* Directories found below the guard during this import, by inode: the
 * importer makes a tree one directory at a time, so most checks are an
 * fstat and a look-up here (an import removes nothing, so an inode seen
 * here stays that directory). */
#define SEEN_SLOTS 16384
static struct seen {
    dev_t dev;
    ino_t ino;
} seen[SEEN_SLOTS];
static size_t nseen;

static struct seen *seen_slot(const struct stat *st)
{
    size_t i = ((size_t)st->st_ino * 2654435761u ^ (size_t)st->st_dev) % SEEN_SLOTS;
    while (seen[i].ino && !(seen[i].ino == st->st_ino && seen[i].dev == st->st_dev))
        i = (i + 1) % SEEN_SLOTS;
    return &seen[i];
}

static void seen_clear(void)
{
    memset(seen, 0, sizeof(seen));
    nseen = 0;
}

/* Aborts when the directory dirfd/path's first len bytes (when it exists)
 * is not the guard or below it: its path from /proc/self/fd, or, when that
 * is too long to print, a climb by ".." to the guard or to "/" comparing
 * inodes. */
static void check_dir(int dirfd, const char *path, int len)
{
    char rel[PATH_MAX], link[64], real[PATH_MAX];
    snprintf(rel, sizeof(rel), "%.*s", len, path);
    int fd = __real_openat(dirfd, *rel ? rel : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return;
    struct stat dst;
    struct seen *slot = NULL;
    if (fstat(fd, &dst) < 0)
        abort();
    if (nseen < SEEN_SLOTS / 2) {
        slot = seen_slot(&dst);
        if (slot->ino) {
            close(fd);
            return;
        }
    }
    /* remembered now: a check below that fails aborts */
    if (slot) {
        slot->dev = dst.st_dev;
        slot->ino = dst.st_ino;
        nseen++;
        /* a directory whose parent was found below the guard is below it
         * too (a descriptor is never a symlink): the usual case, as the
         * importer makes its tree from the top, and it keeps a deep tree
         * from costing a path walk per level */
        struct stat pst;
        int up = __real_openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
        bool known = up >= 0 && fstat(up, &pst) == 0 && !(pst.st_dev == dst.st_dev &&
                                                          pst.st_ino == dst.st_ino) &&
                     seen_slot(&pst)->ino;
        if (up >= 0)
            close(up);
        if (known) {
            close(fd);
            return;
        }
    }
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, real, sizeof(real) - 1);
    if (n > 0 && real[0] == '/') {
        real[n] = '\0';
        close(fd);
        if (!below_guard(real))
            escaped(dirfd, path, real);
        return;
    }
    struct stat g, top, st;
    if (stat(guard, &g) < 0 || stat("/", &top) < 0)
        abort();
    for (;;) {
        if (fstat(fd, &st) < 0)
            abort();
        if (st.st_dev == g.st_dev && st.st_ino == g.st_ino)
            break;
        if (st.st_dev == top.st_dev && st.st_ino == top.st_ino)
            escaped(dirfd, path, "a directory not below the root");
        int up = __real_openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
        close(fd);
        if (up < 0)
            abort();
        fd = up;
    }
    close(fd);
}

/* Aborts when dirfd/path exists and resolves outside the guard. */
static void check_target(int dirfd, const char *path)
{
    char where[2 * PATH_MAX], real[PATH_MAX];
    if (path[0] == '/')
        snprintf(where, sizeof(where), "%s", path);
    else if (dirfd == AT_FDCWD)
        snprintf(where, sizeof(where), "./%s", path);
    else
        snprintf(where, sizeof(where), "/proc/self/fd/%d/%s", dirfd, path);
    if (!realpath(where, real))
        return;
    if (!below_guard(real))
        escaped(dirfd, path, real);
}

/* The directory that will hold dirfd/path must be below the guard, and
 * so must path itself when it exists and the call follows it. */
static void check_beneath(int dirfd, const char *path, bool follows)
{
    if (!guard)
        return;
    const char *slash = strrchr(path, '/');
    check_dir(dirfd, path, slash ? (slash == path ? 1 : (int)(slash - path)) : 0);
    if (follows)
        check_target(dirfd, path);
}

int __wrap_openat(int dirfd, const char *path, int flags, ...);
int __wrap_openat(int dirfd, const char *path, int flags, ...)
{
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    if (flags & (O_CREAT | O_WRONLY | O_RDWR | O_TRUNC))
        check_beneath(dirfd, path, !(flags & O_NOFOLLOW));
    return __real_openat(dirfd, path, flags, mode);
}

int __wrap_mkdirat(int dirfd, const char *path, mode_t mode);
int __wrap_mkdirat(int dirfd, const char *path, mode_t mode)
{
    check_beneath(dirfd, path, false);
    return __real_mkdirat(dirfd, path, mode);
}

int __wrap_symlinkat(const char *target, int dirfd, const char *path);
int __wrap_symlinkat(const char *target, int dirfd, const char *path)
{
    check_beneath(dirfd, path, false);
    return __real_symlinkat(target, dirfd, path);
}

/* ---- one input ----------------------------------------------------------- */
/* rm -rf dirfd/name, by file descriptors: a recording's tree may be
 * deeper than PATH_MAX, which nftw cannot walk. */
static void rm_at(int at, const char *name)
{
    if (unlinkat(at, name, 0) == 0 || errno == ENOENT)
        return;
    int fd = __real_openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (!d)
        abort();
    for (bool again = true; again;) {
        again = false;
        struct dirent *de;
        rewinddir(d);
        while ((de = readdir(d)))
            if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
                rm_at(dirfd(d), de->d_name);
                again = true;
            }
    }
    closedir(d);
    if (unlinkat(at, name, AT_REMOVEDIR) < 0)
        abort();
}

static void rmtree(const char *dir)
{
    rm_at(AT_FDCWD, dir);
}

static void cleanup(void)
{
    rmtree(base);
}

static void silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* tmpfs when there is one: each input makes and removes a tree */
    char tmpl[] = "/dev/shm/nodedev-fuzz-import.XXXXXX";
    char tmpl2[] = "/tmp/nodedev-fuzz-import.XXXXXX";
    const char *b = mkdtemp(tmpl);
    if (!b)
        b = mkdtemp(tmpl2);
    if (!b || !realpath(b, base))
        abort();
    snprintf(in_path, sizeof(in_path), "%s/in.umockdev", base);
    snprintf(root_path, sizeof(root_path), "%s/root", base);
    atexit(cleanup);
    /* rm_at holds a descriptor per level of a deep tree */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max < 65536 ? rl.rlim_max : 65536;
        setrlimit(RLIMIT_NOFILE, &rl);
    }

    xmlRelaxNGParserCtxtPtr pc =
        xmlRelaxNGNewMemParserCtxt((const char *)nd_schema_rng, (int)sizeof(nd_schema_rng) - 1);
    schema = pc ? xmlRelaxNGParse(pc) : NULL;
    xmlRelaxNGFreeParserCtxt(pc);
    if (!schema)
        abort();
    return 0;
}

/* Well-formed and schema-valid, or abort with libxml2's reasons. */
static void check_xml(const char *xml)
{
    ND_FUZZ_CHECK(xml);
    xmlSetGenericErrorFunc(NULL, silent);
    xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "dump.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlSetGenericErrorFunc(NULL, NULL);
    if (!doc) {
        fprintf(stderr, "fuzz_import: not well-formed:\n%s\n", xml);
        abort();
    }
    xmlRelaxNGValidCtxtPtr vc = xmlRelaxNGNewValidCtxt(schema);
    int v = vc ? xmlRelaxNGValidateDoc(vc, doc) : -1;
    xmlRelaxNGFreeValidCtxt(vc);
    xmlFreeDoc(doc);
    if (v != 0) {
        fprintf(stderr, "fuzz_import: not valid against nodedev.rng:\n%s\n", xml);
        abort();
    }
}

static void check_root(void)
{
    ndConnectPtr conn = ndConnectOpen(root_path, ND_CONNECT_QUIET | ND_CONNECT_SOURCE_SYSFS);
    if (!conn) {
        const ndError *e = ndGetLastError();
        fprintf(stderr, "fuzz_import: cannot open an imported root: %s\n",
                e ? e->message : "(no error)");
        abort();
    }
    char *all = ndConnectDumpAllXML(conn, 0);
    check_xml(all);
    free(all);

    int n = ndNodeNumOfDevices(conn, 0);
    ND_FUZZ_CHECK(n >= 1);   /* computer, at least */
    char **names = calloc((size_t)n, sizeof(*names));
    ND_FUZZ_CHECK(names);
    ND_FUZZ_CHECK(ndNodeListDevices(conn, names, n, 0) == n);
    for (int i = 0; i < n; i++) {
        ndNodeDevicePtr dev = ndNodeDeviceLookupByName(conn, names[i]);
        ND_FUZZ_CHECK(dev);
        char *xml = ndNodeDeviceDumpXML(dev, 0);
        check_xml(xml);
        free(xml);
        ndNodeDeviceFree(dev);
        free(names[i]);
    }
    free(names);
    ndConnectClose(conn);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = open(in_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ND_FUZZ_CHECK(fd >= 0 && write(fd, data, size) == (ssize_t)size);
    close(fd);

    const char *files[] = { in_path };
    seen_clear();
    guard = root_path;
    int rc = ndImportUmockdev(files, 1, root_path, 0);
    guard = NULL;
    if (rc < 0) {
        const ndError *e = ndGetLastError();
        ND_FUZZ_CHECK(rc == -1 && e && e->message && *e->message);
    } else {
        ND_FUZZ_CHECK(rc == 0);
        check_root();
    }
    rmtree(root_path);
    return 0;
}

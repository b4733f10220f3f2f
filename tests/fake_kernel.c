/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fake_kernel ROOT [--log FILE]: stands in for the kernel behind a COPY of
 * a fixture (DESIGN §9). In a fixture the kernel's writable attributes are
 * regular files; this program watches them (inotify, IN_CLOSE_WRITE) and,
 * after each write, changes the tree the way the kernel would:
 *
 *   <bus>/drivers/<drv>/unbind   DEV   device leaves the driver
 *   <bus>/drivers/<drv>/bind     DEV   device joins the driver
 *   <bus>/drivers_probe          DEV   device joins driver_override's
 *                                      driver, else its native driver
 *   <pci dev>/driver_override    DRV   kept, shown as the kernel shows it
 *
 * "Joining" makes the device's `driver` link, the driver directory's link
 * back, and the DRIVER= line of its uevent, as sysfs shows them.
 * Write-only attributes are emptied once read, since the kernel's hold
 * nothing (and so an empty file means "taken up").
 *
 * What the kernel would know from modules and hardware comes from the
 * root's FAKE_KERNEL file, one fact a line ('#' comments):
 *   native BUS DEV DRIVER        the driver a probe binds DEV to
 *   probe_fails BUS DEV DRIVER   DRIVER's probe of DEV fails (stays unbound)
 * A device without a native line gets the driver it had at start.
 *
 * To model another attribute (NPIV's vport_create, vport_delete …) add
 * a handler to fk_handlers[]: every file of that name below sys/ is then
 * watched; fk_watch_tree() watches what a handler creates. Handlers may
 * live in files of their own (NPIV: fake_kernel_npiv.c), with the helpers
 * of tests/fake_kernel.h.
 *
 * Prints "ready" on stdout once every watch is in place; stops on SIGTERM
 * or when its parent dies. Refuses a ROOT that is "/", holds a real sysfs,
 * or has no FAKE_KERNEL file: it must never touch the machine's devices.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include "fake_kernel.h"

#define FK_SYSFS_MAGIC 0x62656572   /* statfs f_type of a real sysfs */
#define FK_VALUE_MAX 4096

static FILE *fk_log;

__attribute__((format(printf, 1, 2)))
void fk_say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(fk_log, "fake_kernel: ");
    vfprintf(fk_log, fmt, ap);
    fputc('\n', fk_log);
    fflush(fk_log);
    va_end(ap);
}

__attribute__((noreturn, format(printf, 1, 2)))
static void fk_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fake_kernel: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

/* snprintf that stops the program when the result does not fit: a path
 * cut short would make it act on the wrong file. */
__attribute__((format(printf, 3, 4)))
static void fk_fmt(char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, size, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= size)
        fk_die("name too long: %s", out);
}

/* ---- facts from FAKE_KERNEL ----------------------------------------- */

typedef struct fk_fact {
    char kind[32], bus[32], dev[128], driver[128];
} fk_fact;

static fk_fact *fk_facts;
static size_t fk_nfacts;

static void fk_add_fact(const char *kind, const char *bus, const char *dev,
                        const char *driver)
{
    fk_facts = realloc(fk_facts, (fk_nfacts + 1) * sizeof(*fk_facts));
    if (!fk_facts)
        fk_die("out of memory");
    fk_fact *f = &fk_facts[fk_nfacts++];
    fk_fmt(f->kind, sizeof(f->kind), "%s", kind);
    fk_fmt(f->bus, sizeof(f->bus), "%s", bus);
    fk_fmt(f->dev, sizeof(f->dev), "%s", dev);
    fk_fmt(f->driver, sizeof(f->driver), "%s", driver);
}

const fk_fact *fk_find(const char *kind, const char *bus, const char *dev,
                       const char *driver)
{
    for (size_t i = 0; i < fk_nfacts; i++) {
        const fk_fact *f = &fk_facts[i];
        if (strcmp(f->kind, kind) == 0 && strcmp(f->bus, bus) == 0 &&
            strcmp(f->dev, dev) == 0 && (!driver || strcmp(f->driver, driver) == 0))
            return f;
    }
    return NULL;
}

static void fk_read_facts(void)
{
    FILE *f = fopen("FAKE_KERNEL", "r");
    if (!f)
        fk_die("no FAKE_KERNEL file in the root: not a fixture copy");
    char line[512], kind[32], bus[32], dev[128], drv[128];
    while (fgets(line, sizeof(line), f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (sscanf(line, "%31s %31s %127s %127s", kind, bus, dev, drv) == 4)
            fk_add_fact(kind, bus, dev, drv);
        else
            fk_say("FAKE_KERNEL: ignoring '%.*s'", (int)strcspn(line, "\n"), line);
    }
    fclose(f);
}

/* ---- paths and links (all relative to the root, the cwd) ------------- */

/* Resolve the symlink dir/name lexically to a root-relative path; false
 * when it is no link or leaves the root. */
bool fk_resolve(const char *dir, const char *name, char *out, size_t size)
{
    char link[PATH_MAX], target[PATH_MAX];
    fk_fmt(link, sizeof(link), "%s/%s", dir, name);
    ssize_t n = readlink(link, target, sizeof(target) - 1);
    if (n < 0 || target[0] == '/')
        return false;
    target[n] = '\0';
    char buf[PATH_MAX * 2];
    fk_fmt(buf, sizeof(buf), "%s/%s", dir, target);
    size_t len = 0;
    for (char *save, *c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        if (strcmp(c, ".") == 0)
            continue;
        if (strcmp(c, "..") == 0) {
            if (len == 0)
                return false;
            char *slash = memrchr(out, '/', len);
            len = slash ? (size_t)(slash - out) : 0;
            continue;
        }
        size_t cl = strlen(c);
        if (len + cl + 2 > size)
            return false;
        if (len)
            out[len++] = '/';
        memcpy(out + len, c, cl);
        len += cl;
    }
    out[len] = '\0';
    return len > 0;
}

/* A relative symlink at `link` (root-relative) pointing to `to`, as the
 * kernel's sysfs writes them. */
void fk_link(const char *link, const char *to)
{
    const char *a = link, *b = to;
    /* skip the common leading directories */
    for (;;) {
        const char *sa = strchr(a, '/'), *sb = strchr(b, '/');
        if (!sa || !sb || sa - a != sb - b || strncmp(a, b, (size_t)(sa - a)) != 0)
            break;
        a = sa + 1;
        b = sb + 1;
    }
    char rel[PATH_MAX] = "";
    for (const char *s = strchr(a, '/'); s; s = strchr(s + 1, '/'))
        strncat(rel, "../", sizeof(rel) - strlen(rel) - 1);
    strncat(rel, b, sizeof(rel) - strlen(rel) - 1);
    if (symlink(rel, link) < 0)
        fk_say("cannot link %s -> %s: %s", link, rel, strerror(errno));
}

bool fk_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* ---- the device model: what binding means --------------------------- */

/* The device directory of DEV on BUS, via sys/bus/BUS/devices/DEV. */
static bool fk_dev_dir(const char *bus, const char *dev, char *out, size_t size)
{
    char dir[PATH_MAX];
    fk_fmt(dir, sizeof(dir), "sys/bus/%s/devices", bus);
    return fk_resolve(dir, dev, out, size);
}

/* The driver's name the device is bound to, into drv; false when none. */
static bool fk_driver_of(const char *devdir, char *drv, size_t size)
{
    char target[PATH_MAX];
    if (!fk_resolve(devdir, "driver", target, sizeof(target)))
        return false;
    fk_fmt(drv, size, "%s", strrchr(target, '/') ? strrchr(target, '/') + 1 : target);
    return true;
}

/* Rewrite the device's uevent with DRIVER=drv (NULL: without), placed
 * where the kernel puts it: after DEVTYPE= when there is one, else first. */
static void fk_uevent_driver(const char *devdir, const char *drv)
{
    char path[PATH_MAX], in[8192], out[8192 + 256];
    fk_fmt(path, sizeof(path), "%s/uevent", devdir);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    size_t n = fread(in, 1, sizeof(in) - 1, f);
    fclose(f);
    in[n] = '\0';
    size_t used = 0;
    bool placed = drv == NULL;
    bool has_devtype = strncmp(in, "DEVTYPE=", 8) == 0 || strstr(in, "\nDEVTYPE=");
    if (!placed && !has_devtype) {
        used += (size_t)snprintf(out + used, sizeof(out) - used, "DRIVER=%s\n", drv);
        placed = true;
    }
    for (char *save, *l = strtok_r(in, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        if (strncmp(l, "DRIVER=", 7) == 0)
            continue;
        used += (size_t)snprintf(out + used, sizeof(out) - used, "%s\n", l);
        if (!placed && strncmp(l, "DEVTYPE=", 8) == 0) {
            used += (size_t)snprintf(out + used, sizeof(out) - used, "DRIVER=%s\n", drv);
            placed = true;
        }
    }
    /* whole or not at all: a reader never sees it half-written */
    char tmp[PATH_MAX];
    fk_fmt(tmp, sizeof(tmp), "%s.fake_kernel", path);
    f = fopen(tmp, "w");
    if (f) {
        fwrite(out, 1, used, f);
        fclose(f);
        rename(tmp, path);
    }
}

static void fk_unbind_dev(const char *bus, const char *dev, const char *devdir,
                          const char *drv)
{
    /* the device's driver link goes last: whoever waits for it to go
     * finds the rest done */
    char path[PATH_MAX];
    fk_uevent_driver(devdir, NULL);
    fk_fmt(path, sizeof(path), "sys/bus/%s/drivers/%s/%s", bus, drv, dev);
    unlink(path);
    fk_fmt(path, sizeof(path), "%s/driver", devdir);
    unlink(path);
    fk_say("unbind %s %s from %s", bus, dev, drv);
}

/* Bind as the driver core does, when the driver is there and its probe
 * does not fail. */
static void fk_bind_dev(const char *bus, const char *dev, const char *devdir,
                        const char *drv)
{
    char ddir[PATH_MAX], path[PATH_MAX];
    fk_fmt(ddir, sizeof(ddir), "sys/bus/%s/drivers/%s", bus, drv);
    if (!fk_exists(ddir)) {
        fk_say("probe %s %s: driver %s is not loaded", bus, dev, drv);
        return;
    }
    if (fk_find("probe_fails", bus, dev, drv)) {
        fk_say("probe %s %s: %s's probe failed", bus, dev, drv);
        return;
    }
    /* the device's driver link comes last, as in fk_unbind_dev */
    fk_uevent_driver(devdir, drv);
    fk_fmt(path, sizeof(path), "%s/%s", ddir, dev);
    fk_link(path, devdir);
    fk_fmt(path, sizeof(path), "%s/driver", devdir);
    fk_link(path, ddir);
    fk_say("bind %s %s to %s", bus, dev, drv);
}

/* driver_override's value, or "" when unset (the kernel shows "(null)"). */
static void fk_override(const char *devdir, char *out, size_t size)
{
    char path[PATH_MAX];
    fk_fmt(path, sizeof(path), "%s/driver_override", devdir);
    out[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    if (fgets(out, (int)size, f))
        out[strcspn(out, "\n")] = '\0';
    fclose(f);
    if (strcmp(out, "(null)") == 0)
        out[0] = '\0';
}

/* ---- handlers: one per attribute file name --------------------------- */

/* "sys/bus/BUS/..." → BUS; false for any other path. */
static bool fk_bus_of(const char *path, char *bus, size_t size)
{
    if (strncmp(path, "sys/bus/", 8) != 0)
        return false;
    size_t n = strcspn(path + 8, "/");
    if (n == 0 || n >= size)
        return false;
    memcpy(bus, path + 8, n);
    bus[n] = '\0';
    return true;
}

/* "sys/bus/BUS/drivers/DRV/<file>" → DRV. */
static bool fk_driver_in(const char *path, char *drv, size_t size)
{
    const char *d = strstr(path, "/drivers/");
    if (!d)
        return false;
    d += 9;
    size_t n = strcspn(d, "/");
    if (n == 0 || n >= size)
        return false;
    memcpy(drv, d, n);
    drv[n] = '\0';
    return true;
}

static void fk_on_unbind(const char *path, const char *value)
{
    char bus[32], drv[128], devdir[PATH_MAX], now[128];
    if (!fk_bus_of(path, bus, sizeof(bus)) || !fk_driver_in(path, drv, sizeof(drv)))
        return;
    if (!fk_dev_dir(bus, value, devdir, sizeof(devdir))) {
        fk_say("unbind %s %s: no such device", bus, value);
        return;
    }
    if (!fk_driver_of(devdir, now, sizeof(now)) || strcmp(now, drv) != 0) {
        fk_say("unbind %s %s: not bound to %s", bus, value, drv);
        return;
    }
    fk_unbind_dev(bus, value, devdir, drv);
}

static void fk_on_bind(const char *path, const char *value)
{
    char bus[32], drv[128], devdir[PATH_MAX], now[128], ovr[FK_VALUE_MAX];
    if (!fk_bus_of(path, bus, sizeof(bus)) || !fk_driver_in(path, drv, sizeof(drv)))
        return;
    if (!fk_dev_dir(bus, value, devdir, sizeof(devdir))) {
        fk_say("bind %s %s: no such device", bus, value);
        return;
    }
    if (fk_driver_of(devdir, now, sizeof(now))) {
        fk_say("bind %s %s: already bound to %s", bus, value, now);
        return;
    }
    fk_override(devdir, ovr, sizeof(ovr));
    if (*ovr && strcmp(ovr, drv) != 0) {
        fk_say("bind %s %s: driver_override says %s, not %s", bus, value, ovr, drv);
        return;
    }
    fk_bind_dev(bus, value, devdir, drv);
}

static void fk_on_drivers_probe(const char *path, const char *value)
{
    char bus[32], devdir[PATH_MAX], now[128], ovr[FK_VALUE_MAX];
    if (!fk_bus_of(path, bus, sizeof(bus)))
        return;
    if (!fk_dev_dir(bus, value, devdir, sizeof(devdir))) {
        fk_say("probe %s %s: no such device", bus, value);
        return;
    }
    if (fk_driver_of(devdir, now, sizeof(now)))
        return;    /* bound devices are left alone, as by the kernel */
    /* driver_override wins outright: with it set, no other driver may
     * bind, even when the named one is not loaded */
    fk_override(devdir, ovr, sizeof(ovr));
    if (*ovr) {
        fk_bind_dev(bus, value, devdir, ovr);
        return;
    }
    const fk_fact *native = fk_find("native", bus, value, NULL);
    if (!native) {
        fk_say("probe %s %s: no driver for it", bus, value);
        return;
    }
    fk_bind_dev(bus, value, devdir, native->driver);
}

/* The kernel keeps the value and shows "(null)" when cleared. */
static void fk_on_driver_override(const char *path, const char *value)
{
    char want[FK_VALUE_MAX + 2], have[FK_VALUE_MAX + 2] = "";
    fk_fmt(want, sizeof(want), "%s\n", *value ? value : "(null)");
    FILE *f = fopen(path, "r");
    if (f) {
        size_t n = fread(have, 1, sizeof(have) - 1, f);
        have[n] = '\0';
        fclose(f);
    }
    if (strcmp(want, have) == 0)
        return;    /* already as shown (also: our own rewrite coming back) */
    f = fopen(path, "w");
    if (f) {
        fputs(want, f);
        fclose(f);
    }
    fk_say("driver_override %s = %s", path, *value ? value : "(null)");
}

typedef struct fk_handler {
    const char *file;            /* attribute file name */
    bool write_only;             /* emptied once read, ignored when empty */
    void (*on_write)(const char *path, const char *value);
} fk_handler;

static const fk_handler fk_handlers[] = {
    { "unbind", true, fk_on_unbind },
    { "bind", true, fk_on_bind },
    { "drivers_probe", true, fk_on_drivers_probe },
    { "driver_override", false, fk_on_driver_override },
    /* NPIV: tests/fake_kernel_npiv.c */
    { "vport_create", true, fk_on_vport_create },
    { "vport_delete", true, fk_on_vport_delete },
};

static const fk_handler *fk_handler_for(const char *name)
{
    for (size_t i = 0; i < sizeof(fk_handlers) / sizeof(fk_handlers[0]); i++)
        if (strcmp(fk_handlers[i].file, name) == 0)
            return &fk_handlers[i];
    return NULL;
}

/* ---- watches ---------------------------------------------------------- */

typedef struct fk_watch {
    int wd;
    char *path;
    const fk_handler *h;
} fk_watch;

static int fk_ifd = -1;
static fk_watch *fk_watches;
static size_t fk_nwatches;

static void fk_watch_file(const char *path, const fk_handler *h)
{
    int wd = inotify_add_watch(fk_ifd, path, IN_CLOSE_WRITE);
    if (wd < 0)
        fk_die("cannot watch %s: %s", path, strerror(errno));
    for (size_t i = 0; i < fk_nwatches; i++)
        if (fk_watches[i].wd == wd)
            return;
    fk_watches = realloc(fk_watches, (fk_nwatches + 1) * sizeof(*fk_watches));
    if (!fk_watches)
        fk_die("out of memory");
    fk_watches[fk_nwatches++] = (fk_watch){ wd, strdup(path), h };
}

/* Watch every handled attribute below dir (symlinks are not followed, so
 * each file is met once). */
void fk_watch_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char path[PATH_MAX];
        fk_fmt(path, sizeof(path), "%s/%s", dir, de->d_name);
        struct stat st;
        if (lstat(path, &st) < 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            fk_watch_tree(path);
        } else if (S_ISREG(st.st_mode)) {
            const fk_handler *h = fk_handler_for(de->d_name);
            if (h)
                fk_watch_file(path, h);
        }
    }
    closedir(d);
}

/* A device bound at start is native to that driver unless FAKE_KERNEL
 * says otherwise. */
static void fk_learn_natives(void)
{
    DIR *buses = opendir("sys/bus");
    struct dirent *b;
    while (buses && (b = readdir(buses))) {
        if (b->d_name[0] == '.')
            continue;
        char dir[PATH_MAX];
        fk_fmt(dir, sizeof(dir), "sys/bus/%s/devices", b->d_name);
        DIR *devs = opendir(dir);
        struct dirent *d;
        while (devs && (d = readdir(devs))) {
            char devdir[PATH_MAX], drv[128];
            if (d->d_name[0] == '.' || fk_find("native", b->d_name, d->d_name, NULL) ||
                !fk_resolve(dir, d->d_name, devdir, sizeof(devdir)) ||
                !fk_driver_of(devdir, drv, sizeof(drv)))
                continue;
            fk_add_fact("native", b->d_name, d->d_name, drv);
        }
        if (devs)
            closedir(devs);
    }
    if (buses)
        closedir(buses);
}

/* Read a write to a watched file and act on it. A write-only attribute is
 * emptied before acting, so that whoever waits for the effect finds it
 * ready for the next write. */
static void fk_handle(const fk_watch *w)
{
    char value[FK_VALUE_MAX + 1];
    int fd = open(w->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t n = read(fd, value, FK_VALUE_MAX);
    close(fd);
    if (n <= 0)
        return;    /* empty: our own reset coming back */
    value[n] = '\0';
    if (w->h->write_only) {
        fd = open(w->path, O_WRONLY | O_TRUNC | O_CLOEXEC);
        if (fd >= 0)
            close(fd);
    }
    /* the kernel's attributes take the first line, without the newline */
    value[strcspn(value, "\n")] = '\0';
    if (w->h->write_only && !*value)
        return;
    w->h->on_write(w->path, value);
}

static volatile sig_atomic_t fk_stop;

static void fk_on_signal(int sig)
{
    (void)sig;
    fk_stop = 1;
}

static void fk_refuse_live(const char *root)
{
    char real[PATH_MAX];
    if (!realpath(root, real))
        fk_die("cannot resolve %s: %s", root, strerror(errno));
    if (strcmp(real, "/") == 0)
        fk_die("refusing root /: this would act on the machine's own devices");
    struct statfs sfs;
    char sys[PATH_MAX];
    fk_fmt(sys, sizeof(sys), "%s/sys", real);
    if (statfs(sys, &sfs) == 0 && sfs.f_type == FK_SYSFS_MAGIC)
        fk_die("refusing %s: %s is a real sysfs", root, sys);
}

int main(int argc, char **argv)
{
    const char *root = NULL, *log = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--log") == 0 && i + 1 < argc)
            log = argv[++i];
        else if (!root && argv[i][0] != '-')
            root = argv[i];
        else
            fk_die("usage: fake_kernel ROOT [--log FILE]");
    }
    if (!root)
        fk_die("usage: fake_kernel ROOT [--log FILE]");
    fk_refuse_live(root);
    if (chdir(root) < 0)
        fk_die("cannot enter %s: %s", root, strerror(errno));
    fk_log = log ? fopen(log, "a") : stderr;
    if (!fk_log)
        fk_die("cannot open %s: %s", log, strerror(errno));

    /* stop with whoever started us, so no fake kernel outlives its test */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    struct sigaction sa = { .sa_handler = fk_on_signal };
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    if (getppid() == 1)
        return 0;

    fk_read_facts();
    fk_learn_natives();
    fk_ifd = inotify_init1(IN_CLOEXEC);
    if (fk_ifd < 0)
        fk_die("inotify: %s", strerror(errno));
    fk_watch_tree("sys");
    printf("ready\n");
    fflush(stdout);

    char buf[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
    while (!fk_stop) {
        ssize_t n = read(fk_ifd, buf, sizeof(buf));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fk_die("inotify read: %s", strerror(errno));
        }
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            for (size_t i = 0; i < fk_nwatches; i++)
                if (fk_watches[i].wd == ev->wd && (ev->mask & IN_CLOSE_WRITE))
                    fk_handle(&fk_watches[i]);
            p += sizeof(*ev) + ev->len;
        }
    }
    return 0;
}

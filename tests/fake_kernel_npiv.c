/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fake kernel's NPIV (DESIGN §9): what drivers/scsi/scsi_transport_fc.c
 * and an NPIV-capable driver do after a write to
 *
 *   hostH/fc_host/hostH/vport_create  "WWPN:WWNN"  (or scsi_host/hostH/…)
 *       counts the vport in npiv_vports_inuse, then makes vport-H:0-N with
 *       its fc_vports class dir, the vHBA hostM below it (bus scsi, a
 *       scsi_host and an fc_host logged in to the parent's fabric) and,
 *       last, the class and bus links — a scan that sees the fc_host sees
 *       the whole vHBA;
 *   hostH/fc_host/hostH/vport_delete  "WWPN:WWNN"
 *   vport-H:0-N/fc_vports/…/vport_delete  (any value)
 *       drops every link into the vport, uncounts it, removes the dirs.
 *
 * Like the kernel, a write it cannot take (malformed pair, WWPN in use,
 * no free vport, no such vport) changes nothing; it is logged. The
 * FAKE_KERNEL fact "vport ignore hostH -" makes it ignore hostH's NPIV
 * writes altogether: the vHBA never comes (the create-timeout test).
 *
 * Write-only attributes are made mode 0644, as in a fixture checkout (git
 * keeps no 0200), so the fake kernel can read them back without root.
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fake_kernel.h"

#define FK_WWN_LEN 16

/* ---- small file helpers ------------------------------------------------ */

/* snprintf for paths: one cut-off place; a path too long for PATH_MAX is
 * not one sysfs has, and the write or lookup with it then just fails. */
__attribute__((format(printf, 3, 4)))
static void fk_fmt(char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, size, fmt, ap);
    va_end(ap);
}

static void fk_mkdirs(const char *dir)
{
    char p[PATH_MAX];
    fk_fmt(p, sizeof(p), "%s", dir);
    for (char *s = strchr(p + 1, '/');; s = strchr(s + 1, '/')) {
        if (s)
            *s = '\0';
        if (mkdir(p, 0755) < 0 && errno != EEXIST)
            fk_say("cannot make %s: %s", p, strerror(errno));
        if (!s)
            break;
        *s = '/';
    }
}

__attribute__((format(printf, 3, 4)))
static void fk_attr(const char *dir, const char *name, const char *fmt, ...)
{
    char path[PATH_MAX];
    fk_fmt(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        fk_say("cannot write %s: %s", path, strerror(errno));
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fclose(f);
}

/* The first line of dir/name, or "" when unreadable. */
static void fk_read(const char *dir, const char *name, char *out, size_t size)
{
    char path[PATH_MAX];
    fk_fmt(path, sizeof(path), "%s/%s", dir, name);
    out[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    if (fgets(out, (int)size, f))
        out[strcspn(out, "\n")] = '\0';
    fclose(f);
}

/* Copy of path without its last n components. */
static void fk_up(const char *path, int n, char *out, size_t size)
{
    fk_fmt(out, size, "%s", path);
    while (n-- > 0) {
        char *s = strrchr(out, '/');
        if (!s)
            break;
        *s = '\0';
    }
}

static const char *fk_base(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* A class device dir/cls/name with its subsystem and device links; the
 * sys/class entry comes later (fk_class_link), once it is filled. */
static void fk_classdev(const char *dir, const char *cls, const char *name, char *out,
                        size_t size)
{
    char link[PATH_MAX], to[PATH_MAX];
    fk_fmt(out, size, "%s/%s/%s", dir, cls, name);
    fk_mkdirs(out);
    fk_fmt(link, sizeof(link), "%s/subsystem", out);
    fk_fmt(to, sizeof(to), "sys/class/%s", cls);
    fk_link(link, to);
    fk_fmt(link, sizeof(link), "%s/device", out);
    fk_link(link, dir);
}

static void fk_class_link(const char *cls, const char *name, const char *classdir)
{
    char link[PATH_MAX];
    fk_fmt(link, sizeof(link), "sys/class/%s/%s", cls, name);
    fk_link(link, classdir);
}

/* ---- the pair and the counters ------------------------------------------ */

static bool fk_hex16(const char *s)
{
    for (int i = 0; i < FK_WWN_LEN; i++)
        if (!s[i] || !strchr("0123456789abcdefABCDEF", s[i]))
            return false;
    return true;
}

/* "WWPN:WWNN", 16 hex digits each, as the kernel's fc_parse_wwn wants
 * them; lowercased into wwpn and wwnn. */
static bool fk_pair(const char *value, char wwpn[FK_WWN_LEN + 1], char wwnn[FK_WWN_LEN + 1])
{
    if (strlen(value) != 2 * FK_WWN_LEN + 1 || value[FK_WWN_LEN] != ':' ||
        !fk_hex16(value) || !fk_hex16(value + FK_WWN_LEN + 1))
        return false;
    for (int i = 0; i < FK_WWN_LEN; i++) {
        wwpn[i] = (char)(value[i] | 0x20);
        wwnn[i] = (char)(value[FK_WWN_LEN + 1 + i] | 0x20);
    }
    wwpn[FK_WWN_LEN] = wwnn[FK_WWN_LEN] = '\0';
    return true;
}

/* Whether a file holds this WWN as the kernel prints it ("0x" + digits). */
static bool fk_has_wwn(const char *dir, const char *name, const char *wwn)
{
    char v[64];
    fk_read(dir, name, v, sizeof(v));
    return strncmp(v, "0x", 2) == 0 && strcasecmp(v + 2, wwn) == 0;
}

static bool fk_port_in_use(const char *wwpn)
{
    DIR *d = opendir("sys/class/fc_host");
    struct dirent *de;
    bool used = false;
    while (d && !used && (de = readdir(d))) {
        char dir[PATH_MAX];
        fk_fmt(dir, sizeof(dir), "sys/class/fc_host/%s", de->d_name);
        used = de->d_name[0] != '.' && fk_has_wwn(dir, "port_name", wwpn);
    }
    if (d)
        closedir(d);
    return used;
}

/* The highest N of the entries "<prefix>N" in dir, or -1. */
static long fk_highest(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    long best = -1;
    size_t pl = strlen(prefix);
    while (d && (de = readdir(d))) {
        char *end;
        if (strncmp(de->d_name, prefix, pl) != 0)
            continue;
        long n = strtol(de->d_name + pl, &end, 10);
        if (!*end && end != de->d_name + pl && n > best)
            best = n;
    }
    if (d)
        closedir(d);
    return best;
}

static void fk_count(const char *fcdir, int delta)
{
    char v[32];
    fk_read(fcdir, "npiv_vports_inuse", v, sizeof(v));
    fk_attr(fcdir, "npiv_vports_inuse", "%ld\n", strtol(v, NULL, 10) + delta);
}

/* The port a vport_create/vport_delete belongs to: from
 * "<dev>/hostH/<fc_host|scsi_host>/hostH/<file>", its device dir and fc_host
 * dir. false for any other layout. */
static bool fk_port_of(const char *path, char *devdir, char *fcdir, size_t size,
                       const char **host)
{
    char classdir[PATH_MAX];
    fk_up(path, 1, classdir, sizeof(classdir));
    fk_up(path, 3, devdir, size);
    *host = fk_base(devdir);
    if (strcmp(fk_base(classdir), *host) != 0)
        return false;
    fk_fmt(fcdir, size, "%s/fc_host/%s", devdir, *host);
    return fk_exists(fcdir);
}

/* ---- vport_create ------------------------------------------------------- */

/* hostM below vportdir, a vHBA of the port at devdir/fcdir. */
static void fk_make_vhba(const char *devdir, const char *fcdir, const char *vportdir,
                         long m, const char *wwpn, const char *wwnn)
{
    char host[32], hostdir[PATH_MAX], shdir[PATH_MAX], fchost[PATH_MAX], link[PATH_MAX];
    char v[256];
    fk_fmt(host, sizeof(host), "host%ld", m);
    fk_fmt(hostdir, sizeof(hostdir), "%s/%s", vportdir, host);
    fk_mkdirs(hostdir);
    fk_attr(hostdir, "uevent", "DEVTYPE=scsi_host\n");
    fk_fmt(link, sizeof(link), "%s/subsystem", hostdir);
    fk_link(link, "sys/bus/scsi");

    /* the same driver as the parent, logged in to the same fabric */
    fk_classdev(hostdir, "scsi_host", host, shdir, sizeof(shdir));
    fk_attr(shdir, "unique_id", "%ld\n", m);
    fk_fmt(v, sizeof(v), "%s/scsi_host/%s", devdir, fk_base(devdir));
    char proc[128];
    fk_read(v, "proc_name", proc, sizeof(proc));
    fk_attr(shdir, "proc_name", "%s\n", proc);
    fk_attr(shdir, "state", "running\n");

    fk_classdev(hostdir, "fc_host", host, fchost, sizeof(fchost));
    fk_attr(fchost, "node_name", "0x%s\n", wwnn);
    fk_attr(fchost, "port_name", "0x%s\n", wwpn);
    fk_read(fcdir, "fabric_name", v, sizeof(v));
    fk_attr(fchost, "fabric_name", "%s\n", v);
    fk_attr(fchost, "port_state", "Online\n");
    fk_attr(fchost, "port_type", "NPIV VPORT\n");
    fk_read(fcdir, "speed", v, sizeof(v));
    fk_attr(fchost, "speed", "%s\n", v);

    /* registered: bus, scsi_host, then fc_host, as scsi_add_host does */
    fk_fmt(link, sizeof(link), "sys/bus/scsi/devices/%s", host);
    fk_link(link, hostdir);
    fk_class_link("scsi_host", host, shdir);
    fk_class_link("fc_host", host, fchost);
}

void fk_on_vport_create(const char *path, const char *value)
{
    char devdir[PATH_MAX], fcdir[PATH_MAX], wwpn[FK_WWN_LEN + 1], wwnn[FK_WWN_LEN + 1];
    const char *host;
    if (!fk_port_of(path, devdir, fcdir, sizeof(devdir), &host)) {
        fk_say("vport_create %s: not an FC host's", path);
        return;
    }
    if (fk_find("vport", "ignore", host, NULL)) {
        fk_say("vport_create %s '%s': ignored (FAKE_KERNEL)", host, value);
        return;
    }
    if (!fk_pair(value, wwpn, wwnn)) {
        fk_say("vport_create %s '%s': not WWPN:WWNN (EINVAL)", host, value);
        return;
    }
    char v[32];
    fk_read(fcdir, "max_npiv_vports", v, sizeof(v));
    long max = strtol(v, NULL, 10);
    fk_read(fcdir, "npiv_vports_inuse", v, sizeof(v));
    if (strtol(v, NULL, 10) >= max) {
        fk_say("vport_create %s: all %ld vports in use (ENOSPC)", host, max);
        return;
    }
    if (fk_port_in_use(wwpn)) {
        fk_say("vport_create %s: wwpn %s in use (EEXIST)", host, wwpn);
        return;
    }
    long h = strtol(host + 4, NULL, 10);
    char prefix[64], vport[64], vportdir[PATH_MAX], fcv[PATH_MAX];
    fk_fmt(prefix, sizeof(prefix), "vport-%ld:0-", h);
    fk_fmt(vport, sizeof(vport), "%s%ld", prefix, fk_highest(devdir, prefix) + 1);
    long m = fk_highest("sys/class/scsi_host", "host") + 1;

    fk_count(fcdir, +1);
    fk_fmt(vportdir, sizeof(vportdir), "%s/%s", devdir, vport);
    fk_mkdirs(vportdir);
    fk_attr(vportdir, "uevent", "%s", "");
    fk_classdev(vportdir, "fc_vports", vport, fcv, sizeof(fcv));
    fk_attr(fcv, "node_name", "0x%s\n", wwnn);
    fk_attr(fcv, "port_name", "0x%s\n", wwpn);
    fk_attr(fcv, "vport_state", "Active\n");
    fk_attr(fcv, "vport_type", "NPIV\n");
    fk_attr(fcv, "roles", "FCP Initiator\n");
    fk_attr(fcv, "vport_delete", "%s", "");
    fk_attr(fcv, "vport_disable", "%s", "");
    fk_class_link("fc_vports", vport, fcv);
    fk_make_vhba(devdir, fcdir, vportdir, m, wwpn, wwnn);
    fk_watch_tree(vportdir);
    fk_say("vport_create %s: %s with host%ld (wwpn %s, wwnn %s)", host, vport, m, wwpn,
           wwnn);
}

/* ---- vport_delete -------------------------------------------------------- */

static const char *fk_gone_prefix;

static int fk_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    if (remove(path) < 0)
        fk_say("cannot remove %s: %s", path, strerror(errno));
    return 0;
}

/* Unlink every link in dir that resolves into fk_gone_prefix. */
static void fk_unlink_into(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t pl = strlen(fk_gone_prefix);
    while (d && (de = readdir(d))) {
        char target[PATH_MAX], link[PATH_MAX];
        if (de->d_name[0] == '.' || !fk_resolve(dir, de->d_name, target, sizeof(target)))
            continue;
        if (strncmp(target, fk_gone_prefix, pl) == 0 && (!target[pl] || target[pl] == '/')) {
            fk_fmt(link, sizeof(link), "%s/%s", dir, de->d_name);
            unlink(link);
        }
    }
    if (d)
        closedir(d);
}

/* Each dir "<top>/<entry>/<sub>" (sub NULL: "<top>/<entry>"). */
static void fk_each_sub(const char *top, const char *sub, void (*fn)(const char *dir))
{
    DIR *d = opendir(top);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        char dir[PATH_MAX];
        if (de->d_name[0] == '.')
            continue;
        fk_fmt(dir, sizeof(dir), "%s/%s%s%s", top, de->d_name, sub ? "/" : "",
                 sub ? sub : "");
        fn(dir);
    }
    if (d)
        closedir(d);
}

static void fk_unlink_drivers(const char *drivers)
{
    fk_each_sub(drivers, NULL, fk_unlink_into);
}

/* Unregister and remove the vport at vportdir (its vHBA, rports, LUNs). */
static void fk_remove_vport(const char *fcdir, const char *vportdir)
{
    fk_gone_prefix = vportdir;
    fk_each_sub("sys/class", NULL, fk_unlink_into);
    fk_each_sub("sys/bus", "devices", fk_unlink_into);
    fk_each_sub("sys/bus", "drivers", fk_unlink_drivers);
    /* uncounted before the directory goes: whoever waits for it to go
     * then reads the new count */
    fk_count(fcdir, -1);
    /* the whole vport vanishes at once (moved out of sys/, then removed):
     * whoever sees the vHBA gone sees nothing of it left */
    static unsigned long trash_no;
    char trash[64];
    fk_fmt(trash, sizeof(trash), ".fake_kernel_trash.%lu", trash_no++);
    if (rename(vportdir, trash) < 0) {
        fk_say("cannot move %s away: %s", vportdir, strerror(errno));
        return;
    }
    nftw(trash, fk_rm, 16, FTW_DEPTH | FTW_PHYS);
    fk_say("vport_delete: removed %s", vportdir);
}

/* The vport of the port at devdir whose names are wwpn and wwnn. */
static bool fk_find_vport(const char *devdir, const char *wwpn, const char *wwnn,
                          char *out, size_t size)
{
    DIR *d = opendir(devdir);
    struct dirent *de;
    bool found = false;
    while (d && !found && (de = readdir(d))) {
        char fcv[PATH_MAX];
        if (strncmp(de->d_name, "vport-", 6) != 0)
            continue;
        fk_fmt(fcv, sizeof(fcv), "%s/%s/fc_vports/%s", devdir, de->d_name, de->d_name);
        if (fk_has_wwn(fcv, "port_name", wwpn) && fk_has_wwn(fcv, "node_name", wwnn)) {
            fk_fmt(out, size, "%s/%s", devdir, de->d_name);
            found = true;
        }
    }
    if (d)
        closedir(d);
    return found;
}

void fk_on_vport_delete(const char *path, const char *value)
{
    char devdir[PATH_MAX], fcdir[PATH_MAX], vportdir[PATH_MAX];
    const char *host;
    /* a vport's own vport_delete: <dev>/hostH/vport-…/fc_vports/vport-…/vport_delete */
    if (strstr(path, "/fc_vports/")) {
        fk_up(path, 3, vportdir, sizeof(vportdir));
        fk_up(vportdir, 1, devdir, sizeof(devdir));
        host = fk_base(devdir);
        fk_fmt(fcdir, sizeof(fcdir), "%s/fc_host/%s", devdir, host);
    } else if (fk_port_of(path, devdir, fcdir, sizeof(devdir), &host)) {
        char wwpn[FK_WWN_LEN + 1], wwnn[FK_WWN_LEN + 1];
        if (fk_find("vport", "ignore", host, NULL)) {
            fk_say("vport_delete %s '%s': ignored (FAKE_KERNEL)", host, value);
            return;
        }
        if (!fk_pair(value, wwpn, wwnn)) {
            fk_say("vport_delete %s '%s': not WWPN:WWNN (EINVAL)", host, value);
            return;
        }
        if (!fk_find_vport(devdir, wwpn, wwnn, vportdir, sizeof(vportdir))) {
            fk_say("vport_delete %s: no vport %s:%s (ENOENT)", host, wwpn, wwnn);
            return;
        }
    } else {
        fk_say("vport_delete %s: not an FC host's or a vport's", path);
        return;
    }
    if (fk_find("vport", "ignore", host, NULL)) {
        fk_say("vport_delete %s: ignored (FAKE_KERNEL)", vportdir);
        return;
    }
    fk_remove_vport(fcdir, vportdir);
}

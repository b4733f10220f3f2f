/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PCI passthrough (DESIGN §9): hand a function to a stub driver (vfio-pci
 * or pci-stub) and back to the host. driver_override makes the kernel
 * match only the named driver, so the host driver cannot win the probe
 * that follows its unbind; drivers_probe then binds it.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "detach.h"

#define ND_PCI_DRIVERS "sys/bus/pci/drivers"
#define ND_PCI_PROBE "sys/bus/pci/drivers_probe"

/* Drivers that hold a device for a VM; anything else is a host driver. */
static bool nd_is_stub(const char *drv)
{
    return strcmp(drv, "vfio-pci") == 0 || strcmp(drv, "pci-stub") == 0;
}

/* "vfio-pci" when driver_override names it, "" when unset (the kernel
 * shows "(null)") or when the attribute cannot be read. */
static void nd_read_override(const nd_detach_dev *t, char buf[ND_ATTR_MAX + 1])
{
    if (nd_detach_read_attr(t->root, t->path, "driver_override", buf) < 0 ||
        strcmp(buf, "(null)") == 0)
        buf[0] = '\0';
}

/* Put driver_override back as it was after a failed detach; false when
 * that write failed too. */
static bool nd_restore_override(const nd_detach_dev *t, const char *ovr_path,
                                const char *old)
{
    return nd_root_write(t->root, ovr_path, *old ? old : "\n") == 0;
}

/* Append the members of the device's IOMMU group that a host driver still
 * holds to out, as "0000:01:00.1 (pci_10de_10f0, snd_hda_intel)". 0, or
 * -1 with the error set. *group is the group's number ("" without one). */
static int nd_group_blockers(const nd_detach_dev *t, char *group, size_t gsize,
                             char *out, size_t osize)
{
    *group = *out = '\0';
    int fd = nd_root_open_dir(t->root, t->path);
    if (fd < 0)
        return nd_error_errno(-fd, "cannot detach %s: cannot open /%s", t->name, t->path);
    char *gdir = NULL;
    int e = nd_root_resolve_link(t->root, fd, t->path, "iommu_group", &gdir);
    close(fd);
    if (e == -ENOENT)
        return 0;    /* no IOMMU group: nothing shares it (vfio-pci will refuse) */
    if (e < 0)
        return nd_error_errno(-e, "cannot detach %s: cannot read /%s/iommu_group",
                              t->name, t->path);
    snprintf(group, gsize, "%s", nd_detach_basename(gdir));
    char members[PATH_MAX];
    snprintf(members, sizeof(members), "%s/devices", gdir);
    free(gdir);

    int lfd = nd_root_opendir(t->root->fd, members, true);
    int mfd = nd_root_open_dir(t->root, members);
    DIR *dir = lfd >= 0 ? fdopendir(lfd) : NULL;
    if (!dir || mfd < 0) {
        int err = lfd < 0 ? -lfd : mfd < 0 ? -mfd : errno;
        if (lfd >= 0 && !dir)
            close(lfd);
        if (mfd >= 0)
            close(mfd);
        if (dir)
            closedir(dir);
        return nd_error_errno(err, "cannot detach %s: cannot list /%s", t->name, members);
    }
    struct dirent *de;
    size_t used = 0;
    while ((de = readdir(dir))) {
        if (de->d_name[0] == '.' || strcmp(de->d_name, t->sysname) == 0)
            continue;
        char *member = NULL, *drv_dir = NULL;
        if (nd_root_resolve_link(t->root, mfd, members, de->d_name, &member) < 0)
            continue;    /* a dangling member is no device */
        if (nd_detach_driver_of(t->root, member, &drv_dir) == 0 && drv_dir &&
            !nd_is_stub(nd_detach_basename(drv_dir)) && used < osize) {
            char *name = nd_detach_name_of(t->conn, member);
            int n = snprintf(out + used, osize - used, "%s%s (%s%s%s)",
                             used ? ", " : "", de->d_name, name ? name : "",
                             name ? ", " : "", nd_detach_basename(drv_dir));
            used += n > 0 ? (size_t)n : 0;
            free(name);
        }
        free(drv_dir);
        free(member);
    }
    closedir(dir);
    close(mfd);
    return 0;
}

/* Why the stub did not end up holding the device, with what to try. */
static int nd_stub_did_not_bind(const nd_detach_dev *t, const char *stub,
                                const char *was)
{
    char *now_dir = NULL;
    nd_detach_driver_of(t->root, t->path, &now_dir);
    char state[256];
    if (now_dir)
        snprintf(state, sizeof(state), "it is bound to %s", nd_detach_basename(now_dir));
    else
        snprintf(state, sizeof(state), "it has no driver");
    free(now_dir);
    char hint[64];
    int fd = nd_root_open_dir(t->root, t->path);
    bool has_group = false;
    if (fd >= 0) {
        char *g = NULL;
        has_group = nd_root_resolve_link(t->root, fd, t->path, "iommu_group", &g) == 0;
        free(g);
        close(fd);
    }
    snprintf(hint, sizeof(hint), "%s",
             !has_group && strcmp(stub, "vfio-pci") == 0
                 ? " (it has no IOMMU group: is the IOMMU enabled?)" : "");
    return nd_error(ND_ERR_SYSTEM,
                    "cannot detach %s: %s%s%s%s did not bind it within %d ms and %s%s; "
                    "the kernel log says why; 'nodedev reattach %s' gives it back "
                    "to the host", t->name, was ? "unbound from " : "",
                    was ? was : "", was ? ", but " : "", stub, nd_detach_timeout_ms(), state,
                    hint, t->name);
}

int nd_detach_pci(const nd_detach_dev *t, const char *stub, unsigned flags)
{
    if (!stub)
        stub = "vfio-pci";
    if (!nd_is_stub(stub))
        return nd_error(ND_ERR_INVALID_ARG, "cannot detach %s: '%s' is not a stub "
                        "driver (vfio-pci or pci-stub)", t->name, stub);
    char *drv_dir = NULL;
    int e = nd_detach_driver_of(t->root, t->path, &drv_dir);
    if (e < 0)
        return nd_error_errno(-e, "cannot detach %s: cannot read /%s/driver", t->name,
                              t->path);
    const char *drv = drv_dir ? nd_detach_basename(drv_dir) : NULL;
    if (drv && strcmp(drv, stub) == 0) {
        free(drv_dir);
        return 0;    /* already where it should go: nothing to write */
    }

    /* Everything that can be checked is checked before the first write. */
    char path[PATH_MAX], ovr_path[PATH_MAX];
    int rc = -1;
    snprintf(path, sizeof(path), ND_PCI_DRIVERS "/%s", stub);
    snprintf(ovr_path, sizeof(ovr_path), "%s/driver_override", t->path);
    if (!nd_root_exists(t->root, path)) {
        nd_error(ND_ERR_UNSUPPORTED, "cannot detach %s: the stub driver %s is not "
                 "loaded (/%s is absent; 'modprobe %s' loads it)", t->name, stub, path,
                 stub);
        goto out;
    }
    if (!nd_root_exists(t->root, ovr_path)) {
        nd_error(ND_ERR_UNSUPPORTED, "cannot detach %s: /%s is absent (the kernel "
                 "is older than 3.16)", t->name, ovr_path);
        goto out;
    }
    if (!(flags & ND_DETACH_FORCE)) {
        char group[64], blockers[1024];
        if (nd_group_blockers(t, group, sizeof(group), blockers, sizeof(blockers)) < 0)
            goto out;
        if (*blockers) {
            nd_error(ND_ERR_UNSUPPORTED, "cannot detach %s: IOMMU group %s also holds "
                     "%s, still bound to host drivers; a virtual machine can only be "
                     "given the whole group: detach those first, or force", t->name,
                     group, blockers);
            goto out;
        }
    }

    char old[ND_ATTR_MAX + 1];
    nd_read_override(t, old);
    if (nd_detach_write(t, ovr_path, stub, "cannot detach %s", t->name) < 0)
        goto out;

    if (drv) {
        snprintf(path, sizeof(path), "%s/unbind", drv_dir);
        if (nd_root_write(t->root, path, t->sysname) < 0) {
            nd_detach_err err;
            nd_detach_err_save(&err);
            bool restored = nd_restore_override(t, ovr_path, old);
            nd_detach_err_raise(&err, "cannot detach %s (still bound to %s%s)", t->name,
                                drv, restored ? "" : "; its driver_override still "
                                "names the stub: reattach clears it");
            goto out;
        }
        char *devs[] = { t->path };
        if (nd_detach_wait_all(t->root, devs, 1, false) < 0) {
            nd_restore_override(t, ovr_path, old);
            nd_error(ND_ERR_SYSTEM, "cannot detach %s: wrote '%s' to /%s, but %s "
                     "still holds it after %d ms", t->name, t->sysname, path, drv,
                     nd_detach_timeout_ms());
            goto out;
        }
    }

    /* From here on the host driver is gone: a failure says how to undo it. */
    char state[512];
    if (drv)
        snprintf(state, sizeof(state), "%s is unbound from %s but not bound to %s",
                 t->name, drv, stub);
    else
        snprintf(state, sizeof(state), "%s is not bound to %s", t->name, stub);
    if (nd_detach_write(t, ND_PCI_PROBE, t->sysname, "%s ('nodedev reattach %s' gives "
                        "it back to the host)", state, t->name) < 0)
        goto out;
    char *devs[] = { t->path };
    nd_detach_wait_all(t->root, devs, 1, true);
    char *now_dir = NULL;
    nd_detach_driver_of(t->root, t->path, &now_dir);
    bool ok = now_dir && strcmp(nd_detach_basename(now_dir), stub) == 0;
    free(now_dir);
    rc = ok ? 0 : nd_stub_did_not_bind(t, stub, drv);
out:
    free(drv_dir);
    return rc;
}

int nd_reattach_pci(const nd_detach_dev *t)
{
    char *drv_dir = NULL;
    int e = nd_detach_driver_of(t->root, t->path, &drv_dir);
    if (e < 0)
        return nd_error_errno(-e, "cannot reattach %s: cannot read /%s/driver", t->name,
                              t->path);
    const char *drv = drv_dir ? nd_detach_basename(drv_dir) : NULL;
    bool on_stub = drv && nd_is_stub(drv);
    char ovr[ND_ATTR_MAX + 1], path[PATH_MAX];
    nd_read_override(t, ovr);
    int rc = -1;

    /* A newline clears the override: the kernel matches by id again. */
    snprintf(path, sizeof(path), "%s/driver_override", t->path);
    if (*ovr && nd_detach_write(t, path, "\n", "cannot reattach %s", t->name) < 0)
        goto out;
    if (on_stub) {
        snprintf(path, sizeof(path), "%s/unbind", drv_dir);
        if (nd_detach_write(t, path, t->sysname, "cannot reattach %s (still bound "
                            "to %s)", t->name, drv) < 0)
            goto out;
        char *devs[] = { t->path };
        if (nd_detach_wait_all(t->root, devs, 1, false) < 0) {
            nd_error(ND_ERR_SYSTEM, "cannot reattach %s: wrote '%s' to /%s, but %s "
                     "still holds it after %d ms", t->name, t->sysname, path, drv,
                     nd_detach_timeout_ms());
            goto out;
        }
    }
    if (on_stub || !drv) {
        if (nd_detach_write(t, ND_PCI_PROBE, t->sysname, "cannot reattach %s (it has "
                            "no driver now; reattaching again retries)", t->name) < 0)
            goto out;
        char *devs[] = { t->path };
        nd_detach_wait_settled(t->root, devs, 1);
    }
    rc = 0;
out:
    free(drv_dir);
    return rc;
}

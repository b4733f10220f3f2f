/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Hostile trees (issue 9): a fixture copied into a scratch directory and
 * perturbed, deterministically from a seed, the way a broken kernel, a
 * malicious USB device or a tampered capture could leave a root.
 *
 * The scratch directory DIR ends up holding
 *   DIR/root/          the perturbed root (sys/, run/, proc/)
 *   DIR/CANARY         a regular file that links in root/ point at
 *   DIR/CANARYDIR/     a device-like directory (ids, DMI files, id/) that
 *                      links in root/ point at
 * nodedev --root DIR/root must never open anything but DIR/root and what
 * lies below it; the property test watches CANARY, CANARYDIR and DIR
 * with inotify while it runs.
 */
#ifndef ND_PERTURB_H
#define ND_PERTURB_H

#include <stdint.h>
#include <stdio.h>

#define ND_HOSTILE_ROOT "root"
#define ND_HOSTILE_CANARY "CANARY"
#define ND_HOSTILE_CANARY_DIR "CANARYDIR"
#define ND_HOSTILE_CANARY_SUBDIR "CANARYDIR/id"

/* Copy `fixture` (a directory holding sys/ …; paths listed in its
 * UNREADABLE file become mode 000) to DIR/root, make the canaries, then
 * apply the seed's perturbations, one line each to `log` (may be NULL).
 * DIR must exist and be empty. Never follows a symlink while writing, so
 * nothing outside DIR is touched. The number of perturbations applied, or
 * -1 with errno set when the copy failed. */
int nd_perturb(const char *fixture, const char *dir, uint64_t seed, FILE *log);

/* Remove `path` and everything below it, whatever its depth (the deep
 * chains exceed PATH_MAX) and modes; symlinks are removed, never followed.
 * 0, or -1 with errno set. */
int nd_hostile_rmtree(const char *path);

#endif

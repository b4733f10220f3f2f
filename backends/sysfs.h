/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ND_SYSFS_H
#define ND_SYSFS_H
#include "internal.h"

extern const nd_source_ops nd_sysfs_ops;

/* Called once per bus/class entry that resolves to a device dir below
 * sys/devices; path is root-relative and only valid during the call. */
typedef void (*nd_found_fn)(void *ctx, const char *path, const nd_probe *probe);
int nd_sysfs_enumerate(nd_root *root, nd_found_fn found, void *ctx);
/* Sorted entries of a directory below dirfd. */
int nd_sysfs_list_dir(int dirfd, const char *rel, bool follow, char ***names,
                      size_t *n);
#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ND_SYSFS_H
#define ND_SYSFS_H
#include "internal.h"

extern const nd_source_ops nd_sysfs_ops;

/* Sorted entries of a directory below dirfd. */
int nd_sysfs_list_dir(int dirfd, const char *rel, bool follow, char ***names,
                      size_t *n);
#endif

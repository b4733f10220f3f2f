/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the block probe's two halves share: backends/block.c (entry point,
 * partitions, volumes) and backends/block_storage.c (whole disks). */
#ifndef ND_BLOCK_H
#define ND_BLOCK_H

#include "internal.h"

/* Attribute rel, a count of 512-byte sectors (as the block layer counts
 * `size` and `start`, whatever the disk's own sector size), in bytes.
 * false when absent, or not a number (reported naming the file). */
bool nd_block_bytes(nd_raw *raw, const char *rel, unsigned long long *bytes);

/* <fstype>, <uuid>, <label> of a volume from the udev database (blkid's
 * ID_FS_TYPE, ID_FS_UUID, ID_FS_LABEL), those that are known. */
void nd_block_add_fs(nd_raw *raw, nd_node *volume);

/* A whole disk: capability storage, and volume when the whole disk
 * carries a filesystem. */
int nd_block_storage(nd_raw *raw, nd_dev *dev);

#endif

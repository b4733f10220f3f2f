/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What tests/fake_kernel.c shares with the handlers kept in files of their
 * own (tests/fake_kernel_npiv.c): logging, the facts of the root's
 * FAKE_KERNEL file, paths and links as sysfs writes them, and watching
 * what a handler creates. All paths are relative to the root (the fake
 * kernel's working directory).
 */
#ifndef ND_FAKE_KERNEL_H
#define ND_FAKE_KERNEL_H

#include <stdbool.h>
#include <stddef.h>

/* A line in the log ("fake_kernel: …"). */
void fk_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A FAKE_KERNEL fact "KIND A B C" (driver NULL: any C), or NULL. */
typedef struct fk_fact fk_fact;
const fk_fact *fk_find(const char *kind, const char *bus, const char *dev,
                       const char *driver);

/* The symlink dir/name resolved lexically to a root-relative path. */
bool fk_resolve(const char *dir, const char *name, char *out, size_t size);
/* A relative symlink `link` -> `to`, as sysfs makes them. */
void fk_link(const char *link, const char *to);
bool fk_exists(const char *path);
/* Watch every handled attribute below dir (after creating it). */
void fk_watch_tree(const char *dir);

/* NPIV (tests/fake_kernel_npiv.c): vport_create and vport_delete of an
 * fc_host (or scsi_host), and vport_delete of an fc_vports entry. */
void fk_on_vport_create(const char *path, const char *value);
void fk_on_vport_delete(const char *path, const char *value);

#endif

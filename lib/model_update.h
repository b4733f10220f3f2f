/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A model changed one device at a time (issue 6): what the monitor does
 * with a hotplug event instead of a rescan. The caller holds the
 * connection's write lock around every call.
 *
 * Names: a device keeps its name for as long as it stays; a new one takes
 * its body, or the first free "<body>_<k>" (k from 0). That can differ
 * from what a scan would give (a scan names in path order, so a new
 * device whose path sorts first would take the bare body), which is why a
 * full refresh gives the canonical names again (DESIGN §4).
 *
 * Costs: lookups are binary searches; inserting into or removing from the
 * two sorted arrays (m->devs by path, m->by_name by name) moves the tail of
 * the array with memmove, O(n) pointer moves per device but no rescan and
 * no re-sort: a few microseconds even at 100k devices. The arena only
 * grows, so what removed and replaced devices leave behind is counted and
 * the live devices are copied into a fresh arena once that garbage
 * outweighs them (amortised O(1) per event, memory bounded by about twice
 * the live model).
 */
#ifndef ND_MODEL_UPDATE_H
#define ND_MODEL_UPDATE_H
#include "internal.h"

/* What happened to which device, for the callbacks (after the lock). */
typedef struct nd_change {
    int action;            /* ndEventAction */
    char *name, *key;      /* malloc'd */
} nd_change;

typedef struct nd_changes {
    nd_change *v;
    size_t n, cap;
} nd_changes;

void nd_changes_free(nd_changes *ch);

/* Bookkeeping beside one model; re-attached (and reset) when a refresh
 * has put another model in place. */
typedef struct nd_model_upd {
    nd_model *model;
    unsigned long generation;   /* the connection's, when attached: a
                                   refreshed model may reuse an address */
    size_t devs_cap, by_name_cap;
    size_t garbage;        /* arena bytes no live device uses */
    unsigned long compactions;
} nd_model_upd;

/* Work on m, the model of the connection's refresh `generation`. */
void nd_model_upd_attach(nd_model_upd *u, nd_model *m, unsigned long generation);

/* The device at path ("/sys/devices/…"), or NULL. */
nd_dev *nd_model_find(const nd_model *m, const char *path);
/* The parent rule (DESIGN §3): the device of the nearest directory above
 * path, else computer. A scan gives every device its parent with it too. */
nd_dev *nd_nearest_ancestor(const nd_model *m, const char *path);

/* Add probed (a device from nd_scan_one, in any arena: it is copied) under
 * its nearest modelled ancestor (computer when none), named as above.
 * Modelled devices below it whose parent was above it move under it (a
 * child seen before its parent). Records "added" (and "changed" for the
 * moved ones). The new device, or NULL (out of memory, error set). */
nd_dev *nd_model_insert(nd_model_upd *u, const nd_dev *probed, nd_changes *ch);

/* Give cur what a new probe found (driver, bus, capabilities); its name,
 * key and place stay. Records "changed". */
void nd_model_replace(nd_model_upd *u, nd_dev *cur, const nd_dev *probed,
                      nd_changes *ch);

/* Remove d with every device below it (subtree), or d alone with its
 * children moving to d's parent. Records "removed" (children first) and
 * "changed" for moved children. */
void nd_model_remove(nd_model_upd *u, nd_dev *d, bool subtree, nd_changes *ch);

/* Copy the live devices into a fresh arena when the garbage calls for it
 * (force: now). */
void nd_model_compact(nd_model_upd *u, bool force);

#endif

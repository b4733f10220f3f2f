/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * NPIV (DESIGN §6, §9), shared by backends/npiv.c (create and destroy) and
 * backends/npiv_wwn.c (the WWNs the host already uses, new ones, finding
 * a vHBA by its port name). Everything here reads the tree below the
 * root afresh: the model may be older than the kernel's state, and a WWN
 * or a free vport slot must be checked against what is there now.
 */
#ifndef ND_NPIV_H
#define ND_NPIV_H

#include "internal.h"

/* The OUI of generated WWNs: 00:1a:4a (Qumranet, QEMU/KVM's), already
 * used for virtual FC ports by KVM management tools, so an administrator
 * zoning the SAN recognises a generated port as virtual. */
#define ND_NPIV_OUI "001a4a"

/* Every WWN (port and node names) of the host's FC ports and vports:
 * sys/class/fc_host/NAME and sys/class/fc_vports/NAME. */
typedef struct nd_wwn_set {
    size_t n;
    struct nd_wwn_use {
        char wwn[ND_WWN_BUF];
        char owner[64];             /* "host7", "vport-7:0-0" */
        const char *attr;           /* "port_name" or "node_name" */
    } *use;
} nd_wwn_set;

/* 0, or -1 with the error set (out of memory). Unreadable or malformed
 * names are skipped: they cannot be compared anyway, and the scan warns
 * about them. */
int nd_wwn_set_load(const nd_root *r, nd_wwn_set *s);
void nd_wwn_set_free(nd_wwn_set *s);
/* Who uses wwn (normalised), or NULL. */
const struct nd_wwn_use *nd_wwn_set_find(const nd_wwn_set *s, const char *wwn);

/* A fresh NAA 5 WWN (ND_NPIV_OUI, 36 random bits from getrandom) used by
 * nobody in s and different from `avoid` (may be NULL). 0 or -1. */
int nd_npiv_wwn_generate(const nd_wwn_set *s, const char *avoid, char out[ND_WWN_BUF]);

/* The class entry name ("host13") of the fc_host whose port_name is wwpn
 * and which is a SCSI host too (sys/class/scsi_host/<name>): the vHBA the
 * kernel made. true when found. Cheap: one directory, one file each. */
bool nd_npiv_find_port(const nd_root *r, const char *wwpn, char name[64]);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Parsers of the text the network probe reads (backends/net.c). Pure
 * functions over a NUL-terminated string: no I/O, no allocation, so a
 * fuzz target can call them directly with arbitrary bytes.
 */
#ifndef ND_NET_PARSE_H
#define ND_NET_PARSE_H

#include <stdbool.h>
#include <stddef.h>

/* The longest hardware address the kernel has (MAX_ADDR_LEN 32 octets) as
 * "xx:" * 32, NUL included. */
#define ND_MAC_TEXT_MAX (32 * 3)

/*
 * A hardware address as sysfs's `address` prints it: octets of two hex
 * digits joined by ':' (any case accepted). Writes it lowercased to out
 * (ND_MAC_TEXT_MAX bytes) and whether every octet is zero. False when s
 * is not such an address (empty included).
 */
bool nd_mac_parse(const char *s, char out[ND_MAC_TEXT_MAX], bool *all_zero);

/*
 * The next word of a blank-separated list (bonding/slaves, bonding/mode):
 * its start, with *len set, and *cursor moved past it; NULL when no word
 * is left. Blanks are space, tab, CR and LF.
 */
const char *nd_word_next(const char **cursor, size_t *len);

/* One interface's line of /proc/net/vlan/config. */
typedef struct nd_vlan_entry {
    bool has_id;            /* the VLAN ID field is a number 0..4095 */
    unsigned id;
    const char *lower;      /* into the text; NULL when the field is bad */
    size_t lower_len;
} nd_vlan_entry;

/*
 * Looks ifname up in the text of /proc/net/vlan/config, which the kernel
 * (net/8021q/vlanproc.c) writes as two header lines, then one line per
 * VLAN device: "<name padded> | <id>  | <lower device>". True when ifname
 * has a line (the first one counts), with *e filled from it; a field that
 * does not parse is marked bad in *e rather than failing the lookup, so
 * the device still counts as a VLAN.
 */
bool nd_vlan_config_find(const char *text, const char *ifname, nd_vlan_entry *e);

#endif

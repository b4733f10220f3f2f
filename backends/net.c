/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Network interfaces, the entries of sys/class/net (DESIGN §3–§5, §13):
 * capability net with <hwaddr>, <name> and exactly one nested link type
 * chosen by the ARPHRD `type`; named net_<MAC>, or by the HAL rule for a
 * missing or all-zero MAC.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/hash.h>
#include "internal.h"
#include "net_parse.h"

/* ARPHRD_* of include/uapi/linux/if_arp.h that have a link type. */
#define ARPHRD_ETHER 1
#define ARPHRD_LOOPBACK 772

#define VLAN_CONFIG "proc/net/vlan/config"
/* 4094 VLANs per lower device at about 40 bytes a line, several lowers. */
#define VLAN_CONFIG_MAX (1024 * 1024)

/* The interface's line of proc/net/vlan/config, when it has one. */
typedef struct vlan_info {
    bool listed;
    nd_vlan_entry entry;
    char *text;                 /* what entry points into, outside a scan;
                                   malloc'd */
} vlan_info;

/* The whole table, malloc'd ("" when absent), or NULL. */
static char *vlan_config_read(nd_raw *raw)
{
    char *text = malloc(VLAN_CONFIG_MAX + 1);
    if (!text)
        return NULL;
    int r = raw->ops->root_read(raw, VLAN_CONFIG, text, VLAN_CONFIG_MAX);
    if (r < 0) {
        /* no 8021q module (or no proc/ in a fixture) is normal */
        if (r != -ENOENT)
            nd_warn(raw->root, "/%s: cannot read: %s", VLAN_CONFIG, strerror(-r));
        text[0] = '\0';
    }
    return text;
}

/* What ends a line's first word: nd_vlan_config_find takes a line for
 * ifname when it starts with ifname, then blanks (space, tab), then '|'. */
#define VLAN_WORD_END " \t|\n"

/* In a scan the table is read once, not once per Ethernet device (a host
 * with thousands of them read and searched a megabyte for each), and its
 * lines are indexed by their first word, the first line of each word
 * kept. A line can only match a name free of VLAN_WORD_END if its first
 * word is that name, so the search may start at the first such line and
 * still finds the line a search from the top finds. */
static void vlan_config_load(nd_raw *raw, nd_scan_cache *sc)
{
    char *text = vlan_config_read(raw);
    if (!text)
        return;
    char *small = realloc(text, strlen(text) + 1);
    sc->vlan_text = small ? small : text;
    if (!(sc->vlan_lines = xmlHashCreate(64)))
        return;   /* searched from the top */
    for (const char *l = sc->vlan_text; *l;) {
        size_t n = strcspn(l, VLAN_WORD_END);
        xmlChar *word = n ? xmlStrndup((const xmlChar *)l, (int)n) : NULL;
        if (n && (!word || (!xmlHashLookup(sc->vlan_lines, word) &&
                            xmlHashAddEntry(sc->vlan_lines, word, (void *)l) < 0))) {
            xmlHashFree(sc->vlan_lines, NULL);   /* an incomplete index would miss */
            sc->vlan_lines = NULL;
        }
        xmlFree(word);
        if (!sc->vlan_lines)
            return;
        l = strchrnul(l, '\n');
        if (*l)
            l++;
    }
}

static void vlan_lookup(nd_raw *raw, vlan_info *v)
{
    memset(v, 0, sizeof(*v));
    nd_scan_cache *sc = raw->scan;
    if (!sc) {
        v->text = vlan_config_read(raw);
        v->listed = v->text && nd_vlan_config_find(v->text, raw->sysname, &v->entry);
        return;
    }
    if (!sc->vlan_text)
        vlan_config_load(raw, sc);
    const char *from = sc->vlan_text;
    if (from && sc->vlan_lines && !raw->sysname[strcspn(raw->sysname, VLAN_WORD_END)])
        from = xmlHashLookup(sc->vlan_lines, (const xmlChar *)raw->sysname);
    v->listed = from && nd_vlan_config_find(from, raw->sysname, &v->entry);
}

/* Whether a name the kernel gave (a bridge port, a bond slave) is an
 * interface of this tree. */
static bool net_exists(nd_raw *raw, const char *ifname, size_t len)
{
    char path[sizeof("sys/class/net/") + ND_ATTR_MAX];
    if (len >= ND_ATTR_MAX || memchr(ifname, '/', len))
        return false;
    memcpy(path, "sys/class/net/", 14);
    memcpy(path + 14, ifname, len);
    path[14 + len] = '\0';
    return nd_raw_root_exists(raw, path);
}

/* <port> per brif/ entry, in byte order; an entry naming no interface is
 * left out (the kernel makes one per port, so it is a broken tree). */
static void fill_bridge(nd_raw *raw, nd_node *cap, vlan_info *v)
{
    (void)v;
    char **names;
    size_t n;
    if (nd_raw_list(raw, "brif", &names, &n) < 0)
        return;
    nd_node *last = NULL;   /* a bridge may have a thousand ports */
    for (size_t i = 0; i < n; i++) {
        const char *port = names[i];
        if (net_exists(raw, port, strlen(port)))
            last = last ? nd_node_add_after(raw->arena, last, "port", port)
                        : nd_node_add(raw->arena, cap, "port", port);
        else
            nd_raw_warn(raw, nd_arena_printf(raw->arena, "brif/%s", names[i]),
                        "port \"%s\" is not in /sys/class/net; left out", names[i]);
    }
    nd_strv_free(names, n);
}

static char *arena_strndup(nd_arena *a, const char *s, size_t len)
{
    char *d = nd_arena_alloc(a, len + 1);
    memcpy(d, s, len);
    return d;
}

/* <mode>: the first word of bonding/mode ("active-backup 1"); a <slave>
 * per word of bonding/slaves in file order. A slave missing from the tree
 * is still listed, as the kernel's word, but reported. */
static void fill_bond(nd_raw *raw, nd_node *cap, vlan_info *v)
{
    (void)v;
    char buf[ND_ATTR_MAX + 1];
    const char *cur, *w;
    size_t len;
    if (nd_raw_attr(raw, "bonding/mode", buf) >= 0) {
        cur = buf;
        if ((w = nd_word_next(&cur, &len)))
            nd_node_add(raw->arena, cap, "mode", arena_strndup(raw->arena, w, len));
    }
    if (nd_raw_attr(raw, "bonding/slaves", buf) < 0)
        return;
    cur = buf;
    nd_node *last = NULL;   /* up to 2048 of them in 4 KiB */
    while ((w = nd_word_next(&cur, &len))) {
        const char *slave = arena_strndup(raw->arena, w, len);
        if (!net_exists(raw, w, len))
            nd_raw_warn(raw, "bonding/slaves", "slave \"%s\" is not in /sys/class/net",
                        slave);
        last = last ? nd_node_add_after(raw->arena, last, "slave", slave)
                    : nd_node_add(raw->arena, cap, "slave", slave);
    }
}

/* The lower device from the one lower_<name> link a VLAN device has; NULL
 * when there is none or more than one (then it is not ours to guess). */
static const char *vlan_lower_link(nd_raw *raw)
{
    char **names;
    size_t n;
    const char *lower = NULL, *found = NULL;
    if (nd_raw_list(raw, ".", &names, &n) < 0)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(names[i], "lower_", 6) != 0)
            continue;
        if (found) {
            found = NULL;
            lower = NULL;
            break;
        }
        found = names[i];
        lower = nd_raw_link_name(raw, names[i]);
    }
    nd_strv_free(names, n);
    return lower && *lower ? lower : NULL;
}

/* <id> and <lower> from proc/net/vlan/config; lower else from the link. */
static void fill_vlan(nd_raw *raw, nd_node *cap, vlan_info *v)
{
    const char *lower = NULL;
    if (v->listed) {
        const nd_vlan_entry *e = &v->entry;
        if (e->has_id)
            nd_node_addf(raw->arena, cap, "id", "%u", e->id);
        if (e->lower)
            lower = arena_strndup(raw->arena, e->lower, e->lower_len);
        if (!e->has_id || !e->lower)
            nd_warn(raw->root, "/%s: the line of %s has a bad %s; left out",
                    VLAN_CONFIG, raw->sysname,
                    !e->has_id && !e->lower ? "VLAN ID and device"
                    : !e->has_id            ? "VLAN ID"
                                            : "device");
    }
    if (!lower)
        lower = vlan_lower_link(raw);
    if (lower)
        nd_node_add(raw->arena, cap, "lower", lower);
}

static void fill_none(nd_raw *raw, nd_node *cap, vlan_info *v)
{
    (void)raw, (void)cap, (void)v;
}

typedef struct link_type {
    const char *name;           /* capability type, name suffix */
    void (*fill)(nd_raw *raw, nd_node *cap, vlan_info *v);
} link_type;

static const link_type LOOPBACK = { "loopback", fill_none };
static const link_type WLAN = { "80211", fill_none };
static const link_type BRIDGE = { "bridge", fill_bridge };
static const link_type BOND = { "bond", fill_bond };
static const link_type VLAN = { "vlan", fill_vlan };
static const link_type ETHER = { "80203", fill_none };

/* DESIGN §13: by ARPHRD type; an Ethernet-type interface is told apart by
 * what the kernel puts in its directory, in this order. NULL: no type
 * (tun, ppp, infiniband, or an unreadable type). */
static const link_type *link_type_of(nd_raw *raw, vlan_info *v)
{
    unsigned long type;
    if (nd_raw_attr_ulong(raw, "type", 10, &type) < 0)
        return NULL;
    if (type == ARPHRD_LOOPBACK)
        return &LOOPBACK;
    if (type != ARPHRD_ETHER)
        return NULL;
    if (nd_raw_exists(raw, "phy80211") || nd_raw_exists(raw, "wireless"))
        return &WLAN;
    if (nd_raw_exists(raw, "bridge"))
        return &BRIDGE;
    if (nd_raw_exists(raw, "bonding"))
        return &BOND;
    const char *devtype = nd_raw_uevent(raw, "DEVTYPE");
    vlan_lookup(raw, v);
    if ((devtype && strcmp(devtype, "vlan") == 0) || v->listed)
        return &VLAN;
    return &ETHER;
}

int nd_probe_net(nd_raw *raw, nd_dev *dev)
{
    nd_node *cap = nd_dev_add_cap(raw->arena, dev, NULL, "net");

    /* An empty or absent address is no address; a malformed one is
     * reported and treated the same. */
    char buf[ND_ATTR_MAX + 1], mac[ND_MAC_TEXT_MAX];
    bool has_mac = false, zero = false;
    if (nd_raw_attr(raw, "address", buf) > 0) {
        has_mac = nd_mac_parse(buf, mac, &zero);
        if (has_mac)
            nd_node_add(raw->arena, cap, "hwaddr", nd_arena_strdup(raw->arena, mac));
        else
            nd_raw_warn(raw, "address", "not a hardware address: \"%.40s\"", buf);
    }
    nd_node_add(raw->arena, cap, "name", nd_arena_strdup(raw->arena, raw->sysname));

    vlan_info v = { 0 };
    const link_type *lt = link_type_of(raw, &v);
    if (lt)
        lt->fill(raw, nd_dev_add_cap(raw->arena, dev, cap, lt->name), &v);
    free(v.text);

    /* HAL: net_<MAC>; without a usable MAC, net_<parent body>, and under
     * computer (a virtual interface) net_computer_<link type>. */
    if (has_mac && !zero) {
        dev->name_head = nd_arena_printf(raw->arena, "net_%s", mac);
    } else {
        dev->name_head = "net_";
        dev->name_parent = true;
        if (lt)
            dev->name_tail_root = nd_arena_printf(raw->arena, "_%s", lt->name);
    }
    return ND_PROBE_OK;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SCSI hosts and SCSI devices (DESIGN §3–§5, §13).
 *
 * A host is found through sys/class/scsi_host/hostN (the scan strips the
 * class entry's target down to the hostN device dir); it is a Fibre
 * Channel HBA when sys/class/fc_host/hostN exists too, and then carries
 * the fc_host's WWNs and NPIV counters. A SCSI device (a LUN) is an entry
 * H:B:T:L of sys/bus/scsi/devices; the hosts and targets listed there as
 * well are not LUNs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "internal.h"

/* A decimal number at *s (digits only, no sign or blank), which must end
 * at `end`; *s then points past `end`. */
static bool parse_field(const char **s, char end, unsigned long long *out)
{
    const char *p = *s;
    unsigned long long v = 0;
    if (*p < '0' || *p > '9')
        return false;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (~0ULL - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (*p != end)
        return false;
    *out = v;
    *s = p + (end ? 1 : 0);
    return true;
}

/* ---- Fibre Channel ------------------------------------------------------ */

/* One of fc_host's WWN attributes, normalised into out; false (with a
 * warning naming the file) when missing or not a WWN. The kernel always
 * writes node_name and port_name for an fc_host, so their absence is
 * reported too. */
static bool fc_wwn(nd_raw *raw, const char *dir, const char *attr,
                   char out[ND_WWN_BUF])
{
    char rel[128], buf[ND_ATTR_MAX + 1];
    snprintf(rel, sizeof(rel), "%s/%s", dir, attr);
    int r = nd_raw_attr(raw, rel, buf);
    if (r == -ENOENT)
        nd_raw_warn(raw, rel, "missing in an fc_host");
    if (r < 0)
        return false;
    if (nd_wwn_normalize(buf, out) < 0) {
        nd_raw_warn(raw, rel, "not a WWN (16 hex digits): \"%.40s\"", buf);
        return false;
    }
    return true;
}

/* <fabric wwn=…/> unless the port has not logged in to a fabric (the
 * kernel then prints 0 or all ones) or the driver does not show it. */
static void fc_fabric(nd_raw *raw, nd_node *fc, const char *dir)
{
    char rel[128], buf[ND_ATTR_MAX + 1], wwn[ND_WWN_BUF];
    snprintf(rel, sizeof(rel), "%s/fabric_name", dir);
    if (nd_raw_attr(raw, rel, buf) < 0 || nd_wwn_is_unknown(buf))
        return;
    if (nd_wwn_normalize(buf, wwn) < 0) {
        nd_raw_warn(raw, rel, "not a WWN (16 hex digits): \"%.40s\"", buf);
        return;
    }
    nd_node_attr(raw->arena, nd_node_add(raw->arena, fc, "fabric", NULL), "wwn", wwn);
}

/* <vports max=… inuse=…/> for an NPIV-capable port (one with
 * vport_create, which is write-only: only its existence is checked).
 * The kernel shows both counters whenever vport_create is there, so a
 * missing one is reported; a bad one is reported by the reader. */
static void fc_vports(nd_raw *raw, nd_node *fc, const char *dir)
{
    char rel[128];
    snprintf(rel, sizeof(rel), "%s/vport_create", dir);
    if (!nd_raw_exists(raw, rel))
        return;
    nd_node *v = nd_node_add(raw->arena, fc, "vports", NULL);
    static const struct { const char *xml, *attr; } counters[] = {
        { "max", "max_npiv_vports" },
        { "inuse", "npiv_vports_inuse" },
    };
    for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
        unsigned long n;
        snprintf(rel, sizeof(rel), "%s/%s", dir, counters[i].attr);
        int r = nd_raw_attr_ulong(raw, rel, 10, &n);
        if (r == -ENOENT)
            nd_raw_warn(raw, rel, "missing although vport_create exists");
        if (r >= 0)
            nd_node_attrf(raw->arena, v, counters[i].xml, "%lu", n);
    }
}

/* A vHBA (an NPIV vport's host) sits in its vport-H:B-N directory. */
static bool is_vhba(const nd_raw *raw)
{
    const char *last = strrchr(raw->path, '/');
    if (!last)
        return false;
    const char *p = last;
    while (p > raw->path && p[-1] != '/')
        p--;
    return (size_t)(last - p) > 6 && strncmp(p, "vport-", 6) == 0;
}

static void fc_add(nd_raw *raw, nd_dev *dev, nd_node *scsihost,
                   unsigned long long host)
{
    char cls[64];
    snprintf(cls, sizeof(cls), "sys/class/fc_host/host%llu", host);
    if (!nd_raw_root_exists(raw, cls))
        return;
    /* read through the device's own fc_host/hostN dir, as libudev's
     * sysattr lookup would */
    char dir[48];
    snprintf(dir, sizeof(dir), "fc_host/host%llu", host);

    nd_node *fc = nd_dev_add_cap(raw->arena, dev, scsihost, "fc");
    char wwnn[ND_WWN_BUF], wwpn[ND_WWN_BUF];
    bool has_nn = fc_wwn(raw, dir, "node_name", wwnn);
    bool has_pn = fc_wwn(raw, dir, "port_name", wwpn);
    if (has_nn || has_pn) {
        nd_node *a = nd_node_add(raw->arena, fc, "address", NULL);
        if (has_nn)
            nd_node_attr(raw->arena, a, "wwnn", wwnn);
        if (has_pn)
            nd_node_attr(raw->arena, a, "wwpn", wwpn);
    }
    fc_fabric(raw, fc, dir);
    fc_vports(raw, fc, dir);
    if (is_vhba(raw))
        nd_dev_add_cap(raw->arena, dev, fc, "vport");
}

/* ---- probes --------------------------------------------------------------- */

/* capability scsihost (+ fc); named <parent body>_scsi_host. */
int nd_probe_scsi_host(nd_raw *raw, nd_dev *dev)
{
    const char *s = raw->sysname;
    unsigned long long host;
    if (strncmp(s, "host", 4) != 0 || (s += 4, !parse_field(&s, '\0', &host))) {
        nd_raw_warn(raw, NULL, "cannot model the SCSI host: \"%s\" is not hostN",
                    raw->sysname);
        return ND_PROBE_DROP;
    }

    dev->name_parent = true;
    dev->name_tail = "_scsi_host";

    nd_node *cap = nd_dev_add_cap(raw->arena, dev, NULL, "scsihost");
    nd_node_addf(raw->arena, cap, "host", "%llu", host);
    fc_add(raw, dev, cap, host);
    return ND_PROBE_OK;
}

/* The peripheral device type (SPC "PERIPHERAL DEVICE TYPE") as HAL and
 * libvirt name it; NULL entries and anything beyond are "unknown". */
static const char *scsi_type_name(unsigned long type)
{
    static const char *const names[] = {
        [0] = "disk", [1] = "tape", [2] = "printer", [3] = "processor",
        [4] = "cdrom", [5] = "cdrom", [6] = "scanner", [7] = "disk",
        [8] = "medium_changer", [9] = "comm", [12] = "raid", [14] = "disk",
    };
    if (type < sizeof(names) / sizeof(names[0]) && names[type])
        return names[type];
    return "unknown";
}

/* capability scsi; named <parent body>_scsi_device_lun<L>. */
int nd_probe_scsi(nd_raw *raw, nd_dev *dev)
{
    /* hosts (hostN) and targets (targetH:B:T) share the bus with the
     * LUNs; the kernel's DEVTYPE, when there, must agree with the name */
    const char *devtype = nd_raw_uevent(raw, "DEVTYPE");
    if (devtype && strcmp(devtype, "scsi_device") != 0)
        return ND_PROBE_SKIP;
    const char *s = raw->sysname;
    unsigned long long hbtl[4];
    if (!parse_field(&s, ':', &hbtl[0]) || !parse_field(&s, ':', &hbtl[1]) ||
        !parse_field(&s, ':', &hbtl[2]) || !parse_field(&s, '\0', &hbtl[3]))
        return ND_PROBE_SKIP;

    dev->name_parent = true;
    dev->name_tail = nd_arena_printf(raw->arena, "_scsi_device_lun%llu", hbtl[3]);

    nd_node *cap = nd_dev_add_cap(raw->arena, dev, NULL, "scsi");
    static const char *const fields[] = { "host", "bus", "target", "lun" };
    for (size_t i = 0; i < 4; i++)
        nd_node_addf(raw->arena, cap, fields[i], "%llu", hbtl[i]);

    unsigned long type;
    nd_node_add(raw->arena, cap, "type",
                nd_raw_attr_ulong(raw, "type", 10, &type) >= 0 ? scsi_type_name(type)
                                                               : "unknown");
    /* the schema keeps vendor and model: empty when unreadable */
    const char *vendor = nd_raw_attr_str(raw, "vendor");
    const char *model = nd_raw_attr_str(raw, "model");
    nd_node_add(raw->arena, cap, "vendor", vendor ? vendor : "");
    nd_node_add(raw->arena, cap, "model", model ? model : "");
    return ND_PROBE_OK;
}

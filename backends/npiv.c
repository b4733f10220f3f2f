/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * NPIV vHBAs (DESIGN §6, §9): ndNodeDeviceCreate and ndNodeDeviceDestroy.
 *
 * Create checks everything it can before the one write to vport_create —
 * the document, the parent (FC, NPIV-capable, Online, a free vport) and
 * the WWNs (well-formed, not zero, unused) — because a refused write tells
 * little and a wrong one makes a vport on the SAN. After the write it
 * waits, bounded, for the kernel's vHBA (the fc_host whose port_name is
 * the WWPN), and takes the vport back with vport_delete when it never
 * comes, so a failed create leaves nothing behind. Destroy only touches
 * vHBAs. What is checked is read from the tree at that moment, not from
 * the model, which may be older; the model only maps names to paths.
 *
 * The writes and the waits run without the connection's lock: the refresh
 * that follows needs it for writing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "npiv.h"
#include "../xml/create.h"

/* A SCSI host as the model knows it, copied out from under the lock. */
typedef struct nd_npiv_port {
    char *name;                 /* device name, for messages */
    char *path;                 /* root-relative: "sys/devices/…/host7" */
    unsigned long host;         /* N of hostN */
} nd_npiv_port;

static void nd_npiv_port_free(nd_npiv_port *p)
{
    free(p->name);
    free(p->path);
    memset(p, 0, sizeof(*p));
}

/* d's fc capability (NULL: d is no FC host) and, in p, its name, path and
 * host number. 1 (nothing set) when d is no SCSI host; -1 with the error
 * set when out of memory. */
static int nd_npiv_port_of(const nd_dev *d, nd_npiv_port *p, const nd_node **fc)
{
    const nd_node *sh = nd_node_find(d->caps, "capability", "scsihost");
    const nd_node *host = sh ? nd_node_find(sh->children, "host", NULL) : NULL;
    *fc = sh ? nd_node_find(sh->children, "capability", "fc") : NULL;
    if (!host || !host->text || !d->path ||
        nd_parse_ulong(host->text, 10, &p->host) < 0)
        return 1;
    p->name = strdup(d->name);
    p->path = strdup(d->path + 1);   /* "/sys/…" → "sys/…" */
    if (!p->name || !p->path) {
        nd_npiv_port_free(p);
        return nd_error(ND_ERR_INTERNAL, "out of memory");
    }
    return 0;
}

/* "<port>/<cls>/host<N>/<file>" (root-relative) into out. */
static void nd_npiv_path(const nd_npiv_port *p, const char *cls, const char *file,
                         char *out, size_t size)
{
    snprintf(out, size, "%s/%s/host%lu/%s", p->path, cls, p->host, file);
}

/* vport_create or vport_delete of a port: in its fc_host, or where a
 * driver puts it in the scsi_host instead. false when neither exists. */
static bool nd_npiv_vport_file(const nd_root *r, const nd_npiv_port *p, const char *file,
                               char *out, size_t size)
{
    nd_npiv_path(p, "fc_host", file, out, size);
    if (nd_root_exists(r, out))
        return true;
    nd_npiv_path(p, "scsi_host", file, out, size);
    return nd_root_exists(r, out);
}

/* An fc_host attribute of the port, cleaned. Length or -errno. */
static int nd_npiv_attr(const nd_root *r, const nd_npiv_port *p, const char *attr,
                        char buf[ND_ATTR_MAX + 1])
{
    char path[4096];
    nd_npiv_path(p, "fc_host", attr, path, sizeof(path));
    int n = nd_read_file(r->fd, path, false, buf, ND_ATTR_MAX);
    if (n >= 0)
        nd_attr_clean(buf);
    return n;
}

/* Whether the port can take one more vHBA now. 0 with *free_slots set,
 * else -1 with the reason in why and the error code in *code. */
static int nd_npiv_port_usable(const nd_root *r, const nd_npiv_port *p,
                               unsigned long *free_slots, char *why, size_t size,
                               int *code)
{
    char path[4096], buf[ND_ATTR_MAX + 1];
    *code = ND_ERR_INVALID_ARG;
    if (!nd_npiv_vport_file(r, p, "vport_create", path, sizeof(path))) {
        *code = ND_ERR_UNSUPPORTED;
        snprintf(why, size, "not NPIV-capable (no fc_host/host%lu/vport_create)", p->host);
        return -1;
    }
    int n = nd_npiv_attr(r, p, "port_state", buf);
    if (n < 0) {
        *code = ND_ERR_SYSTEM;
        snprintf(why, size, "cannot read fc_host/host%lu/port_state: %s", p->host,
                 strerror(-n));
        return -1;
    }
    if (strcmp(buf, "Online") != 0) {
        snprintf(why, size, "port_state is '%.40s', not Online", buf);
        return -1;
    }
    static const char *const counters[] = { "max_npiv_vports", "npiv_vports_inuse" };
    unsigned long v[2];
    for (size_t i = 0; i < 2; i++) {
        n = nd_npiv_attr(r, p, counters[i], buf);
        if (n < 0 || nd_parse_ulong(buf, 10, &v[i]) < 0) {
            *code = ND_ERR_SYSTEM;
            snprintf(why, size, "cannot read fc_host/host%lu/%s: %s", p->host, counters[i],
                     n < 0 ? strerror(-n) : "not a number");
            return -1;
        }
    }
    if (v[1] >= v[0]) {
        snprintf(why, size, "all %lu NPIV vports are in use (npiv_vports_inuse %lu)",
                 v[0], v[1]);
        return -1;
    }
    *free_slots = v[0] - v[1];
    return 0;
}

/* ---- choosing the parent ---------------------------------------------- */

/* The parent the document names (by name or key), checked. */
static int nd_npiv_named_parent(ndConnect *conn, const char *want, nd_npiv_port *out)
{
    bool by_key = want[0] == '/';
    const nd_node *fc = NULL;
    int rc;
    pthread_rwlock_rdlock(&conn->lock);
    const nd_dev *d = by_key ? nd_index_by_key(conn->model, want)
                             : nd_index_by_name(conn->model, want);
    if (!d)
        rc = nd_error(ND_ERR_NO_DEVICE, "parent '%s': no device with that %s", want,
                      by_key ? "key" : "name");
    else if ((rc = nd_npiv_port_of(d, out, &fc)) > 0)
        rc = nd_error(ND_ERR_INVALID_ARG,
                      "parent %s is not a Fibre Channel host (not a SCSI host)", want);
    else if (rc == 0 && !fc)
        rc = nd_error(ND_ERR_INVALID_ARG,
                      "parent %s (host%lu) is not a Fibre Channel host (no fc_host)",
                      out->name, out->host);
    pthread_rwlock_unlock(&conn->lock);
    if (rc < 0)
        return -1;
    unsigned long free_slots;
    char why[256];
    int code;
    if (nd_npiv_port_usable(&conn->root, out, &free_slots, why, sizeof(why), &code) < 0)
        return nd_error(code, "parent %s (host%lu) cannot take a vHBA: %s", out->name,
                        out->host, why);
    return 0;
}

/* No parent given: the Online NPIV-capable port with the most free vports,
 * ties to the lowest host number (DESIGN §6). */
static int nd_npiv_auto_parent(ndConnect *conn, nd_npiv_port *out)
{
    nd_npiv_port *ports = NULL;
    size_t n = 0;
    int rc = 0;
    pthread_rwlock_rdlock(&conn->lock);
    const nd_model *m = conn->model;
    for (size_t i = 0; i < m->ndevs && rc == 0; i++) {
        nd_npiv_port p = { 0 };
        const nd_node *fc = NULL;
        if (!nd_dev_has_cap(m->devs[i], "fc"))
            continue;
        if ((rc = nd_npiv_port_of(m->devs[i], &p, &fc)) != 0) {
            rc = rc < 0 ? -1 : 0;
            continue;
        }
        nd_npiv_port *grown = realloc(ports, (n + 1) * sizeof(*ports));
        if (!grown) {
            nd_npiv_port_free(&p);
            rc = nd_error(ND_ERR_INTERNAL, "out of memory");
            break;
        }
        ports = grown;
        ports[n++] = p;
    }
    pthread_rwlock_unlock(&conn->lock);

    /* the reasons the others were passed over, for the error */
    char whys[768] = "";
    size_t used = 0;
    nd_npiv_port *best = NULL;
    unsigned long best_free = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        unsigned long free_slots;
        char why[256];
        int code;
        if (nd_npiv_port_usable(&conn->root, &ports[i], &free_slots, why, sizeof(why),
                                &code) < 0) {
            if (used < sizeof(whys))
                used += (size_t)snprintf(whys + used, sizeof(whys) - used, "%shost%lu: %s",
                                         used ? "; " : "", ports[i].host, why);
            continue;
        }
        if (!best || free_slots > best_free ||
            (free_slots == best_free && ports[i].host < best->host)) {
            best = &ports[i];
            best_free = free_slots;
        }
    }
    if (rc == 0 && best) {
        *out = *best;
        memset(best, 0, sizeof(*best));
    } else if (rc == 0) {
        rc = nd_error(ND_ERR_UNSUPPORTED,
                      "no parent given and no FC port can take a vHBA (none is Online, "
                      "NPIV-capable and with a free vport)%s%s",
                      n ? ": " : "", n ? whys : "; this host has no FC ports");
    }
    for (size_t i = 0; i < n; i++)
        nd_npiv_port_free(&ports[i]);
    free(ports);
    return rc;
}

/* ---- choosing the WWNs ------------------------------------------------- */

static int nd_npiv_check_wwn(const nd_wwn_set *used, const char *what, const char *wwn)
{
    /* all zero or all ones: what fc_host shows for "no name" */
    if (nd_wwn_is_unknown(wwn))
        return nd_error(ND_ERR_INVALID_ARG, "%s %s is not a usable WWN (all %s)", what, wwn,
                        wwn[0] == '0' ? "zero" : "ones");
    const struct nd_wwn_use *u = nd_wwn_set_find(used, wwn);
    if (u)
        return nd_error(ND_ERR_INVALID_ARG, "%s %s is already in use: the %s of %s", what,
                        wwn, u->attr, u->owner);
    return 0;
}

/* The document's WWNs checked, the missing ones generated. */
static int nd_npiv_wwns(const nd_root *r, const nd_create_spec *spec,
                        char wwnn[ND_WWN_BUF], char wwpn[ND_WWN_BUF])
{
    nd_wwn_set used;
    if (nd_wwn_set_load(r, &used) < 0)
        return -1;
    int rc = 0;
    if (spec->has_wwnn)
        rc = nd_npiv_check_wwn(&used, "wwnn", spec->wwnn);
    if (rc == 0 && spec->has_wwpn)
        rc = nd_npiv_check_wwn(&used, "wwpn", spec->wwpn);
    if (rc == 0 && spec->has_wwnn && spec->has_wwpn && strcmp(spec->wwnn, spec->wwpn) == 0)
        rc = nd_error(ND_ERR_INVALID_ARG,
                      "wwnn and wwpn are both %s: a port's name must differ from its node's",
                      spec->wwnn);
    if (rc == 0) {
        if (spec->has_wwnn)
            memcpy(wwnn, spec->wwnn, ND_WWN_BUF);
        if (spec->has_wwpn)
            memcpy(wwpn, spec->wwpn, ND_WWN_BUF);
        if (!spec->has_wwnn)
            rc = nd_npiv_wwn_generate(&used, spec->has_wwpn ? wwpn : NULL, wwnn);
        if (rc == 0 && !spec->has_wwpn)
            rc = nd_npiv_wwn_generate(&used, wwnn, wwpn);
    }
    nd_wwn_set_free(&used);
    return rc;
}

/* ---- writing and waiting ------------------------------------------------ */

/* nd_root_write, its error ("cannot write 'x' to /sys/…: reason") put
 * behind `who` so the message names the device too. */
static int nd_npiv_write(const nd_root *r, const char *who, const char *path,
                         const char *data)
{
    if (nd_root_write(r, path, data) == 0)
        return 0;
    const ndError *e = ndGetLastError();
    int code = e ? e->code : ND_ERR_SYSTEM, errnum = e ? e->errno_value : 0;
    char msg[1024];
    snprintf(msg, sizeof(msg), "%s", e ? e->message : "write failed");
    if (errnum) {
        /* nd_error_errno appends the reason again */
        char tail[256];
        snprintf(tail, sizeof(tail), ": %s", strerror(errnum));
        size_t ml = strlen(msg), tl = strlen(tail);
        if (ml >= tl && strcmp(msg + ml - tl, tail) == 0)
            msg[ml - tl] = '\0';
        return nd_error_errno(errnum, "%s: %s", who, msg);
    }
    return nd_error(code, "%s: %s", who, msg);
}

typedef struct nd_npiv_wait {
    const nd_root *r;
    const char *wwpn;           /* create: the port to appear */
    const char *gone;           /* destroy: the device dir to vanish */
    char found[64];
} nd_npiv_wait;

static bool nd_npiv_appeared(void *ctx)
{
    nd_npiv_wait *w = ctx;
    return nd_npiv_find_port(w->r, w->wwpn, w->found);
}

static bool nd_npiv_vanished(void *ctx)
{
    const nd_npiv_wait *w = ctx;
    return !nd_root_exists(w->r, w->gone);
}

/* Write the pair to vport_create, wait for the vHBA, hand it out. */
static ndNodeDevicePtr nd_npiv_make(ndConnect *conn, const nd_npiv_port *parent,
                                    const char *wwnn, const char *wwpn, int timeout_ms)
{
    const nd_root *r = &conn->root;
    char create[4096], who[512], pair[2 * ND_WWN_BUF + 1];
    snprintf(who, sizeof(who), "cannot create a vHBA on %s (host%lu)", parent->name,
             parent->host);
    if (!nd_npiv_vport_file(r, parent, "vport_create", create, sizeof(create))) {
        nd_error(ND_ERR_NO_DEVICE, "%s: its vport_create is gone", who);
        return NULL;
    }
    snprintf(pair, sizeof(pair), "%s:%s", wwpn, wwnn);   /* WWPN first */
    if (nd_npiv_write(r, who, create, pair) < 0)
        return NULL;

    nd_npiv_wait w = { .r = r, .wwpn = wwpn };
    if (nd_wait_until(nd_npiv_appeared, &w, timeout_ms) < 0) {
        /* take the vport back: the kernel may still be making it */
        char del[4096], undo[1024] = "so vport_delete was written to take it back";
        if (!nd_npiv_vport_file(r, parent, "vport_delete", del, sizeof(del)))
            snprintf(undo, sizeof(undo), "and there is no vport_delete to take it back");
        else if (nd_npiv_write(r, who, del, pair) < 0)
            snprintf(undo, sizeof(undo), "and taking it back failed too (%s)",
                     ndGetLastError()->message);
        nd_error_errno(ETIMEDOUT,
                       "%s: no SCSI host with wwpn %s appeared after writing '%s' to /%s, "
                       "%s; gave up after %d ms", who, wwpn, pair, create, undo, timeout_ms);
        return NULL;
    }
    if (ndConnectRefresh(conn) < 0)
        return NULL;
    ndNodeDevicePtr dev = ndNodeDeviceLookupSCSIHostByWWN(conn, wwnn, wwpn);
    if (!dev)
        nd_error(ND_ERR_NO_DEVICE,
                 "vHBA %s (wwnn %s, wwpn %s) was made on %s but the scan does not "
                 "show it", w.found, wwnn, wwpn, parent->name);
    return dev;
}

/* ---- the calls --------------------------------------------------------- */

ndNodeDevicePtr ndNodeDeviceCreateTimeout(ndConnectPtr conn, const char *xml,
                                          int timeout_ms)
{
    nd_error_clear();
    if (!conn || !xml) {
        nd_error(ND_ERR_INVALID_ARG, "ndNodeDeviceCreate: no %s", conn ? "XML" : "connection");
        return NULL;
    }
    if (timeout_ms <= 0) {
        nd_error(ND_ERR_INVALID_ARG, "ndNodeDeviceCreate: timeout %d ms is not positive",
                 timeout_ms);
        return NULL;
    }
    nd_create_spec spec;
    /* strnlen: the parser refuses anything longer anyway */
    if (nd_create_parse(xml, strnlen(xml, ND_CREATE_XML_MAX + 1), &spec) < 0)
        return NULL;
    nd_npiv_port parent = { 0 };
    char wwnn[ND_WWN_BUF], wwpn[ND_WWN_BUF];
    ndNodeDevicePtr dev = NULL;
    int rc = spec.parent ? nd_npiv_named_parent(conn, spec.parent, &parent)
                         : nd_npiv_auto_parent(conn, &parent);
    if (rc == 0 && nd_npiv_wwns(&conn->root, &spec, wwnn, wwpn) == 0)
        dev = nd_npiv_make(conn, &parent, wwnn, wwpn, timeout_ms);
    nd_npiv_port_free(&parent);
    nd_create_spec_free(&spec);
    return dev;
}

ndNodeDevicePtr ndNodeDeviceCreate(ndConnectPtr conn, const char *xml)
{
    return ndNodeDeviceCreateTimeout(conn, xml, ND_NPIV_TIMEOUT_MS);
}

/* What destroying d needs, copied out of the model: d must be a vHBA
 * with both WWNs, under a SCSI host parent. */
static int nd_npiv_vhba_of(const nd_dev *d, nd_npiv_port *vhba, nd_npiv_port *parent,
                           char wwnn[ND_WWN_BUF], char wwpn[ND_WWN_BUF])
{
    const nd_node *fc = NULL, *pfc = NULL;
    if (nd_npiv_port_of(d, vhba, &fc) != 0 || !fc ||
        !nd_node_find(fc->children, "capability", "vport"))
        return nd_error(ND_ERR_UNSUPPORTED,
                        "%s is not a virtual HBA (no fc capability with a vport); "
                        "nothing written", d->name);
    const nd_node *addr = nd_node_find(fc->children, "address", NULL);
    const char *nn = addr ? nd_node_get_attr(addr, "wwnn") : NULL;
    const char *pn = addr ? nd_node_get_attr(addr, "wwpn") : NULL;
    if (!nn || !pn)
        return nd_error(ND_ERR_INVALID_ARG,
                        "cannot destroy vHBA %s (host%lu): its wwnn and wwpn are not "
                        "both readable", d->name, vhba->host);
    memcpy(wwnn, nn, ND_WWN_BUF);   /* the probe stores them normalised */
    memcpy(wwpn, pn, ND_WWN_BUF);
    if (!d->parent || nd_npiv_port_of(d->parent, parent, &pfc) != 0 || !pfc)
        return nd_error(ND_ERR_INVALID_ARG,
                        "cannot destroy vHBA %s (host%lu): its parent is not an FC host",
                        d->name, vhba->host);
    return 0;
}

int ndNodeDeviceDestroyTimeout(ndNodeDevicePtr dev, int timeout_ms)
{
    nd_error_clear();
    if (!dev)
        return nd_error(ND_ERR_INVALID_ARG, "ndNodeDeviceDestroy: no device");
    if (timeout_ms <= 0)
        return nd_error(ND_ERR_INVALID_ARG,
                        "ndNodeDeviceDestroy: timeout %d ms is not positive", timeout_ms);
    ndConnect *conn = dev->conn;
    const nd_root *r = &conn->root;
    nd_npiv_port vhba = { 0 }, parent = { 0 };
    char wwnn[ND_WWN_BUF], wwpn[ND_WWN_BUF];
    pthread_rwlock_rdlock(&conn->lock);
    const nd_dev *d = nd_index_by_key(conn->model, dev->key);
    int rc = d ? nd_npiv_vhba_of(d, &vhba, &parent, wwnn, wwpn)
               : nd_error(ND_ERR_NO_DEVICE, "device %s is gone", dev->key);
    pthread_rwlock_unlock(&conn->lock);

    char del[4096], who[512], pair[2 * ND_WWN_BUF + 1];
    if (rc == 0) {
        snprintf(who, sizeof(who), "cannot destroy vHBA %s (host%lu)", vhba.name, vhba.host);
        if (!nd_root_exists(r, vhba.path))
            rc = nd_error(ND_ERR_NO_DEVICE, "%s: it is gone already", who);
        else if (!nd_npiv_vport_file(r, &parent, "vport_delete", del, sizeof(del)))
            rc = nd_error(ND_ERR_UNSUPPORTED, "%s: its parent %s (host%lu) has no "
                          "vport_delete", who, parent.name, parent.host);
    }
    if (rc == 0) {
        snprintf(pair, sizeof(pair), "%s:%s", wwpn, wwnn);
        rc = nd_npiv_write(r, who, del, pair);
    }
    if (rc == 0) {
        nd_npiv_wait w = { .r = r, .gone = vhba.path };
        if (nd_wait_until(nd_npiv_vanished, &w, timeout_ms) < 0)
            rc = nd_error_errno(ETIMEDOUT,
                                "%s: still there after writing '%s' to /%s; gave up after "
                                "%d ms", who, pair, del, timeout_ms);
        else
            rc = ndConnectRefresh(conn);
    }
    nd_npiv_port_free(&vhba);
    nd_npiv_port_free(&parent);
    return rc;
}

int ndNodeDeviceDestroy(ndNodeDevicePtr dev)
{
    return ndNodeDeviceDestroyTimeout(dev, ND_NPIV_TIMEOUT_MS);
}

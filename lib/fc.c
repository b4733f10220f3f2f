/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fibre Channel queries over the model (DESIGN §1, §7): find an HBA port
 * or vHBA by the WWNs an administrator zones on the SAN. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/* Whether d is a SCSI host with exactly this (normalised) FC address;
 * the probe stores the WWNs normalised, so bytes compare. */
static bool nd_has_wwn(const nd_dev *d, const char *wwnn, const char *wwpn)
{
    const nd_node *host = nd_node_find(d->caps, "capability", "scsihost");
    const nd_node *fc = host ? nd_node_find(host->children, "capability", "fc") : NULL;
    const nd_node *addr = fc ? nd_node_find(fc->children, "address", NULL) : NULL;
    if (!addr)
        return false;
    const char *nn = nd_node_get_attr(addr, "wwnn");
    const char *pn = nd_node_get_attr(addr, "wwpn");
    return nn && pn && strcmp(nn, wwnn) == 0 && strcmp(pn, wwpn) == 0;
}

ndNodeDevicePtr ndNodeDeviceLookupSCSIHostByWWN(ndConnectPtr conn, const char *wwnn,
                                                const char *wwpn)
{
    nd_error_clear();
    if (!conn) {
        nd_error(ND_ERR_INVALID_ARG, "%s: no connection", __func__);
        return NULL;
    }
    char nn[ND_WWN_BUF], pn[ND_WWN_BUF];
    bool nn_ok = nd_wwn_normalize(wwnn, nn) == 0;
    if (!nn_ok || nd_wwn_normalize(wwpn, pn) < 0) {
        const char *bad = nn_ok ? wwpn : wwnn;
        nd_error(ND_ERR_INVALID_ARG, "%s: %s '%s' is not a WWN (16 hex digits, 0x optional)",
                 __func__, nn_ok ? "wwpn" : "wwnn", bad ? bad : "(null)");
        return NULL;
    }

    pthread_rwlock_rdlock(&conn->lock);
    const nd_model *m = conn->model;
    const nd_dev *hit = NULL;
    /* in name order, so the answer does not depend on the scan order */
    for (size_t i = 0; i < m->ndevs && !hit; i++)
        if (nd_has_wwn(m->by_name[i], nn, pn))
            hit = m->by_name[i];
    char *key = hit ? strdup(hit->key) : NULL;
    pthread_rwlock_unlock(&conn->lock);
    if (!hit) {
        nd_error(ND_ERR_NO_DEVICE, "no SCSI host with wwnn %s and wwpn %s", nn, pn);
        return NULL;
    }
    if (!key) {
        nd_error(ND_ERR_INTERNAL, "out of memory");
        return NULL;
    }
    /* The handle is made by the key lookup; should a refresh drop the
     * host in between, that lookup fails with ND_ERR_NO_DEVICE, as a
     * later call on the handle would. */
    ndNodeDevicePtr dev = ndNodeDeviceLookupByKey(conn, key);
    free(key);
    return dev;
}

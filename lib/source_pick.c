/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which source a connection reads with (DESIGN §8, issue 6). The udev
 * source only ever sees the live host (libudev has no root directory), so
 * it is refused for any other root, except under umockdev, whose testbed
 * then is the root. "auto" takes libudev where udevd keeps its database
 * (the names come from there), the sysfs walk everywhere else: fixtures,
 * hosts without udevd, containers without /run/udev.
 */
#include <stdlib.h>
#include <unistd.h>
#include "internal.h"

/* udevd runs (or ran) here: its control socket or its database exists. */
static bool nd_udevd_present(void)
{
    return access("/run/udev/control", F_OK) == 0 ||
           access("/run/udev/data", F_OK) == 0;
}

nd_source *nd_source_pick(const nd_root *root, unsigned int flags)
{
    bool sysfs = flags & ND_CONNECT_SOURCE_SYSFS, udev = flags & ND_CONNECT_SOURCE_UDEV;
    if (sysfs && udev) {
        nd_error(ND_ERR_INVALID_ARG, "ndConnectOpen: choose one source, sysfs or udev");
        return NULL;
    }
    if (sysfs)
        return nd_source_sysfs();
    bool umockdev = getenv("UMOCKDEV_DIR") != NULL;
    if (udev) {
        if (!root->live && !umockdev) {
            nd_error(ND_ERR_UNSUPPORTED,
                     "the udev source reads the live host only, not root %s "
                     "(use the sysfs source for other roots)", root->dir);
            return NULL;
        }
        return nd_source_udev();
    }
    if (root->live && nd_udevd_present()) {
        nd_source *s = nd_source_udev();
        if (s)
            return s;
        nd_error_clear();   /* libudev unusable: the walk needs none */
    }
    return nd_source_sysfs();
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The class probes in claim order (DESIGN §13): a sysfs path claimed by two
 * classes is modelled once, by the first. */
#include "internal.h"

const nd_probe nd_probes[] = {
    { "pci", "bus/pci/devices", 0, nd_probe_pci },
    { "usb", "bus/usb/devices", 0, nd_probe_usb },
    { "scsi_host", "class/scsi_host", 2, nd_probe_scsi_host },
    { "scsi", "bus/scsi/devices", 0, nd_probe_scsi },
    { "net", "class/net", 0, nd_probe_net },
    /* block devices, sound, input (issue 10): class devices only */
    { "block", "class/block", 0, nd_probe_block },
    { "sound", "class/sound", 0, nd_probe_sound },
    { "input", "class/input", 0, nd_probe_input },
};

const size_t nd_nprobes = sizeof(nd_probes) / sizeof(nd_probes[0]);

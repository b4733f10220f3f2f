/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnodedev — the devices of a Linux host, from sysfs, in the XML of the
 * host-device proposal.
 *
 * Conventions (DESIGN.md §7):
 *  - counts and lists return -1 on error, with ndGetLastError() set;
 *  - lists fill at most `max` names, in byte order; the caller frees each;
 *  - a capability query matches nested capabilities too ("fc", "80211");
 *  - a device handle stays safe after its device is gone: calls on it then
 *    fail with ND_ERR_NO_DEVICE;
 *  - one connection may be used by several threads at once.
 */
#ifndef NODEDEV_H
#define NODEDEV_H

#ifdef __cplusplus
extern "C" {
#endif

#define ND_VERSION "0.1.0"

typedef struct ndConnect ndConnect;
typedef ndConnect *ndConnectPtr;
typedef struct ndNodeDevice ndNodeDevice;
typedef ndNodeDevice *ndNodeDevicePtr;

/* Error codes (ndError.code). */
enum ndErrorCode {
    ND_ERR_OK = 0,
    ND_ERR_INTERNAL,      /* a bug or an allocation failure */
    ND_ERR_INVALID_ARG,   /* NULL or malformed argument */
    ND_ERR_NO_DEVICE,     /* no device of that name or key (any more) */
    ND_ERR_SYSTEM,        /* an operating-system call failed (see errno_value) */
    ND_ERR_NO_ROOT,       /* the root directory cannot be opened or has no sys/ */
    ND_ERR_XML,           /* XML could not be written or parsed */
    ND_ERR_UNSUPPORTED,   /* operation not possible on this device or source */
};

typedef struct ndError {
    int code;             /* enum ndErrorCode */
    int errno_value;      /* errno behind ND_ERR_SYSTEM, else 0 */
    const char *message;  /* human readable, names the device/file and reason */
} ndError;

/* The last error of the calling thread, or NULL if the last call succeeded.
 * Valid until the thread's next nodedev call. */
const ndError *ndGetLastError(void);

/* Flags for ndConnectOpen. */
enum ndConnectFlags {
    ND_CONNECT_QUIET = 1 << 0,   /* no warnings on stderr (still counted) */
};

/* Open a connection on `root` (a directory holding sys/, optionally proc/
 * and run/udev/data/); NULL or "/" is the live host. Scans once. */
ndConnectPtr ndConnectOpen(const char *root, unsigned int flags);
int ndConnectClose(ndConnectPtr conn);
/* Rescan the root. Existing handles stay valid. 0 or -1. */
int ndConnectRefresh(ndConnectPtr conn);
/* How many warnings (unreadable files, unnamable devices …) the last scan
 * gave. */
int ndConnectNumOfWarnings(ndConnectPtr conn);

int ndNodeNumOfDevices(ndConnectPtr conn, unsigned int flags);
int ndNodeListDevices(ndConnectPtr conn, char **names, int maxnames,
                      unsigned int flags);
int ndNodeNumOfDevicesByCap(ndConnectPtr conn, const char *cap,
                            unsigned int flags);
int ndNodeListDevicesByCap(ndConnectPtr conn, const char *cap, char **names,
                           int maxnames, unsigned int flags);
int ndNodeNumOfDevicesByBus(ndConnectPtr conn, const char *bus,
                            unsigned int flags);
int ndNodeListDevicesByBus(ndConnectPtr conn, const char *bus, char **names,
                           int maxnames, unsigned int flags);

ndNodeDevicePtr ndNodeDeviceLookupByName(ndConnectPtr conn, const char *name);
ndNodeDevicePtr ndNodeDeviceLookupByKey(ndConnectPtr conn, const char *key);
/* The SCSI host whose Fibre Channel address is wwnn/wwpn (an HBA port or
 * a vHBA). Each WWN is 16 hex digits, any case, "0x" optional. NULL with
 * ND_ERR_INVALID_ARG when a WWN is malformed, ND_ERR_NO_DEVICE when no
 * host has that address. Free the handle with ndNodeDeviceFree. */
ndNodeDevicePtr ndNodeDeviceLookupSCSIHostByWWN(ndConnectPtr conn,
                                                const char *wwnn,
                                                const char *wwpn);
int ndNodeDeviceFree(ndNodeDevicePtr dev);

/* Getters: the string stays valid until the next call on `dev` or its
 * free. NULL with ND_ERR_NO_DEVICE once the device is gone; NULL without an
 * error where the device has no such field (parent of computer, driver). */
const char *ndNodeDeviceGetName(ndNodeDevicePtr dev);
const char *ndNodeDeviceGetKey(ndNodeDevicePtr dev);
const char *ndNodeDeviceGetParent(ndNodeDevicePtr dev);   /* parent's key */
const char *ndNodeDeviceGetPath(ndNodeDevicePtr dev);     /* /sys/devices/... */
const char *ndNodeDeviceGetDriver(ndNodeDevicePtr dev);

/* Flags for ndNodeDeviceDetach. */
enum ndDetachFlags {
    /* Detach even though other devices of the PCI device's IOMMU group are
     * still bound to host drivers (a VM cannot be given the group then;
     * the caller takes care of them), or the USB device is a hub. */
    ND_DETACH_FORCE = 1 << 0,
};

/*
 * Take the host kernel driver off a device so it can be passed through to
 * a virtual machine (DESIGN §9). Writes below the connection's root, so it
 * needs the rights to write sysfs (root on a live host).
 *
 * PCI function: binds it to the stub `driver` ("vfio-pci" when NULL, or
 * "pci-stub") through driver_override, the current driver's unbind and
 * drivers_probe, and checks that the stub bound it. A device already on
 * that stub is left as it is. Refused (nothing written) when the stub
 * driver is not loaded, or when another member of the IOMMU group is still
 * bound to a host driver, unless ND_DETACH_FORCE.
 *
 * USB device: unbinds the driver of each of its interfaces (libusb on the
 * live host, the interfaces' driver/unbind on any other root); `driver`
 * must be NULL. Hubs are refused unless ND_DETACH_FORCE.
 *
 * Other devices: ND_ERR_UNSUPPORTED. On success the connection is
 * refreshed, so the device's driver shows the new binding. 0, or -1 with
 * an error naming the device, the file and the reason; when a step fails
 * after the host driver was already unbound, the message says how to give
 * the device back (ndNodeDeviceReAttach).
 */
int ndNodeDeviceDetach(ndNodeDevicePtr dev, const char *driver, unsigned int flags);

/*
 * Give a detached device back to the host: PCI: clear driver_override,
 * unbind the stub, let the kernel probe its driver; USB: let the kernel
 * probe a driver for each interface without one. Keeps no state, so it
 * works from another process than the one that detached. The driver the
 * device ends with (or none) is what ndNodeDeviceGetDriver then shows.
 * flags must be 0. 0 or -1.
 */
int ndNodeDeviceReAttach(ndNodeDevicePtr dev, unsigned int flags);

/* The device's <device> XML; the caller frees it with free(). */
char *ndNodeDeviceDumpXML(ndNodeDevicePtr dev, unsigned int flags);
/* Every device as one <devices> document; the caller frees it. */
char *ndConnectDumpAllXML(ndConnectPtr conn, unsigned int flags);

/* Flags for ndConnectCapture. */
enum ndCaptureFlags {
    ND_CAPTURE_SCRUB = 1 << 0,   /* MACs, serials, UUIDs, WWNs → stable fakes */
    ND_CAPTURE_FORCE = 1 << 1,   /* write into a directory that is not empty */
};

/* Write to `dir` a root holding exactly what nodedev reads of conn's root
 * (attributes, links as links, uevent, the udev database entries, DMI,
 * proc/net/vlan/config), so that nodedev --root dir gives the same XML.
 * Returns how many source files could not be read (each skipped with a
 * warning), or -1. */
int ndConnectCapture(ndConnectPtr conn, const char *dir, unsigned int flags);

#ifdef __cplusplus
}
#endif
#endif

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
    /* ---- the source (issue 6); neither flag: auto ---------------------
     * auto: libudev on the live root when udevd runs there (its
     * /run/udev/control or /run/udev/data exists), the sysfs walk
     * otherwise. Both give byte-identical XML on the same tree. */
    ND_CONNECT_SOURCE_SYSFS = 1 << 1,   /* walk ROOT/sys; any root */
    ND_CONNECT_SOURCE_UDEV = 1 << 2,    /* libudev: the live root only (or
                                           umockdev's testbed, when
                                           UMOCKDEV_DIR is set) */
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
 * an error naming the device, the file and the reason: ND_ERR_UNSUPPORTED
 * for a refusal (other class, stub not loaded, IOMMU group, hub),
 * ND_ERR_INVALID_ARG for an unknown stub or flag, ND_ERR_SYSTEM with
 * errno_value for what the kernel refused (EBUSY, EACCES …). What was
 * changed before a failure is undone; when that is not possible (the host
 * driver is off, the stub did not bind) the message says so and how to
 * give the device back (ndNodeDeviceReAttach).
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

/* How long ndNodeDeviceCreate and ndNodeDeviceDestroy wait for the kernel
 * to show (or drop) the vHBA. */
#define ND_NPIV_TIMEOUT_MS 30000

/*
 * Create an NPIV virtual FC adapter (vHBA) from the XML of DESIGN §6:
 *
 *   <device>
 *     <parent>NAME or KEY</parent>                    (optional)
 *     <capability type="scsihost">
 *       <capability type="fc">
 *         <address wwnn="…" wwpn="…"/>               (optional, each)
 *       </capability>
 *     </capability>
 *   </device>
 *
 * The XML (at most 64 KiB, no DOCTYPE) must be valid against the
 * createDevice pattern of nodedev.rng. Before anything is written the
 * parent is checked: it exists, is a Fibre Channel host with vport_create,
 * its port_state is Online and npiv_vports_inuse < max_npiv_vports. With
 * no parent, the Online NPIV-capable port with the most free vports is
 * taken (ties: the lowest host number). WWNs are 16 hex digits ("0x"
 * optional, any case), not all zero, different from each other and from
 * every WWN of the host's FC ports and vports; missing ones are generated
 * (NAA 5, OUI 00:1a:4a, random bits). Then "<wwpn>:<wwnn>" is written to
 * the parent's vport_create and the call waits until a SCSI host with that
 * port_name appears, refreshes the connection and returns the new device
 * (free it with ndNodeDeviceFree). Should it not appear in time, the same
 * pair is written to vport_delete, so nothing is left half-made.
 *
 * NULL on error: ND_ERR_XML (a message with the line), ND_ERR_NO_DEVICE
 * (no such parent), ND_ERR_INVALID_ARG (bad WWN, parent not FC, offline or
 * full), ND_ERR_UNSUPPORTED (parent not NPIV-capable, no port can take a
 * vHBA), ND_ERR_SYSTEM (the kernel refused the write, or the wait timed
 * out: errno_value ETIMEDOUT); messages name the device, the file and the
 * reason. Needs the rights to write sysfs (root on a live host).
 *
 * ndNodeDeviceCreate waits up to ND_NPIV_TIMEOUT_MS; ndNodeDeviceCreateTimeout
 * up to timeout_ms (> 0).
 */
ndNodeDevicePtr ndNodeDeviceCreate(ndConnectPtr conn, const char *xml);
ndNodeDevicePtr ndNodeDeviceCreateTimeout(ndConnectPtr conn, const char *xml,
                                          int timeout_ms);

/*
 * Delete a vHBA (a SCSI host with the fc capability's nested vport): writes
 * "<wwpn>:<wwnn>" to its parent's vport_delete, waits until the host is
 * gone and refreshes the connection. Anything else fails with
 * ND_ERR_UNSUPPORTED ("not a virtual HBA") and nothing is written. The
 * handle stays the caller's to free; later calls on it fail with
 * ND_ERR_NO_DEVICE. 0 or -1 (kernel errors and the timeout as for create).
 * ndNodeDeviceDestroy waits up to ND_NPIV_TIMEOUT_MS,
 * ndNodeDeviceDestroyTimeout up to timeout_ms (> 0).
 */
int ndNodeDeviceDestroy(ndNodeDevicePtr dev);
int ndNodeDeviceDestroyTimeout(ndNodeDevicePtr dev, int timeout_ms);

/* ---- device events (issue 6) ----------------------------------------
 * The connection's index follows the host's hotplug events without a
 * rescan: a new device is probed alone and takes its body as a name, or
 * the first free "<body>_<k>"; existing devices keep their names; a
 * removed device takes every device below it along; a device whose parent
 * is not known yet hangs off its nearest known ancestor (or computer) and
 * moves under the parent when that appears. The names can therefore
 * differ from a fresh scan's; ndConnectRefresh gives the canonical,
 * deterministic names again (DESIGN §4).
 * Events come from udevd ("udev" netlink group, after its rules ran) when
 * /run/udev/control exists, else straight from the kernel ("kernel"
 * group), so hosts without udevd get them too. Live host only (or
 * umockdev's testbed, UMOCKDEV_DIR set). */
typedef enum ndEventAction {
    ND_EVENT_ADDED = 0,
    ND_EVENT_REMOVED = 1,
    ND_EVENT_CHANGED = 2,    /* attributes, driver binding, parent */
} ndEventAction;

/* "added", "removed", "changed"; NULL for anything else. */
const char *ndEventActionName(int action);

/* Called once per device and action, from ndConnectMonitorDispatch, in
 * its thread, with no lock held (it may use the connection). name and key
 * are valid during the call. */
typedef void (*ndConnectMonitorCallback)(ndConnectPtr conn, const char *name,
                                         const char *key, int action,
                                         void *opaque);

/* Start listening: a file descriptor that polls readable when events are
 * pending (do not read it; call ndConnectMonitorDispatch), or -1. One
 * monitor per connection. */
int ndConnectMonitorOpen(ndConnectPtr conn, ndConnectMonitorCallback cb, void *opaque);
/* Apply the pending events to the index and call the callback for each
 * device they touched. The number of callbacks made (0: nothing was
 * pending), or -1. Should the kernel have dropped events (its buffer
 * overflowed), the connection is refreshed instead. */
int ndConnectMonitorDispatch(ndConnectPtr conn);
int ndConnectMonitorClose(ndConnectPtr conn);
/* Open, dispatch until *stop becomes non-zero (checked at least every
 * 250 ms, so a signal handler may set it), close. 0, or -1. */
int ndConnectMonitorRun(ndConnectPtr conn, ndConnectMonitorCallback cb, void *opaque,
                        volatile int *stop);

/* The device's <device> XML; the caller frees it with free(). */
char *ndNodeDeviceDumpXML(ndNodeDevicePtr dev, unsigned int flags);
/* Every device as one <devices> document; the caller frees it. */
char *ndConnectDumpAllXML(ndConnectPtr conn, unsigned int flags);
/* The same document written to fd as it is made, so that a host's whole
 * dump never sits in memory. The connection is read-locked meanwhile (a
 * refresh waits for the writes). 0, or -1 with the error set, after which
 * part of the document may have been written. */
int ndConnectDumpAllXMLFd(ndConnectPtr conn, int fd, unsigned int flags);

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

/* Turn umockdev recordings (umockdev-record's format; "-" is stdin) into a
 * root at `dir`; several recordings merge, sharing parents. Flags:
 * ND_CAPTURE_FORCE. 0, or -1 with an error naming the file and line. */
int ndImportUmockdev(const char *const *files, int nfiles, const char *dir,
                     unsigned int flags);

#ifdef __cplusplus
}
#endif
#endif

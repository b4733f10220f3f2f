/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal interfaces of libnodedev. Data flows one way:
 *   source (backends/sysfs.c) → probes (backends/<class>.c) → model
 *   (lib/model.c) → names (lib/names.c) → index (lib/index.c) → XML/CLI.
 * Nothing here is exported (see lib/libnodedev.map).
 */
#ifndef ND_INTERNAL_H
#define ND_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdarg.h>
#include <pthread.h>
#include "nodedev.h"

#define ND_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define ND_KEY_PREFIX "/org/freedesktop/Hal/devices/"
#define ND_KEY_MAX 255
#define ND_ATTR_MAX 4096   /* sysfs's page: the most an attribute read takes */

/* ---- arena: every string and node of one scan; freed at once -------- */
typedef struct nd_arena nd_arena;
nd_arena *nd_arena_new(void);
void nd_arena_free(nd_arena *a);
void *nd_arena_alloc(nd_arena *a, size_t size);       /* zeroed; aborts on OOM */
char *nd_arena_strdup(nd_arena *a, const char *s);    /* NULL → NULL */
char *nd_arena_printf(nd_arena *a, const char *fmt, ...) ND_PRINTF(2, 3);
size_t nd_arena_size(const nd_arena *a);

/* ---- errors (lib/error.c) ------------------------------------------- */
void nd_error_clear(void);
/* Sets the thread's last error; returns -1 so callers can `return nd_error(…)`. */
int nd_error(int code, const char *fmt, ...) ND_PRINTF(2, 3);
int nd_error_errno(int errnum, const char *fmt, ...) ND_PRINTF(2, 3);

/* ---- device model (lib/model.c) ------------------------------------- */
/* One XML element of a bus or capability: a name, attributes in order, text
 * or children. A probe builds these; only xml/writer.c turns them into XML. */
typedef struct nd_attr {
    const char *name;
    const char *value;
    struct nd_attr *next;
} nd_attr;

/* No tail pointers: a node has a handful of attributes and children, and
 * at 100k devices 600k nodes carried them (lib/model.c appends by walking). */
typedef struct nd_node {
    const char *name;            /* element name: "bus", "capability", "vendor" … */
    const char *text;            /* NULL: no text */
    nd_attr *attrs;
    struct nd_node *children, *next;
} nd_node;

typedef struct nd_dev {
    const char *path;            /* "/sys/devices/…"; NULL for computer */
    const char *subsystem;       /* "pci", "usb", "scsi_host", "net" … */
    const char *driver;          /* bound driver's name, or NULL */
    struct nd_dev *parent;       /* NULL only for computer */
    const char *name, *key;      /* set by lib/names.c */
    nd_node *bus;                /* NULL: no <bus> */
    nd_node *caps, *caps_tail;   /* <capability> elements, in order */
    /* The HAL body before sanitising: head, then the parent's final body
     * when name_parent, then tail (tail_root instead when the parent is
     * computer and tail_root is set). */
    const char *name_head, *name_tail, *name_tail_root;
    bool name_parent;
} nd_dev;

typedef struct nd_model {
    nd_arena *arena;
    nd_dev **devs;               /* computer first, then by sysfs path */
    size_t ndevs;
    nd_dev **by_name;            /* sorted by name (bytes) */
    struct nd_name_table *name_hash;   /* name → nd_dev (lib/index.c) */
    unsigned warnings;
} nd_model;

nd_node *nd_node_new(nd_arena *a, const char *name, const char *text);
nd_node *nd_node_add(nd_arena *a, nd_node *parent, const char *name, const char *text);
/* A node right after sibling: a caller adding many children (a bridge's
 * ports) keeps the last one it added, so the list costs O(n), not O(n²). */
nd_node *nd_node_add_after(nd_arena *a, nd_node *sibling, const char *name,
                           const char *text);
nd_node *nd_node_addf(nd_arena *a, nd_node *parent, const char *name,
                      const char *fmt, ...) ND_PRINTF(4, 5);
void nd_node_attr(nd_arena *a, nd_node *n, const char *name, const char *value);
void nd_node_attrf(nd_arena *a, nd_node *n, const char *name, const char *fmt, ...)
    ND_PRINTF(4, 5);
const char *nd_node_get_attr(const nd_node *n, const char *name);
/* The first element `name` in the sibling list n (with type=`type` when
 * type is not NULL), or NULL. */
const nd_node *nd_node_find(const nd_node *n, const char *name, const char *type);
/* A <capability type=…> appended to the device (parent NULL) or nested. */
nd_node *nd_dev_add_cap(nd_arena *a, nd_dev *d, nd_node *parent, const char *type);
nd_node *nd_dev_set_bus(nd_arena *a, nd_dev *d, const char *type);
bool nd_dev_has_cap(const nd_dev *d, const char *type);   /* nested too */
bool nd_dev_on_bus(const nd_dev *d, const char *bus);
void nd_model_free(nd_model *m);

/* ---- names (lib/names.c) --------------------------------------------- */
/* Every byte outside [A-Za-z0-9_] becomes '_', in place. */
void nd_name_sanitize(char *s);
/* Names every device of m->devs (which must be in path order, computer
 * first) and sets key; deterministic (DESIGN §4). 0 or -1. */
int nd_names_assign(nd_model *m);
/* One device's body before collisions (malloc'd), and the first free
 * "<base>_<k>" in the name table `used` (malloc'd); next_k NULL: from k=0.
 * lib/model_update.c names hotplugged devices with them (issue 6). */
char *nd_compose_body(const nd_dev *d);
typedef struct nd_name_table nd_name_table;
char *nd_suffixed(const nd_name_table *used, void *next_k, const char *base);

/* ---- index (lib/index.c) --------------------------------------------- */
/* Devices by their name (d->name, not copied: a device's name must not
 * change while it is in a table). new: room for n before it grows (NULL
 * when out of memory); put: name not in yet (aborts when out of memory);
 * clear: empty, same size. */
nd_name_table *nd_table_new(size_t n);
void nd_table_free(nd_name_table *t);
nd_dev *nd_table_get(const nd_name_table *t, const char *name);
void nd_table_put(nd_name_table *t, nd_dev *d);
void nd_table_remove(nd_name_table *t, const nd_dev *d);
void nd_table_clear(nd_name_table *t);
int nd_index_build(nd_model *m);
nd_dev *nd_index_by_name(const nd_model *m, const char *name);
nd_dev *nd_index_by_key(const nd_model *m, const char *key);

/* ---- the root (backends/root.c) -------------------------------------- */
/* The directory a connection reads from, opened once; every read is an
 * openat2(RESOLVE_BENEATH) below it, so nothing outside can be reached. */
typedef struct nd_recorder nd_recorder;   /* backends/record.h */
typedef struct nd_root {
    int fd;
    char *dir;                   /* as given, for messages */
    bool live;                   /* "/" */
    bool quiet;
    unsigned warnings;           /* unreadable files met (atomic) */
    nd_recorder *recorder;       /* set only while `capture` scans */
} nd_root;

int nd_root_open(nd_root *r, const char *dir, bool quiet);
/* openat2() (O_CLOEXEC added), retried while the kernel says EAGAIN; the
 * fd, or -1 with errno. Every open below a root goes through it. */
long nd_openat2_raw(int dirfd, const char *path, int flags, unsigned long long resolve);
void nd_root_close(nd_root *r);
void nd_warn(nd_root *r, const char *fmt, ...) ND_PRINTF(2, 3);
/* Open `rel` (relative to dirfd, itself below the root) for reading without
 * following any symlink and without leaving dirfd. -errno on failure. */
int nd_root_open_file(int dirfd, const char *rel);
/* Open the directory `path` ("sys/devices/…", relative to the root) as an
 * O_PATH fd, following symlinks only inside the root. -errno on failure. */
int nd_root_open_dir(const nd_root *r, const char *path);
/*
 * Read a file: at most ND_ATTR_MAX bytes into buf (size ND_ATTR_MAX + 1,
 * NUL-terminated). A file without the owner-read bit is unreadable even for
 * root (as libudev). Returns the length, -ENOENT when absent (also: a
 * symlink, a directory, anything outside the root), or another -errno,
 * which the caller reports.
 */
int nd_read_raw(int dirfd, const char *rel, char *buf);
/* The same with a size of one's own (buf holds max + 1) and, with follow,
 * symlinks followed as long as they stay below dirfd. */
int nd_read_file(int dirfd, const char *rel, bool follow, char *buf, size_t max);
/* Whether path (root-relative) resolves below the root. */
bool nd_root_exists(const nd_root *r, const char *path);
/* A directory below dirfd opened for reading its entries. -errno. */
int nd_root_opendir(int dirfd, const char *rel, bool follow);
/* An attribute value from nd_read_raw's buffer, cleaned as DESIGN §13 says:
 * the first line, cut at the first NUL, trailing whitespace stripped. */
void nd_attr_clean(char *buf);
/* Lexically resolve the symlink `rel` in directory `dir` (root-relative,
 * "sys/…") to a root-relative path without "." or ".." components. Absent
 * (-ENOENT) when it is not a link, is absolute, climbs out of the root, or
 * does not resolve below the root. *out is malloc'd. */
int nd_root_resolve_link(const nd_root *r, int dirfd, const char *dir,
                         const char *rel, char **out);
/* The same without the final check that the target resolves below the
 * root: for a caller that opens the target next anyway, or that knows it
 * resolves (the check is a walk of the whole path). */
int nd_root_link_text(int dirfd, const char *dir, const char *rel, char **out);
/* Append rel's components to the root-relative path out[0..*len) (cap
 * bytes), dropping "." and applying ".." lexically; false when ".." would
 * leave the root or the result does not fit. */
bool nd_path_push(char *out, size_t *len, size_t cap, const char *rel);

/* ---- XML (xml/writer.c, xml/text.c) ---------------------------------- */
/* One <device> document (with the XML declaration); malloc'd, NULL + error. */
char *nd_xml_device(const nd_dev *d);
/* Every device of the model, in name order, as one <devices> document. */
char *nd_xml_devices(const nd_model *m);
/* The same document written to fd as it is made. 0, or -1 with the error
 * set (part of it may have been written). */
int nd_xml_devices_fd(const nd_model *m, int fd);
/* Text as it may stand in XML 1.0 (DESIGN §13): each byte that is not part
 * of valid UTF-8, and each character XML forbids, becomes U+FFFD. malloc'd;
 * NULL only when out of memory. */
char *nd_xml_clean_text(const char *s);

/* ---- writes (backends/write.c): NPIV and driver detach only ---------- */
/* Write data to the root-relative attribute path, opened write-only below
 * the root. 0, or -1 with an error naming the file and the reason. */
int nd_root_write(const nd_root *r, const char *path, const char *data);
/* Tests inject kernel errors here: a hook returning -errno makes the write
 * fail with that errno before anything is written; 0 lets it through. */
typedef int (*nd_write_hook_fn)(const char *path, const char *data, void *ctx);
void nd_test_set_write_hook(nd_write_hook_fn hook, void *ctx);
/* Poll done(ctx) until true (0) or timeout_ms passes (-ETIMEDOUT). */
int nd_wait_until(bool (*done)(void *ctx), void *ctx, int timeout_ms);

/* A target directory for capture/import: made, or empty, or forced. */
int nd_capture_target(const char *dir, bool force);

/* ---- raw devices and the source (backends/source.h) ------------------ */
#include "../backends/source.h"

/* ---- connection (lib/conn.c) ------------------------------------------ */
struct ndConnect {
    nd_root root;
    pthread_rwlock_t lock;       /* readers: queries; writer: refresh */
    nd_source *source;
    nd_model *model;
    unsigned long generation;    /* bumped by every refresh */
    struct nd_monitor *monitor;  /* device events (lib/monitor.c, issue 6) */
};
/* Stops listening and frees the monitor (ndConnectClose, issue 6). */
void nd_monitor_free(struct nd_monitor *mon);

nd_model *nd_scan(nd_root *root, nd_source *src);   /* backends/scan.c */
/* One device at path ("sys/devices/…") probed with probe, into arena, its
 * parent not set; NULL when it is not one or vanished (issue 6). */
nd_dev *nd_scan_one(nd_arena *arena, nd_source *src, nd_root *root, const char *path,
                    const nd_probe *probe);
/* The source ndConnectOpen's flags ask for (lib/source_pick.c, issue 6);
 * NULL with the error set. Free it with its free(). */
nd_source *nd_source_pick(const nd_root *root, unsigned int flags);

/* A device handle (lib/api.c): it stands for a key, not a model entry, so
 * it survives refreshes; backends/detach.c looks devices up by it too. */
struct ndNodeDevice {
    ndConnect *conn;
    char *key;          /* what the handle stands for */
    char *value;        /* the last getter's answer */
};

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The WWNs an NPIV create must not reuse, new ones, and spotting the vHBA
 * the kernel made (DESIGN §6, §9). All read straight from the class
 * directories below the root, not from the model: they must reflect the
 * kernel's state at the moment of the write.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include "npiv.h"

/* The class's entries (sys/class/<cls>/NAME) in directory order; calls
 * fn(ctx, name) for each until it returns false. A class the root does not
 * have is simply empty. */
static void nd_class_each(const nd_root *r, const char *cls,
                          bool (*fn)(void *ctx, const char *name), void *ctx)
{
    char dir[64];
    snprintf(dir, sizeof(dir), "sys/class/%s", cls);
    int fd = nd_root_opendir(r->fd, dir, false);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d)))
        if (de->d_name[0] != '.' && !fn(ctx, de->d_name))
            break;
    closedir(d);
}

/* sys/class/<cls>/<name>/<attr> as a normalised WWN; false when absent,
 * unreadable or malformed. The class entry is a link into sys/devices,
 * followed only below the root. */
static bool nd_class_wwn(const nd_root *r, const char *cls, const char *name,
                         const char *attr, char out[ND_WWN_BUF])
{
    char path[512], buf[ND_ATTR_MAX + 1];
    if ((size_t)snprintf(path, sizeof(path), "sys/class/%s/%s/%s", cls, name, attr) >=
        sizeof(path))
        return false;
    if (nd_read_file(r->fd, path, true, buf, ND_ATTR_MAX) < 0)
        return false;
    nd_attr_clean(buf);
    return nd_wwn_normalize(buf, out) == 0;
}

/* ---- the WWNs in use ----------------------------------------------------- */

typedef struct nd_wwn_load {
    const nd_root *r;
    const char *cls;
    nd_wwn_set *s;
    int rc;
} nd_wwn_load;

static bool nd_wwn_load_one(void *ctx, const char *name)
{
    nd_wwn_load *l = ctx;
    static const char *const attrs[] = { "port_name", "node_name" };
    for (size_t i = 0; i < 2; i++) {
        char wwn[ND_WWN_BUF];
        if (!nd_class_wwn(l->r, l->cls, name, attrs[i], wwn))
            continue;
        struct nd_wwn_use *u = realloc(l->s->use, (l->s->n + 1) * sizeof(*u));
        if (!u) {
            l->rc = nd_error(ND_ERR_INTERNAL, "out of memory");
            return false;
        }
        l->s->use = u;
        u += l->s->n++;
        memcpy(u->wwn, wwn, ND_WWN_BUF);
        snprintf(u->owner, sizeof(u->owner), "%.*s", (int)sizeof(u->owner) - 1, name);
        u->attr = attrs[i];
    }
    return true;
}

int nd_wwn_set_load(const nd_root *r, nd_wwn_set *s)
{
    memset(s, 0, sizeof(*s));
    /* a disabled vport may have no SCSI host, yet its WWNs stay taken */
    static const char *const classes[] = { "fc_host", "fc_vports" };
    for (size_t i = 0; i < 2; i++) {
        nd_wwn_load l = { r, classes[i], s, 0 };
        nd_class_each(r, classes[i], nd_wwn_load_one, &l);
        if (l.rc < 0) {
            nd_wwn_set_free(s);
            return -1;
        }
    }
    return 0;
}

void nd_wwn_set_free(nd_wwn_set *s)
{
    free(s->use);
    memset(s, 0, sizeof(*s));
}

const struct nd_wwn_use *nd_wwn_set_find(const nd_wwn_set *s, const char *wwn)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->use[i].wwn, wwn) == 0)
            return &s->use[i];
    return NULL;
}

/* ---- new WWNs --------------------------------------------------------------- */

int nd_npiv_wwn_generate(const nd_wwn_set *s, const char *avoid, char out[ND_WWN_BUF])
{
    /* 36 random bits give 2^36 names: a clash is already unlikely, a few
     * tries make a failure a sign of a broken random source */
    for (int attempt = 0; attempt < 16; attempt++) {
        unsigned long long bits;
        ssize_t n;
        do
            n = getrandom(&bits, sizeof(bits), 0);
        while (n < 0 && errno == EINTR);
        if (n != (ssize_t)sizeof(bits))
            return nd_error_errno(n < 0 ? errno : EIO, "cannot generate a WWN: getrandom");
        /* NAA 5 (IEEE Registered): 4 bits NAA, 24 bits OUI, 36 bits ours */
        snprintf(out, ND_WWN_BUF, "5%s%09llx", ND_NPIV_OUI, bits & 0xfffffffffULL);
        if (!nd_wwn_set_find(s, out) && (!avoid || strcmp(avoid, out) != 0))
            return 0;
    }
    return nd_error(ND_ERR_INTERNAL, "cannot generate a WWN unused on this host");
}

/* ---- the vHBA the kernel made ------------------------------------------- */

typedef struct nd_port_find {
    const nd_root *r;
    const char *wwpn;
    char *name;
    bool found;
} nd_port_find;

static bool nd_port_find_one(void *ctx, const char *name)
{
    nd_port_find *f = ctx;
    char wwn[ND_WWN_BUF], scsi[128];
    if (!nd_class_wwn(f->r, "fc_host", name, "port_name", wwn) ||
        strcmp(wwn, f->wwpn) != 0)
        return true;
    /* the SCSI host is registered before its fc_host; both must be
     * there for a scan to model the vHBA */
    snprintf(scsi, sizeof(scsi), "sys/class/scsi_host/%.100s", name);
    if (!nd_root_exists(f->r, scsi))
        return true;
    snprintf(f->name, 64, "%.63s", name);
    f->found = true;
    return false;
}

bool nd_npiv_find_port(const nd_root *r, const char *wwpn, char name[64])
{
    nd_port_find f = { r, wwpn, name, false };
    nd_class_each(r, "fc_host", nd_port_find_one, &f);
    return f.found;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ND_RECORD_H
#define ND_RECORD_H
#include "internal.h"

enum nd_rec_kind {
    ND_REC_FILE,      /* a file that was read (or tried) */
    ND_REC_LINK,      /* a symlink whose target was resolved */
    ND_REC_DIR,       /* a directory whose entries were listed */
    ND_REC_EXISTS,    /* a path whose existence was checked */
};

typedef struct nd_rec_entry {
    char *path;       /* root-relative */
    enum nd_rec_kind kind;
} nd_rec_entry;

struct nd_recorder {
    nd_rec_entry *v;  /* in the order first met */
    size_t n, cap;
    void *seen;       /* xmlHashTable: (path, kind) already recorded */
};

nd_recorder *nd_recorder_new(void);
void nd_recorder_free(nd_recorder *rec);
/* Record dir/rel (either may be empty) when a recorder is attached to r. */
void nd_record(nd_root *r, enum nd_rec_kind kind, const char *dir, const char *rel);
#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `capture --scrub`: MACs, serial numbers, UUIDs and WWNs become stable
 * fakes — the same original always gives the same fake within a capture,
 * so relations (bond slaves sharing a MAC, a vport's WWNs) survive. */
#ifndef ND_SCRUB_H
#define ND_SCRUB_H
#include <stddef.h>

typedef struct nd_scrub nd_scrub;

nd_scrub *nd_scrub_new(void);
void nd_scrub_free(nd_scrub *s);
/* Pass 1: if path names an identifying attribute, remember its value.
 * content is the file's text. */
void nd_scrub_learn(nd_scrub *s, const char *path, const char *content);
/* Pass 2: the text to write for path: an identifying attribute's fake, or
 * content with every remembered original (6 bytes or longer; shorter ones
 * identify nothing and would hit unrelated text) replaced. malloc'd. */
char *nd_scrub_apply(nd_scrub *s, const char *path, const char *content, size_t len,
                     size_t *outlen);
#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Text into XML (DESIGN §13): whatever bytes a sysfs attribute or a USB
 * string holds, what reaches the writer is UTF-8 that XML 1.0 accepts.
 *
 *  - each byte that is not part of a well-formed UTF-8 sequence (Unicode
 *    Table 3-7: no overlongs, no surrogates, nothing above U+10FFFF, no
 *    truncated sequences, no stray continuation bytes) becomes one U+FFFD;
 *  - each character XML 1.0 forbids (C0 controls other than TAB, LF, CR;
 *    U+FFFE; U+FFFF) becomes one U+FFFD;
 *  - everything else is copied unchanged.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define REPL "\xef\xbf\xbd"   /* U+FFFD */
#define REPL_LEN 3

/*
 * Look at the character starting at p (not at the terminating NUL).
 * Returns how many input bytes it takes; *keep says whether they are
 * copied as they are (true) or replaced by one U+FFFD (false). An invalid
 * lead byte takes one byte, so every offending byte gets its own U+FFFD.
 */
static size_t step(const unsigned char *p, int *keep)
{
    unsigned char c = p[0];
    unsigned char lo = 0x80, hi = 0xbf;  /* range of the second byte */
    size_t n;
    unsigned long cp;

    if (c < 0x80) {
        *keep = c >= 0x20 || c == '\t' || c == '\n' || c == '\r';
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        cp = c & 0x0f;
        if (c == 0xe0)
            lo = 0xa0;               /* no overlongs */
        else if (c == 0xed)
            hi = 0x9f;               /* no surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        cp = c & 0x07;
        if (c == 0xf0)
            lo = 0x90;               /* no overlongs */
        else if (c == 0xf4)
            hi = 0x8f;               /* nothing above U+10FFFF */
    } else {
        *keep = 0;                   /* 80-C1 (stray or overlong), F5-FF */
        return 1;
    }
    if (p[1] < lo || p[1] > hi) {
        *keep = 0;
        return 1;
    }
    for (size_t i = 1; i < n; i++) {
        if (p[i] < 0x80 || p[i] > 0xbf) {   /* also stops at the NUL */
            *keep = 0;
            return 1;
        }
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    /* A well-formed character; U+FFFE and U+FFFF are still not XML. */
    *keep = cp != 0xfffe && cp != 0xffff;
    return n;
}

char *nd_xml_clean_text(const char *s)
{
    const unsigned char *p;
    size_t len = 0, n;
    int keep;
    char *out, *o;

    if (!s)
        return NULL;
    for (p = (const unsigned char *)s; *p; p += n) {
        n = step(p, &keep);
        len += keep ? n : REPL_LEN;
    }
    out = malloc(len + 1);
    if (!out)
        return NULL;
    o = out;
    for (p = (const unsigned char *)s; *p; p += n) {
        n = step(p, &keep);
        if (keep) {
            memcpy(o, p, n);
            o += n;
        } else {
            memcpy(o, REPL, REPL_LEN);
            o += REPL_LEN;
        }
    }
    *o = '\0';
    return out;
}

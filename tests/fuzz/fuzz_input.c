/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: the input capability bitmaps (backends/input_kind.c).
 * Input: a first byte saying which of the five files are present (bit i:
 * ev, key, rel, abs, properties), then their texts, one per line. The
 * classifier gives only known kinds and marks only present files bad; a
 * bitmap the parser accepts is printed back the kernel's way and parses
 * to the same words.
 */
#include <inttypes.h>
#include "fuzz.h"
#include "input_kind.h"

#define WORDS 12   /* KEY_CNT bits, the widest bitmap */

static void check_bitmap(const char *text, size_t nwords)
{
    uint64_t w[WORDS], w2[WORDS];
    if (nd_input_bitmap_parse(text, w, nwords) < 0)
        return;
    /* the kernel's form: most significant non-zero word first, then every
     * lower word, blank-separated */
    char buf[WORDS * 17 + 1];
    size_t top = nwords;
    while (top > 1 && !w[top - 1])
        top--;
    size_t n = 0;
    for (size_t i = top; i-- > 0;)
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%" PRIx64, n ? " " : "", w[i]);
    ND_FUZZ_CHECK(nd_input_bitmap_parse(buf, w2, nwords) == 0);
    ND_FUZZ_CHECK(memcmp(w, w2, nwords * sizeof(*w)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char *s = nd_fuzz_str(data + 1, size - 1);
    const char *text[ND_INPUT_NBITMAPS] = { 0 };
    char *line = s;
    unsigned present = 0;
    for (unsigned i = 0; i < ND_INPUT_NBITMAPS; i++) {
        char *next = nd_fuzz_split_line(line);
        if (data[0] & (1u << i)) {
            text[i] = line;
            present |= 1u << i;
        }
        line = next;
    }
    unsigned bad = ~0u;
    unsigned kinds = nd_input_classify(text, &bad);
    ND_FUZZ_CHECK(kinds < (1u << ND_INPUT_NKINDS));
    ND_FUZZ_CHECK((bad & ~present) == 0);
    for (unsigned i = 0; i < ND_INPUT_NKINDS; i++)
        ND_FUZZ_CHECK(((kinds >> i) & 1) == 0 || nd_input_kind_name(i));
    for (unsigned i = 0; i < ND_INPUT_NBITMAPS; i++)
        if (text[i])
            for (size_t nw = 1; nw <= WORDS; nw += 5)
                check_bitmap(text[i], nw);
    free(s);
    return 0;
}

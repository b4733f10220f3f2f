/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: nd_word_next (backends/net_parse.c), the word list
 * reader of bonding/slaves and bonding/mode. The words it yields are the
 * text's maximal runs of non-blanks, in order, each once: together with
 * the blanks between them they make up the whole text.
 */
#include "fuzz.h"
#include "net_parse.h"

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = nd_fuzz_str(data, size);
    size_t total = strlen(s), covered = 0;
    const char *cur = s, *prev_end = s, *w;
    size_t len;
    while ((w = nd_word_next(&cur, &len))) {
        ND_FUZZ_CHECK(w >= prev_end && len > 0 && w + len <= s + total);
        ND_FUZZ_CHECK(cur == w + len);
        for (const char *p = prev_end; p < w; p++)
            ND_FUZZ_CHECK(blank(*p));
        for (size_t i = 0; i < len; i++)
            ND_FUZZ_CHECK(!blank(w[i]));
        ND_FUZZ_CHECK(w[len] == '\0' || blank(w[len]));
        covered += (size_t)(w - prev_end) + len;
        prev_end = w + len;
    }
    for (const char *p = prev_end; *p; p++)
        ND_FUZZ_CHECK(blank(*p));
    covered += strlen(prev_end);
    ND_FUZZ_CHECK(covered == total && *cur == '\0');
    ND_FUZZ_CHECK(!nd_word_next(&cur, &len));   /* stays at the end */
    free(s);
    return 0;
}

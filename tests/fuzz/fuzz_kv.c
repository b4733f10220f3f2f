/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: nd_kv_lookup (backends/raw.c), which finds a KEY in a
 * uevent file ("KEY=VALUE" lines) or a udev database entry ("E:KEY=VALUE").
 * Input: the key on the first line, the file's text after it; both
 * prefixes are tried. A value found lies inside the text, right after
 * "<prefix>KEY=" at a line's start, and runs to the end of its line.
 */
#include "fuzz.h"
#include "internal.h"

static void check(const char *text, const char *prefix, const char *key)
{
    size_t len = (size_t)-1;
    const char *v = nd_kv_lookup(text, prefix, key, &len);
    if (!v)
        return;
    size_t plen = strlen(prefix), klen = strlen(key), tlen = strlen(text);
    const char *line = v - plen - klen - 1;
    ND_FUZZ_CHECK(line >= text && v + len <= text + tlen);
    ND_FUZZ_CHECK(line == text || line[-1] == '\n');
    ND_FUZZ_CHECK(memcmp(line, prefix, plen) == 0 && memcmp(line + plen, key, klen) == 0 &&
                  line[plen + klen] == '=');
    ND_FUZZ_CHECK(!memchr(v, '\n', len) && (v[len] == '\n' || v[len] == '\0'));
    /* the first such line counts */
    size_t len2;
    ND_FUZZ_CHECK(nd_kv_lookup(text, prefix, key, &len2) == v && len2 == len);
    for (const char *l = text; l < line; l = strchr(l, '\n') + 1)
        ND_FUZZ_CHECK(!(strncmp(l, prefix, plen) == 0 && strncmp(l + plen, key, klen) == 0 &&
                        l[plen + klen] == '='));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *key = nd_fuzz_str(data, size);
    const char *text = nd_fuzz_split_line(key);
    check(text, "", key);
    check(text, "E:", key);
    size_t len;
    ND_FUZZ_CHECK(!nd_kv_lookup(NULL, "", key, &len));
    free(key);
    return 0;
}

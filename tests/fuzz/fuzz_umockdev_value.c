/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: the decoders of umockdev's attribute values
 * (backends/umockdev.c): C escapes ("A:" lines) and hex ("H:" lines).
 * Unescaping never grows the text and changes nothing without a '\';
 * unhex takes exactly pairs of hex digits, and printing the bytes back
 * gives the input (any case).
 */
#include <strings.h>
#include "fuzz.h"
#include "umockdev.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = nd_fuzz_str(data, size);
    size_t len = strlen(s);
    char *out = malloc(len + 1);
    ND_FUZZ_CHECK(out);
    size_t n = nd_umockdev_unescape(s, out);
    ND_FUZZ_CHECK(n <= len && out[n] == '\0');
    if (!strchr(s, '\\'))
        ND_FUZZ_CHECK(n == len && memcmp(s, out, len) == 0);

    ssize_t h = nd_umockdev_unhex(s, (unsigned char *)out);
    bool hex = len % 2 == 0 && strspn(s, "0123456789abcdefABCDEF") == len;
    ND_FUZZ_CHECK(hex == (h >= 0));
    if (h >= 0) {
        ND_FUZZ_CHECK((size_t)h == len / 2);
        char *back = malloc(len + 1);
        ND_FUZZ_CHECK(back);
        for (ssize_t i = 0; i < h; i++)
            snprintf(back + 2 * i, 3, "%02x", (unsigned char)out[i]);
        back[len] = '\0';
        ND_FUZZ_CHECK(strcasecmp(back, s) == 0);
        free(back);
    }
    free(out);
    free(s);
    return 0;
}

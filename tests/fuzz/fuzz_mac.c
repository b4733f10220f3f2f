/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: nd_mac_parse (backends/net_parse.c), the reader of a
 * net device's `address`. An accepted address is 1 to 32 octets of two hex
 * digits joined by ':', given back lowercased (so equal to the input but
 * for case), all_zero exactly when every digit is 0, and parsing the
 * result again gives the same.
 */
#include <strings.h>
#include "fuzz.h"
#include "net_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = nd_fuzz_str(data, size);
    char out[ND_MAC_TEXT_MAX], again[ND_MAC_TEXT_MAX];
    bool zero = false, zero2 = false;
    if (nd_mac_parse(s, out, &zero)) {
        size_t n = strlen(out);
        ND_FUZZ_CHECK(n >= 2 && n < ND_MAC_TEXT_MAX && n % 3 == 2);
        for (size_t i = 0; i < n; i++)
            ND_FUZZ_CHECK(i % 3 == 2 ? out[i] == ':' : !!strchr("0123456789abcdef", out[i]));
        ND_FUZZ_CHECK(strcasecmp(out, s) == 0);
        ND_FUZZ_CHECK(zero == (strspn(out, "0:") == n));
        ND_FUZZ_CHECK(nd_mac_parse(out, again, &zero2) && strcmp(out, again) == 0 &&
                      zero2 == zero);
    }
    free(s);
    return 0;
}

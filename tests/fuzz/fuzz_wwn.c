/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: the WWN parser (backends/wwn.c) that fc_host's
 * node_name/port_name/fabric_name and the users' WWNs go through. An
 * accepted WWN comes out as exactly 16 lowercase hex digits equal to the
 * input's (any case, "0x" optional), and normalizing that again changes
 * nothing; "unknown" is a zero of any width or 16 f's.
 */
#include <strings.h>
#include "fuzz.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = nd_fuzz_str(data, size);
    char out[ND_WWN_BUF], again[ND_WWN_BUF];
    bool unknown = nd_wwn_is_unknown(s);
    if (nd_wwn_normalize(s, out) == 0) {
        const char *d = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? s + 2 : s;
        ND_FUZZ_CHECK(strlen(out) == 16 && strspn(out, "0123456789abcdef") == 16);
        ND_FUZZ_CHECK(strcasecmp(out, d) == 0);
        ND_FUZZ_CHECK(nd_wwn_normalize(out, again) == 0 && strcmp(out, again) == 0);
        ND_FUZZ_CHECK(unknown == (strcmp(out, "0000000000000000") == 0 ||
                                  strcmp(out, "ffffffffffffffff") == 0));
    }
    if (unknown) {
        const char *d = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? s + 2 : s;
        ND_FUZZ_CHECK(*d && (strspn(d, "0") == strlen(d) || strspn(d, "fF") == 16));
    }
    free(s);
    return 0;
}

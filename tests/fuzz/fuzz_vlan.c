/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: nd_vlan_config_find (backends/net_parse.c), the reader
 * of /proc/net/vlan/config. Input: the interface name on the first line,
 * the file after it. A hit is a line starting with the name and (after
 * blanks) '|'; its ID is 0..4095; its lower device lies inside the text
 * and holds no blank or '|'. A miss leaves the entry empty.
 */
#include "fuzz.h"
#include "net_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *name = nd_fuzz_str(data, size);
    const char *text = nd_fuzz_split_line(name);
    size_t tlen = strlen(text), nlen = strlen(name);
    nd_vlan_entry e;
    memset(&e, 0xa5, sizeof(e));
    if (!nd_vlan_config_find(text, name, &e)) {
        ND_FUZZ_CHECK(!e.has_id && !e.lower && e.lower_len == 0);
    } else {
        ND_FUZZ_CHECK(nlen > 0 && strstr(text, name));
        ND_FUZZ_CHECK(!e.has_id || e.id <= 4095);
        if (e.lower) {
            ND_FUZZ_CHECK(e.lower >= text && e.lower + e.lower_len <= text + tlen);
            ND_FUZZ_CHECK(e.lower_len > 0);
            for (size_t i = 0; i < e.lower_len; i++)
                ND_FUZZ_CHECK(!strchr(" \t\r\n|", e.lower[i]));
        } else {
            ND_FUZZ_CHECK(e.lower_len == 0);
        }
    }
    free(name);
    return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: nd_parse_ulong (backends/raw.c), the parser of every
 * decimal and hex id the probes read (PCI vendor/device/class, USB ids,
 * bInterfaceNumber, partition numbers, NPIV counts). An accepted text is
 * digits of its base only (hex: "0x" optional), and the value printed back
 * is those digits without leading zeros.
 */
#include <errno.h>
#include <strings.h>
#include "fuzz.h"
#include "internal.h"

static void check(const char *s, int base)
{
    unsigned long v = 12345;
    if (nd_parse_ulong(s, base, &v) < 0) {
        ND_FUZZ_CHECK(v == 12345);   /* untouched on failure */
        return;
    }
    const char *d = s;
    if (base == 16 && d[0] == '0' && (d[1] == 'x' || d[1] == 'X'))
        d += 2;
    const char *set = base == 16 ? "0123456789abcdefABCDEF" : "0123456789";
    ND_FUZZ_CHECK(*d && strspn(d, set) == strlen(d));
    while (d[0] == '0' && d[1])
        d++;
    char back[64];
    snprintf(back, sizeof(back), base == 16 ? "%lx" : "%lu", v);
    ND_FUZZ_CHECK(strcasecmp(back, d) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = nd_fuzz_str(data, size);
    check(s, 10);
    check(s, 16);
    free(s);
    return 0;
}

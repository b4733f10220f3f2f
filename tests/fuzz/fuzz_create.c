/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: the create-XML parser (xml/create.c, DESIGN §6, §12),
 * built with ASan and UBSan (tests/fuzz/CMakeLists.txt, ND_FUZZ=ON). Any
 * input must come back as a spec or an error — no crash, no leak, no
 * output — and an accepted spec must be what the schema promises: a
 * parent that is a HAL name or key, WWNs of 16 lowercase hex digits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "create.h"

static void check_spec(const nd_create_spec *spec)
{
    if (spec->parent) {
        const char *p = spec->parent;
        size_t plen = strlen(ND_KEY_PREFIX);
        if (strncmp(p, ND_KEY_PREFIX, plen) == 0)
            p += plen;
        if (!*p || strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                             "0123456789_") != strlen(p))
            abort();
    }
    if ((spec->has_wwnn && strspn(spec->wwnn, "0123456789abcdef") != 16) ||
        (spec->has_wwpn && strspn(spec->wwpn, "0123456789abcdef") != 16))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nd_create_spec spec;
    if (nd_create_parse((const char *)data, size, &spec) == 0) {
        check_spec(&spec);
        nd_create_spec_free(&spec);
    } else if (!ndGetLastError()) {
        abort();   /* a failure always says why */
    }
    return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* World Wide Names (DESIGN §5, §6, §13): one parser for what the kernel
 * prints in fc_host (node_name, port_name, fabric_name) and what users
 * pass in (lookups, the create XML), so both compare equal. */
#include <errno.h>
#include <string.h>
#include "internal.h"
#include "hex.h"

/* The digits after an optional "0x"/"0X". */
static const char *nd_wwn_digits(const char *s)
{
    return s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? s + 2 : s;
}

int nd_wwn_normalize(const char *s, char out[ND_WWN_BUF])
{
    if (!s)
        return -EINVAL;
    const char *d = nd_wwn_digits(s);
    /* exactly 16 digits: a WWN is 64 bits, and its first digit (the NAA
     * type) is never 0, so the kernel's unpadded %llx prints all 16 */
    if (strlen(d) != ND_WWN_BUF - 1)
        return -EINVAL;
    for (size_t i = 0; i < ND_WWN_BUF - 1; i++) {
        int v = nd_hex_digit(d[i]);
        if (v < 0)
            return -EINVAL;
        out[i] = "0123456789abcdef"[v];
    }
    out[ND_WWN_BUF - 1] = '\0';
    return 0;
}

bool nd_wwn_is_unknown(const char *s)
{
    const char *d = nd_wwn_digits(s);
    if (!*d)
        return false;
    /* the kernel prints an unknown fabric as "0x0" (unpadded) or as all
     * ones; a zero of any width means the same */
    if (strspn(d, "0") == strlen(d))
        return true;
    return strlen(d) == ND_WWN_BUF - 1 && strspn(d, "fF") == ND_WWN_BUF - 1;
}

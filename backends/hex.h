/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The one hex-digit decoder every parser uses (ids, WWNs, MACs, bitmaps). */
#ifndef ND_HEX_H
#define ND_HEX_H

/* 0..15, or -1 when c is not a hex digit. */
static inline int nd_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
#endif

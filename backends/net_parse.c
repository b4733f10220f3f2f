/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Parsers for the network probe (see net_parse.h): pure, fuzzable. */
#include <string.h>
#include "net_parse.h"
#include "hex.h"

bool nd_mac_parse(const char *s, char out[ND_MAC_TEXT_MAX], bool *all_zero)
{
    static const char digits[] = "0123456789abcdef";
    size_t n = 0;
    bool zero = true;
    for (;;) {
        int hi = nd_hex_digit(s[0]), lo = hi < 0 ? -1 : nd_hex_digit(s[1]);
        /* the octet and its ':' or NUL must fit */
        if (lo < 0 || n + 3 > ND_MAC_TEXT_MAX)
            return false;
        out[n++] = digits[hi];
        out[n++] = digits[lo];
        zero = zero && hi == 0 && lo == 0;
        s += 2;
        if (*s == '\0')
            break;
        if (*s != ':')
            return false;
        out[n++] = ':';
        s++;
    }
    out[n] = '\0';
    *all_zero = zero;
    return true;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

const char *nd_word_next(const char **cursor, size_t *len)
{
    const char *s = *cursor;
    while (is_blank(*s))
        s++;
    if (!*s) {
        *cursor = s;
        return NULL;
    }
    const char *w = s;
    while (*s && !is_blank(*s))
        s++;
    *len = (size_t)(s - w);
    *cursor = s;
    return w;
}

static const char *skip_spaces(const char *s, const char *end)
{
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    return s;
}

/* The ID field, digits only, at most 4095 (12 bits). */
static bool parse_id(const char *s, const char *end, unsigned *id)
{
    unsigned v = 0;
    if (s == end)
        return false;
    for (; s < end; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (unsigned)(*s - '0');
        if (v > 4095)
            return false;
    }
    *id = v;
    return true;
}

/* Fill e from the rest of a line after "<name> |": " <id>  | <lower>". */
static void parse_fields(const char *s, const char *eol, nd_vlan_entry *e)
{
    const char *bar = memchr(s, '|', (size_t)(eol - s));
    const char *id_end = bar ? bar : eol;
    s = skip_spaces(s, id_end);
    while (id_end > s && (id_end[-1] == ' ' || id_end[-1] == '\t'))
        id_end--;
    e->has_id = parse_id(s, id_end, &e->id);
    if (!bar)
        return;
    const char *lower = skip_spaces(bar + 1, eol);
    const char *lend = eol;
    while (lend > lower && is_blank(lend[-1]))
        lend--;
    /* an interface name never holds a blank (dev_valid_name) */
    for (const char *p = lower; p < lend; p++)
        if (is_blank(*p) || *p == '|')
            return;
    if (lend > lower) {
        e->lower = lower;
        e->lower_len = (size_t)(lend - lower);
    }
}

bool nd_vlan_config_find(const char *text, const char *ifname, nd_vlan_entry *e)
{
    size_t nlen = strlen(ifname);
    memset(e, 0, sizeof(*e));
    if (nlen == 0)
        return false;
    /* The header lines ("VLAN Dev name | VLAN ID", "Name-Type: …") never
     * match: a valid interface name holds neither blanks nor ':'. */
    for (const char *l = text; *l;) {
        const char *eol = strchr(l, '\n');
        if (!eol)
            eol = l + strlen(l);
        if ((size_t)(eol - l) > nlen && memcmp(l, ifname, nlen) == 0) {
            const char *s = skip_spaces(l + nlen, eol);
            if (s < eol && *s == '|') {
                parse_fields(s + 1, eol, e);
                return true;
            }
        }
        l = *eol ? eol + 1 : eol;
    }
    return false;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the libFuzzer targets share: the input as a C string, and a check
 * that names what failed before aborting (libFuzzer then keeps the input). */
#ifndef ND_FUZZ_H
#define ND_FUZZ_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ND_FUZZ_CHECK(cond)                                                       \
    do {                                                                          \
        if (!(cond)) {                                                            \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                              \
        }                                                                         \
    } while (0)

/* The input up to its first NUL, NUL-terminated, malloc'd (the parsers
 * take C strings, as they get them from an attribute read). */
static inline char *nd_fuzz_str(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Splits s in place at the first '\n': returns the rest (or "" when there
 * is none), s keeps the first line. */
static inline char *nd_fuzz_split_line(char *s)
{
    char *nl = strchr(s, '\n');
    if (!nl)
        return s + strlen(s);
    *nl = '\0';
    return nl + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif

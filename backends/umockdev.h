/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ND_UMOCKDEV_H
#define ND_UMOCKDEV_H
#include <stddef.h>
#include <sys/types.h>

/* Pure decoders of umockdev's values, for the importer and the fuzzers:
 * out must hold strlen(in) + 1 bytes. */
size_t nd_umockdev_unescape(const char *in, char *out);
ssize_t nd_umockdev_unhex(const char *in, unsigned char *out);
#endif

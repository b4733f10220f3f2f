/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The input of ndNodeDeviceCreate (DESIGN §6): an NPIV vHBA's <device>,
 * parsed by xml/create.c and used by backends/npiv.c. The parser only
 * checks the form (well-formed, no DTD, valid against the createDevice
 * pattern of xml/nodedev.rng); whether the parent and the WWNs make sense
 * on this host is npiv.c's business.
 */
#ifndef ND_CREATE_H
#define ND_CREATE_H

#include "internal.h"

/* The largest create document accepted: the real thing is a few hundred
 * bytes; anything far bigger is a mistake or an attack on the parser. */
#define ND_CREATE_XML_MAX (64 * 1024)

typedef struct nd_create_spec {
    char *parent;                  /* name or key as written; NULL: none */
    bool has_wwnn, has_wwpn;       /* false: to be generated */
    char wwnn[ND_WWN_BUF];         /* 16 lowercase hex digits when has_wwnn */
    char wwpn[ND_WWN_BUF];
} nd_create_spec;

/*
 * Parse len bytes of create XML into *spec (zeroed first). 0, or -1 with
 * ND_ERR_XML and a message giving the line ("create XML line 3: …"), or
 * ND_ERR_INTERNAL when out of memory. Needs no connection, touches no
 * file: the fuzzer calls it directly. Free with nd_create_spec_free.
 */
int nd_create_parse(const char *xml, size_t len, nd_create_spec *spec);
void nd_create_spec_free(nd_create_spec *spec);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lookup ROOT [COUNT [SEED]]: COUNT (default one million)
 * ndNodeDeviceLookupByName calls through the public API, on names drawn at
 * random (deterministically from SEED) among the connection's devices,
 * each handle freed at once. Prints
 *   "lookups COUNT devices N wall_s W cpu_s C avg_us A"
 * for the loop alone (the names are listed and drawn before the clock
 * starts; the open is not counted).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "nodedev.h"

static double now(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 4) {
        fputs("usage: lookup ROOT [COUNT [SEED]]\n", stderr);
        return 2;
    }
    unsigned long count = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000;
    uint64_t rng = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
    ndConnectPtr conn = ndConnectOpen(argv[1], ND_CONNECT_QUIET);
    if (!conn) {
        fprintf(stderr, "lookup: %s\n", ndGetLastError()->message);
        return 1;
    }
    int n = ndNodeNumOfDevices(conn, 0);
    char **names = n > 0 ? calloc((size_t)n, sizeof(*names)) : NULL;
    uint32_t *pick = malloc(count * sizeof(*pick));
    if (!names || !pick || ndNodeListDevices(conn, names, n, 0) != n) {
        fputs("lookup: cannot list the devices\n", stderr);
        return 1;
    }
    for (unsigned long i = 0; i < count; i++) {
        /* splitmix64 */
        uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        pick[i] = (uint32_t)((z ^ (z >> 31)) % (uint64_t)n);
    }

    double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    unsigned long missed = 0;
    for (unsigned long i = 0; i < count; i++) {
        ndNodeDevicePtr dev = ndNodeDeviceLookupByName(conn, names[pick[i]]);
        if (!dev)
            missed++;
        else
            ndNodeDeviceFree(dev);
    }
    double w = now(CLOCK_MONOTONIC) - w0, c = now(CLOCK_PROCESS_CPUTIME_ID) - c0;

    printf("lookups %lu devices %d wall_s %.6f cpu_s %.6f avg_us %.4f\n", count, n, w, c,
           count ? w / (double)count * 1e6 : 0.0);
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(pick);
    ndConnectClose(conn);
    if (missed) {
        fprintf(stderr, "lookup: %lu lookups of listed names failed\n", missed);
        return 1;
    }
    return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hostile_perturb FIXTURE SEED DIR: build one hostile tree by hand (to
 * look at, or to rerun a failing seed of hostile_property against
 * `nodedev --root DIR/root`). DIR is made; it must not exist. The
 * perturbations are printed, one a line. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "perturb.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s FIXTURE-DIR SEED DIR\n", argv[0]);
        return 2;
    }
    char *end;
    errno = 0;
    uint64_t seed = strtoull(argv[2], &end, 0);
    if (errno || *end || !*argv[2]) {
        fprintf(stderr, "%s: bad seed '%s'\n", argv[0], argv[2]);
        return 2;
    }
    if (mkdir(argv[3], 0755) < 0) {
        fprintf(stderr, "%s: cannot make %s: %s\n", argv[0], argv[3], strerror(errno));
        return 1;
    }
    int n = nd_perturb(argv[1], argv[3], seed, stdout);
    if (n < 0) {
        fprintf(stderr, "%s: cannot copy %s to %s: %s\n", argv[0], argv[1], argv[3],
                strerror(errno));
        return 1;
    }
    printf("%d perturbations; root: %s/" ND_HOSTILE_ROOT "\n", n, argv[3]);
    return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What several tests need: fixture copies, files, schema checks. */
#ifndef ND_TEST_HELPERS_H
#define ND_TEST_HELPERS_H
#include <stdbool.h>
#include <stddef.h>

/* The whole file, NUL-terminated, malloc'd; NULL if unreadable. */
char *nd_test_slurp(const char *path, size_t *len);
/* Copy fixture `name` to a fresh temporary directory (mode bits applied:
 * paths listed in its UNREADABLE file become mode 000). malloc'd path. */
char *nd_test_fixture_copy(const char *name);
void nd_test_rmtree(const char *dir);
/* A fixture's root: the copy when it has an UNREADABLE list, else the
 * fixture in place. *copied tells whether to remove it afterwards. */
char *nd_test_fixture_root(const char *name, bool *copied);
/* 0 when xml is well-formed and valid against xml/nodedev.rng; else
 * prints why and returns -1. */
int nd_test_validate(const char *xml);
/* Run a shell command; its stdout (malloc'd) and exit status. */
char *nd_test_run(const char *cmd, int *status);
#endif

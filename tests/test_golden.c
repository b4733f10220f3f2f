/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Golden test of one fixture (argv[1]): its <devices> dump must equal
 * fixtures/<name>/expected.xml byte for byte and validate against the
 * schema; each device's own dump must validate too. NODEDEV_REGEN=1
 * rewrites expected.xml instead — every such change is a behaviour
 * change to review. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "helpers.h"
#include "nodedev.h"

static const char *fixture;

static void test_fixture(void **state)
{
    (void)state;
    bool copied;
    char *root = nd_test_fixture_root(fixture, &copied);
    assert_non_null(root);
    ndConnectPtr conn = ndConnectOpen(root, ND_CONNECT_QUIET);
    assert_non_null(conn);
    char *xml = ndConnectDumpAllXML(conn, 0);
    assert_non_null(xml);

    char expected_path[4096];
    snprintf(expected_path, sizeof(expected_path), "%s/%s/expected.xml",
             ND_FIXTURES, fixture);
    const char *regen = getenv("NODEDEV_REGEN");
    if (regen && strcmp(regen, "1") == 0) {
        FILE *f = fopen(expected_path, "w");
        assert_non_null(f);
        fputs(xml, f);
        fclose(f);
        fprintf(stderr, "rewrote %s\n", expected_path);
    }
    char *expected = nd_test_slurp(expected_path, NULL);
    if (!expected)
        fail_msg("%s is missing (NODEDEV_REGEN=1 writes it)", expected_path);
    if (strcmp(xml, expected) != 0) {
        char out[4096];
        snprintf(out, sizeof(out), "/tmp/nodedev-golden-%s.xml", fixture);
        FILE *f = fopen(out, "w");
        if (f) {
            fputs(xml, f);
            fclose(f);
        }
        fail_msg("dump differs from %s; got %s (diff -u them)", expected_path, out);
    }
    assert_int_equal(nd_test_validate(xml), 0);

    int n = ndNodeNumOfDevices(conn, 0);
    assert_true(n > 0);
    char **names = calloc((size_t)n, sizeof(*names));
    assert_int_equal(ndNodeListDevices(conn, names, n, 0), n);
    for (int i = 0; i < n; i++) {
        ndNodeDevicePtr dev = ndNodeDeviceLookupByName(conn, names[i]);
        assert_non_null(dev);
        char *one = ndNodeDeviceDumpXML(dev, 0);
        assert_non_null(one);
        assert_int_equal(nd_test_validate(one), 0);
        free(one);
        ndNodeDeviceFree(dev);
        free(names[i]);
    }
    free(names);
    free(expected);
    free(xml);
    ndConnectClose(conn);
    if (copied)
        nd_test_rmtree(root);
    free(root);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_golden FIXTURE\n");
        return 2;
    }
    fixture = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture),
    };
    return cmocka_run_group_tests_name(fixture, tests, NULL, NULL);
}

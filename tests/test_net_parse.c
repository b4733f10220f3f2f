/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The network probe's parsers (backends/net_parse.c): hardware addresses,
 * word lists (bonding/slaves, bonding/mode) and /proc/net/vlan/config.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "../backends/net_parse.h"

static void check_mac(const char *in, const char *want, bool want_zero)
{
    char out[ND_MAC_TEXT_MAX];
    bool zero = !want_zero;
    assert_true(nd_mac_parse(in, out, &zero));
    assert_string_equal(out, want);
    assert_int_equal(zero, want_zero);
}

static void test_mac(void **state)
{
    (void)state;
    char out[ND_MAC_TEXT_MAX];
    bool zero;
    check_mac("00:13:02:b9:f9:d3", "00:13:02:b9:f9:d3", false);
    check_mac("00:1B:21:0A:FF:01", "00:1b:21:0a:ff:01", false);
    check_mac("00:00:00:00:00:00", "00:00:00:00:00:00", true);
    check_mac("ab", "ab", false);
    /* infiniband: 20 octets */
    check_mac("80:00:00:48:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0a:bc:de",
              "80:00:00:48:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0a:bc:de", false);
    static const char *const bad[] = {
        "", ":", "0", "000", "00:", ":00", "00::00", "0g:00", "00-11-22-33-44-55",
        " 00:11", "00:11 ", "00:1", "-1",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(nd_mac_parse(bad[i], out, &zero));
    /* 32 octets fit, 33 do not */
    char longest[33 * 3];
    for (int i = 0; i < 33; i++)
        memcpy(longest + i * 3, "ff:", 3);
    longest[32 * 3 - 1] = '\0';
    assert_true(nd_mac_parse(longest, out, &zero));
    longest[32 * 3 - 1] = ':';
    longest[33 * 3 - 1] = '\0';
    assert_false(nd_mac_parse(longest, out, &zero));
}

static void test_words(void **state)
{
    (void)state;
    const char *cur = "  eth0 eth1\teth2\n";
    const char *want[] = { "eth0", "eth1", "eth2" };
    size_t len, n = 0;
    const char *w;
    while ((w = nd_word_next(&cur, &len))) {
        assert_true(n < 3);
        assert_int_equal(len, strlen(want[n]));
        assert_memory_equal(w, want[n], len);
        n++;
    }
    assert_int_equal(n, 3);
    cur = "";
    assert_null(nd_word_next(&cur, &len));
    cur = " \t\n ";
    assert_null(nd_word_next(&cur, &len));
}

static const char config[] =
    "VLAN Dev name\t | VLAN ID\n"
    "Name-Type: VLAN_NAME_TYPE_RAW_PLUS_VID_NO_PAD\n"
    "bond0.100      | 100  | bond0\n"
    "bond0.200      | 200  | bond0\n"
    "vlan-with-long-name| 4094  | enp0s31f6\n"
    "badid          | 4096  | eth0\n"
    "noid           |   | eth0\n"
    "nolower        | 7  |   \n"
    "twolower       | 8  | eth0 eth1\n"
    "nobar          | 9\n";

static void test_vlan(void **state)
{
    (void)state;
    nd_vlan_entry e;
    assert_true(nd_vlan_config_find(config, "bond0.100", &e));
    assert_true(e.has_id);
    assert_int_equal(e.id, 100);
    assert_int_equal(e.lower_len, 5);
    assert_memory_equal(e.lower, "bond0", 5);

    assert_true(nd_vlan_config_find(config, "bond0.200", &e));
    assert_int_equal(e.id, 200);
    assert_true(nd_vlan_config_find(config, "vlan-with-long-name", &e));
    assert_int_equal(e.id, 4094);
    assert_memory_equal(e.lower, "enp0s31f6", e.lower_len);

    /* listed, but with a field left out */
    assert_true(nd_vlan_config_find(config, "badid", &e));
    assert_false(e.has_id);
    assert_non_null(e.lower);
    assert_true(nd_vlan_config_find(config, "noid", &e));
    assert_false(e.has_id);
    assert_true(nd_vlan_config_find(config, "nolower", &e));
    assert_true(e.has_id);
    assert_null(e.lower);
    assert_true(nd_vlan_config_find(config, "twolower", &e));
    assert_null(e.lower);
    assert_true(nd_vlan_config_find(config, "nobar", &e));
    assert_int_equal(e.id, 9);
    assert_null(e.lower);

    /* a prefix of a listed name, the headers, nothing */
    assert_false(nd_vlan_config_find(config, "bond0", &e));
    assert_false(nd_vlan_config_find(config, "VLAN", &e));
    assert_false(nd_vlan_config_find(config, "Name-Type:", &e));
    assert_false(nd_vlan_config_find(config, "", &e));
    assert_false(nd_vlan_config_find("", "eth0", &e));
    /* no final newline */
    assert_true(nd_vlan_config_find("eth0.5 | 5 | eth0", "eth0.5", &e));
    assert_int_equal(e.id, 5);
    assert_memory_equal(e.lower, "eth0", e.lower_len);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mac),
        cmocka_unit_test(test_words),
        cmocka_unit_test(test_vlan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

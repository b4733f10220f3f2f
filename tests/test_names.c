/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* HAL names (DESIGN §4): sanitising, collision suffixes, the 255-byte cut. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include "internal.h"

static void test_sanitize(void **state)
{
    (void)state;
    char s[] = "a-b.c:d/e f\xc3\xa9_Z9";
    nd_name_sanitize(s);
    assert_string_equal(s, "a_b_c_d_e_f___Z9");
}

/* A model of computer plus devices with the given heads (and parents). */
static nd_model *model(size_t n, const char **heads, const int *parents)
{
    nd_model *m = calloc(1, sizeof(*m));
    m->arena = nd_arena_new();
    m->devs = calloc(n + 1, sizeof(*m->devs));
    m->devs[0] = nd_arena_alloc(m->arena, sizeof(nd_dev));
    m->devs[0]->name_head = "computer";
    m->ndevs = n + 1;
    for (size_t i = 0; i < n; i++) {
        nd_dev *d = nd_arena_alloc(m->arena, sizeof(*d));
        d->parent = m->devs[parents ? parents[i] : 0];
        if (heads[i][0] == '+') {          /* "+_if0": parent body + tail */
            d->name_parent = true;
            d->name_tail = heads[i] + 1;
        } else {
            d->name_head = heads[i];
        }
        m->devs[i + 1] = d;
    }
    assert_int_equal(nd_names_assign(m), 0);
    assert_int_equal(nd_index_build(m), 0);
    return m;
}

static void test_suffix_order(void **state)
{
    (void)state;
    const char *heads[] = { "pci_8086_10d3", "pci_8086_10d3", "pci_8086_10d3_0",
                            "pci_8086_10d3", "+_if0" };
    const int parents[] = { 0, 0, 0, 0, 2 };
    nd_model *m = model(5, heads, parents);
    assert_string_equal(m->devs[0]->name, "computer");
    assert_string_equal(m->devs[1]->name, "pci_8086_10d3");
    assert_string_equal(m->devs[2]->name, "pci_8086_10d3_0");
    /* its natural body is taken already: it gets the first free suffix */
    assert_string_equal(m->devs[3]->name, "pci_8086_10d3_0_0");
    assert_string_equal(m->devs[4]->name, "pci_8086_10d3_1");
    /* children inherit the parent's final body */
    assert_string_equal(m->devs[5]->name, "pci_8086_10d3_0_if0");
    assert_string_equal(m->devs[5]->key,
                        "/org/freedesktop/Hal/devices/pci_8086_10d3_0_if0");
    assert_ptr_equal(nd_index_by_name(m, "pci_8086_10d3_1"), m->devs[4]);
    assert_ptr_equal(nd_index_by_key(m, m->devs[3]->key), m->devs[3]);
    assert_string_equal(m->by_name[0]->name, "computer");
    nd_model_free(m);
}

static void test_net_root_tail(void **state)
{
    (void)state;
    const char *heads[] = { "x" };
    nd_model *m = model(1, heads, NULL);
    nd_model_free(m);
    m = calloc(1, sizeof(*m));
    m->arena = nd_arena_new();
    m->devs = calloc(3, sizeof(*m->devs));
    m->ndevs = 3;
    for (int i = 0; i < 3; i++)
        m->devs[i] = nd_arena_alloc(m->arena, sizeof(nd_dev));
    m->devs[0]->name_head = "computer";
    m->devs[1]->name_head = "pci_1_2";
    m->devs[1]->parent = m->devs[0];
    m->devs[2]->name_head = "net_";
    m->devs[2]->name_parent = true;
    m->devs[2]->name_tail_root = "_loopback";
    m->devs[2]->parent = m->devs[0];
    assert_int_equal(nd_names_assign(m), 0);
    assert_string_equal(m->devs[2]->name, "net_computer_loopback");
    m->devs[2]->parent = m->devs[1];
    nd_table_free(m->name_hash);
    assert_int_equal(nd_names_assign(m), 0);
    assert_string_equal(m->devs[2]->name, "net_pci_1_2");
    nd_model_free(m);
}

static void test_cut(void **state)
{
    (void)state;
    char longhead[400];
    memset(longhead, 'a', sizeof(longhead) - 1);
    longhead[sizeof(longhead) - 1] = '\0';
    const char *heads[] = { longhead, longhead, "+_if0" };
    const int parents[] = { 0, 0, 1 };
    nd_model *m = model(3, heads, parents);
    const size_t body_max = 255 - strlen("/org/freedesktop/Hal/devices/");
    for (size_t i = 1; i <= 3; i++) {
        assert_int_equal(strlen(m->devs[i]->key), 255);
        assert_int_equal(strlen(m->devs[i]->name), body_max);
    }
    /* the suffix stands after a further cut */
    assert_memory_equal(m->devs[2]->name + body_max - 2, "_0", 2);
    assert_memory_equal(m->devs[2]->name, longhead, body_max - 2);
    assert_string_equal(m->devs[1]->name + body_max - 1, "a");
    nd_model_free(m);
}

/* The name table (lib/index.c) against a plain array under random puts
 * and removals, from a table of 1 that grows: every present name found,
 * every removed one gone (a removal must not cut a probe chain). */
static void test_table(void **state)
{
    (void)state;
    enum { N = 3000, STEPS = 40000 };
    static nd_dev devs[N];
    static char names[N][16];
    static bool in[N];
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof(names[i]), "pci_%x_%d", i % 7, i);
        devs[i].name = names[i];
    }
    nd_name_table *t = nd_table_new(1);
    assert_non_null(t);
    srand(8);
    for (int step = 0; step < STEPS; step++) {
        int i = rand() % N;
        if (in[i])
            nd_table_remove(t, &devs[i]);
        else
            nd_table_put(t, &devs[i]);
        in[i] = !in[i];
        if (step % 4000 == 0 || step == STEPS - 1)
            for (int j = 0; j < N; j++)
                assert_ptr_equal(nd_table_get(t, names[j]), in[j] ? &devs[j] : NULL);
    }
    nd_table_clear(t);
    for (int j = 0; j < N; j++)
        assert_null(nd_table_get(t, names[j]));
    nd_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sanitize),
        cmocka_unit_test(test_suffix_order),
        cmocka_unit_test(test_net_root_tail),
        cmocka_unit_test(test_cut),
        cmocka_unit_test(test_table),
    };
    return cmocka_run_group_tests_name("names", tests, NULL, NULL);
}

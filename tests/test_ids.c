/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The id-database names (backends/ids.c) against the pci.ids and usb.ids
 * that Debian 12 ships (DESIGN §13). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "internal.h"

static void test_pci(void **state)
{
    (void)state;
    assert_string_equal(nd_ids_pci_vendor(0x8086), "Intel Corporation");
    assert_string_equal(nd_ids_pci_device(0x8086, 0x27da),
                        "NM10/ICH7 Family SMBus Controller");
    /* Asked again: the same, from the cache, at the same address. */
    const char *again = nd_ids_pci_device(0x8086, 0x27da);
    assert_ptr_equal(again, nd_ids_pci_device(0x8086, 0x27da));
    assert_string_equal(again, "NM10/ICH7 Family SMBus Controller");
}

static void test_pci_unknown(void **state)
{
    (void)state;
    assert_null(nd_ids_pci_vendor(0x0002));
    assert_null(nd_ids_pci_vendor(0x0002));           /* cached as unknown */
    assert_null(nd_ids_pci_device(0x0002, 0x0001));
    assert_null(nd_ids_pci_device(0x8086, 0xffff));   /* known vendor */
    assert_null(nd_ids_pci_vendor(0x18086));          /* not 16 bits */
    assert_null(nd_ids_pci_device(0x8086, 0x127da));
}

static void test_usb(void **state)
{
    (void)state;
    assert_string_equal(nd_ids_usb_vendor(0x0483), "STMicroelectronics");
    assert_string_equal(nd_ids_usb_product(0x0483, 0x2016), "Fingerprint Reader");
    /* The first and the last entries before the class section. */
    assert_string_equal(nd_ids_usb_vendor(0x0001), "Fry's Electronics");
    assert_string_equal(nd_ids_usb_product(0x0001, 0x7778),
                        "Counterfeit flash drive [Kingston]");
    assert_string_equal(nd_ids_usb_vendor(0xffee), "FNK Tech");
    assert_string_equal(nd_ids_usb_product(0xffee, 0x0100),
                        "Card Reader Controller RTS5101/RTS5111/RTS5116");
}

static void test_usb_unknown(void **state)
{
    (void)state;
    assert_null(nd_ids_usb_vendor(0xfff0));
    assert_null(nd_ids_usb_product(0xfff0, 0x0001));
    assert_null(nd_ids_usb_product(0x0483, 0xffff));  /* known vendor */
    assert_null(nd_ids_usb_product(0xffee, 0x0001));  /* class "01" is no product */
    assert_null(nd_ids_usb_vendor(0x10483));          /* not 16 bits */
    assert_null(nd_ids_usb_product(0x0483, 0x12016));
}

/* Many threads asking at once get the same answers (run under TSan or
 * helgrind to see the locking). */
static void *lookup_many(void *arg)
{
    (void)arg;
    for (unsigned i = 0; i < 200; i++) {
        if (!nd_ids_pci_vendor(0x8086) || !nd_ids_usb_vendor(0x0483) ||
            nd_ids_pci_device(0x0003, i) || nd_ids_usb_product(0xfff0, i))
            return (void *)1;
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    pthread_t t[8];
    for (size_t i = 0; i < 8; i++)
        assert_int_equal(pthread_create(&t[i], NULL, lookup_many, NULL), 0);
    for (size_t i = 0; i < 8; i++) {
        void *ret;
        assert_int_equal(pthread_join(t[i], &ret), 0);
        assert_null(ret);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads),   /* first: races the lazy loads */
        cmocka_unit_test(test_pci),
        cmocka_unit_test(test_pci_unknown),
        cmocka_unit_test(test_usb),
        cmocka_unit_test(test_usb_unknown),
    };
    return cmocka_run_group_tests(tests, 0, NULL);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nd_xml_clean_text (DESIGN §13 "Text into XML"): each byte that is not
 * part of valid UTF-8 becomes one U+FFFD; characters XML 1.0 forbids
 * become U+FFFD; everything else is copied.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"

#define R "\xef\xbf\xbd"   /* U+FFFD */

static void check(const char *in, const char *want)
{
    char *got = nd_xml_clean_text(in);

    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void test_null(void **state)
{
    (void)state;
    assert_null(nd_xml_clean_text(NULL));
}

static void test_ascii(void **state)
{
    (void)state;
    check("", "");
    check("Intel Corporation", "Intel Corporation");
    check("/sys/devices/pci0000:00/0000:00:1f.3", "/sys/devices/pci0000:00/0000:00:1f.3");
    /* escaping is libxml2's job, not this function's */
    check("<a & \"b\" 'c'>", "<a & \"b\" 'c'>");
    check(" ~\x7f", " ~\x7f");
}

static void test_valid_utf8(void **state)
{
    (void)state;
    check("\xc3\xa9", "\xc3\xa9");                       /* U+00E9, 2 bytes */
    check("\xc2\x80", "\xc2\x80");                       /* U+0080, smallest 2-byte */
    check("\xdf\xbf", "\xdf\xbf");                       /* U+07FF */
    check("\xe2\x82\xac", "\xe2\x82\xac");               /* U+20AC, 3 bytes */
    check("\xe0\xa0\x80", "\xe0\xa0\x80");               /* U+0800, smallest 3-byte */
    check("\xed\x9f\xbf", "\xed\x9f\xbf");               /* U+D7FF, below surrogates */
    check("\xee\x80\x80", "\xee\x80\x80");               /* U+E000, above surrogates */
    check("\xef\xbf\xbd", "\xef\xbf\xbd");               /* U+FFFD itself */
    check("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");       /* U+1F600, 4 bytes */
    check("\xf0\x90\x80\x80", "\xf0\x90\x80\x80");       /* U+10000 */
    check("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf");       /* U+10FFFF, the last */
    check("Caf\xc3\xa9 \xe2\x82\xac 5", "Caf\xc3\xa9 \xe2\x82\xac 5");
}

static void test_invalid_bytes(void **state)
{
    (void)state;
    check("\xff", R);
    check("\xff\xfe", R R);
    check("a\xffz", "a" R "z");
    check("\xf5\xf8\xfc", R R R);                        /* never valid leads */
    /* stray continuation bytes */
    check("\x80", R);
    check("\xbf\x80", R R);
    check("\xc3\xa9\xa9", "\xc3\xa9" R);
    /* ISO-8859-1 text read as UTF-8 */
    check("Caf\xe9!", "Caf" R "!");
}

static void test_overlong(void **state)
{
    (void)state;
    check("\xc0\xaf", R R);                              /* '/' in 2 bytes */
    check("\xc1\xbf", R R);
    check("\xe0\x80\xaf", R R R);                        /* '/' in 3 bytes */
    check("\xe0\x9f\xbf", R R R);                        /* U+07FF in 3 bytes */
    check("\xf0\x80\x80\xaf", R R R R);                  /* '/' in 4 bytes */
    check("\xf0\x8f\xbf\xbf", R R R R);                  /* U+FFFF in 4 bytes */
}

static void test_surrogates(void **state)
{
    (void)state;
    check("\xed\xa0\x80", R R R);                        /* U+D800 */
    check("\xed\xbf\xbf", R R R);                        /* U+DFFF */
    check("\xed\xa0\xbd\xed\xb8\x80", R R R R R R);      /* CESU-8 pair */
}

static void test_above_max(void **state)
{
    (void)state;
    check("\xf4\x90\x80\x80", R R R R);                  /* U+110000 */
    check("\xf7\xbf\xbf\xbf", R R R R);
}

static void test_truncated(void **state)
{
    (void)state;
    check("\xc3", R);
    check("ab\xe2\x82", "ab" R R);
    check("\xf0\x9f\x98", R R R);
    /* a sequence cut short by the next character */
    check("\xe2\x82" "A", R R "A");
    check("\xc3\xe2\x82\xac", R "\xe2\x82\xac");
    check("\xf0\x9f" "\xc3\xa9", R R "\xc3\xa9");
}

static void test_controls(void **state)
{
    (void)state;
    check("\x01", R);
    check("\x1b[0m", R "[0m");
    check("a\x01\x1f" "b", "a" R R "b");
    check("\x08\x0b\x0c", R R R);
    /* TAB, LF, CR are XML characters */
    check("a\tb\nc\rd", "a\tb\nc\rd");
}

static void test_nonchars(void **state)
{
    (void)state;
    check("\xef\xbf\xbe", R);                            /* U+FFFE */
    check("\xef\xbf\xbf", R);                            /* U+FFFF */
    check("x\xef\xbf\xbey\xef\xbf\xbfz", "x" R "y" R "z");
    /* other noncharacters are XML 1.0 characters */
    check("\xef\xb7\x90", "\xef\xb7\x90");               /* U+FDD0 */
    check("\xf0\x9f\xbf\xbe", "\xf0\x9f\xbf\xbe");       /* U+1FFFE */
    check("\xf4\x8f\xbf\xbe", "\xf4\x8f\xbf\xbe");       /* U+10FFFE */
    /* C1 controls are XML 1.0 characters */
    check("\xc2\x85", "\xc2\x85");
}

static void test_long(void **state)
{
    (void)state;
    /* every byte of a full attribute page replaced: three times as long */
    char in[ND_ATTR_MAX + 1];
    char *got;

    memset(in, 0xff, ND_ATTR_MAX);
    in[ND_ATTR_MAX] = '\0';
    got = nd_xml_clean_text(in);
    assert_non_null(got);
    assert_int_equal(strlen(got), 3 * ND_ATTR_MAX);
    for (size_t i = 0; i < ND_ATTR_MAX; i++)
        assert_memory_equal(got + 3 * i, R, 3);
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null),
        cmocka_unit_test(test_ascii),
        cmocka_unit_test(test_valid_utf8),
        cmocka_unit_test(test_invalid_bytes),
        cmocka_unit_test(test_overlong),
        cmocka_unit_test(test_surrogates),
        cmocka_unit_test(test_above_max),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_controls),
        cmocka_unit_test(test_nonchars),
        cmocka_unit_test(test_long),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The create-XML parser (xml/create.c, DESIGN §6) on its own: what it
 * takes, normalises and refuses, with line numbers, and that libxml2
 * never prints anything or reaches outside the document. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "helpers.h"
#include "internal.h"
#include "../xml/create.h"

#define FC_OPEN "<capability type=\"scsihost\"><capability type=\"fc\">"
#define FC_CLOSE "</capability></capability>"

/* Parse with stderr captured: whatever the outcome, libxml2 must not
 * have printed anything. */
static int parse(const char *xml, nd_create_spec *spec)
{
    char tmpl[] = "/tmp/nodedev-test-stderr-XXXXXX";
    int tmp = mkstemp(tmpl);
    assert_true(tmp >= 0);
    unlink(tmpl);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    dup2(tmp, STDERR_FILENO);
    int rc = nd_create_parse(xml, strlen(xml), spec);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    off_t printed = lseek(tmp, 0, SEEK_END);
    close(tmp);
    assert_int_equal(printed, 0);
    return rc;
}

/* A rejected document: ND_ERR_XML (or `code`) with `needle` in the
 * message. */
static void refused(const char *xml, int code, const char *needle)
{
    nd_create_spec spec;
    assert_int_equal(parse(xml, &spec), -1);
    const ndError *e = ndGetLastError();
    assert_non_null(e);
    assert_int_equal(e->code, code);
    if (!strstr(e->message, needle))
        fail_msg("message '%s' lacks '%s'", e->message, needle);
    assert_null(spec.parent);
}

static void test_full(void **state)
{
    (void)state;
    nd_create_spec spec;
    const char *xml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<device>\n"
        "  <parent>pci_10df_fe00_scsi_host</parent>  <!-- a comment -->\n"
        "  <capability type=\"scsihost\">\n"
        "    <capability type=\"fc\">\n"
        "      <address wwnn=\"0X20000000C9A1B2C0\" wwpn=\"0x10000000c9a1b2c0\"/>\n"
        "    </capability>\n"
        "  </capability>\n"
        "</device>\n";
    assert_int_equal(parse(xml, &spec), 0);
    assert_string_equal(spec.parent, "pci_10df_fe00_scsi_host");
    assert_true(spec.has_wwnn && spec.has_wwpn);
    assert_string_equal(spec.wwnn, "20000000c9a1b2c0");
    assert_string_equal(spec.wwpn, "10000000c9a1b2c0");
    nd_create_spec_free(&spec);
    assert_null(spec.parent);
}

static void test_minimal_and_partial(void **state)
{
    (void)state;
    nd_create_spec spec;
    assert_int_equal(parse("<device>" FC_OPEN FC_CLOSE "</device>", &spec), 0);
    assert_null(spec.parent);
    assert_false(spec.has_wwnn || spec.has_wwpn);
    nd_create_spec_free(&spec);

    assert_int_equal(parse("<device><parent>/org/freedesktop/Hal/devices/x_1</parent>"
                           FC_OPEN "<address wwpn=\"AbCdEf0123456789\"/>" FC_CLOSE
                           "</device>", &spec), 0);
    assert_string_equal(spec.parent, "/org/freedesktop/Hal/devices/x_1");
    assert_false(spec.has_wwnn);
    assert_true(spec.has_wwpn);
    assert_string_equal(spec.wwpn, "abcdef0123456789");
    nd_create_spec_free(&spec);

    /* another encoding, declared: libxml2 converts it */
    assert_int_equal(parse("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
                           "<device><parent>x</parent>" FC_OPEN FC_CLOSE "</device>",
                           &spec), 0);
    assert_string_equal(spec.parent, "x");
    nd_create_spec_free(&spec);
}

static void test_not_well_formed(void **state)
{
    (void)state;
    refused("<device>\n"
            "  <capability type=\"scsihost\">\n"
            "    <capability type=\"fc\">\n"
            "  </capability>\n"
            "</device>\n", ND_ERR_XML, "line 5:");
    refused("<device>\n<parent>a</parent>\n" FC_OPEN FC_CLOSE "</device>\n<device/>",
            ND_ERR_XML, "line 4:");
    refused("no XML at all", ND_ERR_XML, "line 1:");
    refused("<device><parent>&x;</parent>" FC_OPEN FC_CLOSE "</device>", ND_ERR_XML,
            "Entity 'x' not defined");
    refused("<device>\n<parent>a</parent>\n\x01" FC_OPEN FC_CLOSE "</device>", ND_ERR_XML,
            "line 3:");
}

static void test_schema(void **state)
{
    (void)state;
    /* a dumped <device> is not a create request */
    refused("<device>\n<name>x</name>\n<key>/org/freedesktop/Hal/devices/x</key>\n"
            "<capability type=\"scsihost\"><host>1</host></capability></device>",
            ND_ERR_XML, "line 2: <name>");
    refused("<device>\n<parent>a b</parent>" FC_OPEN FC_CLOSE "</device>", ND_ERR_XML,
            "line 2: <parent>");
    refused("<device>\n<parent>/org/freedesktop/Hal/devices/</parent>" FC_OPEN FC_CLOSE
            "</device>", ND_ERR_XML, "line 2: <parent>");
    refused("<device>" FC_OPEN "\n\n<address wwnn=\"12345\"/>" FC_CLOSE "</device>",
            ND_ERR_XML, "line 3: <address>");
    refused("<device>" FC_OPEN "<address wwnn=\"0x0x00000000000001\"/>" FC_CLOSE
            "</device>", ND_ERR_XML, "<address>");
    refused("<device>" FC_OPEN "<address wwnn=\" 2000000000000001\"/>" FC_CLOSE
            "</device>", ND_ERR_XML, "<address>");
    refused("<device>" FC_OPEN "<address wwn=\"2000000000000001\"/>" FC_CLOSE
            "</device>", ND_ERR_XML, "<address>");
    refused("<device><capability type=\"scsihost\"/></device>", ND_ERR_XML, "line 1:");
    refused("<device xmlns=\"urn:x\">" FC_OPEN FC_CLOSE "</device>", ND_ERR_XML, "line 1:");
    refused("<devices/>", ND_ERR_XML, "line 1:");
}

static void test_doctype(void **state)
{
    (void)state;
    /* an external entity: refused at the DOCTYPE, nothing is read */
    refused("<?xml version=\"1.0\"?>\n"
            "<!DOCTYPE device [\n"
            "  <!ENTITY x SYSTEM \"file:///etc/passwd\">\n"
            "]>\n"
            "<device><parent>&x;</parent>" FC_OPEN FC_CLOSE "</device>",
            ND_ERR_XML, "line 2: a DOCTYPE is not accepted");
    /* an entity bomb: refused before any entity is declared */
    refused("<!DOCTYPE d [\n"
            "<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
            "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
            "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
            "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
            "]>\n<device><parent>&d;</parent>" FC_OPEN FC_CLOSE "</device>",
            ND_ERR_XML, "DOCTYPE");
    /* an external DTD over the network, and one without an internal subset */
    refused("<!DOCTYPE device SYSTEM \"http://127.0.0.1:9/x.dtd\">\n<device>" FC_OPEN
            FC_CLOSE "</device>", ND_ERR_XML, "line 1: a DOCTYPE is not accepted");
    refused("<!DOCTYPE device>\n<device>" FC_OPEN FC_CLOSE "</device>", ND_ERR_XML,
            "DOCTYPE");
}

/* A valid document of exactly len bytes (a long comment inside). */
static char *doc_of_size(size_t len)
{
    static const char head[] = "<device>" FC_OPEN FC_CLOSE "<!--";
    static const char tail[] = "--></device>\n";
    char *s = malloc(len + 1);
    assert_non_null(s);
    memset(s, ' ', len);
    memcpy(s, head, sizeof(head) - 1);
    memcpy(s + len - (sizeof(tail) - 1), tail, sizeof(tail) - 1);
    s[len] = '\0';
    return s;
}

static void test_size(void **state)
{
    (void)state;
    char *big = doc_of_size(ND_CREATE_XML_MAX + 1);
    refused(big, ND_ERR_XML, "65537 bytes, more than the 65536 accepted");
    free(big);
    nd_create_spec spec;
    big = doc_of_size(ND_CREATE_XML_MAX);
    assert_int_equal(parse(big, &spec), 0);
    nd_create_spec_free(&spec);
    free(big);

    refused("", ND_ERR_INVALID_ARG, "empty");
    assert_int_equal(nd_create_parse(NULL, 4, &spec), -1);
    assert_int_equal(nd_create_parse("<a/>", 4, NULL), -1);
}

/* A valid document may not smuggle a second one in after a NUL: the
 * length given is what is parsed. */
static void test_embedded_nul(void **state)
{
    (void)state;
    static const char xml[] = "<device>" FC_OPEN FC_CLOSE "</device>\0<x/>";
    nd_create_spec spec;
    assert_int_equal(nd_create_parse(xml, sizeof(xml) - 1, &spec), -1);
    assert_int_equal(ndGetLastError()->code, ND_ERR_XML);
    assert_non_null(strstr(ndGetLastError()->message, "a NUL byte at offset"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_minimal_and_partial),
        cmocka_unit_test(test_not_well_formed),
        cmocka_unit_test(test_schema),
        cmocka_unit_test(test_doctype),
        cmocka_unit_test(test_size),
        cmocka_unit_test(test_embedded_nul),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

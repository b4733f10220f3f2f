/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "helpers.h"

char *nd_test_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            buf = realloc(buf, (cap *= 2) + 1);
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

char *nd_test_run(const char *cmd, int *status)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap + 1);
    while ((got = fread(buf + n, 1, cap - n, p)) > 0) {
        n += got;
        if (n == cap)
            buf = realloc(buf, (cap *= 2) + 1);
    }
    buf[n] = '\0';
    int st = pclose(p);
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return buf;
}

char *nd_test_fixture_copy(const char *name)
{
    char tmpl[] = "/tmp/nodedev-test-XXXXXX";
    if (!mkdtemp(tmpl))
        return NULL;
    char cmd[4096];
    snprintf(cmd, sizeof(cmd), "cp -a '%s/%s/.' '%s/'", ND_FIXTURES, name, tmpl);
    if (system(cmd) != 0)
        return NULL;
    char list[4096];
    snprintf(list, sizeof(list), "%s/UNREADABLE", tmpl);
    FILE *f = fopen(list, "r");
    if (f) {
        char line[4096];
        while (fgets(line, sizeof(line), f)) {
            line[strcspn(line, "\n")] = '\0';
            if (!*line || *line == '#')
                continue;
            char path[8192];
            snprintf(path, sizeof(path), "%s/%s", tmpl, line);
            if (chmod(path, 0) != 0)
                fprintf(stderr, "cannot chmod %s: %s\n", path, strerror(errno));
        }
        fclose(f);
    }
    return strdup(tmpl);
}

void nd_test_rmtree(const char *dir)
{
    char cmd[4096];
    if (strncmp(dir, "/tmp/nodedev-test-", 18) != 0)
        return;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
}

char *nd_test_fixture_root(const char *name, bool *copied)
{
    char list[4096];
    struct stat st;
    snprintf(list, sizeof(list), "%s/%s/UNREADABLE", ND_FIXTURES, name);
    *copied = stat(list, &st) == 0;
    if (*copied)
        return nd_test_fixture_copy(name);
    char *root = malloc(4096);
    snprintf(root, 4096, "%s/%s", ND_FIXTURES, name);
    return root;
}

int nd_test_validate(const char *xml)
{
    xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "output.xml", NULL,
                                  XML_PARSE_NONET);
    if (!doc) {
        fprintf(stderr, "output is not well-formed XML\n");
        return -1;
    }
    xmlRelaxNGParserCtxtPtr pctx = xmlRelaxNGNewParserCtxt(ND_RNG);
    xmlRelaxNGPtr schema = xmlRelaxNGParse(pctx);
    xmlRelaxNGValidCtxtPtr vctx = schema ? xmlRelaxNGNewValidCtxt(schema) : NULL;
    int rc = vctx ? xmlRelaxNGValidateDoc(vctx, doc) : -1;
    if (rc != 0)
        fprintf(stderr, "output does not validate against %s\n", ND_RNG);
    xmlRelaxNGFreeValidCtxt(vctx);
    xmlRelaxNGFree(schema);
    xmlRelaxNGFreeParserCtxt(pctx);
    xmlFreeDoc(doc);
    return rc == 0 ? 0 : -1;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Parsing the create XML (DESIGN §6) safely. The document comes from a
 * user and may be hostile, so libxml2 gets only what it needs:
 *  - a size limit before anything is parsed (ND_CREATE_XML_MAX);
 *  - XML_PARSE_NONET and none of NOENT, DTDLOAD, DTDATTR, DTDVALID or
 *    XINCLUDE, so no entity is substituted and nothing is loaded;
 *  - a DOCTYPE stops the parser as soon as libxml2 reports it, before its
 *    internal subset (where entity bombs and external entities live) is
 *    read — a vHBA description has no use for one;
 *  - errors through a structured handler on the parser's own context, so
 *    nothing is printed and the message carries the line number.
 * Then the tree is validated against the createDevice pattern of
 * xml/nodedev.rng. The schema is compiled into the library (CMake turns
 * the .rng into nd_schema_rng.h), so validation works the same from the
 * build tree and installed, with no file to find at run time; its <start>
 * is narrowed to createDevice here, so a dumped <device> is not taken for
 * a create request.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/relaxng.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>

#include "create.h"
#include "nd_schema_rng.h"   /* nd_schema_rng[]: xml/nodedev.rng + NUL */

#define X(s) ((const xmlChar *)(s))

/* libxml2 2.12 made the error passed to handlers const. */
#if LIBXML_VERSION >= 21200
typedef const xmlError *nd_xml_err;
#else
typedef xmlErrorPtr nd_xml_err;
#endif

/* The first error of one parse, kept for the message. */
typedef struct nd_parse_state {
    int line;               /* 0: unknown */
    char msg[256];
    bool failed;
    bool doctype;
} nd_parse_state;

/* Keep the first error only: libxml2 follows it with consequences of it
 * ("Extra content", "failed to validate content"). The text may quote the
 * input, so control bytes become '?' — it ends up on a terminal. */
static void nd_parse_note(nd_parse_state *st, int line, const char *msg)
{
    if (st->failed)
        return;
    st->failed = true;
    st->line = line;
    snprintf(st->msg, sizeof(st->msg), "%s", msg ? msg : "unknown error");
    size_t n = strlen(st->msg);
    while (n > 0 && (st->msg[n - 1] == '\n' || st->msg[n - 1] == ' '))
        st->msg[--n] = '\0';
    for (char *c = st->msg; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
}

static void nd_parse_error(void *data, nd_xml_err err)
{
    /* data is the parser context (its userData); warnings do not fail */
    xmlParserCtxtPtr ctxt = data;
    nd_parse_state *st = ctxt ? ctxt->_private : NULL;
    if (st && err && err->level >= XML_ERR_ERROR)
        nd_parse_note(st, err->line, err->message);
}

static void nd_valid_error(void *data, nd_xml_err err)
{
    nd_parse_state *st = data;
    if (!err || err->level < XML_ERR_ERROR)
        return;
    /* libxml2's datatype messages do not say which element is wrong */
    xmlNodePtr node = err->node;
    char msg[sizeof(st->msg)];
    if (node && node->type == XML_ELEMENT_NODE && node->name)
        snprintf(msg, sizeof(msg), "<%.40s>: %s", (const char *)node->name,
                 err->message ? err->message : "invalid");
    else
        snprintf(msg, sizeof(msg), "%s", err->message ? err->message : "invalid");
    nd_parse_note(st, err->line, msg);
}

/* Called by libxml2 at "<!DOCTYPE": remember it and stop right there. */
static void nd_parse_doctype(void *ctx, const xmlChar *name, const xmlChar *ext_id,
                             const xmlChar *sys_id)
{
    (void)name;
    (void)ext_id;
    (void)sys_id;
    xmlParserCtxtPtr ctxt = ctx;
    nd_parse_state *st = ctxt->_private;
    if (st && !st->doctype) {
        st->doctype = true;
        st->failed = false;   /* this is the reason, whatever came before */
        nd_parse_note(st, xmlSAX2GetLineNumber(ctxt), "a DOCTYPE is not accepted");
    }
    xmlStopParser(ctxt);
}

static void nd_schema_quiet(void *data, nd_xml_err err)
{
    (void)data;
    (void)err;
}

/* ---- the schema, compiled once ------------------------------------------ */

static pthread_once_t nd_schema_once = PTHREAD_ONCE_INIT;
static xmlRelaxNGPtr nd_schema;             /* NULL: it did not compile */
/* One validation at a time: a compiled RelaxNG grammar is not documented
 * as safe to share between threads, and creating vHBAs is rare. */
static pthread_mutex_t nd_schema_lock = PTHREAD_MUTEX_INITIALIZER;

static bool nd_is_rng(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, X(name)) && n->ns &&
           xmlStrEqual(n->ns->href, X("http://relaxng.org/ns/structure/1.0"));
}

static void nd_schema_build(void)
{
    xmlInitParser();
    xmlDocPtr doc = xmlReadMemory((const char *)nd_schema_rng,
                                  (int)sizeof(nd_schema_rng) - 1, "nodedev.rng",
                                  NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                  XML_PARSE_NOWARNING);
    xmlNodePtr grammar = doc ? xmlDocGetRootElement(doc) : NULL;
    xmlNodePtr start = NULL;
    for (xmlNodePtr n = grammar ? grammar->children : NULL; n && !start; n = n->next)
        if (nd_is_rng(n, "start"))
            start = n;
    if (!start) {
        xmlFreeDoc(doc);
        return;
    }
    /* <start><ref name="createDevice"/></start> */
    while (start->children) {
        xmlNodePtr c = start->children;
        xmlUnlinkNode(c);
        xmlFreeNode(c);
    }
    xmlNodePtr ref = xmlNewChild(start, start->ns, X("ref"), NULL);
    if (ref && xmlSetProp(ref, X("name"), X("createDevice"))) {
        xmlRelaxNGParserCtxtPtr pctx = xmlRelaxNGNewDocParserCtxt(doc);
        if (pctx) {
            xmlRelaxNGSetParserStructuredErrors(pctx, nd_schema_quiet, NULL);
            nd_schema = xmlRelaxNGParse(pctx);
            xmlRelaxNGFreeParserCtxt(pctx);
        }
    }
    xmlFreeDoc(doc);
}

/* ---- parsing --------------------------------------------------------------- */

static int nd_parse_fail(const nd_parse_state *st)
{
    if (st->line > 0)
        return nd_error(ND_ERR_XML, "create XML line %d: %s", st->line, st->msg);
    return nd_error(ND_ERR_XML, "create XML: %s", st->msg);
}

/* Well-formed XML without a DOCTYPE, or NULL with the error set. */
static xmlDocPtr nd_parse_doc(const char *xml, size_t len)
{
    nd_parse_state st = { 0 };
    xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(xml, (int)len);
    if (!ctxt) {
        nd_error(ND_ERR_INTERNAL, "create XML: cannot start the parser (out of memory?)");
        return NULL;
    }
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET);
    ctxt->_private = &st;
    ctxt->sax->serror = nd_parse_error;
    ctxt->sax->internalSubset = nd_parse_doctype;
    /* no external subset either (DTDLOAD is off; this makes sure) */
    ctxt->sax->externalSubset = NULL;
    ctxt->sax->resolveEntity = NULL;

    int rc = xmlParseDocument(ctxt);
    xmlDocPtr doc = ctxt->myDoc;
    bool ok = rc == 0 && ctxt->wellFormed && !st.failed && !st.doctype && doc;
    ctxt->myDoc = NULL;
    xmlFreeParserCtxt(ctxt);
    /* belt and braces: a DTD that slipped past the handler still fails */
    if (ok && (doc->intSubset || doc->extSubset)) {
        nd_parse_note(&st, 1, "a DOCTYPE is not accepted");
        ok = false;
    }
    if (!ok) {
        xmlFreeDoc(doc);
        if (!st.failed)
            nd_parse_note(&st, 0, "not well-formed XML");
        nd_parse_fail(&st);
        return NULL;
    }
    return doc;
}

static int nd_validate(xmlDocPtr doc)
{
    pthread_once(&nd_schema_once, nd_schema_build);
    if (!nd_schema)
        return nd_error(ND_ERR_INTERNAL, "the built-in schema nodedev.rng does not compile");
    nd_parse_state st = { 0 };
    pthread_mutex_lock(&nd_schema_lock);
    xmlRelaxNGValidCtxtPtr vctx = xmlRelaxNGNewValidCtxt(nd_schema);
    int rc = -1;
    if (vctx) {
        xmlRelaxNGSetValidStructuredErrors(vctx, nd_valid_error, &st);
        rc = xmlRelaxNGValidateDoc(vctx, doc);
        xmlRelaxNGFreeValidCtxt(vctx);
    }
    pthread_mutex_unlock(&nd_schema_lock);
    if (!vctx)
        return nd_error(ND_ERR_INTERNAL, "create XML: out of memory");
    if (rc == 0)
        return 0;
    if (!st.failed)
        nd_parse_note(&st, 0, "does not match the createDevice pattern of nodedev.rng");
    return nd_parse_fail(&st);
}

/* The first element child named name (and with type=`type` when given). */
static xmlNodePtr nd_child(xmlNodePtr n, const char *name, const char *type)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || !xmlStrEqual(c->name, X(name)))
            continue;
        if (!type)
            return c;
        xmlChar *t = xmlGetNoNsProp(c, X("type"));
        bool match = t && xmlStrEqual(t, X(type));
        xmlFree(t);
        if (match)
            return c;
    }
    return NULL;
}

/* One of the optional WWN attributes of <address>, normalised. */
static int nd_spec_wwn(xmlNodePtr addr, const char *attr, bool *has, char out[ND_WWN_BUF])
{
    xmlChar *v = addr ? xmlGetNoNsProp(addr, X(attr)) : NULL;
    if (!v)
        return 0;
    int line = (int)xmlGetLineNo(addr);
    int rc = nd_wwn_normalize((const char *)v, out);
    xmlFree(v);
    if (rc < 0)   /* the schema's pattern should have caught it */
        return nd_error(ND_ERR_XML, "create XML line %d: %s is not a WWN", line, attr);
    *has = true;
    return 0;
}

/* The fields of a valid document. */
static int nd_spec_fill(xmlDocPtr doc, nd_create_spec *spec)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr parent = nd_child(root, "parent", NULL);
    if (parent) {
        xmlChar *text = xmlNodeGetContent(parent);
        spec->parent = text ? strdup((const char *)text) : NULL;
        xmlFree(text);
        if (!spec->parent)
            return nd_error(ND_ERR_INTERNAL, "create XML: out of memory");
    }
    xmlNodePtr fc = nd_child(nd_child(root, "capability", "scsihost"), "capability", "fc");
    if (!fc)
        return nd_error(ND_ERR_XML, "create XML: no scsihost/fc capability");
    xmlNodePtr addr = nd_child(fc, "address", NULL);
    if (nd_spec_wwn(addr, "wwnn", &spec->has_wwnn, spec->wwnn) < 0 ||
        nd_spec_wwn(addr, "wwpn", &spec->has_wwpn, spec->wwpn) < 0)
        return -1;
    return 0;
}

int nd_create_parse(const char *xml, size_t len, nd_create_spec *spec)
{
    if (!spec)
        return nd_error(ND_ERR_INVALID_ARG, "create XML: no result");
    memset(spec, 0, sizeof(*spec));
    if (!xml || len == 0)
        return nd_error(ND_ERR_INVALID_ARG, "create XML: empty document");
    if (len > ND_CREATE_XML_MAX)
        return nd_error(ND_ERR_XML, "create XML: %zu bytes, more than the %d accepted",
                        len, ND_CREATE_XML_MAX);
    /* libxml2 takes a NUL after the root element for the end of the
     * input and ignores the rest: refuse it, so what is parsed is all
     * that was given */
    const char *nul = memchr(xml, '\0', len);
    if (nul)
        return nd_error(ND_ERR_XML, "create XML: a NUL byte at offset %td",
                        nul - xml);
    xmlDocPtr doc = nd_parse_doc(xml, len);
    if (!doc)
        return -1;
    int rc = nd_validate(doc);
    if (rc == 0)
        rc = nd_spec_fill(doc, spec);
    xmlFreeDoc(doc);
    if (rc < 0)
        nd_create_spec_free(spec);
    return rc;
}

void nd_create_spec_free(nd_create_spec *spec)
{
    if (!spec)
        return;
    free(spec->parent);
    memset(spec, 0, sizeof(*spec));
}

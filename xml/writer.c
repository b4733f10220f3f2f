/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The device model as XML (DESIGN §5, §13), with libxml2's xmlTextWriter:
 * libxml2 does all escaping; every string goes through nd_xml_clean_text
 * first, so the output is well-formed whatever the sysfs tree holds.
 *
 * Form: the XML declaration with encoding="UTF-8", 2-space indentation,
 * <x/> for an element without text or children, a final newline.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/xmlwriter.h>

#include "internal.h"

#define X(s) ((const xmlChar *)(s))

/*
 * Clean s for XML. Printable ASCII (the common case: names, keys, paths,
 * ids) is what nd_xml_clean_text would return unchanged, so it is used as
 * it is and nothing is allocated; anything else is cleaned into a copy
 * that the caller frees (*to_free). NULL when out of memory.
 */
static const char *clean(const char *s, char **to_free)
{
    const unsigned char *p;

    *to_free = NULL;
    for (p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p > 0x7e)
            break;
    if (!*p)
        return s;
    *to_free = nd_xml_clean_text(s);
    return *to_free;
}

static int put_string(xmlTextWriterPtr w, const char *s)
{
    char *tmp;
    const char *c = clean(s, &tmp);
    int rc;

    if (!c)
        return -1;
    rc = xmlTextWriterWriteString(w, X(c));
    free(tmp);
    return rc < 0 ? -1 : 0;
}

static int put_attr(xmlTextWriterPtr w, const char *name, const char *value)
{
    char *tmp;
    const char *c = clean(value ? value : "", &tmp);
    int rc;

    if (!c)
        return -1;
    rc = xmlTextWriterWriteAttribute(w, X(name), X(c));
    free(tmp);
    return rc < 0 ? -1 : 0;
}

/* <name>text</name>, or <name/> when text is empty; nothing when NULL. */
static int put_element(xmlTextWriterPtr w, const char *name, const char *text)
{
    if (!text)
        return 0;
    if (xmlTextWriterStartElement(w, X(name)) < 0)
        return -1;
    if (*text && put_string(w, text) < 0)
        return -1;
    return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

/* One nd_node: attributes in order, then text (if any), then children. */
static int put_node(xmlTextWriterPtr w, const nd_node *n)
{
    if (xmlTextWriterStartElement(w, X(n->name)) < 0)
        return -1;
    for (const nd_attr *a = n->attrs; a; a = a->next)
        if (put_attr(w, a->name, a->value) < 0)
            return -1;
    if (n->text && *n->text && put_string(w, n->text) < 0)
        return -1;
    for (const nd_node *c = n->children; c; c = c->next)
        if (put_node(w, c) < 0)
            return -1;
    return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

static int put_device(xmlTextWriterPtr w, const nd_dev *d)
{
    if (xmlTextWriterStartElement(w, X("device")) < 0 ||
        put_element(w, "name", d->name ? d->name : "") < 0 ||
        put_element(w, "key", d->key ? d->key : "") < 0 ||
        put_element(w, "parent", d->parent ? d->parent->key : NULL) < 0 ||
        put_element(w, "path", d->path) < 0 ||
        put_element(w, "driver", d->driver) < 0)
        return -1;
    if (d->bus && put_node(w, d->bus) < 0)
        return -1;
    for (const nd_node *c = d->caps; c; c = c->next)
        if (put_node(w, c) < 0)
            return -1;
    return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

/* <devices> with every device, in name order. */
static int put_devices(xmlTextWriterPtr w, const nd_model *m)
{
    if (xmlTextWriterStartElement(w, X("devices")) < 0)
        return -1;
    for (size_t i = 0; i < m->ndevs; i++)
        if (put_device(w, m->by_name[i]) < 0)
            return -1;
    return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

/* The form (see the top), up to the XML declaration. */
static int doc_start(xmlTextWriterPtr w)
{
    return xmlTextWriterSetIndent(w, 1) < 0 ||
           xmlTextWriterSetIndentString(w, X("  ")) < 0 ||
           xmlTextWriterSetQuoteChar(w, '"') < 0 ||
           xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0 ? -1 : 0;
}

/* A writer into *buf with the declaration already written. */
static xmlTextWriterPtr doc_begin(xmlBufferPtr *buf)
{
    xmlTextWriterPtr w;

    *buf = xmlBufferCreate();
    if (!*buf)
        return NULL;
    w = xmlNewTextWriterMemory(*buf, 0);
    if (!w) {
        xmlBufferFree(*buf);
        *buf = NULL;
        return NULL;
    }
    if (doc_start(w) < 0) {
        xmlFreeTextWriter(w);
        xmlBufferFree(*buf);
        *buf = NULL;
        return NULL;
    }
    return w;
}

/* Finish the document (ok) or drop it; the text as a malloc'd string. */
static char *doc_end(xmlTextWriterPtr w, xmlBufferPtr buf, int ok,
                     const char *what)
{
    char *out = NULL;
    size_t len;

    if (ok && xmlTextWriterEndDocument(w) < 0)
        ok = 0;
    xmlFreeTextWriter(w);   /* flushes into buf */
    if (ok) {
        len = (size_t)xmlBufferLength(buf);
        /* The writer ends the root element with a newline when indenting;
         * make sure of exactly one at the end in any case. */
        if (len == 0 || xmlBufferContent(buf)[len - 1] != '\n')
            ok = xmlBufferAdd(buf, X("\n"), 1) == 0;
    }
    if (ok)
        out = (char *)xmlBufferDetach(buf);
    xmlBufferFree(buf);
    if (!out)
        nd_error(ND_ERR_XML, "cannot write the XML of %s", what);
    return out;
}

char *nd_xml_device(const nd_dev *d)
{
    xmlBufferPtr buf;
    xmlTextWriterPtr w;

    if (!d) {
        nd_error(ND_ERR_INVALID_ARG, "no device to write as XML");
        return NULL;
    }
    w = doc_begin(&buf);
    if (!w) {
        nd_error(ND_ERR_XML, "cannot start an XML writer");
        return NULL;
    }
    return doc_end(w, buf, put_device(w, d) == 0,
                   d->name ? d->name : "a device");
}

char *nd_xml_devices(const nd_model *m)
{
    xmlBufferPtr buf;
    xmlTextWriterPtr w;
    int ok;

    if (!m) {
        nd_error(ND_ERR_INVALID_ARG, "no device model to write as XML");
        return NULL;
    }
    w = doc_begin(&buf);
    if (!w) {
        nd_error(ND_ERR_XML, "cannot start an XML writer");
        return NULL;
    }
    ok = put_devices(w, m) == 0;
    return doc_end(w, buf, ok, "the device list");
}

/* Where nd_xml_devices_fd's writer sends its bytes. */
typedef struct fd_sink {
    int fd;
    int err;            /* errno of the first failed write */
    char last;          /* the last byte written */
} fd_sink;

/* All of buf (libxml2 keeps what a short write leaves over only until its
 * final flush). A failed write is noted and what follows dropped, but
 * libxml2 is told all went well: it would print its own message on
 * stderr, and the caller reports the errno. */
static int fd_sink_write(void *ctx, const char *buf, int len)
{
    fd_sink *s = ctx;
    for (int done = 0; done < len && !s->err;) {
        ssize_t n = write(s->fd, buf + done, (size_t)(len - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            s->err = n < 0 ? errno : EIO;
        else
            done += (int)n;
    }
    if (len > 0)
        s->last = buf[len - 1];
    return len;
}

int nd_xml_devices_fd(const nd_model *m, int fd)
{
    if (!m || fd < 0)
        return nd_error(ND_ERR_INVALID_ARG, "no device model or no file to write XML to");
    fd_sink sink = { .fd = fd };
    xmlOutputBufferPtr out = xmlOutputBufferCreateIO(fd_sink_write, NULL, &sink, NULL);
    xmlTextWriterPtr w = out ? xmlNewTextWriter(out) : NULL;   /* owns out */
    if (!w) {
        if (out)
            xmlOutputBufferClose(out);
        return nd_error(ND_ERR_XML, "cannot start an XML writer");
    }
    bool ok = doc_start(w) == 0 && put_devices(w, m) == 0 &&
              xmlTextWriterEndDocument(w) >= 0 && xmlTextWriterFlush(w) >= 0;
    xmlFreeTextWriter(w);
    /* the final newline, as doc_end makes sure of */
    if (ok && sink.last != '\n')
        ok = fd_sink_write(&sink, "\n", 1) == 1;
    if (sink.err)
        return nd_error_errno(sink.err, "cannot write the XML of the device list");
    return ok ? 0 : nd_error(ND_ERR_XML, "cannot write the XML of the device list");
}

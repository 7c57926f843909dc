/* XML to a dynamic value, as Kusto's parse_xml() maps it (fn_xml.c; libexpat). */
#ifndef MSOC_EXEC_XML_H
#define MSOC_EXEC_XML_H

#include <jansson.h>
#include <stddef.h>

/* Longest input parse_xml() reads (Kusto: 1 MiB); longer gives null. */
#define MSOC_XML_MAX_BYTES ((size_t)1 << 20)
/* Deepest element nesting accepted; deeper documents give null. */
#define MSOC_XML_MAX_DEPTH 1000

/* The JSON form of the XML document p[0..len) (UTF-8; an encoding declaration is
 * ignored): {root: value}, where an element with neither attributes nor child
 * elements is its trimmed text (null when empty), and any other element an object
 * of "@attr" strings, child elements by name (repeated names become arrays, in
 * document order) and "#text" for its trimmed text when there is any. Comments,
 * processing instructions and the doctype are skipped; external entities are never
 * loaded. NULL (no value) for invalid XML, empty input, input longer than
 * MSOC_XML_MAX_BYTES, nesting deeper than MSOC_XML_MAX_DEPTH or out of memory.
 * The caller owns the result (json_decref). Reentrant. */
json_t *msoc_exec_xml_to_json(const char *p, size_t len);

#endif

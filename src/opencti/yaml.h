/*
 * A bounded parser for the YAML subset that OpenCTI connector config.yml
 * files use: nested block mappings of scalars, block lists of scalars
 * ("- item", also at the indentation of their key), flow lists of scalars
 * ("[a, b]"), comments, and plain, single-quoted and double-quoted scalars.
 * A leading UTF-8 byte-order mark is skipped.
 * Anything else (anchors, tags, multi-line scalars, flow mappings, lists of
 * mappings, tabs in indentation) is rejected with the line number, rather
 * than guessed.
 */
#ifndef CG_OPENCTI_YAML_H
#define CG_OPENCTI_YAML_H

#include <jansson.h>

#include "core/err.h"

/* Largest document accepted, in bytes. */
#define CG_YAML_MAX_SIZE (1024 * 1024)

/* Deepest nesting of mappings and lists accepted. */
#define CG_YAML_MAX_DEPTH 8

/* Most keys and list items accepted in one document. */
#define CG_YAML_MAX_NODES 4096

/*
 * Parses len bytes of text into *out: a new JSON object whose leaves are
 * strings, nulls ("", "~", "null") and arrays of those. Scalars stay text:
 * "true" and "8080" are strings, for the caller to convert. Fails with
 * CG_ERR_TOO_LARGE, CG_ERR_TOO_DEEP or CG_ERR_PARSE, naming the line in
 * err.
 */
enum cg_err cg_yaml_parse(const char *text, size_t len, json_t **out,
                          struct cg_error *err) CG_WARN_UNUSED;

/*
 * The same, and sets *lines (when lines is not NULL) to a new JSON object
 * that gives the line of every mapping key: for a document "a:\n  b: 1\n"
 * it is {"a": {"line": 1, "keys": {"b": {"line": 2}}}}. "keys" is present
 * only for a nested mapping. Free both trees with json_decref.
 */
enum cg_err cg_yaml_parse_lines(const char *text, size_t len, json_t **out,
                                json_t **lines,
                                struct cg_error *err) CG_WARN_UNUSED;

#endif /* CG_OPENCTI_YAML_H */

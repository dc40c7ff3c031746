/*
 * The keys a connector config.yml may contain. Every key that a setting
 * reads is accepted, and so are the pycti keys that cipgraph has no use
 * for, so that the config.yml of a Python connector loads unchanged. Any
 * other key is an error that names the file and the line, and the key
 * probably meant when a known one is close.
 */
#ifndef CG_OPENCTI_CONFIG_KEYS_H
#define CG_OPENCTI_CONFIG_KEYS_H

#include <jansson.h>

#include "core/err.h"

/*
 * Checks every section and key of the config.yml tree yaml (borrowed).
 * paths lists the count dotted "section.key" paths that settings read; the
 * ignored pycti keys are accepted as well. lines is the line map from
 * cg_yaml_parse_lines, or NULL for messages without lines; source names the
 * file. Returns CG_ERR_CONFIG for an unknown section, an unknown key or a
 * section that is not a mapping.
 */
enum cg_err cg_octi_check_keys(const json_t *yaml, const json_t *lines,
                               const char *source, const char *const *paths,
                               size_t count,
                               struct cg_error *err) CG_WARN_UNUSED;

/*
 * Returns the line of the dotted path "section.key" in lines (a line map
 * from cg_yaml_parse_lines, or NULL), or 0 when it is not there.
 */
int cg_octi_key_line(const json_t *lines, const char *path);

#endif /* CG_OPENCTI_CONFIG_KEYS_H */

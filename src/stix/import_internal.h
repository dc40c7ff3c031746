/*
 * Checks shared by the validation files of the import (import_validate.c
 * and import_rules.c). Each writes the first failure into reason and
 * returns false, or returns true.
 */
#ifndef CG_STIX_IMPORT_INTERNAL_H
#define CG_STIX_IMPORT_INTERNAL_H

#include "stix/import.h"

/*
 * Checks the property names and values of obj as the STIX 2.1 JSON
 * schemas require them of every object: names, no null values, no empty
 * lists, base64 in *_bin and hex in *_hex. Also checks extensions and
 * x_opencti_score (see import_rules.c).
 */
bool cg_import__properties_valid(const json_t *obj,
                                 char reason[CG_STIX_REASON_SIZE]);

/*
 * Checks that OpenCTI accepts relationship_type, and accepts it between
 * the types of source and target, which are STIX ids.
 */
bool cg_import__relationship_accepted(const char *relationship_type,
                                      const char *source, const char *target,
                                      char reason[CG_STIX_REASON_SIZE]);

#endif /* CG_STIX_IMPORT_INTERNAL_H */

/*
 * Resolution of the values analysts type on the command line into the
 * graph's STIX ids, shared by show, pivot, shared, path and neighbors.
 */
#ifndef CG_CLI_RESOLVE_H
#define CG_CLI_RESOLVE_H

#include "stix/id.h"
#include "store/store.h"

/* The forms cli_resolve accepts, for usage texts. */
#define CLI_RESOLVE_FORMS                                                 \
    "A value is an IP, a domain or a URL (normalised as enrich does, so\n" \
    "defanged forms work), an AS number (AS15169), a CVE id, a name (a\n" \
    "country, a city, a product, a certificate serial) or a STIX id.\n"

/*
 * Finds the id of the object value names and writes it into id, trying in
 * order: a STIX id ("type--uuid"), an IP, domain or URL after
 * normalisation, an AS number or CVE id in any case, then the exact lookup
 * name. Fails with CG_ERR_NOT_FOUND naming the value when nothing matches.
 */
enum cg_err cli_resolve(struct cg_store *store, const char *value,
                        char id[CG_STIX_ID_SIZE],
                        struct cg_error *err) CG_WARN_UNUSED;

/* True when text has the form of a STIX id: a type, "--", and a UUID. */
bool cli_is_stix_id(const char *text);

#endif /* CG_CLI_RESOLVE_H */

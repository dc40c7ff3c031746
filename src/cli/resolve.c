/*
 * Value resolution for the graph commands. The normaliser decides the
 * canonical form of IPs, domains and URLs exactly as enrichment does, so a
 * value finds the observable that enriching it created.
 */
#include "cli/resolve.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "input/indicator.h"

static const char *observable_type(enum cg_kind kind)
{
    switch (kind) {
    case CG_KIND_IPV4:
        return "ipv4-addr";
    case CG_KIND_IPV6:
        return "ipv6-addr";
    case CG_KIND_DOMAIN:
        return "domain-name";
    case CG_KIND_URL:
        return "url";
    default:
        return NULL;
    }
}

/* True when text is a lower-case UUID, 8-4-4-4-12 hex digits. */
static bool is_uuid(const char *text)
{
    if (strlen(text) != 36)
        return false;
    for (size_t i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;

        if (dash ? text[i] != '-' : !isxdigit((unsigned char)text[i]))
            return false;
    }
    return true;
}

bool cli_is_stix_id(const char *text)
{
    const char *sep = strstr(text, "--");

    if (!sep || sep == text || !is_uuid(sep + 2))
        return false;
    for (const char *p = text; p < sep; p++) {
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
            *p != '-')
            return false;
    }
    return true;
}

static enum cg_err resolve_stix_id(struct cg_store *store, const char *value,
                                   char id[CG_STIX_ID_SIZE],
                                   struct cg_error *err)
{
    json_t *obj = NULL;
    enum cg_err rc = cg_store_get_object(store, value, &obj, err);

    json_decref(obj);
    if (rc == CG_OK)
        snprintf(id, CG_STIX_ID_SIZE, "%s", value);
    else if (rc == CG_ERR_NOT_FOUND)
        cg_error_set(err, rc, "'%s' is not in the graph", value);
    return rc;
}

/* Tries "AS15169" and "CVE-2021-44228" written in any case. */
static bool resolve_upper(struct cg_store *store, const char *value,
                          char id[CG_STIX_ID_SIZE])
{
    char upper[64];
    size_t len = strlen(value);

    if (len >= sizeof(upper) || (strncasecmp(value, "cve-", 4) != 0 &&
                                 strncasecmp(value, "as", 2) != 0))
        return false;
    for (size_t i = 0; i <= len; i++)
        upper[i] = (char)toupper((unsigned char)value[i]);
    return cg_store_find(store, upper, NULL, id, NULL) == CG_OK;
}

enum cg_err cli_resolve(struct cg_store *store, const char *value,
                        char id[CG_STIX_ID_SIZE], struct cg_error *err)
{
    struct cg_parse_opts parse = {.allow_private = true};
    struct cg_indicator ind;
    const char *type;
    enum cg_err rc;

    if (cli_is_stix_id(value))
        return resolve_stix_id(store, value, id, err);
    memset(&ind, 0, sizeof(ind));
    rc = cg_indicator_parse(value, strlen(value), &parse, &ind, NULL);
    type = rc == CG_OK ? observable_type(ind.kind) : NULL;
    if (type && cg_store_find(store, ind.value, type, id, NULL) == CG_OK) {
        cg_indicator_release(&ind);
        return CG_OK;
    }
    cg_indicator_release(&ind);
    if (resolve_upper(store, value, id))
        return CG_OK;
    return cg_store_find(store, value, NULL, id, err);
}

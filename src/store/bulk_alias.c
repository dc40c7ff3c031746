/*
 * Deterministic ids for imported objects. cg_stix_id_of computes them as
 * OpenCTI and python-stix2 do: UUIDv5 over the id-contributing
 * properties. An object that arrives under another id is stored under the
 * deterministic one, so that an import and an enrichment of the same value
 * meet in one object. The id the input gave is kept in id_aliases, and
 * references to it are rewritten to the deterministic id: in objects as
 * they arrive, in this import or a later one, in relationships waiting
 * for an end, and in stored objects where the reference was recorded as
 * dangling.
 */
#include "store/bulk_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/indicator.h"
#include "stix/object.h"
#include "stix/writer.h"

/* Dangling references rewritten per query. */
#define CG_ALIAS_PAGE 1000

/* Maximum length of the id-contributing properties quoted in a message,
 * in bytes. */
#define CG_ALIAS_QUOTE 80

/*
 * alias is an id an input gave and id the deterministic id its object
 * was stored under. The table is created here rather than in the store
 * schema because only the import reads and writes it.
 */
const char cg_bulk__alias_schema[] = "CREATE TABLE IF NOT EXISTS id_aliases("
                                     "  alias TEXT PRIMARY KEY,"
                                     "  id TEXT NOT NULL) WITHOUT ROWID";

enum cg_err cg_bulk__alias_begin(struct cg_store_bulk *bulk,
                                 struct cg_error *err)
{
    sqlite3_stmt *stmt = NULL;
    int step = SQLITE_ERROR;

    if (sqlite3_prepare_v2(bulk->store->db,
                           "SELECT EXISTS (SELECT 1 FROM id_aliases)", -1,
                           &stmt, NULL) == SQLITE_OK)
        step = sqlite3_step(stmt);
    bulk->has_aliases = step == SQLITE_ROW && sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    if (step != SQLITE_ROW)
        return cg_store__fail(bulk->store, err, "reading id aliases");
    return CG_OK;
}

/* Finds the id that alias was replaced by; *found is false when none. */
static enum cg_err alias_get(struct cg_store_bulk *bulk, const char *alias,
                             char id[CG_STIX_ID_SIZE], bool *found,
                             struct cg_error *err)
{
    sqlite3_stmt *stmt = bulk->stmts[BULK_ALIAS_GET];
    int step;

    *found = false;
    if (!bulk->has_aliases)
        return CG_OK;
    sqlite3_bind_text(stmt, 1, alias, -1, SQLITE_STATIC);
    step = sqlite3_step(stmt);
    if (step == SQLITE_ROW) {
        snprintf(id, CG_STIX_ID_SIZE, "%s", sqlite3_column_text(stmt, 0));
        *found = true;
    }
    sqlite3_reset(stmt);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return cg_store__fail(bulk->store, err, "looking up an id alias");
    return CG_OK;
}

/* Records id as the replacement of alias, unless alias already has one,
 * and counts the first replacement of alias in this import. */
static enum cg_err alias_put(struct cg_store_bulk *bulk, const char *alias,
                             const char *id, struct cg_error *err)
{
    sqlite3_stmt *stmt = bulk->stmts[BULK_ALIAS_PUT];
    uint8_t previous = 0;
    enum cg_err rc;

    sqlite3_bind_text(stmt, 1, alias, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
    rc = cg_bulk__step_done(bulk->store, stmt, "recording an id alias", err);
    if (rc != CG_OK)
        return rc;
    bulk->has_aliases = true;
    if (cg_idset_add(bulk->ids, alias, CG_IDSET_ALIASED, &previous) != CG_OK)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (!(previous & CG_IDSET_ALIASED))
        bulk->stats.aliased++;
    return CG_OK;
}

/*
 * Sets *changed and resolved when ref is an id that was replaced by a
 * deterministic one. An id that is in the graph resolves to itself even
 * when it also has an alias, and TLP markings are never replaced.
 */
static enum cg_err resolve_ref(struct cg_store_bulk *bulk, const char *ref,
                               char resolved[CG_STIX_ID_SIZE], bool *changed,
                               struct cg_error *err)
{
    enum cg_tlp tlp;
    bool stored = false;
    enum cg_err rc;

    *changed = false;
    if (!bulk->has_aliases || !ref || cg_tlp_from_marking_id(ref, &tlp))
        return CG_OK;
    rc = cg_bulk__is_stored(bulk, ref, &stored, err);
    if (rc != CG_OK || stored)
        return rc;
    return alias_get(bulk, ref, resolved, changed, err);
}

static bool is_ref_key(const char *key)
{
    size_t len = strlen(key);

    return len > 4 && strcmp(key + len - 4, "_ref") == 0;
}

static bool is_refs_key(const char *key)
{
    size_t len = strlen(key);

    return len > 5 && strcmp(key + len - 5, "_refs") == 0;
}

static bool list_has(const json_t *list, const char *id)
{
    size_t i;
    json_t *item;

    json_array_foreach(list, i, item) {
        const char *text = json_string_value(item);

        if (text && strcmp(text, id) == 0)
            return true;
    }
    return false;
}

/*
 * Returns in *out a new list with the replaced ids of list resolved, or
 * NULL when none was replaced. An id that the list then contains twice is
 * kept once.
 */
static enum cg_err rewrite_list(struct cg_store_bulk *bulk, const json_t *list,
                                json_t **out, struct cg_error *err)
{
    json_t *copy = NULL;
    enum cg_err rc = CG_OK;
    size_t i = 0;

    *out = NULL;
    while (rc == CG_OK && i < json_array_size(copy ? copy : list)) {
        char resolved[CG_STIX_ID_SIZE];
        const json_t *item = json_array_get(copy ? copy : list, i);
        bool changed = false;

        rc =
            resolve_ref(bulk, json_string_value(item), resolved, &changed, err);
        if (rc != CG_OK || !changed) {
            i++;
            continue;
        }
        if (!copy && !(copy = json_copy((json_t *)list)))
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        if (list_has(copy, resolved)) {
            json_array_remove(copy, i);
            continue;
        }
        if (json_array_set_new(copy, i, json_string(resolved)) != 0)
            rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        i++;
    }
    if (rc != CG_OK)
        json_decref(copy);
    else
        *out = copy;
    return rc;
}

/* Sets key of *copy to value (a new reference), making *copy, a shallow
 * copy of obj, first. */
static enum cg_err set_in_copy(const json_t *obj, json_t **copy,
                               const char *key, json_t *value,
                               struct cg_error *err)
{
    if (!*copy && !(*copy = json_copy((json_t *)obj))) {
        json_decref(value);
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    if (json_object_set_new(*copy, key, value) != 0)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    return CG_OK;
}

/* Resolves the top-level *_ref and *_refs of obj, writing the changes
 * into *copy. */
static enum cg_err rewrite_refs(struct cg_store_bulk *bulk, const json_t *obj,
                                json_t **copy, struct cg_error *err)
{
    const char *key;
    json_t *value;
    enum cg_err rc = CG_OK;

    json_object_foreach((json_t *)obj, key, value) {
        char resolved[CG_STIX_ID_SIZE];
        bool changed = false;
        json_t *list = NULL;

        if (is_ref_key(key)) {
            rc = resolve_ref(bulk, json_string_value(value), resolved, &changed,
                             err);
            if (rc == CG_OK && changed)
                rc = set_in_copy(obj, copy, key, json_string(resolved), err);
        } else if (is_refs_key(key)) {
            rc = rewrite_list(bulk, value, &list, err);
            if (rc == CG_OK && list)
                rc = set_in_copy(obj, copy, key, list, err);
        }
        if (rc != CG_OK)
            return rc;
    }
    return CG_OK;
}

/* Writes the id-contributing properties of obj as canonical JSON into
 * text, cut to size - 1 bytes. */
static void describe(const json_t *obj, char *text, size_t size)
{
    struct cg_buf buf = CG_BUF_INIT;
    json_t *props = NULL;

    if (obj && cg_stix_id_props(obj, &props) == CG_OK && props &&
        cg_json_canonical(props, &buf) == CG_OK)
        snprintf(text, size, "%s", cg_buf_str(&buf));
    else
        snprintf(text, size, "an object without id-contributing properties");
    json_decref(props);
    cg_buf_release(&buf);
}

/* The rejection of obj, whose given id already names other. */
static enum cg_err conflict(const char *given_id, const json_t *other,
                            const json_t *obj, const char *id,
                            struct cg_error *err)
{
    char old_value[CG_ALIAS_QUOTE];
    char new_value[CG_ALIAS_QUOTE];

    describe(other, old_value, sizeof(old_value));
    describe(obj, new_value, sizeof(new_value));
    return cg_error_set(err, CG_ERR_STIX_INVALID,
                        "id %s already names %s, but this object has %s "
                        "(deterministic id %s): one id cannot name two "
                        "objects, so the object was skipped",
                        given_id, old_value, new_value, id);
}

/*
 * Checks that the given id of obj, whose deterministic id is id, does not
 * already name another object: a stored object under the given id, or
 * an earlier object that the given id was replaced for. *kept_given_id is
 * set when the graph contains the given id for the same properties, which
 * only a version of cipgraph that kept given ids can have written.
 */
static enum cg_err check_given_id(struct cg_store_bulk *bulk,
                                  const char *given_id, const json_t *obj,
                                  const char *id, bool *kept_given_id,
                                  struct cg_error *err)
{
    char stored_id[CG_STIX_ID_SIZE];
    json_t *other = NULL;
    bool found = false;
    enum cg_err rc = cg_bulk__is_stored(bulk, given_id, &found, err);

    *kept_given_id = false;
    if (rc == CG_OK && found) {
        rc = cg_store_get_object(bulk->store, given_id, &other, err);
        if (rc == CG_OK)
            rc = cg_stix_id_of(other, stored_id, &found);
        if (rc == CG_OK && found && strcmp(stored_id, id) == 0)
            *kept_given_id = true;
        else if (rc == CG_OK)
            rc = conflict(given_id, other, obj, id, err);
    } else if (rc == CG_OK) {
        rc = alias_get(bulk, given_id, stored_id, &found, err);
        if (rc == CG_OK && found && strcmp(stored_id, id) != 0) {
            /* Describe the earlier object when the graph still has it. */
            if (cg_store_get_object(bulk->store, stored_id, &other, NULL) !=
                CG_OK)
                other = NULL;
            rc = conflict(given_id, other, obj, id, err);
        }
    }
    json_decref(other);
    return rc;
}

/* Moves the object to id and records its given id as an alias. */
static enum cg_err replace_id(struct cg_store_bulk *bulk, const json_t *obj,
                              json_t **copy, const char *id,
                              struct cg_error *err)
{
    char given_id[CG_STIX_ID_SIZE];
    enum cg_err rc;

    /* Copied first: setting the copy's id frees the string it shares. */
    snprintf(given_id, sizeof(given_id), "%s", cg_stix_get_id(obj));
    rc = set_in_copy(obj, copy, "id", json_string(id), err);
    return rc == CG_OK ? alias_put(bulk, given_id, id, err) : rc;
}

static enum cg_err give_deterministic_id(struct cg_store_bulk *bulk,
                                         const json_t *obj, json_t **copy,
                                         struct cg_error *err)
{
    const char *given_id = cg_stix_get_id(obj);
    char id[CG_STIX_ID_SIZE];
    bool found = false;
    bool kept_given_id = false;
    enum cg_err rc = cg_stix_id_of(obj, id, &found);

    if (rc != CG_OK)
        return cg_error_set(err, rc, "cannot compute the id of '%s'", given_id);
    if (!found || strcmp(id, given_id) == 0)
        return CG_OK;
    rc = check_given_id(bulk, given_id, obj, id, &kept_given_id, err);
    /* NOTE: an object that an earlier version stored under its given id
     * keeps that id, with its relationships, so an enrichment of the same
     * value still makes a second object next to it. */
    if (rc != CG_OK || kept_given_id)
        return rc;
    return replace_id(bulk, obj, copy, id, err);
}

/*
 * Writes into *copy the value of an address, domain or URL observable in
 * the form enrichment gives it (lower-case host, no trailing dot, RFC 5952
 * IPv6, "/" for an empty URL path), so that "EXAMPLE.COM." and
 * "example.com" become one object. A value the normaliser does not read
 * as that type (a CIDR block in an ipv4-addr, say) is kept as it is.
 */
static enum cg_err normalise_value(const json_t *obj, json_t **copy,
                                   struct cg_error *err)
{
    static const struct {
        const char *type;
        enum cg_kind kind;
    } types[] = {
        {"ipv4-addr", CG_KIND_IPV4},
        {"ipv6-addr", CG_KIND_IPV6},
        {"domain-name", CG_KIND_DOMAIN},
        {"url", CG_KIND_URL},
    };
    struct cg_parse_opts parse = {.allow_private = true};
    const char *type = cg_stix_get_type(obj);
    const json_t *value = json_object_get(obj, "value");
    struct cg_indicator ind;
    enum cg_err rc = CG_OK;
    size_t i;

    for (i = 0; i < CG_ARRAY_LEN(types); i++) {
        if (strcmp(type, types[i].type) == 0)
            break;
    }
    if (i == CG_ARRAY_LEN(types) || !json_is_string(value))
        return CG_OK;
    memset(&ind, 0, sizeof(ind));
    if (cg_indicator_parse(json_string_value(value), json_string_length(value),
                           &parse, &ind, NULL) == CG_OK &&
        ind.kind == types[i].kind && ind.value &&
        strcmp(ind.value, json_string_value(value)) != 0)
        rc = set_in_copy(*copy ? *copy : obj, copy, "value",
                         json_string(ind.value), err);
    cg_indicator_release(&ind);
    return rc;
}

enum cg_err cg_bulk__prepare(struct cg_store_bulk *bulk, const json_t *obj,
                             json_t **out, struct cg_error *err)
{
    json_t *copy = NULL;
    enum cg_err rc = rewrite_refs(bulk, obj, &copy, err);

    if (rc == CG_OK)
        rc = normalise_value(copy ? copy : obj, &copy, err);

    *out = NULL;
    /* A relationship's id depends on its ends, which may still change
     * while it waits for one: cg_bulk__relationship_id gives it its id
     * when it is stored.
     * NOTE: an observable whose id depends on a reference (the src_ref
     * of network-traffic, a file's parent_directory_ref) gets its id from
     * the reference as it reads now. A later rewrite of that reference
     * does not move the object. */
    if (rc == CG_OK && strcmp(cg_stix_get_type(obj), "relationship") != 0)
        rc = give_deterministic_id(bulk, copy ? copy : obj, &copy, err);
    if (rc != CG_OK) {
        json_decref(copy);
        return rc;
    }
    *out = copy ? copy : json_incref((json_t *)obj);
    return CG_OK;
}

enum cg_err cg_bulk__relationship_id(struct cg_store_bulk *bulk,
                                     const json_t *obj, json_t **out,
                                     struct cg_error *err)
{
    const char *given_id = cg_stix_get_id(obj);
    char id[CG_STIX_ID_SIZE];
    json_t *copy = NULL;
    bool found = false;
    bool stored = false;
    enum cg_err rc = cg_stix_id_of(obj, id, &found);

    *out = NULL;
    if (rc != CG_OK)
        return cg_error_set(err, rc, "cannot compute the id of '%s'", given_id);
    /* A given id that is in the graph keeps its relationship, as for
     * other objects. A second relationship under the same given id with
     * other ends gets its own deterministic id, without an alias. */
    if (found && strcmp(id, given_id) != 0)
        rc = cg_bulk__is_stored(bulk, given_id, &stored, err);
    if (rc == CG_OK && found && strcmp(id, given_id) != 0 && !stored)
        rc = replace_id(bulk, obj, &copy, id, err);
    if (rc != CG_OK) {
        json_decref(copy);
        return rc;
    }
    *out = copy ? copy : json_incref((json_t *)obj);
    return CG_OK;
}

enum cg_err cg_bulk__alias_pending(struct cg_store_bulk *bulk,
                                   struct cg_error *err)
{
    static const char *const sql[] = {
        "UPDATE pending_relationships SET source = (SELECT a.id FROM "
        "id_aliases a WHERE a.alias = pending_relationships.source) "
        "WHERE source IN (SELECT alias FROM id_aliases) AND NOT EXISTS "
        "(SELECT 1 FROM objects o WHERE o.id = pending_relationships.source)",
        "UPDATE pending_relationships SET target = (SELECT a.id FROM "
        "id_aliases a WHERE a.alias = pending_relationships.target) "
        "WHERE target IN (SELECT alias FROM id_aliases) AND NOT EXISTS "
        "(SELECT 1 FROM objects o WHERE o.id = pending_relationships.target)",
    };
    enum cg_err rc = CG_OK;

    for (size_t i = 0; i < CG_ARRAY_LEN(sql) && rc == CG_OK; i++) {
        if (bulk->has_aliases)
            rc = cg_store__exec(bulk->store, sql[i], err);
    }
    return rc;
}

/* Replaces ref by id in the top-level references of obj. */
static enum cg_err replace_ref(json_t *obj, const char *ref, const char *id)
{
    const char *key;
    json_t *value;

    json_object_foreach(obj, key, value) {
        const char *text = json_string_value(value);
        size_t i = 0;

        if (is_ref_key(key) && text && strcmp(text, ref) == 0 &&
            json_object_set_new(obj, key, json_string(id)) != 0)
            return CG_ERR_NOMEM;
        while (is_refs_key(key) && i < json_array_size(value)) {
            text = json_string_value(json_array_get(value, i));
            if (!text || strcmp(text, ref) != 0) {
                i++;
            } else if (list_has(value, id)) {
                json_array_remove(value, i);
            } else if (json_array_set_new(value, i++, json_string(id)) != 0) {
                return CG_ERR_NOMEM;
            }
        }
    }
    return CG_OK;
}

/* Rewrites ref to id in the stored object object_id: its body, the edge
 * of a container's object_refs, and the dangling reference. */
static enum cg_err rewrite_stored(struct cg_store_bulk *bulk,
                                  const char *object_id, const char *ref,
                                  const char *id, struct cg_error *err)
{
    static const char what[] = "rewriting a reference to a replaced id";
    char old_edge[2 * CG_STIX_ID_SIZE];
    char new_edge[2 * CG_STIX_ID_SIZE];
    char now[24];
    json_t *obj = NULL;
    enum cg_err rc = cg_store_get_object(bulk->store, object_id, &obj, err);

    if (rc == CG_ERR_NOT_FOUND)
        rc = CG_OK;
    else if (rc == CG_OK && replace_ref(obj, ref, id) != CG_OK)
        rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (rc == CG_OK && obj) {
        cg_buf_reset(&bulk->body);
        rc = cg_json_dump_sorted(obj, &bulk->body);
        if (rc != CG_OK)
            rc = cg_error_set(err, rc, "cannot serialise object '%s'",
                              object_id);
    }
    snprintf(now, sizeof(now), "%lld", (long long)bulk->now);
    if (rc == CG_OK && obj)
        rc = cg_bulk__run(bulk->store,
                          "UPDATE objects SET body = ?2, "
                          "updated_at = CAST(?3 AS INTEGER) WHERE id = ?1",
                          object_id, cg_buf_str(&bulk->body), now, what, err);
    snprintf(old_edge, sizeof(old_edge), "%s#%s", object_id, ref);
    snprintf(new_edge, sizeof(new_edge), "%s#%s", object_id, id);
    if (rc == CG_OK)
        rc = cg_bulk__run(bulk->store,
                          "UPDATE OR REPLACE edges SET id = ?1, target = ?2 "
                          "WHERE id = ?3",
                          new_edge, id, old_edge, what, err);
    if (rc == CG_OK)
        rc = cg_bulk__run(bulk->store,
                          "DELETE FROM dangling_refs WHERE object_id = ?1 AND "
                          "ref = ?2",
                          object_id, ref, NULL, what, err);
    json_decref(obj);
    return rc;
}

/* Reads up to CG_ALIAS_PAGE dangling references whose alias target is
 * stored, as [object_id, ref, id] triples appended to page. */
static enum cg_err aliased_dangling_page(struct cg_store_bulk *bulk,
                                         json_t *page, struct cg_error *err)
{
    static const char sql[] =
        "SELECT d.object_id, d.ref, a.id FROM dangling_refs d "
        "JOIN id_aliases a ON a.alias = d.ref "
        "WHERE EXISTS (SELECT 1 FROM objects o WHERE o.id = a.id) "
        "AND NOT EXISTS (SELECT 1 FROM objects o WHERE o.id = d.ref) "
        "LIMIT ?1";
    sqlite3_stmt *stmt = NULL;
    enum cg_err rc = CG_OK;
    int step;

    if (sqlite3_prepare_v2(bulk->store->db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return cg_store__fail(bulk->store, err, "reading dangling references");
    sqlite3_bind_int(stmt, 1, CG_ALIAS_PAGE);
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW && rc == CG_OK) {
        json_t *row = json_pack("[sss]", sqlite3_column_text(stmt, 0),
                                sqlite3_column_text(stmt, 1),
                                sqlite3_column_text(stmt, 2));

        if (!row || json_array_append_new(page, row) != 0)
            rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    if (rc == CG_OK && step != SQLITE_DONE)
        rc = cg_store__fail(bulk->store, err, "reading dangling references");
    sqlite3_finalize(stmt);
    return rc;
}

/*
 * Only aliases whose target is stored are followed, so each rewrite
 * removes a dangling row without adding one and the loop ends.
 */
enum cg_err cg_bulk__alias_dangling(struct cg_store_bulk *bulk,
                                    struct cg_error *err)
{
    enum cg_err rc = CG_OK;
    size_t rows = CG_ALIAS_PAGE;

    while (bulk->has_aliases && rc == CG_OK && rows == CG_ALIAS_PAGE) {
        json_t *page = json_array();
        size_t i;
        json_t *row;

        if (!page)
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        rc = aliased_dangling_page(bulk, page, err);
        json_array_foreach(page, i, row) {
            if (rc != CG_OK)
                break;
            rc = rewrite_stored(bulk, json_string_value(json_array_get(row, 0)),
                                json_string_value(json_array_get(row, 1)),
                                json_string_value(json_array_get(row, 2)), err);
        }
        rows = json_array_size(page);
        json_decref(page);
    }
    return rc;
}

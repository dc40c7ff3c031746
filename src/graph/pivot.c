/*
 * Pivots over shared attributes. Each via is one or more rules. A rule
 * names the relationship that links an entity to the attribute object, its
 * direction and the attribute's type. The other members of an attribute
 * are the infrastructure objects (addresses, domains, URLs) linked to it
 * by the same rule. Property attributes (registrar, favicon, JARM) come
 * from graph_attrs instead (pivot_attrs.c).
 */
#include "graph/pivot_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const via_names[CG_VIA__COUNT] = {
    "asn",         "cve",      "country",   "city",    "ip",   "domain",
    "certificate", "software", "registrar", "favicon", "jarm",
};

const char *cg_via_name(enum cg_via via)
{
    return via < CG_VIA__COUNT ? via_names[via] : "";
}

bool cg_via_parse(const char *text, enum cg_via *out)
{
    for (int i = 0; text && i < CG_VIA__COUNT; i++) {
        if (strcmp(text, via_names[i]) == 0) {
            *out = (enum cg_via)i;
            return true;
        }
    }
    return false;
}

#define IPS   " ipv4-addr ipv6-addr "
#define HOSTS " ipv4-addr ipv6-addr domain-name url "

/* How an entity is linked to an attribute object. */
static const struct via_rule {
    enum cg_via via;
    const char *relationship;
    bool outward;              /* the entity is the relationship's source */
    const char *attr_type;     /* STIX type of the attribute object */
    const char *location_type; /* x_opencti_location_type, or NULL */
    const char *entity_types;  /* types the rule starts from, blank-wrapped */
} rules[] = {
    {CG_VIA_ASN, "belongs-to", true, "autonomous-system", NULL, IPS},
    {CG_VIA_CVE, "related-to", true, "vulnerability", NULL, HOSTS},
    {CG_VIA_COUNTRY, "located-at", true, "location", "Country", IPS},
    {CG_VIA_CITY, "located-at", true, "location", "City", IPS},
    {CG_VIA_IP, "resolves-to", true, "ipv4-addr", NULL, " domain-name "},
    {CG_VIA_IP, "resolves-to", true, "ipv6-addr", NULL, " domain-name "},
    {CG_VIA_IP, "related-to", true, "ipv4-addr", NULL, " url "},
    {CG_VIA_DOMAIN, "resolves-to", false, "domain-name", NULL, IPS},
    {CG_VIA_DOMAIN, "related-to", true, "domain-name", NULL, " url "},
    {CG_VIA_CERTIFICATE, "related-to", true, "x509-certificate", NULL, HOSTS},
    {CG_VIA_SOFTWARE, "related-to", true, "software", NULL, HOSTS},
};

static bool type_in(const char *list, const char *type)
{
    char word[64];

    snprintf(word, sizeof(word), " %s ", type);
    return strstr(list, word) != NULL;
}

json_t *cg_pivot_node(struct cg_store *store, const char *id)
{
    /* SEARCH objects USING PRIMARY KEY (id=?) */
    static const char sql[] = "SELECT type, name, score, "
                              "json_extract(body, '$.x_opencti_location_type') "
                              "FROM objects WHERE id = ?1";
    sqlite3_stmt *stmt = NULL;
    json_t *node = json_pack("{ss ss}", "id", id, "type", "");

    if (!node || sqlite3_prepare_v2(cg_store_db(store), sql, -1, &stmt, NULL) !=
                     SQLITE_OK)
        return node;
    sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *text;

        json_object_set_new(
            node, "type",
            json_string((const char *)sqlite3_column_text(stmt, 0)));
        if ((text = (const char *)sqlite3_column_text(stmt, 1)))
            json_object_set_new(node, "name", json_string(text));
        if (sqlite3_column_type(stmt, 2) != SQLITE_NULL)
            json_object_set_new(node, "score",
                                json_integer(sqlite3_column_int(stmt, 2)));
        if ((text = (const char *)sqlite3_column_text(stmt, 3)))
            json_object_set_new(node, "location_type", json_string(text));
    }
    sqlite3_finalize(stmt);
    return node;
}

static const char *node_text(const json_t *node, const char *key)
{
    const char *text = json_string_value(json_object_get(node, key));

    return text ? text : "";
}

/* Appends an attribute object found through rule r. */
static void add_linked(json_t *attrs, size_t r, const char *id,
                       const char *name, const char *through)
{
    json_t *attr =
        json_pack("{ss ss ss ss si}", "via", cg_via_name(rules[r].via), "value",
                  name ? name : id, "key", id, "id", id, "rule", (int)r);

    if (attr && through)
        json_object_set_new(attr, "through", json_string(through));
    json_array_append_new(attrs, attr);
}

/* Reads the attribute objects entity id is linked to through rule r, in
 * index order (by id), at most CG_PIVOT_MAX_ATTRS even for a hub address.
 * Plan: SEARCH e USING INDEX edges_source (source=? AND type=?) or
 * edges_target for inward rules, then the objects primary key. */
static enum cg_err linked_attrs(struct cg_store *store, const char *id,
                                size_t r, const char *through, json_t *attrs,
                                struct cg_error *err)
{
    static const char outward_sql[] =
        "SELECT o.id, o.name FROM edges e JOIN objects o ON o.id = e.target "
        "WHERE e.source = ?1 AND e.type = ?2 AND o.type = ?3 AND (?4 IS NULL "
        "OR json_extract(o.body, '$.x_opencti_location_type') = ?4) "
        "LIMIT ?5";
    static const char inward_sql[] =
        "SELECT o.id, o.name FROM edges e JOIN objects o ON o.id = e.source "
        "WHERE e.target = ?1 AND e.type = ?2 AND o.type = ?3 AND (?4 IS NULL "
        "OR json_extract(o.body, '$.x_opencti_location_type') = ?4) "
        "LIMIT ?5";
    sqlite3 *db = cg_store_db(store);
    sqlite3_stmt *stmt = NULL;
    int step;

    if (sqlite3_prepare_v2(db, rules[r].outward ? outward_sql : inward_sql, -1,
                           &stmt, NULL) != SQLITE_OK)
        return cg_error_set(err, CG_ERR_DB, "reading attributes failed: %s",
                            sqlite3_errmsg(db));
    sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 2, rules[r].relationship, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, rules[r].attr_type, -1, SQLITE_STATIC);
    if (rules[r].location_type)
        sqlite3_bind_text(stmt, 4, rules[r].location_type, -1, SQLITE_STATIC);
    sqlite3_bind_int(stmt, 5, CG_PIVOT_MAX_ATTRS);
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW)
        add_linked(attrs, r, (const char *)sqlite3_column_text(stmt, 0),
                   (const char *)sqlite3_column_text(stmt, 1), through);
    sqlite3_finalize(stmt);
    if (step != SQLITE_DONE)
        return cg_error_set(err, CG_ERR_DB, "reading attributes failed: %s",
                            sqlite3_errmsg(db));
    return CG_OK;
}

/* True when node is itself an attribute object of rule r. */
static bool is_attribute_of(const json_t *node, size_t r)
{
    const char *location = node_text(node, "location_type");

    return strcmp(node_text(node, "type"), rules[r].attr_type) == 0 &&
           (!rules[r].location_type ||
            strcmp(location, rules[r].location_type) == 0);
}

/* Applies every rule of the vias in mask to one entity. */
static enum cg_err entity_attrs(struct cg_store *store, const json_t *node,
                                unsigned mask, const char *through,
                                json_t *attrs, struct cg_error *err)
{
    const char *id = node_text(node, "id");
    const char *type = node_text(node, "type");
    enum cg_err rc = CG_OK;

    for (size_t r = 0; rc == CG_OK && r < CG_ARRAY_LEN(rules); r++) {
        if (!(mask & (1u << rules[r].via)))
            continue;
        if (!through && is_attribute_of(node, r))
            add_linked(attrs, r, id,
                       json_string_value(json_object_get(node, "name")), NULL);
        if (type_in(rules[r].entity_types, type))
            rc = linked_attrs(store, id, r, through, attrs, err);
    }
    return rc;
}

/* Collects the addresses a domain resolves to, or a URL's host has. */
static enum cg_err host_addresses(struct cg_store *store, const json_t *node,
                                  json_t *addresses, struct cg_error *err)
{
    const char *type = node_text(node, "type");
    json_t *domains = json_array();
    size_t i;
    json_t *item;
    enum cg_err rc = CG_OK;

    if (strcmp(type, "domain-name") == 0)
        rc = entity_attrs(store, node, 1u << CG_VIA_IP, NULL, addresses, err);
    if (strcmp(type, "url") == 0) {
        rc = entity_attrs(store, node, 1u << CG_VIA_IP, NULL, addresses, err);
        if (rc == CG_OK)
            rc = entity_attrs(store, node, 1u << CG_VIA_DOMAIN, NULL, domains,
                              err);
    }
    json_array_foreach(domains, i, item) {
        json_t *domain = json_pack("{ss ss}", "id", node_text(item, "id"),
                                   "type", "domain-name");

        if (rc == CG_OK && domain)
            rc = entity_attrs(store, domain, 1u << CG_VIA_IP, NULL, addresses,
                              err);
        json_decref(domain);
    }
    json_decref(domains);
    return rc;
}

/* A domain's or URL's AS, country and city are those of its addresses. */
static enum cg_err hop_attrs(struct cg_store *store, const json_t *node,
                             unsigned mask, json_t *attrs, struct cg_error *err)
{
    unsigned hop_mask = mask & ((1u << CG_VIA_ASN) | (1u << CG_VIA_COUNTRY) |
                                (1u << CG_VIA_CITY));
    json_t *addresses = json_array();
    size_t i;
    json_t *item;
    enum cg_err rc = CG_OK;

    if (hop_mask)
        rc = host_addresses(store, node, addresses, err);
    json_array_foreach(addresses, i, item) {
        json_t *address;

        if (rc != CG_OK || i >= CG_PIVOT_MAX_HOPS)
            break;
        address = json_pack(
            "{ss ss}", "id", node_text(item, "id"), "type",
            strchr(node_text(item, "value"), ':') ? "ipv6-addr" : "ipv4-addr");
        if (address)
            rc = entity_attrs(store, address, hop_mask,
                              node_text(item, "value"), attrs, err);
        json_decref(address);
    }
    json_decref(addresses);
    return rc;
}

enum cg_err cg_pivot_attributes(struct cg_store *store, const char *id,
                                unsigned mask, json_t *attrs,
                                struct cg_error *err)
{
    json_t *node = cg_pivot_node(store, id);
    const char *type;
    enum cg_err rc;

    if (!node)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    type = node_text(node, "type");
    rc = entity_attrs(store, node, mask, NULL, attrs, err);
    if (rc == CG_OK &&
        (strcmp(type, "domain-name") == 0 || strcmp(type, "url") == 0))
        rc = hop_attrs(store, node, mask, attrs, err);
    if (rc == CG_OK)
        rc = cg_pivot_attrs_of(store, id, mask, attrs, err);
    json_decref(node);
    return rc;
}

/* The state of one pivot. */
struct pivot_run {
    struct cg_store *store;
    const struct cg_pivot_opts *opts;
    json_t *found;   /* id -> result, the start included */
    json_t *results; /* results in discovery order */
    json_t *next;    /* ids to pivot from at the next depth */
    const char *from_id;
    const char *from_name;
    const json_t *attr; /* the attribute being followed */
    int depth;
    bool capped;
};

/* Records one share on an existing result at the same depth. */
static void add_share(json_t *result, const json_t *attr)
{
    json_t *shared = json_object_get(result, "shared");
    const char *via = node_text(attr, "via");
    const char *value = node_text(attr, "value");
    size_t i;
    json_t *item;

    json_array_foreach(shared, i, item) {
        if (strcmp(node_text(item, "via"), via) == 0 &&
            strcmp(node_text(item, "value"), value) == 0)
            return;
    }
    if (json_array_size(shared) < 10)
        json_array_append_new(shared,
                              json_pack("{ss ss}", "via", via, "value", value));
}

static int take_member(const char *id, void *data)
{
    struct pivot_run *p = data;
    json_t *result;

    if (!id || strcmp(id, p->from_id) == 0)
        return 0;
    result = json_object_get(p->found, id);
    if (result) {
        if (json_integer_value(json_object_get(result, "depth")) == p->depth)
            add_share(result, p->attr);
        return 0;
    }
    if (json_array_size(p->results) >= p->opts->max_results) {
        p->capped = true;
        return 1;
    }
    result = cg_pivot_node(p->store, id);
    json_object_del(result, "location_type");
    json_object_set_new(result, "depth", json_integer(p->depth));
    json_object_set_new(result, "from", json_string(p->from_name));
    json_object_set_new(result, "shared", json_array());
    add_share(result, p->attr);
    json_object_set(p->found, id, result);
    json_array_append(p->results, result);
    json_array_append_new(p->next, json_string(id));
    json_decref(result);
    return 0;
}

/* Lists the members of a linked attribute: the infrastructure objects
 * linked to it by the same rule. Plan: SEARCH e USING INDEX edges_target
 * (target=? AND type=?) for outward rules, edges_source for inward ones,
 * then the objects primary key; LIMIT keeps it O(max_results). */
static enum cg_err linked_members(struct pivot_run *p, size_t r,
                                  const char *attr_id, struct cg_error *err)
{
    static const char outward_sql[] =
        "SELECT e.source FROM edges e JOIN objects o ON o.id = e.source "
        "WHERE e.target = ?1 AND e.type = ?2 AND o.type IN ('ipv4-addr', "
        "'ipv6-addr', 'domain-name', 'url') LIMIT ?3";
    static const char inward_sql[] =
        "SELECT e.target FROM edges e JOIN objects o ON o.id = e.target "
        "WHERE e.source = ?1 AND e.type = ?2 AND o.type IN ('ipv4-addr', "
        "'ipv6-addr', 'domain-name', 'url') LIMIT ?3";
    sqlite3 *db = cg_store_db(p->store);
    sqlite3_stmt *stmt = NULL;
    int step;

    if (sqlite3_prepare_v2(db, rules[r].outward ? outward_sql : inward_sql, -1,
                           &stmt, NULL) != SQLITE_OK)
        return cg_error_set(err, CG_ERR_DB, "reading members failed: %s",
                            sqlite3_errmsg(db));
    sqlite3_bind_text(stmt, 1, attr_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 2, rules[r].relationship, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 3, (sqlite3_int64)p->opts->max_results + 1);
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (take_member((const char *)sqlite3_column_text(stmt, 0), p))
            break;
    }
    sqlite3_finalize(stmt);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return cg_error_set(err, CG_ERR_DB, "reading members failed: %s",
                            sqlite3_errmsg(db));
    return CG_OK;
}

static enum cg_err follow_attribute(struct pivot_run *p, const json_t *attr,
                                    struct cg_error *err)
{
    json_t *rule = json_object_get(attr, "rule");

    p->attr = attr;
    if (json_is_integer(rule))
        return linked_members(p, (size_t)json_integer_value(rule),
                              node_text(attr, "id"), err);
    return cg_pivot_attrs_members(
        p->store, node_text(attr, "via"), node_text(attr, "key"),
        (long)p->opts->max_results + 1, take_member, p, err);
}

/* Pivots from one entity; keeps its attributes when keep is not NULL. */
static enum cg_err pivot_from(struct pivot_run *p, const char *id, json_t *keep,
                              struct cg_error *err)
{
    json_t *attrs = json_array();
    json_t *node = json_object_get(p->found, id);
    size_t i;
    json_t *attr;
    enum cg_err rc;

    if (!attrs)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    p->from_id = id;
    p->from_name = node_text(node, "name");
    if (!*p->from_name)
        p->from_name = id;
    rc = cg_pivot_attributes(p->store, id, p->opts->vias, attrs, err);
    json_array_foreach(attrs, i, attr) {
        if (rc != CG_OK || p->capped)
            break;
        rc = follow_attribute(p, attr, err);
    }
    if (keep)
        json_array_extend(keep, attrs);
    json_decref(attrs);
    return rc;
}

static int compare_results(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a;
    const json_t *y = *(json_t *const *)b;
    json_int_t dx = json_integer_value(json_object_get(x, "depth"));
    json_int_t dy = json_integer_value(json_object_get(y, "depth"));
    json_t *sx = json_object_get(x, "score");
    json_t *sy = json_object_get(y, "score");
    json_int_t score_x = json_is_integer(sx) ? json_integer_value(sx) : -1;
    json_int_t score_y = json_is_integer(sy) ? json_integer_value(sy) : -1;
    int order;

    if (dx != dy)
        return dx < dy ? -1 : 1;
    if (score_x != score_y)
        return score_x > score_y ? -1 : 1;
    order = strcmp(node_text(x, "name"), node_text(y, "name"));
    return order ? order : strcmp(node_text(x, "id"), node_text(y, "id"));
}

/* Returns the results sorted by depth, score and name (new reference). */
static json_t *sorted_results(const json_t *results)
{
    size_t count = json_array_size(results);
    json_t **items = calloc(count ? count : 1, sizeof(*items));
    json_t *sorted = json_array();

    if (!items || !sorted) {
        free(items);
        json_decref(sorted);
        return NULL;
    }
    for (size_t i = 0; i < count; i++)
        items[i] = json_array_get(results, i);
    qsort(items, count, sizeof(*items), compare_results);
    for (size_t i = 0; i < count; i++)
        json_array_append(sorted, items[i]);
    free(items);
    return sorted;
}

/* Drops the internal fields of the start's attributes, and the repeats
 * that two rules of one via find (an address is both resolved to and a
 * URL's host). */
static void clean_attributes(json_t *attrs)
{
    json_t *seen = json_object();
    size_t i = 0;

    while (seen && i < json_array_size(attrs)) {
        json_t *attr = json_array_get(attrs, i);
        char key[512];

        snprintf(key, sizeof(key), "%s|%s", node_text(attr, "via"),
                 node_text(attr, "key"));
        if (json_object_get(seen, key)) {
            json_array_remove(attrs, i);
            continue;
        }
        json_object_set_new(seen, key, json_true());
        json_object_del(attr, "rule");
        json_object_del(attr, "key");
        i++;
    }
    json_decref(seen);
}

static enum cg_err run_levels(struct pivot_run *p, const char *id,
                              json_t *attrs, struct cg_error *err)
{
    json_t *frontier = json_pack("[s]", id);
    enum cg_err rc = CG_OK;

    for (p->depth = 1; rc == CG_OK && p->depth <= p->opts->depth &&
                       json_array_size(frontier) && !p->capped;
         p->depth++) {
        size_t i;
        json_t *item;

        p->next = json_array();
        json_array_foreach(frontier, i, item) {
            rc = pivot_from(p, json_string_value(item),
                            p->depth == 1 ? attrs : NULL, err);
            if (rc != CG_OK || p->capped)
                break;
        }
        json_decref(frontier);
        frontier = p->next;
        p->next = NULL;
    }
    json_decref(frontier);
    return rc;
}

enum cg_err cg_pivot(struct cg_store *store, const char *id,
                     const struct cg_pivot_opts *opts, json_t **out,
                     struct cg_error *err)
{
    struct pivot_run p = {store, opts, json_object(), json_array(),
                          NULL,  NULL, NULL,          NULL,
                          0,     false};
    json_t *start = cg_pivot_node(store, id);
    json_t *attrs = json_array();
    enum cg_err rc = CG_OK;

    *out = NULL;
    if (opts->depth < 1 || opts->depth > CG_PIVOT_MAX_DEPTH ||
        opts->max_results < 1 || opts->max_results > CG_PIVOT_MAX_LIMIT)
        rc = cg_error_set(err, CG_ERR_INVALID,
                          "invalid pivot bounds: depth %d (use 1 to %d), "
                          "limit %zu (use 1 to %d)",
                          opts->depth, CG_PIVOT_MAX_DEPTH, opts->max_results,
                          CG_PIVOT_MAX_LIMIT);
    else if (!p.found || !p.results || !start || !attrs)
        rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (rc == CG_OK) {
        json_object_set(p.found, id, start);
        rc = run_levels(&p, id, attrs, err);
    }
    if (rc == CG_OK) {
        json_object_del(start, "location_type");
        clean_attributes(attrs);
        *out = json_pack("{sO sO so sb sI}", "start", start, "attributes",
                         attrs, "results", sorted_results(p.results), "capped",
                         p.capped, "limit", (json_int_t)opts->max_results);
        if (!*out)
            rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    json_decref(start);
    json_decref(attrs);
    json_decref(p.found);
    json_decref(p.results);
    return rc;
}

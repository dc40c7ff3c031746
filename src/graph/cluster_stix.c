/*
 * Clusters as output: the STIX grouping of each cluster, storing the
 * groupings in the graph in place of those of the previous run, and the
 * JSON form that `clusters --format json` prints.
 */
#include "graph/cluster_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "stix/object.h"

/* Maximum number of object_refs in one grouping. A larger cluster keeps
 * its first members by id and states in its description how many were
 * left out. */
#define CG_CLUSTER_MAX_REFS 10000

static enum cg_err author_id(char out[CG_STIX_ID_SIZE])
{
    return cg_stix_id_identity(CG_CLUSTER_AUTHOR, "system", out);
}

static json_t *author_object(void)
{
    char id[CG_STIX_ID_SIZE];

    if (author_id(id) != CG_OK)
        return NULL;
    return json_pack("{ss ss ss ss ss ss ss ss}", "type", "identity",
                     "spec_version", "2.1", "id", id, "created",
                     "2024-01-01T00:00:00.000Z", "modified",
                     "2024-01-01T00:00:00.000Z", "name", CG_CLUSTER_AUTHOR,
                     "identity_class", "system", "description",
                     "cipgraph's own analysis: probable campaigns found as "
                     "infrastructure shared by malicious observables.");
}

static bool object_exists(struct cg_store *store, const char *id)
{
    sqlite3_stmt *stmt = NULL;
    bool found = false;

    if (sqlite3_prepare_v2(cg_store_db(store),
                           "SELECT 1 FROM objects WHERE id = ?1", -1, &stmt,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
        found = sqlite3_step(stmt) == SQLITE_ROW;
    }
    sqlite3_finalize(stmt);
    return found;
}

/* Appends id to refs unless it is already there. */
static void add_ref(json_t *refs, json_t *seen, const char *id)
{
    if (!id || json_object_get(seen, id))
        return;
    json_object_set_new(seen, id, json_true());
    json_array_append_new(refs, json_string(id));
}

/* Adds the indicators based on a member. */
static void add_indicators(struct cg_store *store, const char *member,
                           json_t *refs, json_t *seen)
{
    sqlite3_stmt *stmt = NULL;

    if (sqlite3_prepare_v2(cg_store_db(store),
                           "SELECT e.source FROM edges e WHERE e.target = ?1 "
                           "AND e.type = 'based-on' "
                           "AND e.source LIKE 'indicator--%' ORDER BY 1",
                           -1, &stmt, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_text(stmt, 1, member, -1, SQLITE_STATIC);
    while (sqlite3_step(stmt) == SQLITE_ROW)
        add_ref(refs, seen, (const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
}

/* The object that carries a piece of evidence, when the graph has it. */
static void add_evidence_object(struct cg_store *store,
                                const struct cg_cluster_evidence *e,
                                json_t *refs, json_t *seen)
{
    char id[CG_STIX_ID_SIZE];

    if (e->object_id) {
        if (object_exists(store, e->object_id))
            add_ref(refs, seen, e->object_id);
        return;
    }
    if (e->kind == CG_KEY_REGISTERED_DOMAIN &&
        cg_stix_id_value("domain-name", e->value, id) == CG_OK &&
        object_exists(store, id))
        add_ref(refs, seen, id);
}

static json_t *grouping_refs(struct cg_store *store,
                             const struct cg_cluster *cluster, size_t *left_out)
{
    json_t *refs = json_array();
    json_t *seen = json_object();
    size_t limit = CG_CLUSTER_MAX_REFS / 2;

    *left_out = cluster->n_members > limit ? cluster->n_members - limit : 0;
    for (size_t i = 0; i < cluster->n_members && i < limit; i++) {
        add_ref(refs, seen, cluster->members[i].id);
        add_indicators(store, cluster->members[i].id, refs, seen);
    }
    for (size_t i = 0; i < cluster->n_evidence; i++) {
        if (json_array_size(refs) >= CG_CLUSTER_MAX_REFS)
            break;
        add_evidence_object(store, &cluster->evidence[i], refs, seen);
    }
    json_decref(seen);
    return refs;
}

static json_t *evidence_json(const struct cg_cluster *cluster, bool with_ids)
{
    json_t *list = json_array();

    for (size_t i = 0; list && i < cluster->n_evidence; i++) {
        const struct cg_cluster_evidence *e = &cluster->evidence[i];
        json_t *item =
            json_pack("{ss ss sI}", "kind", cg_cluster_key_name(e->kind),
                      "value", e->value, "members", (json_int_t)e->members);

        if (item && with_ids && e->object_id)
            json_object_set_new(item, "object_id", json_string(e->object_id));
        json_array_append_new(list, item);
    }
    return list;
}

/* The anchor's display text: for a certificate its serial or subject. */
static const char *anchor_display(const struct cg_cluster *cluster)
{
    for (size_t i = 0; i < cluster->n_evidence; i++) {
        if (strcmp(cluster->evidence[i].identity, cluster->anchor_value) == 0)
            return cluster->evidence[i].value;
    }
    return cluster->anchor_value;
}

static char *describe(const struct cg_cluster *cluster, size_t left_out)
{
    struct cg_buf text = CG_BUF_INIT;
    enum cg_err rc = cg_buf_printf(
        &text,
        "%zu malicious observables that share infrastructure. Evidence: ",
        cluster->n_members);

    for (size_t i = 0; rc == CG_OK && i < cluster->n_evidence && i < 20; i++)
        rc = cg_buf_printf(&text, "%s%s %s (%ld members)", i ? "; " : "",
                           cg_cluster_key_name(cluster->evidence[i].kind),
                           cluster->evidence[i].value,
                           cluster->evidence[i].members);
    if (rc == CG_OK && cluster->n_evidence > 20)
        rc = cg_buf_printf(&text, "; and %zu more", cluster->n_evidence - 20);
    if (rc == CG_OK && left_out)
        rc = cg_buf_printf(&text,
                           ". %zu members are not listed in "
                           "object_refs, which is capped.",
                           left_out);
    if (rc == CG_OK)
        rc = cg_buf_puts(&text, ".");
    if (rc != CG_OK) {
        cg_buf_release(&text);
        return NULL;
    }
    return cg_buf_detach(&text);
}

json_t *cg_cluster_grouping(struct cg_store *store,
                            const struct cg_cluster *cluster, const char *now,
                            const char *marking_id, struct cg_error *err)
{
    char author[CG_STIX_ID_SIZE];
    char name[512];
    size_t left_out = 0;
    json_t *refs = grouping_refs(store, cluster, &left_out);
    char *description = describe(cluster, left_out);
    json_t *obj = NULL;

    snprintf(name, sizeof(name), "Probable campaign: %s %s",
             cluster->anchor_kind, anchor_display(cluster));
    if (refs && description && author_id(author) == CG_OK)
        obj = json_pack("{ss ss ss ss ss ss s[s] ss ss ss si so so}", "type",
                        "grouping", "spec_version", "2.1", "id", cluster->id,
                        "created", now, "modified", now, "created_by_ref",
                        author, "object_marking_refs", marking_id, "name", name,
                        "description", description, "context",
                        "suspicious-activity", "confidence",
                        cluster->confidence, "object_refs", refs,
                        "x_cipgraph_evidence", evidence_json(cluster, false));
    else
        json_decref(refs);
    free(description);
    if (!obj)
        cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    return obj;
}

/* The highest TLP among the members, TLP:AMBER when none has one. */
static enum cg_tlp members_tlp(struct cg_store *store,
                               const struct cg_cluster *cluster)
{
    sqlite3_stmt *stmt = NULL;
    enum cg_tlp most = CG_TLP_CLEAR;
    bool any = false;

    if (sqlite3_prepare_v2(cg_store_db(store),
                           "SELECT j.value FROM objects o, json_each(o.body, "
                           "'$.object_marking_refs') j WHERE o.id = ?1",
                           -1, &stmt, NULL) != SQLITE_OK)
        return CG_TLP_AMBER;
    for (size_t i = 0; i < cluster->n_members; i++) {
        sqlite3_bind_text(stmt, 1, cluster->members[i].id, -1, SQLITE_STATIC);
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            enum cg_tlp tlp;

            if (cg_tlp_from_marking_id(
                    (const char *)sqlite3_column_text(stmt, 0), &tlp)) {
                any = true;
                most = tlp > most ? tlp : most;
            }
        }
        sqlite3_reset(stmt);
    }
    sqlite3_finalize(stmt);
    return any ? most : CG_TLP_AMBER;
}

/* Reads the groupings that earlier runs stored, id -> object. */
static enum cg_err read_previous(struct cg_store *store, const char *author,
                                 json_t *previous, struct cg_error *err)
{
    sqlite3_stmt *stmt = NULL;
    int step;

    if (sqlite3_prepare_v2(cg_store_db(store),
                           "SELECT id, body FROM objects WHERE type = "
                           "'grouping' AND json_extract(body, "
                           "'$.created_by_ref') = ?1",
                           -1, &stmt, NULL) != SQLITE_OK)
        return cg_error_set(err, CG_ERR_DB, "reading groupings failed: %s",
                            sqlite3_errmsg(cg_store_db(store)));
    sqlite3_bind_text(stmt, 1, author, -1, SQLITE_STATIC);
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        json_error_t jerr;
        json_t *obj =
            json_loads((const char *)sqlite3_column_text(stmt, 1), 0, &jerr);

        if (obj)
            json_object_set_new(
                previous, (const char *)sqlite3_column_text(stmt, 0), obj);
    }
    sqlite3_finalize(stmt);
    if (step != SQLITE_DONE)
        return cg_error_set(err, CG_ERR_DB, "reading groupings failed: %s",
                            sqlite3_errmsg(cg_store_db(store)));
    return CG_OK;
}

/* Writes one grouping unless the stored one is equal. An unchanged
 * grouping keeps its times, and a changed one keeps created. */
static enum cg_err store_grouping(struct cg_store *store, json_t *obj,
                                  const json_t *old, struct cg_error *err)
{
    json_t *created = json_object_get(old, "created");
    json_t *modified = json_object_get(old, "modified");
    json_t *now = json_deep_copy(json_object_get(obj, "modified"));
    enum cg_err rc = CG_OK;

    if (old && created && modified) {
        json_object_set(obj, "created", created);
        json_object_set(obj, "modified", modified);
        if (!json_equal(obj, old))
            json_object_set(obj, "modified", now);
        else
            obj = NULL;
    }
    if (obj)
        rc = cg_store_replace_object(store, obj, err);
    json_decref(now);
    return rc;
}

static enum cg_err store_support(struct cg_store *store, bool tlp_used[],
                                 struct cg_error *err)
{
    json_t *author = author_object();
    enum cg_err rc = author ? cg_store_put_object(store, author, err)
                            : cg_error_set(err, CG_ERR_NOMEM, "out of memory");

    json_decref(author);
    for (int t = CG_TLP_CLEAR; rc == CG_OK && t <= CG_TLP_RED; t++) {
        json_t *marking;

        if (!tlp_used[t])
            continue;
        marking = cg_tlp_marking_object((enum cg_tlp)t);
        rc = marking ? cg_store_put_object(store, marking, err)
                     : cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        json_decref(marking);
    }
    return rc;
}

static enum cg_err store_all(struct cg_store *store,
                             const struct cg_cluster_set *set, json_t *previous,
                             struct cg_error *err)
{
    char now[CG_TIME_TEXT_SIZE];
    bool tlp_used[CG_TLP_RED + 1] = {false};
    enum cg_err rc = CG_OK;
    const char *id;
    json_t *old;
    void *tmp;

    cg_time_format(cg_time_now(), now);
    for (size_t i = 0; rc == CG_OK && i < set->count; i++) {
        const struct cg_cluster *cl = &set->clusters[i];
        enum cg_tlp tlp = members_tlp(store, cl);
        json_t *obj =
            cg_cluster_grouping(store, cl, now, cg_tlp_marking_id(tlp), err);

        tlp_used[tlp] = true;
        rc = obj ? store_grouping(store, obj, json_object_get(previous, cl->id),
                                  err)
                 : CG_ERR_NOMEM;
        json_object_del(previous, cl->id);
        json_decref(obj);
    }
    json_object_foreach_safe(previous, tmp, id, old) {
        if (rc == CG_OK)
            rc = cg_store_delete_object(store, id, err);
    }
    if (rc == CG_OK)
        rc = store_support(store, tlp_used, err);
    return rc;
}

enum cg_err cg_cluster_store(struct cg_store *store,
                             const struct cg_cluster_set *set,
                             struct cg_error *err)
{
    char author[CG_STIX_ID_SIZE];
    json_t *previous = json_object();
    enum cg_err rc = previous && author_id(author) == CG_OK
                         ? cg_store_begin(store, err)
                         : cg_error_set(err, CG_ERR_NOMEM, "out of memory");

    if (rc == CG_OK)
        rc = read_previous(store, author, previous, err);
    if (rc == CG_OK)
        rc = store_all(store, set, previous, err);
    if (rc == CG_OK)
        rc = cg_store_commit(store, err);
    if (rc != CG_OK)
        cg_store_rollback(store);
    json_decref(previous);
    return rc;
}

json_t *cg_cluster_to_json(const struct cg_cluster *cluster)
{
    json_t *members = json_array();
    json_t *obj;

    for (size_t i = 0; members && i < cluster->n_members; i++)
        json_array_append_new(
            members, json_pack("{ss ss ss}", "id", cluster->members[i].id,
                               "type", cluster->members[i].type, "value",
                               cluster->members[i].value));
    obj = json_pack(
        "{ss si sI s{ss ss} so so}", "id", cluster->id, "confidence",
        cluster->confidence, "size", (json_int_t)cluster->n_members, "anchor",
        "kind", cluster->anchor_kind, "value", anchor_display(cluster),
        "evidence", evidence_json(cluster, true), "members", members);
    return obj;
}

/*
 * Bundle builder: de-duplication by id, reference closure and stable
 * ordering.
 */
#include "stix/bundle.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "stix/merge.h"
#include "stix/object.h"
#include "stix/writer.h"

void cg_bundle_init(struct cg_bundle *bundle)
{
    bundle->objects = json_array();
    bundle->index = json_object();
}

void cg_bundle_release(struct cg_bundle *bundle)
{
    json_decref(bundle->objects);
    json_decref(bundle->index);
    bundle->objects = NULL;
    bundle->index = NULL;
}

json_t *cg_bundle_add(struct cg_bundle *bundle, json_t *obj)
{
    const char *id;
    json_t *existing;

    if (!obj)
        return NULL;
    if (!bundle->objects || !bundle->index) {
        json_decref(obj);
        return NULL;
    }
    id = json_string_value(json_object_get(obj, "id"));
    if (!id) {
        json_decref(obj);
        return NULL;
    }
    existing = json_object_get(bundle->index, id);
    if (existing) {
        enum cg_err rc = cg_stix_merge(existing, obj, true);

        json_decref(obj);
        return rc == CG_OK ? existing : NULL;
    }
    if (json_object_set(bundle->index, id, obj) ||
        json_array_append(bundle->objects, obj)) {
        json_object_del(bundle->index, id);
        json_decref(obj);
        return NULL;
    }
    json_decref(obj);
    return obj;
}

json_t *cg_bundle_get(const struct cg_bundle *bundle, const char *id)
{
    return id ? json_object_get(bundle->index, id) : NULL;
}

size_t cg_bundle_size(const struct cg_bundle *bundle)
{
    return json_array_size(bundle->objects);
}

/* Drops object_refs entries that name objects outside the bundle. */
static void prune_object_refs(struct cg_bundle *bundle, json_t *obj)
{
    json_t *refs = json_object_get(obj, "object_refs");
    size_t i = 0;

    if (!json_is_array(refs))
        return;
    while (i < json_array_size(refs)) {
        const char *ref = json_string_value(json_array_get(refs, i));

        if (!ref || !cg_bundle_get(bundle, ref))
            json_array_remove(refs, i);
        else
            i++;
    }
}

size_t cg_bundle_prune(struct cg_bundle *bundle)
{
    size_t removed = 0;
    size_t i = 0;

    while (i < json_array_size(bundle->objects)) {
        json_t *obj = json_array_get(bundle->objects, i);
        const char *type = cg_stix_get_type(obj);

        if (strcmp(type, "relationship") == 0) {
            const char *rel =
                json_string_value(json_object_get(obj, "relationship_type"));
            json_t *source = cg_bundle_get(
                bundle, json_string_value(json_object_get(obj, "source_ref")));
            json_t *target = cg_bundle_get(
                bundle, json_string_value(json_object_get(obj, "target_ref")));

            if (!rel || !source || !target ||
                !cg_stix_relationship_allowed(rel, source, target)) {
                if (rel && source && target)
                    cg_log_warn("stix",
                                "dropped relationship '%s' from %s to %s: "
                                "OpenCTI does not accept it",
                                rel, cg_stix_opencti_type(source),
                                cg_stix_opencti_type(target));
                json_object_del(bundle->index, cg_stix_get_id(obj));
                json_array_remove(bundle->objects, i);
                removed++;
                continue;
            }
        }
        prune_object_refs(bundle, obj);
        i++;
    }
    return removed;
}

int cg_bundle_type_rank(const char *type)
{
    if (strcmp(type, "marking-definition") == 0)
        return 0;
    if (strcmp(type, "identity") == 0)
        return 1;
    if (cg_stix_is_sco(type))
        return 2;
    if (strcmp(type, "relationship") == 0 || strcmp(type, "sighting") == 0)
        return 5;
    if (strcmp(type, "note") == 0 || strcmp(type, "grouping") == 0 ||
        strcmp(type, "report") == 0)
        return 4;
    return 3;
}

/* An object with its sort key, computed once instead of per comparison. */
struct sort_item {
    int rank;
    const char *id;
    json_t *obj;
};

static int compare_items(const void *a, const void *b)
{
    const struct sort_item *x = a;
    const struct sort_item *y = b;

    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return strcmp(x->id, y->id);
}

void cg_bundle_sort(struct cg_bundle *bundle)
{
    size_t n = json_array_size(bundle->objects);
    struct sort_item *items;
    json_t *sorted;

    if (n < 2)
        return;
    items = malloc(n * sizeof(*items));
    sorted = json_array();
    if (!items || !sorted)
        goto out;
    for (size_t i = 0; i < n; i++) {
        json_t *obj = json_array_get(bundle->objects, i);

        items[i].rank = cg_bundle_type_rank(cg_stix_get_type(obj));
        items[i].id = cg_stix_get_id(obj);
        items[i].obj = obj;
    }
    qsort(items, n, sizeof(*items), compare_items);
    for (size_t i = 0; i < n; i++) {
        if (json_array_append(sorted, items[i].obj))
            goto out;
    }
    json_decref(bundle->objects);
    bundle->objects = sorted;
    sorted = NULL;
out:
    json_decref(sorted);
    free(items);
}

enum cg_err cg_bundle_write(const struct cg_bundle *bundle, FILE *f)
{
    struct cg_bundle_writer writer;
    size_t i;
    json_t *obj;
    enum cg_err rc = cg_bundle_writer_begin(&writer, f, false);

    if (rc != CG_OK) {
        cg_bundle_writer_abort(&writer);
        return rc;
    }
    json_array_foreach(bundle->objects, i, obj) {
        rc = cg_bundle_writer_add(&writer, obj);
        if (rc != CG_OK) {
            cg_bundle_writer_abort(&writer);
            return rc;
        }
    }
    return cg_bundle_writer_end(&writer);
}

enum cg_err cg_bundle_dump(const struct cg_bundle *bundle, struct cg_buf *out)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    enum cg_err rc;

    if (!f)
        return CG_ERR_NOMEM;
    rc = cg_bundle_write(bundle, f);
    if (fclose(f) != 0 && rc == CG_OK)
        rc = CG_ERR_IO;
    if (rc == CG_OK)
        rc = cg_buf_append(out, text, size);
    free(text);
    return rc;
}

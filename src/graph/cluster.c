/*
 * Clustering by shared evidence keys with union-find. Every member's keys
 * go through one hash table from key to the first member that held it.
 * Each later holder is recorded as a (member, key) pair, and once all
 * counts are known it is united with that first member. Members are never
 * compared with each other, so the work grows with the number of key
 * occurrences, not with the number of member pairs.
 */
#include "graph/cluster_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* An append-only store for the strings of one run. */
struct arena {
    char **blocks;
    size_t n_blocks;
    size_t used; /* bytes used in the last block */
};

#define ARENA_BLOCK (1u << 20)

static char *arena_strdup(struct arena *a, const char *s)
{
    size_t len = strlen(s) + 1;
    char *out;

    if (len > ARENA_BLOCK)
        return NULL;
    if (!a->n_blocks || a->used + len > ARENA_BLOCK) {
        char **blocks = realloc(a->blocks, (a->n_blocks + 1) * sizeof(*blocks));

        if (!blocks)
            return NULL;
        a->blocks = blocks;
        if (!(a->blocks[a->n_blocks] = malloc(ARENA_BLOCK)))
            return NULL;
        a->n_blocks++;
        a->used = 0;
    }
    out = a->blocks[a->n_blocks - 1] + a->used;
    memcpy(out, s, len);
    a->used += len;
    return out;
}

static void arena_release(struct arena *a)
{
    for (size_t i = 0; i < a->n_blocks; i++)
        free(a->blocks[i]);
    free(a->blocks);
}

/* A key held by two members or more: the evidence it may give. */
struct evidence_entry {
    enum cg_cluster_key kind;
    const char *identity;
    const char *display;
    const char *object_id;
    uint32_t first; /* a member holding it */
    uint32_t count; /* members holding it */
};

/* The key table: open addressing from a key's 64-bit hash to its index,
 * at most half full, and per key its first holder, its number of holders
 * and its evidence entry. 12 bytes per slot and 12 per key.
 * NOTE: keys are compared by the hash. A collision between two keys that
 * are both held more than once is detected and the later holder skipped,
 * but a collision with a key held once is not. */
struct key_table {
    uint64_t *hash; /* 0 marks an empty slot */
    uint32_t *key;  /* the key index of each slot */
    size_t cap;
    uint32_t *first;
    uint32_t *count;
    uint32_t *evidence; /* index + 1 into the evidence list, 0 for none */
    size_t n_keys;
    size_t keys_cap;
};

struct clusterer {
    struct arena strings;
    struct cg_cluster_member *members;
    size_t n_members;
    size_t members_cap;
    struct key_table keys;
    struct evidence_entry *evidence;
    size_t n_evidence;
    size_t evidence_cap;
    uint32_t *pairs; /* (member, key) of each key occurrence */
    size_t n_pairs;
    size_t pairs_cap;
    uint32_t *parent;
    uint64_t local[4 * CG_CLUSTER_MAX_FACTS]; /* this member's keys */
    size_t n_local;
    long collisions;
};

static const char *const key_names[CG_KEY__COUNT] = {
    [CG_KEY_REGISTERED_DOMAIN] = "registered-domain",
    [CG_KEY_CERTIFICATE] = "certificate",
    [CG_KEY_IP] = "ip",
    [CG_KEY_AS_REGISTRAR_WEEK] = "as-registrar-week",
    [CG_KEY_FAVICON] = "favicon",
    [CG_KEY_PREFIX] = "prefix",
    [CG_KEY_JARM] = "jarm",
};

/* How strongly one shared value suggests one operator; docs/CLUSTERS.md
 * gives the reasoning behind each weight. */
static const double key_weights[CG_KEY__COUNT] = {
    [CG_KEY_REGISTERED_DOMAIN] = 0.90,
    [CG_KEY_CERTIFICATE] = 0.85,
    [CG_KEY_IP] = 0.70,
    [CG_KEY_AS_REGISTRAR_WEEK] = 0.50,
    [CG_KEY_FAVICON] = 0.40,
    [CG_KEY_PREFIX] = 0.35,
    [CG_KEY_JARM] = 0.25,
};

const char *cg_cluster_key_name(enum cg_cluster_key kind)
{
    return kind < CG_KEY__COUNT ? key_names[kind] : "unknown";
}

double cg_cluster_key_weight(enum cg_cluster_key kind)
{
    return kind < CG_KEY__COUNT ? key_weights[kind] : 0;
}

int cg_cluster_confidence(const bool present[CG_KEY__COUNT])
{
    double unlinked = 1;

    for (int k = 0; k < CG_KEY__COUNT; k++) {
        if (present[k])
            unlinked *= 1 - key_weights[k];
    }
    return (int)lround(100 * (1 - unlinked));
}

void cg_cluster_opts_init(struct cg_cluster_opts *opts)
{
    opts->min_size = 2;
    opts->max_shared = 1000;
}

/* FNV-1a over the kind and the identity, with a final mix; never 0. */
static uint64_t key_hash(enum cg_cluster_key kind, const char *identity)
{
    uint64_t h = 0xcbf29ce484222325ULL ^ (uint64_t)kind;

    h *= 0x100000001b3ULL;
    for (const unsigned char *p = (const unsigned char *)identity; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h ? h : 1;
}

static size_t table_find(const struct key_table *t, uint64_t h)
{
    size_t mask = t->cap - 1;
    size_t i = (size_t)h & mask;

    while (t->hash[i] && t->hash[i] != h)
        i = (i + 1) & mask;
    return i;
}

static enum cg_err table_grow(struct key_table *t)
{
    struct key_table bigger = *t;

    bigger.cap = t->cap ? 2 * t->cap : 4096;
    bigger.hash = calloc(bigger.cap, sizeof(*bigger.hash));
    bigger.key = malloc(bigger.cap * sizeof(*bigger.key));
    if (!bigger.hash || !bigger.key) {
        free(bigger.hash);
        free(bigger.key);
        return CG_ERR_NOMEM;
    }
    for (size_t i = 0; i < t->cap; i++) {
        size_t j;

        if (!t->hash[i])
            continue;
        j = table_find(&bigger, t->hash[i]);
        bigger.hash[j] = t->hash[i];
        bigger.key[j] = t->key[i];
    }
    free(t->hash);
    free(t->key);
    *t = bigger;
    return CG_OK;
}

static void table_release(struct key_table *t)
{
    free(t->hash);
    free(t->key);
    free(t->first);
    free(t->count);
    free(t->evidence);
}

/* Resizes a vector to cap elements of size bytes. */
static bool reserve_exact(void **items, size_t cap, size_t size)
{
    void *bigger = realloc(*items, cap * size);

    if (!bigger)
        return false;
    *items = bigger;
    return true;
}

/* Grows a vector of elements of size bytes to hold one more. */
static bool reserve(void **items, size_t *cap, size_t count, size_t size)
{
    size_t want;
    void *bigger;

    if (count < *cap)
        return true;
    want = *cap ? *cap * 2 : 1024;
    bigger = realloc(*items, want * size);
    if (!bigger)
        return false;
    *items = bigger;
    *cap = want;
    return true;
}

/* Returns the index of the key with hash h, adding it when new. */
static enum cg_err table_key(struct key_table *t, uint64_t h, uint32_t *key)
{
    size_t slot;
    size_t cap = t->keys_cap;

    if ((t->n_keys + 1) * 2 > t->cap && table_grow(t) != CG_OK)
        return CG_ERR_NOMEM;
    slot = table_find(t, h);
    if (t->hash[slot]) {
        *key = t->key[slot];
        return CG_OK;
    }
    if (t->n_keys >= UINT32_MAX - 1 ||
        !reserve((void **)&t->first, &cap, t->n_keys, sizeof(*t->first)) ||
        (cap != t->keys_cap &&
         (!reserve_exact((void **)&t->count, cap, sizeof(*t->count)) ||
          !reserve_exact((void **)&t->evidence, cap, sizeof(*t->evidence)))))
        return CG_ERR_NOMEM;
    t->keys_cap = cap;
    *key = (uint32_t)t->n_keys++;
    t->hash[slot] = h;
    t->key[slot] = *key;
    t->count[*key] = 0;
    t->evidence[*key] = 0;
    return CG_OK;
}

/* Makes a key held twice into an evidence entry. */
static enum cg_err new_evidence(struct clusterer *c, uint32_t key,
                                enum cg_cluster_key kind, const char *identity,
                                const char *display, const char *object_id)
{
    struct evidence_entry *e;

    if (!reserve((void **)&c->evidence, &c->evidence_cap, c->n_evidence,
                 sizeof(*c->evidence)))
        return CG_ERR_NOMEM;
    e = &c->evidence[c->n_evidence];
    e->kind = kind;
    e->identity = arena_strdup(&c->strings, identity);
    e->display = arena_strdup(&c->strings, display);
    e->object_id = object_id ? arena_strdup(&c->strings, object_id) : NULL;
    e->first = c->keys.first[key];
    e->count = 2;
    if (!e->identity || !e->display || (object_id && !e->object_id))
        return CG_ERR_NOMEM;
    c->keys.evidence[key] = (uint32_t)++c->n_evidence;
    return CG_OK;
}

/* Counts one holder of a key; *use is false when the key is a hash
 * collision with another key. */
static enum cg_err count_key(struct clusterer *c, uint32_t key, uint32_t member,
                             enum cg_cluster_key kind, const char *identity,
                             const char *display, const char *object_id,
                             bool *use)
{
    struct key_table *t = &c->keys;
    struct evidence_entry *e;

    *use = true;
    if (t->count[key] == 0) {
        t->first[key] = member;
        t->count[key] = 1;
        return CG_OK;
    }
    if (!t->evidence[key]) {
        t->count[key]++;
        return new_evidence(c, key, kind, identity, display, object_id);
    }
    e = &c->evidence[t->evidence[key] - 1];
    if (e->kind != kind || strcmp(e->identity, identity) != 0) {
        c->collisions++;
        *use = false;
        return CG_OK;
    }
    t->count[key]++;
    e->count++;
    return CG_OK;
}

/* cg_cluster_key_fn: records one key of the current member. */
static enum cg_err add_key(void *data, enum cg_cluster_key kind,
                           const char *identity, const char *display,
                           const char *object_id)
{
    struct clusterer *c = data;
    uint32_t member = (uint32_t)(c->n_members - 1);
    uint64_t h = key_hash(kind, identity);
    uint32_t key;
    bool use;
    enum cg_err rc;

    for (size_t i = 0; i < c->n_local; i++) {
        if (c->local[i] == h)
            return CG_OK;
    }
    if (c->n_local == CG_ARRAY_LEN(c->local))
        return CG_OK;
    c->local[c->n_local++] = h;
    if (table_key(&c->keys, h, &key) != CG_OK)
        return CG_ERR_NOMEM;
    rc = count_key(c, key, member, kind, identity, display, object_id, &use);
    if (rc != CG_OK || !use)
        return rc;
    if (!reserve((void **)&c->pairs, &c->pairs_cap, c->n_pairs,
                 2 * sizeof(*c->pairs)))
        return CG_ERR_NOMEM;
    c->pairs[2 * c->n_pairs] = member;
    c->pairs[2 * c->n_pairs + 1] = key;
    c->n_pairs++;
    return CG_OK;
}

/*
 * The malicious observables: those that an indicator is based on whose
 * indicator_types contain malicious-activity or compromised, or whose
 * labels contain phishing or malicious, and those whose enrichment summary
 * has malicious set.
 */
static const char members_sql[] =
    "SELECT id, type, name FROM objects WHERE id IN ("
    "  SELECT e.target FROM objects i JOIN edges e"
    "  ON e.source = i.id AND e.type = 'based-on'"
    "  WHERE i.type = 'indicator' AND ("
    "    EXISTS (SELECT 1 FROM json_each(i.body, '$.indicator_types')"
    "            WHERE value IN ('malicious-activity', 'compromised'))"
    "    OR EXISTS (SELECT 1 FROM json_each(i.body, '$.labels')"
    "               WHERE value IN ('phishing', 'malicious')))"
    "  UNION"
    "  SELECT object_id FROM indicators WHERE status = 'ok'"
    "  AND json_extract(summary, '$.malicious')"
    ") AND type IN ('domain-name', 'url', 'ipv4-addr', 'ipv6-addr') "
    "ORDER BY id";

static enum cg_err add_member(struct clusterer *c, sqlite3_stmt *stmt)
{
    struct cg_cluster_member *m;
    const char *name = (const char *)sqlite3_column_text(stmt, 2);

    if (c->n_members >= UINT32_MAX - 1 ||
        !reserve((void **)&c->members, &c->members_cap, c->n_members,
                 sizeof(*c->members)))
        return CG_ERR_NOMEM;
    m = &c->members[c->n_members];
    m->id =
        arena_strdup(&c->strings, (const char *)sqlite3_column_text(stmt, 0));
    m->type =
        arena_strdup(&c->strings, (const char *)sqlite3_column_text(stmt, 1));
    m->value = arena_strdup(&c->strings, name ? name : "");
    if (!m->id || !m->type || !m->value)
        return CG_ERR_NOMEM;
    c->n_members++;
    c->n_local = 0;
    return CG_OK;
}

/* Reads every member and records its keys. */
static enum cg_err read_members(struct clusterer *c, struct cg_store *store,
                                struct cg_error *err)
{
    struct cg_cluster_reader *reader = NULL;
    sqlite3_stmt *stmt = NULL;
    enum cg_err rc = cg_cluster__reader_open(store, &reader, err);
    int step = SQLITE_DONE;

    if (rc == CG_OK && sqlite3_prepare_v2(cg_store_db(store), members_sql, -1,
                                          &stmt, NULL) != SQLITE_OK)
        rc = cg_error_set(err, CG_ERR_DB,
                          "selecting cluster members failed: "
                          "%s",
                          sqlite3_errmsg(cg_store_db(store)));
    while (rc == CG_OK && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        const struct cg_cluster_member *m;

        rc = add_member(c, stmt);
        m = &c->members[c->n_members - 1];
        if (rc == CG_OK)
            rc = cg_cluster__member_keys(reader, m->id, m->type, m->value,
                                         add_key, c, err);
    }
    if (rc == CG_OK && step != SQLITE_DONE)
        rc = cg_error_set(err, CG_ERR_DB, "reading cluster members failed: %s",
                          sqlite3_errmsg(cg_store_db(store)));
    if (rc == CG_ERR_NOMEM)
        cg_error_set(err, rc, "out of memory while clustering");
    sqlite3_finalize(stmt);
    cg_cluster__reader_close(reader);
    return rc;
}

/*
 * True when more members hold a value than evidence of one operator
 * allows: max_shared for the strong kinds, and a twentieth of it (at
 * least 2) for favicons, blocks and JARM, which popular brands, hosting
 * ranges and default server stacks spread over unrelated sites.
 */
static bool shared_too_widely(enum cg_cluster_key kind, uint32_t count,
                              const struct cg_cluster_opts *o)
{
    long limit = o->max_shared;

    if (limit <= 0)
        return false;
    if (kind == CG_KEY_FAVICON || kind == CG_KEY_PREFIX || kind == CG_KEY_JARM)
        limit = limit / 20 > 2 ? limit / 20 : 2;
    return count > (uint32_t)limit;
}

static bool evidence_kept(const struct evidence_entry *e,
                          const struct cg_cluster_opts *o);

static uint32_t find_root(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

/* Unites the holders of every key that counts as evidence, with union by
 * index (the smaller index becomes the root) and path halving. */
static enum cg_err unite(struct clusterer *c, const struct cg_cluster_opts *o,
                         long *ignored)
{
    c->parent = malloc((c->n_members ? c->n_members : 1) * sizeof(*c->parent));
    if (!c->parent)
        return CG_ERR_NOMEM;
    for (size_t i = 0; i < c->n_members; i++)
        c->parent[i] = (uint32_t)i;
    for (size_t i = 0; i < c->n_pairs; i++) {
        uint32_t member = c->pairs[2 * i];
        uint32_t key = c->pairs[2 * i + 1];
        uint32_t count = c->keys.count[key];
        uint32_t a;
        uint32_t b;

        if (count < 2)
            continue;
        if (c->keys.evidence[key] &&
            !evidence_kept(&c->evidence[c->keys.evidence[key] - 1], o))
            continue;
        a = find_root(c->parent, member);
        b = find_root(c->parent, c->keys.first[key]);
        if (a < b)
            c->parent[b] = a;
        else if (b < a)
            c->parent[a] = b;
    }
    *ignored = 0;
    for (size_t i = 0; i < c->n_evidence; i++)
        *ignored += !evidence_kept(&c->evidence[i], o);
    return CG_OK;
}

static void clusterer_release(struct clusterer *c)
{
    table_release(&c->keys);
    free(c->evidence);
    free(c->pairs);
    free(c->parent);
}

/* ---- assembling the result ---- */

struct set_memory {
    struct arena strings;
    struct cg_cluster_member *members;
    struct cg_cluster_member *all_members;
    struct cg_cluster_evidence *evidence;
};

void cg_cluster_set_free(struct cg_cluster_set *set)
{
    struct set_memory *mem;

    if (!set)
        return;
    mem = set->memory;
    if (mem) {
        arena_release(&mem->strings);
        free(mem->members);
        free(mem->all_members);
        free(mem->evidence);
        free(mem);
    }
    free(set->clusters);
    free(set);
}

static int compare_members(const void *a, const void *b)
{
    return strcmp(((const struct cg_cluster_member *)a)->id,
                  ((const struct cg_cluster_member *)b)->id);
}

static int compare_evidence(const void *a, const void *b)
{
    const struct cg_cluster_evidence *x = a;
    const struct cg_cluster_evidence *y = b;

    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return strcmp(x->identity, y->identity);
}

static int compare_clusters(const void *a, const void *b)
{
    const struct cg_cluster *x = a;
    const struct cg_cluster *y = b;

    if (x->n_members != y->n_members)
        return x->n_members > y->n_members ? -1 : 1;
    return strcmp(x->id, y->id);
}

/*
 * Sets the cluster's confidence, its anchor (the strongest evidence kind
 * and the least identity of that kind, which seeds the grouping id) and
 * the id itself.
 */
static enum cg_err finish_cluster(struct cg_cluster *cl)
{
    bool present[CG_KEY__COUNT] = {false};
    const struct cg_cluster_evidence *anchor = &cl->evidence[0];
    json_t *seed;
    enum cg_err rc;

    qsort(cl->members, cl->n_members, sizeof(*cl->members), compare_members);
    qsort(cl->evidence, cl->n_evidence, sizeof(*cl->evidence),
          compare_evidence);
    for (size_t i = 0; i < cl->n_evidence; i++) {
        const struct cg_cluster_evidence *e = &cl->evidence[i];

        present[e->kind] = true;
        if (e->kind < anchor->kind ||
            (e->kind == anchor->kind &&
             strcmp(e->identity, anchor->identity) < 0))
            anchor = e;
    }
    cl->confidence = cg_cluster_confidence(present);
    cl->anchor_kind = cg_cluster_key_name(anchor->kind);
    cl->anchor_value = anchor->identity;
    seed = json_pack("{ss ss}", "kind", cl->anchor_kind, "value",
                     cl->anchor_value);
    rc = seed ? cg_stix_id_seeded("grouping", seed, cl->id) : CG_ERR_NOMEM;
    json_decref(seed);
    return rc;
}

/* Numbers the clusters of at least min_size members; returns how many. */
static size_t number_clusters(struct clusterer *c, long min_size,
                              uint32_t *size, uint32_t *index)
{
    size_t count = 0;

    memset(size, 0, c->n_members * sizeof(*size));
    for (size_t i = 0; i < c->n_members; i++)
        size[find_root(c->parent, (uint32_t)i)]++;
    for (size_t i = 0; i < c->n_members; i++) {
        index[i] = UINT32_MAX;
        if (c->parent[i] == i && size[i] >= (uint32_t)min_size)
            index[i] = (uint32_t)count++;
    }
    return count;
}

static bool evidence_kept(const struct evidence_entry *e,
                          const struct cg_cluster_opts *o)
{
    return !shared_too_widely(e->kind, e->count, o);
}

/* Counts the members and the evidence of each cluster. */
static void count_contents(struct clusterer *c, struct cg_cluster_set *set,
                           const uint32_t *index,
                           const struct cg_cluster_opts *o, size_t *members,
                           size_t *evidence)
{
    *members = *evidence = 0;
    for (size_t i = 0; i < c->n_members; i++) {
        uint32_t k = index[find_root(c->parent, (uint32_t)i)];

        if (k != UINT32_MAX) {
            set->clusters[k].n_members++;
            (*members)++;
        }
    }
    for (size_t i = 0; i < c->n_evidence; i++) {
        uint32_t k = index[find_root(c->parent, c->evidence[i].first)];

        if (k != UINT32_MAX && evidence_kept(&c->evidence[i], o)) {
            set->clusters[k].n_evidence++;
            (*evidence)++;
        }
    }
}

/* Places members and evidence into their clusters. */
static enum cg_err fill_clusters(struct clusterer *c,
                                 struct cg_cluster_set *set,
                                 struct set_memory *mem, const uint32_t *index,
                                 const struct cg_cluster_opts *o)
{
    size_t n_members;
    size_t n_evidence;

    count_contents(c, set, index, o, &n_members, &n_evidence);
    mem->members = malloc((n_members ? n_members : 1) * sizeof(*mem->members));
    mem->evidence =
        malloc((n_evidence ? n_evidence : 1) * sizeof(*mem->evidence));
    if (!mem->members || !mem->evidence)
        return CG_ERR_NOMEM;
    n_members = n_evidence = 0;
    for (size_t k = 0; k < set->count; k++) {
        struct cg_cluster *cl = &set->clusters[k];

        cl->members = mem->members + n_members;
        cl->evidence = mem->evidence + n_evidence;
        n_members += cl->n_members;
        n_evidence += cl->n_evidence;
        cl->n_members = cl->n_evidence = 0;
    }
    for (size_t i = 0; i < c->n_members; i++) {
        uint32_t k = index[find_root(c->parent, (uint32_t)i)];

        if (k != UINT32_MAX)
            set->clusters[k].members[set->clusters[k].n_members++] =
                c->members[i];
    }
    for (size_t i = 0; i < c->n_evidence; i++) {
        const struct evidence_entry *e = &c->evidence[i];
        uint32_t k = index[find_root(c->parent, e->first)];
        struct cg_cluster *cl;

        if (k == UINT32_MAX || !evidence_kept(e, o))
            continue;
        cl = &set->clusters[k];
        cl->evidence[cl->n_evidence++] = (struct cg_cluster_evidence){
            e->kind, e->display, e->identity, e->object_id, (long)e->count};
    }
    return CG_OK;
}

static enum cg_err assemble(struct clusterer *c,
                            const struct cg_cluster_opts *o,
                            struct cg_cluster_set *set, struct set_memory *mem)
{
    size_t n = c->n_members ? c->n_members : 1;
    uint32_t *size = malloc(n * sizeof(*size));
    uint32_t *index = malloc(n * sizeof(*index));
    enum cg_err rc = CG_ERR_NOMEM;

    if (!size || !index)
        goto out;
    set->count = number_clusters(c, o->min_size, size, index);
    set->clusters = calloc(set->count ? set->count : 1, sizeof(*set->clusters));
    if (!set->clusters)
        goto out;
    rc = fill_clusters(c, set, mem, index, o);
    for (size_t k = 0; rc == CG_OK && k < set->count; k++)
        rc = finish_cluster(&set->clusters[k]);
    if (rc == CG_OK)
        qsort(set->clusters, set->count, sizeof(*set->clusters),
              compare_clusters);
out:
    free(size);
    free(index);
    return rc;
}

enum cg_err cg_cluster_find(struct cg_store *store,
                            const struct cg_cluster_opts *opts,
                            struct cg_cluster_set **out, struct cg_error *err)
{
    struct cg_cluster_opts o = *opts;
    struct clusterer c = {0};
    struct cg_cluster_set *set = calloc(1, sizeof(*set));
    struct set_memory *mem = calloc(1, sizeof(*mem));
    enum cg_err rc;

    *out = NULL;
    if (o.min_size < 2)
        o.min_size = 2;
    if (!set || !mem) {
        free(set);
        free(mem);
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    set->memory = mem;
    rc = read_members(&c, store, err);
    if (rc == CG_OK)
        rc = unite(&c, &o, &set->shared_ignored);
    if (rc == CG_OK)
        rc = assemble(&c, &o, set, mem);
    set->candidates = (long)c.n_members;
    mem->strings = c.strings;
    mem->all_members = c.members;
    clusterer_release(&c);
    if (rc != CG_OK) {
        cg_cluster_set_free(set);
        return rc == CG_ERR_NOMEM
                   ? cg_error_set(err, rc, "out of memory while clustering")
                   : rc;
    }
    *out = set;
    return CG_OK;
}

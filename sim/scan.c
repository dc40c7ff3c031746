/*
 * The scan table. Entries are linked into three structures under one mutex.
 * A hash table finds them by id, a list in insertion order drives eviction,
 * and per-query lists (newest first) serve the report listing and the
 * "still scanning" check.
 */
#include "scan.h"

#include "rng.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS 16384 /* a power of two */
#define HOUR    ((int64_t)3600)
#define DAY     ((int64_t)86400)

/* Ids of reports that predate this run lie in [FIRST_OLD_ID, FIRST_NEW_ID).
 * Scans started now count up from FIRST_NEW_ID, so newer ids are larger. */
#define FIRST_OLD_ID 100000000LL
#define FIRST_NEW_ID 1000000001LL

/* How far the eviction scan looks for a finished entry before it gives up
 * and evicts the oldest entry, running or not. */
#define EVICTION_LOOKAHEAD 64

struct query_record;

struct scan_entry {
    long long id;
    char lite_id[CG_SIM_LITE_ID_SIZE];
    char *url;
    struct query_record *query; /* full scans only */
    int64_t created;
    int polls;
    int outcome;
    bool finished;
    struct scan_entry *bucket_next;
    struct scan_entry *age_prev; /* toward older */
    struct scan_entry *age_next; /* toward newer */
    struct scan_entry *query_prev;
    struct scan_entry *query_next;
};

struct query_record {
    char *canonical;
    struct scan_entry *newest;  /* head of the per-query list */
    struct scan_entry *running; /* the unfinished full scan, or NULL */
    struct query_record *bucket_next;
};

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct scan_entry *id_buckets[BUCKETS];
static struct query_record *query_buckets[BUCKETS];
static struct scan_entry *oldest;
static struct scan_entry *newest;
static size_t stored;
static size_t running_full;
static long long next_id = FIRST_NEW_ID;
static unsigned long long lite_sequence;

static bool starts_with(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

static bool ends_with(const char *text, const char *suffix)
{
    size_t len = strlen(text);
    size_t suffix_len = strlen(suffix);

    return len >= suffix_len && strcmp(text + len - suffix_len, suffix) == 0;
}

int cg_sim_scan_outcome(const char *host)
{
    if (starts_with(host, "scanfail."))
        return CG_SIM_SCAN_FAILED;
    if (starts_with(host, "nxdomain.") || ends_with(host, ".invalid"))
        return CG_SIM_SCAN_NO_DOMAIN;
    return CG_SIM_SCAN_DONE;
}

static size_t id_bucket(long long id, const char *lite_id)
{
    if (lite_id && lite_id[0])
        return cg_sim_hash("scan", lite_id) & (BUCKETS - 1);
    return (size_t)((unsigned long long)id * 0x9e3779b97f4a7c15ULL >> 50) &
           (BUCKETS - 1);
}

static size_t query_bucket(const char *canonical)
{
    return cg_sim_hash("query", canonical) & (BUCKETS - 1);
}

static struct scan_entry *find_entry(long long id, const char *lite_id)
{
    struct scan_entry *e = id_buckets[id_bucket(id, lite_id)];

    for (; e; e = e->bucket_next) {
        if (lite_id ? strcmp(e->lite_id, lite_id) == 0
                    : (e->id == id && e->lite_id[0] == '\0'))
            return e;
    }
    return NULL;
}

static struct query_record *find_query(const char *canonical, bool create)
{
    size_t bucket = query_bucket(canonical);
    struct query_record *q = query_buckets[bucket];

    for (; q; q = q->bucket_next) {
        if (strcmp(q->canonical, canonical) == 0)
            return q;
    }
    if (!create)
        return NULL;
    q = calloc(1, sizeof(*q));
    if (!q)
        return NULL;
    q->canonical = strdup(canonical);
    if (!q->canonical) {
        free(q);
        return NULL;
    }
    q->bucket_next = query_buckets[bucket];
    query_buckets[bucket] = q;
    return q;
}

static void drop_query_if_empty(struct query_record *q)
{
    struct query_record **link;

    if (q->newest || q->running)
        return;
    for (link = &query_buckets[query_bucket(q->canonical)]; *link;
         link = &(*link)->bucket_next) {
        if (*link == q) {
            *link = q->bucket_next;
            break;
        }
    }
    free(q->canonical);
    free(q);
}

static void unlink_entry(struct scan_entry *e)
{
    struct scan_entry **link =
        &id_buckets[id_bucket(e->id, e->lite_id[0] ? e->lite_id : NULL)];

    for (; *link; link = &(*link)->bucket_next) {
        if (*link == e) {
            *link = e->bucket_next;
            break;
        }
    }
    if (e->age_prev)
        e->age_prev->age_next = e->age_next;
    else
        oldest = e->age_next;
    if (e->age_next)
        e->age_next->age_prev = e->age_prev;
    else
        newest = e->age_prev;
    if (e->query) {
        if (e->query_prev)
            e->query_prev->query_next = e->query_next;
        else
            e->query->newest = e->query_next;
        if (e->query_next)
            e->query_next->query_prev = e->query_prev;
        if (e->query->running == e) {
            e->query->running = NULL;
            running_full--;
        }
        drop_query_if_empty(e->query);
    }
    stored--;
    free(e->url);
    free(e);
}

static void evict_if_full(void)
{
    struct scan_entry *victim;
    int looked = 0;

    if (stored < CG_SIM_SCANS_MAX)
        return;
    for (victim = oldest; victim && looked < EVICTION_LOOKAHEAD;
         victim = victim->age_next, looked++) {
        if (victim->finished)
            break;
    }
    if (!victim || !victim->finished)
        victim = oldest;
    if (victim)
        unlink_entry(victim);
}

/*
 * Creates an entry and links it everywhere except into a query list. The
 * caller runs evict_if_full() first, before it looks up any query record,
 * because eviction may free a record that loses its last entry.
 */
static struct scan_entry *insert_entry(long long id, const char *lite_id,
                                       const char *url, int64_t created,
                                       int outcome)
{
    struct scan_entry *e;
    size_t bucket;

    e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    e->url = strdup(url);
    if (!e->url) {
        free(e);
        return NULL;
    }
    e->id = id;
    if (lite_id)
        snprintf(e->lite_id, sizeof(e->lite_id), "%s", lite_id);
    e->created = created;
    e->outcome = outcome;
    bucket = id_bucket(id, lite_id);
    e->bucket_next = id_buckets[bucket];
    id_buckets[bucket] = e;
    e->age_prev = newest;
    if (newest)
        newest->age_next = e;
    else
        oldest = e;
    newest = e;
    stored++;
    return e;
}

static void link_query_head(struct query_record *q, struct scan_entry *e)
{
    e->query = q;
    e->query_next = q->newest;
    if (q->newest)
        q->newest->query_prev = e;
    q->newest = e;
}

static void link_query_tail(struct query_record *q, struct scan_entry *e)
{
    struct scan_entry *last = q->newest;

    e->query = q;
    if (!last) {
        q->newest = e;
        return;
    }
    while (last->query_next)
        last = last->query_next;
    last->query_next = e;
    e->query_prev = last;
}

enum cg_sim_scan_start cg_sim_scan_start(const struct cg_sim_target *target,
                                         int64_t now, long long *id)
{
    struct query_record *q;
    struct scan_entry *e;
    enum cg_sim_scan_start result = CG_SIM_SCAN_NOMEM;

    pthread_mutex_lock(&table_lock);
    evict_if_full();
    q = find_query(target->canonical, true);
    if (!q)
        goto out;
    if (q->running) {
        result = CG_SIM_SCAN_BUSY;
        goto out;
    }
    e = insert_entry(next_id, NULL, target->url, now,
                     cg_sim_scan_outcome(target->host));
    if (!e) {
        drop_query_if_empty(q);
        goto out;
    }
    *id = next_id++;
    link_query_head(q, e);
    q->running = e;
    running_full++;
    result = CG_SIM_SCAN_STARTED;
out:
    pthread_mutex_unlock(&table_lock);
    return result;
}

/* Advances e by one poll. The caller holds the lock. */
static int advance(struct scan_entry *e, int polls_needed)
{
    if (e->finished)
        return e->outcome;
    e->polls++;
    if (e->polls <= polls_needed)
        return e->polls * 100 / (polls_needed + 1);
    e->finished = true;
    if (e->query && e->query->running == e) {
        e->query->running = NULL;
        running_full--;
    }
    return e->outcome;
}

static bool copy_info(const struct scan_entry *e, struct cg_sim_scan_info *info)
{
    memset(info, 0, sizeof(*info));
    info->url = strdup(e->url);
    if (!info->url)
        return false;
    info->id = e->id;
    snprintf(info->lite_id, sizeof(info->lite_id), "%s", e->lite_id);
    info->created = e->created;
    info->finished = e->finished;
    info->outcome = e->outcome;
    return true;
}

bool cg_sim_scan_poll(long long id, int polls_needed, int *percentage)
{
    struct scan_entry *e;

    pthread_mutex_lock(&table_lock);
    e = find_entry(id, NULL);
    if (e)
        *percentage = advance(e, polls_needed);
    pthread_mutex_unlock(&table_lock);
    return e != NULL;
}

bool cg_sim_scan_get(long long id, struct cg_sim_scan_info *info)
{
    struct scan_entry *e;
    bool copied = false;

    pthread_mutex_lock(&table_lock);
    e = find_entry(id, NULL);
    if (e)
        copied = copy_info(e, info);
    pthread_mutex_unlock(&table_lock);
    return copied;
}

enum cg_sim_scan_start cg_sim_lite_start(const struct cg_sim_target *target,
                                         int64_t now,
                                         char lite_id[CG_SIM_LITE_ID_SIZE])
{
    struct cg_sim_rng rng;
    char label[48];
    struct scan_entry *e;

    pthread_mutex_lock(&table_lock);
    evict_if_full();
    /* The id depends on the query and on how many lite scans came before,
     * so repeated runs of the same request sequence give the same ids. */
    snprintf(label, sizeof(label), "lite.%llu", ++lite_sequence);
    cg_sim_rng_seed(&rng, label, target->canonical);
    do {
        cg_sim_rng_hex(&rng, lite_id, CG_SIM_LITE_ID_SIZE - 1, false);
    } while (find_entry(0, lite_id));
    e = insert_entry(0, lite_id, target->url, now,
                     cg_sim_scan_outcome(target->host));
    pthread_mutex_unlock(&table_lock);
    return e ? CG_SIM_SCAN_STARTED : CG_SIM_SCAN_NOMEM;
}

bool cg_sim_lite_poll(const char *lite_id, int polls_needed, int *percentage)
{
    struct scan_entry *e;

    pthread_mutex_lock(&table_lock);
    e = find_entry(0, lite_id);
    if (e)
        *percentage = advance(e, polls_needed);
    pthread_mutex_unlock(&table_lock);
    return e != NULL;
}

bool cg_sim_lite_get(const char *lite_id, struct cg_sim_scan_info *info)
{
    struct scan_entry *e;
    bool copied = false;

    pthread_mutex_lock(&table_lock);
    e = find_entry(0, lite_id);
    if (e)
        copied = copy_info(e, info);
    pthread_mutex_unlock(&table_lock);
    return copied;
}

/*
 * Decides whether the query has a report from before this run. The id and
 * age come from the query's hash. The age is counted from the start of the
 * current hour, so repeated listings agree within the hour.
 */
static bool old_report(const struct cg_sim_target *target, int64_t now,
                       long long *id, int64_t *created)
{
    uint64_t h = cg_sim_hash("history", target->canonical);
    int64_t days = 1 + (int64_t)((h >> 40) % 20);

    if ((h & 1) || cg_sim_scan_outcome(target->host) != CG_SIM_SCAN_DONE)
        return false;
    *id = FIRST_OLD_ID +
          (long long)((h >> 8) % (FIRST_NEW_ID - 1 - FIRST_OLD_ID));
    *created = now - now % HOUR - days * DAY - (int64_t)((h >> 20) % HOUR);
    return true;
}

/* Registers the query's older report unless it is already listed. */
static void register_old_report(const struct cg_sim_target *target, int64_t now,
                                struct query_record *q)
{
    long long id;
    int64_t created;
    struct scan_entry *e;

    if (!old_report(target, now, &id, &created))
        return;
    for (e = q->newest; e; e = e->query_next) {
        if (e->id < FIRST_NEW_ID)
            return;
    }
    /* Two queries can hash to one id, so probe upward for a free one. */
    for (int probe = 0; probe < 16 && find_entry(id, NULL); probe++)
        id = id + 1 < FIRST_NEW_ID ? id + 1 : FIRST_OLD_ID;
    if (find_entry(id, NULL))
        return;
    e = insert_entry(id, NULL, target->url, created, CG_SIM_SCAN_DONE);
    if (!e)
        return;
    e->finished = true;
    link_query_tail(q, e);
}

size_t cg_sim_scan_list(const struct cg_sim_target *target, int64_t now,
                        struct cg_sim_scan_info **out)
{
    struct query_record *q;
    struct scan_entry *e;
    size_t count = 0;
    size_t filled = 0;

    *out = NULL;
    pthread_mutex_lock(&table_lock);
    evict_if_full();
    q = find_query(target->canonical, true);
    if (!q)
        goto out;
    register_old_report(target, now, q);
    for (e = q->newest; e; e = e->query_next)
        count += e->finished && e->outcome == CG_SIM_SCAN_DONE;
    if (count == 0) {
        drop_query_if_empty(q);
        goto out;
    }
    *out = calloc(count, sizeof(**out));
    if (!*out)
        goto out;
    for (e = q->newest; e && filled < count; e = e->query_next) {
        if (e->finished && e->outcome == CG_SIM_SCAN_DONE &&
            copy_info(e, &(*out)[filled]))
            filled++;
    }
out:
    pthread_mutex_unlock(&table_lock);
    if (*out && filled == 0) {
        free(*out);
        *out = NULL;
    }
    return filled;
}

void cg_sim_scan_info_release(struct cg_sim_scan_info *info)
{
    free(info->url);
    info->url = NULL;
}

void cg_sim_scan_infos_free(struct cg_sim_scan_info *infos, size_t count)
{
    for (size_t i = 0; i < count; i++)
        cg_sim_scan_info_release(&infos[i]);
    free(infos);
}

void cg_sim_scan_counts(size_t *stored_out, size_t *running_out)
{
    pthread_mutex_lock(&table_lock);
    *stored_out = stored;
    *running_out = running_full;
    pthread_mutex_unlock(&table_lock);
}

void cg_sim_scans_release(void)
{
    pthread_mutex_lock(&table_lock);
    while (oldest)
        unlink_entry(oldest);
    pthread_mutex_unlock(&table_lock);
}

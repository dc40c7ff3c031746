/*
 * The facts of one cluster member, read from the graph as evidence keys.
 * They are its registered domain (libpsl), the addresses its host resolves
 * to and their /24 or /48, the AS of those addresses with the domain's
 * registrar and creation week, its certificates, favicon hashes and JARM
 * fingerprints.
 */
#include "graph/cluster_internal.h"

#include <arpa/inet.h>
#include <libpsl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "input/indicator.h"

/*
 * Hosting platforms treated as private-section suffixes, checked before
 * libpsl: Webflow's site domains, which the public suffix list added in
 * 2024 but Debian 12's copy (publicsuffix 20230209) lacks, and site
 * builders that give every customer a subdomain of one registered domain
 * but are not in the list at all.
 */
static const char *const extra_private_suffixes[] = {
    "webflow.io", "webflowtest.io",                      /* in the list */
    "godaddysites.com", "weebly.com", "mystrikingly.com" /* site builders */
};

/* A JARM of all zeros means the server sent no response to any probe. */
static const char jarm_none[] =
    "00000000000000000000000000000000000000000000000000000000000000";

static pthread_once_t psl_once = PTHREAD_ONCE_INIT;
static psl_ctx_t *psl_loaded;

/* psl_latest reads the newer of the list built into libpsl and the
 * publicsuffix package's /usr/share/publicsuffix list. */
static void load_psl(void)
{
    psl_loaded = psl_latest(NULL);
}

static const psl_ctx_t *suffix_list(void)
{
    pthread_once(&psl_once, load_psl);
    return psl_loaded ? psl_loaded : psl_builtin();
}

/* Applies extra_private_suffixes; returns true when one matched. */
static bool extra_registered(const char *host, char *out, size_t size,
                             bool *platform, bool *found)
{
    size_t len = strlen(host);

    for (size_t i = 0; i < CG_ARRAY_LEN(extra_private_suffixes); i++) {
        const char *suffix = extra_private_suffixes[i];
        size_t n = strlen(suffix);
        const char *label;

        if (len <= n + 1 || host[len - n - 1] != '.' ||
            strcmp(host + len - n, suffix) != 0) {
            if (strcmp(host, suffix) == 0) {
                *found = false;
                return true;
            }
            continue;
        }
        label = host + len - n - 1;
        while (label > host && label[-1] != '.')
            label--;
        snprintf(out, size, "%s", label);
        *platform = true;
        *found = true;
        return true;
    }
    return false;
}

bool cg_cluster_registered_domain(const char *host,
                                  char out[CG_CLUSTER_HOST_SIZE],
                                  bool *platform)
{
    const psl_ctx_t *psl = suffix_list();
    const char *registered;
    const char *suffix;
    bool found = false;

    *platform = false;
    out[0] = '\0';
    if (!host || !*host || strlen(host) >= CG_CLUSTER_HOST_SIZE)
        return false;
    if (extra_registered(host, out, CG_CLUSTER_HOST_SIZE, platform, &found))
        return found;
    registered = psl ? psl_registrable_domain(psl, host) : NULL;
    if (!registered)
        return false;
    snprintf(out, CG_CLUSTER_HOST_SIZE, "%s", registered);
    suffix = strchr(registered, '.');
    *platform = suffix &&
                psl_is_public_suffix2(psl, suffix + 1,
                                      PSL_TYPE_PRIVATE | PSL_TYPE_NO_STAR_RULE);
    return true;
}

bool cg_cluster__iso_week(const char *timestamp, char out[16])
{
    int64_t t;
    int64_t days;
    int weekday;
    char thursday[CG_TIME_TEXT_SIZE];
    int64_t jan1;
    char year[8];

    if (!timestamp || !cg_time_parse(timestamp, &t))
        return false;
    days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    weekday = (int)(((days + 3) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
    /* ISO 8601: a week belongs to the year of its Thursday. */
    cg_time_format((days - weekday + 3) * 86400, thursday);
    snprintf(year, sizeof(year), "%.4s", thursday);
    snprintf(thursday + 4, sizeof(thursday) - 4, "-01-01T00:00:00Z");
    if (!cg_time_parse(thursday, &jan1))
        return false;
    snprintf(out, 16, "%s-W%02d", year,
             (int)(((days - weekday + 3) - jan1 / 86400) / 7 + 1));
    return true;
}

enum reader_stmt { R_FACTS, R_IPS, R_ASN, R_CERTS, R__COUNT };

static const char *const reader_sql[R__COUNT] = {
    [R_FACTS] = "SELECT json_extract(body, '$.x_criminalip_registrar'), "
                "json_extract(body, '$.x_criminalip_created'), "
                "json_extract(body, '$.x_criminalip_jarm'), "
                "json_extract(body, '$.x_criminalip_favicon_hashes'), "
                "json_extract(body, '$.x_criminalip_jarm_hashes') "
                "FROM objects WHERE id = ?1",
    [R_IPS] = "SELECT o.id, o.name FROM edges e JOIN objects o "
              "ON o.id = e.target WHERE e.source = ?1 "
              "AND e.type = 'resolves-to' "
              "AND o.type IN ('ipv4-addr', 'ipv6-addr') LIMIT 32",
    [R_ASN] = "SELECT o.id, o.name FROM edges e JOIN objects o "
              "ON o.id = e.target WHERE e.source = ?1 "
              "AND e.type = 'belongs-to' AND o.type = 'autonomous-system' "
              "LIMIT 4",
    [R_CERTS] = "SELECT o.id, o.name, json_extract(o.body, '$.subject') "
                "FROM edges e JOIN objects o "
                "ON o.id = e.target WHERE e.source = ?1 "
                "AND e.type = 'related-to' AND o.type = 'x509-certificate' "
                "LIMIT 32",
};

struct cg_cluster_reader {
    struct cg_store *store;
    sqlite3_stmt *stmts[R__COUNT];
};

enum cg_err cg_cluster__reader_open(struct cg_store *store,
                                    struct cg_cluster_reader **out,
                                    struct cg_error *err)
{
    struct cg_cluster_reader *r = calloc(1, sizeof(*r));

    *out = NULL;
    if (!r)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    r->store = store;
    for (int i = 0; i < R__COUNT; i++) {
        if (sqlite3_prepare_v3(cg_store_db(store), reader_sql[i], -1,
                               SQLITE_PREPARE_PERSISTENT, &r->stmts[i],
                               NULL) != SQLITE_OK) {
            enum cg_err rc = cg_error_set(
                err, CG_ERR_DB, "preparing the cluster lookups failed: %s",
                sqlite3_errmsg(cg_store_db(store)));

            cg_cluster__reader_close(r);
            return rc;
        }
    }
    *out = r;
    return CG_OK;
}

void cg_cluster__reader_close(struct cg_cluster_reader *reader)
{
    if (!reader)
        return;
    for (int i = 0; i < R__COUNT; i++)
        sqlite3_finalize(reader->stmts[i]);
    free(reader);
}

/* The facts one member contributes, collected before its keys are sent. */
struct member_facts {
    char host[CG_CLUSTER_HOST_SIZE]; /* domain host, or "" */
    char ip_host[CG_IP_TEXT_SIZE];   /* IP member or URL on an IP, or "" */
    bool platform;
    json_t *registrar; /* JSON strings or arrays read with R_FACTS */
    json_t *created;
    json_t *jarms;
    json_t *favicons;
};

static void facts_release(struct member_facts *f)
{
    json_decref(f->registrar);
    json_decref(f->created);
    json_decref(f->jarms);
    json_decref(f->favicons);
}

/* Reads a JSON-typed or text column as a jansson value. */
static json_t *column_json(sqlite3_stmt *stmt, int col)
{
    const char *text = (const char *)sqlite3_column_text(stmt, col);
    json_error_t jerr;

    if (!text)
        return NULL;
    if (sqlite3_column_type(stmt, col) == SQLITE_TEXT &&
        (text[0] == '[' || text[0] == '{'))
        return json_loads(text, 0, &jerr);
    return json_string(text);
}

/* Reads the registrar, creation time and fingerprints stored on id. */
static enum cg_err read_facts(struct cg_cluster_reader *r, const char *id,
                              struct member_facts *f, struct cg_error *err)
{
    sqlite3_stmt *stmt = r->stmts[R_FACTS];
    int step;

    sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
    step = sqlite3_step(stmt);
    if (step == SQLITE_ROW) {
        json_t *hashes = column_json(stmt, 4);
        json_t *jarm = column_json(stmt, 2);

        f->registrar = column_json(stmt, 0);
        f->created = column_json(stmt, 1);
        f->jarms = json_array();
        if (jarm)
            json_array_append_new(f->jarms, jarm);
        if (json_is_array(hashes))
            json_array_extend(f->jarms, hashes);
        json_decref(hashes);
        f->favicons = column_json(stmt, 3);
    }
    sqlite3_reset(stmt);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return cg_error_set(err, CG_ERR_DB, "reading '%s' failed: %s", id,
                            sqlite3_errmsg(cg_store_db(r->store)));
    return CG_OK;
}

/* Runs a lookup by source id and returns its rows as [id, name, extra]
 * arrays in a new JSON array. extra is the third column or "". */
static enum cg_err lookup_pairs(struct cg_cluster_reader *r,
                                enum reader_stmt which, const char *source,
                                json_t **out, struct cg_error *err)
{
    sqlite3_stmt *stmt = r->stmts[which];
    int step;

    *out = json_array();
    if (!*out)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    sqlite3_bind_text(stmt, 1, source, -1, SQLITE_TRANSIENT);
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(stmt, 0);
        const char *name = (const char *)sqlite3_column_text(stmt, 1);

        const char *extra = sqlite3_column_count(stmt) > 2
                                ? (const char *)sqlite3_column_text(stmt, 2)
                                : NULL;

        if (id && name)
            json_array_append_new(
                *out, json_pack("[sss]", id, name, extra ? extra : ""));
    }
    sqlite3_reset(stmt);
    if (step != SQLITE_DONE)
        return cg_error_set(err, CG_ERR_DB, "reading the graph failed: %s",
                            sqlite3_errmsg(cg_store_db(r->store)));
    return CG_OK;
}

/* Writes the /24 (IPv4) or /48 (IPv6) block that holds ip. */
static bool ip_prefix(const char *ip, char out[CG_IP_TEXT_SIZE + 4])
{
    unsigned char bytes[16];
    char text[INET6_ADDRSTRLEN];
    bool v6 = strchr(ip, ':') != NULL;

    if (inet_pton(v6 ? AF_INET6 : AF_INET, ip, bytes) != 1)
        return false;
    memset(bytes + (v6 ? 6 : 3), 0, v6 ? 10 : 1);
    if (!inet_ntop(v6 ? AF_INET6 : AF_INET, bytes, text, sizeof(text)))
        return false;
    snprintf(out, CG_IP_TEXT_SIZE + 4, "%s/%s", text, v6 ? "48" : "24");
    return true;
}

struct key_sink {
    cg_cluster_key_fn fn;
    void *data;
};

static enum cg_err emit(const struct key_sink *sink, enum cg_cluster_key kind,
                        const char *identity, const char *display,
                        const char *object_id)
{
    if (!identity || !*identity)
        return CG_OK;
    return sink->fn(sink->data, kind, identity, display ? display : identity,
                    object_id);
}

/* Keys of one resolving IP: the address, its block and, with the domain's
 * registrar and creation week, its AS. */
static enum cg_err ip_keys(struct cg_cluster_reader *r,
                           const struct member_facts *f, const char *ip_id,
                           const char *ip, const struct key_sink *sink,
                           struct cg_error *err)
{
    char prefix[CG_IP_TEXT_SIZE + 4];
    char week[16];
    const char *registrar = json_string_value(f->registrar);
    json_t *asns = NULL;
    size_t i;
    json_t *as;
    enum cg_err rc = emit(sink, CG_KEY_IP, ip, ip, ip_id);

    if (rc == CG_OK && ip_prefix(ip, prefix))
        rc = emit(sink, CG_KEY_PREFIX, prefix, prefix, NULL);
    if (rc != CG_OK || !registrar ||
        !cg_cluster__iso_week(json_string_value(f->created), week))
        return rc;
    rc = lookup_pairs(r, R_ASN, ip_id, &asns, err);
    json_array_foreach(asns, i, as) {
        char key[512];
        char display[512];
        const char *asn = json_string_value(json_array_get(as, 1));

        if (rc != CG_OK)
            break;
        snprintf(key, sizeof(key), "%s|%s|%s", asn, registrar, week);
        snprintf(display, sizeof(display), "%s, %s, week %s", asn, registrar,
                 week);
        rc = emit(sink, CG_KEY_AS_REGISTRAR_WEEK, key, display,
                  json_string_value(json_array_get(as, 0)));
    }
    json_decref(asns);
    return rc;
}

/* Reads the common name of a subject such as "C=US, O=Example,
 * CN=www.example.com" into out; false when there is none. */
static bool subject_cn(const char *subject, char *out, size_t size)
{
    const char *cn = subject ? strstr(subject, "CN=") : NULL;
    size_t len;

    while (cn && cn != subject && cn[-1] != ' ' && cn[-1] != ',' &&
           cn[-1] != '/')
        cn = strstr(cn + 3, "CN=");
    if (!cn)
        return false;
    cn += 3;
    len = strcspn(cn, ",/");
    if (len == 0 || len >= size)
        return false;
    memcpy(out, cn, len);
    out[len] = '\0';
    return true;
}

/*
 * True when a domain member's host owns the certificate: its common name
 * is the host, a wildcard over it, or a name under the same registered
 * domain. Domain reports also list the certificates of every third-party
 * host the page loads (fonts, CDNs), which do not identify the owner.
 */
static bool certificate_owned(const struct member_facts *f, const char *subject)
{
    char cn[CG_CLUSTER_HOST_SIZE];
    char registered[CG_CLUSTER_HOST_SIZE];
    char own[CG_CLUSTER_HOST_SIZE];
    const char *name;
    bool platform;

    if (!*f->host)
        return true;
    if (!subject_cn(subject, cn, sizeof(cn)))
        return false;
    name = strncmp(cn, "*.", 2) == 0 ? cn + 2 : cn;
    if (strcmp(name, f->host) == 0)
        return true;
    return cg_cluster_registered_domain(name, registered, &platform) &&
           cg_cluster_registered_domain(f->host, own, &platform) &&
           strcmp(registered, own) == 0;
}

/* Keys of the infrastructure the member's owner runs: addresses,
 * certificates and JARM fingerprints. */
static enum cg_err infrastructure_keys(struct cg_cluster_reader *r,
                                       const struct member_facts *f,
                                       const char *subject_id,
                                       const struct key_sink *sink,
                                       struct cg_error *err)
{
    json_t *ips = NULL;
    json_t *certs = NULL;
    enum cg_err rc = CG_OK;
    size_t i;
    json_t *pair;

    if (*f->ip_host) {
        char ip_id[CG_STIX_ID_SIZE];

        rc = cg_stix_id_value(strchr(f->ip_host, ':') ? "ipv6-addr"
                                                      : "ipv4-addr",
                              f->ip_host, ip_id);
        ips = json_pack("[[ss]]", ip_id, f->ip_host);
    } else {
        rc = lookup_pairs(r, R_IPS, subject_id, &ips, err);
    }
    json_array_foreach(ips, i, pair) {
        if (rc == CG_OK)
            rc = ip_keys(r, f, json_string_value(json_array_get(pair, 0)),
                         json_string_value(json_array_get(pair, 1)), sink, err);
    }
    if (rc == CG_OK)
        rc = lookup_pairs(r, R_CERTS, subject_id, &certs, err);
    json_array_foreach(certs, i, pair) {
        const char *cert_id = json_string_value(json_array_get(pair, 0));

        if (rc == CG_OK &&
            certificate_owned(f, json_string_value(json_array_get(pair, 2))))
            rc = emit(sink, CG_KEY_CERTIFICATE, cert_id,
                      json_string_value(json_array_get(pair, 1)), cert_id);
    }
    json_array_foreach(f->jarms, i, pair) {
        const char *jarm = json_string_value(pair);

        if (rc == CG_OK && jarm && strcmp(jarm, jarm_none) != 0 &&
            i < CG_CLUSTER_MAX_FACTS)
            rc = emit(sink, CG_KEY_JARM, jarm, jarm, NULL);
    }
    json_decref(ips);
    json_decref(certs);
    return rc;
}

/* Finds the member's host: a domain, or an address for IPs and URLs on
 * an address. */
static void member_host(const char *type, const char *value,
                        struct member_facts *f)
{
    struct cg_parse_opts opts = {.allow_private = true};
    struct cg_indicator ind = {0};

    if (strcmp(type, "domain-name") == 0) {
        snprintf(f->host, sizeof(f->host), "%s", value);
    } else if (strcmp(type, "url") == 0) {
        if (cg_indicator_parse(value, strlen(value), &opts, &ind, NULL) ==
            CG_OK) {
            if (ind.host_kind == CG_KIND_DOMAIN)
                snprintf(f->host, sizeof(f->host), "%s", ind.host);
            else
                snprintf(f->ip_host, sizeof(f->ip_host), "%s", ind.host);
        }
        cg_indicator_release(&ind);
    } else {
        snprintf(f->ip_host, sizeof(f->ip_host), "%s", value);
    }
}

enum cg_err cg_cluster__member_keys(struct cg_cluster_reader *r, const char *id,
                                    const char *type, const char *value,
                                    cg_cluster_key_fn fn, void *data,
                                    struct cg_error *err)
{
    struct key_sink sink = {fn, data};
    struct member_facts f = {0};
    char registered[CG_CLUSTER_HOST_SIZE];
    char subject[CG_STIX_ID_SIZE];
    enum cg_err rc = CG_OK;
    size_t i;
    json_t *hash;

    member_host(type, value, &f);
    if (*f.host) {
        if (cg_cluster_registered_domain(f.host, registered, &f.platform))
            rc = emit(&sink, CG_KEY_REGISTERED_DOMAIN, registered, registered,
                      NULL);
        if (rc == CG_OK)
            rc = cg_stix_id_value("domain-name", f.host, subject);
    } else if (*f.ip_host) {
        snprintf(subject, sizeof(subject), "%s", id);
        if (strcmp(type, "url") == 0)
            rc = cg_stix_id_value(strchr(f.ip_host, ':') ? "ipv6-addr"
                                                         : "ipv4-addr",
                                  f.ip_host, subject);
    } else {
        return CG_OK;
    }
    if (rc == CG_OK)
        rc = read_facts(r, subject, &f, err);
    if (rc == CG_OK && !f.platform)
        rc = infrastructure_keys(r, &f, subject, &sink, err);
    json_array_foreach(f.favicons, i, hash) {
        if (rc == CG_OK && i < CG_CLUSTER_MAX_FACTS)
            rc = emit(&sink, CG_KEY_FAVICON, json_string_value(hash), NULL,
                      NULL);
    }
    facts_release(&f);
    return rc;
}

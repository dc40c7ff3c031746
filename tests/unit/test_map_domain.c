/*
 * Tests for the Criminal IP domain-report mapping: the recorded full and
 * lite reports (from tests/data and, when present, the shared sample
 * folder), a hand-written v1 report, URL and IP-host indicators, null-heavy
 * and hostile reports, the phishing rule and pattern escaping. Expected
 * ids were computed independently with Python's uuid5 over the canonical
 * JSON, as pycti does. When CG_BUNDLE_DIR is set, every bundle is written
 * there for stix-validate.
 */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
/* clang-format on */

#include "core/json.h"
#include "stix/bundle.h"
#include "stix/map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* 2024-07-24T07:14:23Z, the time of the recorded full report. */
#define NOW     1721805263
#define SCAN_ID 14341560

#define ID_GOOGLE "domain-name--dd686e37-6889-53bd-8ae1-b1a503452613"
#define ID_GOOGLE_URL \
    "url--a9da4899-dd83-5f0b-8cb6-18d5a9938cec" /* http://google.com/ */
#define ID_GOOGLE_IP  "ipv4-addr--df9c2a4e-64fa-5f48-9af2-e7ee70c3c5bc"
#define ID_GOOGLE_IP6 "ipv6-addr--a7399310-38a9-53f6-8d9f-c00d1ba2b56d"
#define ID_AS15169    "autonomous-system--7afc7bdf-d070-5add-90ff-f93503b1654d"
#define ID_US         "location--e79b4cf1-a256-5efa-bc74-c94c7c7ffde0"
#define ID_AU         "location--6004efb1-d850-551c-af0d-4717244377a8"
#define ID_T1566      "attack-pattern--51baabe8-15cb-555e-83e2-b1fdf388bbc2"
#define ID_T1656      "attack-pattern--94032155-389a-51fc-ad6d-8c1d9f0edd67"
#define ID_IND_GOOGLE "indicator--b25e035d-8e92-5724-91c9-28cf91cacfbf"
#define ID_NOTE_GOOG  "note--4150cd5c-3069-5bf8-befe-1cc8ff605489"
#define ID_IND_ESC    "indicator--2c1201b6-157d-5d13-84d8-2ab3b0a470fd"
#define ID_SMTP       "domain-name--5328c429-54e7-567c-8739-056ad6ae140c"
#define ID_CERT       "x509-certificate--1ab0612b-5c8f-5e15-bc1d-fcc8bbd19e71"
#define ID_HOP1       "url--a9da4899-dd83-5f0b-8cb6-18d5a9938cec"
#define ID_HOP2       "url--c35d641f-52c2-567e-aec0-b7dbb7f7d2b7"
#define ID_URL_A      "url--a0604dbe-13e4-5cb7-b9a5-b338817bad55"
#define ID_IND_URL_A  "indicator--2c39f502-3af4-57e1-8e39-6b2510745315"
#define ID_GWS        "software--3b4c2268-abb8-524b-a876-53eee9c24c6d"
#define ID_NAVER      "domain-name--d3c44502-0350-5d5c-ada3-112d22c20e09"
#define ID_NAVER_IP   "ipv4-addr--2f07c836-2db1-5cf3-97c4-3859794f57aa"
#define ID_AKAMAI_IP  "ipv4-addr--fd74afda-c0e2-5684-ad7b-4a83282ab50c"
#define ID_NAVER_MX1  "domain-name--e2370b53-818c-56c3-af4e-4aae2524eaa0"
#define ID_NAVER_NS1  "domain-name--eb816a3f-e8ea-53c0-bd28-036d5d722ede"
#define ID_V1_DOMAIN  "domain-name--50413e9e-09df-546b-bf07-2e72821a493c"
#define ID_V1_URL     "url--6e535b2d-4b90-5c0d-8ab7-e0447da84b0d"
#define ID_V1_IND     "indicator--152ebf87-175a-56c3-bcd5-856ae8f64e04"
#define ID_AS15133    "autonomous-system--40a40e3b-4362-5017-adf9-d6926e78e3f8"
#define ID_V1_IP      "ipv4-addr--e9778aa6-5cd6-5a44-a746-7d375d1db1e0"

struct fixture {
    struct cg_stix_ctx ctx;
    struct cg_map_opts opts;
    struct cg_bundle bundle;
    struct cg_summary summary;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    if (!f || cg_stix_ctx_init(&f->ctx, CG_TLP_AMBER, NOW) != CG_OK)
        return -1;
    f->opts.ctx = &f->ctx;
    f->opts.phishing_threshold = CG_PHISHING_THRESHOLD_DEFAULT;
    cg_bundle_init(&f->bundle);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    cg_bundle_release(&f->bundle);
    free(f);
    return 0;
}

/* Returns a new string "<source dir>/<relative>" (free with free()). */
static char *source_path(const char *relative)
{
    const char *root = getenv("CG_SOURCE_DIR");
    char here[4096];
    char *path;
    size_t size;

    if (!root || !*root) {
        char *cut;

        snprintf(here, sizeof(here), "%s", __FILE__);
        cut = strstr(here, "/tests/unit/");
        if (cut)
            *cut = '\0';
        else
            snprintf(here, sizeof(here), ".");
        root = here;
    }
    size = strlen(root) + strlen(relative) + 2;
    path = malloc(size);
    if (path)
        snprintf(path, size, "%s/%s", root, relative);
    return path;
}

/* Returns the shared sample folder, or NULL when it is missing. */
static char *shared_samples(void)
{
    const char *shared = getenv("CG_SHARED_DIR");
    char *path;
    struct stat st;

    if (shared && *shared) {
        size_t size = strlen(shared) + 32;

        path = malloc(size);
        if (path)
            snprintf(path, size, "%s/criminalip/samples", shared);
    } else {
        path = source_path("../shared/criminalip/samples");
    }
    if (path && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return path;
    free(path);
    return NULL;
}

static json_t *load_file(const char *path)
{
    FILE *file = fopen(path, "rb");
    char *text = NULL;
    long size;
    json_t *json = NULL;

    if (!file)
        return NULL;
    if (fseek(file, 0, SEEK_END) == 0 && (size = ftell(file)) >= 0 &&
        fseek(file, 0, SEEK_SET) == 0 && (text = malloc((size_t)size + 1)) &&
        fread(text, 1, (size_t)size, file) == (size_t)size) {
        if (cg_json_parse(text, (size_t)size, 0, &json, NULL) != CG_OK)
            json = NULL;
    }
    free(text);
    fclose(file);
    return json;
}

static json_t *load_data(const char *name)
{
    char relative[256];
    char *path;
    json_t *json;

    snprintf(relative, sizeof(relative), "tests/data/criminalip/%s", name);
    path = source_path(relative);
    json = path ? load_file(path) : NULL;
    free(path);
    return json;
}

static json_t *parse(const char *text)
{
    json_t *json = NULL;

    assert_int_equal(cg_json_parse(text, strlen(text), 0, &json, NULL), CG_OK);
    return json;
}

/* Prunes (expecting nothing to remove), sorts and writes the bundle to
 * $CG_BUNDLE_DIR/map_domain-<name>.json when that variable is set. */
static void finish(struct fixture *f, const char *name)
{
    const char *dir = getenv("CG_BUNDLE_DIR");
    char path[4096];
    FILE *out;

    assert_int_equal(cg_bundle_prune(&f->bundle), 0);
    cg_bundle_sort(&f->bundle);
    if (!dir || !*dir)
        return;
    snprintf(path, sizeof(path), "%s/map_domain-%s.json", dir, name);
    out = fopen(path, "w");
    assert_non_null(out);
    assert_int_equal(cg_bundle_write(&f->bundle, out), CG_OK);
    assert_int_equal(fclose(out), 0);
}

static json_t *get(const struct fixture *f, const char *id)
{
    return cg_bundle_get(&f->bundle, id);
}

static bool has_relationship(const struct fixture *f, const char *type,
                             const char *source, const char *target)
{
    char id[CG_STIX_ID_SIZE];

    assert_int_equal(cg_stix_id_relationship(type, source, target, id), CG_OK);
    return get(f, id) != NULL;
}

static bool has_label(const json_t *obj, const char *label)
{
    json_t *labels = json_object_get(obj, "x_opencti_labels");
    size_t i;
    json_t *item;

    if (!labels)
        labels = json_object_get(obj, "labels");
    json_array_foreach(labels, i, item) {
        if (strcmp(json_string_value(item), label) == 0)
            return true;
    }
    return false;
}

static bool has_reference(const json_t *obj, const char *url)
{
    json_t *refs = json_object_get(obj, "x_opencti_external_references");
    size_t i;
    json_t *ref;

    if (!refs)
        refs = json_object_get(obj, "external_references");
    json_array_foreach(refs, i, ref) {
        const char *text = json_string_value(json_object_get(ref, "url"));

        if (text && strcmp(text, url) == 0)
            return true;
    }
    return false;
}

static size_t count_type(const struct fixture *f, const char *type)
{
    size_t count = 0;
    size_t i;
    json_t *obj;

    json_array_foreach(f->bundle.objects, i, obj) {
        if (strcmp(cg_stix_get_type(obj), type) == 0)
            count++;
    }
    return count;
}

static const char *text_of(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));

    return s ? s : "";
}

static int score_of(const json_t *obj)
{
    return (int)json_integer_value(json_object_get(obj, "x_opencti_score"));
}

static json_t *first_of_type(const struct fixture *f, const char *type)
{
    size_t i;
    json_t *obj;

    json_array_foreach(f->bundle.objects, i, obj) {
        if (strcmp(cg_stix_get_type(obj), type) == 0)
            return obj;
    }
    return NULL;
}

/* A hand-built indicator: its strings live in the struct. */
struct test_indicator {
    char value[512];
    char host[256];
    struct cg_indicator ind;
};

static void make_indicator(struct test_indicator *t, enum cg_kind kind,
                           const char *value, const char *host,
                           enum cg_kind host_kind)
{
    memset(t, 0, sizeof(*t));
    snprintf(t->value, sizeof(t->value), "%s", value);
    snprintf(t->host, sizeof(t->host), "%s", host);
    t->ind.kind = kind;
    t->ind.value = t->value;
    t->ind.display = t->value;
    t->ind.host = t->host;
    t->ind.host_kind = host_kind;
    t->ind.port = -1;
    t->ind.prefix = -1;
}

static enum cg_err map_domain(struct fixture *f, const char *domain,
                              const json_t *data, long long scan_id)
{
    struct test_indicator t;

    make_indicator(&t, CG_KIND_DOMAIN, domain, domain, CG_KIND_NONE);
    return cg_map_domain_report(&f->bundle, &t.ind, data, scan_id, &f->opts,
                                &f->summary, NULL);
}

static enum cg_err map_url(struct fixture *f, const char *url, const char *host,
                           enum cg_kind host_kind, const json_t *data)
{
    struct test_indicator t;

    make_indicator(&t, CG_KIND_URL, url, host, host_kind);
    return cg_map_domain_report(&f->bundle, &t.ind, data, -1, &f->opts,
                                &f->summary, NULL);
}

/* Loads a sample and returns its "data" object (a new reference). */
static json_t *load_report(const char *name)
{
    json_t *body = load_data(name);
    json_t *data = json_incref(json_object_get(body, "data"));

    json_decref(body);
    assert_non_null(data);
    return data;
}

static const char *relationship_description(const struct fixture *f,
                                            const char *type,
                                            const char *source,
                                            const char *target)
{
    char id[CG_STIX_ID_SIZE];

    assert_int_equal(cg_stix_id_relationship(type, source, target, id), CG_OK);
    return text_of(get(f, id), "description");
}

static void test_full_report_objects(void **state)
{
    struct fixture *f = *state;
    json_t *data = load_report("domain_report_v2.json");
    json_t *domain;

    assert_int_equal(map_domain(f, "google.com", data, SCAN_ID), CG_OK);
    domain = get(f, ID_GOOGLE);
    assert_non_null(domain);
    assert_true(has_reference(domain, "https://www.criminalip.io/domain/"
                                      "report?scan_id=14341560"));
    /* Domain score "low" is 30 on the outbound table, and the probability
     * rounds to 1. */
    assert_int_equal(score_of(domain), 30);
    assert_non_null(get(f, ID_GOOGLE_URL));
    assert_false(has_reference(get(f, ID_GOOGLE_URL),
                               "https://www.criminalip.io/domain/"
                               "report?scan_id=14341560"));
    assert_true(has_relationship(f, "related-to", ID_GOOGLE_URL, ID_GOOGLE));
    assert_true(has_relationship(f, "resolves-to", ID_GOOGLE, ID_GOOGLE_IP));
    assert_true(has_relationship(f, "resolves-to", ID_GOOGLE, ID_GOOGLE_IP6));
    assert_non_null(get(f, ID_AS15169));
    assert_true(has_relationship(f, "belongs-to", ID_GOOGLE_IP, ID_AS15169));
    assert_true(has_relationship(f, "located-at", ID_GOOGLE_IP, ID_US));
    assert_true(has_relationship(f, "related-to", ID_GOOGLE_URL, ID_US));
    assert_int_equal(f->summary.asn, 15169);
    assert_string_equal(f->summary.as_name, "GOOGLE");
    assert_string_equal(f->summary.country, "US");
    assert_int_equal(f->summary.open_ports, -1);
    assert_int_equal(f->summary.cve_count, 0);
    assert_string_equal(f->summary.inbound, "");
    finish(f, "full-objects");
    json_decref(data);
}

static void test_full_report_indicator(void **state)
{
    struct fixture *f = *state;
    json_t *data = load_report("domain_report_v2.json");
    json_t *ind;

    assert_int_equal(map_domain(f, "google.com", data, SCAN_ID), CG_OK);
    /* phishing_record 1 triggers the indicator although the probability
     * is 1.15%, so it is kept out of detection. */
    ind = get(f, ID_IND_GOOGLE);
    assert_non_null(ind);
    assert_string_equal(text_of(ind, "pattern"),
                        "[domain-name:value = 'google.com']");
    assert_string_equal(text_of(ind, "x_opencti_main_observable_type"),
                        "Domain-Name");
    assert_int_equal(score_of(ind), 1);
    assert_int_equal(json_integer_value(json_object_get(ind, "confidence")), 1);
    assert_true(json_is_false(json_object_get(ind, "x_opencti_detection")));
    assert_true(has_label(ind, "phishing"));
    assert_true(has_label(get(f, ID_GOOGLE), "phishing"));
    assert_false(has_label(ind, "impersonation"));
    assert_true(has_relationship(f, "based-on", ID_IND_GOOGLE, ID_GOOGLE));
    assert_true(has_relationship(f, "indicates", ID_IND_GOOGLE, ID_T1566));
    assert_null(get(f, ID_T1656));
    assert_true(f->summary.malicious);
    assert_true(f->summary.phishing_prob > 1.14 &&
                f->summary.phishing_prob < 1.16);
    finish(f, "full-indicator");
    json_decref(data);
}

static void test_full_report_depth(void **state)
{
    struct fixture *f = *state;
    json_t *data = load_report("domain_report_v2.json");
    json_t *domain;
    const char *content;

    assert_int_equal(map_domain(f, "google.com", data, SCAN_ID), CG_OK);
    domain = get(f, ID_GOOGLE);
    assert_string_equal(text_of(domain, "x_criminalip_jarm"),
                        "27d40d40d29d40d1dc42d43d00041d4689ee210389f4f6b4b5b1"
                        "b93f92252d");
    assert_string_equal(text_of(domain, "x_criminalip_registrar"),
                        "MarkMonitor Inc.");
    assert_string_equal(text_of(domain, "x_criminalip_created"),
                        "1997-09-15T00:00:00.000Z");
    assert_non_null(get(f, ID_CERT));
    assert_string_equal(text_of(get(f, ID_CERT), "validity_not_after"),
                        "2024-09-16T07:42:55.000Z");
    assert_true(has_relationship(f, "related-to", ID_GOOGLE, ID_CERT));
    assert_string_equal(
        relationship_description(f, "related-to", ID_HOP1, ID_HOP2),
        "redirect hop 1 \xe2\x86\x92 2 (HTTP 301)");
    assert_string_equal(
        relationship_description(f, "related-to", ID_GOOGLE, ID_SMTP),
        "MX record");
    assert_non_null(get(f, ID_GWS));
    assert_true(has_relationship(f, "related-to", ID_GOOGLE_URL, ID_GWS));
    assert_non_null(get(f, ID_NOTE_GOOG));
    content = text_of(get(f, ID_NOTE_GOOG), "content");
    assert_non_null(strstr(content, "| Report shape | full |"));
    assert_non_null(strstr(content, "## DNS records"));
    assert_non_null(strstr(content, "## Redirect chain 1"));
    assert_non_null(strstr(content, "| NS | ` ns1.google.com. ` |"));
    finish(f, "full-depth");
    json_decref(data);
}

static void test_url_indicator(void **state)
{
    struct fixture *f = *state;
    json_t *data = load_report("domain_report_v2.json");
    json_t *note;

    assert_int_equal(
        map_url(f, "http://google.com/a", "google.com", CG_KIND_DOMAIN, data),
        CG_OK);
    assert_non_null(get(f, ID_URL_A));
    assert_true(has_reference(get(f, ID_URL_A),
                              "https://www.criminalip.io/asset/search?query="
                              "http%3A%2F%2Fgoogle.com%2Fa"));
    assert_false(has_reference(get(f, ID_GOOGLE),
                               "https://www.criminalip.io/asset/search?query="
                               "http%3A%2F%2Fgoogle.com%2Fa"));
    assert_true(has_label(get(f, ID_URL_A), "phishing"));
    assert_non_null(get(f, ID_IND_URL_A));
    assert_string_equal(
        text_of(get(f, ID_IND_URL_A), "x_opencti_main_observable_type"), "Url");
    assert_true(has_relationship(f, "related-to", ID_URL_A, ID_GOOGLE));
    assert_true(has_relationship(f, "based-on", ID_IND_URL_A, ID_URL_A));
    /* The inserted URL belongs to domain inputs only. Its normalised form,
     * http://google.com/, is also a redirect hop of this report, so only
     * the subject's link to it is checked. */
    assert_false(has_relationship(f, "related-to", ID_GOOGLE_URL, ID_URL_A));
    note = first_of_type(f, "note");
    assert_string_equal(json_string_value(json_array_get(
                            json_object_get(note, "object_refs"), 0)),
                        ID_URL_A);
    finish(f, "url-indicator");
    json_decref(data);
}

static void test_lite_report(void **state)
{
    struct fixture *f = *state;
    json_t *data = load_report("domain_lite_report.json");

    assert_int_equal(map_domain(f, "www.naver.com", data, -1), CG_OK);
    assert_non_null(get(f, ID_NAVER));
    /* "20% (Safe)" is 10 on the outbound table, and 0.1% rounds to 0. */
    assert_int_equal(score_of(get(f, ID_NAVER)), 10);
    assert_true(has_relationship(f, "resolves-to", ID_NAVER, ID_NAVER_IP));
    assert_true(has_relationship(f, "resolves-to", ID_NAVER, ID_AKAMAI_IP));
    assert_true(has_relationship(f, "located-at", ID_AKAMAI_IP, ID_AU));
    assert_true(has_relationship(f, "related-to", ID_NAVER, ID_NAVER_MX1));
    assert_true(has_relationship(f, "related-to", ID_NAVER, ID_NAVER_NS1));
    assert_int_equal(count_type(f, "ipv4-addr"), 5);
    assert_int_equal(count_type(f, "indicator"), 0);
    assert_false(f->summary.malicious);
    assert_int_equal(f->summary.score, 10);
    assert_true(f->summary.phishing_prob > 0.09 &&
                f->summary.phishing_prob < 0.11);
    assert_non_null(strstr(text_of(get(f, ID_NAVER), "x_opencti_description"),
                           "domain score Safe (20%)"));
    finish(f, "lite");
    json_decref(data);
}

static void test_v1_report(void **state)
{
    struct fixture *f = *state;
    json_t *data = load_report("domain_report_v1.json");
    static const char *const labels[] = {
        "phishing",      "credential-harvesting", "fake-domain",
        "punycode",      "favicon-mismatch",      "impersonation",
        "newborn-domain"};
    json_t *domain;
    json_t *ind;

    assert_int_equal(map_domain(f, "login-examp1e.com", data, 7), CG_OK);
    domain = get(f, ID_V1_DOMAIN);
    assert_non_null(domain);
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
        assert_true(has_label(domain, labels[i]));
    assert_false(has_label(domain, "dga"));
    /* max(round(52.46), Dangerous 80) */
    assert_int_equal(score_of(domain), 80);
    ind = get(f, ID_V1_IND);
    assert_non_null(ind);
    assert_int_equal(score_of(ind), 52);
    assert_true(json_is_true(json_object_get(ind, "x_opencti_detection")));
    assert_true(has_label(ind, "impersonation"));
    assert_true(has_relationship(f, "indicates", ID_V1_IND, ID_T1566));
    assert_true(has_relationship(f, "indicates", ID_V1_IND, ID_T1656));
    assert_string_equal(
        json_string_value(json_array_get(
            json_object_get(domain, "x_criminalip_favicon_hashes"), 0)),
        "-1234567890");
    assert_true(has_relationship(f, "belongs-to", ID_V1_IP, ID_AS15133));
    assert_true(has_relationship(f, "related-to", ID_V1_URL, ID_V1_DOMAIN));
    assert_int_equal(f->summary.cve_count, 1);
    assert_non_null(strstr(text_of(first_of_type(f, "note"), "content"),
                           "| Report shape | v1 |"));
    finish(f, "v1");
    json_decref(data);
}

static void test_v1_dns_records(void **state)
{
    struct fixture *f = *state;
    json_t *data = load_report("domain_report_v1.json");
    char cname[CG_STIX_ID_SIZE];
    char mx[CG_STIX_ID_SIZE];
    char ns[CG_STIX_ID_SIZE];

    assert_int_equal(map_domain(f, "login-examp1e.com", data, 7), CG_OK);
    assert_int_equal(
        cg_stix_id_value("domain-name", "cdn.login-examp1e.net", cname), CG_OK);
    assert_int_equal(
        cg_stix_id_value("domain-name", "mail.login-examp1e.com", mx), CG_OK);
    assert_int_equal(
        cg_stix_id_value("domain-name", "ns1.parking-example.net", ns), CG_OK);
    assert_true(has_relationship(f, "resolves-to", ID_V1_DOMAIN, cname));
    assert_true(has_relationship(f, "related-to", ID_V1_DOMAIN, mx));
    assert_true(has_relationship(f, "related-to", ID_V1_DOMAIN, ns));
    assert_string_equal(
        relationship_description(f, "related-to", ID_V1_DOMAIN, ns),
        "NS record");
    finish(f, "v1-dns");
    json_decref(data);
}

static void test_inserted_url_other_host(void **state)
{
    struct fixture *f = *state;
    json_t *data = parse("{\"main_domain_info\":{\"inserted_url\":"
                         "\"http://other.example.org/x\"}}");

    assert_int_equal(map_domain(f, "google.com", data, -1), CG_OK);
    assert_int_equal(count_type(f, "url"), 0);
    json_decref(data);
    data = parse("{\"main_domain_info\":{\"inserted_url\":"
                 "\"HTTP://Google.com\"}}");
    assert_int_equal(map_domain(f, "google.com", data, -1), CG_OK);
    assert_non_null(get(f, ID_GOOGLE_URL));
    assert_true(has_relationship(f, "related-to", ID_GOOGLE_URL, ID_GOOGLE));
    finish(f, "inserted-url-host");
    json_decref(data);
}

static void test_pattern_escaping(void **state)
{
    struct fixture *f = *state;
    json_t *data = parse("{\"summary\":{\"url_phishing_prob\":91.5}}");
    json_t *ind;

    assert_int_equal(map_url(f, "http://example.com/a'b\\c", "example.com",
                             CG_KIND_DOMAIN, data),
                     CG_OK);
    ind = get(f, ID_IND_ESC);
    assert_non_null(ind);
    assert_string_equal(text_of(ind, "pattern"),
                        "[url:value = 'http://example.com/a\\'b\\\\c']");
    assert_int_equal(score_of(ind), 92);
    assert_true(json_is_true(json_object_get(ind, "x_opencti_detection")));
    finish(f, "pattern-escaping");
    json_decref(data);
}

static void test_missing_probability(void **state)
{
    struct fixture *f = *state;
    json_t *data = parse("{\"summary\":{\"phishing_record\":\"2\","
                         "\"url_phishing_prob\":null}}");
    json_t *ind;

    assert_int_equal(map_domain(f, "google.com", data, -1), CG_OK);
    ind = get(f, ID_IND_GOOGLE);
    assert_non_null(ind);
    assert_int_equal(score_of(ind), 70);
    assert_non_null(strstr(text_of(ind, "description"), "default"));
    assert_non_null(
        strstr(text_of(ind, "description"), "Phishing records: 2."));
    assert_true(f->summary.malicious);
    assert_true(f->summary.phishing_prob < 0);
    assert_int_equal(score_of(get(f, ID_GOOGLE)), 0);
    finish(f, "missing-probability");
    json_decref(data);
}

static void test_null_heavy(void **state)
{
    struct fixture *f = *state;
    json_t *data = parse(
        "{\"summary\":null,\"main_domain_info\":null,\"domain_score\":null,"
        "\"dns_record\":{\"dns_record_type_a\":null,\"dns_record_type_mx\":"
        "[null,[null]],\"dns_record_type_ns\":[null,7]},"
        "\"mapped_ip\":[null,{\"ip\":null}],\"certificates\":null,"
        "\"main_certificate\":{\"subject\":null},"
        "\"page_redirections\":[[null,{\"url\":null}]],"
        "\"technologies\":[{\"name\":null,\"vulner\":null}],"
        "\"connected_domain_subdomain\":[{\"main_domain\":null,"
        "\"subdomains\":null}],\"html_page_link_domains\":[{\"domain\":null,"
        "\"mapped_ips\":null}],\"file_exposure\":{\"git_config\":null},"
        "\"network_logs\":null,\"connected_ip_info\":[{\"ip\":null,"
        "\"asn\":null}],\"detected_program\":null}");

    assert_int_equal(map_domain(f, "google.com", data, -1), CG_OK);
    assert_non_null(get(f, ID_GOOGLE));
    /* Neither a probability nor a score word: no score at all. */
    assert_null(json_object_get(get(f, ID_GOOGLE), "x_opencti_score"));
    assert_non_null(get(f, ID_NOTE_GOOG));
    assert_int_equal(count_type(f, "relationship"), 0);
    assert_int_equal(cg_bundle_size(&f->bundle), 4);
    assert_false(f->summary.malicious);
    assert_true(f->summary.phishing_prob < 0);
    assert_int_equal(f->summary.score, -1);
    finish(f, "null-heavy");
    json_decref(data);
}

static void test_strings_as_values(void **state)
{
    struct fixture *f = *state;
    json_t *data = parse(
        "{\"summary\":{\"url_phishing_prob\":\"25\",\"fake_https_url\":"
        "\"true\",\"suspicious_file\":\"1\",\"dga_score\":\"9.5\","
        "\"cred_input\":\"Safe\",\"diff_domain_favicon\":\"None\"},"
        "\"file_exposure\":{\"git_config\":\"True\",\"ds_store\":\"false\"},"
        "\"main_domain_info\":{\"domain_score\":{\"score\":\"CRITICAL\"}}}");
    static const char *const labels[] = {
        "phishing",        "fake-https", "impersonation",
        "suspicious-file", "dga",        "file-exposure-git-config"};
    json_t *domain;

    assert_int_equal(map_domain(f, "google.com", data, -1), CG_OK);
    domain = get(f, ID_GOOGLE);
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
        assert_true(has_label(domain, labels[i]));
    assert_false(has_label(domain, "file-exposure-ds-store"));
    assert_false(has_label(domain, "favicon-mismatch"));
    assert_false(has_label(domain, "credential-harvesting"));
    assert_int_equal(score_of(domain), 95);
    assert_int_equal(score_of(get(f, ID_IND_GOOGLE)), 25);
    assert_true(has_relationship(f, "indicates", ID_IND_GOOGLE, ID_T1656));
    finish(f, "strings-as-values");
    json_decref(data);
}

static void test_empty_and_invalid(void **state)
{
    struct fixture *f = *state;
    json_t *empty = parse("{}");
    json_t *array = parse("[]");
    json_t *envelope = load_data("domain_lite_report.json");
    struct test_indicator cidr;
    struct cg_error err;

    assert_int_equal(map_domain(f, "google.com", empty, -1), CG_OK);
    assert_non_null(get(f, ID_GOOGLE));
    assert_int_equal(map_domain(f, "google.com", array, -1),
                     CG_ERR_API_PROTOCOL);
    assert_int_equal(map_domain(f, "google.com", NULL, -1),
                     CG_ERR_API_PROTOCOL);
    make_indicator(&cidr, CG_KIND_CIDR, "1.1.1.0/24", "1.1.1.0/24",
                   CG_KIND_NONE);
    assert_int_equal(cg_map_domain_report(&f->bundle, &cidr.ind, empty, -1,
                                          &f->opts, &f->summary, &err),
                     CG_ERR_INVALID);
    /* The whole envelope is read through its "data" object. */
    assert_non_null(envelope);
    assert_int_equal(map_domain(f, "www.naver.com", envelope, -1), CG_OK);
    assert_true(has_relationship(f, "resolves-to", ID_NAVER, ID_NAVER_IP));
    finish(f, "empty-and-invalid");
    json_decref(empty);
    json_decref(array);
    json_decref(envelope);
}

/* A report listing 10,000 linked domains and 10,000 A records, some of
 * them private, invalid or wildcards. */
static json_t *hostile_report(void)
{
    json_t *links = json_array();
    json_t *ipv4 = json_array();
    static const char *const bad[] = {"999.1.1.1", "10.0.0.1", "192.168.0.1",
                                      "127.0.0.1", "not an address"};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        json_array_append_new(ipv4, json_string(bad[i]));
    json_array_append_new(links, json_pack("{ss}", "domain", "not a domain!"));
    for (int i = 0; i < 10000; i++) {
        char text[64];

        snprintf(text, sizeof(text), "host-%d.example.net", i);
        json_array_append_new(links, json_pack("{ss}", "domain", text));
        snprintf(text, sizeof(text), "8.%d.%d.%d", i / 65536 % 256,
                 i / 256 % 256, i % 256 + 1 > 255 ? 1 : i % 256 + 1);
        json_array_append_new(ipv4, json_string(text));
    }
    return json_pack("{so s{s{so}}}", "html_page_link_domains", links,
                     "dns_record", "dns_record_type_a", "ipv4", ipv4);
}

static void test_hostile_caps(void **state)
{
    struct fixture *f = *state;
    json_t *data = hostile_report();
    char id[CG_STIX_ID_SIZE];
    json_t *truncated;

    assert_non_null(data);
    assert_int_equal(map_domain(f, "google.com", data, -1), CG_OK);
    assert_true(count_type(f, "domain-name") <= 1 + 200);
    assert_true(count_type(f, "ipv4-addr") <= 200);
    assert_true(count_type(f, "ipv4-addr") >= 190);
    assert_int_equal(cg_stix_id_value("ipv4-addr", "10.0.0.1", id), CG_OK);
    assert_null(get(f, id));
    assert_int_equal(cg_stix_id_value("ipv4-addr", "127.0.0.1", id), CG_OK);
    assert_null(get(f, id));
    truncated = json_object_get(get(f, ID_GOOGLE), "x_criminalip_truncated");
    assert_true(json_array_size(truncated) >= 1);
    assert_non_null(strstr(f->summary.flags, "truncated"));
    finish(f, "hostile-caps");
    json_decref(data);
}

static void test_ip_host_url(void **state)
{
    struct fixture *f = *state;
    json_t *data = parse("{\"summary\":{\"url_phishing_prob\":88},"
                         "\"main_domain_info\":{\"jarm\":\"abc\"}}");
    char url[CG_STIX_ID_SIZE];

    assert_int_equal(map_url(f, "http://93.184.216.34/login", "93.184.216.34",
                             CG_KIND_IPV4, data),
                     CG_OK);
    assert_int_equal(cg_stix_id_value("url", "http://93.184.216.34/login", url),
                     CG_OK);
    assert_true(has_relationship(f, "related-to", url, ID_V1_IP));
    assert_int_equal(count_type(f, "domain-name"), 0);
    assert_int_equal(count_type(f, "indicator"), 1);
    assert_true(has_label(get(f, url), "phishing"));
    assert_null(json_object_get(get(f, ID_V1_IP), "x_criminalip_jarm"));
    finish(f, "ip-host-url");
    json_decref(data);
}

static void test_note_id_stable(void **state)
{
    struct fixture *f = *state;
    json_t *first = load_report("domain_report_v2.json");
    json_t *second = parse("{\"summary\":{\"url_phishing_prob\":3}}");
    struct cg_bundle other;
    struct test_indicator t;
    char *content;

    assert_int_equal(map_domain(f, "google.com", first, SCAN_ID), CG_OK);
    content = strdup(text_of(get(f, ID_NOTE_GOOG), "content"));
    cg_bundle_init(&other);
    make_indicator(&t, CG_KIND_DOMAIN, "google.com", "google.com",
                   CG_KIND_NONE);
    assert_int_equal(
        cg_map_domain_report(&other, &t.ind, second, -1, &f->opts, NULL, NULL),
        CG_OK);
    assert_non_null(cg_bundle_get(&other, ID_NOTE_GOOG));
    assert_string_not_equal(
        text_of(cg_bundle_get(&other, ID_NOTE_GOOG), "content"), content);
    free(content);
    cg_bundle_release(&other);
    finish(f, "note-stable");
    json_decref(first);
    json_decref(second);
}

static void test_shared_samples(void **state)
{
    static const char *const samples[] = {"domain_report_v2.json",
                                          "domain_lite_report.json"};
    static const char *const domains[] = {"google.com", "www.naver.com"};
    struct fixture *f = *state;
    char *dir = shared_samples();

    if (!dir) {
        printf("skipped: recorded samples not found (criminalip/samples "
               "under CG_SHARED_DIR, or ../shared)\n");
        skip();
    }
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        char path[4096];
        char name[64];
        char id[CG_STIX_ID_SIZE];
        json_t *body;

        snprintf(path, sizeof(path), "%s/%s", dir, samples[i]);
        body = load_file(path);
        assert_non_null(body);
        cg_bundle_release(&f->bundle);
        cg_bundle_init(&f->bundle);
        assert_int_equal(
            map_domain(f, domains[i], json_object_get(body, "data"), -1),
            CG_OK);
        assert_int_equal(cg_stix_id_value("domain-name", domains[i], id),
                         CG_OK);
        assert_non_null(get(f, id));
        snprintf(name, sizeof(name), "shared-%zu", i);
        finish(f, name);
        json_decref(body);
    }
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_full_report_objects, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_full_report_indicator, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_full_report_depth, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_url_indicator, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lite_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_v1_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_v1_dns_records, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inserted_url_other_host, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pattern_escaping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_probability, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_null_heavy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strings_as_values, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_empty_and_invalid, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_hostile_caps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ip_host_url, setup, teardown),
        cmocka_unit_test_setup_teardown(test_note_id_stable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shared_samples, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

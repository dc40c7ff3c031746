/*
 * Tests for the Criminal IP IP-report mapping: the recorded samples (from
 * tests/data and, when present, the shared sample folder), hand-written
 * null-heavy, legacy and hostile reports, the score table and the
 * malicious rule. Expected ids were computed independently with Python's
 * uuid5 over the canonical JSON, as pycti does. When CG_BUNDLE_DIR is set,
 * every bundle is written there for stix-validate.
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

/* 2024-07-24T07:14:23Z, the time of the recorded domain report. */
#define NOW 1721805263

#define ID_IP_1111    "ipv4-addr--cbd67181-b9f8-595b-8bc3-3971e34fa1cc"
#define ID_AS8075     "autonomous-system--9ff0b22c-7efc-5c79-91e4-db72d5b02101"
#define ID_AS4766     "autonomous-system--d7b4cb73-7080-52c6-a9a7-6da1aeced326"
#define ID_AS15169    "autonomous-system--7afc7bdf-d070-5add-90ff-f93503b1654d"
#define ID_US         "location--e79b4cf1-a256-5efa-bc74-c94c7c7ffde0"
#define ID_KR         "location--26a13f85-4350-5792-8743-347a8c7960e6"
#define ID_GB         "location--66421b20-2d5d-5586-8703-48da4d727028"
#define ID_SAN_JOSE   "location--36ad5675-387b-5d4d-bd4f-380619a4748d"
#define ID_CALIFORNIA "location--d050b55f-16d4-5ae0-9539-1956ba327713"
#define ID_IND_1111   "indicator--e49c6d75-277b-528f-8f47-40f2a7557c51"
#define ID_NOTE_1111  "note--a1173d80-0aad-51b4-8fdc-8223d52c2479"
#define ID_CVE_23017  "vulnerability--07a46d79-2bbf-57a8-a6f9-f8629c82f0ab"
#define ID_CERT       "x509-certificate--b16bc83b-5f0c-5f21-a462-3747e921a7e5"
#define ID_CLOUDFLARE "domain-name--68bf178a-9809-5abf-9e5e-0feb507dfcd9"
#define ID_NGINX      "software--e8722c9e-2f41-5efa-b3c7-e6d5a3bac604"

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
 * $CG_BUNDLE_DIR/map_ip-<name>.json when that variable is set. */
static void finish(struct fixture *f, const char *name)
{
    const char *dir = getenv("CG_BUNDLE_DIR");
    char path[4096];
    FILE *out;

    assert_int_equal(cg_bundle_prune(&f->bundle), 0);
    cg_bundle_sort(&f->bundle);
    if (!dir || !*dir)
        return;
    snprintf(path, sizeof(path), "%s/map_ip-%s.json", dir, name);
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

static enum cg_err map(struct fixture *f, const char *ip, const json_t *report)
{
    return cg_map_ip_report(&f->bundle, ip, report, &f->opts, &f->summary,
                            NULL);
}

static void test_score_table(void **state)
{
    static const struct {
        const char *inbound;
        const char *outbound;
        int score;
    } cases[] = {
        {NULL, NULL, -1},
        {"Bogus", NULL, -1},
        {"Safe", NULL, 0},
        {"Low", NULL, 15},
        {"Moderate", NULL, 35},
        {"Dangerous", NULL, 60},
        {"Critical", NULL, 75},
        {NULL, "Safe", 10},
        {NULL, "Low", 30},
        {NULL, "Moderate", 55},
        {NULL, "Dangerous", 80},
        {NULL, "Critical", 95},
        {"Critical", "Moderate", 75},
        {"Critical", "Dangerous", 80},
        {"Safe", "Safe", 10},
        {"critical", "LOW", 75},
        {"Bogus", "Low", 30},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(
            cg_score_from_words(cases[i].inbound, cases[i].outbound),
            cases[i].score);
}

static void test_score_word_forms(void **state)
{
    json_t *v;

    (void)state;
    v = json_string(" critical ");
    assert_string_equal(cg_score_word(v), "Critical");
    json_decref(v);
    v = json_string("Moderate");
    assert_string_equal(cg_score_word(v), "Moderate");
    json_decref(v);
    v = json_integer(1);
    assert_string_equal(cg_score_word(v), "Safe");
    json_decref(v);
    v = json_string("5");
    assert_string_equal(cg_score_word(v), "Critical");
    json_decref(v);
    v = json_integer(6);
    assert_null(cg_score_word(v));
    json_decref(v);
    v = json_string("Bad");
    assert_null(cg_score_word(v));
    json_decref(v);
    assert_null(cg_score_word(NULL));
    assert_null(cg_score_word(json_null()));
}

static void test_country_names(void **state)
{
    (void)state;
    assert_string_equal(cg_country_name("us"), "United States of America");
    assert_string_equal(cg_country_name("KR"), "Republic of Korea");
    assert_string_equal(cg_country_name("UK"),
                        "United Kingdom of Great Britain and Northern "
                        "Ireland");
    assert_string_equal(cg_country_name("ci"),
                        "C\xc3\xb4te d\xe2\x80\x99Ivoire");
    assert_string_equal(cg_country_name("AX"), "\xc3\x85land Islands");
    assert_null(cg_country_name("ZZ"));
    assert_null(cg_country_name("EU"));
    assert_null(cg_country_name("USA"));
    assert_null(cg_country_name(""));
    assert_null(cg_country_name(NULL));
}

static void test_ip_sample_objects(void **state)
{
    struct fixture *f = *state;
    json_t *report = load_data("ip_report.json");
    json_t *ip;
    json_t *as;

    assert_non_null(report);
    assert_int_equal(map(f, "1.1.1.1", report), CG_OK);
    ip = get(f, ID_IP_1111);
    assert_non_null(ip);
    assert_int_equal(score_of(ip), 75);
    assert_string_equal(text_of(ip, "x_criminalip_inbound_score"), "Critical");
    assert_string_equal(text_of(ip, "x_criminalip_outbound_score"), "Moderate");
    assert_true(
        has_reference(ip, "https://www.criminalip.io/asset/report/1.1.1.1"));
    as = get(f, ID_AS8075);
    assert_non_null(as);
    assert_string_equal(text_of(as, "name"), "MICROSOFT-CORP-MSN-AS-BLOCK");
    assert_null(json_object_get(as, "x_opencti_external_references"));
    assert_true(has_relationship(f, "belongs-to", ID_IP_1111, ID_AS8075));
    assert_non_null(get(f, ID_US));
    assert_string_equal(text_of(get(f, ID_US), "country"), "US");
    assert_non_null(get(f, ID_SAN_JOSE));
    assert_non_null(get(f, ID_CALIFORNIA));
    assert_true(has_relationship(f, "located-at", ID_IP_1111, ID_US));
    assert_true(has_relationship(f, "located-at", ID_IP_1111, ID_SAN_JOSE));
    assert_true(has_relationship(f, "located-at", ID_SAN_JOSE, ID_US));
    assert_true(has_relationship(f, "located-at", ID_SAN_JOSE, ID_CALIFORNIA));
    assert_false(has_relationship(f, "located-at", ID_US, ID_CALIFORNIA));
    finish(f, "sample-objects");
    json_decref(report);
}

static void test_ip_sample_labels(void **state)
{
    struct fixture *f = *state;
    json_t *report = load_data("ip_report.json");
    static const char *const expected[] = {
        "hosting",   "snort",        "anonymous-vpn",  "cloud-service", "misp",
        "ids-alert", "honeypot-hit", "exposed-webcam", "mobile-carrier"};
    json_t *ip;

    assert_non_null(report);
    assert_int_equal(map(f, "1.1.1.1", report), CG_OK);
    ip = get(f, ID_IP_1111);
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
        assert_true(has_label(ip, expected[i]));
    assert_false(has_label(ip, "vpn"));
    assert_false(has_label(ip, "tor"));
    assert_string_equal(text_of(ip, "x_criminalip_mobile_carrier"),
                        "SKT (3G), SKT (LTE)");
    assert_non_null(strstr(text_of(ip, "x_opencti_description"),
                           "inbound Critical and outbound Moderate"));
    finish(f, "sample-labels");
    json_decref(report);
}

static void test_ip_sample_indicator(void **state)
{
    struct fixture *f = *state;
    json_t *report = load_data("ip_report.json");
    json_t *ind;
    json_t *vuln;

    assert_non_null(report);
    assert_int_equal(map(f, "1.1.1.1", report), CG_OK);
    ind = get(f, ID_IND_1111);
    assert_non_null(ind);
    assert_string_equal(text_of(ind, "pattern"),
                        "[ipv4-addr:value = '1.1.1.1']");
    assert_string_equal(text_of(ind, "name"), "Criminal IP: malicious 1.1.1.1");
    assert_int_equal(score_of(ind), 75);
    assert_int_equal(json_integer_value(json_object_get(ind, "confidence")),
                     75);
    assert_non_null(strstr(text_of(ind, "description"), "category misp"));
    assert_true(has_relationship(f, "based-on", ID_IND_1111, ID_IP_1111));
    assert_true(has_relationship(f, "indicates", ID_IND_1111, ID_CVE_23017));
    vuln = get(f, ID_CVE_23017);
    assert_non_null(vuln);
    assert_true(json_real_value(
                    json_object_get(vuln, "x_opencti_cvss_base_score")) == 9.4);
    assert_string_equal(text_of(vuln, "x_opencti_cvss_attack_vector"),
                        "NETWORK");
    /* The Exploit-DB row names another CVE that the report does not map. */
    assert_false(has_label(vuln, "exploit-db"));
    assert_true(f->summary.malicious);
    finish(f, "sample-indicator");
    json_decref(report);
}

static void test_ip_sample_depth(void **state)
{
    struct fixture *f = *state;
    json_t *report = load_data("ip_report.json");
    json_t *cert;

    assert_non_null(report);
    assert_int_equal(map(f, "1.1.1.1", report), CG_OK);
    cert = get(f, ID_CERT);
    assert_non_null(cert);
    assert_string_equal(text_of(cert, "subject"), "CN=cloudflare-dns.com");
    assert_true(has_relationship(f, "related-to", ID_IP_1111, ID_CERT));
    assert_non_null(get(f, ID_CLOUDFLARE));
    assert_true(has_label(get(f, ID_CLOUDFLARE), "wildcard-certificate"));
    assert_true(has_relationship(f, "related-to", ID_CLOUDFLARE, ID_CERT));
    assert_non_null(get(f, ID_NGINX));
    assert_true(has_relationship(f, "related-to", ID_IP_1111, ID_NGINX));
    /* "ms-wbt-server" with version "Unknown" is a product without one. */
    assert_int_equal(count_type(f, "software"), 3);
    finish(f, "sample-depth");
    json_decref(report);
}

static void test_ip_sample_note(void **state)
{
    struct fixture *f = *state;
    json_t *report = load_data("ip_report.json");
    json_t *note;
    const char *content;

    assert_non_null(report);
    assert_int_equal(map(f, "1.1.1.1", report), CG_OK);
    note = get(f, ID_NOTE_1111);
    assert_non_null(note);
    assert_string_equal(text_of(note, "abstract"),
                        "Criminal IP report for 1.1.1.1");
    assert_string_equal(json_string_value(json_array_get(
                            json_object_get(note, "object_refs"), 0)),
                        ID_IP_1111);
    assert_true(
        has_reference(note, "https://www.criminalip.io/asset/report/1.1.1.1"));
    content = text_of(note, "content");
    assert_non_null(strstr(content, "## Open ports"));
    assert_non_null(strstr(content, "| 3389 | tcp | RDP | ms-wbt-server |"));
    assert_non_null(strstr(content, "## IDS signals"));
    assert_non_null(strstr(content, "## Honeypot hits"));
    assert_non_null(strstr(content, "Feodo Tracker"));
    assert_int_equal(count_type(f, "note"), 1);
    finish(f, "sample-note");
    json_decref(report);
}

static void test_ip_sample_summary(void **state)
{
    struct fixture *f = *state;
    json_t *report = load_data("ip_report.json");
    json_t *json;
    struct cg_summary back;

    assert_non_null(report);
    assert_int_equal(map(f, "1.1.1.1", report), CG_OK);
    assert_string_equal(f->summary.inbound, "Critical");
    assert_string_equal(f->summary.outbound, "Moderate");
    assert_int_equal(f->summary.score, 75);
    assert_int_equal(f->summary.asn, 8075);
    assert_string_equal(f->summary.as_name, "MICROSOFT-CORP-MSN-AS-BLOCK");
    assert_string_equal(f->summary.country, "US");
    assert_int_equal(f->summary.cve_count, 1);
    assert_int_equal(f->summary.open_ports, 1);
    assert_true(f->summary.phishing_prob < 0);
    assert_non_null(strstr(f->summary.flags, "hosting,snort,anonymous-vpn"));
    json = cg_summary_to_json(&f->summary);
    assert_non_null(json);
    assert_true(json_is_null(json_object_get(json, "phishing_prob")));
    cg_summary_from_json(json, &back);
    assert_string_equal(back.flags, f->summary.flags);
    assert_int_equal(back.asn, 8075);
    assert_int_equal(back.score, 75);
    assert_true(back.malicious);
    assert_true(back.phishing_prob < 0);
    json_decref(json);
    finish(f, "sample-summary");
    json_decref(report);
}

static void test_ip_legacy_v1(void **state)
{
    struct fixture *f = *state;
    json_t *report = load_data("ip_data_legacy_v1.json");
    char id[CG_STIX_ID_SIZE];
    json_t *ip;

    assert_non_null(report);
    assert_int_equal(map(f, "203.0.113.78", report), CG_OK);
    assert_int_equal(cg_stix_id_value("ipv4-addr", "203.0.113.78", id), CG_OK);
    ip = get(f, id);
    assert_non_null(ip);
    /* Integer scores 1..5 are Safe..Critical: Safe/Safe scores 10. */
    assert_int_equal(score_of(ip), 10);
    assert_string_equal(f->summary.inbound, "Safe");
    /* The recording lists a NordVPN row but its tags.is_vpn is false. */
    assert_false(has_label(ip, "vpn"));
    assert_false(f->summary.malicious);
    assert_int_equal(count_type(f, "indicator"), 0);
    assert_non_null(get(f, ID_AS4766));
    assert_non_null(get(f, ID_KR));
    /* 443, 89, 90 and 1234 over TCP and 500 over UDP are open. */
    assert_int_equal(f->summary.open_ports, 5);
    assert_int_equal(f->summary.cve_count, 0);
    finish(f, "legacy-v1");
    json_decref(report);
}

static void test_ip_legacy_tags(void **state)
{
    struct fixture *f = *state;
    json_t *report = parse("{\"tags\":{\"is_tor\":true,\"is_vpn\":false},"
                           "\"score\":{\"inbound\":5,\"outbound\":2}}");
    json_t *ip;

    assert_int_equal(map(f, "1.1.1.1", report), CG_OK);
    ip = get(f, ID_IP_1111);
    assert_true(has_label(ip, "tor"));
    assert_false(has_label(ip, "vpn"));
    assert_string_equal(text_of(ip, "x_criminalip_inbound_score"), "Critical");
    assert_string_equal(text_of(ip, "x_criminalip_outbound_score"), "Low");
    assert_int_equal(score_of(ip), 75);
    assert_false(f->summary.malicious);
    finish(f, "legacy-tags");
    json_decref(report);
}

static void test_ip_null_heavy(void **state)
{
    struct fixture *f = *state;
    json_t *report = parse(
        "{\"ip\":null,\"status\":null,"
        "\"issues\":{\"is_vpn\":\"True\",\"is_tor\":\"false\","
        "\"is_scanner\":null,\"is_cloud\":1,\"is_proxy\":\"yes\"},"
        "\"score\":{\"inbound\":\"critical\",\"outbound\":null},"
        "\"whois\":{\"count\":\"1\",\"data\":[{\"as_no\":\"15169\","
        "\"as_name\":null,\"org_country_code\":\"us\",\"city\":null,"
        "\"region\":null,\"latitude\":\"37.4\",\"longitude\":null}]},"
        "\"port\":null,\"vulnerability\":{\"count\":null,\"data\":null},"
        "\"ids\":{\"count\":1,\"data\":[{\"classification\":null,"
        "\"message\":null,\"confirmed_time\":null}]},"
        "\"honeypot\":null,\"domain\":{\"data\":[null,{\"domain\":null}]},"
        "\"hostname\":[],\"protected_ip\":{\"data\":[{\"ip_address\":null}]},"
        "\"ip_category\":{\"data\":[{\"type\":null},null,7]},"
        "\"mobile\":{\"data\":[{\"organization\":null,\"broadband\":null}]},"
        "\"webcam\":null,\"user_search_count\":\"5\"}");
    json_t *ip;

    assert_int_equal(map(f, "1.1.1.1", report), CG_OK);
    ip = get(f, ID_IP_1111);
    assert_non_null(ip);
    assert_true(has_label(ip, "vpn"));
    assert_true(has_label(ip, "cloud"));
    assert_false(has_label(ip, "tor"));
    assert_false(has_label(ip, "proxy"));
    assert_int_equal(score_of(ip), 75);
    /* Inbound Critical with an IDS row is malicious. */
    assert_non_null(get(f, ID_IND_1111));
    assert_non_null(get(f, ID_AS15169));
    assert_true(has_relationship(f, "belongs-to", ID_IP_1111, ID_AS15169));
    assert_non_null(get(f, ID_US));
    assert_int_equal(count_type(f, "location"), 1);
    assert_int_equal(f->summary.asn, 15169);
    assert_string_equal(f->summary.as_name, "");
    assert_int_equal(f->summary.open_ports, 0);
    finish(f, "null-heavy");
    json_decref(report);
}

static void test_ip_empty_object(void **state)
{
    struct fixture *f = *state;
    json_t *report = parse("{}");

    assert_int_equal(map(f, "1.1.1.1", report), CG_OK);
    assert_non_null(get(f, ID_IP_1111));
    /* No score words: no score, so that a known one is never replaced. */
    assert_null(json_object_get(get(f, ID_IP_1111), "x_opencti_score"));
    assert_non_null(get(f, ID_NOTE_1111));
    assert_int_equal(count_type(f, "indicator"), 0);
    assert_int_equal(count_type(f, "relationship"), 0);
    assert_int_equal(f->summary.score, -1);
    assert_false(f->summary.malicious);
    assert_int_equal(f->summary.asn, -1);
    assert_string_equal(f->summary.flags, "");
    finish(f, "empty-object");
    json_decref(report);
}

static void test_ip_non_object(void **state)
{
    struct fixture *f = *state;
    json_t *array = parse("[{\"ip\":\"1.1.1.1\"}]");
    json_t *text = json_string("1.1.1.1");
    struct cg_error err;

    assert_int_equal(cg_map_ip_report(&f->bundle, "1.1.1.1", array, &f->opts,
                                      &f->summary, &err),
                     CG_ERR_API_PROTOCOL);
    assert_non_null(strstr(err.msg, "1.1.1.1"));
    assert_int_equal(map(f, "1.1.1.1", text), CG_ERR_API_PROTOCOL);
    assert_int_equal(map(f, "1.1.1.1", NULL), CG_ERR_API_PROTOCOL);
    assert_int_equal(cg_bundle_size(&f->bundle), 0);
    json_decref(array);
    json_decref(text);
}

/* A report with 10,000 distinct ports and 600 CVEs with long
 * descriptions. */
static json_t *hostile_report(void)
{
    json_t *ports = json_array();
    json_t *vulns = json_array();
    char *huge = malloc(10001);
    json_t *report;

    assert_non_null(huge);
    memset(huge, 'x', 10000);
    huge[10000] = '\0';
    for (int i = 1; i <= 10000; i++) {
        char name[32];

        snprintf(name, sizeof(name), "product-%d", i);
        json_array_append_new(
            ports, json_pack("{si ss ss ss ss}", "open_port_no", i, "socket",
                             "tcp", "port_status", "open", "app_name", name,
                             "app_version", "1.0"));
    }
    for (int i = 0; i < 600; i++) {
        char cve[32];

        snprintf(cve, sizeof(cve), "CVE-2020-%05d", 10000 + i);
        json_array_append_new(vulns, json_pack("{ss ss}", "cve_id", cve,
                                               "cve_description", huge));
    }
    report = json_pack("{s{so} s{so} s{ss ss}}", "port", "data", ports,
                       "vulnerability", "data", vulns, "score", "inbound",
                       "Low", "outbound", "Critical");
    free(huge);
    return report;
}

static void test_ip_hostile_caps(void **state)
{
    struct fixture *f = *state;
    json_t *report = hostile_report();
    json_t *ip;
    json_t *note;
    json_t *truncated;
    size_t i;
    json_t *obj;

    assert_non_null(report);
    assert_int_equal(map(f, "1.1.1.1", report), CG_OK);
    assert_int_equal(count_type(f, "software"), 200);
    assert_int_equal(count_type(f, "vulnerability"), 500);
    assert_int_equal(f->summary.open_ports, 10000);
    assert_int_equal(f->summary.cve_count, 600);
    assert_int_equal(score_of(get(f, ID_IP_1111)), 95);
    ip = get(f, ID_IP_1111);
    truncated = json_object_get(ip, "x_criminalip_truncated");
    assert_true(json_is_array(truncated));
    assert_string_equal(json_string_value(json_array_get(truncated, 0)),
                        "port");
    note = get(f, ID_NOTE_1111);
    assert_non_null(strstr(text_of(note, "content"),
                           "- port: first 200 of 10000 rows kept"));
    assert_non_null(strstr(text_of(note, "content"),
                           "- vulnerability: first 500 of 600 rows kept"));
    assert_non_null(strstr(f->summary.flags, "truncated"));
    json_array_foreach(f->bundle.objects, i, obj) {
        if (strcmp(cg_stix_get_type(obj), "vulnerability") == 0)
            assert_true(strlen(text_of(obj, "description")) <= 4096);
    }
    finish(f, "hostile-caps");
    json_decref(report);
}

static void test_ip_note_id_stable(void **state)
{
    struct fixture *f = *state;
    json_t *first = load_data("ip_report.json");
    json_t *second = parse("{\"score\":{\"inbound\":\"Low\"}}");
    struct cg_bundle other;
    char *content;
    json_t *note;

    assert_non_null(first);
    assert_int_equal(map(f, "1.1.1.1", first), CG_OK);
    content = strdup(text_of(get(f, ID_NOTE_1111), "content"));
    cg_bundle_init(&other);
    assert_int_equal(
        cg_map_ip_report(&other, "1.1.1.1", second, &f->opts, NULL, NULL),
        CG_OK);
    note = cg_bundle_get(&other, ID_NOTE_1111);
    assert_non_null(note);
    assert_string_not_equal(text_of(note, "content"), content);
    /* Mapping into the same bundle updates the note in place. */
    assert_int_equal(map(f, "1.1.1.1", second), CG_OK);
    assert_int_equal(count_type(f, "note"), 1);
    assert_string_equal(text_of(get(f, ID_NOTE_1111), "content"),
                        text_of(note, "content"));
    free(content);
    cg_bundle_release(&other);
    finish(f, "note-stable");
    json_decref(first);
    json_decref(second);
}

static void map_expect(struct fixture *f, const char *text, bool malicious,
                       int score)
{
    json_t *report = parse(text);

    cg_bundle_release(&f->bundle);
    cg_bundle_init(&f->bundle);
    assert_int_equal(map(f, "1.1.1.1", report), CG_OK);
    assert_int_equal(f->summary.malicious, malicious);
    assert_int_equal(count_type(f, "indicator"), malicious ? 1 : 0);
    assert_int_equal(f->summary.score, score);
    assert_int_equal(cg_bundle_prune(&f->bundle), 0);
    json_decref(report);
}

static void test_ip_malicious_rule(void **state)
{
    struct fixture *f = *state;

    /* Anonymisation flags alone never make an address malicious. */
    map_expect(f,
               "{\"issues\":{\"is_vpn\":true,\"is_tor\":true,\"is_proxy\":"
               "true,\"is_cloud\":true,\"is_hosting\":true,\"is_mobile\":"
               "true},\"score\":{\"inbound\":\"Low\",\"outbound\":\"Low\"}}",
               false, 30);
    map_expect(f,
               "{\"score\":{\"inbound\":\"Dangerous\",\"outbound\":"
               "\"Safe\"}}",
               false, 60);
    map_expect(f,
               "{\"score\":{\"inbound\":\"Dangerous\",\"outbound\":\"Safe\"},"
               "\"honeypot\":{\"data\":[{\"dst_port\":22}]}}",
               true, 60);
    map_expect(f,
               "{\"score\":{\"inbound\":\"Critical\"},\"issues\":"
               "{\"is_scanner\":\"true\"}}",
               true, 75);
    map_expect(f, "{\"score\":{\"outbound\":\"Dangerous\"}}", true, 80);
    map_expect(f, "{\"ip_category\":{\"data\":[{\"type\":\"C&C server\"}]}}",
               true, -1);
    map_expect(f, "{\"ip_category\":{\"data\":[{\"type\":\"Brute Force\"}]}}",
               true, -1);
    map_expect(f,
               "{\"ip_category\":{\"data\":[{\"type\":\"cloud service\"},"
               "{\"type\":\"c2c-marketplace\"}]}}",
               false, -1);
    finish(f, "malicious-rule");
}

static void test_ip_malicious_info_sample(void **state)
{
    struct fixture *f = *state;
    json_t *report = load_data("malicious_info.SYNTHESIZED.json");
    char id[CG_STIX_ID_SIZE];

    assert_non_null(report);
    assert_int_equal(map(f, "198.51.100.10", report), CG_OK);
    assert_int_equal(cg_stix_id_value("ipv4-addr", "198.51.100.10", id), CG_OK);
    assert_true(has_label(get(f, id), "attack"));
    assert_true(has_label(get(f, id), "scanning"));
    assert_true(has_label(get(f, id), "ids-alert"));
    assert_true(f->summary.malicious);
    finish(f, "malicious-info");
    json_decref(report);
}

static void test_ip_v6_and_origin(void **state)
{
    struct fixture *f = *state;
    json_t *report = parse(
        "{\"score\":{\"outbound\":\"Critical\"},"
        "\"protected_ip\":{\"data\":[{\"ip_address\":\"8.8.8.8\"},"
        "{\"ip_address\":\"10.0.0.1\"},{\"ip_address\":\"not an ip\"},"
        "{\"ip_address\":\"2404:6800:400a:0813:0:0:0:200e\"}]},"
        "\"whois\":{\"data\":[{\"as_no\":15169,\"org_country_code\":\"UK\","
        "\"city\":\"London\",\"latitude\":51.5,\"longitude\":-0.12}]}}");
    const char *ip = "2404:6800:400a:813::200e";
    char ip_id[CG_STIX_ID_SIZE];
    char origin_id[CG_STIX_ID_SIZE];
    char private_id[CG_STIX_ID_SIZE];
    char pattern_id[CG_STIX_ID_SIZE];

    assert_int_equal(map(f, ip, report), CG_OK);
    assert_int_equal(cg_stix_id_value("ipv6-addr", ip, ip_id), CG_OK);
    assert_int_equal(cg_stix_id_value("ipv4-addr", "8.8.8.8", origin_id),
                     CG_OK);
    assert_int_equal(cg_stix_id_value("ipv4-addr", "10.0.0.1", private_id),
                     CG_OK);
    assert_int_equal(
        cg_stix_id_indicator("[ipv6-addr:value = '2404:6800:400a:813::200e']",
                             pattern_id),
        CG_OK);
    assert_non_null(get(f, ip_id));
    assert_non_null(get(f, pattern_id));
    assert_string_equal(
        text_of(get(f, pattern_id), "x_opencti_main_observable_type"),
        "IPv6-Addr");
    assert_true(has_label(get(f, origin_id), "cdn-origin"));
    assert_true(has_relationship(f, "related-to", ip_id, origin_id));
    assert_null(get(f, private_id));
    /* The subject itself is listed among the origins and is skipped. */
    assert_false(has_label(get(f, ip_id), "cdn-origin"));
    assert_non_null(get(f, ID_GB));
    assert_string_equal(f->summary.country, "GB");
    finish(f, "v6-origin");
    json_decref(report);
}

static void test_ip_exploit_db(void **state)
{
    struct fixture *f = *state;
    json_t *report = parse(
        "{\"vulnerability\":{\"data\":[{\"cve_id\":\"CVE-2021-44790\","
        "\"cvssv3_score\":\"9.8\",\"cvssv2_vector\":\"network\","
        "\"list_edb\":[{\"edb_id\":51193,\"cve_id\":\"CVE-2021-44790\","
        "\"title\":\"Apache 2.4.x - Buffer Overflow\"},{\"edb_id\":\"x\"}]},"
        "{\"cve_id\":\"not-a-cve\"},{\"cve_id\":\"cve-2021-23017\","
        "\"list_edb\":[{\"edb_id\":\"50973\"}]}]}}");
    char id[CG_STIX_ID_SIZE];
    json_t *vuln;
    json_t *refs;

    assert_int_equal(map(f, "1.1.1.1", report), CG_OK);
    assert_int_equal(cg_stix_id_named("vulnerability", "CVE-2021-44790", id),
                     CG_OK);
    vuln = get(f, id);
    assert_non_null(vuln);
    assert_true(has_label(vuln, "exploit-db"));
    assert_true(
        json_is_true(json_object_get(vuln, "x_criminalip_has_public_exploit")));
    assert_true(
        has_reference(vuln, "https://www.exploit-db.com/exploits/51193"));
    assert_true(json_real_value(
                    json_object_get(vuln, "x_opencti_cvss_base_score")) == 9.8);
    assert_string_equal(text_of(vuln, "x_opencti_cvss_v2_access_vector"),
                        "NETWORK");
    refs = json_object_get(vuln, "external_references");
    assert_int_equal(json_array_size(refs), 2);
    assert_true(has_reference(get(f, ID_CVE_23017),
                              "https://www.exploit-db.com/exploits/50973"));
    assert_int_equal(count_type(f, "vulnerability"), 2);
    assert_int_equal(f->summary.cve_count, 2);
    finish(f, "exploit-db");
    json_decref(report);
}

static void test_ip_shared_samples(void **state)
{
    static const struct {
        const char *file;
        const char *ip;
    } samples[] = {
        {"ip_report.json", "1.1.1.1"},
        {"ip_data_legacy_v1.json", "203.0.113.78"},
        {"suspicious_info_v2.json", "198.51.100.85"},
        {"malicious_info.SYNTHESIZED.json", "198.51.100.10"},
        {"ip_report_summary.SYNTHESIZED.json", "198.51.100.10"},
        {"ip_summary.SYNTHESIZED.json", "198.51.100.10"},
    };
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
        json_t *report;

        snprintf(path, sizeof(path), "%s/%s", dir, samples[i].file);
        report = load_file(path);
        assert_non_null(report);
        cg_bundle_release(&f->bundle);
        cg_bundle_init(&f->bundle);
        assert_int_equal(map(f, samples[i].ip, report), CG_OK);
        assert_int_equal(cg_stix_id_value("ipv4-addr", samples[i].ip, id),
                         CG_OK);
        assert_non_null(get(f, id));
        snprintf(name, sizeof(name), "shared-%zu", i);
        finish(f, name);
        json_decref(report);
    }
    free(dir);
}

/* Maps a quiet report for 198.51.100.10 with the given extras. */
static enum cg_err map_deep(struct fixture *f, const char *report_text,
                            const struct cg_ip_extra *extra)
{
    json_t *report = parse(report_text);
    enum cg_err rc;

    cg_bundle_release(&f->bundle);
    cg_bundle_init(&f->bundle);
    rc = cg_map_ip_deep(&f->bundle, "198.51.100.10", report, extra, &f->opts,
                        &f->summary, NULL);
    json_decref(report);
    return rc;
}

static json_t *deep_subject(const struct fixture *f)
{
    char id[CG_STIX_ID_SIZE];

    assert_int_equal(cg_stix_id_value("ipv4-addr", "198.51.100.10", id), CG_OK);
    return get(f, id);
}

static const char *deep_note(const struct fixture *f)
{
    size_t i;
    json_t *obj;

    json_array_foreach(f->bundle.objects, i, obj) {
        if (strcmp(cg_stix_get_type(obj), "note") == 0)
            return text_of(obj, "content");
    }
    return "";
}

static const char quiet_report[] =
    "{\"score\":{\"inbound\":\"Low\",\"outbound\":\"Safe\"}}";

static void test_ip_deep_samples(void **state)
{
    struct fixture *f = *state;
    json_t *malicious = load_data("malicious_info.SYNTHESIZED.json");
    json_t *suspicious = load_data("suspicious_info_v2.json");
    struct cg_ip_extra extra = {.malicious = malicious,
                                .suspicious = suspicious};
    static const char *const labels[] = {"remote-access", "vulnerable-service",
                                         "scanning",      "ids-alert",
                                         "abuse-record",  "attack",
                                         "scanner"};
    json_t *ip;
    const char *note;

    assert_non_null(malicious);
    assert_non_null(suspicious);
    assert_int_equal(map_deep(f, quiet_report, &extra), CG_OK);
    ip = deep_subject(f);
    assert_non_null(ip);
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
        assert_true(has_label(ip, labels[i]));
    assert_false(has_label(ip, "vpn"));
    /* The extras add to the verdict, not to the score. */
    assert_int_equal(score_of(ip), 15);
    assert_true(f->summary.malicious);
    assert_int_equal(count_type(f, "indicator"), 1);
    assert_null(strstr(f->summary.flags, "deep-incomplete"));
    assert_non_null(strstr(f->summary.flags, "remote-access"));
    note = deep_note(f);
    assert_non_null(strstr(note, "## Deep lookups"));
    assert_non_null(strstr(note, "| malicious-info | is_malicious: yes; "
                                 "remote access: yes; vulnerable open ports: "
                                 "2; scanning records: 1 |"));
    assert_non_null(strstr(note, "| suspicious-info | abuse records: 2; "
                                 "representative domain: none |"));
    assert_non_null(strstr(note, "## Remote access ports (malicious-info)"));
    assert_non_null(strstr(note, "| 22 | tcp | 2025-07-09 18:02:29 |"));
    assert_non_null(strstr(note, "| 80 | tcp | HTTP | nginx | 1.18.0 | no |"));
    assert_non_null(strstr(note, "| 8080 | tcp | HTTP | httpd |  | no |"));
    assert_non_null(strstr(note, "## IDS signals (malicious-info)"));
    assert_non_null(strstr(note, "Reasons: category attack; malicious-info "
                                 "marks it malicious."));
    finish(f, "deep-samples");
    json_decref(malicious);
    json_decref(suspicious);
}

static void test_ip_deep_representative(void **state)
{
    struct fixture *f = *state;
    json_t *suspicious =
        parse("{\"representative_domain\":\"WWW.Example.ORG.\","
              "\"abuse_record_count\":\"0\"}");
    struct cg_ip_extra extra = {.suspicious = suspicious};
    char domain_id[CG_STIX_ID_SIZE];
    char ip_id[CG_STIX_ID_SIZE];

    assert_int_equal(map_deep(f, quiet_report, &extra), CG_OK);
    assert_int_equal(
        cg_stix_id_value("domain-name", "www.example.org", domain_id), CG_OK);
    assert_int_equal(cg_stix_id_value("ipv4-addr", "198.51.100.10", ip_id),
                     CG_OK);
    assert_non_null(get(f, domain_id));
    assert_true(has_relationship(f, "resolves-to", domain_id, ip_id));
    assert_false(has_label(deep_subject(f), "abuse-record"));
    assert_false(f->summary.malicious);
    assert_null(strstr(f->summary.flags, "deep-incomplete"));
    assert_non_null(strstr(deep_note(f), "representative domain: "
                                         "` WWW.Example.ORG. `"));
    /* malicious-info was not requested, so the note does not list it. */
    assert_null(strstr(deep_note(f), "| malicious-info |"));
    finish(f, "deep-representative");
    json_decref(suspicious);
}

static void test_ip_deep_failed_extra(void **state)
{
    struct fixture *f = *state;
    json_t *report = load_data("ip_report.json");
    json_t *suspicious = load_data("suspicious_info_v2.json");
    struct cg_ip_extra extra = {
        .suspicious = suspicious,
        .malicious_error = "Criminal IP server error (HTTP 500) | retry"};
    const char *note;

    assert_non_null(report);
    assert_int_equal(cg_map_ip_deep(&f->bundle, "1.1.1.1", report, &extra,
                                    &f->opts, &f->summary, NULL),
                     CG_OK);
    /* The report is mapped in full without the failed extra. */
    assert_non_null(get(f, ID_AS8075));
    assert_non_null(get(f, ID_IND_1111));
    assert_int_equal(f->summary.score, 75);
    assert_non_null(strstr(f->summary.flags, "deep-incomplete"));
    assert_non_null(strstr(f->summary.flags, "abuse-record"));
    note = text_of(get(f, ID_NOTE_1111), "content");
    assert_non_null(strstr(note, "| malicious-info | not fetched: Criminal IP "
                                 "server error (HTTP 500) \\| retry |"));
    assert_non_null(strstr(note, "| suspicious-info | abuse records: 2;"));
    /* The report has IDS rows of its own, so the extras add no IDS table. */
    assert_null(strstr(note, "IDS signals (suspicious-info)"));
    finish(f, "deep-failed-extra");
    json_decref(report);
    json_decref(suspicious);
}

static void test_ip_deep_rule(void **state)
{
    struct fixture *f = *state;
    json_t *abuse = parse("{\"abuse_record_count\":3}");
    json_t *clean = parse("{\"is_malicious\":false,\"can_remote_access\":true,"
                          "\"is_vpn\":true}");
    json_t *verdict = parse("{\"is_malicious\":\"true\"}");
    struct cg_ip_extra with_abuse = {.suspicious = abuse};
    struct cg_ip_extra with_clean = {.malicious = clean};
    struct cg_ip_extra with_verdict = {.malicious = verdict};
    static const char dangerous_in[] =
        "{\"score\":{\"inbound\":\"Dangerous\",\"outbound\":\"Low\"}}";
    char id[CG_STIX_ID_SIZE];

    /* Abuse records are behaviour for a Dangerous inbound score. */
    assert_int_equal(map_deep(f, dangerous_in, &with_abuse), CG_OK);
    assert_true(f->summary.malicious);
    assert_int_equal(
        cg_stix_id_indicator("[ipv4-addr:value = '198.51.100.10']", id), CG_OK);
    assert_non_null(get(f, id));
    assert_non_null(strstr(text_of(get(f, id), "description"),
                           "inbound score Dangerous with observed behaviour "
                           "(0 IDS alerts, 0 honeypot hits, 0 scanning "
                           "records, 3 abuse records)"));
    finish(f, "deep-rule-abuse");
    /* Remote access and a VPN flag alone are not malicious. */
    assert_int_equal(map_deep(f, dangerous_in, &with_clean), CG_OK);
    assert_false(f->summary.malicious);
    assert_true(has_label(deep_subject(f), "remote-access"));
    assert_true(has_label(deep_subject(f), "vpn"));
    assert_int_equal(count_type(f, "indicator"), 0);
    /* Criminal IP's own verdict is enough, whatever the scores. */
    assert_int_equal(map_deep(f, quiet_report, &with_verdict), CG_OK);
    assert_true(f->summary.malicious);
    assert_int_equal(count_type(f, "indicator"), 1);
    finish(f, "deep-rule-verdict");
    json_decref(abuse);
    json_decref(clean);
    json_decref(verdict);
}

static void test_ip_deep_hostile_extras(void **state)
{
    struct fixture *f = *state;
    json_t *malicious =
        parse("{\"is_malicious\":null,\"can_remote_access\":\"maybe\","
              "\"remote_port\":{\"count\":\"x\",\"data\":[null,1,{}]},"
              "\"current_opened_port\":{\"data\":[{\"port\":\"22\","
              "\"has_vulnerability\":\"yes\",\"product_name\":\"a|b`c\"}]},"
              "\"scanning_record\":{\"count\":-5},\"ids\":[],"
              "\"ip_category\":{\"data\":[{\"type\":null}]}}");
    json_t *suspicious = json_string("not an object");
    struct cg_ip_extra extra = {.malicious = malicious,
                                .suspicious = suspicious};

    assert_int_equal(map_deep(f, quiet_report, &extra), CG_OK);
    assert_false(f->summary.malicious);
    assert_false(has_label(deep_subject(f), "remote-access"));
    assert_false(has_label(deep_subject(f), "scanning"));
    /* A body that is not an object counts as missing. */
    assert_non_null(strstr(f->summary.flags, "deep-incomplete"));
    assert_non_null(strstr(deep_note(f), "| suspicious-info | not fetched: "
                                         "the body is not a JSON object |"));
    finish(f, "deep-hostile");
    json_decref(malicious);
    json_decref(suspicious);
}

static void test_ip_deep_without_extras(void **state)
{
    struct fixture *f = *state;
    json_t *report = load_data("ip_report.json");
    struct cg_bundle plain;
    char *a;
    char *b;

    assert_non_null(report);
    assert_int_equal(cg_map_ip_deep(&f->bundle, "1.1.1.1", report, NULL,
                                    &f->opts, &f->summary, NULL),
                     CG_OK);
    cg_bundle_init(&plain);
    assert_int_equal(
        cg_map_ip_report(&plain, "1.1.1.1", report, &f->opts, NULL, NULL),
        CG_OK);
    cg_bundle_sort(&f->bundle);
    cg_bundle_sort(&plain);
    a = json_dumps(f->bundle.objects, JSON_SORT_KEYS);
    b = json_dumps(plain.objects, JSON_SORT_KEYS);
    assert_string_equal(a, b);
    assert_null(strstr(a, "Deep lookups"));
    free(a);
    free(b);
    cg_bundle_release(&plain);
    json_decref(report);
}

static void test_no_data(void **state)
{
    struct fixture *f = *state;
    char ip_text[] = "1.1.1.1";
    char url_text[] = "http://example.com/a b";
    char host_text[] = "example.com";
    char cidr_text[] = "1.1.1.0/24";
    struct cg_indicator ip = {CG_KIND_IPV4, ip_text,      ip_text,
                              ip_text,      CG_KIND_NONE, -1,
                              -1,           false,        false};
    struct cg_indicator url = {CG_KIND_URL, url_text,       url_text,
                               host_text,   CG_KIND_DOMAIN, -1,
                               -1,          false,          false};
    struct cg_indicator cidr = {CG_KIND_CIDR, cidr_text,    cidr_text,
                                cidr_text,    CG_KIND_NONE, -1,
                                24,           false,        false};
    char url_id[CG_STIX_ID_SIZE];
    char domain_id[CG_STIX_ID_SIZE];

    assert_int_equal(cg_map_no_data(&f->bundle, &ip, &f->opts, NULL), CG_OK);
    assert_true(has_label(get(f, ID_IP_1111), "criminalip-no-data"));
    assert_true(has_reference(
        get(f, ID_IP_1111), "https://www.criminalip.io/asset/report/1.1.1.1"));
    assert_int_equal(cg_map_no_data(&f->bundle, &url, &f->opts, NULL), CG_OK);
    assert_int_equal(cg_stix_id_value("url", url.value, url_id), CG_OK);
    assert_int_equal(cg_stix_id_value("domain-name", "example.com", domain_id),
                     CG_OK);
    assert_true(has_label(get(f, url_id), "criminalip-no-data"));
    assert_true(has_reference(get(f, url_id),
                              "https://www.criminalip.io/asset/search?query="
                              "http%3A%2F%2Fexample.com%2Fa%20b"));
    assert_non_null(get(f, domain_id));
    assert_false(has_label(get(f, domain_id), "criminalip-no-data"));
    assert_true(has_relationship(f, "related-to", url_id, domain_id));
    assert_int_equal(cg_map_no_data(&f->bundle, &cidr, &f->opts, NULL),
                     CG_ERR_INVALID);
    finish(f, "no-data");
}

static void test_ip_other_address(void **state)
{
    struct fixture *f = *state;
    json_t *other = parse("{\"ip\":\"8.8.8.8\"}");
    json_t *same = parse("{\"ip\":\"1.1.1.1\"}");

    assert_int_equal(map(f, "1.1.1.1", other), CG_ERR_API_PROTOCOL);
    assert_int_equal(map(f, "1.1.1.1", same), CG_OK);
    json_decref(other);
    json_decref(same);
}

static void test_score_word_nul(void **state)
{
    json_t *v = json_stringn("Critical\0\x1b[31m", 13);

    (void)state;
    assert_null(cg_score_word(v));
    json_decref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_score_word_nul),
        cmocka_unit_test_setup_teardown(test_ip_other_address, setup, teardown),
        cmocka_unit_test(test_score_table),
        cmocka_unit_test(test_score_word_forms),
        cmocka_unit_test(test_country_names),
        cmocka_unit_test_setup_teardown(test_ip_sample_objects, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ip_sample_labels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ip_sample_indicator, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ip_sample_depth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ip_sample_note, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ip_sample_summary, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ip_legacy_v1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ip_legacy_tags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ip_null_heavy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ip_empty_object, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ip_non_object, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ip_hostile_caps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ip_note_id_stable, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ip_malicious_rule, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ip_malicious_info_sample, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ip_v6_and_origin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ip_exploit_db, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ip_shared_samples, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ip_deep_samples, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ip_deep_representative, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ip_deep_failed_extra, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ip_deep_rule, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ip_deep_hostile_extras, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ip_deep_without_extras, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_no_data, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

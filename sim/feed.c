/*
 * Loading and lookup of the C2 feed and the phishing list. C2 rows are
 * merged per address. When an address appears on several days, the row with
 * the newest scan time gives the framework, score and country, and every
 * distinct port seen is kept.
 */
#include "feed.h"

#include "core/clock.h"
#include "core/log.h"
#include "text.h"
#include "url.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES 1024

static struct cg_sim_feed_entry *c2_entries;
static size_t c2_count;
static char **phishing_hosts;
static size_t phishing_count;

static int compare_entries(const void *a, const void *b)
{
    const struct cg_sim_feed_entry *x = a;
    const struct cg_sim_feed_entry *y = b;

    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    /* Older rows first, so that the merge pass reads the newest row last. */
    if (x->scan_time != y->scan_time)
        return x->scan_time < y->scan_time ? -1 : 1;
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Splits line in place at commas. Returns false unless it has exactly
 * field_count fields. */
static bool split_fields(char *line, char **fields, size_t field_count)
{
    size_t n = 0;
    char *p = line;

    while (n < field_count) {
        fields[n++] = p;
        p = strchr(p, ',');
        if (!p)
            break;
        *p++ = '\0';
    }
    return n == field_count && !p;
}

static bool parse_scores(char *text, int *inbound, int *outbound)
{
    char *slash = strchr(text, '/');

    if (!slash)
        return false;
    *slash = '\0';
    return cg_sim_score_parse(text, inbound) &&
           cg_sim_score_parse(slash + 1, outbound);
}

/* Parses one data row into *row. The row's only port goes in ports[0]. */
static bool parse_c2_row(char *line, struct cg_sim_feed_entry *row)
{
    char *fields[6];
    struct in_addr in;
    char *end;
    long port;

    line[strcspn(line, "\r\n")] = '\0';
    if (!split_fields(line, fields, 6))
        return false;
    memset(row, 0, sizeof(*row));
    if (inet_pton(AF_INET, fields[0], &in) != 1)
        return false;
    row->addr = ntohl(in.s_addr);
    if (fields[1][0] == '\0' || strlen(fields[1]) >= sizeof(row->framework))
        return false;
    snprintf(row->framework, sizeof(row->framework), "%s", fields[1]);
    /* OpenPorts contains one port in every published file; take the first
     * number if a row ever lists more. */
    errno = 0;
    port = strtol(fields[2], &end, 10);
    if (errno || end == fields[2] || port < 1 || port > 65535)
        return false;
    if (!parse_scores(fields[3], &row->inbound, &row->outbound))
        return false;
    if (strlen(fields[4]) != 2)
        return false;
    row->country[0] = (char)(fields[4][0] & ~0x20);
    row->country[1] = (char)(fields[4][1] & ~0x20);
    if (!cg_time_parse(fields[5], &row->scan_time))
        return false;
    row->ports[0].port = (unsigned)port;
    row->ports[0].scan_time = row->scan_time;
    row->port_count = 1;
    return true;
}

static enum cg_err append_row(const struct cg_sim_feed_entry *row,
                              size_t *capacity)
{
    if (c2_count == *capacity) {
        size_t grown = *capacity ? *capacity * 2 : 256;
        struct cg_sim_feed_entry *bigger =
            realloc(c2_entries, grown * sizeof(*bigger));

        if (!bigger)
            return CG_ERR_NOMEM;
        c2_entries = bigger;
        *capacity = grown;
    }
    c2_entries[c2_count++] = *row;
    return CG_OK;
}

static enum cg_err load_c2_file(const char *path, size_t *capacity,
                                struct cg_error *err)
{
    FILE *file = fopen(path, "r");
    char line[LINE_MAX_BYTES];
    size_t line_no = 0;
    size_t skipped = 0;
    enum cg_err rc = CG_OK;

    if (!file)
        return cg_error_set(err, CG_ERR_IO, "cannot open C2 feed file %s: %s",
                            path, strerror(errno));
    while (fgets(line, sizeof(line), file)) {
        struct cg_sim_feed_entry row;

        line_no++;
        if (line_no == 1 && strncmp(line, "IP,", 3) == 0)
            continue;
        if (line[0] == '\n' || line[0] == '\r' || line[0] == '\0')
            continue;
        if (!parse_c2_row(line, &row)) {
            skipped++;
            continue;
        }
        rc = append_row(&row, capacity);
        if (rc != CG_OK) {
            cg_error_set(err, rc, "out of memory loading %s", path);
            break;
        }
    }
    fclose(file);
    if (skipped)
        cg_log_warn("sim", "skipped %zu invalid rows in C2 feed file %s",
                    skipped, path);
    return rc;
}

static void merge_port(struct cg_sim_feed_entry *into,
                       const struct cg_sim_feed_port *port)
{
    for (size_t i = 0; i < into->port_count; i++) {
        if (into->ports[i].port == port->port) {
            if (port->scan_time > into->ports[i].scan_time)
                into->ports[i].scan_time = port->scan_time;
            return;
        }
    }
    if (into->port_count < CG_SIM_FEED_PORTS_MAX)
        into->ports[into->port_count++] = *port;
}

static int compare_ports_newest_first(const void *a, const void *b)
{
    const struct cg_sim_feed_port *x = a;
    const struct cg_sim_feed_port *y = b;

    if (x->scan_time != y->scan_time)
        return x->scan_time > y->scan_time ? -1 : 1;
    return x->port < y->port ? -1 : (x->port > y->port);
}

/* Sorts the rows and folds every address into one entry. */
static void merge_rows(void)
{
    size_t out = 0;

    qsort(c2_entries, c2_count, sizeof(*c2_entries), compare_entries);
    for (size_t i = 0; i < c2_count; i++) {
        struct cg_sim_feed_entry *row = &c2_entries[i];

        if (out > 0 && c2_entries[out - 1].addr == row->addr) {
            struct cg_sim_feed_entry *merged = &c2_entries[out - 1];
            struct cg_sim_feed_entry newest = *row;

            /* The sort put row after merged, so row is at least as new.
             * Take its fields, then add the older ports. */
            for (size_t p = 0; p < merged->port_count; p++)
                merge_port(&newest, &merged->ports[p]);
            *merged = newest;
        } else {
            c2_entries[out++] = *row;
        }
    }
    c2_count = out;
    for (size_t i = 0; i < c2_count; i++)
        qsort(c2_entries[i].ports, c2_entries[i].port_count,
              sizeof(c2_entries[i].ports[0]), compare_ports_newest_first);
}

static bool has_csv_suffix(const char *name)
{
    size_t len = strlen(name);

    return len > 4 && strcmp(name + len - 4, ".csv") == 0;
}

/* Lists dir's *.csv names in sorted order. The caller frees each name and
 * the array. */
static enum cg_err list_csv_files(const char *dir, char ***names, size_t *count,
                                  struct cg_error *err)
{
    DIR *handle = opendir(dir);
    struct dirent *entry;
    size_t capacity = 0;

    *names = NULL;
    *count = 0;
    if (!handle)
        return cg_error_set(err, CG_ERR_NOT_FOUND,
                            "cannot open C2 feed folder %s: %s; pass "
                            "--data DIR",
                            dir, strerror(errno));
    while ((entry = readdir(handle)) != NULL) {
        if (!has_csv_suffix(entry->d_name))
            continue;
        if (*count == capacity) {
            size_t grown = capacity ? capacity * 2 : 32;
            char **bigger = realloc(*names, grown * sizeof(*bigger));

            if (!bigger)
                break;
            *names = bigger;
            capacity = grown;
        }
        (*names)[*count] = strdup(entry->d_name);
        if ((*names)[*count])
            (*count)++;
    }
    closedir(handle);
    if (*count)
        qsort(*names, *count, sizeof(**names), compare_names);
    return CG_OK;
}

enum cg_err cg_sim_feed_load_c2(const char *dir, struct cg_error *err)
{
    char **names;
    size_t count;
    size_t capacity = 0;
    enum cg_err rc = list_csv_files(dir, &names, &count, err);

    if (rc != CG_OK)
        return rc;
    for (size_t i = 0; i < count && rc == CG_OK; i++) {
        char path[4096];

        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        rc = load_c2_file(path, &capacity, err);
    }
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
    if (rc != CG_OK)
        return rc;
    if (c2_count == 0)
        return cg_error_set(err, CG_ERR_NOT_FOUND,
                            "no C2 feed rows found in %s/*.csv; pass "
                            "--data DIR",
                            dir);
    merge_rows();
    return CG_OK;
}

static enum cg_err add_phishing_host(const char *host, size_t *capacity)
{
    char *copy;

    if (phishing_count == *capacity) {
        size_t grown = *capacity ? *capacity * 2 : 256;
        char **bigger = realloc(phishing_hosts, grown * sizeof(*bigger));

        if (!bigger)
            return CG_ERR_NOMEM;
        phishing_hosts = bigger;
        *capacity = grown;
    }
    copy = strdup(host);
    if (!copy)
        return CG_ERR_NOMEM;
    phishing_hosts[phishing_count++] = copy;
    return CG_OK;
}

static void dedupe_phishing_hosts(void)
{
    size_t out = 0;

    qsort(phishing_hosts, phishing_count, sizeof(*phishing_hosts),
          compare_names);
    for (size_t i = 0; i < phishing_count; i++) {
        if (out > 0 && strcmp(phishing_hosts[out - 1], phishing_hosts[i]) == 0)
            free(phishing_hosts[i]);
        else
            phishing_hosts[out++] = phishing_hosts[i];
    }
    phishing_count = out;
}

enum cg_err cg_sim_feed_load_phishing(const char *path, struct cg_error *err)
{
    FILE *file = fopen(path, "r");
    struct cg_sim_target target;
    char line[CG_SIM_QUERY_MAX + 2];
    size_t capacity = 0;
    size_t skipped = 0;
    enum cg_err rc = CG_OK;

    if (!file)
        return cg_error_set(err, CG_ERR_NOT_FOUND,
                            "cannot open phishing list %s: %s; pass "
                            "--phish FILE",
                            path, strerror(errno));
    while (fgets(line, sizeof(line), file)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#')
            continue;
        if (!cg_sim_target_parse(line, &target)) {
            skipped++;
            continue;
        }
        rc = add_phishing_host(target.host, &capacity);
        if (rc != CG_OK) {
            cg_error_set(err, rc, "out of memory loading %s", path);
            break;
        }
    }
    fclose(file);
    if (skipped)
        cg_log_warn("sim", "skipped %zu invalid URLs in phishing list %s",
                    skipped, path);
    if (rc != CG_OK)
        return rc;
    if (phishing_count == 0)
        return cg_error_set(err, CG_ERR_NOT_FOUND,
                            "no valid URL in phishing list %s", path);
    dedupe_phishing_hosts();
    return CG_OK;
}

void cg_sim_feed_release(void)
{
    free(c2_entries);
    c2_entries = NULL;
    c2_count = 0;
    for (size_t i = 0; i < phishing_count; i++)
        free(phishing_hosts[i]);
    free(phishing_hosts);
    phishing_hosts = NULL;
    phishing_count = 0;
}

const struct cg_sim_feed_entry *cg_sim_feed_c2_find(uint32_t addr)
{
    for (size_t low = 0, high = c2_count; low < high;) {
        size_t mid = low + (high - low) / 2;

        if (c2_entries[mid].addr == addr)
            return &c2_entries[mid];
        if (c2_entries[mid].addr < addr)
            low = mid + 1;
        else
            high = mid;
    }
    return NULL;
}

size_t cg_sim_feed_c2_count(void)
{
    return c2_count;
}

bool cg_sim_feed_is_phishing_host(const char *host)
{
    if (phishing_count == 0)
        return false;
    return bsearch(&host, phishing_hosts, phishing_count,
                   sizeof(*phishing_hosts), compare_names) != NULL;
}

size_t cg_sim_feed_phishing_count(void)
{
    return phishing_count;
}

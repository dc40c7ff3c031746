/*
 * `cipgraph quota`: the account's plan and credits from POST /v1/user/me,
 * which spends no credit. The response also carries the API key, which is
 * never printed.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/json.h"
#include "criminalip/client.h"

static const char quota_usage[] =
    "usage: cipgraph quota [--format text|json]\n"
    "\n"
    "Shows the Criminal IP account's plan, search limit and remaining\n"
    "credits, without spending a credit.\n";

/* Fields worth showing, in order; anything else is shown after them. */
static const char *const known_fields[] = {
    "account_type", "max_search",      "remaining_credits",
    "used_credits", "membership_date", "last_access_date",
};

static bool is_secret_field(const char *key)
{
    return strstr(key, "api_key") || strstr(key, "token") ||
           strstr(key, "password") || strcmp(key, "email") == 0 ||
           strcmp(key, "name") == 0;
}

static void print_value(const char *key, const json_t *value)
{
    if (json_is_string(value))
        printf("  %-18s %s\n", key, json_string_value(value));
    else if (json_is_integer(value))
        printf("  %-18s %lld\n", key, (long long)json_integer_value(value));
    else if (json_is_real(value))
        printf("  %-18s %g\n", key, json_real_value(value));
    else if (json_is_boolean(value))
        printf("  %-18s %s\n", key, json_is_true(value) ? "true" : "false");
}

static void print_account(const json_t *data)
{
    const char *key;
    json_t *value;

    puts("Criminal IP account:");
    for (size_t i = 0; i < CG_ARRAY_LEN(known_fields); i++)
        print_value(known_fields[i], json_object_get(data, known_fields[i]));
    json_object_foreach((json_t *)data, key, value) {
        bool known = false;

        for (size_t i = 0; i < CG_ARRAY_LEN(known_fields); i++)
            known |= strcmp(key, known_fields[i]) == 0;
        if (!known && !is_secret_field(key))
            print_value(key, value);
    }
}

int cmd_quota(int argc, char **argv, const struct cli_global *global)
{
    static const struct option options[] = {
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct cg_cip_config api;
    struct cg_error err;
    json_t *json = NULL;
    json_t *data;
    bool json_format = false;
    int status = CG_EXIT_OK;
    int opt;
    enum cg_err rc;

    (void)global;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":f:h", options, NULL)) != -1) {
        if (opt == 'h') {
            fputs(quota_usage, stdout);
            return CG_EXIT_OK;
        }
        if (opt == 'f' &&
            (strcmp(optarg, "json") == 0 || strcmp(optarg, "text") == 0)) {
            json_format = strcmp(optarg, "json") == 0;
            continue;
        }
        if (opt == 'f')
            cli_error("invalid --format '%s': use text or json", optarg);
        else if (opt == ':')
            cli_error("option '%s' needs a value", argv[optind - 1]);
        else
            cli_error("unknown option '%s'; run 'cipgraph help quota'",
                      argv[optind - 1]);
        return CG_EXIT_USAGE;
    }
    if (optind < argc) {
        cli_error("quota takes no argument, got '%s'", argv[optind]);
        return CG_EXIT_USAGE;
    }
    if (cg_cip_config_from_env(&api, &err) != CG_OK ||
        cg_cip_config_check(&api, &err) != CG_OK) {
        cli_error("%s", cg_error_text(&err));
        cg_cip_config_release(&api);
        return CG_EXIT_USAGE;
    }
    rc = cg_cip_call(&api, CG_CIP_USER_ME, NULL, 3, &json, &err);
    if (rc != CG_OK) {
        cli_error("%s", cg_error_text(&err));
        status = rc == CG_ERR_API_KEY ? CG_EXIT_API_KEY : CG_EXIT_FAILED;
        goto out;
    }
    data = cg_cip_data(json);
    if (json_format) {
        json_t *copy = json_deep_copy(data);
        const char *key;
        json_t *value;
        void *tmp;
        char *text;

        json_object_foreach_safe(copy, tmp, key, value) {
            if (is_secret_field(key))
                json_object_del(copy, key);
        }
        text = copy ? json_dumps(copy, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
        if (text)
            puts(text);
        free(text);
        json_decref(copy);
    } else {
        print_account(data);
    }
out:
    json_decref(json);
    cg_cip_config_release(&api);
    return status;
}

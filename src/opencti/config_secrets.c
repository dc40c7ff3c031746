/*
 * The list of the configuration's secret values and their masking, in the
 * same "[REDACTED]" form as the log redactor.
 */
#include "opencti/config_secrets.h"

#include <string.h>

#include "core/common.h"
#include "core/log.h"

void cg_octi_secrets_add(struct cg_octi_secrets *list, const char *text,
                         size_t len)
{
    if (len > 0 && list->count < CG_ARRAY_LEN(list->items)) {
        list->items[list->count].text = text;
        list->items[list->count].len = len;
        list->count++;
    }
}

void cg_octi_secrets_add_url(struct cg_octi_secrets *list, const char *url)
{
    const char *authority = strstr(url, "://");
    size_t authority_len;
    const char *at = NULL;
    const char *colon;

    if (!authority)
        return;
    authority += 3;
    authority_len = strcspn(authority, "/?#");
    for (size_t i = 0; i < authority_len; i++) {
        if (authority[i] == '@')
            at = authority + i;
    }
    if (!at)
        return;
    cg_octi_secrets_add(list, authority, (size_t)(at - authority));
    colon = memchr(authority, ':', (size_t)(at - authority));
    if (colon)
        cg_octi_secrets_add(list, colon + 1, (size_t)(at - colon - 1));
}

static const char *find_slice(const char *text, const char *slice, size_t len)
{
    for (const char *p = strchr(text, slice[0]); p;
         p = strchr(p + 1, slice[0])) {
        if (strncmp(p, slice, len) == 0)
            return p;
    }
    return NULL;
}

/* The secrets of one list that cg_octi_secrets_redact masks. */
struct secret_search {
    const struct cg_octi_secrets *list;
    size_t min_len; /* shorter secrets are left alone */
};

/* Finds the earliest secret of at least min_len bytes in text. */
static const char *find_secret(const void *ctx, const char *text, size_t *len)
{
    const struct secret_search *search = ctx;
    const struct cg_octi_secrets *list = search->list;
    const char *hit = NULL;

    for (size_t i = 0; list && i < list->count; i++) {
        const char *found;

        if (list->items[i].len < search->min_len)
            continue;
        found = find_slice(text, list->items[i].text, list->items[i].len);
        if (found && (!hit || found < hit)) {
            hit = found;
            *len = list->items[i].len;
        }
    }
    return hit;
}

void cg_octi_secrets_redact(const struct cg_octi_secrets *list,
                            const char *text, size_t min_len, char *out,
                            size_t size)
{
    struct secret_search search = {list, min_len};

    cg_log_mask(text, find_secret, &search, out, size);
}

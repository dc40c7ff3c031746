/*
 * The list of the configuration's secret values and their masking, in the
 * same "[REDACTED]" form as the log redactor.
 */
#include "opencti/config_secrets.h"

#include <string.h>

#include "core/common.h"

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

/* Finds the earliest secret of at least min_len bytes in text. */
static const char *find_secret(const struct cg_octi_secrets *list,
                               const char *text, size_t min_len, size_t *len)
{
    const char *hit = NULL;

    for (size_t i = 0; list && i < list->count; i++) {
        const char *found;

        if (list->items[i].len < min_len)
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
    static const char mask[] = "[REDACTED]";
    size_t used = 0;

    while (*text && used + 1 < size) {
        size_t hit_len = 0;
        const char *hit = find_secret(list, text, min_len, &hit_len);
        size_t plain = hit ? (size_t)(hit - text) : strlen(text);

        if (plain > size - 1 - used)
            plain = size - 1 - used;
        memcpy(out + used, text, plain);
        used += plain;
        if (!hit || used + sizeof(mask) > size)
            break;
        memcpy(out + used, mask, sizeof(mask) - 1);
        used += sizeof(mask) - 1;
        text = hit + hit_len;
    }
    out[used] = '\0';
}

/*
 * The secret values of the connector's configuration and their masking in
 * messages. The configuration collects every token, password and URL
 * credential of the environment and the file before it checks any value,
 * so no message shows one, whichever setting the message names.
 */
#ifndef CG_OPENCTI_CONFIG_SECRETS_H
#define CG_OPENCTI_CONFIG_SECRETS_H

#include <stddef.h>

/* Secret values, each a slice of a borrowed string. */
struct cg_octi_secrets {
    struct {
        const char *text;
        size_t len;
    } items[32]; /* the settings table yields at most 23 */
    size_t count;
};

/*
 * Adds the len bytes at text, which must outlive the list. An empty slice
 * is not added, and a full list drops the secret.
 */
void cg_octi_secrets_add(struct cg_octi_secrets *list, const char *text,
                         size_t len);

/* Adds the "user:password" and the "password" of a URL that has them. */
void cg_octi_secrets_add_url(struct cg_octi_secrets *list, const char *url);

/*
 * Copies text into out (size bytes, at least 1) with every secret of at
 * least min_len bytes replaced by "[REDACTED]"; list may be NULL. The copy
 * is cut to fit.
 */
void cg_octi_secrets_redact(const struct cg_octi_secrets *list,
                            const char *text, size_t min_len, char *out,
                            size_t size);

#endif /* CG_OPENCTI_CONFIG_SECRETS_H */

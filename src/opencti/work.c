/*
 * workEdit mutations. pycti sends them without the impersonation header;
 * this client never sets one.
 */
#include "opencti/work.h"

#include <stdio.h>

#include "core/log.h"

/* Tries for toReceived: a lost "received" only delays the progress bar. */
#define RECEIVED_ATTEMPTS 3

static enum cg_err send_mutation(struct cg_graphql *client, const char *query,
                                 json_t *variables, int attempts,
                                 struct cg_error *err)
{
    json_t *data = NULL;
    enum cg_err rc;

    if (!variables)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    rc = cg_graphql_query_retry(client, query, variables, NULL, attempts, &data,
                                err);
    json_decref(data);
    json_decref(variables);
    return rc;
}

enum cg_err cg_work_received(struct cg_graphql *client, const char *work_id,
                             const char *message, struct cg_error *err)
{
    static const char query[] =
        "mutation workToReceived($id: ID!, $message: String) { workEdit(id: "
        "$id) { toReceived (message: $message) } }";

    return send_mutation(
        client, query, json_pack("{ss ss}", "id", work_id, "message", message),
        RECEIVED_ATTEMPTS, err);
}

enum cg_err cg_work_processed(struct cg_graphql *client, const char *work_id,
                              const char *message, bool in_error,
                              struct cg_error *err)
{
    static const char query[] =
        "mutation workToProcessed($id: ID!, $message: String, $inError: "
        "Boolean) { workEdit(id: $id) { toProcessed (message: $message, "
        "inError: $inError) } }";

    return send_mutation(client, query,
                         json_pack("{ss ss sb}", "id", work_id, "message",
                                   message, "inError", in_error),
                         0, err);
}

enum cg_err cg_work_ping(struct cg_graphql *client, const char *work_id,
                         struct cg_error *err)
{
    static const char query[] =
        "mutation pingWork($id: ID!) { workEdit(id: $id) { ping } }";

    return send_mutation(client, query, json_pack("{ss}", "id", work_id), 1,
                         err);
}

/*
 * Work reporting: the workEdit mutations that move an OpenCTI work
 * ("opencti-work--<uuid>") through received, processed or failed, and keep
 * it alive during a long enrichment. The texts are pycti's
 * (api/opencti_api_work.py).
 */
#ifndef CG_OPENCTI_WORK_H
#define CG_OPENCTI_WORK_H

#include "opencti/graphql.h"

/* workToReceived(message); retried briefly, since losing it is harmless. */
enum cg_err cg_work_received(struct cg_graphql *client, const char *work_id,
                             const char *message,
                             struct cg_error *err) CG_WARN_UNUSED;

/*
 * workToProcessed(message, inError); retried until it lands or the stop
 * flag is set, since the work stays "in progress" without it.
 */
enum cg_err cg_work_processed(struct cg_graphql *client, const char *work_id,
                              const char *message, bool in_error,
                              struct cg_error *err) CG_WARN_UNUSED;

/* pingWork: one try with no retry; a missed ping is not an error. */
enum cg_err cg_work_ping(struct cg_graphql *client, const char *work_id,
                         struct cg_error *err) CG_WARN_UNUSED;

#endif /* CG_OPENCTI_WORK_H */

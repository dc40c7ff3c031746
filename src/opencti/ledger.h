/*
 * The connector's own records in the shared SQLite database. The first is
 * how many times each listen message was delivered, so that a message that
 * keeps failing or crashing the worker is rejected after a bound, even
 * across restarts. The second is the credits spent in each budget period,
 * shared by every worker and process that uses the same database file.
 */
#ifndef CG_OPENCTI_LEDGER_H
#define CG_OPENCTI_LEDGER_H

#include "store/store.h"

/* Size of a message key: SHA-256 in hex plus the terminator. */
#define CG_LEDGER_KEY_SIZE 65

/* How long a delivery count is kept after its message was last seen. */
#define CG_LEDGER_KEEP_S (7 * 86400)

/* Creates the connector's tables when missing and drops stale counts. */
enum cg_err cg_ledger_open(struct cg_store *store,
                           struct cg_error *err) CG_WARN_UNUSED;

/* Writes the key of a message body: the SHA-256 of its bytes, in hex. */
void cg_ledger_key(const char *body, size_t len, char key[CG_LEDGER_KEY_SIZE]);

/*
 * Records one delivery of the message with this key and returns how many
 * deliveries it has had, this one included. restart resets the count to 1
 * (the broker's first delivery of a message published again).
 */
enum cg_err cg_ledger_count_delivery(struct cg_store *store, const char *key,
                                     bool restart, int *count,
                                     struct cg_error *err) CG_WARN_UNUSED;

/* Forgets the count of a message that was handled for good. */
enum cg_err cg_ledger_forget_delivery(struct cg_store *store, const char *key,
                                      struct cg_error *err) CG_WARN_UNUSED;

/* Reads the credits spent in the budget period starting at period. */
enum cg_err cg_ledger_credits_used(struct cg_store *store, int64_t period,
                                   long long *used,
                                   struct cg_error *err) CG_WARN_UNUSED;

/* Adds credits spent in the budget period starting at period. */
enum cg_err cg_ledger_add_credits(struct cg_store *store, int64_t period,
                                  long long credits,
                                  struct cg_error *err) CG_WARN_UNUSED;

#endif /* CG_OPENCTI_LEDGER_H */

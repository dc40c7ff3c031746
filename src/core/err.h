/*
 * The project-wide error codes and the error context that carries detail.
 * Library code returns enum cg_err and fills an optional struct cg_error;
 * only src/cli turns errors into exit codes and only the HTTP servers turn
 * them into status codes.
 */
#ifndef CG_CORE_ERR_H
#define CG_CORE_ERR_H

#include "core/common.h"

/*
 * X(NAME, message). Append new codes at the end and never renumber: the
 * numbers appear in JSON output and logs.
 */
#define CG_ERR_MAP(X)                                                 \
    X(OK, "success")                                                  \
    X(NOMEM, "out of memory")                                         \
    X(INVALID, "invalid value")                                       \
    X(TOO_LARGE, "input exceeds the size limit")                      \
    X(TOO_DEEP, "input exceeds the nesting limit")                    \
    X(IO, "input/output error")                                       \
    X(PARSE, "parse error")                                           \
    X(USAGE, "usage error")                                           \
    X(CONFIG, "invalid configuration")                                \
    X(NOT_FOUND, "not found")                                         \
    X(DB, "database error")                                           \
    X(NET, "network error")                                           \
    X(TIMEOUT, "timed out")                                           \
    X(PRIVATE_ADDR, "private or reserved address")                    \
    X(CIDR_RANGE, "CIDR block wider than one host")                   \
    X(API_KEY, "invalid API key")                                     \
    X(API_LIMIT, "API credits exhausted")                             \
    X(API_BUSY, "API refused a concurrent call")                      \
    X(API_RATE, "API rate limit hit")                                 \
    X(API_SERVER, "API server error")                                 \
    X(API_INPUT, "API rejected the value as invalid")                 \
    X(API_NO_DATA, "no data for this value")                          \
    X(API_PROTOCOL, "unexpected API response")                        \
    X(SCAN_FAILED, "domain scan failed")                              \
    X(SCAN_NO_DOMAIN, "domain does not exist")                        \
    X(SCAN_TIMEOUT, "domain scan did not finish before the deadline") \
    X(SCAN_BUSY, "a previous scan is still running")                  \
    X(BUDGET, "credit budget reached")                                \
    X(INTERRUPTED, "interrupted")                                     \
    X(TLP, "marking is above the allowed TLP")                        \
    X(SCOPE, "entity type is outside the scope")                      \
    X(AMQP, "AMQP error")                                             \
    X(GRAPHQL, "GraphQL error")                                       \
    X(STIX_INVALID, "invalid STIX object")                            \
    X(UNSUPPORTED, "not supported")

enum cg_err {
#define CG_ERR_ENUM(name, msg) CG_ERR_##name,
    CG_ERR_MAP(CG_ERR_ENUM)
#undef CG_ERR_ENUM
        CG_ERR__COUNT
};

#define CG_OK CG_ERR_OK

/* Size of the detail message kept in struct cg_error, in bytes. */
#define CG_ERROR_MSG_SIZE 512

/*
 * Detail for a failed call: the code, a message naming the value and the
 * reason, and the upstream code (CURLcode, SQLite result code, HTTP status
 * or API body status) when one exists, else 0.
 */
struct cg_error {
    enum cg_err code;
    long upstream;
    char msg[CG_ERROR_MSG_SIZE];
};

/* Returns the fixed message for a code, e.g. "invalid API key". */
const char *cg_strerror(enum cg_err code);

/* Returns the code's stable name, e.g. "API_KEY". */
const char *cg_err_name(enum cg_err code);

/*
 * Records code and a formatted message in err, and returns code so that a
 * caller can write `return cg_error_set(err, CG_ERR_INVALID, ...)`. err may
 * be NULL, in which case only the code is returned. The message is
 * truncated to CG_ERROR_MSG_SIZE - 1 bytes.
 */
enum cg_err cg_error_set(struct cg_error *err, enum cg_err code,
                         const char *fmt, ...) CG_PRINTF(3, 4);

/* Resets err to CG_OK with an empty message. err may be NULL. */
void cg_error_clear(struct cg_error *err);

/*
 * Returns err's message, or the code's fixed message when err has none.
 * Valid until err changes.
 */
const char *cg_error_text(const struct cg_error *err);

#endif /* CG_CORE_ERR_H */

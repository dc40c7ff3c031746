/*
 * The single logging front end. cg_log() checks the level before it formats
 * anything; lines go to stderr as text or JSON lines. Registered secrets
 * (API keys, tokens, passwords) are replaced by "[REDACTED]" in every line,
 * as a second line of defence behind code that never logs them.
 */
#ifndef CG_CORE_LOG_H
#define CG_CORE_LOG_H

#include "core/common.h"

enum cg_log_level {
    CG_LOG_TRACE,
    CG_LOG_DEBUG,
    CG_LOG_INFO,
    CG_LOG_WARN,
    CG_LOG_ERROR,
    CG_LOG_OFF
};

enum cg_log_format { CG_LOG_TEXT, CG_LOG_JSON };

/* Current threshold; lines below it are skipped without formatting. */
extern enum cg_log_level cg_log_threshold;

#define cg_log(level, subsystem, ...)                        \
    do {                                                     \
        if ((level) >= cg_log_threshold)                     \
            cg_log_write((level), (subsystem), __VA_ARGS__); \
    } while (0)

#define cg_log_error(sub, ...) cg_log(CG_LOG_ERROR, sub, __VA_ARGS__)
#define cg_log_warn(sub, ...)  cg_log(CG_LOG_WARN, sub, __VA_ARGS__)
#define cg_log_info(sub, ...)  cg_log(CG_LOG_INFO, sub, __VA_ARGS__)
#define cg_log_debug(sub, ...) cg_log(CG_LOG_DEBUG, sub, __VA_ARGS__)
#define cg_log_trace(sub, ...) cg_log(CG_LOG_TRACE, sub, __VA_ARGS__)

/* Formats and writes one line. Thread-safe. Use cg_log() instead. */
void cg_log_write(enum cg_log_level level, const char *subsystem,
                  const char *fmt, ...) CG_PRINTF(3, 4);

void cg_log_set_level(enum cg_log_level level);
void cg_log_set_format(enum cg_log_format format);

/*
 * Parses "trace", "debug", "info", "warn"/"warning", "error" or "off"
 * (any case) into *level. Returns false for anything else.
 */
bool cg_log_parse_level(const char *text, enum cg_log_level *level);

/* Parses "text" or "json" into *format. Returns false otherwise. */
bool cg_log_parse_format(const char *text, enum cg_log_format *format);

/*
 * Registers a secret that must never appear in a log line. Borrows nothing:
 * the text is copied. Secrets shorter than 4 bytes are ignored, since
 * redacting them would mangle ordinary words. At most 16 are kept.
 */
void cg_log_add_secret(const char *secret);

/* Forgets every registered secret. */
void cg_log_clear_secrets(void);

/*
 * Copies text into out (size bytes, always terminated) with every
 * registered secret replaced by "[REDACTED]". Used by the log writer and by
 * any code that echoes outside text, such as an error body.
 */
void cg_log_redact(const char *text, char *out, size_t size);

/*
 * Finds the earliest secret in text: returns where it starts and sets *len,
 * or returns NULL. ctx is the finder's own data.
 */
typedef const char *(*cg_secret_finder)(const void *ctx, const char *text,
                                        size_t *len);

/*
 * Copies text into out (size bytes, always terminated, truncated to fit)
 * with each secret that find reports replaced by "[REDACTED]". The shared
 * loop of cg_log_redact and of callers with their own list of secrets.
 */
void cg_log_mask(const char *text, cg_secret_finder find, const void *ctx,
                 char *out, size_t size);

#endif /* CG_CORE_LOG_H */

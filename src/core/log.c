/*
 * Log line formatting: a timestamp, the level, the process id, the
 * subsystem and the message, as text or as one JSON object per line.
 */
#include "core/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define LOG_LINE_MAX    4096
#define LOG_SECRETS_MAX 16
#define LOG_SECRET_MAX  512

enum cg_log_level cg_log_threshold = CG_LOG_INFO;

static enum cg_log_format log_format = CG_LOG_TEXT;
static char secrets[LOG_SECRETS_MAX][LOG_SECRET_MAX];
static size_t secret_count;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const level_names[] = {"trace", "debug", "info",
                                          "warn",  "error", "off"};

void cg_log_set_level(enum cg_log_level level)
{
    cg_log_threshold = level;
}

void cg_log_set_format(enum cg_log_format format)
{
    log_format = format;
}

bool cg_log_parse_level(const char *text, enum cg_log_level *level)
{
    if (!text)
        return false;
    for (size_t i = 0; i < CG_ARRAY_LEN(level_names); i++) {
        if (strcasecmp(text, level_names[i]) == 0) {
            *level = (enum cg_log_level)i;
            return true;
        }
    }
    if (strcasecmp(text, "warning") == 0) {
        *level = CG_LOG_WARN;
        return true;
    }
    return false;
}

bool cg_log_parse_format(const char *text, enum cg_log_format *format)
{
    if (text && strcasecmp(text, "text") == 0) {
        *format = CG_LOG_TEXT;
        return true;
    }
    if (text && strcasecmp(text, "json") == 0) {
        *format = CG_LOG_JSON;
        return true;
    }
    return false;
}

void cg_log_add_secret(const char *secret)
{
    size_t len = secret ? strlen(secret) : 0;

    if (len < 4 || len >= LOG_SECRET_MAX)
        return;
    pthread_mutex_lock(&log_lock);
    for (size_t i = 0; i < secret_count; i++) {
        if (strcmp(secrets[i], secret) == 0)
            goto out;
    }
    if (secret_count < LOG_SECRETS_MAX)
        memcpy(secrets[secret_count++], secret, len + 1);
out:
    pthread_mutex_unlock(&log_lock);
}

void cg_log_clear_secrets(void)
{
    pthread_mutex_lock(&log_lock);
    secret_count = 0;
    pthread_mutex_unlock(&log_lock);
}

/* Finds the earliest registered secret in text; the caller holds the lock. */
static const char *find_secret(const char *text, size_t *len)
{
    const char *best = NULL;

    for (size_t i = 0; i < secret_count; i++) {
        const char *hit = strstr(text, secrets[i]);

        if (hit && (!best || hit < best)) {
            best = hit;
            *len = strlen(secrets[i]);
        }
    }
    return best;
}

/* find_secret as a cg_secret_finder; the caller holds the lock. */
static const char *find_registered(const void *ctx, const char *text,
                                   size_t *len)
{
    (void)ctx;
    return find_secret(text, len);
}

static void redact_locked(const char *text, char *out, size_t size)
{
    cg_log_mask(text, find_registered, NULL, out, size);
}

void cg_log_mask(const char *text, cg_secret_finder find, const void *ctx,
                 char *out, size_t size)
{
    static const char mask[] = "[REDACTED]";
    size_t used = 0;

    if (size == 0)
        return;
    while (*text && used + 1 < size) {
        size_t secret_len = 0;
        const char *hit = find(ctx, text, &secret_len);
        size_t plain = hit ? (size_t)(hit - text) : strlen(text);
        size_t room = size - 1 - used;

        if (plain > room)
            plain = room;
        memcpy(out + used, text, plain);
        used += plain;
        if (!hit || used + sizeof(mask) > size)
            break;
        memcpy(out + used, mask, sizeof(mask) - 1);
        used += sizeof(mask) - 1;
        text = hit + secret_len;
    }
    out[used] = '\0';
}

void cg_log_redact(const char *text, char *out, size_t size)
{
    pthread_mutex_lock(&log_lock);
    redact_locked(text ? text : "", out, size);
    pthread_mutex_unlock(&log_lock);
}

/* Writes s as a JSON string body (without quotes), escaping as RFC 8259. */
static void write_json_string(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
}

void cg_log_write(enum cg_log_level level, const char *subsystem,
                  const char *fmt, ...)
{
    char raw[LOG_LINE_MAX];
    char line[LOG_LINE_MAX];
    char stamp[64];
    struct timespec now;
    struct tm tm;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(raw, sizeof(raw), fmt, ap);
    va_end(ap);

    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    snprintf(stamp, sizeof(stamp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec, (int)(now.tv_nsec / 1000000) % 1000);
    if ((unsigned)level > CG_LOG_ERROR)
        level = CG_LOG_ERROR;

    pthread_mutex_lock(&log_lock);
    redact_locked(raw, line, sizeof(line));
    if (log_format == CG_LOG_JSON) {
        fprintf(stderr, "{\"time\":\"%s\",\"level\":\"%s\",\"pid\":%ld,", stamp,
                level_names[level], (long)getpid());
        fputs("\"subsystem\":\"", stderr);
        write_json_string(stderr, subsystem ? subsystem : "");
        fputs("\",\"message\":\"", stderr);
        write_json_string(stderr, line);
        fputs("\"}\n", stderr);
    } else {
        fprintf(stderr, "%s %-5s [%ld] %s: %s\n", stamp, level_names[level],
                (long)getpid(), subsystem ? subsystem : "-", line);
    }
    pthread_mutex_unlock(&log_lock);
}

/*
 * Time helpers. Calendar arithmetic is done by hand (days from civil date)
 * so that parsing never depends on the process time zone.
 */
#include "core/clock.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t pinned = -1;
static pthread_once_t pin_once = PTHREAD_ONCE_INIT;

/* Reads CIPGRAPH_NOW once, on the first call from any thread. */
static void read_pin(void)
{
    const char *env = getenv("CIPGRAPH_NOW");
    int64_t t;

    if (env && *env && cg_time_parse(env, &t))
        pinned = t;
    else if (env && *env && strspn(env, "0123456789") == strlen(env))
        pinned = strtoll(env, NULL, 10);
}

void cg_time_pin(int64_t t)
{
    pthread_once(&pin_once, read_pin);
    pinned = t;
}

int64_t cg_time_now(void)
{
    pthread_once(&pin_once, read_pin);
    if (pinned >= 0)
        return pinned;
    return (int64_t)time(NULL);
}

int64_t cg_clock_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era;
    int64_t yoe;
    int64_t doy;
    int64_t doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    int64_t era;
    int64_t doe;
    int64_t yoe;
    int64_t doy;
    int64_t mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static void split(int64_t t, int *y, int *mo, int *d, int *h, int *mi, int *s)
{
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t rest = t - days * 86400;

    civil_from_days(days, y, mo, d);
    *h = (int)(rest / 3600);
    *mi = (int)(rest / 60 % 60);
    *s = (int)(rest % 60);
}

void cg_time_format(int64_t t, char out[CG_TIME_TEXT_SIZE])
{
    int y, mo, d, h, mi, s;

    split(t, &y, &mo, &d, &h, &mi, &s);
    snprintf(out, CG_TIME_TEXT_SIZE, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", y,
             mo, d, h, mi, s);
}

void cg_time_format_date(int64_t t, char out[CG_TIME_TEXT_SIZE])
{
    int y, mo, d, h, mi, s;

    split(t, &y, &mo, &d, &h, &mi, &s);
    snprintf(out, CG_TIME_TEXT_SIZE, "%04d-%02d-%02d", y, mo, d);
}

/* Reads exactly n digits. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static bool parse_zone(const char *p, int *offset)
{
    int zh, zm;
    int sign;

    *offset = 0;
    if (*p == '\0' || ((*p == 'Z' || *p == 'z') && p[1] == '\0'))
        return true;
    if (*p != '+' && *p != '-')
        return false;
    sign = *p == '-' ? -1 : 1;
    p++;
    if (!digits(&p, 2, &zh))
        return false;
    if (*p == ':')
        p++;
    if (!digits(&p, 2, &zm) || *p != '\0' || zh > 23 || zm > 59)
        return false;
    *offset = sign * (zh * 3600 + zm * 60);
    return true;
}

bool cg_time_parse(const char *text, int64_t *out)
{
    static const int month_days[] = {31, 29, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31};
    const char *p = text;
    int y, mo, d, h = 0, mi = 0, s = 0, offset = 0;

    if (!p || !digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) ||
        *p++ != '-' || !digits(&p, 2, &d))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > month_days[mo - 1])
        return false;
    if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        return false;
    if (*p == ' ' || *p == 'T' || *p == 't') {
        p++;
        if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi) ||
            *p++ != ':' || !digits(&p, 2, &s))
            return false;
        if (h > 23 || mi > 59 || s > 60)
            return false;
        if (*p == '.') {
            p++;
            if (!isdigit((unsigned char)*p))
                return false;
            while (isdigit((unsigned char)*p))
                p++;
        }
    }
    if (!parse_zone(p, &offset))
        return false;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset;
    return true;
}

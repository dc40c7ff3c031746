/*
 * FNV-1a hashing and a splitmix64 generator. Both are fixed algorithms with
 * published constants, so their output never changes between builds.
 */
#include "rng.h"

#include <math.h>
#include <string.h>

#define FNV_OFFSET_BASIS 0xcbf29ce484222325ULL
#define FNV_PRIME        0x100000001b3ULL

static uint64_t fnv1a(const void *data, size_t len, uint64_t hash)
{
    const unsigned char *p = data;

    for (size_t i = 0; i < len; i++) {
        hash ^= p[i];
        hash *= FNV_PRIME;
    }
    return hash;
}

uint64_t cg_sim_hash(const char *label, const char *text)
{
    uint64_t hash = FNV_OFFSET_BASIS;
    unsigned char separator = 0;

    hash = fnv1a(label, strlen(label), hash);
    hash = fnv1a(&separator, 1, hash);
    return fnv1a(text, strlen(text), hash);
}

void cg_sim_rng_seed(struct cg_sim_rng *rng, const char *label,
                     const char *text)
{
    rng->state = cg_sim_hash(label, text);
}

uint64_t cg_sim_rng_next(struct cg_sim_rng *rng)
{
    uint64_t z;

    rng->state += 0x9e3779b97f4a7c15ULL;
    z = rng->state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint32_t cg_sim_rng_below(struct cg_sim_rng *rng, uint32_t bound)
{
    uint64_t high = cg_sim_rng_next(rng) >> 32;

    /* Multiply-shift maps 32 random bits onto [0, bound) without a loop. */
    return (uint32_t)((high * bound) >> 32);
}

int cg_sim_rng_range(struct cg_sim_rng *rng, int low, int high)
{
    if (high <= low)
        return low;
    return low + (int)cg_sim_rng_below(rng, (uint32_t)(high - low) + 1);
}

bool cg_sim_rng_chance(struct cg_sim_rng *rng, unsigned per_mille)
{
    return cg_sim_rng_below(rng, 1000) < per_mille;
}

double cg_sim_rng_real(struct cg_sim_rng *rng, double low, double high)
{
    double unit = (double)(cg_sim_rng_next(rng) >> 11) / 9007199254740992.0;

    return round((low + unit * (high - low)) * 100.0) / 100.0;
}

void cg_sim_rng_hex(struct cg_sim_rng *rng, char *out, size_t digits,
                    bool upper)
{
    const char *alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    uint64_t bits = 0;

    for (size_t i = 0; i < digits; i++) {
        if (i % 16 == 0)
            bits = cg_sim_rng_next(rng);
        out[i] = alphabet[bits & 0xf];
        bits >>= 4;
    }
    out[digits] = '\0';
}

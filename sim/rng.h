/*
 * Deterministic pseudo-random values for the simulator. Every generated body
 * is seeded from a 64-bit FNV-1a hash of a purpose label and the canonical
 * request value, so the same value yields the same body in every run and
 * every process. Nothing here reads rand() or the clock.
 */
#ifndef CG_SIM_RNG_H
#define CG_SIM_RNG_H

#include "core/common.h"

/* A splitmix64 generator state. */
struct cg_sim_rng {
    uint64_t state;
};

/* Returns the 64-bit FNV-1a hash of label, a 0 byte, then text. */
uint64_t cg_sim_hash(const char *label, const char *text);

/* Seeds rng with cg_sim_hash(label, text). */
void cg_sim_rng_seed(struct cg_sim_rng *rng, const char *label,
                     const char *text);

/* Returns the next 64 pseudo-random bits. */
uint64_t cg_sim_rng_next(struct cg_sim_rng *rng);

/* Returns a value in [0, bound); bound 0 returns 0. */
uint32_t cg_sim_rng_below(struct cg_sim_rng *rng, uint32_t bound);

/* Returns a value in [low, high], both inclusive. */
int cg_sim_rng_range(struct cg_sim_rng *rng, int low, int high);

/* Returns true with a probability of per_mille / 1000. */
bool cg_sim_rng_chance(struct cg_sim_rng *rng, unsigned per_mille);

/* Returns a value in [low, high] rounded to two decimals. */
double cg_sim_rng_real(struct cg_sim_rng *rng, double low, double high);

/*
 * Writes digits hexadecimal digits and a terminating NUL to out, which must
 * hold digits + 1 bytes.
 */
void cg_sim_rng_hex(struct cg_sim_rng *rng, char *out, size_t digits,
                    bool upper);

#endif /* CG_SIM_RNG_H */

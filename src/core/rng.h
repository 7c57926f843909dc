/* Deterministic pseudo-random numbers (xoshiro256**, seeded through splitmix64).
 * Same seed, same sequence, on every platform: the demo generator's output is a
 * pure function of its arguments because of this. Not for secrets (use
 * libsodium). One generator per thread. */
#ifndef MSOC_CORE_RNG_H
#define MSOC_CORE_RNG_H

#include <stdint.h>

typedef struct msoc_rng {
    uint64_t s[4];
} msoc_rng;

void msoc_rng_seed(msoc_rng *r, uint64_t seed);
/* Seeds from a parent seed and a stream label, for independent sub-streams. */
void msoc_rng_seed2(msoc_rng *r, uint64_t seed, uint64_t stream);
uint64_t msoc_rng_next(msoc_rng *r);
/* Uniform in [0, n); n > 0 (Lemire's unbiased multiply-shift). */
uint64_t msoc_rng_below(msoc_rng *r, uint64_t n);
/* Uniform in [0, 1). */
double msoc_rng_double(msoc_rng *r);
/* True with probability p. */
int msoc_rng_chance(msoc_rng *r, double p);
/* Standard normal (Box-Muller) and exponential with the given mean. */
double msoc_rng_normal(msoc_rng *r);
double msoc_rng_exp(msoc_rng *r, double mean);

#endif

/* xoshiro256** by Blackman and Vigna (public domain algorithm), re-implemented. */
#include "rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void msoc_rng_seed(msoc_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

void msoc_rng_seed2(msoc_rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ULL);
    msoc_rng_seed(r, splitmix64(&x));
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t msoc_rng_next(msoc_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t msoc_rng_below(msoc_rng *r, uint64_t n)
{
    /* 128-bit product via two 64-bit halves, to stay in strict C17. */
    for (;;) {
        uint64_t x = msoc_rng_next(r);
        uint64_t x_lo = x & 0xffffffffULL, x_hi = x >> 32;
        uint64_t n_lo = n & 0xffffffffULL, n_hi = n >> 32;
        uint64_t lo_lo = x_lo * n_lo;
        uint64_t hi_lo = x_hi * n_lo;
        uint64_t lo_hi = x_lo * n_hi;
        uint64_t hi_hi = x_hi * n_hi;
        uint64_t cross = (lo_lo >> 32) + (hi_lo & 0xffffffffULL) + lo_hi;
        uint64_t hi = hi_hi + (hi_lo >> 32) + (cross >> 32);
        uint64_t lo = (cross << 32) | (lo_lo & 0xffffffffULL);
        if (lo >= n || lo >= (0 - n) % n)
            return hi;
    }
}

double msoc_rng_double(msoc_rng *r)
{
    return (double)(msoc_rng_next(r) >> 11) * 0x1.0p-53;
}

int msoc_rng_chance(msoc_rng *r, double p)
{
    return msoc_rng_double(r) < p;
}

double msoc_rng_normal(msoc_rng *r)
{
    double u1 = msoc_rng_double(r);
    double u2 = msoc_rng_double(r);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

double msoc_rng_exp(msoc_rng *r, double mean)
{
    double u = msoc_rng_double(r);
    return -mean * log(1.0 - u);
}

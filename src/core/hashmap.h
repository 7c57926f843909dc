/* Open-addressing hash map from byte-string keys to pointer values, hashed with
 * xxHash3 (linear probing, power-of-two capacity, load factor <= 3/4, backward-
 * shift deletion). Keys are copied into the map. The map's memory comes from an
 * arena (charged to its budget) or, when the arena is NULL, from the heap.
 * Not thread-safe. */
#ifndef MSOC_CORE_HASHMAP_H
#define MSOC_CORE_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "error.h"
#include "str.h"

typedef struct msoc_hashmap_entry {
    uint64_t hash;
    const char *key;   /* owned by the map; NULL marks an empty slot */
    size_t key_len;
    void *value;
} msoc_hashmap_entry;

typedef struct msoc_hashmap {
    msoc_hashmap_entry *slots;
    size_t cap;        /* slots, a power of two */
    size_t n;          /* live entries */
    size_t max_n;      /* cap on entries; 0 for none */
    msoc_arena *arena; /* NULL: heap */
    msoc_arena *keys;  /* key storage (a child of arena, or a private arena) */
} msoc_hashmap;

uint64_t msoc_hash_bytes(const void *p, size_t len);
uint64_t msoc_hash_u64(uint64_t v);

void msoc_hashmap_init(msoc_hashmap *m, msoc_arena *arena, size_t max_n);
void msoc_hashmap_fini(msoc_hashmap *m);

/* The value slot for key, or NULL when absent. */
void **msoc_hashmap_get(const msoc_hashmap *m, const void *key, size_t len);
/* Finds or inserts key; *is_new tells which. Returns the value slot (NULL-valued
 * when new), or NULL when max_n or the arena budget is reached. */
void **msoc_hashmap_upsert(msoc_hashmap *m, const void *key, size_t len, bool *is_new);
/* Inserts or replaces. MSOC_LIMIT when full. */
msoc_status msoc_hashmap_put(msoc_hashmap *m, const void *key, size_t len, void *value);
/* Removes key; returns whether it was present. */
bool msoc_hashmap_remove(msoc_hashmap *m, const void *key, size_t len);
/* Iteration: start with *iter = 0; returns false at the end. */
bool msoc_hashmap_next(const msoc_hashmap *m, size_t *iter, msoc_str *key, void **value);

#endif

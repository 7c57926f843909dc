/* msoc_hashmap: linear probing over a power-of-two slot array. */
#include "hashmap.h"

#include <string.h>
#include <xxhash.h>

#include "mem.h"

uint64_t msoc_hash_bytes(const void *p, size_t len)
{
    return XXH3_64bits(p, len);
}

uint64_t msoc_hash_u64(uint64_t v)
{
    /* splitmix64 finaliser: full avalanche for integer keys. */
    v ^= v >> 30;
    v *= 0xbf58476d1ce4e5b9ULL;
    v ^= v >> 27;
    v *= 0x94d049bb133111ebULL;
    v ^= v >> 31;
    return v;
}

void msoc_hashmap_init(msoc_hashmap *m, msoc_arena *arena, size_t max_n)
{
    memset(m, 0, sizeof *m);
    m->arena = arena;
    m->max_n = max_n;
    m->keys = msoc_arena_new(arena, 0, "hashmap keys");
}

void msoc_hashmap_fini(msoc_hashmap *m)
{
    if (m->arena == NULL)
        msoc_free(m->slots);
    msoc_arena_free(m->keys);
    memset(m, 0, sizeof *m);
}

static msoc_hashmap_entry *alloc_slots(msoc_hashmap *m, size_t cap)
{
    if (m->arena == NULL)
        return msoc_calloc(cap, sizeof(msoc_hashmap_entry));
    return msoc_arena_calloc(m->arena, cap, sizeof(msoc_hashmap_entry));
}

static bool grow(msoc_hashmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 16;
    msoc_hashmap_entry *slots = alloc_slots(m, cap);
    if (slots == NULL)
        return false;
    for (size_t i = 0; i < m->cap; i++) {
        msoc_hashmap_entry *e = &m->slots[i];
        if (e->key == NULL)
            continue;
        size_t j = e->hash & (cap - 1);
        while (slots[j].key != NULL)
            j = (j + 1) & (cap - 1);
        slots[j] = *e;
    }
    if (m->arena == NULL)
        msoc_free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return true;
}

static size_t find(const msoc_hashmap *m, uint64_t h, const void *key, size_t len, bool *found)
{
    size_t mask = m->cap - 1;
    size_t i = h & mask;
    for (;;) {
        const msoc_hashmap_entry *e = &m->slots[i];
        if (e->key == NULL) {
            *found = false;
            return i;
        }
        if (e->hash == h && e->key_len == len && memcmp(e->key, key, len) == 0) {
            *found = true;
            return i;
        }
        i = (i + 1) & mask;
    }
}

void **msoc_hashmap_get(const msoc_hashmap *m, const void *key, size_t len)
{
    if (m->n == 0)
        return NULL;
    bool found;
    size_t i = find(m, msoc_hash_bytes(key, len), key, len, &found);
    return found ? &m->slots[i].value : NULL;
}

void **msoc_hashmap_upsert(msoc_hashmap *m, const void *key, size_t len, bool *is_new)
{
    uint64_t h = msoc_hash_bytes(key, len);
    bool found = false;
    size_t i = 0;
    if (m->cap) {
        i = find(m, h, key, len, &found);
        if (found) {
            *is_new = false;
            return &m->slots[i].value;
        }
    }
    if (m->max_n && m->n >= m->max_n)
        return NULL;
    if ((m->n + 1) * 4 > m->cap * 3) {
        if (!grow(m))
            return NULL;
        i = find(m, h, key, len, &found);
    }
    /* A non-NULL pointer even for the empty key marks the slot used. */
    char *k = msoc_arena_memdup(m->keys, key, len ? len : 1);
    if (k == NULL)
        return NULL;
    msoc_hashmap_entry *e = &m->slots[i];
    e->hash = h;
    e->key = k;
    e->key_len = len;
    e->value = NULL;
    m->n++;
    *is_new = true;
    return &e->value;
}

msoc_status msoc_hashmap_put(msoc_hashmap *m, const void *key, size_t len, void *value)
{
    bool is_new;
    void **slot = msoc_hashmap_upsert(m, key, len, &is_new);
    if (slot == NULL)
        return MSOC_LIMIT;
    *slot = value;
    return MSOC_OK;
}

bool msoc_hashmap_remove(msoc_hashmap *m, const void *key, size_t len)
{
    if (m->n == 0)
        return false;
    bool found;
    size_t i = find(m, msoc_hash_bytes(key, len), key, len, &found);
    if (!found)
        return false;
    /* Backward-shift deletion keeps probe chains intact without tombstones. The
     * key bytes stay in the key arena until the map is freed. */
    size_t mask = m->cap - 1;
    size_t hole = i;
    size_t j = (i + 1) & mask;
    while (m->slots[j].key != NULL) {
        size_t home = m->slots[j].hash & mask;
        /* Move j into the hole if its home is not in (hole, j] cyclically. */
        bool in_range = (hole <= j) ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!in_range) {
            m->slots[hole] = m->slots[j];
            hole = j;
        }
        j = (j + 1) & mask;
    }
    memset(&m->slots[hole], 0, sizeof m->slots[hole]);
    m->n--;
    return true;
}

bool msoc_hashmap_next(const msoc_hashmap *m, size_t *iter, msoc_str *key, void **value)
{
    for (size_t i = *iter; i < m->cap; i++) {
        const msoc_hashmap_entry *e = &m->slots[i];
        if (e->key != NULL) {
            if (key)
                *key = msoc_str_make(e->key, e->key_len);
            if (value)
                *value = e->value;
            *iter = i + 1;
            return true;
        }
    }
    *iter = m->cap;
    return false;
}

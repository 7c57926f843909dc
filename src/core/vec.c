/* msoc_vec: doubling growth, capped. */
#include "vec.h"

#include <stdint.h>
#include <string.h>

#include "mem.h"

void msoc_vec_init(msoc_vec *v, size_t elem_size, size_t max_n)
{
    v->data = NULL;
    v->n = v->cap = 0;
    v->elem_size = elem_size;
    v->max_n = max_n ? max_n : SIZE_MAX / (elem_size ? elem_size : 1);
}

void msoc_vec_fini(msoc_vec *v)
{
    msoc_free(v->data);
    v->data = NULL;
    v->n = v->cap = 0;
}

msoc_status msoc_vec_reserve(msoc_vec *v, size_t n_total)
{
    if (n_total <= v->cap)
        return MSOC_OK;
    if (n_total > v->max_n)
        return MSOC_TOOBIG;
    size_t cap = v->cap ? v->cap : 8;
    while (cap < n_total)
        cap = cap > v->max_n / 2 ? v->max_n : cap * 2;
    v->data = msoc_realloc(v->data, cap * v->elem_size);
    v->cap = cap;
    return MSOC_OK;
}

void *msoc_vec_push(msoc_vec *v)
{
    if (msoc_vec_reserve(v, v->n + 1) != MSOC_OK)
        return NULL;
    void *slot = (char *)v->data + v->n * v->elem_size;
    memset(slot, 0, v->elem_size);
    v->n++;
    return slot;
}

msoc_status msoc_vec_append(msoc_vec *v, const void *elem)
{
    void *slot = msoc_vec_push(v);
    if (slot == NULL)
        return MSOC_TOOBIG;
    memcpy(slot, elem, v->elem_size);
    return MSOC_OK;
}

void msoc_vec_clear(msoc_vec *v)
{
    v->n = 0;
}

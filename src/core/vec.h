/* A growable array of fixed-size elements on the heap, capped at max_n elements. */
#ifndef MSOC_CORE_VEC_H
#define MSOC_CORE_VEC_H

#include <stddef.h>

#include "error.h"

typedef struct msoc_vec {
    void *data;
    size_t n;          /* elements in use */
    size_t cap;        /* elements allocated */
    size_t elem_size;
    size_t max_n;      /* the cap on n */
} msoc_vec;

void msoc_vec_init(msoc_vec *v, size_t elem_size, size_t max_n);
void msoc_vec_fini(msoc_vec *v);
/* Ensures room for n_total elements; MSOC_TOOBIG past max_n. */
msoc_status msoc_vec_reserve(msoc_vec *v, size_t n_total);
/* Appends one zeroed element and returns it, or NULL at the cap. */
void *msoc_vec_push(msoc_vec *v);
/* Appends a copy of elem; MSOC_TOOBIG at the cap. */
msoc_status msoc_vec_append(msoc_vec *v, const void *elem);
void msoc_vec_clear(msoc_vec *v);

#define MSOC_VEC_AT(v, type, i) (((type *)(v)->data)[i])

#endif

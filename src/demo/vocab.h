/* Vocabulary tables of the demo generator (vocab.c). */
#ifndef MSOC_DEMO_VOCAB_H
#define MSOC_DEMO_VOCAB_H

#include <stddef.h>

#include "demo_int.h"

typedef struct dm_software {
    const char *vendor, *name;
    const char *versions[4]; /* oldest first; the newest is the patched one */
    double share;            /* fraction of Windows workstations that have it */
} dm_software;
extern const dm_software dm_software_list[];
extern const size_t dm_n_software;
extern const dm_software dm_linux_software[];
extern const size_t dm_n_linux_software;

typedef struct dm_place {
    const char *tz_name;
    int offset_min;
    const char *country, *city;
} dm_place;
extern const dm_place dm_places[];
extern const size_t dm_n_places;

extern const char *const dm_given[];
extern const size_t dm_n_given;
extern const char *const dm_surnames[];
extern const size_t dm_n_surnames;
extern const char *const dm_departments[];
extern const char *const dm_titles[];
extern const size_t dm_n_departments;
extern const char *const dm_org_a[];
extern const size_t dm_n_org_a;
extern const char *const dm_org_b[];
extern const size_t dm_n_org_b;
extern const char *const dm_web_domains[];
extern const size_t dm_n_web_domains;
extern const char *const dm_bad_words[];
extern const size_t dm_n_bad_words;
extern const char *const dm_bad_tlds[];
extern const size_t dm_n_bad_tlds;

int dm_vocab_proc(const dm_vocab *v, const char *file);

#endif

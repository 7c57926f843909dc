/* Umbrella header for src/core. */
#ifndef MSOC_CORE_CORE_H
#define MSOC_CORE_CORE_H

#include "arena.h"
#include "error.h"
#include "hashmap.h"
#include "log.h"
#include "mem.h"
#include "pool.h"
#include "rng.h"
#include "str.h"
#include "types.h"
#include "datetime.h"
#include "vec.h"

#endif

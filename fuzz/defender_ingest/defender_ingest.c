/* libFuzzer target: the defender_ingest ingest format (see ../ingest_harness.h). */
#define FUZZ_FORMAT MSOC_INGEST_DEFENDER
#include "../ingest_harness.h"

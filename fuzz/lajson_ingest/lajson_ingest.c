/* libFuzzer target: the lajson_ingest ingest format (see ../ingest_harness.h). */
#define FUZZ_FORMAT MSOC_INGEST_LA_JSON
#include "../ingest_harness.h"

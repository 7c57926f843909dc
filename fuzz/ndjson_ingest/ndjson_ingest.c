/* libFuzzer target: the ndjson_ingest ingest format (see ../ingest_harness.h). */
#define FUZZ_FORMAT MSOC_INGEST_NDJSON
#include "../ingest_harness.h"

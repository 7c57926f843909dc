/* libFuzzer target: the csv_ingest ingest format (see ../ingest_harness.h). */
#define FUZZ_FORMAT MSOC_INGEST_CSV
#include "../ingest_harness.h"

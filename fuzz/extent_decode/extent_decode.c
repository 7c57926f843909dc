/* libFuzzer target: extent decoding. Each input is taken as an extent file and
 * every block of every column is decoded (msoc_stor_extent_verify): a damaged
 * extent must yield MSOC_CORRUPT, never a crash or an out-of-bounds read. */
#include <stdint.h>
#include <stdlib.h>

#include "storage/storage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    msoc_error err;
    msoc_error_clear(&err);
    size_t n_rows = 0;
    /* Checksums on and off: off lets mutations reach the block decoders. */
    msoc_status st = msoc_stor_extent_verify("fuzz.ext", data, size, 0, &n_rows, &err);
    if (st != MSOC_OK && st != MSOC_CORRUPT && st != MSOC_LIMIT)
        abort();
    msoc_error_clear(&err);
    st = msoc_stor_extent_verify("fuzz.ext", data, size, MSOC_STOR_VERIFY_NO_CHECKSUMS, &n_rows,
                                 &err);
    if (st != MSOC_OK && st != MSOC_CORRUPT && st != MSOC_LIMIT)
        abort();
    return 0;
}

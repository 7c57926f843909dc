/* libFuzzer target for the KQL front end: any bytes must parse or fail with a
 * positioned error, never crash, leak or overrun the arena budget; and whatever
 * parses must survive the formatter round trip (format, reparse, equal AST) and the
 * JSON dump. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/arena.h"
#include "core/str.h"
#include "kql/kql.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024)
        return 0;
    msoc_arena *arena = msoc_arena_new(NULL, 8u << 20, "fuzz");
    msoc_error err;
    msoc_error_clear(&err);
    msoc_kql_node *root = NULL;
    msoc_kql_diag_code diag = MSOC_KQL_DIAG_NONE;
    msoc_kql_parse_opts opts = {.max_depth = 64, .max_len = 0};
    msoc_status st = msoc_kql_parse_ex((const char *)data, size, arena, &opts, &root, &diag, &err);
    if (st == MSOC_SYNTAX && (err.line == 0 || err.col == 0 || diag == MSOC_KQL_DIAG_NONE)) {
        fprintf(stderr, "syntax error without position or code: %s\n", err.msg);
        abort();
    }
    if (st == MSOC_OK) {
        msoc_buf out;
        msoc_buf_init(&out, 4u << 20);
        msoc_error_clear(&err);
        if (msoc_kql_format(root, &out, &err) == MSOC_OK) {
            msoc_kql_node *again = NULL;
            msoc_error err2;
            msoc_error_clear(&err2);
            msoc_status st2 =
                msoc_kql_parse_ex(out.data, out.len, arena, &opts, &again, &diag, &err2);
            /* The formatted text may nest deeper than the cap allows (added parentheses)
             * or exhaust the budget; anything else must round-trip exactly. */
            if (st2 == MSOC_SYNTAX && diag != MSOC_KQL_DIAG_TOO_DEEP) {
                fprintf(stderr, "formatted text does not parse: %s\n---\n%s\n---\n", err2.msg,
                        out.data);
                abort();
            }
            if (st2 == MSOC_OK && !msoc_kql_equal(root, again)) {
                fprintf(stderr, "round trip changed the AST\n---\n%s\n---\n", out.data);
                abort();
            }
        }
        msoc_buf_reset(&out);
        msoc_error_clear(&err);
        msoc_kql_to_json(root, &out, &err);
        msoc_buf_fini(&out);
    }
    msoc_arena_free(arena);
    return 0;
}

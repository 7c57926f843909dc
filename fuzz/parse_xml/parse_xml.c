/* libFuzzer target: parse_xml()'s converter (exec/xml.h) over arbitrary bytes. Any
 * input must give a JSON value or NULL, never a crash, leak or sanitizer report;
 * a value must be an object with exactly one key (the root element) and must
 * serialise. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "exec/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *j = msoc_exec_xml_to_json((const char *)data, size);
    if (j == NULL)
        return 0;
    if (!json_is_object(j) || json_object_size(j) != 1)
        abort();
    char *text = json_dumps(j, JSON_COMPACT);
    if (text == NULL)
        abort();
    free(text); /* jansson's allocation */
    json_decref(j);
    return 0;
}

/* parse_user_agent() on ua-parser's rules (fn_useragent.c; uap-core, libyaml, PCRE2). */
#ifndef MSOC_EXEC_USERAGENT_H
#define MSOC_EXEC_USERAGENT_H

#include <jansson.h>
#include <stddef.h>

/* Where Debian's uap-core package puts ua-parser's rule database. */
#ifndef MSOC_UAP_REGEXES_PATH
#define MSOC_UAP_REGEXES_PATH "/usr/share/uap-core/regexes.yaml"
#endif

/* Sections to parse (bit set). */
#define MSOC_UA_BROWSER 1u
#define MSOC_UA_OS 2u
#define MSOC_UA_DEVICE 4u

/* The environment variable MSOC_UAP_REGEXES, when set, names another rules file.
 * Loads the rules on first call (once per process, thread-safe). NULL when they are
 * usable, else why not ("uap-core rules not installed at PATH", a YAML or regex
 * error). */
const char *msoc_exec_useragent_rules_error(void);

/* {"Browser": {...}, "OperatingSystem": {...}, "Device": {...}} for the sections in
 * what; NULL when the rules are missing or on out of memory / non-UTF-8 output.
 * Caller owns the result. Thread-safe. */
json_t *msoc_exec_useragent_parse(const char *ua, size_t len, unsigned what);

#endif

/* The public API of multisoc for the CLI and embedders: opaque handles and
 * functions only (STYLE.md §3). It grows as capabilities land. */
#ifndef MULTISOC_MULTISOC_H
#define MULTISOC_MULTISOC_H

#if defined(__GNUC__)
#    define MSOC_API __attribute__((visibility("default")))
#else
#    define MSOC_API
#endif

/* "0.1.0" */
MSOC_API const char *msoc_version(void);

#endif

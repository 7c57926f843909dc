/* File-system helpers that every module and test needs and none owns. */
#ifndef MSOC_CORE_FS_H
#define MSOC_CORE_FS_H

#include "error.h"

/* Remove path and, when it is a directory, everything below it (symbolic links
 * are removed, never followed). A path that does not exist is not an error.
 * On failure err names the first entry that could not be removed. */
msoc_status msoc_remove_tree(const char *path, msoc_error *err);

#endif

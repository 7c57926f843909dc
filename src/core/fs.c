/* File-system helpers (fs.h). */
#define _XOPEN_SOURCE 700
#include "fs.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>

/* nftw gives its callback no user pointer; the first failure is kept here for the
 * duration of one walk. Walks are short and callers are not concurrent on the same
 * thread, so a thread-local slot is enough. */
static _Thread_local struct {
    char path[512];
    int errnum;
} remove_failure;

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    if (remove(path) != 0 && errno != ENOENT && remove_failure.errnum == 0) {
        remove_failure.errnum = errno;
        snprintf(remove_failure.path, sizeof remove_failure.path, "%s", path);
    }
    return 0; /* keep going: remove as much as can be removed */
}

msoc_status msoc_remove_tree(const char *path, msoc_error *err)
{
    remove_failure.errnum = 0;
    remove_failure.path[0] = '\0';
    if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0) {
        if (errno == ENOENT)
            return MSOC_OK;
        return msoc_fail(err, MSOC_IO, "%s: cannot remove: %s", path, strerror(errno));
    }
    if (remove_failure.errnum != 0)
        return msoc_fail(err, MSOC_IO, "%s: cannot remove: %s", remove_failure.path,
                         strerror(remove_failure.errnum));
    return MSOC_OK;
}

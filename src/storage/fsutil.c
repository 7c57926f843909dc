/* File-system helpers for durable writes: mkdir -p, fsync of directories,
 * atomic replace (temp, fsync, rename, fsync dir). See docs/storage.md. */
#define _GNU_SOURCE /* sync_file_range */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "core/mem.h"
#include "stor_int.h"

msoc_status msoc_stor__mkdirs(const char *path, msoc_error *err)
{
    char *p = msoc_strdup(path);
    size_t len = strlen(p);
    for (size_t i = 1; i <= len; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        char c = p[i];
        p[i] = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            int e = errno;
            msoc_fail(err, MSOC_IO, "%s: cannot create directory: %s", p, strerror(e));
            msoc_free(p);
            return MSOC_IO;
        }
        p[i] = c;
    }
    msoc_free(p);
    return MSOC_OK;
}

int msoc_stor__fsync(int fd, bool is_nosync)
{
    if (is_nosync)
        return 0;
    return msoc_fault_io() ? -1 : fdatasync(fd);
}

msoc_status msoc_stor__fsync_dir(const char *path, bool is_nosync, msoc_error *err)
{
    if (is_nosync)
        return MSOC_OK;
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return msoc_fail(err, MSOC_IO, "%s: cannot open directory: %s", path, strerror(errno));
    if (msoc_fault_io() || fsync(fd) != 0) {
        close(fd);
        return msoc_fail(err, MSOC_IO, "%s: fsync failed", path);
    }
    close(fd);
    return MSOC_OK;
}

msoc_status msoc_stor__write_all(int fd, const void *p, size_t len, const char *path,
                                 msoc_error *err)
{
    const char *c = p;
    if (msoc_fault_io())
        return msoc_fail(err, MSOC_IO, "%s: write failed (injected)", path);
    while (len > 0) {
        ssize_t w = write(fd, c, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return msoc_fail(err, MSOC_IO, "%s: write failed: %s", path, strerror(errno));
        }
        c += w;
        len -= (size_t)w;
    }
    return MSOC_OK;
}

static char *tmp_path(const char *path)
{
    size_t plen = strlen(path);
    char *tmp = msoc_malloc(plen + 5);
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp", 5);
    return tmp;
}

msoc_status msoc_stor__tmp_write(const char *path, const void *p, size_t len, bool is_nosync,
                                 int *fd_out, msoc_error *err)
{
    *fd_out = -1;
    char *tmp = tmp_path(path);
    msoc_status st = MSOC_OK;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        st = msoc_fail(err, MSOC_IO, "%s: cannot create: %s", tmp, strerror(errno));
        msoc_free(tmp);
        return st;
    }
    st = msoc_stor__write_all(fd, p, len, tmp, err);
    if (st != MSOC_OK) {
        close(fd);
        unlink(tmp);
        msoc_free(tmp);
        return st;
    }
#ifdef SYNC_FILE_RANGE_WRITE
    /* Start the writeback now (it does not wait): the fdatasync that makes the
     * file durable later then waits for less. */
    if (!is_nosync)
        (void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
    (void)is_nosync;
#endif
    msoc_free(tmp);
    *fd_out = fd;
    return MSOC_OK;
}

msoc_status msoc_stor__tmp_commit(const char *path, int fd, bool is_nosync, msoc_error *err)
{
    char *tmp = tmp_path(path);
    msoc_status st = MSOC_OK;
    if (msoc_stor__fsync(fd, is_nosync) != 0)
        st = msoc_fail(err, MSOC_IO, "%s: fsync failed", tmp);
    close(fd);
    if (st == MSOC_OK && rename(tmp, path) != 0)
        st = msoc_fail(err, MSOC_IO, "%s: rename failed: %s", path, strerror(errno));
    if (st != MSOC_OK)
        unlink(tmp);
    msoc_free(tmp);
    return st;
}

void msoc_stor__tmp_abort(const char *path, int fd)
{
    char *tmp = tmp_path(path);
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    msoc_free(tmp);
}

msoc_status msoc_stor__write_file_atomic(const char *path, const void *p, size_t len,
                                         bool is_nosync, msoc_error *err)
{
    int fd;
    msoc_status st = msoc_stor__tmp_write(path, p, len, is_nosync, &fd, err);
    if (st == MSOC_OK)
        st = msoc_stor__tmp_commit(path, fd, is_nosync, err);
    if (st == MSOC_OK) {
        char *dir = msoc_strdup(path);
        char *slash = strrchr(dir, '/');
        if (slash != NULL)
            *slash = '\0';
        st = msoc_stor__fsync_dir(slash != NULL ? dir : ".", is_nosync, err);
        msoc_free(dir);
    }
    return st;
}

msoc_status msoc_stor__read_file(const char *path, size_t max, char **out, size_t *len,
                                 msoc_error *err)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        if (errno == ENOENT)
            return msoc_fail(err, MSOC_NOTFOUND, "%s: not found", path);
        return msoc_fail(err, MSOC_IO, "%s: cannot open: %s", path, strerror(errno));
    }
    struct stat stt;
    if (fstat(fd, &stt) != 0 || (size_t)stt.st_size > max) {
        close(fd);
        return msoc_fail(err, MSOC_TOOBIG, "%s: larger than %zu bytes", path, max);
    }
    size_t n = (size_t)stt.st_size;
    char *buf = msoc_malloc(n + 1);
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    buf[got] = '\0';
    *out = buf;
    *len = got;
    return MSOC_OK;
}

bool msoc_stor__safe_name(const char *s)
{
    if (s == NULL || s[0] == '\0' || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return false;
    size_t n = 0;
    for (const char *c = s; *c; c++, n++) {
        bool is_ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                     (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.';
        if (!is_ok)
            return false;
    }
    return n <= 200;
}

char *msoc_stor__path(const char *a, const char *b, const char *c, const char *d)
{
    const char *parts[4] = {a, b, c, d};
    size_t len = 1;
    for (int i = 0; i < 4; i++)
        if (parts[i] != NULL)
            len += strlen(parts[i]) + 1;
    char *p = msoc_malloc(len);
    size_t at = 0;
    for (int i = 0; i < 4; i++) {
        if (parts[i] == NULL)
            continue;
        if (at > 0)
            p[at++] = '/';
        size_t l = strlen(parts[i]);
        memcpy(p + at, parts[i], l);
        at += l;
    }
    p[at] = '\0';
    return p;
}

uint32_t msoc_stor__crc32(const void *p, size_t len)
{
    return XXH32(p, len, 0x6d736f63u);
}

bool msoc_stor_name_is_safe(const char *s)
{
    return msoc_stor__safe_name(s);
}

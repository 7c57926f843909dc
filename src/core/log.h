/* Logging through a caller-supplied sink. Library code logs via an msoc_logger
 * passed in its context; only the CLI and server decide where lines go (stderr,
 * a file), so src/ never writes to stderr itself (STYLE.md §4). Thread-safe as
 * long as the sink is. */
#ifndef MSOC_CORE_LOG_H
#define MSOC_CORE_LOG_H

#include <stdio.h>

typedef enum msoc_log_level {
    MSOC_LOG_ERROR,
    MSOC_LOG_WARN,
    MSOC_LOG_INFO,
    MSOC_LOG_DEBUG,
} msoc_log_level;

typedef struct msoc_logger {
    msoc_log_level level;                                       /* lines above it are dropped */
    void (*sink)(void *ud, msoc_log_level level, const char *line); /* NULL: drop everything */
    void *ud;
} msoc_logger;

/* Formats one line and hands it to the sink. logger may be NULL. */
void msoc_log(const msoc_logger *logger, msoc_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A sink that writes "2024-01-31T08:00:00Z level message\n" to the FILE * in ud,
 * under a lock so lines from several threads do not interleave. */
void msoc_log_file_sink(void *ud, msoc_log_level level, const char *line);
const char *msoc_log_level_str(msoc_log_level level);
/* Parses error|warn|info|debug; returns -1 when unknown. */
int msoc_log_level_parse(const char *s);

#endif

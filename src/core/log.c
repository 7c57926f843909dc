/* msoc_log: format, filter by level, hand to the sink. */
#include "log.h"

#include <stdarg.h>
#include <string.h>

#include "datetime.h"

static const char *level_names[] = {"error", "warn", "info", "debug"};

const char *msoc_log_level_str(msoc_log_level level)
{
    return (unsigned)level < 4 ? level_names[level] : "?";
}

int msoc_log_level_parse(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, level_names[i]) == 0)
            return i;
    return -1;
}

void msoc_log(const msoc_logger *logger, msoc_log_level level, const char *fmt, ...)
{
    if (logger == NULL || logger->sink == NULL || level > logger->level)
        return;
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    logger->sink(logger->ud, level, line);
}

void msoc_log_file_sink(void *ud, msoc_log_level level, const char *line)
{
    FILE *f = ud;
    char ts[MSOC_DATETIME_FMT_CAP];
    msoc_datetime_format(msoc_datetime_now(), ts);
    ts[19] = 'Z'; /* whole seconds are enough in a log line */
    ts[20] = '\0';
    flockfile(f);
    fprintf(f, "%s %s %s\n", ts, msoc_log_level_str(level), line);
    fflush(f);
    funlockfile(f);
}

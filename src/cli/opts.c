/* The option parser behind every subcommand: --name VALUE, --name=VALUE, -x VALUE,
 * flags, "--" to end options, and generated --help text. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int find_long(const cli_spec *spec, const char *name, size_t len)
{
    for (int i = 0; spec->opts && spec->opts[i].name; i++)
        if (strlen(spec->opts[i].name) == len && strncmp(spec->opts[i].name, name, len) == 0)
            return i;
    return -1;
}

static int find_short(const cli_spec *spec, char c)
{
    for (int i = 0; spec->opts && spec->opts[i].name; i++)
        if (spec->opts[i].short_name == c)
            return i;
    return -1;
}

void cli_print_help(const cli_spec *spec, FILE *f)
{
    fprintf(f, "usage: multisoc %s\n\n%s\n", spec->usage, spec->summary);
    if (spec->opts && spec->opts[0].name) {
        fprintf(f, "\noptions:\n");
        for (int i = 0; spec->opts[i].name; i++) {
            const cli_opt *o = &spec->opts[i];
            char left[64];
            int n = 0;
            if (o->short_name)
                n = snprintf(left, sizeof left, "-%c, ", o->short_name);
            snprintf(left + n, sizeof left - (size_t)n, "--%s%s%s", o->name,
                     o->arg_name ? " " : "", o->arg_name ? o->arg_name : "");
            fprintf(f, "  %-26s %s", left, o->help);
            if (o->dflt)
                fprintf(f, " (default: %s)", o->dflt);
            fputc('\n', f);
        }
    }
    fprintf(f, "  %-26s %s\n", "-h, --help", "show this help");
    if (spec->epilog)
        fprintf(f, "\n%s\n", spec->epilog);
}

static int usage_error(const cli_spec *spec, const char *what, const char *arg)
{
    const char *sp = strchr(spec->usage, ' ');
    int cmd_len = sp ? (int)(sp - spec->usage) : (int)strlen(spec->usage);
    fprintf(stderr, "multisoc %.*s: %s", cmd_len, spec->usage, what);
    if (arg)
        fprintf(stderr, " '%s'", arg);
    fprintf(stderr, "\nrun 'multisoc %.*s --help' for usage\n", cmd_len, spec->usage);
    return 2;
}

int cli_parse(const cli_spec *spec, int argc, char **argv, cli_args *out)
{
    memset(out, 0, sizeof *out);
    out->spec = spec;
    /* Positional arguments are moved to the front of argv (as GNU getopt does);
     * the write index never passes the read index, so nothing unread is lost. */
    out->pos = argv + 1;
    bool only_pos = false;
    for (int i = 1; i < argc; i++) {
        char *arg = argv[i];
        if (only_pos || arg[0] != '-' || strcmp(arg, "-") == 0) {
            out->pos[out->n_pos++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_pos = true;
            continue;
        }
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            cli_print_help(spec, stdout);
            return CLI_HELP_SHOWN;
        }
        int idx;
        const char *inline_val = NULL;
        if (arg[1] == '-') {
            const char *name = arg + 2;
            const char *eq = strchr(name, '=');
            idx = find_long(spec, name, eq ? (size_t)(eq - name) : strlen(name));
            if (eq)
                inline_val = eq + 1;
        } else {
            idx = arg[2] == '\0' ? find_short(spec, arg[1]) : -1;
        }
        if (idx < 0)
            return usage_error(spec, "unknown option", arg);
        const cli_opt *o = &spec->opts[idx];
        if (o->arg_name == NULL) {
            if (inline_val)
                return usage_error(spec, "this option takes no value:", arg);
            out->value[idx] = "";
            continue;
        }
        if (inline_val == NULL) {
            if (i + 1 >= argc)
                return usage_error(spec, "this option needs a value:", arg);
            inline_val = argv[++i];
        }
        out->value[idx] = inline_val;
    }
    if (out->n_pos < spec->min_pos)
        return usage_error(spec, spec->min_pos == 1 ? "missing argument" : "missing arguments", NULL);
    if (spec->max_pos >= 0 && out->n_pos > spec->max_pos)
        return usage_error(spec, "unexpected argument", out->pos[spec->max_pos]);
    return 0;
}

const char *cli_get(const cli_args *a, const char *name)
{
    int idx = find_long(a->spec, name, strlen(name));
    if (idx < 0)
        return NULL;
    return a->value[idx] ? a->value[idx] : a->spec->opts[idx].dflt;
}

bool cli_has(const cli_args *a, const char *name)
{
    int idx = find_long(a->spec, name, strlen(name));
    return idx >= 0 && a->value[idx] != NULL;
}

bool cli_get_i64(const cli_args *a, const char *name, long long lo, long long hi, long long *out)
{
    const char *v = cli_get(a, name);
    if (v == NULL)
        return true;
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (errno || *v == '\0' || *end != '\0' || x < lo || x > hi) {
        fprintf(stderr, "multisoc: --%s must be a whole number from %lld to %lld, not '%s'\n",
                name, lo, hi, v);
        return false;
    }
    *out = x;
    return true;
}

bool cli_get_double(const cli_args *a, const char *name, double lo, double hi, double *out)
{
    const char *v = cli_get(a, name);
    if (v == NULL)
        return true;
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (errno || *v == '\0' || *end != '\0' || !(x >= lo && x <= hi)) {
        fprintf(stderr, "multisoc: --%s must be a number from %g to %g, not '%s'\n", name, lo,
                hi, v);
        return false;
    }
    *out = x;
    return true;
}

int cli_report(const char *cmd, const msoc_error *err)
{
    if (err->line)
        fprintf(stderr, "multisoc %s: %s at %u:%u: %s\n", cmd, msoc_status_str(err->code),
                err->line, err->col, err->msg);
    else
        fprintf(stderr, "multisoc %s: %s: %s\n", cmd, msoc_status_str(err->code), err->msg);
    return 1;
}

int cli_unavailable(const char *cmd, const char *capability)
{
    fprintf(stderr,
            "multisoc %s: not available in this build: %s is not implemented yet.\n"
            "See 'issues' in the project tracker for its status.\n",
            cmd, capability);
    return 3;
}

static msoc_logger stderr_logger;

const msoc_logger *cli_logger(void)
{
    if (stderr_logger.sink == NULL) {
        const char *lv = getenv("MSOC_LOG");
        int level = lv ? msoc_log_level_parse(lv) : -1;
        stderr_logger.level = level >= 0 ? (msoc_log_level)level : MSOC_LOG_INFO;
        stderr_logger.sink = msoc_log_file_sink;
        stderr_logger.ud = stderr;
    }
    return &stderr_logger;
}

bool cli_read_file(const char *path, msoc_buf *buf, msoc_error *err)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        msoc_fail(err, MSOC_IO, "cannot open %s: %s", path, strerror(errno));
        return false;
    }
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (msoc_buf_append(buf, chunk, n) != MSOC_OK)
            break;
    bool is_bad = ferror(f) != 0;
    if (f != stdin)
        fclose(f);
    if (is_bad) {
        msoc_fail(err, MSOC_IO, "cannot read %s", path);
        return false;
    }
    return msoc_buf_check(buf, path, err) == MSOC_OK;
}

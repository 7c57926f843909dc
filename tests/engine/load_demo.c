/* Loads a `multisoc demo generate` directory (tenants/<tenant>/<workspace>/<Table>.ndjson)
 * into a multisoc data directory through the storage appender, so the engine's corpus
 * run has realistic data while `multisoc ingest` is not built yet.
 *   load_demo DEMO_DIR DATA_DIR */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "storage/storage.h"

static int load_file(msoc_stor_db *db, const char *path, const char *tenant, const char *ws,
                     const char *table, long *n_rows)
{
    msoc_error err;
    msoc_error_clear(&err);
    msoc_stor_appender *ap;
    if (msoc_stor_appender_open(db, tenant, ws, table, &ap, &err) != MSOC_OK) {
        fprintf(stderr, "load_demo: %s: %s\n", path, err.msg);
        return 1;
    }
    const msoc_stor_table_def *def = msoc_stor_appender_def(ap);
    msoc_stor_value *vals = calloc(def->n_cols + 1, sizeof *vals);
    char **dumps = calloc(def->n_cols + 1, sizeof *dumps);
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while (f && (len = getline(&line, &cap, f)) > 0) {
        json_error_t jerr;
        json_t *o = json_loadb(line, (size_t)len, 0, &jerr);
        if (o == NULL)
            continue;
        for (size_t c = 0; c < def->n_cols; c++) {
            json_t *v = json_object_get(o, def->cols[c].name);
            msoc_stor_value *sv = &vals[c];
            memset(sv, 0, sizeof *sv);
            free(dumps[c]);
            dumps[c] = NULL;
            if (v == NULL || json_is_null(v)) {
                sv->is_null = true;
                continue;
            }
            switch (def->cols[c].type) {
            case MSOC_TYPE_BOOL: sv->v.b = json_is_true(v); break;
            case MSOC_TYPE_INT:
            case MSOC_TYPE_LONG: sv->v.i64 = json_is_integer(v) ? json_integer_value(v) : (int64_t)json_number_value(v); break;
            case MSOC_TYPE_REAL: sv->v.f64 = json_number_value(v); break;
            case MSOC_TYPE_DATETIME:
                if (!json_is_string(v) || !msoc_datetime_parse_fast(json_string_value(v), json_string_length(v), &sv->v.i64))
                    sv->is_null = true;
                break;
            case MSOC_TYPE_TIMESPAN:
                if (!json_is_string(v) || !msoc_timespan_parse_fast(json_string_value(v), json_string_length(v), &sv->v.i64))
                    sv->is_null = true;
                break;
            default:
                if (json_is_string(v)) {
                    sv->v.s.ptr = json_string_value(v);
                    sv->v.s.len = json_string_length(v);
                } else {
                    dumps[c] = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
                    sv->v.s.ptr = dumps[c] ? dumps[c] : "";
                    sv->v.s.len = dumps[c] ? strlen(dumps[c]) : 0;
                }
                break;
            }
        }
        if (msoc_stor_appender_add_row(ap, vals, &err) != MSOC_OK) {
            fprintf(stderr, "load_demo: %s: %s\n", path, err.msg);
            json_decref(o);
            break;
        }
        json_decref(o);
        (*n_rows)++;
        if (*n_rows % 50000 == 0 && msoc_stor_appender_commit(ap, &err) != MSOC_OK)
            break;
    }
    free(line);
    if (f)
        fclose(f);
    for (size_t c = 0; c < def->n_cols; c++)
        free(dumps[c]);
    free(dumps);
    free(vals);
    int rc = msoc_stor_appender_commit(ap, &err) == MSOC_OK ? 0 : 1;
    msoc_stor_appender_close(ap);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: load_demo DEMO_DIR DATA_DIR\n");
        return 2;
    }
    msoc_error err;
    msoc_error_clear(&err);
    msoc_stor_db *db;
    if (msoc_stor_open(argv[2], NULL, &db, &err) != MSOC_OK) {
        fprintf(stderr, "load_demo: %s\n", err.msg);
        return 1;
    }
    char tdir[4096];
    snprintf(tdir, sizeof tdir, "%s/tenants", argv[1]);
    DIR *td = opendir(tdir);
    long n_rows = 0;
    int rc = 0;
    struct dirent *te;
    while (td && (te = readdir(td)) != NULL) {
        if (te->d_name[0] == '.')
            continue;
        char wdir[8192];
        snprintf(wdir, sizeof wdir, "%s/%s", tdir, te->d_name);
        DIR *wd = opendir(wdir);
        struct dirent *we;
        while (wd && (we = readdir(wd)) != NULL) {
            if (we->d_name[0] == '.')
                continue;
            char fdir[12288];
            snprintf(fdir, sizeof fdir, "%s/%s", wdir, we->d_name);
            DIR *fd = opendir(fdir);
            struct dirent *fe;
            while (fd && (fe = readdir(fd)) != NULL) {
                size_t l = strlen(fe->d_name);
                if (l < 8 || strcmp(fe->d_name + l - 7, ".ndjson") != 0)
                    continue;
                char table[256], path[16384];
                snprintf(table, sizeof table, "%.*s", (int)(l - 7), fe->d_name);
                snprintf(path, sizeof path, "%s/%s", fdir, fe->d_name);
                rc |= load_file(db, path, te->d_name, we->d_name, table, &n_rows);
            }
            if (fd)
                closedir(fd);
        }
        if (wd)
            closedir(wd);
    }
    if (td)
        closedir(td);
    msoc_stor_flush(db, true, &err);
    msoc_stor_close(db);
    fprintf(stderr, "load_demo: %ld rows\n", n_rows);
    return rc;
}

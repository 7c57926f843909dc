/* parse_user_agent(ua, look_for): Kusto documents it as built on the open-source
 * ua-parser; the rules are ua-parser's own database (uap-core's regexes.yaml, the
 * Debian package uap-core), read once per process at first use (pthread_once),
 * with every regex compiled (and JIT-compiled) by PCRE2. Each section is tried in
 * file order and the first matching rule wins, with ua-parser's replacement rules
 * ($1..$9 substituted, blank results empty). Output: Browser {Family, MajorVersion,
 * MinorVersion, Patch}, OperatingSystem {Family, MajorVersion, MinorVersion, Patch,
 * PatchMinor}, Device {Family, Brand, Model}; "Other" when nothing matches, "" for
 * an absent part. Without the rules file the function fails by name. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/mem.h"
#include "exec_int.h"
#include "useragent.h"

enum { UA_BROWSER, UA_OS, UA_DEVICE, UA__SECTIONS };

/* The replacement fields of a rule, per section:
 * browser: family, v1, v2, v3 (then v4 unused);
 * os:      os, os_v1, os_v2, os_v3, os_v4;
 * device:  device, brand, model. */
#define UA_MAX_REPL 5

typedef struct ua_rule {
    pcre2_code *re;
    char *repl[UA_MAX_REPL]; /* NULL: not given */
} ua_rule;

typedef struct ua_rules {
    ua_rule *rules[UA__SECTIONS];
    size_t n[UA__SECTIONS];
    char error[512]; /* non-empty: the rules could not be loaded */
} ua_rules;

static ua_rules g_rules;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static const char *const section_names[UA__SECTIONS] = {"user_agent_parsers", "os_parsers", "device_parsers"};
static const char *const repl_names[UA__SECTIONS][UA_MAX_REPL] = {
    {"family_replacement", "v1_replacement", "v2_replacement", "v3_replacement", "v4_replacement"},
    {"os_replacement", "os_v1_replacement", "os_v2_replacement", "os_v3_replacement", "os_v4_replacement"},
    {"device_replacement", "brand_replacement", "model_replacement", NULL, NULL},
};

static char *dup_scalar(const yaml_node_t *n)
{
    char *s = msoc_malloc(n->data.scalar.length + 1);
    memcpy(s, n->data.scalar.value, n->data.scalar.length);
    s[n->data.scalar.length] = 0;
    return s;
}

static bool scalar_is(const yaml_node_t *n, const char *s)
{
    return n && n->type == YAML_SCALAR_NODE && n->data.scalar.length == strlen(s) &&
           memcmp(n->data.scalar.value, s, n->data.scalar.length) == 0;
}

/* One rule mapping of a section; false (with g_rules.error) on a bad rule. */
static bool load_rule(yaml_document_t *doc, int sec, const yaml_node_t *m, ua_rule *out)
{
    memset(out, 0, sizeof *out);
    const yaml_node_t *re = NULL;
    bool is_caseless = false;
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = yaml_document_get_node(doc, p->key);
        const yaml_node_t *v = yaml_document_get_node(doc, p->value);
        if (k == NULL || v == NULL || v->type != YAML_SCALAR_NODE)
            continue;
        if (scalar_is(k, "regex")) {
            re = v;
        } else if (scalar_is(k, "regex_flag")) {
            is_caseless = scalar_is(v, "i");
        } else {
            for (int r = 0; r < UA_MAX_REPL; r++)
                if (repl_names[sec][r] && scalar_is(k, repl_names[sec][r]) && out->repl[r] == NULL)
                    out->repl[r] = dup_scalar(v);
        }
    }
    if (re == NULL) {
        snprintf(g_rules.error, sizeof g_rules.error, "a rule of %s has no regex (line %zu)", section_names[sec],
                 (size_t)m->start_mark.line + 1);
        return false;
    }
    int errcode;
    PCRE2_SIZE erroff;
    out->re = pcre2_compile((PCRE2_SPTR)re->data.scalar.value, re->data.scalar.length,
                            is_caseless ? PCRE2_CASELESS : 0, &errcode, &erroff, NULL);
    if (out->re == NULL) {
        PCRE2_UCHAR msg[200];
        pcre2_get_error_message(errcode, msg, sizeof msg);
        snprintf(g_rules.error, sizeof g_rules.error, "regex at line %zu does not compile: %s",
                 (size_t)re->start_mark.line + 1, (const char *)msg);
        return false;
    }
    (void)pcre2_jit_compile(out->re, PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
    return true;
}

static void load_rules(void)
{
    const char *path = getenv("MSOC_UAP_REGEXES"); /* tests and non-Debian layouts */
    if (path == NULL || path[0] == 0)
        path = MSOC_UAP_REGEXES_PATH;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(g_rules.error, sizeof g_rules.error, "uap-core rules not installed at %s", path);
        return;
    }
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser)) {
        fclose(f);
        snprintf(g_rules.error, sizeof g_rules.error, "cannot start the YAML reader");
        return;
    }
    yaml_parser_set_input_file(&parser, f);
    if (!yaml_parser_load(&parser, &doc)) {
        snprintf(g_rules.error, sizeof g_rules.error, "%s: YAML error at line %zu: %s", path,
                 (size_t)parser.problem_mark.line + 1, parser.problem ? parser.problem : "?");
        yaml_parser_delete(&parser);
        fclose(f);
        return;
    }
    yaml_parser_delete(&parser);
    fclose(f);
    const yaml_node_t *root = yaml_document_get_root_node(&doc);
    bool is_ok = root && root->type == YAML_MAPPING_NODE;
    for (int sec = 0; sec < UA__SECTIONS && is_ok; sec++) {
        const yaml_node_t *list = NULL;
        for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++)
            if (scalar_is(yaml_document_get_node(&doc, p->key), section_names[sec]))
                list = yaml_document_get_node(&doc, p->value);
        if (list == NULL || list->type != YAML_SEQUENCE_NODE) {
            snprintf(g_rules.error, sizeof g_rules.error, "%s: no %s list", path, section_names[sec]);
            is_ok = false;
            break;
        }
        size_t n = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
        g_rules.rules[sec] = msoc_calloc(n + 1, sizeof(ua_rule));
        for (yaml_node_item_t *it = list->data.sequence.items.start; it < list->data.sequence.items.top && is_ok;
             it++) {
            const yaml_node_t *m = yaml_document_get_node(&doc, *it);
            if (m == NULL || m->type != YAML_MAPPING_NODE)
                continue;
            is_ok = load_rule(&doc, sec, m, &g_rules.rules[sec][g_rules.n[sec]]);
            if (is_ok)
                g_rules.n[sec]++;
        }
    }
    if (!is_ok && g_rules.error[0] == 0)
        snprintf(g_rules.error, sizeof g_rules.error, "%s: not a ua-parser rules file", path);
    yaml_document_delete(&doc);
}

const char *msoc_exec_useragent_rules_error(void)
{
    pthread_once(&g_once, load_rules);
    return g_rules.error[0] ? g_rules.error : NULL;
}

/* ---- matching ---- */

/* Group g of the match as a string, "" when it did not take part. */
static msoc_str group(const char *s, const PCRE2_SIZE *ov, int n_groups, int g)
{
    if (g >= n_groups || ov[2 * g] == PCRE2_UNSET)
        return msoc_str_make(s, 0);
    return msoc_str_make(s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
}

/* repl with $1..$9 replaced by the groups, or group g when repl is NULL; trimmed. */
static void field(msoc_buf *out, const char *repl, const char *s, const PCRE2_SIZE *ov, int n_groups, int g)
{
    msoc_buf_reset(out);
    if (repl == NULL) {
        msoc_str v = group(s, ov, n_groups, g);
        msoc_buf_append(out, v.ptr, v.len);
    } else {
        for (const char *p = repl; *p; p++) {
            if (p[0] == '$' && p[1] >= '1' && p[1] <= '9') {
                msoc_str v = group(s, ov, n_groups, p[1] - '0');
                msoc_buf_append(out, v.ptr, v.len);
                p++;
            } else {
                msoc_buf_append(out, p, 1);
            }
        }
    }
    size_t lo = 0, hi = out->len;
    while (lo < hi && (out->data[lo] == ' ' || out->data[lo] == '\t'))
        lo++;
    while (hi > lo && (out->data[hi - 1] == ' ' || out->data[hi - 1] == '\t'))
        hi--;
    if (lo > 0 && hi > lo)
        memmove(out->data, out->data + lo, hi - lo);
    out->len = hi - lo;
}

static bool set_str(json_t *obj, const char *key, const msoc_buf *b)
{
    return json_object_set_new(obj, key, json_stringn(b->len ? b->data : "", b->len)) == 0;
}

/* The section's object for ua: the first matching rule's fields. */
static json_t *parse_section(int sec, const char *ua, size_t len, pcre2_match_data *md)
{
    static const char *const keys[UA__SECTIONS][UA_MAX_REPL] = {
        {"Family", "MajorVersion", "MinorVersion", "Patch", NULL},
        {"Family", "MajorVersion", "MinorVersion", "Patch", "PatchMinor"},
        {"Family", "Brand", "Model", NULL, NULL},
    };
    json_t *obj = json_object();
    if (obj == NULL)
        return NULL;
    msoc_buf b;
    msoc_buf_init(&b, 1u << 20);
    const ua_rule *hit = NULL;
    int rc = 0;
    for (size_t i = 0; i < g_rules.n[sec] && hit == NULL; i++) {
        rc = pcre2_match(g_rules.rules[sec][i].re, (PCRE2_SPTR)ua, len, 0, 0, md, NULL);
        if (rc > 0)
            hit = &g_rules.rules[sec][i];
    }
    bool is_ok = true;
    if (hit == NULL) {
        for (int k = 0; k < UA_MAX_REPL && keys[sec][k] && is_ok; k++) {
            msoc_buf_reset(&b);
            if (k == 0)
                msoc_buf_append(&b, "Other", 5);
            is_ok = set_str(obj, keys[sec][k], &b);
        }
    } else {
        const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        for (int k = 0; k < UA_MAX_REPL && keys[sec][k] && is_ok; k++) {
            /* device: brand has no group of its own; model defaults to group 1 */
            int g = sec == UA_DEVICE ? (k == 1 ? 99 : 1) : k + 1;
            field(&b, hit->repl[k], ua, ov, rc, g);
            if (k == 0 && b.len == 0)
                msoc_buf_append(&b, "Other", 5);
            is_ok = set_str(obj, keys[sec][k], &b);
        }
    }
    is_ok &= !b.is_failed;
    msoc_buf_fini(&b);
    if (!is_ok) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

json_t *msoc_exec_useragent_parse(const char *ua, size_t len, unsigned what)
{
    if (msoc_exec_useragent_rules_error() != NULL)
        return NULL;
    static const char *const out_keys[UA__SECTIONS] = {"Browser", "OperatingSystem", "Device"};
    pcre2_match_data *md = pcre2_match_data_create(32, NULL);
    json_t *res = json_object();
    bool is_ok = md != NULL && res != NULL;
    for (int sec = 0; sec < UA__SECTIONS && is_ok; sec++) {
        if (!(what & (1u << sec)))
            continue;
        json_t *o = parse_section(sec, ua ? ua : "", ua ? len : 0, md);
        is_ok = o != NULL && json_object_set_new(res, out_keys[sec], o) == 0;
    }
    pcre2_match_data_free(md);
    if (!is_ok) {
        json_decref(res);
        return NULL;
    }
    return res;
}

/* ---- parse_user_agent(ua, look_for) ---- */

static bool look_for_bit(msoc_str s, unsigned *what)
{
    if (msoc_str_ieq_c(s, "browser"))
        *what |= MSOC_UA_BROWSER;
    else if (msoc_str_ieq_c(s, "os"))
        *what |= MSOC_UA_OS;
    else if (msoc_str_ieq_c(s, "device"))
        *what |= MSOC_UA_DEVICE;
    else
        return false;
    return true;
}

static void f_parse_user_agent(xq *q, const xval *a, size_t n_args, xval *out)
{
    (void)n_args;
    *out = xv_null(MSOC_TYPE_DYNAMIC);
    const char *why = msoc_exec_useragent_rules_error();
    if (why != NULL) {
        msoc_fail(q->err, MSOC_UNSUPPORTED, "not supported: parse_user_agent() (%s)", why);
        return;
    }
    unsigned what = 0;
    bool is_ok = true;
    if (a[1].t == MSOC_TYPE_DYNAMIC && !a[1].is_null && json_is_array(a[1].d)) {
        size_t i;
        json_t *v;
        json_array_foreach(a[1].d, i, v) {
            is_ok &= json_is_string(v) &&
                     look_for_bit(msoc_str_make(json_string_value(v), json_string_length(v)), &what);
        }
    } else if (!a[1].is_null) {
        is_ok = look_for_bit(msoc_exec__to_text(q, a[1]), &what);
    }
    if (!is_ok || what == 0) {
        msoc_fail(q->err, MSOC_INVALID,
                  "parse_user_agent(): look_for must be \"browser\", \"os\", \"device\" or a dynamic array of them");
        return;
    }
    if (a[0].is_null && !xtype_is_str(a[0].t))
        return;
    msoc_str s = msoc_exec__to_text(q, a[0]);
    json_t *j = msoc_exec_useragent_parse(s.ptr, s.len, what);
    if (j == NULL)
        return;
    json_t *owned = msoc_exec__own(q, j);
    if (owned)
        *out = xv_dyn(owned);
}

void msoc_exec__fn_register_useragent(xfn_impl *t)
{
    t[MSOC_PLAN_FN_PARSE_USER_AGENT] = (xfn_impl){f_parse_user_agent, NULL, false};
}

/* parse_user_agent() against ua-parser's own conformance cases: uap-core ships
 * tests/test_ua.yaml, test_os.yaml and test_device.yaml next to the rules (the
 * expected family and versions every ua-parser port must produce). Every browser
 * and OS case, and every 8th device case (16k in all, too slow for the default
 * run), must give the same fields. Skipped, and reported as skipped, only when
 * uap-core is not installed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <yaml.h>

#include "exec/useragent.h"

#define UAP_TESTS "/usr/share/uap-core/tests/"

typedef struct field_map {
    const char *yaml_key;
    const char *json_key;
} field_map;

static const char *scalar(yaml_document_t *doc, const yaml_node_t *m, const char *key, size_t *len)
{
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = yaml_document_get_node(doc, p->key);
        const yaml_node_t *v = yaml_document_get_node(doc, p->value);
        if (k && v && k->type == YAML_SCALAR_NODE && v->type == YAML_SCALAR_NODE &&
            strlen(key) == k->data.scalar.length && memcmp(k->data.scalar.value, key, k->data.scalar.length) == 0) {
            /* a bare empty value or ~ is null: Kusto shows it as "" */
            bool is_null = v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
                           (v->data.scalar.length == 0 ||
                            (v->data.scalar.length == 1 && v->data.scalar.value[0] == '~'));
            *len = is_null ? 0 : v->data.scalar.length;
            return is_null ? "" : (const char *)v->data.scalar.value;
        }
    }
    *len = 0;
    return NULL;
}

/* Runs the cases of file (every `every`-th) through section `what`; returns the
 * number of cases checked and prints each mismatch. */
static size_t run_file(const char *file, unsigned what, const char *section, const field_map *fields,
                       size_t n_fields, size_t every, size_t *n_bad)
{
    FILE *f = fopen(file, "rb");
    assert_non_null(f);
    yaml_parser_t parser;
    yaml_document_t doc;
    assert_true(yaml_parser_initialize(&parser));
    yaml_parser_set_input_file(&parser, f);
    assert_true(yaml_parser_load(&parser, &doc));
    yaml_parser_delete(&parser);
    fclose(f);
    const yaml_node_t *root = yaml_document_get_root_node(&doc);
    assert_non_null(root);
    assert_int_equal(root->type, YAML_MAPPING_NODE);
    const yaml_node_t *list = yaml_document_get_node(&doc, root->data.mapping.pairs.start->value);
    assert_int_equal(list->type, YAML_SEQUENCE_NODE);
    size_t n = 0, idx = 0;
    for (yaml_node_item_t *it = list->data.sequence.items.start; it < list->data.sequence.items.top; it++, idx++) {
        if (idx % every != 0)
            continue;
        const yaml_node_t *m = yaml_document_get_node(&doc, *it);
        assert_int_equal(m->type, YAML_MAPPING_NODE);
        size_t ua_len;
        const char *ua = scalar(&doc, m, "user_agent_string", &ua_len);
        assert_non_null(ua);
        json_t *res = msoc_exec_useragent_parse(ua, ua_len, what);
        json_t *sec = res ? json_object_get(res, section) : NULL;
        for (size_t k = 0; k < n_fields; k++) {
            size_t want_len;
            const char *want = scalar(&doc, m, fields[k].yaml_key, &want_len);
            if (want == NULL)
                continue; /* the case does not state this field */
            json_t *got = sec ? json_object_get(sec, fields[k].json_key) : NULL;
            const char *g = json_is_string(got) ? json_string_value(got) : NULL;
            if (g == NULL || strlen(g) != want_len || memcmp(g, want, want_len) != 0) {
                print_message("%s %s: %.*s\n  expected '%.*s', got '%s'\n", section, fields[k].json_key,
                              (int)(ua_len > 160 ? 160 : ua_len), ua, (int)want_len, want, g ? g : "(none)");
                (*n_bad)++;
                break;
            }
        }
        json_decref(res);
        n++;
    }
    yaml_document_delete(&doc);
    return n;
}

static bool have_uap(void)
{
    FILE *f = fopen(UAP_TESTS "test_ua.yaml", "rb");
    if (f == NULL)
        return false;
    fclose(f);
    return msoc_exec_useragent_rules_error() == NULL;
}

static void test_ua_browser(void **state)
{
    (void)state;
    if (!have_uap())
        skip();
    static const field_map fm[] = {
        {"family", "Family"}, {"major", "MajorVersion"}, {"minor", "MinorVersion"}, {"patch", "Patch"}};
    size_t bad = 0;
    size_t n = run_file(UAP_TESTS "test_ua.yaml", MSOC_UA_BROWSER, "Browser", fm, 4, 1, &bad);
    print_message("browser: %zu cases, %zu mismatches\n", n, bad);
    assert_true(n > 1000);
    assert_int_equal(bad, 0);
}

static void test_ua_os(void **state)
{
    (void)state;
    if (!have_uap())
        skip();
    static const field_map fm[] = {{"family", "Family"},
                                   {"major", "MajorVersion"},
                                   {"minor", "MinorVersion"},
                                   {"patch", "Patch"},
                                   {"patch_minor", "PatchMinor"}};
    size_t bad = 0;
    size_t n = run_file(UAP_TESTS "test_os.yaml", MSOC_UA_OS, "OperatingSystem", fm, 5, 1, &bad);
    print_message("os: %zu cases, %zu mismatches\n", n, bad);
    assert_true(n > 400);
    assert_int_equal(bad, 0);
}

static void test_ua_device(void **state)
{
    (void)state;
    if (!have_uap())
        skip();
    static const field_map fm[] = {{"family", "Family"}, {"brand", "Brand"}, {"model", "Model"}};
    size_t bad = 0;
    size_t n = run_file(UAP_TESTS "test_device.yaml", MSOC_UA_DEVICE, "Device", fm, 3, 8, &bad);
    print_message("device: %zu cases, %zu mismatches\n", n, bad);
    assert_true(n > 1500);
    assert_int_equal(bad, 0);
}

/* Only the requested sections come back. */
static void test_ua_sections(void **state)
{
    (void)state;
    if (!have_uap())
        skip();
    const char *ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                     "Chrome/120.0.0.0 Safari/537.36";
    json_t *r = msoc_exec_useragent_parse(ua, strlen(ua), MSOC_UA_OS);
    assert_non_null(r);
    assert_int_equal(json_object_size(r), 1);
    assert_non_null(json_object_get(r, "OperatingSystem"));
    json_decref(r);
    r = msoc_exec_useragent_parse("", 0, MSOC_UA_BROWSER | MSOC_UA_DEVICE);
    assert_non_null(r);
    assert_int_equal(json_object_size(r), 2);
    assert_string_equal(json_string_value(json_object_get(json_object_get(r, "Browser"), "Family")), "Other");
    assert_string_equal(json_string_value(json_object_get(json_object_get(r, "Device"), "Family")), "Other");
    json_decref(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ua_browser),
        cmocka_unit_test(test_ua_os),
        cmocka_unit_test(test_ua_device),
        cmocka_unit_test(test_ua_sections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

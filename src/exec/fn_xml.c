/* parse_xml(): XML text to a dynamic value with Kusto's documented mapping (see
 * xml.h), through libexpat. Expat parses with no namespace processing (names keep
 * their prefixes, as Kusto shows them) and no external entity loading; its own
 * billion-laughs protection bounds entity expansion. Fuzzed by fuzz/parse_xml. */
#include <expat.h>
#include <string.h>

#include "core/mem.h"
#include "exec_int.h"
#include "xml.h"

typedef struct frame {
    char *name;
    json_t *obj;        /* attributes and child elements; NULL while there are none */
    msoc_buf text;      /* the element's own character data */
    size_t text_at;     /* number of keys in obj when non-blank text first appeared */
    bool has_text;
} frame;

typedef struct xml_state {
    XML_Parser parser;
    frame *st;
    size_t n, cap;
    json_t *root;
    bool is_failed;
} xml_state;

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void fail(xml_state *x)
{
    x->is_failed = true;
    XML_StopParser(x->parser, XML_FALSE);
}

static void on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    xml_state *x = ud;
    if (x->is_failed)
        return;
    if (x->n >= MSOC_XML_MAX_DEPTH) {
        fail(x);
        return;
    }
    if (x->n == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 16;
        x->st = msoc_realloc(x->st, x->cap * sizeof *x->st);
    }
    frame *f = &x->st[x->n++];
    memset(f, 0, sizeof *f);
    size_t nl = strlen(name);
    f->name = msoc_malloc(nl + 1);
    memcpy(f->name, name, nl + 1);
    msoc_buf_init(&f->text, MSOC_XML_MAX_BYTES);
    for (size_t i = 0; attrs[i] && attrs[i + 1]; i += 2) {
        if (f->obj == NULL && (f->obj = json_object()) == NULL) {
            fail(x);
            return;
        }
        size_t al = strlen(attrs[i]);
        char *key = msoc_malloc(al + 2);
        key[0] = '@';
        memcpy(key + 1, attrs[i], al + 1);
        json_t *v = json_string(attrs[i + 1]);
        int rc = v ? json_object_set_new(f->obj, key, v) : -1;
        msoc_free(key);
        if (rc != 0) {
            fail(x);
            return;
        }
    }
}

static void on_text(void *ud, const XML_Char *s, int len)
{
    xml_state *x = ud;
    if (x->is_failed || x->n == 0 || len <= 0)
        return;
    frame *f = &x->st[x->n - 1];
    if (!f->has_text) {
        bool is_all_blank = true;
        for (int i = 0; i < len && is_all_blank; i++)
            is_all_blank = is_blank(s[i]);
        if (!is_all_blank) {
            f->has_text = true;
            f->text_at = f->obj ? json_object_size(f->obj) : 0;
        }
    }
    if (msoc_buf_append(&f->text, s, (size_t)len) != MSOC_OK)
        fail(x);
}

/* The element's trimmed text as a JSON string, or NULL when blank. */
static json_t *trimmed(frame *f, bool *is_oom)
{
    const char *p = f->text.data ? f->text.data : "";
    size_t lo = 0, hi = f->text.len;
    while (lo < hi && is_blank(p[lo]))
        lo++;
    while (hi > lo && is_blank(p[hi - 1]))
        hi--;
    if (lo == hi)
        return NULL;
    json_t *s = json_stringn(p + lo, hi - lo);
    *is_oom = s == NULL;
    return s;
}

/* Adds value under key to obj: a second value with the same key turns the entry
 * into an array (element values are never arrays otherwise). Steals value. */
static bool add_child(json_t *obj, const char *key, json_t *value)
{
    json_t *old = json_object_get(obj, key);
    if (old == NULL)
        return json_object_set_new(obj, key, value) == 0;
    if (json_is_array(old))
        return json_array_append_new(old, value) == 0;
    json_t *arr = json_array();
    if (arr == NULL || json_array_append(arr, old) != 0 || json_array_append_new(arr, value) != 0 ||
        json_object_set_new(obj, key, arr) != 0) {
        json_decref(arr);
        return false;
    }
    return true;
}

/* obj with "#text" inserted where the text first appeared among its keys. */
static json_t *with_text(json_t *obj, json_t *text, size_t at)
{
    if (at >= json_object_size(obj)) {
        if (json_object_set_new(obj, "#text", text) != 0)
            return NULL;
        return json_incref(obj);
    }
    json_t *out = json_object();
    if (out == NULL) {
        json_decref(text);
        return NULL;
    }
    size_t k = 0;
    const char *key;
    json_t *v;
    bool is_ok = true;
    json_object_foreach(obj, key, v) {
        if (k++ == at) {
            is_ok &= json_object_set_new(out, "#text", text) == 0;
            text = NULL;
        }
        is_ok &= json_object_set(out, key, v) == 0;
    }
    if (text)
        is_ok &= json_object_set_new(out, "#text", text) == 0;
    if (!is_ok) {
        json_decref(out);
        return NULL;
    }
    return out;
}

static void frame_fini(frame *f)
{
    msoc_free(f->name);
    json_decref(f->obj);
    msoc_buf_fini(&f->text);
}

static void on_end(void *ud, const XML_Char *name)
{
    (void)name;
    xml_state *x = ud;
    if (x->is_failed || x->n == 0)
        return;
    frame *f = &x->st[x->n - 1];
    bool is_oom = false;
    json_t *text = trimmed(f, &is_oom);
    json_t *value;
    if (is_oom) {
        value = NULL;
    } else if (f->obj == NULL) {
        value = text ? text : json_null();
    } else if (text) {
        value = with_text(f->obj, text, f->text_at);
    } else {
        value = json_incref(f->obj);
    }
    bool is_ok = value != NULL;
    if (is_ok) {
        if (x->n == 1) {
            x->root = json_object();
            is_ok = x->root && json_object_set_new(x->root, f->name, value) == 0;
        } else {
            frame *parent = &x->st[x->n - 2];
            if (parent->obj == NULL)
                parent->obj = json_object();
            is_ok = parent->obj && add_child(parent->obj, f->name, value);
        }
    }
    frame_fini(f);
    x->n--;
    if (!is_ok)
        fail(x);
}

json_t *msoc_exec_xml_to_json(const char *p, size_t len)
{
    if (p == NULL || len == 0 || len > MSOC_XML_MAX_BYTES)
        return NULL;
    xml_state x = {0};
    x.parser = XML_ParserCreate("UTF-8");
    if (x.parser == NULL)
        return NULL;
    XML_SetUserData(x.parser, &x);
    XML_SetElementHandler(x.parser, on_start, on_end);
    XML_SetCharacterDataHandler(x.parser, on_text);
    enum XML_Status rc = XML_Parse(x.parser, p, (int)len, XML_TRUE);
    bool is_ok = rc == XML_STATUS_OK && !x.is_failed && x.root != NULL;
    for (size_t i = 0; i < x.n; i++)
        frame_fini(&x.st[i]);
    msoc_free(x.st);
    XML_ParserFree(x.parser);
    if (!is_ok) {
        json_decref(x.root);
        return NULL;
    }
    return x.root;
}

/* ---- parse_xml(xml) ---- */

static void f_parse_xml(xq *q, const xval *a, size_t n_args, xval *out)
{
    (void)n_args;
    *out = xv_null(MSOC_TYPE_DYNAMIC);
    if (a[0].is_null && !xtype_is_str(a[0].t))
        return;
    msoc_str s = msoc_exec__to_text(q, a[0]);
    json_t *j = msoc_exec_xml_to_json(s.ptr, s.len);
    if (j == NULL)
        return;
    json_t *owned = msoc_exec__own(q, j);
    if (owned)
        *out = xv_dyn(owned);
}

void msoc_exec__fn_register_xml(xfn_impl *t)
{
    t[MSOC_PLAN_FN_PARSE_XML] = (xfn_impl){f_parse_xml, NULL, false};
}

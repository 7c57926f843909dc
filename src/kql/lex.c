/* The KQL lexer: one pass over the byte buffer into an arena array of tokens with
 * 1-based line:col (columns count UTF-8 characters). Keywords are plain IDENT
 * tokens; the parser decides by context, which lets keywords serve as names. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/str.h"
#include "kql_int.h"

typedef struct lexer {
    const char *s;
    size_t len, i;
    uint32_t line;
    size_t line_start; /* byte offset where the current line starts */
    size_t col_off;    /* col cache: byte offset ... */
    uint32_t col_val;  /* ... and its 1-based column */
    msoc_arena *arena;
    msoc_kql_toks toks;
    uint32_t cap;
    msoc_kql_diag_code *diag;
    msoc_error *err;
} lexer;

static bool is_ident_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool is_ident_char(unsigned char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

/* Byte length of a Unicode space (NBSP, U+2000-U+200B, U+2028/9, U+202F, U+205F,
 * U+3000, BOM) at s[i], or 0. Kusto treats them as whitespace. */
static size_t uspace_len(const char *s, size_t len, size_t i)
{
    const unsigned char *u = (const unsigned char *)s + i;
    size_t left = len - i;
    if (left >= 2 && u[0] == 0xC2 && u[1] == 0xA0)
        return 2;
    if (left < 3)
        return 0;
    if (u[0] == 0xE2 && u[1] == 0x80 &&
        (u[2] <= 0x8B || u[2] == 0xA8 || u[2] == 0xA9 || u[2] == 0xAF))
        return 3;
    if (u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0x9F)
        return 3;
    if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
        return 3;
    if (u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
        return 3;
    return 0;
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static uint32_t col_at(lexer *lx, size_t off)
{
    if (lx->col_off < lx->line_start || lx->col_off > off) {
        lx->col_off = lx->line_start;
        lx->col_val = 1;
    }
    for (size_t k = lx->col_off; k < off; k++)
        if (((unsigned char)lx->s[k] & 0xC0) != 0x80)
            lx->col_val++;
    lx->col_off = off;
    return lx->col_val;
}

static msoc_status lex_fail(lexer *lx, size_t off, msoc_kql_diag_code code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static msoc_status lex_fail(lexer *lx, size_t off, msoc_kql_diag_code code, const char *fmt, ...)
{
    uint32_t col = col_at(lx, off);
    if (lx->diag)
        *lx->diag = code;
    char msg[MSOC_ERROR_MSG_CAP];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return msoc_fail_pos(lx->err, MSOC_SYNTAX, lx->line, col, "%s", msg);
}

/* Advances over a newline-aware span [from, to), updating line bookkeeping. */
static void count_lines(lexer *lx, size_t from, size_t to)
{
    for (size_t k = from; k < to; k++)
        if (lx->s[k] == '\n') {
            lx->line++;
            lx->line_start = k + 1;
        }
}

static msoc_status push(lexer *lx, msoc_kql_tok_kind kind, size_t off, size_t end, bool ws)
{
    if (lx->toks.n == lx->cap) {
        uint32_t ncap = lx->cap ? lx->cap * 2 : 256;
        msoc_kql_tok *nv =
            msoc_arena_realloc(lx->arena, lx->toks.v, lx->cap * sizeof *nv, ncap * sizeof *nv);
        if (!nv) {
            if (lx->diag)
                *lx->diag = MSOC_KQL_DIAG_LIMIT;
            return msoc_arena_fail(lx->arena, lx->err);
        }
        lx->toks.v = nv;
        lx->cap = ncap;
    }
    msoc_kql_tok *t = &lx->toks.v[lx->toks.n++];
    t->kind = (uint8_t)kind;
    t->has_ws_before = ws;
    t->off = (uint32_t)off;
    t->len = (uint32_t)(end - off);
    t->line = lx->line;
    t->col = col_at(lx, off);
    return MSOC_OK;
}

int64_t msoc_kql__timespan_unit(const char *s, size_t len)
{
    static const struct {
        const char *name;
        int64_t ticks;
    } units[] = {
        {"d", MSOC_TICKS_PER_DAY},
        {"day", MSOC_TICKS_PER_DAY},
        {"days", MSOC_TICKS_PER_DAY},
        {"h", MSOC_TICKS_PER_HOUR},
        {"hr", MSOC_TICKS_PER_HOUR},
        {"hrs", MSOC_TICKS_PER_HOUR},
        {"hour", MSOC_TICKS_PER_HOUR},
        {"hours", MSOC_TICKS_PER_HOUR},
        {"m", MSOC_TICKS_PER_MINUTE},
        {"min", MSOC_TICKS_PER_MINUTE},
        {"mins", MSOC_TICKS_PER_MINUTE},
        {"minute", MSOC_TICKS_PER_MINUTE},
        {"minutes", MSOC_TICKS_PER_MINUTE},
        {"s", MSOC_TICKS_PER_SECOND},
        {"sec", MSOC_TICKS_PER_SECOND},
        {"secs", MSOC_TICKS_PER_SECOND},
        {"second", MSOC_TICKS_PER_SECOND},
        {"seconds", MSOC_TICKS_PER_SECOND},
        {"ms", MSOC_TICKS_PER_MILLISECOND},
        {"milli", MSOC_TICKS_PER_MILLISECOND},
        {"millis", MSOC_TICKS_PER_MILLISECOND},
        {"millisecond", MSOC_TICKS_PER_MILLISECOND},
        {"milliseconds", MSOC_TICKS_PER_MILLISECOND},
        {"microsecond", MSOC_TICKS_PER_MICROSECOND},
        {"microseconds", MSOC_TICKS_PER_MICROSECOND},
        {"micro", MSOC_TICKS_PER_MICROSECOND},
        {"micros", MSOC_TICKS_PER_MICROSECOND},
        {"tick", 1},
        {"ticks", 1},
    };
    for (size_t k = 0; k < sizeof units / sizeof units[0]; k++)
        if (strlen(units[k].name) == len && memcmp(units[k].name, s, len) == 0)
            return units[k].ticks;
    return 0;
}

/* A quoted string body starting at the quote s[i]; returns the offset after the
 * closing quote, or 0 when unterminated. verbatim: '' escapes, no backslashes. */
static size_t scan_quoted(const char *s, size_t len, size_t i, bool verbatim)
{
    char q = s[i++];
    while (i < len) {
        char c = s[i];
        if (c == '\n' || c == '\r')
            return 0;
        if (!verbatim && c == '\\') {
            i += 2;
            continue;
        }
        if (c == q) {
            if (verbatim && i + 1 < len && s[i + 1] == q) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i++;
    }
    return 0;
}

static msoc_status lex_string(lexer *lx, size_t start, size_t qpos, bool verbatim, bool ws)
{
    size_t end = scan_quoted(lx->s, lx->len, qpos, verbatim);
    if (!end)
        return lex_fail(lx, start, MSOC_KQL_DIAG_UNTERMINATED,
                        "string literal starting here is not closed on its line (missing %s)",
                        lx->s[qpos] == '"' ? "'\"'" : "\"'\"");
    msoc_status st = push(lx, MSOC_KQL_TOK_STRING, start, end, ws);
    lx->i = end;
    return st;
}

static bool is_rawlit_name(const char *p, size_t n)
{
    static const char *const names[] = {"datetime", "date", "time", "timespan", "guid"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (strlen(names[k]) == n && memcmp(names[k], p, n) == 0)
            return true;
    return false;
}

/* 8-4-4-4-12 hex digits at s[i] not followed by a name character. */
static size_t guid_len(const char *s, size_t len, size_t i)
{
    static const int groups[] = {8, 4, 4, 4, 12};
    size_t k = i;
    for (int g = 0; g < 5; g++) {
        if (g > 0) {
            if (k >= len || s[k] != '-')
                return 0;
            k++;
        }
        for (int d = 0; d < groups[g]; d++, k++) {
            char c = k < len ? s[k] : 0;
            if (!((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')))
                return 0;
        }
    }
    if (k < len && is_ident_char((unsigned char)s[k]))
        return 0;
    return k - i;
}

static msoc_status lex_number(lexer *lx, bool ws)
{
    const char *s = lx->s;
    size_t start = lx->i, i = lx->i;
    msoc_kql_tok_kind kind = MSOC_KQL_TOK_INT;
    if (s[i] == '0' && i + 1 < lx->len && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
        i += 2;
        while (i < lx->len && ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
                               (s[i] >= 'A' && s[i] <= 'F')))
            i++;
        if (i == start + 2)
            return lex_fail(lx, start, MSOC_KQL_DIAG_BAD_NUMBER, "%s",
                            "hex literal '0x' needs at least one hex digit");
    } else {
        while (i < lx->len && is_digit((unsigned char)s[i]))
            i++;
        if (i + 1 < lx->len && s[i] == '.' && is_digit((unsigned char)s[i + 1])) {
            kind = MSOC_KQL_TOK_REAL;
            i++;
            while (i < lx->len && is_digit((unsigned char)s[i]))
                i++;
        } else if (i < lx->len && s[i] == '.' &&
                   (i + 1 >= lx->len ||
                    (s[i + 1] != '.' && !is_ident_start((unsigned char)s[i + 1])))) {
            kind = MSOC_KQL_TOK_REAL; /* 0. is a real */
            i++;
        }
        if (i < lx->len && (s[i] == 'e' || s[i] == 'E')) {
            size_t k = i + 1;
            if (k < lx->len && (s[k] == '+' || s[k] == '-'))
                k++;
            if (k < lx->len && is_digit((unsigned char)s[k])) {
                kind = MSOC_KQL_TOK_REAL;
                i = k;
                while (i < lx->len && is_digit((unsigned char)s[i]))
                    i++;
            }
        }
    }
    if (i < lx->len && is_ident_start((unsigned char)s[i]) && !uspace_len(s, lx->len, i)) {
        size_t u = i;
        while (u < lx->len && is_ident_char((unsigned char)s[u]) && !uspace_len(s, lx->len, u))
            u++;
        bool is_hex = i - start > 1 && (s[start + 1] == 'x' || s[start + 1] == 'X');
        if (!is_hex && (kind != MSOC_KQL_TOK_REAL || !memchr(s + start, 'e', i - start))) {
            if (msoc_kql__timespan_unit(s + i, u - i)) {
                msoc_status st = push(lx, MSOC_KQL_TOK_TIMESPAN, start, u, ws);
                lx->i = u;
                return st;
            }
        }
        /* Kusto accepts names that start with digits (let 2022List = ...). */
        if (kind == MSOC_KQL_TOK_INT && s[start + 1] != 'x' && s[start + 1] != 'X') {
            msoc_status st = push(lx, MSOC_KQL_TOK_IDENT, start, u, ws);
            lx->i = u;
            return st;
        }
        return lex_fail(lx, start, MSOC_KQL_DIAG_BAD_NUMBER,
                        "'%.*s' is neither a number nor a timespan (units: d, h, m, s, ms, "
                        "microsecond, tick)",
                        (int)(u - start < 40 ? u - start : 40), s + start);
    }
    msoc_status st = push(lx, kind, start, i, ws);
    lx->i = i;
    return st;
}

/* datetime(...) and friends: the raw text through the matching ')'. */
static msoc_status lex_rawlit(lexer *lx, size_t start, size_t lparen, bool ws)
{
    size_t i = lparen + 1;
    while (i < lx->len && lx->s[i] != ')' && lx->s[i] != '\n' && lx->s[i] != '(')
        i++;
    if (i >= lx->len || lx->s[i] != ')')
        return lex_fail(lx, start, MSOC_KQL_DIAG_UNCLOSED, "'%s' needs a closing ')' on its line",
                        "literal(");
    msoc_status st = push(lx, MSOC_KQL_TOK_RAWLIT, start, i + 1, ws);
    lx->i = i + 1;
    return st;
}

static msoc_status lex_one(lexer *lx, bool ws)
{
    const char *s = lx->s;
    size_t i = lx->i, n = lx->len;
    unsigned char c = (unsigned char)s[i];
    char c1 = i + 1 < n ? s[i + 1] : 0;
    char c2 = i + 2 < n ? s[i + 2] : 0;

    if (c == '\'' || c == '"')
        return lex_string(lx, i, i, false, ws);
    if (c == '@' && (c1 == '\'' || c1 == '"'))
        return lex_string(lx, i, i + 1, true, ws);
    if ((c == 'h' || c == 'H') && (c1 == '\'' || c1 == '"'))
        return lex_string(lx, i, i + 1, false, ws);
    if ((c == 'h' || c == 'H') && c1 == '@' && (c2 == '\'' || c2 == '"'))
        return lex_string(lx, i, i + 2, true, ws);
    if (c == '`' && c1 == '`' && c2 == '`') {
        const char *close = NULL;
        for (size_t k = i + 3; k + 2 < n; k++)
            if (s[k] == '`' && s[k + 1] == '`' && s[k + 2] == '`') {
                close = s + k;
                break;
            }
        if (!close)
            return lex_fail(lx, i, MSOC_KQL_DIAG_UNTERMINATED, "%s",
                            "multi-line string starting here has no closing ```");
        size_t end = (size_t)(close - s) + 3;
        msoc_status st = push(lx, MSOC_KQL_TOK_STRING, i, end, ws);
        count_lines(lx, i, end);
        lx->i = end;
        return st;
    }
    if (((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')) && i + 36 <= n) {
        size_t g = guid_len(s, n, i);
        if (g) {
            msoc_status st = push(lx, MSOC_KQL_TOK_GUID, i, i + g, ws);
            lx->i = i + g;
            return st;
        }
    }
    if (is_digit(c))
        return lex_number(lx, ws);
    if (is_ident_start(c) || (c == '$' && i + 1 < n && is_ident_start((unsigned char)c1))) {
        size_t k = i + 1;
        while (k < n && is_ident_char((unsigned char)s[k]) &&
               ((unsigned char)s[k] < 0xC2 || !uspace_len(s, n, k)))
            k++;
        if (is_rawlit_name(s + i, k - i)) {
            size_t p = k;
            while (p < n && (s[p] == ' ' || s[p] == '\t'))
                p++;
            bool after_dot = lx->toks.n > 0 && lx->toks.v[lx->toks.n - 1].kind == MSOC_KQL_TOK_DOT;
            if (p < n && s[p] == '(' && !after_dot)
                return lex_rawlit(lx, i, p, ws);
        }
        msoc_status st = push(lx, MSOC_KQL_TOK_IDENT, i, k, ws);
        lx->i = k;
        return st;
    }
    msoc_kql_tok_kind kind;
    size_t w = 1;
    switch (c) {
    case '|':
        kind = MSOC_KQL_TOK_PIPE;
        break;
    case '(':
        kind = MSOC_KQL_TOK_LPAREN;
        break;
    case ')':
        kind = MSOC_KQL_TOK_RPAREN;
        break;
    case '[':
        kind = MSOC_KQL_TOK_LBRACKET;
        break;
    case ']':
        kind = MSOC_KQL_TOK_RBRACKET;
        break;
    case '{':
        kind = MSOC_KQL_TOK_LBRACE;
        break;
    case '}':
        kind = MSOC_KQL_TOK_RBRACE;
        break;
    case ',':
        kind = MSOC_KQL_TOK_COMMA;
        break;
    case ';':
        kind = MSOC_KQL_TOK_SEMI;
        break;
    case ':':
        kind = MSOC_KQL_TOK_COLON;
        break;
    case '?':
        kind = MSOC_KQL_TOK_QUESTION;
        break;
    case '+':
        kind = MSOC_KQL_TOK_PLUS;
        break;
    case '*':
        kind = MSOC_KQL_TOK_STAR;
        break;
    case '/':
        kind = MSOC_KQL_TOK_SLASH;
        break;
    case '%':
        kind = MSOC_KQL_TOK_PERCENT;
        break;
    case '@':
        kind = MSOC_KQL_TOK_AT;
        break;
    case '#':
        kind = MSOC_KQL_TOK_HASH;
        break;
    case '~':
        kind = MSOC_KQL_TOK_TILDE;
        break;
    case '.':
        if (c1 == '.') {
            kind = MSOC_KQL_TOK_DOTDOT;
            w = 2;
        } else {
            kind = MSOC_KQL_TOK_DOT;
        }
        break;
    case '-':
        if (c1 == '>') {
            kind = MSOC_KQL_TOK_DASHGT;
            w = 2;
        } else if (c1 == '-') {
            kind = MSOC_KQL_TOK_DASHDASH;
            w = 2;
        } else {
            kind = MSOC_KQL_TOK_MINUS;
        }
        break;
    case '=':
        if (c1 == '=') {
            kind = MSOC_KQL_TOK_EQ;
            w = 2;
        } else if (c1 == '~') {
            kind = MSOC_KQL_TOK_EQ_CI;
            w = 2;
        } else if (c1 == '>') {
            kind = MSOC_KQL_TOK_ARROW;
            w = 2;
        } else {
            kind = MSOC_KQL_TOK_ASSIGN;
        }
        break;
    case '!':
        if (c1 == '=') {
            kind = MSOC_KQL_TOK_NE;
            w = 2;
        } else if (c1 == '~') {
            kind = MSOC_KQL_TOK_NE_CI;
            w = 2;
        } else {
            kind = MSOC_KQL_TOK_BANG;
        }
        break;
    case '<':
        if (c1 == '=') {
            kind = MSOC_KQL_TOK_LE;
            w = 2;
        } else if (c1 == '>') {
            kind = MSOC_KQL_TOK_NE;
            w = 2;
        } else if (c1 == '|') {
            kind = MSOC_KQL_TOK_LTPIPE;
            w = 2;
        } else {
            kind = MSOC_KQL_TOK_LT;
        }
        break;
    case '>':
        if (c1 == '=') {
            kind = MSOC_KQL_TOK_GE;
            w = 2;
        } else {
            kind = MSOC_KQL_TOK_GT;
        }
        break;
    default:
        if (c < 0x20 || c == 0x7f)
            return lex_fail(lx, i, MSOC_KQL_DIAG_BAD_CHAR,
                            "control character 0x%02x cannot appear outside a string", c);
        return lex_fail(lx, i, MSOC_KQL_DIAG_BAD_CHAR, "character '%c' cannot start a KQL token",
                        c);
    }
    msoc_status st = push(lx, kind, i, i + w, ws);
    lx->i = i + w;
    return st;
}

msoc_status msoc_kql__lex(const char *text, size_t len, msoc_arena *arena, msoc_kql_toks *out,
                          msoc_kql_diag_code *diag, msoc_error *err)
{
    lexer lx = {.s = text, .len = len, .line = 1, .arena = arena, .diag = diag, .err = err};
    lx.col_val = 1;
    out->v = NULL;
    out->n = 0;
    bool ws = true;
    while (lx.i < len) {
        char c = text[lx.i];
        if (c == '\n') {
            lx.line++;
            lx.line_start = ++lx.i;
            ws = true;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            lx.i++;
            ws = true;
            continue;
        }
        if (c == '/' && lx.i + 1 < len && text[lx.i + 1] == '/') {
            while (lx.i < len && text[lx.i] != '\n')
                lx.i++;
            ws = true;
            continue;
        }
        /* #connect and other client directives: a '#' line is skipped like a comment. */
        bool line_start = c == '#';
        for (size_t k = lx.line_start; line_start && k < lx.i; k++)
            line_start = text[k] == ' ' || text[k] == '\t';
        if (line_start) {
            while (lx.i < len && text[lx.i] != '\n')
                lx.i++;
            ws = true;
            continue;
        }
        size_t us = (unsigned char)c >= 0xC2 ? uspace_len(text, len, lx.i) : 0;
        if (us) {
            lx.i += us;
            ws = true;
            continue;
        }
        msoc_status st = lex_one(&lx, ws);
        if (st != MSOC_OK)
            return st;
        ws = false;
    }
    msoc_status st = push(&lx, MSOC_KQL_TOK_EOF, len, len, true);
    if (st != MSOC_OK)
        return st;
    *out = lx.toks;
    return MSOC_OK;
}

static size_t put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

bool msoc_kql__string_decode(const char *p, size_t len, msoc_arena *arena, msoc_str *out)
{
    size_t i = 0;
    if (len > 0 && (p[0] == 'h' || p[0] == 'H'))
        i++;
    bool verbatim = false;
    if (i < len && p[i] == '@') {
        verbatim = true;
        i++;
    }
    char *o = msoc_arena_alloc(arena, len + 1);
    if (!o)
        return false;
    size_t n = 0;
    if (len - i >= 6 && p[i] == '`') {
        size_t body = len - i - 6;
        memcpy(o, p + i + 3, body);
        o[body] = 0;
        *out = msoc_str_make(o, body);
        return true;
    }
    char q = p[i];
    size_t end = len - 1; /* the closing quote */
    for (size_t k = i + 1; k < end; k++) {
        char c = p[k];
        if (verbatim) {
            if (c == q && k + 1 < end && p[k + 1] == q)
                k++;
            o[n++] = c;
            continue;
        }
        if (c != '\\' || k + 1 >= end) {
            o[n++] = c;
            continue;
        }
        char e = p[++k];
        switch (e) {
        case 'n':
            o[n++] = '\n';
            break;
        case 't':
            o[n++] = '\t';
            break;
        case 'r':
            o[n++] = '\r';
            break;
        case '0':
            o[n++] = '\0';
            break;
        case 'a':
            o[n++] = '\a';
            break;
        case 'b':
            o[n++] = '\b';
            break;
        case 'f':
            o[n++] = '\f';
            break;
        case 'v':
            o[n++] = '\v';
            break;
        case 'u':
        case 'x': {
            int want = e == 'u' ? 4 : 2;
            uint32_t cp = 0;
            int got = 0;
            while (got < want && k + 1 < end && msoc_hex_digit(p[k + 1]) >= 0) {
                cp = cp * 16 + (uint32_t)msoc_hex_digit(p[++k]);
                got++;
            }
            if (got == 0) {
                o[n++] = '\\';
                o[n++] = e;
            } else if (cp <= 0x7F || e == 'u') {
                n += put_utf8(o + n, cp); /* \u never exceeds 3 bytes from 6 chars */
            } else {
                o[n++] = (char)cp;
            }
            break;
        }
        default:
            o[n++] = e;
            break; /* \\ \' \" and unknown escapes keep the char */
        }
    }
    o[n] = 0;
    *out = msoc_str_make(o, n);
    return true;
}

/* The KQL abstract syntax tree: what msoc_kql_parse produces and plan binds.
 *
 * One node struct with a kind and a fixed set of generic slots (a..e, args, keys,
 * params, name, op, flags, lit). Each kind below says which slots it sets; the
 * others are NULL/empty/0. Every node carries its 1-based line:col and byte span in
 * the query text. Nodes live in the caller's arena; strings in `name` and `lit.s`
 * are already decoded (quotes, escapes and brackets removed) and NUL-terminated.
 *
 * Stability: kinds and slots are only ever added, never renamed or reordered in
 * meaning (plan and exec depend on them). Grammar notes: docs/kql-grammar.md. */
#ifndef MSOC_KQL_AST_H
#define MSOC_KQL_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/datetime.h"
#include "core/str.h"
#include "core/types.h"

typedef struct msoc_kql_node msoc_kql_node;

/* A list of child nodes (arena-allocated array). */
typedef struct msoc_kql_list {
    msoc_kql_node **items;
    uint32_t n;
} msoc_kql_list;

/* A literal value, already parsed. */
typedef struct msoc_kql_value {
    msoc_type type; /* BOOL, INT, LONG, REAL, DECIMAL, STRING, DATETIME, TIMESPAN,
                     * GUID or DYNAMIC */
    bool is_null;   /* int(null), datetime(null), dynamic(null), ... */
    union {
        bool b;           /* BOOL */
        int64_t i;        /* INT, LONG */
        double r;         /* REAL */
        msoc_datetime dt; /* DATETIME (ticks) */
        msoc_timespan ts; /* TIMESPAN (ticks) */
    } v;
    msoc_str s; /* STRING: decoded bytes; GUID and DECIMAL: their text as written
                 * (trimmed); REAL: "nan", "+inf", "-inf" for those values;
                 * DATETIME/TIMESPAN: set only when core cannot read the text
                 * (Kusto's parser accepts any text there): s = the text, value
                 * MSOC_TIME_NULL, is_null false; plan must reject it. */
} msoc_kql_value;

/* clang-format off */
#define MSOC_KQL_KINDS(X) \
    /* ---- statements ---------------------------------------------------------- */ \
    X(SCRIPT)        /* args = statements in order: LET, SET, DECLARE, ALIAS, PATTERN,    \
                      * RESTRICT, or a query expression (any expression node, usually      \
                      * PIPE); empty for a text of only comments. With flags &            \
                      * MSOC_KQL_F_COMMAND, args = COMMAND nodes (or PIPE over one). */ \
    X(LET)           /* name = bound name; a = value: an expression, a PIPE, or FUNC.     \
                      * flags & MSOC_KQL_F_VIEW for `let f = view () {...}`. */           \
    X(FUNC)          /* a user function (let f = (x:long, T:(*)) { ... }):                 \
                      * args = PARAM_DECL nodes; a = BLOCK body. */                       \
    X(BLOCK)         /* { statements }: args = LET statements then the result expr. */   \
    X(PARAM_DECL)    /* name; a = TYPE or SCHEMA (tabular parameter); b = default or NULL */ \
    X(DECLARE)       /* declare query_parameters(...): args = PARAM_DECL nodes. */        \
    X(SET)           /* set name [= value]: name = option (dots kept); a = value or NULL */ \
    X(ALIAS)         /* alias database name = expr: name; a = expr (cluster().database()) */ \
    X(PATTERN)       /* declare pattern name [= (params)[[path:type]] { rules }]: name;  \
                      * params = PARAM_DECL arguments; keys = the path PARAM_DECL (0 or  \
                      * 1); args = PATTERN_RULE nodes; flags & MSOC_KQL_F_BRACES when    \
                      * the definition (= ...) is written. */                            \
    X(PATTERN_RULE)  /* (v1, ...)[.[path]] = { query }: args = argument values; b = the  \
                      * path value or NULL; a = BLOCK (the query). */                    \
    /* ---- scalar and tabular expressions ------------------------------------- */ \
    X(LIT)           /* a literal: lit holds type and value. For dynamic(...) literals     \
                      * lit.type = DYNAMIC and a = the value tree (DYN_ARRAY, DYN_OBJECT    \
                      * or LIT), a = NULL for dynamic(null) (lit.is_null). */            \
    X(DYN_ARRAY)     /* JSON array inside dynamic(): args = elements (DYN_*, LIT). */     \
    X(DYN_OBJECT)    /* JSON object inside dynamic(): args = DYN_PAIR nodes. */           \
    X(DYN_PAIR)      /* name = key (decoded); a = value. */                               \
    X(NAME)          /* a name reference: name (decoded: ['a b'] gives "a b"). Column,     \
                      * table, let name, `$left`/`$right` (name starts with '$'). */      \
    X(WILDCARD)      /* a name pattern with '*': name = pattern as written ("Device*"). */ \
    X(STAR)          /* a bare `*` (count(*), project-away *, union *, parse ... *). */   \
    X(BINARY)        /* op = MSOC_KQL_OP_*; a = left; b = right. */                        \
    X(UNARY)         /* op = MSOC_KQL_OP_NEG or MSOC_KQL_OP_PLUS; a = operand. */          \
    X(BETWEEN)       /* op = BETWEEN or NOT_BETWEEN; a = value; b = low; c = high. */      \
    X(IN)            /* op = IN, NOT_IN, IN_CI, NOT_IN_CI, HAS_ANY, HAS_ALL             \
                      * (list operators); a = value; args = list elements (one element    \
                      * may be a tabular expression). */           \
    X(CALL)          /* name = function name; args = arguments (NAMED_ARG for name=value); \
                      * a = receiver for dotted calls (cluster('c').database('d')),        \
                      * else NULL. */                                                      \
    X(NAMED_ARG)     /* name; a = value. */                                                \
    X(MEMBER)        /* a.name (dynamic property, $left.X, db.Table): a = object; name. */ \
    X(INDEX)         /* a[b]: a = object; b = index expression. */                         \
    X(PIPE)          /* a = source (NULL in sub-queries that start with an operator, as    \
                      * in mv-apply ... on (...), fork, facet with, partition);            \
                      * args = the tabular operators (OP_*) in order. */                 \
    X(TYPE)          /* a scalar type: op = msoc_type; name = the type name as written;    \
                      * typeof(T) in mv-expand/mv-apply `to typeof(...)` too. */          \
    X(SCHEMA)        /* a tabular schema (a:string, b:long) or (*): args = COLDEF nodes;   \
                      * flags & MSOC_KQL_F_STAR for (*). */                               \
    X(COLDEF)        /* name; a = TYPE or NULL (untyped parse column); b = default value  \
                      * or NULL (scan declare). */                                         \
    X(ASSIGN)        /* targets = value: args = target NAME nodes (1, or several for      \
                      * (a, b) = f(...)); a = value. */                                   \
    X(SORT_KEY)      /* a = expression; flags MSOC_KQL_F_ASC / _DESC / _NULLS_FIRST /      \
                      * _NULLS_LAST when written. */                                       \
    X(PARAM)         /* operator option name=value (kind=inner, hint.strategy=shuffle,     \
                      * withsource=T, isfuzzy=true, render with(title="x")): name (dots    \
                      * kept); a = value (NAME for bare words, LIT otherwise, or any expr). \
                      * args = further values of a list property (ycolumns=a, b).    \
                      * The parameter list sits in the operator's `params`. */            \
    X(DEFAULT)       /* make-series aggregate with `default = v`: a = item; b = value. */ \
    X(MV_ITEM)       /* mv-expand/mv-apply item: a = expression or ASSIGN; b = TYPE       \
                      * (`to typeof(t)`) or NULL. */                                      \
    X(TOP_LEVEL)     /* one top-nested level: a = count or NULL; b = `of` expression       \
                      * (may be ASSIGN); c = `by` aggregate (may be ASSIGN) or NULL;       \
                      * d = `with others =` value or NULL; flags ASC/DESC. */             \
    X(SCAN_STEP)     /* scan step: name; flags OPTIONAL; a = predicate;                   \
                      * args = ASSIGN nodes after `=>`; params = output=all|last|none. */                                 \
    X(COMMAND)       /* a control command: name = the command words, lowercased and       \
                      * space-separated (".show tables", ".create table"); args = the     \
                      * remaining parts: NAME (words), LIT, TOKEN (punctuation; "(" and   \
                      * "[" hold their contents in args), BLOCK ({...} bodies); a = what  \
                      * follows `<|`: a query, a nested COMMAND, a BLOCK of statements   \
                      * (flags BRACES when written in {...}), or NULL; lit.s = raw text   \
                      * of an `.ingest inline` payload. */                                                        \
    /* ---- tabular operators (in a PIPE's args; sources may also stand alone) ---- */ \
    X(OP_WHERE)      /* where/filter: a = predicate; params. */                           \
    X(OP_PROJECT)    /* args = columns: NAME, WILDCARD, ASSIGN, or any expression. */      \
    X(OP_PROJECT_AWAY)    /* args = NAME or WILDCARD. */                                  \
    X(OP_PROJECT_KEEP)    /* args = NAME or WILDCARD. */                                  \
    X(OP_PROJECT_RENAME)  /* args = ASSIGN (new = old; old is a NAME). */                 \
    X(OP_PROJECT_REORDER) /* args = NAME, WILDCARD or SORT_KEY (granny-asc etc. as flags). */ \
    X(OP_EXTEND)     /* args = ASSIGN or expressions. */                                   \
    X(OP_SUMMARIZE)  /* params (hints); args = aggregates (ASSIGN or expr);                \
                      * keys = by-expressions (ASSIGN or expr). */                         \
    X(OP_COUNT)      /* no slots (count as Name: args = [NAME]). */                         \
    X(OP_TAKE)       /* take/limit: a = count; params. */                                  \
    X(OP_TOP)        /* a = count; args = [SORT_KEY]; params. */                           \
    X(OP_TOP_NESTED) /* args = TOP_LEVEL nodes. */                                         \
    X(OP_TOP_HITTERS)/* a = count; b = `of` expression; c = `by` expression or NULL. */     \
    X(OP_SORT)       /* sort/order by: args = SORT_KEY nodes; params. */                   \
    X(OP_DISTINCT)   /* args = expressions or STAR; params. */                              \
    X(OP_JOIN)       /* params (kind=..., hint.*); a = right table; keys = on-conditions   \
                      * (NAME, or BINARY == over $left./$right. members); keys empty with  \
                      * flags & MSOC_KQL_F_NO_ON when `on` is absent. */                   \
    X(OP_LOOKUP)     /* as OP_JOIN. */                                                      \
    X(OP_UNION)      /* params (kind, withsource, isfuzzy); args = tables (any expr,       \
                      * WILDCARD, PIPE). As a source its args hold every table. */       \
    X(OP_MV_EXPAND)  /* params (bagexpansion, with_itemindex, kind); args = MV_ITEM;       \
                      * c = `limit` count or NULL. */                                      \
    X(OP_MV_APPLY)   /* params; args = MV_ITEM; c = limit or NULL; b = sub-query PIPE      \
                      * (a = NULL) after `on`. */                                           \
    X(OP_PARSE)      /* params (kind=, flags=); a = source expression; args = pattern:     \
                      * LIT (string), STAR, COLDEF. */                                     \
    X(OP_PARSE_WHERE)/* as OP_PARSE. */                                                     \
    X(OP_PARSE_KV)   /* a = source expression; b = SCHEMA (as (...)); params = with(...). */\
    X(OP_EVALUATE)   /* params (hints); a = CALL (the plugin); b = output SCHEMA or NULL. */\
    X(OP_MAKE_SERIES)/* params (kind=nonempty); args = aggregates (ASSIGN, expr, DEFAULT);   \
                      * b = axis (`on`); c = from; d = to; e = step (each may be NULL);     \
                      * keys = by-expressions; flags & MSOC_KQL_F_IN_RANGE for             \
                      * `on x in range(from, to, step)`. */                                \
    X(OP_RANGE)      /* range name from a to b step c: name; a; b; c. */                   \
    X(OP_PRINT)      /* args = ASSIGN or expressions. */                                   \
    X(OP_DATATABLE)  /* a = SCHEMA; args = values, row-major; params (hints). */           \
    X(OP_EXTERNALDATA) /* a = SCHEMA; args = URI expressions; params = with(...) props. */ \
    X(OP_RENDER)     /* name = visualisation; params = properties (with(...), or legacy    \
                      * `kind=...`, `by`). */                                               \
    X(OP_AS)         /* name; params (hint.materialized). */                               \
    X(OP_SERIALIZE)  /* args = ASSIGN or expressions (may be empty). */                    \
    X(OP_INVOKE)     /* a = CALL. */                                                       \
    X(OP_FACET)      /* args = columns; b = `with` sub-query PIPE or NULL. */             \
    X(OP_SAMPLE)     /* a = count; params. */                                               \
    X(OP_SAMPLE_DISTINCT) /* a = count; b = `of` expression; params. */                    \
    X(OP_GETSCHEMA)  /* no slots. */                                                        \
    X(OP_FORK)       /* args = branches: PIPE (a = NULL) or ASSIGN(name, PIPE). */         \
    X(OP_PARTITION)  /* params; a = `by` column; b = sub-query: PIPE (a = NULL) in (...) or \
                      * an expression (PIPE/BLOCK) in {...} (flags & MSOC_KQL_F_BRACES). */ \
    X(OP_SCAN)       /* params (with_match_id=...); keys = declared COLDEF (b = default);   \
                      * args = SCAN_STEP nodes. */                                          \
    X(OP_SEARCH)     /* params (kind=...); args = tables from `in (...)` or empty;           \
                      * a = predicate. */                                                   \
    X(OP_FIND)       /* params; args = tables from `in (...)`; a = predicate;              \
                      * keys = `project` columns (NAME, COLDEF, CALL pack_all());          \
                      * flags & MSOC_KQL_F_PROJECT_SMART. */                               \
    X(OP_REDUCE)     /* a = `by` expression; params = with(...) options. */                \
    X(OP_CONSUME)    /* params. */                                                          \
    X(OP_EXECUTE_AND_CACHE) /* no slots. */                                                 \
    X(OP_ASSERT_SCHEMA)     /* a = SCHEMA. */                                               \
    X(OP_MAKE_GRAPH) /* a = source-id expr; b = target-id expr; params; c = `with` table; \
                      * keys = `on` keys. Parsed for completeness only. */              \
    X(OP_GRAPH_OP)   /* graph-match, graph-to-table, graph-merge, graph-shortest-paths,     \
                      * make-graph leftovers: name = operator; args = the raw parts as     \
                      * expressions. Parsed for completeness only. */                     \
    X(OP_LEGACY)     /* any other known operator kept as tokens: name = operator;          \
                      * args = TOKEN/NAME nodes. */                                        \
    X(RESTRICT)      /* restrict access to (...): args = the entity expressions. */       \
    X(ENTITY_GROUP)  /* entity_group [e1, e2]: args = entity expressions. */             \
    X(TOKEN)         /* one punctuation token kept verbatim inside a COMMAND or OP_LEGACY:  \
                      * name = its text ("(", "=", ","). */

/* clang-format on */

typedef enum msoc_kql_kind {
#define MSOC_KQL_KIND_ENUM(name) MSOC_KQL_##name,
    MSOC_KQL_KINDS(MSOC_KQL_KIND_ENUM)
#undef MSOC_KQL_KIND_ENUM
        MSOC_KQL__KIND_COUNT
} msoc_kql_kind;

/* Binary, unary and list operators (BINARY/UNARY/IN/BETWEEN `op`). The text is the
 * canonical spelling; msoc_kql_op_text returns it. */
/* clang-format off */
#define MSOC_KQL_OPS(X) \
    X(OR, "or") X(AND, "and") \
    X(EQ, "==") X(NE, "!=") X(LT, "<") X(LE, "<=") X(GT, ">") X(GE, ">=") \
    X(EQ_CI, "=~") X(NE_CI, "!~") \
    X(ADD, "+") X(SUB, "-") X(MUL, "*") X(DIV, "/") X(MOD, "%") \
    X(NEG, "-") X(PLUS, "+") \
    X(HAS, "has") X(NOT_HAS, "!has") X(HAS_CS, "has_cs") X(NOT_HAS_CS, "!has_cs") \
    X(HASPREFIX, "hasprefix") X(NOT_HASPREFIX, "!hasprefix") \
    X(HASPREFIX_CS, "hasprefix_cs") X(NOT_HASPREFIX_CS, "!hasprefix_cs") \
    X(HASSUFFIX, "hassuffix") X(NOT_HASSUFFIX, "!hassuffix") \
    X(HASSUFFIX_CS, "hassuffix_cs") X(NOT_HASSUFFIX_CS, "!hassuffix_cs") \
    X(CONTAINS, "contains") X(NOT_CONTAINS, "!contains") \
    X(CONTAINS_CS, "contains_cs") X(NOT_CONTAINS_CS, "!contains_cs") \
    X(STARTSWITH, "startswith") X(NOT_STARTSWITH, "!startswith") \
    X(STARTSWITH_CS, "startswith_cs") X(NOT_STARTSWITH_CS, "!startswith_cs") \
    X(ENDSWITH, "endswith") X(NOT_ENDSWITH, "!endswith") \
    X(ENDSWITH_CS, "endswith_cs") X(NOT_ENDSWITH_CS, "!endswith_cs") \
    X(MATCHES_REGEX, "matches regex") X(LIKE, "like") X(NOT_LIKE, "notlike") \
    X(LIKE_CS, "likecs") X(NOT_LIKE_CS, "notlikecs") \
    X(IN, "in") X(NOT_IN, "!in") X(IN_CI, "in~") X(NOT_IN_CI, "!in~") \
    X(HAS_ANY, "has_any") X(HAS_ALL, "has_all") \
    X(BETWEEN, "between") X(NOT_BETWEEN, "!between") \
    X(SEARCH_HAS, ":") /* search predicate Col:"text" (has on one column) */

/* clang-format on */

typedef enum msoc_kql_op {
    MSOC_KQL_OP_NONE = 0,
#define MSOC_KQL_OP_ENUM(name, text) MSOC_KQL_OP_##name,
    MSOC_KQL_OPS(MSOC_KQL_OP_ENUM)
#undef MSOC_KQL_OP_ENUM
        MSOC_KQL__OP_COUNT
} msoc_kql_op;

/* Node flags (meaning depends on the kind, as documented above). */
enum {
    MSOC_KQL_F_ASC = 1u << 0,
    MSOC_KQL_F_DESC = 1u << 1,
    MSOC_KQL_F_NULLS_FIRST = 1u << 2,
    MSOC_KQL_F_NULLS_LAST = 1u << 3,
    MSOC_KQL_F_STAR = 1u << 4,
    MSOC_KQL_F_COMMAND = 1u << 5,
    MSOC_KQL_F_VIEW = 1u << 6,
    MSOC_KQL_F_NO_ON = 1u << 7,
    MSOC_KQL_F_IN_RANGE = 1u << 8,
    MSOC_KQL_F_BRACES = 1u << 9,
    MSOC_KQL_F_OPTIONAL = 1u << 10,
    MSOC_KQL_F_PROJECT_SMART = 1u << 11,
    MSOC_KQL_F_GRANNY = 1u << 12,    /* SORT_KEY in project-reorder: granny-asc/-desc */
    MSOC_KQL_F_BARE_LIST = 1u << 13, /* IN written without parentheses: x in list_var */
};

struct msoc_kql_node {
    msoc_kql_kind kind;
    uint32_t line, col;               /* 1-based start position */
    uint32_t off, end;                /* byte span [off, end) in the query text */
    int32_t op;                       /* msoc_kql_op (BINARY...), msoc_type (TYPE) */
    uint32_t flags;                   /* MSOC_KQL_F_* */
    msoc_str name;                    /* decoded name/keyword; {NULL,0} when unused */
    msoc_kql_node *a, *b, *c, *d, *e; /* kind-specific children */
    msoc_kql_list args;               /* main child list */
    msoc_kql_list keys;               /* second list: by/on keys */
    msoc_kql_list params;             /* PARAM nodes: operator options and hints */
    msoc_kql_value lit;               /* LIT */
};

/* "OP_WHERE", "BINARY", ... (the enum name without MSOC_KQL_). */
const char *msoc_kql_kind_name(msoc_kql_kind k);
/* Canonical spelling of an operator ("==", "!has", "matches regex"). */
const char *msoc_kql_op_text(msoc_kql_op op);

#endif

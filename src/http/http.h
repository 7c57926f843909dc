/* The HTTP transport: libmicrohttpd with a thread pool, caps on body size,
 * header memory and idle time, optional TLS. It knows nothing of tenants, JSON
 * or KQL: a handler gets a request and fills a response. Design:
 * src/http/README.md.
 *
 * Thread-safety: the handler is called concurrently from the pool's threads. */
#ifndef MSOC_HTTP_HTTP_H
#define MSOC_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/log.h"
#include "core/str.h"

typedef struct msoc_http_server msoc_http_server;

typedef struct msoc_http_config {
    const char *listen_addr;  /* IPv4 or IPv6 literal; NULL: 127.0.0.1 */
    uint16_t port;            /* 0: any free port (see msoc_http_port) */
    unsigned n_threads;       /* 0: one per CPU */
    size_t max_body;          /* bytes; 0: 16 MiB */
    size_t max_header;        /* connection memory for the request head; 0: 64 KiB */
    unsigned timeout_s;       /* idle connection timeout; 0: 60 */
    const char *tls_cert_pem; /* PEM text (not a path); NULL: plain HTTP */
    const char *tls_key_pem;
    const msoc_logger *logger;/* may be NULL */
} msoc_http_config;

/* A name/value pair (headers, query parameters, cookies). */
typedef struct msoc_http_kv {
    const char *key;
    const char *value;
} msoc_http_kv;

/* A request built in memory rather than read from a connection (the fuzz target,
 * tests, sub-requests): its headers (names matched case-insensitively), decoded
 * query parameters and cookies. */
typedef struct msoc_http_synthetic {
    const msoc_http_kv *headers;
    size_t n_headers;
    const msoc_http_kv *query;
    size_t n_query;
    const msoc_http_kv *cookies;
    size_t n_cookies;
} msoc_http_synthetic;

/* One request, valid during the handler call only. */
typedef struct msoc_http_request {
    const char *method;  /* "GET", "POST", ... */
    const char *path;    /* percent-decoded path without the query string */
    const char *body;    /* NUL-terminated; body_len bytes */
    size_t body_len;
    bool is_tls;
    const msoc_http_synthetic *synthetic; /* non-NULL: no connection; the accessors read this */
    void *conn_;         /* private */
} msoc_http_request;

/* Splits a request target "PATH[?QUERY]" into the percent-decoded path (in a)
 * and the decoded query pairs (msoc_http_query_parse). */
msoc_status msoc_http_target_parse(const char *target, msoc_arena *a, const char **path_out,
                                   msoc_http_kv **query_out, size_t *n_query, msoc_error *err);

/* Splits and percent-decodes a query string ("a=1&b=x%20y", '+' is a space; a
 * malformed escape stays as written) into pairs allocated in a. A key without
 * '=' gets the value "". At most 256 pairs (MSOC_LIMIT beyond). */
msoc_status msoc_http_query_parse(const char *qs, size_t len, msoc_arena *a, msoc_http_kv **out,
                                  size_t *n_out, msoc_error *err);

/* Case-insensitive header lookup; NULL when absent. */
const char *msoc_http_header(const msoc_http_request *r, const char *name);
/* Decoded query parameter; NULL when absent. */
const char *msoc_http_query(const msoc_http_request *r, const char *name);
const char *msoc_http_cookie(const msoc_http_request *r, const char *name);
/* Calls fn for every query parameter (decoded) in order; stops when fn returns false. */
void msoc_http_query_each(const msoc_http_request *r,
                          bool (*fn)(void *ud, const char *key, const char *value), void *ud);

#define MSOC_HTTP_MAX_RESP_HEADERS 8

typedef struct msoc_http_response {
    int status;                 /* default 200 */
    const char *content_type;   /* static string; default application/json */
    msoc_buf body;              /* capped at 256 MiB */
    char *headers[MSOC_HTTP_MAX_RESP_HEADERS][2]; /* owned (msoc_strdup) name/value */
    int n_headers;
} msoc_http_response;

/* Adds a response header (copied). Silently ignores more than the maximum. */
void msoc_http_response_header(msoc_http_response *resp, const char *name, const char *value);
/* A fresh response (200, application/json, empty body), and its release: for
 * handlers called on synthetic requests. */
void msoc_http_response_init(msoc_http_response *resp);
void msoc_http_response_fini(msoc_http_response *resp);

typedef void (*msoc_http_handler)(void *ud, const msoc_http_request *req, msoc_http_response *resp);

/* Starts listening and serving on background threads. MSOC_IO when the address
 * cannot be bound, MSOC_INVALID for a bad address or TLS material. */
msoc_status msoc_http_start(const msoc_http_config *cfg, msoc_http_handler handler, void *ud,
                            msoc_http_server **out, msoc_error *err);
uint16_t msoc_http_port(const msoc_http_server *s);
/* Stops accepting, finishes running handlers and frees. Accepts NULL. */
void msoc_http_stop(msoc_http_server *s);

/* Parses "ADDR:PORT", "[v6]:PORT" or ":PORT" (addr_out NULL then). addr_out
 * (cap 64) receives the address. */
msoc_status msoc_http_parse_listen(const char *s, char *addr_out, uint16_t *port_out,
                                   msoc_error *err);

#endif

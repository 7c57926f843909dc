/* src/http: a real server on 127.0.0.1 (port 0): the handler sees method, path,
 * decoded query, headers, cookies and body; the body cap answers 413 both for a
 * declared Content-Length and for a chunked body; listen address parsing. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "http/http.h"

static void echo(void *ud, const msoc_http_request *req, msoc_http_response *resp)
{
    (void)ud;
    const char *q = msoc_http_query(req, "$filter");
    const char *h = msoc_http_header(req, "x-test");
    const char *c = msoc_http_cookie(req, "msoc_session");
    msoc_buf_appendf(&resp->body, "%s|%s|%s|%s|%s|%zu", req->method, req->path, q ? q : "-", h ? h : "-",
                     c ? c : "-", req->body_len);
    resp->status = 201;
    msoc_http_response_header(resp, "X-Echo", "yes");
}

/* Sends raw bytes and returns the response text (up to cap). */
static size_t roundtrip(uint16_t port, const char *raw, size_t raw_len, char *out, size_t cap)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    size_t off = 0;
    while (off < raw_len) {
        ssize_t n = send(fd, raw + off, raw_len - off, MSG_NOSIGNAL);
        if (n <= 0)
            break; /* the server may close early (413) */
        off += (size_t)n;
    }
    shutdown(fd, SHUT_WR);
    size_t got = 0;
    ssize_t n;
    while (got < cap - 1 && (n = recv(fd, out + got, cap - 1 - got, 0)) > 0)
        got += (size_t)n;
    out[got] = 0;
    close(fd);
    return got;
}

static void test_server(void **state)
{
    (void)state;
    msoc_http_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.n_threads = 2;
    cfg.max_body = 1000;
    msoc_http_server *s;
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_http_start(&cfg, echo, NULL, &s, &err), MSOC_OK);
    uint16_t port = msoc_http_port(s);
    assert_true(port > 0);
    char out[8192];
    const char *r1 = "POST /v1.0/x%20y?%24filter=status%20eq%20%27a%27 HTTP/1.1\r\nHost: t\r\nX-Test: hi\r\n"
                     "Cookie: msoc_session=abc\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
    roundtrip(port, r1, strlen(r1), out, sizeof out);
    assert_non_null(strstr(out, "HTTP/1.1 201"));
    assert_non_null(strstr(out, "X-Echo: yes"));
    assert_non_null(strstr(out, "POST|/v1.0/x y|status eq 'a'|hi|abc|5"));
    /* declared too big */
    const char *r2 = "POST /a HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n";
    roundtrip(port, r2, strlen(r2), out, sizeof out);
    assert_non_null(strstr(out, "HTTP/1.1 413"));
    assert_non_null(strstr(out, "payload_too_large"));
    /* chunked past the cap */
    char r3[4096];
    int n = snprintf(r3, sizeof r3, "POST /a HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
                                    "Connection: close\r\n\r\n");
    for (int i = 0; i < 3; i++) {
        n += snprintf(r3 + n, sizeof r3 - (size_t)n, "258\r\n");
        memset(r3 + n, 'x', 600);
        n += 600;
        n += snprintf(r3 + n, sizeof r3 - (size_t)n, "\r\n");
    }
    n += snprintf(r3 + n, sizeof r3 - (size_t)n, "0\r\n\r\n");
    roundtrip(port, r3, (size_t)n, out, sizeof out);
    assert_non_null(strstr(out, "HTTP/1.1 413"));
    /* still serving */
    const char *r4 = "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    roundtrip(port, r4, strlen(r4), out, sizeof out);
    assert_non_null(strstr(out, "GET|/|-|-|-|0"));
    msoc_http_stop(s);
}

static void test_listen_parse(void **state)
{
    (void)state;
    char addr[64];
    uint16_t port;
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_http_parse_listen("0.0.0.0:8443", addr, &port, &err), MSOC_OK);
    assert_string_equal(addr, "0.0.0.0");
    assert_int_equal(port, 8443);
    assert_int_equal(msoc_http_parse_listen("[::1]:80", addr, &port, &err), MSOC_OK);
    assert_string_equal(addr, "::1");
    assert_int_equal(msoc_http_parse_listen("localhost", addr, &port, &err), MSOC_INVALID);
    msoc_error_clear(&err);
    assert_int_equal(msoc_http_parse_listen("1.2.3.4:99999", addr, &port, &err), MSOC_INVALID);
    msoc_http_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.listen_addr = "not-an-ip";
    msoc_http_server *s;
    msoc_error_clear(&err);
    assert_int_equal(msoc_http_start(&cfg, echo, NULL, &s, &err), MSOC_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server),
        cmocka_unit_test(test_listen_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

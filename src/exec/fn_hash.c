/* Cryptographic digests (hash_sha256, hash_sha1, hash_md5) over a value's text
 * form, as Kusto hashes it: strings as UTF-8 bytes, other scalars as tostring()
 * (datetimes with 7 fraction digits). */
#include <openssl/evp.h>

#include "exec_int.h"

#define ROW(name) static void name(xq *q, const xval *a, size_t n_args, xval *out)

static void digest_hex(xq *q, const EVP_MD *md, xval v, xval *out)
{
    if (v.is_null && !xtype_is_str(v.t))
        return; /* null in, null out */
    msoc_str s = msoc_exec__to_text(q, v);
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int d_len = 0;
    if (EVP_Digest(s.ptr ? s.ptr : "", s.len, d, &d_len, md, NULL) != 1) {
        msoc_fail(q->err, MSOC_INTERNAL, "digest failed");
        return;
    }
    static const char hex[] = "0123456789abcdef";
    char buf[2 * EVP_MAX_MD_SIZE];
    for (unsigned int i = 0; i < d_len; i++) {
        buf[2 * i] = hex[d[i] >> 4];
        buf[2 * i + 1] = hex[d[i] & 15];
    }
    *out = xv_str(msoc_exec__strdup(q, buf, 2 * (size_t)d_len));
}

ROW(f_sha256)
{
    (void)n_args;
    digest_hex(q, EVP_sha256(), a[0], out);
}

ROW(f_sha1)
{
    (void)n_args;
    digest_hex(q, EVP_sha1(), a[0], out);
}

ROW(f_md5)
{
    (void)n_args;
    digest_hex(q, EVP_md5(), a[0], out);
}

void msoc_exec__fn_register_hash(xfn_impl *t)
{
    t[MSOC_PLAN_FN_HASH_SHA256] = (xfn_impl){f_sha256, NULL, false};
    t[MSOC_PLAN_FN_HASH_SHA1] = (xfn_impl){f_sha1, NULL, false};
    t[MSOC_PLAN_FN_HASH_MD5] = (xfn_impl){f_md5, NULL, false};
}

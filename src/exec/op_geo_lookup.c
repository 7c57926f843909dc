/* evaluate geo_polygon_lookup / geo_line_lookup: joins each input point with the
 * lookup rows whose polygon holds it (or whose line lies within the radius), like a
 * lookup join; unmatched points are kept only with return_unmatched. The lookup
 * shapes are parsed once; invalid shapes never match. */
#include "fn_geo.h"

msoc_status msoc_exec__op_geo_lookup(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                    const msoc_exec_table **out)
{
    const msoc_exec_table *lk;
    msoc_status st = msoc_exec__node(q, n->inputs[1], &lk);
    if (st != MSOC_OK)
        return st;
    bool is_unmatched = n->eval_flags & 1, is_line = n->eval_flags & 2;
    msoc_exec_col *key, *lng, *lat, *radius = NULL;
    if ((st = msoc_exec__eval(q, n->eval_args[0], lk, &key)) != MSOC_OK ||
        (st = msoc_exec__eval(q, n->eval_args[1], in, &lng)) != MSOC_OK ||
        (st = msoc_exec__eval(q, n->eval_args[2], in, &lat)) != MSOC_OK)
        return st;
    if (is_line && (st = msoc_exec__eval(q, n->eval_args[3], in, &radius)) != MSOC_OK)
        return st;
    geo_shape *shapes = msoc_exec__calloc(q, lk->n_rows + 1, sizeof *shapes);
    bool *is_valid = msoc_exec__calloc(q, lk->n_rows + 1, sizeof *is_valid);
    if (shapes == NULL || is_valid == NULL)
        return q->err->code;
    for (size_t r = 0; r < lk->n_rows; r++) {
        xval v = msoc_exec__col_get(key, r);
        json_t *j = v.t == MSOC_TYPE_DYNAMIC ? v.d : xtype_is_str(v.t) ? msoc_exec__parse_json(q, v.s) : NULL;
        is_valid[r] = !v.is_null && j != NULL && msoc_geo__shape_parse(q->arena, j, &shapes[r]);
        if (is_valid[r]) {
            geo_kind k = shapes[r].kind;
            is_valid[r] = is_line ? (k == GEO_K_LINE || k == GEO_K_MULTILINE)
                                  : (k == GEO_K_POLYGON || k == GEO_K_MULTIPOLYGON);
        }
    }
    /* matched (input row, lookup row) pairs; lookup row SIZE_MAX for an unmatched point */
    msoc_vec pairs;
    msoc_vec_init(&pairs, 2 * sizeof(size_t), (size_t)1 << 28);
    for (size_t r = 0; r < in->n_rows; r++) {
        double x, y, rad = 0;
        bool is_point = msoc_geo__real(q, msoc_exec__col_get(lng, r), &x) &&
                        msoc_geo__real(q, msoc_exec__col_get(lat, r), &y) && msoc_geo__valid(x, y);
        if (is_line && !(msoc_geo__real(q, msoc_exec__col_get(radius, r), &rad) && rad >= 0))
            is_point = false;
        bool is_matched = false;
        geo_xyz p = is_point ? msoc_geo__to_xyz(x, y) : (geo_xyz){0, 0, 0};
        for (size_t l = 0; is_point && l < lk->n_rows; l++) {
            if (!is_valid[l])
                continue;
            bool hit = is_line ? msoc_geo__lines_distance(&shapes[l], p) <= rad
                               : msoc_geo__shape_contains(&shapes[l], p);
            if (hit) {
                size_t pr[2] = {r, l};
                if (msoc_vec_append(&pairs, pr) != MSOC_OK)
                    goto too_big;
                is_matched = true;
            }
        }
        if (!is_matched && is_unmatched) {
            size_t pr[2] = {r, SIZE_MAX};
            if (msoc_vec_append(&pairs, pr) != MSOC_OK)
                goto too_big;
        }
        if ((r & 1023) == 1023 && (st = msoc_exec__check(q)) != MSOC_OK) {
            msoc_vec_fini(&pairs);
            return st;
        }
    }
    msoc_exec_table *t = msoc_exec__table_for(q, n, pairs.n);
    if (t == NULL) {
        msoc_vec_fini(&pairs);
        return q->err->code;
    }
    const size_t *pr = pairs.data;
    for (size_t c = 0; c < n->n_cols; c++) {
        const msoc_exec_col *src = NULL;
        bool is_left = c < in->n_cols;
        if (is_left) {
            src = in->cols[c];
        } else {
            for (size_t k = 0; k < lk->n_cols && src == NULL; k++)
                if (msoc_str_eq(lk->names[k], n->cols[c].name))
                    src = lk->cols[k];
        }
        for (size_t o = 0; o < pairs.n; o++) {
            size_t row = is_left ? pr[2 * o] : pr[2 * o + 1];
            if (src == NULL || row == SIZE_MAX)
                msoc_exec__col_set_null(q, t->cols[c], o);
            else
                msoc_exec__col_set(q, t->cols[c], o, msoc_exec__col_get(src, row));
        }
    }
    msoc_vec_fini(&pairs);
    *out = t;
    return q->err->code;
too_big:
    msoc_vec_fini(&pairs);
    return msoc_fail(q->err, MSOC_LIMIT, "geo lookup: too many matches");
}

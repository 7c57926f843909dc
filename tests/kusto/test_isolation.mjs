// Tenant isolation of hunting: users x query shapes x APIs (Kusto v1, Kusto v2,
// Graph runHuntingQuery). A user granted some tenants never gets a row of another
// tenant - not as a row, not as a count, not through union, join, let,
// materialize, toscalar, table(), workspace(), database() or cluster() - and a
// database naming a tenant outside the grant reads as absent.
import { requireDeps, tempDir, fixture, serve, loadEvents, req, check, done } from './lib.mjs';

requireDeps([]);
const data = tempDir();
const srv = await serve(data);
const base = srv.url;
const T = 'DeviceProcessEvents';
try {
  const { tenants, users } = await fixture(data, base);
  await loadEvents(base, tenants, users.root.token);
  const names = Object.keys(tenants);
  const grants = { root: names, ana: ['Alpha'], bob: ['Beta'], carol: [] };
  const PER = { [T]: 4, DeviceEvents: 1, Markers_CL: 1 };

  // Row shapes: every returned row must belong to an allowed tenant.
  const rowShapes = [
    `${T}`,
    `union ${T}, DeviceEvents, Markers_CL`,
    `union withsource=Src ${T}, Markers_CL`,
    `union *`,
    `${T} | join kind=inner (DeviceEvents) on TenantId`,
    `${T} | join kind=leftouter (Markers_CL | project TenantId, Marker) on TenantId`,
    `let x = ${T}; x | union (x | project DeviceName, TenantId)`,
    `let m = materialize(${T} | project DeviceName, TenantId); m | union m`,
    `table("${T}")`,
    `${T} | where TenantId == "${tenants.Beta}"`,
    `${T} | where TenantId != "${tenants.Alpha}"`,
    ...names.map((n) => `workspace("${n}").${T}`),
    ...names.map((n) => `workspace("${tenants[n]}").${T}`),
    ...names.map((n) => `database("${n}").${T}`),
    ...names.map((n) => `cluster("localhost").database("${tenants[n]}").${T}`),
    `${T} | summarize make_set(DeviceName) by TenantId`,
    `print s = toscalar(${T} | summarize make_set(DeviceName))`,
    `${T} | extend x = toscalar(DeviceEvents | summarize make_list(DeviceName))`,
  ];
  // Count shapes: the count must come from the allowed tenants only.
  const countShapes = [
    [`${T} | count`, (S) => 4 * S.length],
    [`union ${T}, DeviceEvents | count`, (S) => 5 * S.length],
    [`print n = toscalar(${T} | count)`, (S) => 4 * S.length],
    [`let x = ${T}; x | join kind=inner (x) on DeviceName | count`, (S) => 4 * S.length],
    [`let m = materialize(${T}); m | union m | count`, (S) => 8 * S.length],
    [`table("${T}") | count`, (S) => 4 * S.length],
    [`${T} | where DeviceName startswith "secret-beta" | count`, (S) => (S.includes('Beta') ? 4 : 0)],
    [`Markers_CL | count`, (S) => S.length],
    [`print n = toscalar(union ${T}, Markers_CL | where TenantId == "${tenants.Gamma}" | count)`, (S) => (S.includes('Gamma') ? 5 : 0)],
  ];

  const apis = {
    v2: async (token, q, db = 'multisoc') => {
      const r = await req(base, 'POST', '/v2/rest/query', { token, body: { db, csl: q } });
      const prim = r.status === 200 ? r.json.find((f) => f.TableKind === 'PrimaryResult') : null;
      return { r, rows: prim ? prim.Rows : null };
    },
    v1: async (token, q, db = 'multisoc') => {
      const r = await req(base, 'POST', '/v1/rest/query', { token, body: { db, csl: q } });
      return { r, rows: r.status === 200 ? r.json.Tables[0].Rows : null };
    },
    graph: async (token, q) => {
      const r = await req(base, 'POST', '/v1.0/security/runHuntingQuery', { token, body: { Query: q, Timespan: 'P60D' } });
      return { r, rows: r.status === 200 ? r.json.results.map((o) => Object.values(o)) : null };
    },
  };

  let nOk = 0, nErr = 0;
  for (const [user, S] of Object.entries(grants)) {
    const token = users[user].token;
    const forbidden = names.filter((n) => !S.includes(n));
    for (const [api, run] of Object.entries(apis)) {
      for (const q of rowShapes) {
        const { r, rows } = await run(token, q);
        const leaked = forbidden.filter((n) => r.text.includes(`secret-${n.toLowerCase()}`) ||
                                               (!q.includes(tenants[n]) && r.text.includes(tenants[n])));
        check(leaked.length === 0, `${user} ${api} "${q}": no trace of ${leaked.join(',')} (status ${r.status})`);
        check(r.status === 200 || (r.status >= 400 && r.status < 500), `${user} ${api} "${q}": 200 or a 4xx, not ${r.status}: ${r.text.slice(0, 200)}`);
        if (r.status === 200) nOk++; else { nErr++; if (process.env.MSOC_VERBOSE) console.log(`refused: ${user} ${api} ${q}: ${r.text.slice(0, 160)}`); }
        if (q === T) {
          const want = 4 * S.length - (api === 'graph' ? 0 : 0);
          check(rows && rows.length === want, `${user} ${api} "${q}": ${want} rows, got ${rows && rows.length}`);
        }
      }
      for (const [q, f] of countShapes) {
        const { r, rows } = await run(token, q);
        const want = f(S);
        const got = rows && rows.length === 1 ? rows[0][0] : null;
        check(r.status === 200 && got === want, `${user} ${api} "${q}": count ${want}, got ${got} (status ${r.status} ${r.status === 200 ? '' : r.text.slice(0, 200)})`);
      }
    }
    // The database names one tenant: only the allowed ones exist for this user.
    for (const n of names) {
      for (const db of [n, tenants[n]]) {
        for (const api of ['v1', 'v2']) {
          const { r, rows } = await apis[api](token, `${T} | summarize by TenantId`, db);
          if (S.includes(n))
            check(r.status === 200 && rows.length === 1 && rows[0][0] === tenants[n], `${user} ${api} db=${db}: only ${n}`);
          else
            check(r.status === 404 && !r.text.includes('secret-'), `${user} ${api} db=${db}: 404 (${r.status})`);
        }
      }
      const m = await req(base, 'POST', '/v1/rest/mgmt', { token, body: { db: n, csl: '.show tables' } });
      check(S.includes(n) ? m.status === 200 : m.status === 404, `${user} mgmt .show tables db=${n}: ${m.status}`);
    }
    const dbs = await req(base, 'POST', '/v1/rest/mgmt', { token, body: { db: 'multisoc', csl: '.show databases' } });
    const listed = dbs.json.Tables[0].Rows.map((r) => r[0]).filter((x) => x !== 'multisoc');
    check(JSON.stringify(listed) === JSON.stringify(S), `${user}: .show databases lists exactly ${S}`);
  }
  // Writes: only a tenant admin of the named database; nothing lands elsewhere.
  for (const [user, target, want] of [['ana', 'Alpha', 403], ['ana', 'Beta', 404], ['bob', 'Gamma', 404], ['carol', 'Alpha', 404], ['bob', 'Beta', 200]]) {
    const r = await req(base, 'POST', '/v1/rest/mgmt', { token: users[user].token,
      body: { db: target, csl: `.ingest inline into table Markers_CL <|\n,planted-by-${user},1` } });
    check(r.status === want, `${user} .ingest inline into ${target}: ${want}, got ${r.status}`);
  }
  const planted = await apis.v2(users.root.token, 'Markers_CL | where Marker startswith "planted-by-" | project Marker, TenantId');
  check(planted.rows.length === 1 && planted.rows[0][0] === 'planted-by-bob' && planted.rows[0][1] === tenants.Beta,
        'only bob\'s write landed, in Beta');
  console.log(`isolation grid: ${nOk} queries answered, ${nErr} refused with a 4xx`);
} finally {
  const st = await srv.stop();
  check(st.code === 0, `the server exits cleanly on SIGTERM (code ${st.code}, signal ${st.sig}): ${srv.stderr().slice(-2000)}`);
}
done('kusto.isolation');

// GET /api/schema: the tables (with typed columns) the caller may query, custom
// _CL tables only where one of the caller's tenants holds them, and the operators
// and functions the engine implements (the same registry `multisoc kql support`
// prints).
import { requireDeps, tempDir, fixture, serve, req, check, done, cli } from './lib.mjs';

requireDeps();
const data = tempDir();
const { tenants, users } = fixture(data);
const srv = await serve(data);
const U = srv.url;
const root = users.root.token, ana = users.ana.token, bob = users.bob.token, carol = users.carol.token;
const A = tenants.Alpha, B = tenants.Beta, G = tenants.Gamma;
const ts = '2026-11-20T10:00:00Z';

const put = async (tenant, table, rows) => {
  const r = await req(U, 'POST', `/api/tenants/${tenant}/ingest?table=${table}`,
                      { token: root, raw: rows.map((x) => JSON.stringify(x)).join('\n') });
  check(r.status === 200 && r.json.stored === rows.length, `ingest ${table}: ${r.text.slice(0, 200)}`);
};
await put(A, 'AlphaApp_CL', [{ TimeGenerated: ts, Message: 'hello', Level: 3, Ok: true }]);
await put(G, 'GammaSecret_CL', [{ TimeGenerated: ts, Secret: 'x' }]);

const schema = async (token, q = '') => req(U, 'GET', '/api/schema' + q, { token });
const names = (s) => new Set(s.json.tables.map((t) => t.name));

// ---- built-in tables, typed columns, for everyone who can read
{
  const s = await schema(ana);
  check(s.status === 200, `schema answers: ${s.text.slice(0, 200)}`);
  const dpe = s.json.tables.find((t) => t.name === 'DeviceProcessEvents');
  const col = (t, n) => t?.columns.find((c) => c.name === n)?.type;
  check(dpe && dpe.source === 'Defender' && dpe.timestampColumn === 'Timestamp' && col(dpe, 'Timestamp') === 'datetime' &&
        col(dpe, 'FileSize') === 'long' && col(dpe, 'FileName') === 'string', 'DeviceProcessEvents with typed columns');
  const sl = s.json.tables.find((t) => t.name === 'SigninLogs');
  check(sl && sl.source === 'Sentinel' && sl.timestampColumn === 'TimeGenerated', 'Sentinel tables are listed');
  check(s.json.tables.filter((t) => t.source !== 'Custom').length > 100, 'every built-in table is listed');
  check(s.json.tables.every((t) => t.columns.length > 0 && t.columns.every((c) => typeof c.type === 'string')),
        'every table has typed columns');
  check(JSON.stringify(s.json.tenants.sort()) === JSON.stringify([A, B].sort()), 'schema names the tenants it covers');
}

// ---- custom tables: only where the caller's tenants hold them
{
  const sa = await schema(ana), sb = await schema(bob), sc = await schema(carol), sr = await schema(root);
  const app = sa.json.tables.find((t) => t.name === 'AlphaApp_CL');
  const col = (n) => app?.columns.find((c) => c.name === n)?.type;
  check(app && app.source === 'Custom' && JSON.stringify(app.tenantIds) === JSON.stringify([A]) &&
        col('Message') === 'string' && col('Level') === 'long' && col('TimeGenerated') === 'datetime' &&
        col('Ok') === 'bool', `ana sees AlphaApp_CL with inferred types: ${JSON.stringify(app)}`);
  check(!names(sa).has('GammaSecret_CL'), "ana does not see Gamma's custom table");
  check(names(sb).has('GammaSecret_CL') && !names(sb).has('AlphaApp_CL'), 'bob sees only Gamma\'s custom table');
  check(sc.status === 200 && !names(sc).has('AlphaApp_CL') && !names(sc).has('GammaSecret_CL') && sc.json.tenants.length === 0,
        'carol (no grants) sees no custom table');
  check(names(sr).has('AlphaApp_CL') && names(sr).has('GammaSecret_CL'), 'root sees both');
  const one = await schema(ana, `?tenant=${B}`);
  check(one.status === 200 && !names(one).has('AlphaApp_CL') && JSON.stringify(one.json.tenants) === JSON.stringify([B]),
        '?tenant=Beta narrows the custom tables to Beta');
  const byName = await schema(ana, '?tenant=Alpha');
  check(byName.status === 200 && names(byName).has('AlphaApp_CL'), '?tenant= takes a name');
  const other = await schema(ana, `?tenant=${G}`);
  check(other.status === 404 && other.json?.error?.code === 'not_found', '?tenant= outside the scope is 404');
  // the listed custom table really is queryable by the caller
  const h = await req(U, 'POST', '/v1.0/security/runHuntingQuery', { token: ana, body: { Query: 'AlphaApp_CL | project Message, Level' } });
  check(h.status === 200 && h.json.results.length === 1 && h.json.results[0].Message === 'hello', 'a listed custom table runs');
}

// ---- operators and functions: exactly the implemented registry entries
{
  const s = await schema(ana);
  const fns = new Map(s.json.functions.map((f) => [f.name, f]));
  check(fns.get('strlen')?.kind === 'scalar' && fns.get('strlen')?.minArgs === 1 && fns.get('strlen')?.maxArgs === 1, 'strlen(1)');
  check(fns.get('dcount')?.kind === 'aggregate', 'dcount is an aggregate');
  check(fns.get('strcat')?.maxArgs === null, 'strcat is variadic');
  check(!fns.has('+') && !fns.has('has'), 'symbol/keyword operators are not offered as functions');
  check(s.json.operators.includes('where') && s.json.operators.includes('filter') && s.json.operators.includes('summarize'), 'tabular operators');
  // the same registry `multisoc kql support` documents
  const support = cli(['kql', 'support']);
  const want = new Set();
  for (const m of support.matchAll(/^\| `([^`]+)` \| (scalar function|aggregate|window function) \| [^|]+ \| supported \|$/gm))
    want.add(m[1]);
  check(want.size > 100 && want.size === fns.size && [...want].every((n) => fns.has(n)),
        `functions = the supported registry entries (${fns.size} vs ${want.size})`);
  const ops = new Set();
  for (const m of support.matchAll(/^\| `([^`]+)` \| supported \|/gm)) for (const o of m[1].split(' / ')) ops.add(o);
  check(ops.size === s.json.operators.length && s.json.operators.every((o) => ops.has(o)), 'operators = the supported ones');
}

// ---- the Kusto management view follows the same rule
{
  const mgmt = (token, db, csl) => req(U, 'POST', '/v1/rest/mgmt', { token, body: { db, csl } });
  const tablesOf = (r) => r.json.Tables[0].Rows.map((x) => x[0]);
  const sa = await mgmt(ana, 'multisoc', '.show tables');
  check(sa.status === 200 && tablesOf(sa).includes('AlphaApp_CL') && !tablesOf(sa).includes('GammaSecret_CL'),
        "ana's .show tables lists Alpha's custom table, not Gamma's");
  const sg = await mgmt(ana, 'Alpha', '.show table GammaSecret_CL schema as json');
  check(sg.status >= 400 && /no table/.test(sg.text), `.show table of another customer's table reads as absent (${sg.status})`);
  const cr = await mgmt(root, 'Alpha', '.create table AlphaOnly_CL (Note:string, Score:real)');
  check(cr.status === 200, '.create table in Alpha');
  const sa2 = await schema(ana), sb2 = await schema(bob);
  const ao = sa2.json.tables.find((t) => t.name === 'AlphaOnly_CL');
  check(ao && JSON.stringify(ao.tenantIds) === JSON.stringify([A]) && ao.columns.some((c) => c.name === 'Score' && c.type === 'real'),
        'a table made with .create table shows in its tenant at once, before any data');
  check(!names(sb2).has('AlphaOnly_CL') && !tablesOf(await mgmt(bob, 'multisoc', '.show tables')).includes('AlphaOnly_CL'),
        'and nowhere else');
}

const un = await req(U, 'GET', '/api/schema');
check(un.status === 401, 'the schema needs credentials');
const stop = await srv.stop();
check(stop.code === 0, `server exits cleanly (${stop.code}): ${srv.stderr().slice(-300)}`);
done('api.schema');

// The unmodified azure-kusto-data SDK (npm) against a real multisoc server:
// queries through /v2/rest/query (executeQuery) and /v1/rest/query
// (executeQueryV1), typed values, control commands through /v1/rest/mgmt, errors,
// and the database naming one tenant or all of the caller's tenants.
import { requireDeps, tempDir, fixture, serve, loadEvents, check, done } from './lib.mjs';

requireDeps(['azure-kusto-data']);
const { Client, KustoConnectionStringBuilder } = await import('azure-kusto-data');

const data = tempDir();
const srv = await serve(data);
const base = srv.url;
try {
  const { tenants, users } = await fixture(data, base);
  await loadEvents(base, tenants, users.root.token);
  const kc = (token, db) => new Client(KustoConnectionStringBuilder.withAccessToken(
    `Data Source=${base};Initial Catalog=${db}`, token));

  const root = kc(users.root.token, 'multisoc');
  // v2: typed values.
  const q = 'DeviceProcessEvents | where Timestamp > ago(1d) | summarize n = count(), last = max(Timestamp), ' +
            'pid = sum(ProcessId), ratio = avg(todouble(ProcessId)), any_ps = countif(FileName == "powershell.exe") > 0 ' +
            'by TenantId | order by TenantId asc';
  const v2 = await root.executeQuery('multisoc', q);
  const t2 = v2.primaryResults[0];
  check(v2.version === '2.0' && v2.primaryResults.length === 1, 'v2: one primary result');
  const rows2 = [...t2.rows()];
  check(rows2.length === 3, `v2: one row per tenant (${rows2.length})`);
  const colTypes = Object.fromEntries(t2.columns.map((c) => [c.name, c.type]));
  check(colTypes.n === 'long' && colTypes.last === 'datetime' && colTypes.ratio === 'real' && colTypes.any_ps === 'bool' &&
        colTypes.TenantId === 'string', 'v2: column types ' + JSON.stringify(colTypes));
  check(rows2.every((r) => r.n === 3 && typeof r.n === 'number'), 'v2: long values are numbers (3 recent rows per tenant)');
  check(rows2.every((r) => r.last instanceof Date && Date.now() - r.last.getTime() < 2 * 3600e3 + 60e3),
        'v2: datetime values parse to Date (newest row about 1 h old)');
  check(rows2.every((r) => r.pid === 1000 + 1001 + 1002 && Math.abs(r.ratio - 1001) < 1e-9 && r.any_ps === true),
        'v2: sum, avg and bool values');
  check(JSON.stringify(rows2.map((r) => r.TenantId).sort()) === JSON.stringify(Object.values(tenants).sort()),
        'v2: TenantId is the tenant id');
  check(v2.tables.some((t) => t.kind === 'QueryCompletionInformation') && v2.tables.some((t) => t.kind === 'QueryProperties'),
        'v2: QueryProperties and QueryCompletionInformation tables');
  const props = v2.tables.find((t) => t.kind === 'QueryProperties');
  const tenantsProp = [...props.rows()].find((r) => r.Key === 'multisoc.tenants');
  check(tenantsProp && tenantsProp.Value.length === 3 && tenantsProp.Value.every((t) => t.status === 'ok'),
        'v2: per-tenant status in @ExtendedProperties');

  // v1: the same query through /v1/rest/query.
  const v1 = await root.executeQueryV1('multisoc', q);
  const t1 = v1.primaryResults[0];
  const rows1 = [...t1.rows()];
  check(v1.version === '1.0' && v1.primaryResults.length === 1 && t1.name === 'PrimaryResult', 'v1: one primary result named from the TOC');
  check(rows1.length === 3 && rows1.every((r) => r.n === 3 && r.last instanceof Date && r.any_ps === true), 'v1: typed rows');
  check(JSON.stringify(rows1.map((r) => r.toJSON()).map((o) => ({ ...o, last: +o.last }))) ===
        JSON.stringify(rows2.map((r) => r.toJSON()).map((o) => ({ ...o, last: +o.last }))), 'v1 and v2 agree');

  // Other value types: timespan, dynamic, int, guid, null.
  const mix = await root.executeQuery('multisoc',
    'print ts = 1d + 2h, dyn = dynamic({"a":[1,2]}), i = toint(7), g = toguid("6a23d454-7e3d-4008-8015-e17754bb868a"), ' +
    'nul = long(null), s = "x\\"y", r = 1.5');
  const m = [...mix.primaryResults[0].rows()][0];
  const mt = Object.fromEntries(mix.primaryResults[0].columns.map((c) => [c.name, c.type]));
  check(m.ts === 26 * 3600e3 && mt.ts === 'timespan', 'timespan reads as milliseconds: ' + m.ts);
  check(m.dyn && Array.isArray(m.dyn.a) && m.dyn.a[1] === 2 && mt.dyn === 'dynamic', 'dynamic reads as a JSON value');
  check(m.i === 7 && mt.i === 'int' && m.g === '6a23d454-7e3d-4008-8015-e17754bb868a' && mt.g === 'guid', 'int and guid');
  check(m.nul === null && m.s === 'x"y' && m.r === 1.5, 'null, escaped string and real');

  // A database naming one tenant reads only that tenant (by name and by id).
  for (const db of ['Beta', tenants.Beta]) {
    const one = await root.executeQuery(db, 'DeviceProcessEvents | summarize by TenantId');
    const ids = [...one.primaryResults[0].rows()].map((r) => r.TenantId);
    check(ids.length === 1 && ids[0] === tenants.Beta, `database ${db} reads only Beta`);
  }
  // ana (reader on Alpha): "multisoc" means Alpha only.
  const ana = kc(users.ana.token, 'multisoc');
  const anaRows = [...(await ana.executeQuery('multisoc', 'DeviceProcessEvents | project DeviceName')).primaryResults[0].rows()];
  check(anaRows.length === 4 && anaRows.every((r) => r.DeviceName.startsWith('secret-alpha-')), 'ana sees exactly the Alpha rows');
  let e = null;
  try { await ana.executeQuery('Beta', 'DeviceProcessEvents'); } catch (x) { e = x; }
  check(e && e.response && e.response.status === 404 && e.response.data.error.code === 'BadRequest_EntityNotFound',
        'ana: database Beta is not found');

  // Errors: syntax with position, semantic, through both versions.
  e = null;
  try { await root.executeQuery('multisoc', 'DeviceProcessEvents | wher x'); } catch (x) { e = x; }
  const er = e && e.response && e.response.data.error;
  check(e && e.response.status === 400 && er['@type'].includes('Syntax') && er['@line'] === 1 && er['@col'] > 0 &&
        /line 1, col \d+/.test(er['@message']), 'syntax error: 400 with line:col ' + (er && er['@message']));
  e = null;
  try { await root.executeQueryV1('multisoc', 'DeviceProcessEvents | project NoSuchColumn'); } catch (x) { e = x; }
  check(e && e.response.status === 400 && e.response.data.error['@message'].includes('NoSuchColumn'), 'semantic error names the column');
  e = null;
  try { await kc('not-a-token', 'multisoc').executeQuery('multisoc', 'print 1'); } catch (x) { e = x; }
  check(e && e.response && e.response.status === 401, 'a bad token is 401');

  // Control commands through the SDK (execute() sends '.'-commands to /v1/rest/mgmt).
  const dbs = [...(await root.execute('multisoc', '.show databases')).primaryResults[0].rows()].map((r) => r.DatabaseName);
  check(JSON.stringify(dbs) === JSON.stringify(['multisoc', 'Alpha', 'Beta', 'Gamma']), '.show databases: ' + dbs);
  const anaDbs = [...(await ana.execute('multisoc', '.show databases')).primaryResults[0].rows()].map((r) => r.DatabaseName);
  check(JSON.stringify(anaDbs) === JSON.stringify(['multisoc', 'Alpha']), 'ana: .show databases lists only Alpha');
  const tables = [...(await root.execute('multisoc', '.show tables')).primaryResults[0].rows()].map((r) => r.TableName);
  check(tables.includes('DeviceProcessEvents') && tables.includes('SigninLogs') && tables.includes('Markers_CL'),
        `.show tables lists built-in and custom tables (${tables.length})`);
  const ver = [...(await root.execute('multisoc', '.show version')).primaryResults[0].rows()][0];
  check(ver && typeof ver.BuildVersion === 'string' && ver.ProductVersion.startsWith('multisoc'), '.show version');
  const sch = [...(await root.execute('Alpha', '.show table Markers_CL schema as json')).primaryResults[0].rows()][0];
  const sj = JSON.parse(sch.Schema);
  check(sj.Name === 'Markers_CL' && sj.OrderedColumns.some((c) => c.Name === 'Level' && c.CslType === 'long' && c.Type === 'System.Int64'),
        '.show table T schema as json');
  const cl = [...(await root.executeQuery('multisoc', 'Markers_CL | project Marker, Level, TenantId | order by Marker asc')).primaryResults[0].rows()];
  check(cl.length === 3 && cl[0].Marker === 'secret-alpha-cl' && cl[0].Level === 5 && cl[0].TenantId === tenants.Alpha,
        'CSV .ingest inline into a .create table table reads back typed');

  // Writes need the admin role on the database's tenant.
  e = null;
  try { await ana.execute('Alpha', '.ingest inline into table Markers_CL <|\nx,1'); } catch (x) { e = x; }
  check(e && e.response && e.response.status === 403, 'ana (reader) cannot .ingest inline: 403');
  const bob = kc(users.bob.token, 'Beta');
  const ing = await bob.execute('Beta', '.ingest inline into table Markers_CL <|\n2024-01-01T00:00:00Z,secret-beta-bob,9');
  check([...ing.primaryResults[0].rows()][0].RowCount === 1, 'bob (admin on Beta) ingests into Beta');
  e = null;
  try { await bob.execute('Alpha', '.ingest inline into table Markers_CL <|\nx,1'); } catch (x) { e = x; }
  check(e && e.response && e.response.status === 404, 'bob cannot even see database Alpha: 404');
  e = null;
  try { await bob.execute('Beta', '.ingest inline into table Markers_CL <|\n,ok,1\n,bad,notanumber'); } catch (x) { e = x; }
  const after = [...(await bob.executeQuery('Beta', 'Markers_CL | where Marker == "ok" | count')).primaryResults[0].rows()][0];
  check(e && e.response.status === 400 && after.Count === 0, 'a bad CSV row rejects the whole ingest (nothing stored)');
  e = null;
  try { await bob.execute('Beta', `.ingest inline into table Markers_CL with (format="json") <|\n{"Marker":"x","TenantId":"${tenants.Alpha}"}`); } catch (x) { e = x; }
  check(e && e.response.status === 403, 'a row naming another tenant is refused');
  e = null;
  try { await root.execute('multisoc', '.drop table Markers_CL'); } catch (x) { e = x; }
  check(e && e.response.status >= 400 && e.response.status < 600 && e.response.status !== 500, 'unsupported commands are refused clearly');

  const meta = await fetch(base + '/v1/rest/auth/metadata');
  check(meta.status === 404, 'GET /v1/rest/auth/metadata answers 404');
} finally {
  const st = await srv.stop();
  check(st.code === 0, `the server exits cleanly on SIGTERM (code ${st.code}, signal ${st.sig}): ${srv.stderr().slice(-2000)}`);
}
done('kusto.sdk');

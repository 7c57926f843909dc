// The native ingest endpoint: NDJSON and Defender streaming envelopes posted per
// tenant (and workspace) go through src/ingest, are answered with row counts and
// per-row rejections, are visible to runHuntingQuery at once, survive a kill -9
// right after the answer (durable before the answer), and respect isolation: only
// a tenant's admin (or an ingest token) may push, a token for tenant A never
// writes into B, and an ingest token can do nothing else.
import { requireDeps, tempDir, fixture, serve, req, check, done, cli } from './lib.mjs';

requireDeps();
const data = tempDir();
const { tenants, users } = fixture(data);
// dave: admin on Alpha only; his tokens: unlimited, and an ingest-only one.
cli(['user', 'add', '--data', data, '--name', 'dave', '--password-stdin'], 'password-dave\n');
cli(['grant', '--data', data, '--user', 'dave', '--tenant', 'Alpha', '--role', 'admin']);
cli(['grant', '--data', data, '--user', 'dave', '--tenant', 'Beta', '--role', 'reader']);
const dave = cli(['token', 'create', '--data', data, '--user', 'dave']);
const daveIngest = cli(['token', 'create', '--data', data, '--user', 'dave', '--role', 'ingest']);
const root = users.root.token, ana = users.ana.token, bob = users.bob.token;
const A = tenants.Alpha, B = tenants.Beta, G = tenants.Gamma;
let srv = await serve(data, ['--max-body', '65536']);
let U = srv.url;

const ts = '2026-11-20T10:00:00Z';
const proc = (marker, i, extra = {}) =>
  JSON.stringify({ Timestamp: ts, DeviceId: 'dev' + i, DeviceName: 'host' + i, ActionType: 'ProcessCreated',
                   FileName: 'cmd.exe', ProcessCommandLine: marker + ' ' + i, ...extra });
const ndjson = (marker, n) => Array.from({ length: n }, (_, i) => proc(marker, i)).join('\n') + '\n';
// rows of table in tenant (as root, over the one tenant's database) whose column matches marker
async function count(tenant, table, col, marker) {
  const q = `${table} | where ${col} has '${marker}' | count`;
  const r = await req(U, 'POST', '/v2/rest/query', { token: root, body: { db: tenant, csl: q } });
  if (r.status !== 200) return `HTTP ${r.status}: ${r.text.slice(0, 200)}`;
  const primary = r.json.find((f) => f.FrameType === 'DataTable' && f.TableKind === 'PrimaryResult');
  return primary.Rows[0][0];
}
const ingest = (tenant, body, { token = dave, query = '', ws } = {}) =>
  req(U, 'POST', `/api/tenants/${tenant}${ws ? '/workspaces/' + ws : ''}/ingest${query}`,
      { token, raw: body, headers: { 'Content-Type': 'application/x-ndjson' } });

// ---- NDJSON into a Defender table, visible to hunting at once
{
  const r = await ingest(A, ndjson('mkA1', 25), { query: '?table=DeviceProcessEvents' });
  check(r.status === 200 && r.json.rows === 25 && r.json.stored === 25 && r.json.rejected === 0 &&
        r.json.durable === true && r.json.tenantId === A && Array.isArray(r.json.rejections) &&
        r.json.rejections.length === 0, `NDJSON: 25 rows stored (${r.status} ${r.text.slice(0, 200)})`);
  check(await count(A, 'DeviceProcessEvents', 'ProcessCommandLine', 'mkA1') === 25, 'NDJSON rows visible to hunting at once');
  const h = await req(U, 'POST', '/v1.0/security/runHuntingQuery',
                      { token: dave, body: { Query: "DeviceProcessEvents | where ProcessCommandLine has 'mkA1' | count" } });
  check(h.status === 200 && h.json.results[0].Count === 25, `runHuntingQuery (the ingesting admin) sees the 25 rows: ${h.text.slice(0, 200)}`);
}

// ---- rows naming their table with Type, mixed with bad rows: row numbers and reasons
{
  const body = [
    JSON.stringify({ Type: 'DeviceProcessEvents', Timestamp: ts, DeviceName: 'h', ProcessCommandLine: 'mkA2 ok1' }),
    '{"Type": "DeviceProcessEvents", "Timestamp": ',                                 // 2: malformed
    JSON.stringify({ Type: 'DeviceProcessEvents', TenantId: B, Timestamp: ts, ProcessCommandLine: 'mkA2 other' }), // 3: other tenant
    JSON.stringify({ Type: 'NoSuchTable', Timestamp: ts }),                           // 4: unknown table
    JSON.stringify({ Type: 'DeviceProcessEvents', Timestamp: ts, FileSize: 'big', ProcessCommandLine: 'mkA2 bad' }), // 5: type
    JSON.stringify({ Type: 'DeviceProcessEvents', TenantId: A, Timestamp: ts, ProcessCommandLine: 'mkA2 ok2' }),
  ].join('\n');
  const r = await ingest(A, body);
  const rows = r.json?.rejections?.map((x) => x.row);
  check(r.status === 200 && r.json.rows === 6 && r.json.stored === 2 && r.json.rejected === 4 &&
        JSON.stringify(rows) === '[2,3,4,5]', `mixed rows: 2 stored, rows 2-5 rejected (${r.text.slice(0, 400)})`);
  const why = Object.fromEntries((r.json?.rejections ?? []).map((x) => [x.row, x.reason]));
  check(/TenantId/.test(why[3] ?? '') && why[3].includes(B), `row 3 names the foreign TenantId: ${why[3]}`);
  check(/NoSuchTable/.test(why[4] ?? ''), `row 4 names the unknown table: ${why[4]}`);
  check(/FileSize/.test(why[5] ?? ''), `row 5 names the bad column: ${why[5]}`);
  check(await count(A, 'DeviceProcessEvents', 'ProcessCommandLine', 'mkA2') === 2, 'only the 2 good rows are stored');
  check(await count(B, 'DeviceProcessEvents', 'ProcessCommandLine', 'mkA2') === 0, 'nothing reached Beta');
}

// ---- the Defender streaming envelope (table from category, tenant from tenantId)
{
  const rec = (i, tenant = A) => ({ time: ts, tenantId: tenant, operationName: 'Publish',
    category: 'AdvancedHunting-DeviceNetworkEvents',
    properties: { Timestamp: ts, DeviceName: 'net' + i, RemoteIP: '10.0.0.' + i, RemoteUrl: `mkA3-${i}.example` } });
  const env = JSON.stringify({ records: [rec(1), rec(2), rec(3, B), rec(4)] });
  const r = await ingest(A, env, { token: daveIngest });
  check(r.status === 200 && r.json.format !== undefined && r.json.rows === 4 && r.json.stored === 3 &&
        r.json.rejected === 1 && r.json.rejections[0]?.row === 3, `envelope via ingest token: 3 stored, record 3 (Beta) rejected (${r.text.slice(0, 300)})`);
  check(await count(A, 'DeviceNetworkEvents', 'RemoteUrl', 'mkA3') === 3, 'envelope rows visible to hunting');
  check(await count(B, 'DeviceNetworkEvents', 'RemoteUrl', 'mkA3') === 0, 'the Beta record did not reach Beta');
  const bad = await ingest(A, '{"records":[{"time":', { query: '?format=defender' });
  check(bad.status === 400 && bad.json?.error?.code === 'bad_data', `a truncated envelope is refused whole: ${bad.text.slice(0, 200)}`);
}

// ---- workspace data: Sentinel and _CL tables into the primary or a named workspace
{
  const ws2 = await req(U, 'POST', `/api/tenants/${A}/workspaces`, { token: dave, body: { name: 'alpha-second' } });
  check(ws2.status === 201, 'second workspace');
  const cl = [1, 2, 3].map((i) => JSON.stringify({ TimeGenerated: ts, Message: `mkA4 ${i}`, Level: i })).join('\n');
  const r1 = await ingest(A, cl, { query: '?table=AppAudit_CL' });
  check(r1.status === 200 && r1.json.stored === 3, `_CL table into the primary workspace: ${r1.text.slice(0, 200)}`);
  const r2 = await ingest(A, cl, { query: '?table=AppAudit_CL', ws: 'alpha-second' });
  check(r2.status === 200 && r2.json.stored === 3 && r2.json.workspaceId === ws2.json.id, `_CL table into a named workspace: ${r2.text.slice(0, 200)}`);
  check(await count(A, 'AppAudit_CL', 'Message', 'mkA4') === 6, 'both workspaces are hunted');
  const wrongWs = JSON.stringify({ TimeGenerated: ts, Message: 'mkA4 x', WorkspaceId: 'not-this-one' });
  const r3 = await ingest(A, wrongWs, { query: '?table=AppAudit_CL' });
  check(r3.status === 400 && r3.json.stored === 0 && /WorkspaceId/.test(r3.json.rejections?.[0]?.reason ?? '') &&
        r3.json.error?.code === 'bad_data' && /nothing was stored/.test(r3.json.error?.message ?? ''),
        `a row naming another workspace is rejected; all rejected -> 400: ${r3.text.slice(0, 200)}`);
  const r4 = await ingest(A, cl, { query: '?table=AppAudit_CL', ws: 'nope' });
  check(r4.status === 404, 'unknown workspace -> 404');
}

// ---- isolation and roles: nothing reaches a tenant the caller may not ingest into
{
  const before = await count(B, 'DeviceProcessEvents', 'ProcessCommandLine', 'mkX');
  const beforeG = await count(G, 'DeviceProcessEvents', 'ProcessCommandLine', 'mkX');
  const cases = [
    ['dave (reader) into Beta', dave, B, 403],
    ['dave ingest token into Beta', daveIngest, B, 404],
    ['dave into Gamma', dave, G, 404],
    ['ana (responder) into Alpha', ana, A, 403],
    ['ana (reader) into Beta', ana, B, 403],
    ['bob into Alpha', bob, A, 404],
    ['carol into Alpha', users.carol.token, A, 404],
  ];
  for (const [what, token, t, want] of cases) {
    const r = await ingest(t, ndjson('mkX', 3), { token, query: '?table=DeviceProcessEvents' });
    check(r.status === want && r.json?.error?.message, `${what}: ${want} (${r.status} ${r.text.slice(0, 160)})`);
  }
  // a row carrying Beta's id posted to Alpha stays out of Beta
  const r = await ingest(A, proc('mkX', 9, { TenantId: B }), { query: '?table=DeviceProcessEvents' });
  check(r.status === 400 && r.json.rejected === 1, 'a row for Beta posted to Alpha is rejected');
  check(await count(B, 'DeviceProcessEvents', 'ProcessCommandLine', 'mkX') === before && before === 0 &&
        await count(G, 'DeviceProcessEvents', 'ProcessCommandLine', 'mkX') === beforeG && beforeG === 0,
        'no refused ingest changed Beta or Gamma');
  check(await count(A, 'DeviceProcessEvents', 'ProcessCommandLine', 'mkX') === 0, 'no refused ingest changed Alpha');
  // root (instance admin) may ingest anywhere
  const rr = await ingest(G, ndjson('mkG', 2), { token: root, query: '?table=DeviceProcessEvents' });
  check(rr.status === 200 && rr.json.stored === 2, 'an instance admin ingests into Gamma');
  // the ingest token does nothing else
  for (const [m, path, body] of [['GET', '/v1.0/security/incidents'], ['GET', '/api/me'],
                                 ['POST', '/v1.0/security/runHuntingQuery', { Query: 'DeviceProcessEvents | count' }],
                                 ['POST', '/api/tokens', { name: 'x' }]]) {
    const x = await req(U, m, path, { token: daveIngest, body });
    check(x.status === 403 && /ingest token/.test(x.json?.error?.message ?? ''), `ingest token refused on ${m} ${path}: ${x.status}`);
  }
  // an ingest role is a token cap, never a grant
  let refused = false;
  try { cli(['grant', '--data', data, '--user', 'ana', '--tenant', 'Alpha', '--role', 'ingest']); } catch { refused = true; }
  check(refused, "'ingest' cannot be granted");
}

// ---- bad requests change nothing
{
  const base = await count(A, 'DeviceProcessEvents', 'ProcessCommandLine', 'mkB');
  const big = ndjson('mkB', 800); // > 64 KiB
  check(big.length > 65536, 'oversized body is really over the cap');
  const cases = [
    [big, '?table=DeviceProcessEvents', 413, 'payload_too_large'],
    ['', '?table=DeviceProcessEvents', 400, 'bad_data'],
    [ndjson('mkB', 1), '?table=NoSuch', 404, 'not_found'],
    [ndjson('mkB', 1), '?table=../../etc', 404, 'not_found'],
    [ndjson('mkB', 1), '?format=xml', 400, 'invalid_argument'],
    [ndjson('mkB', 1), '?workspace=nope', 404, 'not_found'],
  ];
  for (const [body, q, st, code] of cases) {
    const r = await ingest(A, body, { query: q });
    check(r.status === st && r.json?.error?.code === code, `bad ingest ${q} ${body.length}B -> ${st} ${code} (${r.status} ${r.text.slice(0, 160)})`);
  }
  const g = await req(U, 'GET', `/api/tenants/${A}/ingest`, { token: dave });
  check(g.status === 501, 'GET on ingest is refused');
  check(await count(A, 'DeviceProcessEvents', 'ProcessCommandLine', 'mkB') === base && base === 0, 'no bad request stored a row');
}

// ---- durable before the answer: kill -9 right after a 200, restart, the rows are there
{
  const r = await ingest(A, ndjson('mkD', 50), { query: '?table=DeviceProcessEvents' });
  check(r.status === 200 && r.json.stored === 50, 'ingest before the kill');
  await srv.kill9();
  srv = await serve(data, ['--max-body', '65536']);
  U = srv.url;
  check(await count(A, 'DeviceProcessEvents', 'ProcessCommandLine', 'mkD') === 50, 'all 50 acknowledged rows survive kill -9');
  check(await count(A, 'DeviceProcessEvents', 'ProcessCommandLine', 'mkA1') === 25, 'earlier rows survive too');
}

const stop = await srv.stop();
check(stop.code === 0, `server exits cleanly on SIGTERM (code ${stop.code}, signal ${stop.sig}): ${srv.stderr().slice(-300)}`);
done('api.ingest');

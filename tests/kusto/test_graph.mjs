// The unmodified @microsoft/microsoft-graph-client SDK calling runHuntingQuery
// against multisoc over TLS (a throwaway self-signed certificate made with
// openssl; the SDK sends its bearer token only over https to hosts in
// customHosts). Checks Graph's huntingQueryResults shape, Defender type names,
// the Timespan parameter (default 30 days), errors with line:col, and tenant scope.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireDeps, tempDir, fixture, serve, loadEvents, req, check, done } from './lib.mjs';

if (process.argv[2] === 'client') {
  const { Client } = await import('@microsoft/microsoft-graph-client');
  const [, , , base, rootToken, anaToken, tenantsJson] = process.argv;
  const tenants = JSON.parse(tenantsJson);
  const host = new URL(base).hostname;
  const mk = (token) => Client.init({ authProvider: (cb) => cb(null, token), baseUrl: base, defaultVersion: 'v1.0',
                                      customHosts: new Set([host]) });
  let fails = 0, n = 0;
  const ok = (c, what) => { n++; if (!c) { fails++; console.error('FAIL: ' + what); } };
  const root = mk(rootToken), ana = mk(anaToken);
  await loadEvents(base, tenants, rootToken);
  const hunt = (c, body) => c.api('/security/runHuntingQuery').post(body);

  const r = await hunt(root, { Query: 'DeviceProcessEvents | where InitiatingProcessFileName =~ "explorer.exe" ' +
                                      '| project Timestamp, FileName, DeviceName, ProcessId, TenantId | order by Timestamp desc' });
  ok(r['@odata.context'] && r['@odata.context'].endsWith('$metadata#microsoft.graph.security.huntingQueryResults'), '@odata.context');
  ok(JSON.stringify(r.schema) === JSON.stringify([
    { name: 'Timestamp', type: 'DateTime' }, { name: 'FileName', type: 'String' }, { name: 'DeviceName', type: 'String' },
    { name: 'ProcessId', type: 'Int64' }, { name: 'TenantId', type: 'String' }]), 'schema with Defender type names: ' + JSON.stringify(r.schema));
  ok(r.results.length === 9, `results: 3 recent rows x 3 tenants within the default 30 days (${r.results.length})`);
  ok(r.results.every((x) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/.test(x.Timestamp)), 'Timestamps as Graph writes them (7 fraction digits, Z)');
  ok(r.results.every((x, i) => i === 0 || x.Timestamp <= r.results[i - 1].Timestamp), 'order by Timestamp desc');
  ok(r.results.every((x) => typeof x.ProcessId === 'number' && Object.keys(x).length === 5), 'one property per column');
  ok(!r.results.some((x) => x.DeviceName.endsWith('-old')), 'the 40-day-old rows are outside the default window');
  ok(Array.isArray(r['@multisoc.tenants']) && r['@multisoc.tenants'].length === 3, 'per-tenant status annotation');

  const all = await hunt(root, { Query: 'DeviceProcessEvents | count', Timespan: 'P60D' });
  ok(all.results[0].Count === 12 && all.schema[0].type === 'Int64', 'Timespan P60D includes the old rows (12)');
  // bag_unpack binds the rest of the query once its input ran: the tables that
  // second bind names keep the window too (9 recent rows + the printed one).
  const rb = await hunt(root, { Query: 'print d = dynamic({"a": 1}) | evaluate bag_unpack(d) ' +
                                       '| union (DeviceProcessEvents | project a = 2) | count' });
  ok(rb.results[0].Count === 10, `the default window holds after a rebind (bag_unpack): ${rb.results[0].Count}, want 10`);
  const narrow = await hunt(root, { Query: 'DeviceProcessEvents | count', Timespan: 'PT90M' });
  ok(narrow.results[0].Count === 3, `Timespan PT90M: only the rows 1 h old (${narrow.results[0].Count})`);
  const iv = await hunt(root, { Query: 'DeviceProcessEvents | count',
                                Timespan: `${new Date(Date.now() - 45 * 86400e3).toISOString()}/P10D` });
  ok(iv.results[0].Count === 3, `Timespan start/duration: only the old rows (${iv.results[0].Count})`);
  const lower = await hunt(root, { query: 'print x = toint(1), b = true, d = dynamic([1]), t = 1h, r = 0.5' });
  ok(JSON.stringify(lower.schema.map((s) => s.type)) === JSON.stringify(['Int32', 'Boolean', 'Object', 'TimeSpan', 'Double']) &&
     lower.results[0].b === true && lower.results[0].d[0] === 1 && lower.results[0].t === '01:00:00',
     'types Int32, Boolean, Object, TimeSpan, Double: ' + JSON.stringify(lower));

  const a = await hunt(ana, { Query: 'DeviceProcessEvents | summarize n = count() by TenantId' });
  ok(a.results.length === 1 && a.results[0].TenantId === tenants.Alpha && a.results[0].n === 3, 'ana sees only Alpha');
  ok(a['@multisoc.tenants'].length === 1 && a['@multisoc.tenants'][0].tenantId === tenants.Alpha, 'ana: status lists Alpha only');

  let e = null;
  try { await hunt(root, { Query: 'DeviceProcessEvents\n| where FileName == ' }); } catch (x) { e = x; }
  ok(e && e.statusCode === 400 && /line 2, col \d+/.test(e.message), 'syntax error: 400, message with line:col: ' + (e && e.message));
  e = null;
  try { await hunt(root, { Query: 'NoSuchTable | take 1' }); } catch (x) { e = x; }
  ok(e && e.statusCode === 400 && e.code === 'semantic_error' && e.message.includes('NoSuchTable'), 'unknown table: semantic_error');
  e = null;
  try { await hunt(root, { Query: 'print 1', Timespan: 'P1X' }); } catch (x) { e = x; }
  ok(e && e.statusCode === 400 && e.message.includes('ISO-8601'), 'bad Timespan: 400');
  e = null;
  try { await hunt(root, { Timespan: 'P1D' }); } catch (x) { e = x; }
  ok(e && e.statusCode === 400 && e.message.includes('Query'), 'missing Query: 400');
  console.log(`graph client: ${n - fails}/${n} checks passed`);
  process.exit(fails ? 1 : 0);
}

requireDeps(['@microsoft/microsoft-graph-client']);
const data = tempDir();
const cert = join(data, 'cert.pem'), key = join(data, 'key.pem');
execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
                         '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
const srv = await serve(data, ['--tls-cert', cert, '--tls-key', key]);
try {
  check(srv.url.startsWith('https://'), 'serves https');
  const { tenants, users } = await fixture(data, srv.url);
  // The child trusts the throwaway certificate (NODE_EXTRA_CA_CERTS is read at start-up),
  // loads the events through .ingest inline, then runs the SDK checks.
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), 'client', srv.url, users.root.token,
                                             users.ana.token, JSON.stringify(tenants)],
                          { env: { ...process.env, NODE_EXTRA_CA_CERTS: cert }, encoding: 'utf8', timeout: 120000 });
  process.stdout.write(child.stdout || '');
  process.stderr.write(child.stderr || '');
  check(child.status === 0, 'the Graph SDK client checks pass');
  check(/graph client: (\d+)\/\1 checks passed/.test(child.stdout || ''), 'the child ran its checks');
} finally {
  const st = await srv.stop();
  check(st.code === 0, `the server exits cleanly on SIGTERM (code ${st.code}, signal ${st.sig}): ${srv.stderr().slice(-2000)}`);
}
done('kusto.graph');

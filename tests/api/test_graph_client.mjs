// The unmodified @microsoft/microsoft-graph-client SDK against multisoc over TLS
// (a throwaway self-signed certificate made with openssl): list incidents and
// alerts with OData options and paging, update them, comment on them. The SDK
// only sends its bearer token over https to hosts in customHosts, which this also
// checks (without customHosts the server sees no token and answers 401).
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireDeps, tempDir, fixture, serve, check, done } from './lib.mjs';

if (process.argv[2] === 'client') {
  // Child process: NODE_EXTRA_CA_CERTS trusts the throwaway certificate.
  const { Client, PageIterator } = await import('@microsoft/microsoft-graph-client');
  const [, , , base, token, alphaId] = process.argv;
  const host = new URL(base).hostname;
  const mk = (hosts) => Client.init({
    authProvider: (cb) => cb(null, token), baseUrl: base, defaultVersion: 'v1.0',
    ...(hosts ? { customHosts: new Set(hosts) } : {}),
  });
  const client = mk([host]);
  let fails = 0;
  const ok = (c, what) => { if (!c) { fails++; console.error('FAIL: ' + what); } };

  const page = await client.api('/security/incidents').top(5).count(true).orderby('createdDateTime desc').get();
  ok(page.value.length === 5 && page['@odata.count'] === 18 && page['@odata.nextLink'], 'first page of incidents with count and nextLink');
  ok(page.value.every((i, k) => k === 0 || i.createdDateTime <= page.value[k - 1].createdDateTime), 'ordered by createdDateTime desc');
  const all = [];
  await new PageIterator(client, page, (i) => { all.push(i); return true; }).iterate();
  ok(all.length === 18 && new Set(all.map((i) => i.id)).size === 18, `PageIterator follows @odata.nextLink through every incident (${all.length})`);
  ok(all.every((i) => i['@odata.type'] === '#microsoft.graph.security.incident' && i.tenantId && Array.isArray(i.comments)),
     'incidents carry Graph fields and their tenantId');

  const high = await client.api('/security/incidents').filter(`severity eq 'high' and tenantId eq '${alphaId}'`).get();
  ok(high.value.every((i) => i.severity === 'high' && i.tenantId === alphaId), '$filter with and');
  const inList = await client.api('/security/incidents').filter("status in ('active','inProgress')").top(100).get();
  ok(inList.value.every((i) => ['active', 'inProgress'].includes(i.status)), '$filter with in');

  const one = all.find((i) => i.tenantId === alphaId);
  const exp = await client.api(`/security/incidents/${one.id}`).expand('alerts').get();
  ok(Array.isArray(exp.alerts) && exp.alerts.length >= 1 && exp.alerts.every((a) => a.incidentId === one.id), '$expand=alerts');
  const upd = await client.api(`/security/incidents/${one.id}`).patch({
    status: 'resolved', classification: 'truePositive', determination: 'malware', customTags: ['sdk'],
    resolvingComment: 'closed by the Graph SDK test' });
  ok(upd && upd.status === 'resolved' && upd.customTags[0] === 'sdk', 'PATCH incident returns the updated incident');
  const back = await client.api(`/security/incidents/${one.id}`).get();
  ok(back.status === 'resolved' && back.determination === 'malware' && back.resolvingComment === 'closed by the Graph SDK test', 'the update reads back');
  const cm = await client.api(`/security/incidents/${one.id}/comments`).post({
    '@odata.type': 'microsoft.graph.security.alertComment', comment: 'note from the SDK' });
  ok(cm.value.some((c) => c.comment === 'note from the SDK' && c.createdByDisplayName === 'root'), 'POST incident comment');

  const alerts = await client.api('/security/alerts_v2').filter("status eq 'new'").select('id,status,evidence,mitreTechniques').top(3).get();
  ok(alerts.value.length > 0 && alerts.value.every((a) => a.status === 'new' && Array.isArray(a.evidence) && !('title' in a)),
     'alerts_v2 with $filter, $select and $top');
  const a0 = alerts.value[0];
  const au = await client.api(`/security/alerts_v2/${a0.id}`).patch({ status: 'inProgress', classification: 'falsePositive', determination: 'notMalicious' });
  ok(au.status === 'inProgress' && au.classification === 'falsePositive', 'PATCH alert');
  const ac = await client.api(`/security/alerts_v2/${a0.id}/comments`).post({ comment: 'alert note' });
  ok(ac.value.some((c) => c.comment === 'alert note'), 'POST alert comment');
  const full = await client.api(`/security/alerts_v2/${a0.id}`).get();
  ok(full.status === 'inProgress' && full.evidence[0]['@odata.type'].startsWith('#microsoft.graph.security.') &&
     full.mitreTechniques.length === 1 && typeof full.additionalData === 'object' && full.serviceSource && full.detectionSource,
     'alert carries evidence, mitreTechniques, additionalData, sources');

  let err;
  try { await client.api('/security/incidents').filter("severity eq 'extreme'").get(); } catch (e) { err = e; }
  ok(err && err.statusCode === 400, 'a bad enum in $filter is a 400 error in the SDK');
  // runHuntingQuery through this SDK is covered by tests/kusto/test_graph.mjs.

  let no;
  try { await mk(null).api('/security/incidents').get(); } catch (e) { no = e; }
  ok(no && no.statusCode === 401, 'without customHosts the SDK withholds the token (401)');
  console.log(`graph client: ${fails ? 'FAILED' : 'ok'}`);
  process.exit(fails ? 1 : 0);
}

requireDeps(['@microsoft/microsoft-graph-client']);
const data = tempDir();
const { tenants, users } = fixture(data);
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
  '-keyout', join(data, 'key.pem'), '-out', join(data, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1',
  '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
const srv = await serve(data, ['--tls-cert', join(data, 'cert.pem'), '--tls-key', join(data, 'key.pem')]);
check(srv.url.startsWith('https://'), 'the server serves https');
const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), 'client', srv.url + '/', users.root.token, tenants.Alpha],
                    { env: { ...process.env, NODE_EXTRA_CA_CERTS: join(data, 'cert.pem') }, encoding: 'utf8', timeout: 120000 });
process.stdout.write(r.stdout || '');
process.stderr.write(r.stderr || '');
check(r.status === 0, 'the Graph SDK scenario passed');
const s = await srv.stop();
check(s.code === 0, 'server exits 0');
done('graph_client');

// Graph JSON batching (POST /v1.0/$batch), the Graph-shaped way to change many
// incidents and alerts at once: the unmodified @microsoft/microsoft-graph-client
// BatchRequestContent / BatchResponseContent over TLS, then plain requests for the
// rules: every step runs with the caller's own rights (isolation), dependsOn
// failures answer 424, at most 20 steps, no nested batches, bad steps are 400
// per step while the others still run.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireDeps, tempDir, fixture, serve, req, check, done } from './lib.mjs';

if (process.argv[2] === 'client') {
  const { Client, BatchRequestContent, BatchResponseContent } = await import('@microsoft/microsoft-graph-client');
  const [, , , base, token, ids] = process.argv;
  const host = new URL(base).hostname;
  const client = Client.init({ authProvider: (cb) => cb(null, token), baseUrl: base, defaultVersion: 'v1.0',
                               customHosts: new Set([host]) });
  let fails = 0;
  const ok = (c, what) => { if (!c) { fails++; console.error('FAIL: ' + what); } };
  const incIds = ids.split(',');
  // Serial, as the SDK's dependency rules allow: each step depends on the previous.
  const steps = incIds.map((id, i) => ({
    id: String(i + 1), ...(i ? { dependsOn: [String(i)] } : {}),
    request: new Request(`${base}v1.0/security/incidents/${id}`, {
      method: 'PATCH', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'resolved', classification: 'truePositive', determination: 'malware' }) }),
  }));
  steps.push({ id: 'get', request: new Request(`${base}v1.0/security/incidents/${incIds[0]}`, { method: 'GET' }), dependsOn: [String(incIds.length)] });
  steps.push({ id: 'list', request: new Request(`${base}v1.0/security/alerts_v2?$top=2&$filter=status eq 'new'`, { method: 'GET' }), dependsOn: ['get'] });
  const content = new BatchRequestContent(steps);
  const res = await client.api('/$batch').post(await content.getContent());
  const rc = new BatchResponseContent(res);
  for (let i = 0; i < incIds.length; i++) {
    const r = rc.getResponseById(String(i + 1));
    const body = r ? await r.json() : null;
    ok(r && r.status === 200 && body.status === 'resolved' && body.determination === 'malware', `batch step ${i + 1}: PATCH incident ${incIds[i]}`);
  }
  const g = rc.getResponseById('get');
  const gb = g ? await g.json() : null;
  ok(g && g.status === 200 && gb.id === incIds[0] && gb.status === 'resolved', 'a dependent GET sees the change');
  const l = rc.getResponseById('list');
  const lb = l ? await l.json() : null;
  ok(l && l.status === 200 && Array.isArray(lb.value) && lb.value.length <= 2, 'a list step with OData options');
  for (const id of incIds) {
    const back = await client.api(`/security/incidents/${id}`).get();
    ok(back.status === 'resolved' && back.classification === 'truePositive', `incident ${id} reads back resolved`);
  }
  console.log(`graph batch client: ${fails ? 'FAILED' : 'ok'}`);
  process.exit(fails ? 1 : 0);
}

requireDeps(['@microsoft/microsoft-graph-client']);
const data = tempDir();
const { tenants, users } = fixture(data);
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
  '-keyout', join(data, 'key.pem'), '-out', join(data, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1',
  '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
const root = users.root.token, ana = users.ana.token;
const A = tenants.Alpha, B = tenants.Beta, G = tenants.Gamma;
let srv = await serve(data);
const open0 = (await fetchAll(srv.url, root)).filter((i) => i.status !== 'resolved');
const ids = [A, B, G].map((t) => open0.find((i) => i.tenantId === t).id);
await srv.stop();
srv = await serve(data, ['--tls-cert', join(data, 'cert.pem'), '--tls-key', join(data, 'key.pem')]);
{
  // the SDK runs in a child: NODE_EXTRA_CA_CERTS is read at start-up
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), 'client', srv.url + '/', root, ids.join(',')],
                      { env: { ...process.env, NODE_EXTRA_CA_CERTS: join(data, 'cert.pem') }, encoding: 'utf8', timeout: 120000 });
  process.stdout.write(r.stdout || '');
  process.stderr.write(r.stderr || '');
  check(r.status === 0, 'the Graph SDK batch scenario passed');
}
async function fetchAll(base, token) {
  const r = await req(base, 'GET', '/v1.0/security/incidents?$top=1000', { token });
  return r.json.value;
}
await srv.stop();
srv = await serve(data);
const U = srv.url;
const batch = (token, requests) => req(U, 'POST', '/v1.0/$batch', { token, body: { requests } });
const byId = (r) => Object.fromEntries((r.json?.responses ?? []).map((x) => [x.id, x]));
const all = await fetchAll(U, root);
const of = (t) => all.filter((i) => i.tenantId === t && i.status !== 'resolved');

// ---- every step runs with the caller's rights
{
  const a = of(A)[0], b = of(B)[0], g = of(G)[0];
  const r = await batch(ana, [
    { id: 'a', method: 'PATCH', url: `/security/incidents/${a.id}`, body: { status: 'inProgress' }, headers: { 'Content-Type': 'application/json' } },
    { id: 'b', method: 'PATCH', url: `/security/incidents/${b.id}`, body: { status: 'inProgress' }, headers: { 'Content-Type': 'application/json' } },
    { id: 'g', method: 'PATCH', url: `/security/incidents/${g.id}`, body: { status: 'inProgress' }, headers: { 'Content-Type': 'application/json' } },
    { id: 'gl', method: 'GET', url: `/security/incidents?$filter=tenantId eq '${G}'` },
    { id: 'u', method: 'GET', url: '/api/users' },
  ]);
  const s = byId(r);
  check(r.status === 200 && s.a?.status === 200 && s.a.body.status === 'inProgress', `ana's Alpha step succeeds: ${JSON.stringify(s.a)?.slice(0, 200)}`);
  check(s.b?.status === 403 && s.b.body.error.code === 'forbidden', 'ana\'s Beta step is 403 (reader there)');
  check(s.g?.status === 404 && s.g.body.error.code === 'not_found', 'ana\'s Gamma step is 404 (unseen)');
  check(s.gl?.status === 200 && s.gl.body.value.length === 0, 'a list step sees none of Gamma');
  check(s.u?.status === 403, 'a native admin route inside a batch still needs an instance admin');
  const after = Object.fromEntries((await fetchAll(U, root)).map((i) => [i.id, i]));
  check(after[b.id].status === b.status && after[g.id].status === g.status && after[a.id].status === 'inProgress',
        'only the permitted step changed anything');
  check(s.a.headers?.['Content-Type']?.startsWith('application/json'), 'steps carry their Content-Type');
}

// ---- dependsOn, limits, bad steps
{
  const a = of(A)[1];
  const r = await batch(root, [
    { id: '1', method: 'PATCH', url: `/security/incidents/${a.id}`, body: { status: 'closed' } },
    { id: '2', method: 'POST', url: `/security/incidents/${a.id}/comments`, body: { comment: 'after 1' }, dependsOn: ['1'] },
    { id: '3', method: 'GET', url: `/v1.0/security/incidents/${a.id}` },
    { id: '4', method: 'POST', url: '/$batch', body: { requests: [] } },
    { id: '5', method: 'GET' },
    { id: '6', method: 'GET', url: '/security/incidents/1', dependsOn: ['nope'] },
  ]);
  const s = byId(r);
  check(r.status === 200 && s['1']?.status === 400 && /closed/.test(s['1'].body.error.message), 'a bad step is its own 400');
  check(s['2']?.status === 424, `a step depending on a failed one is 424 (${s['2']?.status})`);
  check(s['3']?.status === 200 && s['3'].body.id === a.id, 'an absolute /v1.0 url works too');
  check(s['4']?.status === 400 && /nested/.test(s['4'].body.error.message), 'no nested batches');
  check(s['5']?.status === 400 && /url/.test(s['5'].body.error.message), 'a step without url is 400');
  check(s['6']?.status === 400 && /dependsOn/.test(s['6'].body.error.message), 'dependsOn must name an earlier step');
  const c = (await req(U, 'GET', `/v1.0/security/incidents/${a.id}`, { token: root })).json;
  check(!c.comments.some((x) => x.comment === 'after 1'), 'the 424 step did not run');
  const many = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/api/me' }));
  const r21 = await batch(root, many);
  check(r21.status === 400 && /20/.test(r21.json?.error?.message ?? ''), 'more than 20 steps is refused whole');
  const dup = await batch(root, [{ id: 'x', method: 'GET', url: '/api/me' }, { id: 'x', method: 'GET', url: '/api/me' }]);
  check(dup.status === 400 && /duplicate/.test(dup.json?.error?.message ?? ''), 'duplicate step ids are refused');
  const bad = await req(U, 'POST', '/v1.0/$batch', { token: root, body: { requests: 'x' } });
  check(bad.status === 400, 'requests must be an array');
  const noauth = await req(U, 'POST', '/v1.0/$batch', { body: { requests: [{ id: '1', method: 'GET', url: '/api/me' }] } });
  check(noauth.status === 401, 'the batch itself needs credentials');
}

const st = await srv.stop();
check(st.code === 0, `server exits cleanly (${st.code}): ${srv.stderr().slice(-300)}`);
done('api.graph_batch');

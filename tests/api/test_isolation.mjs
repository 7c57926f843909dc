// The isolation grid: users x tenants x every route, reads and writes. Each user
// sees and changes exactly the tenants granted (404 where the tenant is not
// readable, 403 where it is readable but not writable), nothing changes on a
// refused write (read back as root), and a revoked token stops working at once.
import { requireDeps, tempDir, fixture, serve, req, check, done, cli } from './lib.mjs';

requireDeps();
const data = tempDir();
const { tenants, users } = fixture(data);
const srv = await serve(data);
const U = srv.url;
const T = Object.values(tenants);
const root = users.root.token;

// expected[user] = { read: Set, respond: Set, admin: Set }
const exp = {
  root: { read: new Set(T), respond: new Set(T), admin: new Set(T) },
  ana: { read: new Set([tenants.Alpha, tenants.Beta]), respond: new Set([tenants.Alpha]), admin: new Set() },
  bob: { read: new Set([tenants.Gamma]), respond: new Set([tenants.Gamma]), admin: new Set() },
  carol: { read: new Set(), respond: new Set(), admin: new Set() },
};

// Objects of each tenant, as root sees them.
const byTenant = {};
for (const t of T) byTenant[t] = {};
{
  const inc = (await req(U, 'GET', '/v1.0/security/incidents?$top=1000', { token: root })).json.value;
  const al = (await req(U, 'GET', '/v1.0/security/alerts_v2?$top=1000', { token: root })).json.value;
  const cs = (await req(U, 'GET', '/api/cases?top=1000', { token: root })).json.value;
  for (const i of inc) (byTenant[i.tenantId].incidents ??= []).push(i);
  for (const a of al) (byTenant[a.tenantId].alerts ??= []).push(a);
  for (const c of cs) (byTenant[c.tenantId].cases ??= []).push(c);
  for (const t of T)
    check(byTenant[t].incidents?.length === 6 && byTenant[t].alerts?.length >= 6 && byTenant[t].cases?.length === 2,
          `fixture: tenant ${t} has 6 incidents, alerts and 2 cases`);
}

const setOf = (arr, key = 'tenantId') => new Set(arr.map((x) => x[key]));
const eqSet = (a, b) => a.size === b.size && [...a].every((x) => b.has(x));
const want = (u, t, level) => (exp[u][level].has(t) ? 'ok' : exp[u].read.has(t) ? 403 : 404);
const codeOk = (status, w) => (w === 'ok' ? status >= 200 && status < 300 : status === w);

for (const [u, { token }] of Object.entries(users)) {
  // ---- lists span exactly the readable tenants
  const li = await req(U, 'GET', '/v1.0/security/incidents?$top=1000', { token });
  check(li.status === 200 && eqSet(setOf(li.json.value), exp[u].read), `${u}: incident list spans exactly the readable tenants`);
  const la = await req(U, 'GET', '/v1.0/security/alerts_v2?$top=1000', { token });
  check(la.status === 200 && eqSet(setOf(la.json.value), exp[u].read), `${u}: alert list spans exactly the readable tenants`);
  const lx = await req(U, 'GET', '/v1.0/security/incidents?$top=1000&$expand=alerts', { token });
  check(lx.status === 200 && lx.json.value.every((i) => i.alerts.every((a) => exp[u].read.has(a.tenantId))),
        `${u}: expanded alerts stay inside the readable tenants`);
  const lt = await req(U, 'GET', '/api/tenants', { token });
  check(lt.status === 200 && eqSet(setOf(lt.json.value, 'id'), exp[u].read), `${u}: tenant list`);
  const lc = await req(U, 'GET', '/api/cases?top=1000', { token });
  check(lc.status === 200 && eqSet(setOf(lc.json.value), exp[u].read), `${u}: case list`);
  const ls = await req(U, 'GET', '/api/status', { token });
  check(ls.status === 200 && eqSet(setOf(ls.json.tenants), exp[u].read), `${u}: per-tenant status`);
  const lq = await req(U, 'GET', '/api/queries', { token });
  check(lq.status === 200 && lq.json.value.every((q) => q.tenantId === null || exp[u].read.has(q.tenantId)),
        `${u}: saved queries`);
  const lg = await req(U, 'GET', '/api/groups', { token });
  check(lg.status === 200 && lg.json.value.every((g) => g.tenants.every((t) => exp[u].read.has(t))), `${u}: groups`);
  const hunt = await req(U, 'POST', '/v1.0/security/runHuntingQuery', { token, body: { Query: 'DeviceEvents | take 1' } });
  check(hunt.status === 200 && eqSet(setOf(hunt.json['@multisoc.tenants'], 'tenantId'), exp[u].read),
        `${u}: hunting runs over exactly the readable tenants (tests/kusto checks rows)`);
  const me = await req(U, 'GET', '/api/me', { token });
  check(me.status === 200 && eqSet(new Set(me.json.readTenants), exp[u].read) &&
        eqSet(new Set(me.json.respondTenants), exp[u].respond), `${u}: /api/me scopes`);
  const users_ = await req(U, 'GET', '/api/users', { token });
  check(users_.status === (u === 'root' ? 200 : 403), `${u}: user list needs an instance admin`);

  for (const t of T) {
    const inc = byTenant[t].incidents[0];
    const al = byTenant[t].alerts[0];
    const cs = byTenant[t].cases[0];
    const r = want(u, t, 'read');
    const tag = `${u} on ${t.slice(0, 8)}`;
    // ---- reads
    for (const path of [`/v1.0/security/incidents/${inc.id}`, `/v1.0/security/alerts_v2/${al.id}`,
                        `/api/tenants/${t}`, `/api/tenants/${t}/workspaces`, `/api/tenants/${t}/cases`,
                        `/api/tenants/${t}/cases/${cs.id}`, `/api/tenants/${t}/cases/${cs.id}/tasks`,
                        `/api/tenants/${t}/cases/${cs.id}/activity`, `/api/tenants/${t}/case-statuses`]) {
      const g = await req(U, 'GET', path, { token });
      check(codeOk(g.status, r === 'ok' ? 'ok' : 404), `${tag}: GET ${path} -> ${g.status}`);
    }
    const fq = `/v1.0/security/incidents?$filter=tenantId eq '${t}'&$count=true`;
    const f = await req(U, 'GET', fq, { token });
    const fr = await req(U, 'GET', fq, { token: root });
    check(fr.json['@odata.count'] >= 6 && f.status === 200 &&
          f.json['@odata.count'] === (r === 'ok' ? fr.json['@odata.count'] : 0), `${tag}: filter by tenantId counts only visible`);

    // ---- writes: respond level
    const w = want(u, t, 'respond');
    const before = (await req(U, 'GET', `/v1.0/security/incidents/${inc.id}`, { token: root })).json;
    const writes = [
      ['PATCH', `/v1.0/security/incidents/${inc.id}`, { status: 'inProgress', customTags: ['grid-' + u] }],
      ['POST', `/v1.0/security/incidents/${inc.id}/comments`, { comment: 'grid ' + u }],
      ['PATCH', `/v1.0/security/alerts_v2/${al.id}`, { status: 'inProgress' }],
      ['POST', `/v1.0/security/alerts_v2/${al.id}/comments`, { comment: 'grid ' + u }],
      ['POST', `/api/tenants/${t}/cases`, { title: 'grid case ' + u }],
      ['PATCH', `/api/tenants/${t}/cases/${cs.id}`, { priority: 'High' }],
      ['POST', `/api/tenants/${t}/cases/${cs.id}/tasks`, { name: 'grid task ' + u }],
      ['POST', '/api/queries', { tenantId: t, name: 'grid ' + u, query: 'DeviceEvents' }],
    ];
    for (const [m, path, body] of writes) {
      const x = await req(U, m, path, { token, body });
      check(codeOk(x.status, w), `${tag}: ${m} ${path} -> ${x.status} (want ${w})`);
    }
    const bulk = await req(U, 'POST', '/api/incidents/bulk', { token, body: { ids: [byTenant[t].incidents[1].id], addTag: 'bulk-' + u } });
    // readable but not changeable: 403, like every other write (unseen: 404)
    check(codeOk(bulk.status, w), `${tag}: bulk incidents -> ${bulk.status} (want ${w})`);
    const bulkA = await req(U, 'POST', '/api/alerts/bulk', { token, body: { ids: [byTenant[t].alerts[2].id], status: 'inProgress' } });
    check(codeOk(bulkA.status, w), `${tag}: bulk alerts -> ${bulkA.status} (want ${w})`);
    const mv = await req(U, 'POST', '/api/alerts/move', { token, body: { alertIds: [byTenant[t].alerts[1].id], newIncidentTitle: 'moved', comment: 'grid' } });
    check(codeOk(mv.status, w === 'ok' ? 'ok' : 404), `${tag}: move alerts -> ${mv.status}`);
    const after = (await req(U, 'GET', `/v1.0/security/incidents/${inc.id}`, { token: root })).json;
    const inList = (await req(U, 'GET', `/v1.0/security/incidents?$filter=id eq ${inc.id}`, { token: root })).json.value[0];
    check(JSON.stringify(inList.comments) === JSON.stringify(after.comments), `${tag}: list pages carry the same comments as the item`);
    if (w !== 'ok')
      check(JSON.stringify(before) === JSON.stringify(after), `${tag}: refused writes changed nothing`);
    else
      check(after.status === 'inProgress' && after.customTags.includes('grid-' + u) &&
            after.comments.some((c) => c.comment === 'grid ' + u && c.createdByDisplayName === u),
            `${tag}: the write landed and names its author`);
    // ---- writes: admin level
    const a = want(u, t, 'admin');
    const ws = await req(U, 'POST', `/api/tenants/${t}/workspaces`, { token, body: { name: 'ws-' + u } });
    check(codeOk(ws.status, a), `${tag}: add workspace -> ${ws.status} (want ${a})`);
    const st = await req(U, 'PUT', `/api/tenants/${t}/case-statuses`, { token, body: { value: ['New', 'Open', 'Closed', 'Parked'] } });
    check(codeOk(st.status, a), `${tag}: case statuses -> ${st.status} (want ${a})`);
  }
  // instance-level writes
  const nt = await req(U, 'POST', '/api/tenants', { token, body: { name: 'New-' + u, domain: 'n.example' } });
  check(nt.status === (u === 'root' ? 201 : 403), `${u}: add tenant -> ${nt.status}`);
  const ng = await req(U, 'POST', '/api/grants', { token, body: { user: u, tenant: 'Alpha', role: 'admin' } });
  check(ng.status === (u === 'root' ? 200 : 403), `${u}: grant -> ${ng.status}`);
  if (u === 'root') // undo so the grid above stays true for root's own later checks
    await req(U, 'POST', '/api/grants', { token, body: { user: u, tenant: 'Alpha', role: 'none' } });
}

// A token cannot reach past its user: ana cannot mint a token for Gamma.
{
  const x = await req(U, 'POST', '/api/tokens', { token: users.ana.token, body: { tenants: [tenants.Gamma] } });
  check(x.status === 404, `ana cannot create a token for Gamma (${x.status})`);
  const y = await req(U, 'POST', '/api/tokens', { token: users.ana.token, body: { name: 'ro', tenants: ['Beta'], role: 'reader' } });
  check(y.status === 201 && y.json.token.startsWith('msoc_'), 'ana creates a Beta reader token');
  const tok = y.json.token;
  const li = await req(U, 'GET', '/v1.0/security/incidents?$top=1000', { token: tok });
  check(li.status === 200 && eqSet(setOf(li.json.value), new Set([tenants.Beta])), 'the scoped token sees Beta only');
  const p = await req(U, 'PATCH', `/v1.0/security/incidents/${byTenant[tenants.Alpha].incidents[0].id}`, { token: tok, body: { status: 'active' } });
  check(p.status === 404, 'the scoped token cannot touch Alpha');
  // revocation stops it at once
  const del = await req(U, 'DELETE', `/api/tokens/${y.json.id}`, { token: users.ana.token });
  check(del.status === 200, 'ana revokes the token');
  const after = await req(U, 'GET', '/v1.0/security/incidents', { token: tok });
  check(after.status === 401 && /revoked/.test(after.json.error.message), 'a revoked token is refused on the next request');
  // bob cannot revoke ana's tokens
  const ids = (await req(U, 'GET', '/api/tokens', { token: users.ana.token })).json.value.map((t) => t.id);
  const bd = await req(U, 'DELETE', `/api/tokens/${ids[0]}`, { token: users.bob.token });
  check(bd.status === 404, 'bob cannot revoke ana\'s token');
  // CLI revocation works against a running server too
  const list = cli(['token', 'list', '--data', data, '--user', 'bob']).split('\n')[0].split('\t')[0];
  cli(['token', 'revoke', '--data', data, '--user', 'bob', '--id', list]);
  const bb = await req(U, 'GET', '/api/me', { token: users.bob.token });
  check(bb.status === 401, 'a token revoked with the CLI is refused by the running server');
}

const s = await srv.stop();
check(s.code === 0, `server exits 0 on SIGTERM (${s.code} ${s.sig})`);
done('isolation');

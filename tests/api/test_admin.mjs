// Instance administration: disabling, enabling and deleting users (their sessions
// and tokens stop at once, through the API or the CLI against a running server),
// the tenant cap stored in the instance settings (survives restarts), and tenant
// groups (?group=) narrowing every view: Graph lists, native lists, hunting and
// Kusto, never widening what a user may see.
import { requireDeps, tempDir, fixture, serve, req, check, done, cli } from './lib.mjs';

requireDeps();
const data = tempDir();
const { tenants, users } = fixture(data);
let srv = await serve(data, ['--max-tenants', '4']);
let U = srv.url;
const root = users.root.token, ana = users.ana.token, bob = users.bob.token, carol = users.carol.token;
const A = tenants.Alpha, B = tenants.Beta, G = tenants.Gamma;
const err = (r, status, code, re) => r.status === status && r.json?.error?.code === code && (!re || re.test(r.json.error.message));
const login = async (name, password) => {
  const r = await req(U, 'POST', '/api/login', { body: { name, password } });
  return r.status === 200 ? { cookie: r.headers.get('set-cookie').split(';')[0], csrf: r.json.csrfToken } : null;
};
const asSession = (s) => ({ headers: { Cookie: s.cookie, 'X-CSRF-Token': s.csrf } });

// ---- disable and enable: sessions and tokens stop at once
{
  const s = await login('ana', 'password-ana');
  check(s && (await req(U, 'GET', '/api/me', asSession(s))).status === 200, 'ana signs in');
  const d = await req(U, 'PATCH', '/api/users/ana', { token: root, body: { isDisabled: true } });
  check(d.status === 200 && d.json.isDisabled === true && d.json.name === 'ana', `root disables ana: ${d.text.slice(0, 200)}`);
  check(err(await req(U, 'GET', '/api/me', { token: ana }), 401, 'unauthorized', /disabled/), "ana's token stops at once");
  check((await req(U, 'GET', '/api/me', asSession(s))).status === 401, "ana's session stops at once");
  check(await login('ana', 'password-ana') === null, 'a disabled user cannot sign in');
  const inc = (await req(U, 'GET', `/v1.0/security/incidents?$filter=tenantId eq '${A}'&$top=1`, { token: root })).json.value[0];
  check(err(await req(U, 'PATCH', `/v1.0/security/incidents/${inc.id}`, { token: root, body: { assignedTo: 'ana' } }), 403, 'forbidden'),
        'nothing can be assigned to a disabled user');
  const e = await req(U, 'PATCH', `/api/users/${d.json.id}`, { token: root, body: { isDisabled: false } });
  check(e.status === 200 && e.json.isDisabled === false, 'root enables ana (by id)');
  check((await req(U, 'GET', '/api/me', { token: ana })).status === 200, "ana's token works again");
  check((await req(U, 'GET', '/api/me', asSession(s))).status === 401, 'the session ended by the disablement stays ended');
  check(await login('ana', 'password-ana') !== null, 'ana signs in again');
  const au = await req(U, 'GET', `/api/audit?kind=user&objectId=${d.json.id}`, { token: root });
  check(au.status === 200 && ['disable', 'enable'].every((a) => au.json.value.some((x) => x.action === a && x.actor === 'root')),
        'disable and enable are audited');
  // the CLI against the running server: the very next request is refused
  cli(['user', 'disable', '--data', data, '--name', 'carol']);
  check(err(await req(U, 'GET', '/api/me', { token: carol }), 401, 'unauthorized', /disabled/), "CLI disable: carol's token stops at once");
  check(/carol\tdisabled/.test(cli(['user', 'list', '--data', data])), 'user list shows carol disabled');
  cli(['user', 'enable', '--data', data, '--name', 'carol']);
  check((await req(U, 'GET', '/api/me', { token: carol })).status === 200, "CLI enable: carol's token works again");
  // password change by an admin
  const p = await req(U, 'PATCH', '/api/users/carol', { token: root, body: { password: 'a-new-passphrase' } });
  check(p.status === 200 && await login('carol', 'password-carol') === null && await login('carol', 'a-new-passphrase') !== null,
        'an admin sets a new password; the old one stops working');
}

// ---- refusals change nothing
{
  const list = async () => JSON.stringify((await req(U, 'GET', '/api/users', { token: root })).json.value);
  const before = await list();
  const cases = [
    ['bob disables ana', bob, 'PATCH', '/api/users/ana', { isDisabled: true }, 403, 'forbidden'],
    ['ana deletes bob', ana, 'DELETE', '/api/users/bob', undefined, 403, 'forbidden'],
    ['root disables itself', root, 'PATCH', '/api/users/root', { isDisabled: true }, 409, 'conflict'],
    ['root deletes itself', root, 'DELETE', '/api/users/root', undefined, 409, 'conflict'],
    ['unknown user', root, 'PATCH', '/api/users/zed', { isDisabled: true }, 404, 'not_found'],
    ['bad isDisabled', root, 'PATCH', '/api/users/ana', { isDisabled: 'yes' }, 400, 'invalid_argument'],
    ['unknown property', root, 'PATCH', '/api/users/ana', { isAdmin: true }, 400, 'invalid_argument'],
    ['nothing to change', root, 'PATCH', '/api/users/ana', {}, 400, 'invalid_argument'],
    ['short password', root, 'PATCH', '/api/users/ana', { password: 'short' }, 400, 'invalid_argument'],
  ];
  for (const [what, token, m, path, body, st, code] of cases) {
    const r = await req(U, m, path, { token, body });
    check(err(r, st, code), `${what}: ${st} ${code} (${r.status} ${r.text.slice(0, 160)})`);
  }
  check(await list() === before, 'no refused user change changed anything');
  let refused = '';
  try { cli(['user', 'disable', '--data', data, '--name', 'root']); } catch (e) { refused = String(e.stderr); }
  check(/last enabled instance admin/.test(refused), `the CLI refuses to disable the last admin: ${refused.trim()}`);
}

// ---- delete: the user, its tokens, grants and private group go; the name can be reused
{
  const bobId = (await req(U, 'GET', '/api/users/bob', { token: root })).json.id;
  const r = await req(U, 'DELETE', '/api/users/bob', { token: root });
  check(r.status === 200 && r.json.name === 'bob', 'root deletes bob');
  check(err(await req(U, 'GET', '/api/me', { token: bob }), 401, 'unauthorized'), "bob's token stops at once");
  check(!(await req(U, 'GET', '/api/users', { token: root })).json.value.some((u) => u.name === 'bob'), 'bob is gone from the list');
  check(!(await req(U, 'GET', '/api/grants', { token: root })).json.value.some((g) => g.user === 'bob'), "bob's grants are gone");
  check(!(await req(U, 'GET', '/api/tokens', { token: root })).json.value.some((t) => t.userId === bobId), "bob's tokens are gone");
  const again = await req(U, 'POST', '/api/users', { token: root, body: { name: 'bob', password: 'another-passphrase' } });
  check(again.status === 201 && again.json.id !== bobId, 'the name can be reused by a new user');
  const s = await login('bob', 'another-passphrase');
  const me = await req(U, 'GET', '/api/me', asSession(s));
  check(me.status === 200 && me.json.readTenants.length === 0, 'the new bob inherits none of the old grants');
  const audit = await req(U, 'GET', `/api/audit?kind=user&objectId=${bobId}`, { token: root });
  check(audit.json.value.some((x) => x.action === 'remove'), 'the deletion is audited');
  cli(['grant', '--data', data, '--user', 'bob', '--tenant', 'Gamma', '--role', 'responder']);
}

// ---- the tenant cap is stored in the instance settings
{
  const s1 = await req(U, 'GET', '/api/settings', { token: root });
  check(s1.status === 200 && s1.json.maxTenants === 4 && s1.json.homeCloud === 'Commercial', `settings: ${s1.text}`);
  check((await req(U, 'GET', '/api/settings', { token: ana })).status === 403, 'settings need an instance admin');
  await srv.stop();
  srv = await serve(data); // no --max-tenants: the stored cap applies
  U = srv.url;
  check((await req(U, 'GET', '/api/settings', { token: root })).json.maxTenants === 4, 'the cap survives a restart without the flag');
  check((await req(U, 'POST', '/api/tenants', { token: root, body: { name: 'Delta', domain: 'delta.example' } })).status === 201, '4th tenant fits');
  const over = await req(U, 'POST', '/api/tenants', { token: root, body: { name: 'Epsilon', domain: 'e.example' } });
  check(err(over, 422, 'limit_exceeded'), `5th tenant is refused at the cap: ${over.text.slice(0, 160)}`);
  let cliRefused = false;
  try { cli(['tenant', 'add', '--data', data, '--name', 'Zeta', '--domain', 'z.example']); } catch { cliRefused = true; }
  check(cliRefused, 'the CLI obeys the stored cap too');
  const p = await req(U, 'PATCH', '/api/settings', { token: root, body: { maxTenants: 6 } });
  check(p.status === 200 && p.json.maxTenants === 6, 'PATCH raises the cap');
  check(err(await req(U, 'PATCH', '/api/settings', { token: root, body: { maxTenants: 0 } }), 400, 'invalid_argument'), 'a cap of 0 is refused');
  check((await req(U, 'POST', '/api/tenants', { token: root, body: { name: 'Epsilon', domain: 'e.example' } })).status === 201, 'now the 5th fits');
  await srv.stop();
  srv = await serve(data);
  U = srv.url;
  check((await req(U, 'GET', '/api/settings', { token: root })).json.maxTenants === 6, 'the PATCHed cap survives a restart');
}

// ---- tenant groups narrow every view
{
  const g = await req(U, 'POST', '/api/groups', { token: root, body: { name: 'West', shared: true } });
  check(g.status === 201, 'shared group West');
  const put = await req(U, 'PUT', `/api/groups/${g.json.id}/tenants`, { token: root, body: { value: [A, 'Gamma'] } });
  check(put.status === 200, 'West = Alpha + Gamma');
  const setOf = (arr, k = 'tenantId') => [...new Set(arr.map((x) => x[k]))].sort().join(',');
  const want = (...t) => t.sort().join(',');
  for (const q of [`group=${g.json.id}`, 'group=West']) {
    const li = await req(U, 'GET', `/v1.0/security/incidents?${q}&$top=1000`, { token: root });
    check(li.status === 200 && setOf(li.json.value) === want(A, G), `root ?${q}: incidents of Alpha and Gamma only`);
    const al = await req(U, 'GET', `/v1.0/security/alerts_v2?${q}&$top=1000`, { token: root });
    check(al.status === 200 && setOf(al.json.value) === want(A, G), `root ?${q}: alerts`);
  }
  const gq = `group=${g.json.id}`;
  const lt = await req(U, 'GET', `/api/tenants?${gq}`, { token: root });
  check(setOf(lt.json.value, 'id') === want(A, G), 'tenant list narrowed');
  const lc = await req(U, 'GET', `/api/cases?${gq}&top=1000`, { token: root });
  check(setOf(lc.json.value) === want(A, G), 'case list narrowed');
  const st = await req(U, 'GET', `/api/status?${gq}`, { token: root });
  check(setOf(st.json.tenants) === want(A, G), 'per-tenant status narrowed');
  const h = await req(U, 'POST', `/v1.0/security/runHuntingQuery?${gq}`, { token: root, body: { Query: 'DeviceEvents | take 1' } });
  check(h.status === 200 && setOf(h.json['@multisoc.tenants']) === want(A, G), 'hunting narrowed');
  const k = await req(U, 'POST', `/v2/rest/query?${gq}`, { token: root, body: { db: 'multisoc', csl: 'print 1' } });
  check(k.status === 200, `Kusto v2 with ?group= answers (${k.status})`);
  const kdb = await req(U, 'POST', `/v2/rest/query?${gq}`, { token: root, body: { db: B, csl: 'print 1' } });
  check(kdb.status === 404, `Kusto: a database outside the group reads as absent (${kdb.status})`);
  // narrowing never widens: ana (Alpha + Beta) through West sees Alpha only
  const la = await req(U, 'GET', `/v1.0/security/incidents?${gq}&$top=1000`, { token: ana });
  check(la.status === 200 && setOf(la.json.value) === want(A), 'ana through West: Alpha only (Gamma stays unseen)');
  const lb = await req(U, 'GET', `/v1.0/security/incidents?${gq}&$top=2`, { token: ana });
  check(/group=/.test(lb.json['@odata.nextLink'] ?? ''), 'the next-page link keeps the group');
  // writes are narrowed too: a Beta incident through West reads as absent
  const bi = (await req(U, 'GET', `/v1.0/security/incidents?$filter=tenantId eq '${B}'&$top=1`, { token: root })).json.value[0];
  const pw = await req(U, 'PATCH', `/v1.0/security/incidents/${bi.id}?${gq}`, { token: root, body: { status: 'inProgress' } });
  const after = (await req(U, 'GET', `/v1.0/security/incidents/${bi.id}`, { token: root })).json;
  check(pw.status === 404 && after.status === bi.status, 'a write outside the group is 404 and changes nothing');
  // private groups: ana's own, undeletable, usable only by ana
  const mine = (await req(U, 'GET', '/api/groups', { token: ana })).json.value.find((x) => x.isPrivate);
  check(mine && (await req(U, 'PUT', `/api/groups/${mine.id}/tenants`, { token: ana, body: { value: [B] } })).status === 200,
        "ana puts Beta in her private group");
  const lp = await req(U, 'GET', `/v1.0/security/incidents?group=${mine.id}&$top=1000`, { token: ana });
  check(lp.status === 200 && setOf(lp.json.value) === want(B), "ana's private group: Beta only");
  check(err(await req(U, 'PUT', `/api/groups/${mine.id}/tenants`, { token: ana, body: { value: [G] } }), 404, 'not_found'),
        'ana cannot put an unseen tenant in her group');
  check(err(await req(U, 'GET', `/api/tenants?group=${mine.id}`, { token: carol }), 404, 'not_found'), "carol cannot use ana's private group");
  check(err(await req(U, 'GET', '/api/tenants?group=999999', { token: root }), 404, 'not_found'), 'unknown group 404');
  check((await req(U, 'GET', `/api/tenants?group=${mine.id}`, { token: root })).status === 200, 'an instance admin may use any group');
}

const stop = await srv.stop();
check(stop.code === 0, `server exits cleanly (${stop.code}): ${srv.stderr().slice(-300)}`);
done('api.admin');

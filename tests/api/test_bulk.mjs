// Bulk changes on many incidents or alerts across tenants: status,
// classification, determination, severity, tags (add/remove) and comments, by
// explicit ids or by an OData $filter over what the caller may change. All or
// nothing: every refusal (assignee without a grant on some tenant, an object the
// caller may read but not change, an unknown id or enum) is a clear 4xx and every
// object reads back exactly as before, comments included.
import { requireDeps, tempDir, fixture, serve, req, check, done } from './lib.mjs';

requireDeps();
const data = tempDir();
const { tenants, users } = fixture(data);
const srv = await serve(data);
const U = srv.url;
const root = users.root.token, ana = users.ana.token, bob = users.bob.token;
const A = tenants.Alpha, B = tenants.Beta, G = tenants.Gamma;

const all = async (kind) => (await req(U, 'GET', `/v1.0/security/${kind}?$top=1000`, { token: root })).json.value;
const incs = await all('incidents');
const als = await all('alerts_v2');
const of = (list, t) => list.filter((x) => x.tenantId === t);
const pick = (list, t, k) => of(list, t).slice(0, k).map((x) => x.id);
const snapAll = async () => JSON.stringify([await all('incidents'), await all('alerts_v2')]);
const bulk = (kind, token, body) => req(U, 'POST', `/api/${kind}/bulk`, { token, body });
const byId = (list) => Object.fromEntries(list.map((x) => [x.id, x]));

// ---- a change over three tenants at once, read back
{
  const ids = [...pick(incs, A, 2), ...pick(incs, B, 2), ...pick(incs, G, 2)];
  const r = await bulk('incidents', root, { ids, status: 'inProgress', classification: 'truePositive',
    determination: 'malware', severity: 'high', addTag: 'wave1', comment: 'bulk note 1' });
  check(r.status === 200 && r.json.updated === 6 && r.json.tenants.length === 3 &&
        r.json.tenants.every((t) => t.updated === 2), `bulk over 3 tenants: ${r.text.slice(0, 300)}`);
  const now = byId(await all('incidents'));
  check(ids.every((id) => now[id].status === 'inProgress' && now[id].classification === 'truePositive' &&
        now[id].determination === 'malware' && now[id].severity === 'high' && now[id].customTags.includes('wave1') &&
        now[id].comments.some((c) => c.comment === 'bulk note 1' && c.createdByDisplayName === 'root')),
        'every incident carries the change, the tag and the comment');
  const others = (await all('incidents')).filter((x) => !ids.includes(x.id));
  check(others.every((x) => !x.customTags.includes('wave1')), 'no other incident changed');
  const rm = await bulk('incidents', root, { ids, removeTag: 'wave1' });
  const after = byId(await all('incidents'));
  check(rm.status === 200 && ids.every((id) => !after[id].customTags.includes('wave1')), 'removeTag takes the tag off');
  const audit = await req(U, 'GET', `/api/audit?kind=incident&objectId=${ids[5]}`, { token: root });
  check(audit.status === 200 && audit.json.value.filter((a) => a.action === 'update').length >= 2, 'each bulk change is audited per object');
}

// ---- refusals change nothing
async function refused(what, kind, token, body, status, code, re) {
  const before = await snapAll();
  const r = await bulk(kind, token, body);
  check(r.status === status && r.json?.error?.code === code && (!re || re.test(r.json.error.message)),
        `${what}: ${status} ${code} (${r.status} ${r.text.slice(0, 240)})`);
  check(await snapAll() === before, `${what}: nothing changed (read back)`);
  return r;
}
{
  const ids3 = [...pick(incs, A, 1), ...pick(incs, B, 1), ...pick(incs, G, 1)];
  // ana holds grants on Alpha and Beta only: the refusal names Gamma, and only Gamma
  const r = await refused('assign to ana over Gamma', 'incidents', root,
                          { ids: ids3, assignedTo: 'ana', addTag: 'x', comment: 'never stored' }, 403, 'forbidden',
                          new RegExp(`Gamma \\(${G}\\)`));
  check(!/Alpha|Beta/.test(r.json?.error?.message ?? ''), 'the refusal names only the tenant lacking the grant');
  const r2 = await refused('assign to carol (no grants)', 'incidents', root, { ids: ids3, assignedTo: 'carol' }, 403,
                           'forbidden', /tenants .*Alpha.*Beta.*Gamma|tenants .*Gamma.*Beta.*Alpha/s);
  check(/nothing was changed/.test(r2.json?.error?.message ?? ''), 'the refusal says nothing was changed');
  await refused('assign alerts to bob over Alpha', 'alerts_v2'.replace('_v2', ''), root,
                { ids: [...pick(als, G, 2), ...pick(als, A, 1)], assignedTo: 'bob' }, 403, 'forbidden', /Alpha/);
  await refused('ana changes a Beta incident (reader there)', 'incidents', ana,
                { ids: [...pick(incs, A, 1), ...pick(incs, B, 1)], status: 'resolved' }, 403, 'forbidden', new RegExp(B));
  await refused('ana names a Gamma incident (unseen)', 'incidents', ana,
                { ids: [...pick(incs, A, 1), ...pick(incs, G, 1)], status: 'resolved' }, 404, 'not_found', null);
  await refused('unknown id', 'incidents', root, { ids: [...pick(incs, A, 1), '999999'], status: 'resolved' }, 404, 'not_found', /999999/);
  await refused('unknown enum', 'incidents', root, { ids: pick(incs, A, 2), status: 'closed' }, 400, 'invalid_argument', /closed/);
  await refused('alert tags', 'alerts', root, { ids: pick(als, A, 2), addTag: 'x' }, 400, 'invalid_argument', /tags/);
  await refused('ids and filter', 'incidents', root, { ids: pick(incs, A, 1), filter: "status eq 'active'", status: 'resolved' }, 400, 'invalid_argument', /both/);
  await refused('no target', 'incidents', root, { status: 'resolved' }, 400, 'invalid_argument', /neither/);
  await refused('no change', 'incidents', root, { ids: pick(incs, A, 1) }, 400, 'invalid_argument', /nothing to change/);
  await refused('bad filter', 'incidents', root, { filter: "status eq", status: 'resolved' }, 400, 'syntax_error', null);
  await refused('filter on an unknown field', 'incidents', root, { filter: "colour eq 'red'", status: 'resolved' }, 400, 'invalid_argument', null);
  await refused('add and remove a tag at once', 'incidents', root, { ids: pick(incs, A, 1), addTag: 'a', removeTag: 'b' }, 400, 'invalid_argument', /combined/);
  await refused('too many ids', 'incidents', root, { ids: Array.from({ length: 10001 }, (_, i) => String(i + 1)), status: 'resolved' }, 400, 'invalid_argument', /10000/);
  await refused('over-long comment', 'incidents', root, { ids: pick(incs, A, 2), comment: 'x'.repeat(30001) }, 400, 'invalid_argument', /30000/);
}

// ---- assignment where the assignee holds every grant
{
  const ids = [...pick(incs, A, 2), ...pick(incs, B, 2)];
  const r = await bulk('incidents', root, { ids, assignedTo: 'ana' });
  const now = byId(await all('incidents'));
  check(r.status === 200 && ids.every((id) => now[id].assignedTo === 'ana'), 'assignment over Alpha and Beta to ana');
}

// ---- by filter: only what the caller may change
{
  const high = (await all('incidents')).filter((x) => x.severity === 'high').map((x) => x.id);
  const r = await bulk('incidents', root, { filter: "severity eq 'high'", addTag: 'hi' });
  const now = await all('incidents');
  check(r.status === 200 && r.json.updated === high.length && high.length > 0 &&
        now.every((x) => x.customTags.includes('hi') === high.includes(x.id)), `filter: every high incident and no other (${high.length})`);
  const r2 = await bulk('incidents', ana, { filter: "status ne 'redirected'", addTag: 'ana-f' });
  const now2 = await all('incidents');
  const want = now2.filter((x) => x.tenantId === A && x.status !== 'redirected').map((x) => x.id);
  check(r2.status === 200 && r2.json.updated === want.length && want.length > 0 &&
        now2.every((x) => x.customTags.includes('ana-f') === want.includes(x.id)),
        "ana's filter changes only Alpha (Beta is read-only, Gamma unseen)");
  const r3 = await bulk('alerts', bob, { filter: "status ne 'resolved'", status: 'resolved', classification: 'falsePositive', comment: 'bob closes' });
  const al = await all('alerts_v2');
  check(r3.status === 200 && r3.json.updated > 0 && r3.json.tenants.length === 1 && r3.json.tenants[0].tenantId === G,
        `bob's alert filter covers Gamma only: ${r3.text.slice(0, 200)}`);
  check(of(al, G).every((x) => x.status === 'resolved') && of(al, A).some((x) => x.status !== 'resolved'),
        'every Gamma alert resolved; Alpha untouched');
  check(of(al, G).filter((x) => r3.json.ids.includes(x.id)).every((x) => x.comments.some((c) => c.comment === 'bob closes')),
        'the bulk comment is on every changed alert');
  const r4 = await bulk('incidents', root, { filter: "severity eq 'unknownFutureValue'", addTag: 'none' });
  check(r4.status === 200 && r4.json.updated === 0, 'a filter matching nothing changes nothing (200, 0)');
}

const stop = await srv.stop();
check(stop.code === 0, `server exits cleanly (${stop.code}): ${srv.stderr().slice(-300)}`);
done('api.bulk');

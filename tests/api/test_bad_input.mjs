// Bad input gets a 4xx with a clear JSON error and changes nothing (read back):
// malformed JSON, oversized bodies, bad OData, unknown enum values, unknown ids,
// unknown properties, over-long comments, refused bulk assignment, auth mistakes.
import { requireDeps, tempDir, fixture, serve, req, check, done } from './lib.mjs';

requireDeps();
const data = tempDir();
const { tenants, users } = fixture(data);
const srv = await serve(data, ['--max-body', '65536']);
const U = srv.url;
const root = users.root.token;
const ana = users.ana.token;

const inc = (await req(U, 'GET', `/v1.0/security/incidents?$filter=tenantId eq '${tenants.Alpha}'&$top=1`, { token: root })).json.value[0];
const al = (await req(U, 'GET', `/v1.0/security/alerts_v2?$filter=tenantId eq '${tenants.Alpha}'&$top=1`, { token: root })).json.value[0];
const snap = async () => JSON.stringify([
  (await req(U, 'GET', `/v1.0/security/incidents/${inc.id}`, { token: root })).json,
  (await req(U, 'GET', `/v1.0/security/alerts_v2/${al.id}`, { token: root })).json,
]);
const before = await snap();

function isErr(r, status, code, re) {
  return r.status === status && r.json && r.json.error && r.json.error.code === code &&
         typeof r.json.error.message === 'string' && r.json.error.message.length > 0 &&
         (!re || re.test(r.json.error.message));
}

const cases = [
  // malformed or wrong-shaped JSON
  ['PATCH', `/v1.0/security/incidents/${inc.id}`, { raw: '{"status": "resolved"' }, 400, 'bad_data', /not valid JSON.*line 1/],
  ['PATCH', `/v1.0/security/incidents/${inc.id}`, { raw: '["status"]' }, 400, 'bad_data', /JSON object/],
  ['PATCH', `/v1.0/security/incidents/${inc.id}`, { raw: '{"status":"resolved","status":"active"}' }, 400, 'bad_data', /duplicate/],
  ['PATCH', `/v1.0/security/incidents/${inc.id}`, { raw: '' }, 400, 'bad_data', null],
  // unknown enum values, wrong types, unknown or read-only properties
  ['PATCH', `/v1.0/security/incidents/${inc.id}`, { body: { status: 'closed' } }, 400, 'invalid_argument', /unknown value 'closed' for status.*inProgress/],
  ['PATCH', `/v1.0/security/incidents/${inc.id}`, { body: { classification: 'truePositive', determination: 'aliens' } }, 400, 'invalid_argument', /determination/],
  ['PATCH', `/v1.0/security/incidents/${inc.id}`, { body: { severity: 5 } }, 400, 'invalid_argument', /must be a string/],
  ['PATCH', `/v1.0/security/incidents/${inc.id}`, { body: { customTags: 'x' } }, 400, 'invalid_argument', /array of strings/],
  ['PATCH', `/v1.0/security/incidents/${inc.id}`, { body: { status: 'resolved', tenantId: tenants.Beta } }, 400, 'invalid_argument', /tenantId/],
  ['PATCH', `/v1.0/security/incidents/${inc.id}`, { body: { status: 'resolved', createdDateTime: '2020-01-01T00:00:00Z' } }, 400, 'invalid_argument', /read-only/],
  ['PATCH', `/v1.0/security/alerts_v2/${al.id}`, { body: { status: 'active' } }, 400, 'invalid_argument', /unknown value 'active'/],
  ['PATCH', `/v1.0/security/alerts_v2/${al.id}`, { body: { severity: 'high' } }, 400, 'invalid_argument', /severity/],
  ['PATCH', `/v1.0/security/incidents/${inc.id}`, { body: { assignedTo: 'bob' } }, 403, 'forbidden', /no grant/],
  // comments
  ['POST', `/v1.0/security/incidents/${inc.id}/comments`, { body: { comment: 'x'.repeat(30001) } }, 400, 'invalid_argument', /30000/],
  ['POST', `/v1.0/security/incidents/${inc.id}/comments`, { body: { comment: '' } }, 400, 'invalid_argument', /empty/],
  ['POST', `/v1.0/security/alerts_v2/${al.id}/comments`, { body: { text: 'hi' } }, 400, 'invalid_argument', /text/],
  // oversized bodies
  ['PATCH', `/v1.0/security/incidents/${inc.id}`, { raw: JSON.stringify({ description: 'x'.repeat(70000) }) }, 413, 'payload_too_large', /cap/],
  // unknown ids
  ['GET', '/v1.0/security/incidents/999999', {}, 404, 'not_found', /999999/],
  ['GET', '/v1.0/security/incidents/abc', {}, 404, 'not_found', null],
  ['PATCH', '/v1.0/security/alerts_v2/nope', { body: { status: 'resolved' } }, 404, 'not_found', /nope/],
  ['POST', '/v1.0/security/incidents/999999/comments', { body: { comment: 'x' } }, 404, 'not_found', null],
  ['GET', `/api/tenants/${tenants.Alpha}/cases/5`, {}, 404, 'not_found', /case 5/],
  ['GET', '/v1.0/security/nothing', {}, 404, 'not_found', /no route/],
  // bad OData
  ['GET', "/v1.0/security/incidents?$filter=severity eq", {}, 400, 'syntax_error', /expected a value/],
  ['GET', "/v1.0/security/incidents?$filter=severity eq 'extreme'", {}, 400, 'invalid_argument', /unknown value 'extreme'/],
  ['GET', "/v1.0/security/incidents?$filter=nope eq 'x'", {}, 400, 'invalid_argument', /supported properties/],
  ['GET', "/v1.0/security/incidents?$filter=(status eq 'active'", {}, 400, 'syntax_error', /'\)'/],
  ['GET', "/v1.0/security/incidents?$filter=status eq 'active' xor 1", {}, 400, 'syntax_error', /unexpected/],
  ['GET', "/v1.0/security/incidents?$filter=createdDateTime ge 'yesterday'", {}, 400, 'invalid_argument', /datetime/],
  ['GET', "/v1.0/security/incidents?$filter=status gt null", {}, 400, 'invalid_argument', /null/],
  ['GET', '/v1.0/security/incidents?$top=0', {}, 400, 'invalid_argument', /\$top/],
  ['GET', '/v1.0/security/incidents?$top=abc', {}, 400, 'invalid_argument', /\$top/],
  ['GET', '/v1.0/security/incidents?$skip=-1', {}, 400, 'invalid_argument', /\$skip/],
  ['GET', '/v1.0/security/incidents?$orderby=colour', {}, 400, 'invalid_argument', /colour/],
  ['GET', '/v1.0/security/incidents?$orderby=severity sideways', {}, 400, 'syntax_error', /orderby/],
  ['GET', '/v1.0/security/incidents?$expand=comments', {}, 400, 'invalid_argument', /expand/],
  ['GET', '/v1.0/security/incidents?$count=maybe', {}, 400, 'invalid_argument', /\$count/],
  ['GET', '/v1.0/security/incidents?$search=x', {}, 400, 'invalid_argument', /unsupported query option/],
  // bulk changes are all or nothing; assignment needs a grant on every tenant
  ['POST', '/api/incidents/bulk', { body: { ids: [inc.id, '999999'], status: 'resolved' } }, 404, 'not_found', /999999/],
  ['POST', '/api/alerts/move', { body: { alertIds: [al.id], newIncidentTitle: 'x' } }, 400, 'invalid_argument', /comment/],
  ['POST', '/api/tenants', { body: { name: 'Gov', domain: 'gov.example', cloud: 'DoD' } }, 403, 'forbidden', /cross|DoD/],
  ['POST', '/api/tenants', { body: { name: 'Mars', domain: 'm.example', cloud: 'Mars' } }, 400, 'invalid_argument', /cloud/],
  ['POST', '/api/tenants', { body: { name: 'Alpha', domain: 'dup.example' } }, 409, 'conflict', /Alpha/],
];
for (const [m, path, opt, status, code, re] of cases) {
  const r = await req(U, m, path, { token: root, ...opt });
  check(isErr(r, status, code, re), `${m} ${path.slice(0, 80)} -> ${r.status} ${r.text.slice(0, 160)}`);
}
// the bulk assignment across tenants where the assignee lacks a grant: ana holds Alpha and Beta only
{
  const g = (await req(U, 'GET', `/v1.0/security/incidents?$filter=tenantId eq '${tenants.Gamma}'&$top=1`, { token: root })).json.value[0];
  const r = await req(U, 'POST', '/api/incidents/bulk', { token: root, body: { ids: [inc.id, g.id], assignedTo: 'ana', addTag: 'bulk' } });
  check(isErr(r, 403, 'forbidden', new RegExp(tenants.Gamma)), `bulk assignment to ana over Gamma is refused: ${r.text.slice(0, 160)}`);
  const g2 = (await req(U, 'GET', `/v1.0/security/incidents/${g.id}`, { token: root })).json;
  check(g2.assignedTo === g.assignedTo && !g2.customTags.includes('bulk'), 'the refused bulk change left Gamma untouched');
}
check(before === await snap(), 'no refused request changed the incident or the alert');

// authentication mistakes
{
  const r1 = await req(U, 'GET', '/v1.0/security/incidents', { headers: { Authorization: 'Basic abc' } });
  check(isErr(r1, 401, 'unauthorized', /Bearer/), 'Basic auth is refused');
  const r2 = await req(U, 'GET', '/v1.0/security/incidents', { token: 'msoc_not-a-token' });
  check(isErr(r2, 401, 'unauthorized', null), 'an unknown token is refused');
  const r3 = await req(U, 'POST', '/api/login', { body: { name: 'ana', password: 'wrong-password' } });
  check(isErr(r3, 401, 'unauthorized', /wrong user name or password/), 'a wrong password is refused');
  const r4 = await req(U, 'POST', '/api/login', { body: { name: 'ana', password: 'password-ana' } });
  check(r4.status === 200 && r4.json.csrfToken, 'ana signs in');
  const cookie = r4.headers.get('set-cookie').split(';')[0];
  check(/HttpOnly/.test(r4.headers.get('set-cookie')) && /SameSite=Strict/.test(r4.headers.get('set-cookie')), 'the session cookie is HttpOnly and SameSite=Strict');
  const r5 = await req(U, 'GET', '/api/me', { headers: { Cookie: cookie } });
  check(r5.status === 200 && r5.json.name === 'ana', 'the session cookie authenticates reads');
  const r6 = await req(U, 'PATCH', `/v1.0/security/incidents/${inc.id}`, { headers: { Cookie: cookie }, body: { status: 'inProgress' } });
  check(isErr(r6, 403, 'forbidden', /CSRF/), 'a session write without the CSRF token is refused');
  const r7 = await req(U, 'PATCH', `/v1.0/security/incidents/${inc.id}`, { headers: { Cookie: cookie, 'X-CSRF-Token': r4.json.csrfToken }, body: { status: 'inProgress' } });
  check(r7.status === 200 && r7.json.status === 'inProgress', 'a session write with the CSRF token works');
  const r8 = await req(U, 'POST', '/api/logout', { headers: { Cookie: cookie, 'X-CSRF-Token': r4.json.csrfToken } });
  check(r8.status === 200, 'ana signs out');
  const r9 = await req(U, 'GET', '/api/me', { headers: { Cookie: cookie } });
  check(r9.status === 401, 'the session no longer works after logout');
}
// a huge header block is refused by the transport, and the server stays up
{
  const r = await req(U, 'GET', '/api/me', { token: ana, headers: { 'X-Big': 'y'.repeat(100000) } });
  check(r.status >= 400 && r.status < 500, `an oversized request head is refused (${r.status})`);
  const ok = await req(U, 'GET', '/api/me', { token: ana });
  check(ok.status === 200, 'the server still answers afterwards');
}
const s = await srv.stop();
check(s.code === 0, 'server exits 0');
done('bad_input');

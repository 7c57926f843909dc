// Helpers for the hunting tests: temporary data directories, the multisoc CLI, a
// real `multisoc serve` on 127.0.0.1 (port chosen by the server), requests, and a
// fixture of tenants, users, tokens and events loaded through .ingest inline.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The server, CLI and request helpers are the API suite's; this file adds the
// hunting fixture on top.
import { BIN, ROOT, requireDeps, cli, serve, req, check } from '../api/lib.mjs';
export { BIN, ROOT, requireDeps, cli, serve, req, check };

export function tempDir(prefix = 'msoc-kusto-') {
  const d = mkdtempSync(join(tmpdir(), prefix));
  process.on('exit', () => { if (!process.env.MSOC_KEEP) rmSync(d, { recursive: true, force: true }); });
  return d;
}

export const mgmt = (base, token, db, csl) => req(base, 'POST', '/v1/rest/mgmt', { token, body: { db, csl } });

// Rows of the v1 mgmt answer's first table as objects.
export function v1Rows(json) {
  const t = json.Tables[0];
  return t.Rows.map((r) => Object.fromEntries(t.Columns.map((c, i) => [c.ColumnName, r[i]])));
}

/* Tenants Alpha, Beta, Gamma; users:
 *   root  instance admin          ana  reader on Alpha
 *   bob   admin on Beta           carol no grants
 * One token each. Every tenant gets DeviceProcessEvents rows whose DeviceName and
 * FileName carry a per-tenant marker (secret-<tenant>-...), DeviceEvents rows, and
 * rows of a custom table Markers_CL made with .create table. */
export async function fixture(data, base) {
  const tenants = {};
  for (const [name, dom] of [['Alpha', 'alpha.example'], ['Beta', 'beta.example'], ['Gamma', 'gamma.example']])
    tenants[name] = cli(['tenant', 'add', '--data', data, '--name', name, '--domain', dom]).split('\t')[0];
  const users = {};
  for (const [name, admin] of [['root', true], ['ana', false], ['bob', false], ['carol', false]]) {
    cli(['user', 'add', '--data', data, '--name', name, '--password-stdin', ...(admin ? ['--admin'] : [])],
        'password-' + name + '\n');
    users[name] = {};
  }
  cli(['grant', '--data', data, '--user', 'ana', '--tenant', 'Alpha', '--role', 'reader']);
  cli(['grant', '--data', data, '--user', 'bob', '--tenant', 'Beta', '--role', 'admin']);
  for (const name of Object.keys(users))
    users[name].token = cli(['token', 'create', '--data', data, '--user', name]);
  return { tenants, users };
}

export function iso(msAgo) {
  return new Date(Date.now() - msAgo).toISOString();
}

// Loads the per-tenant events through the server (root's token).
export async function loadEvents(base, tenants, rootToken, perTenant = 3) {
  const counts = {};
  for (const [name, id] of Object.entries(tenants)) {
    const low = name.toLowerCase();
    const lines = [];
    for (let i = 0; i < perTenant; i++)
      lines.push(JSON.stringify({
        Timestamp: iso((i + 1) * 3600e3), DeviceName: `secret-${low}-pc${i}`, DeviceId: `dev-${low}-${i}`,
        FileName: i % 2 ? 'powershell.exe' : 'cmd.exe', ProcessId: 1000 + i, AccountName: `user-${low}`,
        InitiatingProcessFileName: 'explorer.exe',
      }));
    // One old row (40 days): outside Graph's default 30-day window.
    lines.push(JSON.stringify({ Timestamp: iso(40 * 86400e3), DeviceName: `secret-${low}-old`, FileName: 'old.exe' }));
    let r = await mgmt(base, rootToken, name,
      `.ingest inline into table DeviceProcessEvents with (format="json") <|\n${lines.join('\n')}`);
    if (r.status !== 200) throw new Error('ingest failed: ' + r.text);
    r = await mgmt(base, rootToken, id,
      `.ingest inline into table DeviceEvents with (format="json") <|\n` +
      JSON.stringify({ Timestamp: iso(7200e3), DeviceName: `secret-${low}-ev`, ActionType: 'UsbDriveMounted' }));
    if (r.status !== 200) throw new Error('ingest failed: ' + r.text);
    counts[name] = perTenant + 1;
  }
  let r = await mgmt(base, rootToken, 'Alpha', '.create table Markers_CL (Marker:string, Level:long)');
  if (r.status !== 200) throw new Error('create table failed: ' + r.text);
  for (const name of Object.keys(tenants)) {
    r = await mgmt(base, rootToken, name,
      `.ingest inline into table Markers_CL <|\n${iso(600e3)},secret-${name.toLowerCase()}-cl,${name.length}`);
    if (r.status !== 200) throw new Error('csv ingest failed: ' + r.text);
  }
  return counts;
}

let failures = 0, checks = 0;
export function done(name) {
  console.log(`${name}: ${checks - failures}/${checks} checks passed`);
  console.log(`${checks - failures} passed, ${failures} failed`);
  process.exit(failures ? 1 : 0);
}

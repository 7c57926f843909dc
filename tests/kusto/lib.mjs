// Helpers for the hunting tests: temporary data directories, the multisoc CLI, a
// real `multisoc serve` on 127.0.0.1 (port chosen by the server), requests, and a
// fixture of tenants, users, tokens and events loaded through .ingest inline.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = process.env.MSOC_BIN;
const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '..', '..');

export function requireDeps(pkgs = []) {
  if (!BIN || !existsSync(BIN)) {
    console.error('MSOC_BIN is not set to the multisoc binary');
    process.exit(1);
  }
  for (const p of pkgs) {
    if (!existsSync(join(ROOT, 'node_modules', p))) {
      console.error(`SKIP: node_modules/${p} is missing; run ./scripts/install-deps`);
      // Under CI the install step must have provided the clients: a skip there would
      // hide a missing dependency, so it is a failure.
      process.exit(process.env.CI ? 1 : 77);
    }
  }
}

export function tempDir(prefix = 'msoc-kusto-') {
  const d = mkdtempSync(join(tmpdir(), prefix));
  process.on('exit', () => { if (!process.env.MSOC_KEEP) rmSync(d, { recursive: true, force: true }); });
  return d;
}

export function cli(args, input) {
  return execFileSync(BIN, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }).trim();
}

export async function serve(data, extra = []) {
  const proc = spawn(BIN, ['serve', '--data', data, '--listen', '127.0.0.1:0', '--threads', '4', ...extra],
                     { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => { err += d; });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error('server did not start: ' + err)), 20000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/serving on (\S+)/);
      if (m) { clearTimeout(t); resolve(m[1]); }
    });
    proc.on('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
  return {
    url,
    stderr: () => err,
    stop: () => new Promise((resolve) => {
      proc.removeAllListeners('exit');
      proc.on('exit', (code, sig) => resolve({ code, sig }));
      proc.kill('SIGTERM');
    }),
  };
}

export async function req(base, method, path, { token, body, raw, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = 'Bearer ' + token;
  const opt = { method, headers: h };
  if (raw !== undefined) opt.body = raw;
  else if (body !== undefined) { opt.body = JSON.stringify(body); h['Content-Type'] = 'application/json'; }
  const r = await fetch(base + path, opt);
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, json, text, headers: r.headers };
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
export function check(cond, what) {
  checks++;
  if (!cond) { failures++; console.error('FAIL: ' + what); }
}
export function done(name) {
  console.log(`${name}: ${checks - failures}/${checks} checks passed`);
  console.log(`${checks - failures} passed, ${failures} failed`);
  process.exit(failures ? 1 : 0);
}

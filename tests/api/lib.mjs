// Shared helpers for the API tests: temporary data directories, the multisoc CLI,
// a real `multisoc serve` on 127.0.0.1 (port chosen by the server), and requests.
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

export function tempDir(prefix = 'msoc-api-') {
  const d = mkdtempSync(join(tmpdir(), prefix));
  process.on('exit', () => { if (!process.env.MSOC_KEEP) rmSync(d, { recursive: true, force: true }); });
  return d;
}

export function cli(args, input) {
  return execFileSync(BIN, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }).trim();
}

/* Three tenants, four users, one token each, demo incidents/alerts/cases:
 *   root  instance admin
 *   ana   responder on Alpha, reader on Beta
 *   bob   responder on Gamma
 *   carol no grants */
export function fixture(data) {
  const tenants = {};
  for (const [name, dom] of [['Alpha', 'alpha.example'], ['Beta', 'beta.example'], ['Gamma', 'gamma.example']]) {
    const line = cli(['tenant', 'add', '--data', data, '--name', name, '--domain', dom]);
    tenants[name] = line.split('\t')[0];
  }
  cli(['tenant', 'seed', '--data', data, '--incidents', '6', '--cases', '2', '--seed', '7']);
  const users = {};
  for (const [name, admin] of [['root', true], ['ana', false], ['bob', false], ['carol', false]]) {
    cli(['user', 'add', '--data', data, '--name', name, '--password-stdin', ...(admin ? ['--admin'] : [])],
        'password-' + name + '\n');
    users[name] = {};
  }
  cli(['grant', '--data', data, '--user', 'ana', '--tenant', 'Alpha', '--role', 'responder']);
  cli(['grant', '--data', data, '--user', 'ana', '--tenant', 'Beta', '--role', 'reader']);
  cli(['grant', '--data', data, '--user', 'bob', '--tenant', 'Gamma', '--role', 'responder']);
  for (const name of Object.keys(users))
    users[name].token = cli(['token', 'create', '--data', data, '--user', name]);
  return { tenants, users };
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
    pid: proc.pid,
    stderr: () => err,
    stop: () => new Promise((resolve) => {
      proc.removeAllListeners('exit');
      proc.on('exit', (code, sig) => resolve({ code, sig }));
      proc.kill('SIGTERM');
    }),
    // A crash: no shutdown path runs, so only what was durable survives.
    kill9: () => new Promise((resolve) => {
      proc.removeAllListeners('exit');
      proc.on('exit', (code, sig) => resolve({ code, sig }));
      proc.kill('SIGKILL');
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

let failures = 0, checks = 0;
export function check(cond, what) {
  checks++;
  if (!cond) { failures++; console.error('FAIL: ' + what); }
}
export function done(name) {
  console.log(`${name}: ${checks - failures}/${checks} checks passed`);
  process.exit(failures ? 1 : 0);
}

// Driver for bench/api_ingest/run (see there). Starts `multisoc serve` on a fresh
// data directory, makes one tenant and an ingest token, then times NDJSON POSTs.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';

const bin = process.argv[2];
const bodies = Number(process.env.BENCH_BODIES || 20);
const bodyMB = Number(process.env.BENCH_BODY_MB || 8);
const data = mkdtempSync(join(tmpdir(), 'msoc-bench-ingest-'));
const cli = (args, input) => execFileSync(bin, args, { input, encoding: 'utf8' }).trim();
const tenant = cli(['tenant', 'add', '--data', data, '--name', 'bench', '--domain', 'bench.example']).split('\t')[0];
cli(['user', 'add', '--data', data, '--name', 'admin', '--password-stdin', '--admin'], 'bench-password\n');
const token = cli(['token', 'create', '--data', data, '--user', 'admin', '--role', 'ingest']);
const srv = spawn(bin, ['serve', '--data', data, '--listen', '127.0.0.1:0', '--max-body', String((bodyMB + 1) << 20)],
                  { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((res) => {
  let out = '';
  srv.stdout.on('data', (d) => { out += d; const m = out.match(/serving on (\S+)/); if (m) res(m[1]); });
});

// One body of ~bodyMB MiB: rows with varied values (hashes, paths, command lines).
let seq = 0;
function body() {
  const rows = [];
  let size = 0;
  while (size < bodyMB * 1048576) {
    const i = seq++;
    const h = (i * 2654435761 >>> 0).toString(16).padStart(8, '0');
    const row = JSON.stringify({
      Timestamp: new Date(Date.UTC(2026, 10, 20, 0, 0, 0) + i * 37).toISOString(), DeviceId: 'dev' + (i % 500),
      DeviceName: `host-${i % 500}.corp.example`, ActionType: 'ProcessCreated', FileName: ['cmd.exe', 'powershell.exe', 'svchost.exe', 'chrome.exe'][i % 4],
      FolderPath: `C:\\Windows\\System32\\${h}`, SHA1: h.repeat(5), SHA256: h.repeat(8), MD5: h.repeat(4), FileSize: 10000 + (i % 99991),
      ProcessCommandLine: `"C:\\Windows\\System32\\cmd.exe" /c echo ${h} && whoami /all ${i}`, ProcessId: 1000 + (i % 60000),
      AccountDomain: 'CORP', AccountName: 'user' + (i % 300), AccountSid: `S-1-5-21-${i % 7777}-${h}`,
      InitiatingProcessFileName: 'explorer.exe', InitiatingProcessCommandLine: 'explorer.exe', InitiatingProcessId: 4000 + (i % 100),
      ReportId: i });
    rows.push(row);
    size += row.length + 1;
  }
  return { text: rows.join('\n') + '\n', rows: rows.length };
}
const prepared = Array.from({ length: 4 }, body); // reused: ingest cost does not depend on uniqueness

async function client(n) {
  let rows = 0, bytes = 0;
  for (let k = 0; k < n; k++) {
    const b = prepared[k % prepared.length];
    const r = await fetch(`${url}/api/tenants/${tenant}/ingest?table=DeviceProcessEvents`,
                          { method: 'POST', headers: { Authorization: 'Bearer ' + token }, body: b.text });
    const j = await r.json();
    if (r.status !== 200 || j.stored !== b.rows) throw new Error(`ingest failed: ${r.status} ${JSON.stringify(j).slice(0, 300)}`);
    rows += j.stored;
    bytes += b.text.length;
  }
  return { rows, bytes };
}
console.log(`bench/api_ingest: ${bodyMB} MiB NDJSON bodies, ${prepared[0].rows} rows each (${Math.round(prepared[0].text.length / prepared[0].rows)} bytes/row), ${cpus().length} cores, load ${execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ')[0]}`);
for (const conc of [1, 4]) {
  const t0 = process.hrtime.bigint();
  const parts = await Promise.all(Array.from({ length: conc }, () => client(bodies)));
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const rows = parts.reduce((a, p) => a + p.rows, 0), bytes = parts.reduce((a, p) => a + p.bytes, 0);
  console.log(`clients ${conc}: ${rows} rows in ${s.toFixed(2)} s = ${Math.round(rows / s)} rows/s, ${(bytes / s / 1048576).toFixed(1)} MiB/s of NDJSON`);
}
srv.kill('SIGTERM');
await new Promise((r) => srv.on('exit', r));
rmSync(data, { recursive: true, force: true });

// Server housekeeping: a running `multisoc serve` seals memtables by age into
// extents (the WAL empties), runs retention (rows past the tenant's retention
// disappear) and compaction (small extents merge), and seals what is left at
// shutdown, with every row still answered by hunting throughout.
import { requireDeps, tempDir, fixture, serve, req, check, done } from './lib.mjs';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

requireDeps();
const data = tempDir();
const { tenants, users } = fixture(data);
const root = users.root.token;
const A = tenants.Alpha;
// A 3 s seal age: long enough that the check right after an ingest still finds the
// rows in the WAL on a loaded machine, short enough to see them sealed soon after.
let srv = await serve(data, ['--seal-age', '3', '--flush-interval', '1', '--maintenance-interval', '2']);
let U = srv.url;

// Every thread of the server but the main one blocks SIGINT and SIGTERM, so only
// the main thread's sigwait takes them and the shutdown path (seal, close) runs;
// a thread started before the mask was set (the query pool once was) would let
// SIGTERM kill the process now and then, without that path. (The main thread
// shows them unblocked while it waits in sigwait.)
{
  const tasks = readdirSync(`/proc/${srv.pid}/task`).filter((t) => t !== String(srv.pid));
  const open = tasks.filter((t) => {
    const m = readFileSync(`/proc/${srv.pid}/task/${t}/status`, 'utf8').match(/^SigBlk:\s*([0-9a-f]+)/m);
    const blk = m ? BigInt('0x' + m[1]) : 0n;
    return (blk & (1n << 1n)) === 0n || (blk & (1n << 14n)) === 0n; /* SIGINT 2, SIGTERM 15 */
  });
  check(tasks.length > 3 && open.length === 0,
        `all ${tasks.length} server threads block SIGINT and SIGTERM (not: ${open.join(' ')})`);
}

const dir = (table, sub) => join(data, 'tenants', A, 'defender', table, sub);
const files = (table, sub, ext) => (existsSync(dir(table, sub)) ? readdirSync(dir(table, sub)).filter((f) => f.endsWith(ext)) : []);
const walBytes = (table) => files(table, 'wal', '.wal').reduce((n, f) => n + statSync(join(dir(table, 'wal'), f)).size, 0);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// generous: housekeeping runs on timers, and CI machines may be loaded
async function until(cond, ms = 60000) {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (await cond()) return true; await sleep(250); }
  return false;
}
const now = new Date().toISOString();
const rows = (table, marker, n, ts = now) => Array.from({ length: n }, (_, i) =>
  JSON.stringify({ Timestamp: ts, DeviceName: 'h' + i, ...(table === 'DeviceNetworkEvents' ? { RemoteUrl: `${marker}-${i}` } :
                                                           { FileName: `${marker}-${i}.exe` }) })).join('\n');
const ingest = async (table, body) => {
  const r = await req(U, 'POST', `/api/tenants/${A}/ingest?table=${table}`, { token: root, raw: body });
  check(r.status === 200, `ingest into ${table}: ${r.text.slice(0, 160)}`);
};
// Kusto v2 over the tenant's database: no default time window (runHuntingQuery's
// is 30 days, which would hide the 2020 rows before retention ever ran).
async function count(table, col, marker) {
  const r = await req(U, 'POST', '/v2/rest/query',
                      { token: root, body: { db: A, csl: `${table} | where ${col} has '${marker}' | count` } });
  if (r.status !== 200) return `HTTP ${r.status}`;
  return r.json.find((f) => f.FrameType === 'DataTable' && f.TableKind === 'PrimaryResult').Rows[0][0];
}

// ---- sealing by age: the rows leave the WAL for an extent, and stay visible
await ingest('DeviceProcessEvents', rows('DeviceProcessEvents', 'mkS', 40));
check(walBytes('DeviceProcessEvents') > 0, 'right after ingest the rows are in the WAL');
check(await until(() => files('DeviceProcessEvents', 'extents', '.ext').length >= 1 && walBytes('DeviceProcessEvents') === 0),
      `the memtable is sealed by age: extents ${files('DeviceProcessEvents', 'extents', '.ext').length}, WAL ${walBytes('DeviceProcessEvents')} bytes`);
check(await count('DeviceProcessEvents', 'FileName', 'mkS') === 40, 'all 40 rows are answered from the extent');

// ---- compaction: three separately sealed batches merge into one extent
for (let b = 0; b < 3; b++) {
  await ingest('DeviceFileEvents', rows('DeviceFileEvents', `mkC${b}`, 10));
  // wait for this batch's own seal (its WAL empties; a merge may already have absorbed
  // the extent, so the extent count is no sign)
  check(await until(() => walBytes('DeviceFileEvents') === 0), `batch ${b} is sealed by age`);
}
check(await until(() => files('DeviceFileEvents', 'extents', '.ext').length === 1 && walBytes('DeviceFileEvents') === 0),
      `compaction leaves one extent (now ${files('DeviceFileEvents', 'extents', '.ext').length})`);
let total = 0;
for (let b = 0; b < 3; b++) total += await count('DeviceFileEvents', 'FileName', `mkC${b}`);
check(total === 30, `no row lost or doubled by compaction (${total})`);

// ---- retention: rows far past the default 180 days go; recent ones stay
await ingest('DeviceNetworkEvents', rows('DeviceNetworkEvents', 'mkOld', 12, '2020-01-01T00:00:00Z'));
check(await count('DeviceNetworkEvents', 'RemoteUrl', 'mkOld') === 12, 'old rows are there right after ingest');
check(await until(async () => await count('DeviceNetworkEvents', 'RemoteUrl', 'mkOld') === 0),
      'retention drops the 2020 rows once sealed');
check(await count('DeviceProcessEvents', 'FileName', 'mkS') === 40, 'recent rows survive retention');
check(/retention dropped \d+ extents \(12 rows\)/.test(srv.stderr()),
      'the server logs what retention dropped');

// ---- shutdown seals what is left: no WAL to replay at the next start
await srv.stop();
srv = await serve(data, ['--seal-age', '3600', '--flush-interval', '0', '--maintenance-interval', '0']);
U = srv.url;
await ingest('DeviceEvents', rows('DeviceEvents', 'mkT', 7));
await sleep(1500);
check(walBytes('DeviceEvents') > 0 && files('DeviceEvents', 'extents', '.ext').length === 0,
      'with housekeeping off and a 1 h seal age the rows stay in the WAL');
const st = await srv.stop();
check(st.code === 0, 'clean exit');
check(walBytes('DeviceEvents') === 0 && files('DeviceEvents', 'extents', '.ext').length === 1, 'SIGTERM sealed the memtable into an extent');
srv = await serve(data);
U = srv.url;
check(await count('DeviceEvents', 'FileName', 'mkT') === 7, 'the sealed rows are answered after the restart');
const st2 = await srv.stop();
check(st2.code === 0, `server exits cleanly (${st2.code}): ${srv.stderr().slice(-300)}`);
done('api.housekeeping');

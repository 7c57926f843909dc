// DuckDB side of bench/ingest: load an NDJSON file into a fresh on-disk database
// with read_json (types auto-detected over the whole file's sample), commit,
// CHECKPOINT (so the data is in the database file, durable), and print
// "duckdb ROWS SECONDS BYTES" where BYTES is the database file plus any WAL.
//   node duckdb_ingest.mjs FILE DBFILE
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';

const [file, dbfile] = process.argv.slice(2);
for (const p of [dbfile, dbfile + '.wal']) if (fs.existsSync(p)) fs.unlinkSync(p);
const t0 = process.hrtime.bigint();
const inst = await DuckDBInstance.create(dbfile, { threads: String(process.env.DUCKDB_THREADS || 2) });
const con = await inst.connect();
await con.run(`CREATE TABLE DeviceProcessEvents AS SELECT * FROM read_json('${file.replace(/'/g, "''")}',
               format = 'newline_delimited', sample_size = 20000)`);
await con.run('CHECKPOINT');
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
const r = await con.runAndReadAll('SELECT count(*) FROM DeviceProcessEvents');
const rows = Number(r.getRows()[0][0]);
con.closeSync?.();
inst.closeSync?.();
let bytes = fs.statSync(dbfile).size;
if (fs.existsSync(dbfile + '.wal')) bytes += fs.statSync(dbfile + '.wal').size;
console.log(`duckdb ${rows} ${secs.toFixed(3)} ${bytes}`);

// DuckDB side of bench/hunt: loads the generator's CSV into an in-memory DuckDB
// (2 threads) and times Q1-Q6 (warm: one untimed run, then the median of 5).
// Prints one line per query: "Qn <seconds> <rows>".
import { DuckDBInstance } from '@duckdb/node-api';

const [csv, iocsFile, nowTicks] = process.argv.slice(2);
const inst = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await inst.connect();
await con.run(`CREATE TABLE DeviceProcessEvents AS SELECT * FROM read_csv('${csv}', header=true,
  columns={'TenantId':'VARCHAR','Timestamp':'TIMESTAMP','DeviceId':'VARCHAR','DeviceName':'VARCHAR',
  'ActionType':'VARCHAR','FileName':'VARCHAR','FolderPath':'VARCHAR','SHA256':'VARCHAR',
  'ProcessCommandLine':'VARCHAR','AccountName':'VARCHAR','InitiatingProcessFileName':'VARCHAR',
  'ProcessId':'BIGINT'})`);
await con.run(`CREATE TABLE iocs AS SELECT * FROM read_csv('${iocsFile}', header=true, columns={'SHA256':'VARCHAR'})`);
const nowSec = Number(BigInt(nowTicks) / 10000000n);
const queries = {
  Q1: `SELECT TenantId, count(*) FROM DeviceProcessEvents WHERE ProcessCommandLine ILIKE '%mimikatz%' GROUP BY TenantId`,
  Q2: `SELECT Timestamp, DeviceName, AccountName, FileName, ProcessCommandLine, TenantId FROM DeviceProcessEvents
       WHERE Timestamp > to_timestamp(${nowSec}) - INTERVAL 7 DAY AND FileName = 'powershell.exe'
         AND regexp_matches(ProcessCommandLine, '(?i)-enc($|[^a-z0-9_])') LIMIT 100`,
  Q3: `SELECT TenantId, time_bucket(INTERVAL 1 HOUR, Timestamp) AS b, count(*) FROM DeviceProcessEvents GROUP BY TenantId, b`,
  Q4: `SELECT FileName, count(DISTINCT DeviceId) AS d FROM DeviceProcessEvents GROUP BY FileName ORDER BY d DESC LIMIT 10`,
  Q5: `SELECT e.TenantId, count(*) FROM DeviceProcessEvents e JOIN (SELECT DISTINCT SHA256 FROM iocs) i ON e.SHA256 = i.SHA256 GROUP BY e.TenantId`,
  Q6: `WITH rare AS (SELECT FileName FROM DeviceProcessEvents GROUP BY FileName HAVING count(*) < 5)
       SELECT e.TenantId, e.DeviceName, e.FileName, e.ProcessCommandLine FROM DeviceProcessEvents e JOIN rare r ON e.FileName = r.FileName`,
};
for (const [name, sql] of Object.entries(queries)) {
  let rows = 0;
  const r0 = await con.runAndReadAll(sql);
  rows = r0.getRows().length;
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    const r = await con.runAndReadAll(sql);
    r.getRows();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  times.sort((a, b) => a - b);
  console.log(`${name} ${times[2].toFixed(4)} ${rows}`);
}

/**
 * Roster import throughput (issue #9): rows per second for a recruiting office's list of N
 * conscripts (default 10,000), uploaded as CSV, checked (preview), then committed (persons
 * registered, cases and their START entries written) in one transaction by the background job;
 * then the same file again (every row found as already imported). In-process, on its own
 * database: embedded PGlite in memory, or a fresh database on DATABASE_URL's server.
 *
 *   node --import tsx bench/roster.ts [rows]
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { login, testConfig } from '../test/helpers/build.ts';
import { conscriptRows, csvBytes, multipart, ROSTER_DEFAULTS, ROSTER_HEADERS, ROSTER_MAPPING } from '../test/helpers/rosters.ts';

export interface RosterResult {
  rows: number;
  database: 'embedded' | 'postgresql';
  previewMs: number;
  commitMs: number;
  /** Upload + check + commit, rows per second end to end. */
  rowsPerSecond: number;
  previewRowsPerSecond: number;
  commitRowsPerSecond: number;
  /** The same file again: checked and committed, nothing created. */
  reimportMs: number;
  created: number;
}

async function freshDatabase(base: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `bench_roster_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** `dataKey`: the key this process already serves (the seeder's), since one process serves one key. */
export async function benchRosterImport(
  rows = 10_000, databaseUrl = process.env.DATABASE_URL, dataKey?: string,
): Promise<RosterResult> {
  const fresh = databaseUrl ? await freshDatabase(databaseUrl) : undefined;
  const app = await buildApp(
    testConfig({ databaseUrl: fresh?.url, ...(dataKey ? { dataKey } : {}) }),
    { logger: false },
  );
  try {
    await app.ready();
    const clerk = await login(app, 'district-clerk');
    const file = csvBytes(ROSTER_HEADERS, conscriptRows({ rows, villages: ['桥头村', '河西社区', '山下村'] }));
    const body = multipart({ workflowId: 'conscript-family-allowance', period: '2026-H2', mapping: JSON.stringify(ROSTER_MAPPING), defaults: JSON.stringify(ROSTER_DEFAULTS) }, { name: 'roster.csv', bytes: file });
    const importOnce = async () => {
      const t0 = performance.now();
      const res = await app.inject({ method: 'POST', url: '/api/v1/rosters', headers: { ...clerk, ...body.headers }, payload: body.payload });
      if (res.statusCode !== 201) throw new Error(`upload: ${res.statusCode} ${res.body.slice(0, 300)}`);
      const t1 = performance.now();
      const commit = await app.inject({ method: 'POST', url: `/api/v1/rosters/${res.json().id}/commit`, headers: clerk });
      let created: number;
      if (commit.statusCode === 202) {
        await app.jobs.drain();
        const job = (await app.inject({ url: `/api/v1/jobs/${commit.json().jobId}`, headers: clerk })).json();
        if (job.status !== 'succeeded') throw new Error(`commit job: ${job.status} ${job.error}`);
        created = job.result.created;
      } else if (commit.statusCode === 201) created = commit.json().created;
      else throw new Error(`commit: ${commit.statusCode} ${commit.body.slice(0, 300)}`);
      return { previewMs: t1 - t0, commitMs: performance.now() - t1, created };
    };
    const first = await importOnce();
    const again = await importOnce();
    if (first.created !== rows || again.created !== 0) throw new Error(`expected ${rows} then 0 cases, got ${first.created} then ${again.created}`);
    const r = (n: number) => Math.round(n);
    return {
      rows, database: databaseUrl ? 'postgresql' : 'embedded', previewMs: r(first.previewMs), commitMs: r(first.commitMs),
      rowsPerSecond: r(rows / ((first.previewMs + first.commitMs) / 1000)),
      previewRowsPerSecond: r(rows / (first.previewMs / 1000)), commitRowsPerSecond: r(rows / (first.commitMs / 1000)),
      reimportMs: r(again.previewMs + again.commitMs), created: first.created,
    };
  } finally {
    await app.close();
    await fresh?.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = Number(process.argv[2] ?? 10_000);
  const result = await benchRosterImport(rows);
  console.log(JSON.stringify(result, null, 2));
  console.log(`roster import: ${result.rows} rows in ${((result.previewMs + result.commitMs) / 1000).toFixed(1)} s = ${result.rowsPerSecond} rows/s (check ${result.previewRowsPerSecond}/s, commit ${result.commitRowsPerSecond}/s); the same file again ${(result.reimportMs / 1000).toFixed(1)} s, nothing created`);
}

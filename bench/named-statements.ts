/**
 * What naming statements saves (src/db/named-statements.ts): the session lookup, run N times on one
 * connection unnamed and then named, in the same run, with the client's wall time and the server
 * backend's CPU (from /proc, so run it on the database's machine). Not a test: nothing fails.
 *
 *   DATABASE_URL=postgres://… node --import tsx bench/named-statements.ts [lookups=2000]
 */
import { readFileSync } from 'node:fs';
import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { insertSession, newToken, tokenHash } from '../src/auth/session.repository.ts';
import type { Database } from '../src/db/database.ts';
import { namingPool } from '../src/db/named-statements.ts';
import { findUserBySession } from '../src/users/user.repository.ts';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL: a PostgreSQL database the service may migrate and seed');
const lookups = Number(process.argv[2] ?? 2000);

const app = await buildApp({
  port: 0, host: '127.0.0.1', dataDir: 'memory://', logLevel: 'silent', sessionSecret: 'bench-session-secret-0123456789abcdef',
  sessionTtlMinutes: 60, sessionMaxHours: 12, dbPoolSize: 2, demo: true, sweepIntervalSeconds: 0,
  escalationGraceWorkingDays: 2, exportMaxRows: 20_000, databaseUrl: url,
  dataKey: '7465737420646174612d6b65792030313233343536373839616263646566ff00',
}, { logger: false });
const hash = tokenHash('bench', newToken());
await insertSession(app.db, { hash, userId: 'u-district-clerk', kind: 'cookie', now: new Date(), expiresAt: new Date(Date.now() + 3_600_000) });

/** utime + stime of a backend, in ms (clock ticks of 10 ms). */
function backendCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function measure(label: string, wrap: (pool: pg.Pool) => PostgresPool | pg.Pool) {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: wrap(pool) }) });
  const pid = (await pool.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
  for (let i = 0; i < 50; i++) await findUserBySession(db, hash, new Date());
  const cpu0 = backendCpuMs(pid);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < lookups; i++) await findUserBySession(db, hash, new Date());
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const serverMs = backendCpuMs(pid) - cpu0;
  await db.destroy();
  console.log(`${label.padEnd(8)} ${lookups} lookups: ${(wallMs * 1000 / lookups).toFixed(0)} µs each (wall), server CPU ${(serverMs * 1000 / lookups).toFixed(0)} µs each`);
  return { wallMs, serverMs };
}

const rounds: { unnamed: { wallMs: number; serverMs: number }; named: { wallMs: number; serverMs: number } }[] = [];
for (let r = 0; r < 2; r++) rounds.push({ unnamed: await measure('unnamed', (p) => p), named: await measure('named', (p) => namingPool(p)) });
const sum = (k: 'unnamed' | 'named', f: 'wallMs' | 'serverMs') => rounds.reduce((s, x) => s + x[k][f], 0);
console.log(`named/unnamed: wall ${(sum('named', 'wallMs') / sum('unnamed', 'wallMs')).toFixed(2)}, server CPU ${(sum('named', 'serverMs') / sum('unnamed', 'serverMs')).toFixed(2)}`);
await app.close();

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import type { Test } from 'tap';
import { buildApp } from '../../src/app.ts';
import type { Clock } from '../../src/clock.ts';
import type { Config } from '../../src/config.ts';

export const SECRET = 'test-session-secret-0123456789abcdef';
/** The tests' key of personal data at rest (DATA_KEY), so a spawned service or tool reads what a test wrote. */
export const DATA_KEY = '7465737420646174612d6b65792030313233343536373839616263646566ff00';

/**
 * A database of this test file's own: a fresh PostgreSQL database when DATABASE_URL is set, else
 * embedded in memory.
 */
export async function freshDatabase(t: Test): Promise<string | undefined> {
  const base = process.env.DATABASE_URL;
  if (!base) return undefined;
  const name = `vt_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  t.teardown(async () => {
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    // The runtime role the service made for it (src/db/runtime-role.ts); roles are the cluster's.
    await c.query(`drop role if exists ${name}_runtime`).catch(() => {});
    await c.end();
  });
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 0, host: '127.0.0.1', dataDir: 'memory://', logLevel: 'silent', sessionSecret: SECRET, dataKey: DATA_KEY,
    sessionTtlMinutes: 60, sessionMaxHours: 12, dbPoolSize: 4, demo: true, sweepIntervalSeconds: 0,
    escalationGraceWorkingDays: 2, exportMaxRows: 20_000, ...overrides,
  };
}

/** Starts the real service on a database of its own, seeded with the demo district; closed at teardown. */
export async function build(t: Test, opts: { clock?: Clock; config?: Partial<Config> } = {}): Promise<FastifyInstance> {
  const databaseUrl = await freshDatabase(t);
  const app = await buildApp(testConfig({ databaseUrl, ...opts.config }), {
    clock: opts.clock, logger: process.env.TEST_LOG ? { level: process.env.TEST_LOG } : false,
  });
  await app.ready();
  t.teardown(() => app.close());
  return app;
}

/** The Origin of app.inject's requests (Host localhost:80): what a browser on the service's own pages sends. */
export const OWN_ORIGIN = 'http://localhost';

/** Logs in a demo user and returns the headers that carry the session, as the service's own pages send them. */
export async function login(app: FastifyInstance, username: string, lang: 'zh' | 'en' = 'zh'): Promise<Record<string, string>> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password: 'demo1234' } });
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'sid')!;
  return { cookie: `sid=${cookie.value}`, origin: OWN_ORIGIN, 'accept-language': lang === 'en' ? 'en' : 'zh-CN' };
}

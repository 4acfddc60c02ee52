import t from 'tap';
import type { Test } from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { startEmbeddedDatabase } from '../src/db/embedded.ts';
import type { WorkflowDefinition } from '../src/definitions/definition.types.ts';
import { insertVersionIfMissing } from '../src/definitions/workflow.repository.ts';
import { countingProxy, newCounters, throughProxy } from '../bench/counting-proxy.ts';
import { listen } from './helpers/browser.ts';
import { freshDatabase, testConfig } from './helpers/build.ts';

t.setTimeout(600_000);

/** What one view of a page cost the database, counted at the wire. */
interface Cost { statements: number; kbFromDb: number }

/** A database of its own (PostgreSQL with DATABASE_URL, else a fresh embedded one) behind a counting proxy. */
async function proxiedDatabase(
  t: Test, c: ReturnType<typeof newCounters>,
): Promise<{ url: string; embedded: boolean }> {
  let url = await freshDatabase(t);
  const embedded = url === undefined;
  if (!url) {
    const db = await startEmbeddedDatabase('memory://', 3);
    t.teardown(() => db.close());
    url = db.connectionString;
  }
  const u = new URL(url);
  const proxy = await countingProxy({ host: u.hostname, port: Number(u.port || 5432) }, c);
  t.teardown(() => new Promise<void>((resolve) => proxy.close(() => resolve())));
  return { url: throughProxy(url, proxy), embedded };
}

t.test('the home page, /supervision, the case list and a case page read little from the database, however many items are in force', async (t) => {
  const c = newCounters();
  const db = await proxiedDatabase(t, c);
  // The embedded database takes one connection (src/db/db.plugin.ts); reached by URL it must be told.
  const config = testConfig({ databaseUrl: db.url, dbPoolSize: db.embedded ? 1 : 4 });
  const app: FastifyInstance = await buildApp(config, { logger: false });
  t.teardown(() => app.close());
  const base = await listen(app);

  const login = async (username: string) => {
    const r = await fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'demo1234' }) });
    t.equal(r.status, 200, `${username} logs in`);
    return /sid=[^;]+/.exec(r.headers.get('set-cookie') ?? '')![0];
  };
  const users = { townClerk: await login('town-clerk'), districtClerk: await login('district-clerk'), supervisor: await login('supervisor') };
  const api = async (cookie: string, method: string, path: string, body?: unknown) => {
    const r = await fetch(`${base}${path}`, { method, headers: { cookie, origin: base, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return r.json() as Promise<{ id: string }>;
  };
  // A few open cases of several items, so the queues, lists and reports have rows.
  const opened = [];
  for (const [workflowId, personId] of [['discharge-reporting', 'p-zhang-wei'], ['veteran-profile', 'p-li-jun'], ['military-family-registration', 'p-zhao-lei']] as const) {
    opened.push(await api(users.districtClerk, 'POST', '/api/v1/cases', { workflowId, personId }));
  }
  t.ok(opened.every((o) => o.id), 'cases opened');

  const views: [string, keyof typeof users, string][] = [
    ['/ (town clerk)', 'townClerk', '/'],
    ['/ (district clerk)', 'districtClerk', '/'],
    ['/supervision', 'supervisor', '/supervision'],
    ['/cases', 'districtClerk', '/cases'],
    ['/cases/:id', 'districtClerk', `/cases/${opened[0]!.id}`],
  ];
  const measure = async (): Promise<Map<string, Cost>> => {
    const costs = new Map<string, Cost>();
    for (const [name, who, path] of views) {
      const get = () => fetch(`${base}${path}`, { headers: { cookie: users[who] } });
      const first = await get();
      t.equal(first.status, 200, `${name} answers`);
      await first.arrayBuffer();
      const s0 = c.statements; const i0 = c.bytesIn;
      c.texts.clear();
      await (await get()).arrayBuffer();
      costs.set(name, { statements: c.statements - s0, kbFromDb: Math.round((c.bytesIn - i0) / 102.4) / 10 });
      t.comment(`${name}: ${c.statements - s0} statements, ${Math.round((c.bytesIn - i0) / 102.4) / 10} KB from the database`);
      for (const [sql, n] of c.texts) t.comment(`  ${n}× ${sql}`);
    }
    return costs;
  };
  const before = await measure();
  for (const name of ['/ (town clerk)', '/ (district clerk)', '/supervision']) {
    t.ok(before.get(name)!.kbFromDb < 50, `${name} reads under 50 KB from the database (${before.get(name)!.kbFromDb} KB)`);
  }

  // As many items again in force: every definition under a second id.
  const folder = new URL('../workflows/', import.meta.url);
  for (const name of readdirSync(folder).filter((n) => n.endsWith('.json'))) {
    const def = JSON.parse(readFileSync(new URL(name, folder), 'utf8')) as WorkflowDefinition;
    await insertVersionIfMissing(app.db, { ...def, id: `${def.id}-copy` }, 'test copy', 'system', app.clock.now());
  }
  const after = await measure();
  for (const [name, cost] of after) {
    t.equal(cost.statements, before.get(name)!.statements, `${name}: as many statements with twice the items in force`);
    t.ok(cost.kbFromDb <= before.get(name)!.kbFromDb + 1, `${name}: no more read with twice the items in force (${before.get(name)!.kbFromDb} → ${cost.kbFromDb} KB)`);
  }
});

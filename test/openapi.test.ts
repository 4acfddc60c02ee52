import t from 'tap';
import { buildApp } from '../src/app.ts';
import { freshDatabase, login, testConfig } from './helpers/build.ts';
import { openCase } from './helpers/fixtures.ts';
import { watchResponses, type Untruth } from './helpers/response-truth.ts';

interface Operation {
  summary?: string; tags?: string[]; security?: unknown[];
  responses?: Record<string, { content?: Record<string, { schema?: object }> }>;
}

t.test('the OpenAPI document: every operation typed, summarised, tagged and secured; real answers match it', async (t) => {
  const app = await buildApp(testConfig({ databaseUrl: await freshDatabase(t) }), { logger: false });
  const untruths: Untruth[] = [];
  const checked = watchResponses(app, (u) => untruths.push(u));
  await app.ready();
  t.teardown(() => app.close());

  const doc = (await app.inject({ url: '/docs/json' })).json() as { paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown> } };
  const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })));
  t.ok(operations.length > 60, `${operations.length} operations`);
  t.notOk(operations.some(({ name }) => / \/(login|cases\/\{id\}\/act|admin|assets)/.test(name)), 'the pages are not in the contract');
  for (const { name, op } of operations) {
    const ok = Object.entries(op.responses ?? {}).filter(([status]) => /^2/.test(status));
    t.ok(ok.length && ok.every(([status, r]) => status === '204' || Object.values(r.content ?? {}).some((c) => c.schema)), `${name}: a 2xx response with its schema`);
    t.ok(op.responses?.['4XX']?.content?.['application/json']?.schema, `${name}: the error shape`);
    t.ok(op.summary && op.tags?.length, `${name}: summary and tag`);
    t.ok(Array.isArray(op.security) && op.security.every((s) => Object.keys(s as object).every((k) => k in doc.components.securitySchemes)), `${name}: the security it needs`);
  }

  // Real answers: the case view, the person file, a notice list, lists and errors, as the serializer sent them.
  const clerk = await login(app, 'district-clerk');
  const opened = await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei');
  t.equal(opened.statusCode, 201);
  const id = opened.json().id;
  const answers = await Promise.all([
    `/api/v1/cases/${id}`, `/api/v1/cases/${id}/notices`, '/api/v1/persons/p-zhang-wei', '/api/v1/cases?limit=5', '/api/v1/session',
    '/api/v1/persons/p-zhang-wei/chain', '/api/v1/workflows', '/api/v1/chain', '/api/v1/person-transfers', '/api/v1/me/urges', '/api/v1/cases/no-such-case',
  ].map((url) => app.inject({ url, headers: clerk })));
  t.same(answers.map((r) => r.statusCode), [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 404]);
  const stale = await app.inject({ method: 'POST', url: `/api/v1/cases/${id}/events`, headers: clerk, payload: { type: 'SUBMIT', data: {}, expectedVersion: 9 } });
  t.equal(stale.statusCode, 409, 'an error with its extras');
  t.equal(stale.json().code, 'STALE_VERSION');
  t.ok(checked() >= 14, `${checked()} answers checked`);
  t.same(untruths, [], 'every answer is what the handler made and matches its declared schema');
});

/*
 * Run as its own process by test/policy-limits.test.ts: what the shared validators keep after
 * many lints, simulations and impact reports of candidate definitions. A process of its own,
 * without the test runner's coverage, which keeps every compiled function alive.
 * Prints one JSON line: {lintKeptMB, draftKeptMB, sharedSchemasAdded}.
 */
import { readFileSync } from 'node:fs';
import { buildApp } from '../../src/app.ts';
import { ajv } from '../../src/definitions/ajv.ts';
import { login, testConfig } from './build.ts';
import { heapKeptMB } from './memory.ts';

const base = JSON.parse(readFileSync(new URL('../../workflows/discharge-reporting.json', import.meta.url), 'utf8'));

/** The item's definition with `count` more forms, named and titled so that no two candidates share one. */
function withForms(n: number, count: number) {
  const forms = { ...base.forms };
  for (let i = 0; i < count; i++) {
    forms[`extra${n}x${i}`] = {
      type: 'object', title: `附加表${n}-${i}`, required: [`field${i}`],
      properties: { [`field${i}`]: { type: 'string', title: `字段${i}`, minLength: 1, maxLength: 50 + i }, [`count${i}`]: { type: 'integer', minimum: 0, maximum: n + i } },
    };
  }
  return { ...base, forms };
}

async function main(): Promise<void> {
  const app = await buildApp(testConfig());
  await app.ready();
  const policy = await login(app, 'policy');
  const clerk = await login(app, 'district-clerk');
  const url = '/api/v1/workflows/discharge-reporting';
  const ok = async (res: Promise<{ statusCode: number; body: string }>) => {
    const r = await res;
    if (r.statusCode >= 300) throw new Error(`${r.statusCode} ${r.body.slice(0, 300)}`);
    return r;
  };
  await ok(app.inject({ method: 'POST', url: `${url}/lint`, headers: policy, payload: { definition: withForms(0, 150) } }));
  // ajv's own cache of compiled schemas: what the shared instance holds, counted directly.
  const sharedSchemas = () => (ajv as unknown as { _cache: Map<unknown, unknown> })._cache.size;
  const schemasBefore = sharedSchemas();
  let before = heapKeptMB();
  for (let n = 1; n <= Number(process.env.LINTS ?? 200); n++) await ok(app.inject({ method: 'POST', url: `${url}/lint`, headers: policy, payload: { definition: withForms(n, 150) } }));
  const lintKeptMB = heapKeptMB() - before;

  const draft = await ok(app.inject({ method: 'POST', url: `${url}/versions`, headers: policy, payload: { definition: withForms(0, 150), note: '多表草稿' } }));
  const { version } = JSON.parse(draft.body);
  before = heapKeptMB();
  for (let i = 0; i < 40; i++) {
    await ok(app.inject({ method: 'POST', url: `${url}/versions/${version}/simulate`, headers: clerk, payload: { events: [] } }));
    await ok(app.inject({ url: `${url}/versions/${version}/impact`, headers: policy }));
  }
  const draftKeptMB = heapKeptMB() - before;
  const sharedSchemasAdded = sharedSchemas() - schemasBefore;
  await app.close();
  process.stdout.write(`${JSON.stringify({ lintKeptMB, draftKeptMB, sharedSchemasAdded })}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();

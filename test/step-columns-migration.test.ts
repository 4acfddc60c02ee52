import t from 'tap';
import { sql, type Kysely } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { verifyHistories } from '../src/cli/verify-history.ts';
import { down, up } from '../migrations/20261204T0019_step_on_case_row.ts';
import { freshDatabase, login, testConfig } from './helpers/build.ts';
import { dischargeIntake, openCase } from './helpers/fixtures.ts';
import { formSample, loadSamples, PathRunner } from './helpers/paths.ts';

t.setTimeout(900_000);

/*
 * Migration 0019 fills what the step keeps on the case row from each existing history, in SQL
 * (docs/adr/0027-compact-step.md): dropped and filled again, the columns are what the service wrote
 * as it went, for every kind of history: a plain step, one taken back, one acted on by another since,
 * a claim, a step sent by a batch, a step that issued notices.
 */

const COLUMNS = ['id', 'last_step_seq', 'last_step_type', 'last_step_actor_id', 'last_step_by_batch', 'last_step_noticed', 'others_since_step', 'claimed_at'] as const;

async function stepColumns(db: Kysely<any>) {
  return db.selectFrom('cases').select([...COLUMNS]).orderBy('id').execute();
}

t.test('migration 0019 fills the step columns of existing cases as the service keeps them', async (t) => {
  const databaseUrl = await freshDatabase(t);
  const app: FastifyInstance = await buildApp(testConfig({ databaseUrl }), { logger: false });
  await app.ready();
  t.teardown(() => app.close());

  const [village, district, li] = await Promise.all(['village-clerk', 'district-clerk', 'town-clerk'].map((u) => login(app, u)));
  const glory = loadSamples('glory-plaque');
  const form = formSample(glory, 'householdCheck');
  const runner = new PathRunner(app);
  type Headers = Record<string, string>;
  const send = (h: Headers, id: string, type: string, data: unknown, version: number, key?: string) => app.inject({
    method: 'POST', url: `/api/v1/cases/${id}/events`, headers: { ...h, ...(key ? { 'idempotency-key': key } : {}) }, payload: { type, data, expectedVersion: version },
  });
  const gloryCase = async () => (await app.inject({ method: 'POST', url: '/api/v1/cases', headers: village, payload: { workflowId: 'glory-plaque', personId: await runner.newPerson(glory) } })).json().id as string;

  const plain = await gloryCase();
  t.equal((await send(village, plain, 'SUBMIT', form, 1)).statusCode, 200);
  const commented = await gloryCase();
  t.equal((await send(village, commented, 'SUBMIT', form, 1)).statusCode, 200);
  t.equal((await send(district, commented, 'COMMENT', { text: '请补充' }, 2)).statusCode, 200);
  const recalled = await gloryCase();
  t.equal((await send(village, recalled, 'SUBMIT', form, 1)).statusCode, 200);
  t.equal((await send(village, recalled, 'RECALL', {}, 2)).statusCode, 200);
  t.equal((await send(village, recalled, 'SUBMIT', form, 3)).statusCode, 200);
  const back = await gloryCase();
  t.equal((await send(village, back, 'SUBMIT', form, 1)).statusCode, 200);
  t.equal((await send(village, back, 'RECALL', {}, 2)).statusCode, 200);
  const batch = await gloryCase();
  t.equal((await send(village, batch, 'SUBMIT', form, 1, 'batch:b-1')).statusCode, 200);
  const claimed = (await app.inject({ method: 'POST', url: '/api/v1/cases', headers: li, payload: { workflowId: 'employment-entrepreneurship', personId: 'p-zhang-wei' } })).json().id;
  t.equal((await send(li, claimed, 'CLAIM', {}, 1)).statusCode, 200);
  const noticed = (await openCase(app, district, 'discharge-reporting', 'p-zhang-wei')).json().id;
  t.equal((await send(district, noticed, 'SUBMIT', dischargeIntake, 1)).statusCode, 200);

  const kept = await stepColumns(app.db as Kysely<any>);
  const row = (id: string) => kept.find((r) => r.id === id)!;
  t.match(row(plain), { last_step_seq: 2, last_step_type: 'SUBMIT', last_step_actor_id: 'u-village-clerk', others_since_step: false });
  t.match(row(commented), { last_step_seq: 2, others_since_step: true });
  t.match(row(recalled), { last_step_seq: 4, last_step_type: 'SUBMIT' });
  t.match(row(back), { last_step_seq: null, last_step_type: null, others_since_step: false }, 'back at the START');
  t.match(row(batch), { last_step_seq: 2, last_step_by_batch: true });
  t.match(row(claimed), { last_step_seq: null, claimed_at: Date });
  t.match(row(noticed), { last_step_seq: 2, last_step_noticed: true });
  t.same((await app.inject({ url: `/api/v1/cases/${batch}`, headers: village })).json().recall, null, 'a batch\'s step is not offered back');

  // As the tables' owner (the service's connections take the runtime role, src/db/runtime-role.ts), in one transaction.
  await app.db.transaction().execute(async (trx) => {
    await sql`set local role none`.execute(trx);
    await down(trx as Kysely<any>);
    await up(trx as Kysely<any>);
  });
  t.same(await stepColumns(app.db as Kysely<any>), kept, 'filled from the histories, the columns are what the service kept');
  t.same((await verifyHistories(app.db, app.registry)).mismatches, [], 'and agree with the histories');
});

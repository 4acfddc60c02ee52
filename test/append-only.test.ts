import t from 'tap';
import { sql } from 'kysely';
import { build, login } from './helpers/build.ts';
import { dischargeIntake, openCase, send } from './helpers/fixtures.ts';

// History is append-only: the database itself refuses to rewrite or remove it, whoever asks
// (the service's own connection included), so no code path can lose an event.
t.test('the database refuses UPDATE, DELETE and TRUNCATE on case_events', async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'district-clerk');
  const c = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json();
  t.equal((await send(app, clerk, c.id, 'SUBMIT', dischargeIntake, 1)).statusCode, 200);
  const before = await app.db.selectFrom('case_events').selectAll().orderBy('case_id').orderBy('seq').execute();
  t.ok(before.length >= 2);

  const refused = async (what: string, q: ReturnType<typeof sql>) => {
    const err = await q.execute(app.db).then(() => undefined, (e: { code?: string; message: string }) => e);
    t.ok(err, `${what} is refused`);
    t.equal(err?.code, '42501', `${what}: SQLSTATE 42501 (insufficient privilege)`);
    t.match(err?.message, /case_events is append-only/);
  };
  await refused('UPDATE of a payload', sql`update case_events set payload = '{}'::jsonb where case_id = ${c.id} and seq = 2`);
  await refused('UPDATE of a sequence number', sql`update case_events set seq = seq + 100 where case_id = ${c.id}`);
  await refused('DELETE of one entry', sql`delete from case_events where case_id = ${c.id} and seq = 2`);
  await refused('DELETE of everything', sql`delete from case_events`);
  await refused('TRUNCATE', sql`truncate case_events`);
  // Inside a transaction too: the refusal aborts it, and nothing of it stays.
  const inTrx = await app.db.transaction().execute(async (trx) => {
    await sql`insert into case_events (case_id, seq, kind, type, payload, at) values (${c.id}, 3, 'admin', 'COMMENT', '{}'::jsonb, now())`.execute(trx);
    await sql`delete from case_events where case_id = ${c.id} and seq = 1`.execute(trx);
  }).then(() => 'committed', () => 'rolled back');
  t.equal(inTrx, 'rolled back');

  const after = await app.db.selectFrom('case_events').selectAll().orderBy('case_id').orderBy('seq').execute();
  t.same(after, before, 'the history is exactly as it was');
  const now = (await app.inject({ url: `/api/v1/cases/${c.id}`, headers: clerk })).json();
  t.equal(now.version, 2, 'and the case still works');
  t.equal((await send(app, clerk, c.id, 'COMMENT', { text: '追加一条' }, 2)).statusCode, 200, 'appending still works');
});

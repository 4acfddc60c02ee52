import t from 'tap';
import { sql } from 'kysely';
import { build, login } from './helpers/build.ts';
import { dischargeIntake, openCase, send } from './helpers/fixtures.ts';
import { ownedDatabase } from './helpers/owner.ts';

type Refusal = { code?: string; message: string } | undefined;

// History is append-only, whoever asks. The service's own connection is the runtime role, which
// owns nothing (src/db/runtime-role.ts): it may read and append the history, nothing more, and
// cannot switch the triggers off. The owner is refused by the triggers.
t.test('the service\'s own role cannot rewrite, remove or unprotect the history', async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'district-clerk');
  const c = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json();
  t.equal((await send(app, clerk, c.id, 'SUBMIT', dischargeIntake, 1)).statusCode, 200);
  const before = await app.db.selectFrom('case_events').selectAll().orderBy('case_id').orderBy('seq').execute();
  t.ok(before.length >= 2);
  const who = (await sql<{ role: string }>`select current_user as role`.execute(app.db)).rows[0]!.role;
  t.match(who, /_runtime$/, `the service serves as ${who}`);

  const refused = async (what: string, q: ReturnType<typeof sql>, message: RegExp) => {
    const err: Refusal = await q.execute(app.db).then(() => undefined, (e: { code?: string; message: string }) => e);
    t.ok(err, `${what} is refused`);
    t.equal(err?.code, '42501', `${what}: SQLSTATE 42501 (insufficient privilege)`);
    t.match(err?.message, message, `${what}: ${err?.message}`);
  };
  await refused('ALTER TABLE … DISABLE TRIGGER ALL', sql`alter table case_events disable trigger all`, /must be owner/);
  await refused('SET session_replication_role = replica', sql`set session_replication_role = replica`, /permission denied to set parameter/);
  await refused('UPDATE of a payload', sql`update case_events set payload = '{}'::jsonb where case_id = ${c.id} and seq = 2`, /permission denied for table case_events/);
  await refused('UPDATE of a sequence number', sql`update case_events set seq = seq + 100 where case_id = ${c.id}`, /permission denied/);
  await refused('DELETE of one entry', sql`delete from case_events where case_id = ${c.id} and seq = 2`, /permission denied/);
  await refused('TRUNCATE', sql`truncate case_events`, /permission denied/);
  await refused('DROP TABLE', sql`drop table case_events`, /must be owner/);
  await refused('DROP TRIGGER', sql`drop trigger case_events_no_update on case_events`, /must be owner/);
  await refused('CREATE OR REPLACE the trigger function', sql`create or replace function case_events_append_only() returns trigger language plpgsql as $$ begin return new; end $$`, /permission denied for schema public|must be owner/);
  await refused('DELETE of a notice', sql`delete from notices`, /permission denied/);
  await refused('ALTER TABLE notices', sql`alter table notices disable trigger all`, /must be owner/);
  // Inside a transaction too: the refusal aborts it, and nothing of it stays.
  const inTrx = await app.db.transaction().execute(async (trx) => {
    await sql`insert into case_events (case_id, seq, kind, type, payload, at, hash) values (${c.id}, 3, 'admin', 'COMMENT', '{}'::jsonb, now(), 'x')`.execute(trx);
    await sql`delete from case_events where case_id = ${c.id} and seq = 1`.execute(trx);
  }).then(() => 'committed', () => 'rolled back');
  t.equal(inTrx, 'rolled back');

  const after = await app.db.selectFrom('case_events').selectAll().orderBy('case_id').orderBy('seq').execute();
  t.same(after, before, 'the history is exactly as it was');
  const now = (await app.inject({ url: `/api/v1/cases/${c.id}`, headers: clerk })).json();
  t.equal(now.version, 2, 'and the case still works');
  t.equal((await send(app, clerk, c.id, 'COMMENT', { text: '追加一条' }, 2)).statusCode, 200, 'appending still works');
});

t.test('the owner is refused UPDATE, DELETE and TRUNCATE by the triggers', async (t) => {
  const db = await ownedDatabase(t, async (app) => {
    const clerk = await login(app, 'district-clerk');
    const c = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json();
    t.equal((await send(app, clerk, c.id, 'SUBMIT', dischargeIntake, 1)).statusCode, 200);
  });
  await db.asOwner(async (q) => {
    t.notMatch((await q('select current_user as role'))[0]!.role, /_runtime$/, 'connected as the owner');
    const before = await q('select * from case_events order by case_id, seq');
    for (const [what, text] of [
      ['UPDATE', `update case_events set payload = '{}'::jsonb`],
      ['DELETE', 'delete from case_events'],
      ['TRUNCATE', 'truncate case_events cascade'],
    ] as const) {
      const err: Refusal = await q(text).then(() => undefined, (e: { code?: string; message: string }) => e);
      t.equal(err?.code, '42501', `${what}: SQLSTATE 42501`);
      t.match(err?.message, /case_events is append-only/, `${what}: refused by the trigger`);
    }
    t.same(await q('select * from case_events order by case_id, seq'), before, 'the history is exactly as it was');
  });
});

import t from 'tap';
import type { Kysely } from 'kysely';
import { appendEvent, listEvents } from '../src/cases/case-event.repository.ts';
import { chainProblem } from '../src/cases/history-chain.ts';
import { deriveKeys, parseDataKey, useDataKey } from '../src/crypto/data-key.ts';
import { sealJson } from '../src/crypto/sealed-data.ts';
import type { Database } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { makeIdNumber } from '../src/personal-numbers/id-number.ts';
import { DATA_KEY, login } from './helpers/build.ts';
import { archiveForm, dischargeIntake, openCase, send } from './helpers/fixtures.ts';
import { ownedDatabase } from './helpers/owner.ts';
import { migrationDatabase } from './helpers/migrations.ts';
import { runTool } from './helpers/processes.ts';

// Three services and tools on the embedded database, and a migration of 1,560 entries.
t.setTimeout(400_000);

// Each history entry's hash covers the one before it and the case keeps the last
// (src/cases/history-chain.ts): whoever gets past the triggers (the owner) and changes or removes
// an entry, npm run verify names the case and the entry.
t.test('the owner changes an entry or removes the last one behind the triggers: verify names the case and the entry', async (t) => {
  const ids: Record<string, string> = {};
  const db = await ownedDatabase(t, async (app) => {
    const clerk = await login(app, 'district-clerk');
    const supervisor = await login(app, 'supervisor');
    for (const [key, person] of [['edited', 'p-zhang-wei'], ['cut', 'p-li-jun']] as const) {
      const c = (await openCase(app, clerk, 'discharge-reporting', person)).json();
      ids[key] = c.id;
      t.equal((await send(app, supervisor, c.id, 'COMMENT', { text: '请尽快补齐档案' }, 1)).statusCode, 200);
      t.equal((await send(app, supervisor, c.id, 'URGE', { text: '已催办' }, 2)).statusCode, 200);
    }
  });
  const good = await runTool('verify', db.env);
  t.equal(good.code, 0, `verify passes before: ${good.stdout}${good.stderr}`);

  // An administrative entry does not move the machine, so the replay alone cannot see it changed or gone.
  // The owner holds the data key too: the changed text is sealed as the service would seal it, so it
  // decrypts and only the chain can tell.
  const forged = sealJson({ text: '档案已齐，无需补正' }, `case_events.payload:${ids.edited}:2:`, undefined, deriveKeys(parseDataKey(DATA_KEY)));
  await db.asOwner(async (q) => {
    await q('alter table case_events disable trigger case_events_no_update');
    await q(`update case_events set payload = jsonb_set(payload, '{text}', $2::jsonb) where case_id = $1 and seq = 2`, [ids.edited, JSON.stringify(forged.text)]);
    await q('delete from case_events where case_id = $1 and seq = 3', [ids.cut]);
    await q('alter table case_events enable trigger case_events_no_update');
    await q('update cases set version = 2 where id = $1', [ids.cut]);
  });
  const bad = await runTool('verify', db.env);
  t.equal(bad.code, 1, 'verify exits 1');
  t.match(bad.stdout, new RegExp(`MISMATCH case ${ids.edited}: history chain broken at entry 2 \\(COMMENT\\)`), `the changed entry is named: ${bad.stdout}`);
  t.match(bad.stdout, new RegExp(`MISMATCH case ${ids.cut}: history head hash is not that of entry 2, the last one`), 'the removed last entry is seen');
  t.equal(bad.stdout.match(/MISMATCH/g)?.length, 2, 'one line for each, nothing else');
});

t.test('every way of writing history chains it: steps, admin acts, the child cases a step starts', async (t) => {
  const db = await ownedDatabase(t, async (app) => {
    const clerk = await login(app, 'district-clerk');
    const c = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json();
    t.equal((await send(app, clerk, c.id, 'SUBMIT', dischargeIntake, 1)).statusCode, 200);
    t.equal((await send(app, clerk, c.id, 'COMMENT', { text: '档案已催' }, 2)).statusCode, 200);
    t.equal((await send(app, clerk, c.id, 'RECORD_ARCHIVE', archiveForm, 3)).statusCode, 200);
  });
  await db.asOwner(async (q) => {
    const rows = await q(`select c.id, c.history_hash, count(e.*)::int as n, bool_and(e.hash ~ '^[0-9a-f]{64}$') as hex,
      (select hash from case_events l where l.case_id = c.id order by seq desc limit 1) as last
      from cases c join case_events e on e.case_id = c.id group by c.id`);
    t.ok(rows.length >= 3, `${rows.length} cases, the children included`);
    for (const r of rows) {
      t.ok(r.hex, `case ${r.id}: every entry has a SHA-256 hex hash`);
      t.equal(r.history_hash, r.last, `case ${r.id}: the head is the last entry's hash`);
    }
  });
  const verify = await runTool('verify', db.env);
  t.equal(verify.code, 0, `and they verify: ${verify.stdout}${verify.stderr}`);
  t.match(verify.stdout, /every history chain holds/);
});

t.test('migration 0016 chains the histories already stored, in seq order, over their opened content', async (t) => {
  const { db, migrator } = await migrationDatabase(t);
  const key = parseDataKey(DATA_KEY);
  t.error((await migrator.migrateTo('20261124T0011_prior_timing')).error);
  useDataKey(key);
  const now = new Date('2026-11-30T01:02:03.456Z');
  await db.insertInto('stations').values({ id: 'v', parent_id: null, level: 'district', path: 'v', name_zh: '区', name_en: 'D' }).execute();
  await db.insertInto('users').values({ id: 'u', username: 'u', display_name: 'U', role: 'clerk', station_id: 'v', password_hash: 'x', created_at: now }).execute();
  await db.insertInto('persons').values({ id: 'p', name: '旧', id_number_enc: 'v1:x', id_number_hash: 'h', sex: 'male', birth_date: '1970-01-01', station_id: 'v', station_path: 'v', attributes: '{}', created_by: 'u', created_at: now }).execute();
  await db.insertInto('workflow_versions').values({ workflow_id: 'w', version: 1, status: 'published', definition: '{}', note: '', author: 'u', created_at: now }).execute();
  // More than one batch of the migration's 500, written through the service's own sealing at that schema.
  const { sealPayload } = await import('../src/crypto/sealed-payload.ts');
  const cases = Array.from({ length: 520 }, (_, i) => ({
    id: `c-${String(i).padStart(4, '0')}`, workflow_id: 'w', workflow_version: 1, person_id: 'p', station_id: 'v', station_path: 'v', state: 's', status: 'open', exclusive: false, version: 3,
    snapshot: '{}', created_at: now, updated_at: now,
  }));
  for (let i = 0; i < cases.length; i += 260) await db.insertInto('cases').values(cases.slice(i, i + 260)).execute();
  const data = (i: number) => ({ name: `旧${i}`, idNumber: makeIdNumber('330102', '1970-01-01', i % 999), 'a/b~c': { mobile: '13600000000' }, list: [{ phone: '13700000000' }, 2] });
  const history = cases.flatMap((c, i) => [
    { case_id: c.id, seq: 1, kind: 'machine', type: 'START', payload: JSON.stringify(sealPayload(c.id, 1, { data: data(i), parentCaseId: null })), actor_id: 'u', from_state: null, to_state: 's', at: now },
    { case_id: c.id, seq: 2, kind: 'admin', type: 'COMMENT', payload: JSON.stringify({ text: `第${i}条` }), actor_id: null, from_state: 's', to_state: 's', at: now },
    { case_id: c.id, seq: 3, kind: 'machine', type: 'NEXT', payload: JSON.stringify({ data: {} }), actor_id: 'u', from_state: 's', to_state: 's', at: now, prior_timing: JSON.stringify({ stepEnteredAt: now, dueAt: null }) },
  ]);
  for (let i = 0; i < history.length; i += 300) await db.insertInto('case_events').values(history.slice(i, i + 300)).execute();

  await migrateToLatest(db, { dataKey: key });
  const typed = db as unknown as Kysely<Database>;
  const check = async (id: string) => {
    const head = (await typed.selectFrom('cases').select('history_hash').where('id', '=', id).executeTakeFirstOrThrow()).history_hash;
    const rows = await typed.selectFrom('case_events').select(['seq', 'hash', 'prior_timing']).where('case_id', '=', id).orderBy('seq').execute();
    const events = (await listEvents(typed, id))
      .map((e, i) => ({ ...e, priorTiming: rows[i]!.prior_timing, hash: rows[i]!.hash }));
    return chainProblem(id, events, head);
  };
  for (const id of ['c-0000', 'c-0499', 'c-0500', 'c-0519']) t.equal(await check(id), null, `case ${id}: the chain the migration wrote is the one the service checks`);
  await appendEvent(typed, 'c-0500', { seq: 4, kind: 'admin', type: 'COMMENT', payload: { text: '迁移后' }, actorId: 'u', fromState: 's', toState: 's', at: new Date() });
  t.equal(await check('c-0500'), null, 'and the service chains on from it');
  const hashes = await typed.selectFrom('case_events').select('hash').where('hash', 'is', null).execute();
  t.equal(hashes.length, 0, 'no entry is left without a hash');
});

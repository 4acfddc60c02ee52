import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { hashPassword } from '../src/auth/password.ts';
import { makeIdNumber } from '../src/personal-numbers/id-number.ts';
import { insertUser } from '../src/users/user.repository.ts';
import { listen } from './helpers/browser.ts';
import { freshDatabase, login, testConfig } from './helpers/build.ts';
import { send } from './helpers/fixtures.ts';
import { loadSamples } from './helpers/paths.ts';
import { runTool } from './helpers/processes.ts';
import { luhnComplete } from './helpers/rosters.ts';

t.setTimeout(600_000);

// A payment is recorded once per case and period, whoever records the batch and however often.
// On PostgreSQL three users record one batch at the same moment over real HTTP; the embedded
// database runs one transaction at a time, so there the same requests go one after another.
const racing = process.env.DATABASE_URL !== undefined;
const LINES = 12;
const PAID_ON = '2026-12-20';
const REFERENCE = 'ICBC2026122000001';

type Headers = Record<string, string>;

/** 12 cases of 残疾抚恤金 being paid (因战一级 from 2025: 12 months of 2026 at the seeded 11,320 元 a month). */
async function payingCases(app: FastifyInstance, users: Record<string, Headers>): Promise<string[]> {
  const s = loadSamples('disability-pension').forms as Record<string, Record<string, unknown>[] & Record<string, unknown>>;
  const ok = async (r: Promise<{ statusCode: number; body: string; json(): { id: string } }>, code = 200) => {
    const res = await r;
    if (res.statusCode !== code) throw new Error(`${res.statusCode} ${res.body.slice(0, 400)}`);
    return res.json();
  };
  const ids: string[] = [];
  for (let i = 0; i < LINES; i++) {
    const name = `一次${i + 1}`;
    const idNumber = makeIdNumber('330102', '1983-09-09', 401 + i * 2);
    const person = await ok(app.inject({ method: 'POST', url: '/api/v1/persons', headers: users.village!, payload: { name, idNumber, attributes: { category: 'veteran', hukouType: 'urban', soldierType: 'nco', enlistmentDate: '2001-12-10', dischargeDate: '2025-06-30', placementType: 'self-employment' } } }), 201);
    const c = await ok(app.inject({ method: 'POST', url: '/api/v1/cases', headers: users.clerk!, payload: { workflowId: 'disability-pension', personId: person.id } }), 201);
    await ok(send(app, users.clerk!, c.id, 'SUBMIT', { ...s.application![0], name, idNumber, disabilityNature: 'war', currentGrade: 1 }));
    await ok(send(app, users.clerk!, c.id, 'CONFIRM_TRANSFER', { ...s.transferCheck, nature: 'war', grade: 1 }));
    await ok(send(app, users.clerk!, c.id, 'RECORD_DECISION', s.externalDecision as Record<string, unknown>));
    await ok(send(app, users.clerk2!, c.id, 'START_PAYMENT', {
      nature: 'war', grade: 1, standardYear: 2026, annualAmountFen: 13_584_000, startMonth: '2025-01', bankName: '中国工商银行新河支行',
      bankAccount: luhnComplete(`62220200000001${String(i).padStart(4, '0')}`), accountHolder: name,
    }));
    ids.push(c.id);
  }
  return ids;
}

t.test('a batch recorded by three users at once, then again by a fourth: one RECORD_PAYMENT per case and period, every line paid, the day paid fixed once; verify agrees and catches tampering', async (t) => {
  const databaseUrl = await freshDatabase(t);
  const dataDir = databaseUrl ? 'memory://' : mkdtempSync(join(tmpdir(), 'vet-pay-once-'));
  if (!databaseUrl) t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir };
  const app = await buildApp(testConfig({ databaseUrl, dataDir, dbPoolSize: 20 }), { logger: false });
  await app.ready();
  let open = true;
  t.teardown(() => (open ? app.close() : undefined));

  // A fourth district user who may record payments (the demo has three).
  await insertUser(app.db, { id: 'u-district-clerk-3', username: 'district-clerk-3', displayName: '区局 王磊', role: 'clerk', stationId: 'xinhe', passwordHash: await hashPassword('demo1234') }, new Date());
  const users = {
    village: await login(app, 'village-clerk'), clerk: await login(app, 'district-clerk'), clerk2: await login(app, 'district-clerk-2'),
    supervisor: await login(app, 'supervisor'), clerk3: await login(app, 'district-clerk-3'),
  };
  const caseIds = await payingCases(app, users);

  const built = await app.inject({ method: 'POST', url: '/api/v1/payment-batches', headers: users.clerk, payload: { workflowId: 'disability-pension', period: '2026' } });
  t.equal(built.statusCode, 201, built.body.slice(0, 300));
  const batch = built.json();
  t.equal(batch.lines.length, LINES);
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/payment-batches/${batch.id}/approve`, headers: users.clerk2 })).statusCode, 200);
  t.equal((await app.inject({ url: `/api/v1/payment-batches/${batch.id}/bank-file.csv`, headers: users.clerk })).statusCode, 200);

  // Three users press 登记发放 at the same moment, over real HTTP.
  const base = await listen(app);
  const record = (h: Headers, paidOn = PAID_ON) => fetch(`${base}/api/v1/payment-batches/${batch.id}/record`, {
    method: 'POST', headers: { ...h, origin: base, 'content-type': 'application/json' }, body: JSON.stringify({ paidOn, bankReference: REFERENCE }),
  }).then(async (r) => ({ status: r.status, body: await r.json() as Record<string, unknown> }));
  const racers = [users.clerk, users.clerk2, users.supervisor];
  const answers = racing
    ? await Promise.all(racers.map((h) => record(h)))
    : await racers.reduce(
      async (all, h) => [...await all, await record(h)],
      Promise.resolve([] as { status: number; body: Record<string, unknown> }[]),
    );
  const statuses = answers.map((a) => a.status);
  t.ok(statuses.includes(200), `one request records the batch (${statuses.join(', ')})`);
  for (const a of answers.filter((x) => x.status !== 200)) {
    t.match(a, { status: 409, body: { code: 'BATCH_RECORDING', message: /正在由他人登记/ } }, 'the others are told someone is recording it');
  }
  if (!racing) t.same(statuses, [200, 200, 200], 'one after another, the second and third find everything paid');

  const events = async () => app.db.selectFrom('case_events').select(['case_id', 'seq', 'payload']).where('type', '=', 'RECORD_PAYMENT').where('case_id', 'in', caseIds).orderBy('case_id').orderBy('seq').execute();
  const paid = await events();
  t.equal(paid.length, LINES, 'one RECORD_PAYMENT in each case, not one per request');
  t.same(new Set(paid.map((e) => e.case_id)).size, LINES);
  const seqOf = new Map(paid.map((e) => [e.case_id, e.seq]));
  const records = await app.db.selectFrom('payment_records').select(['case_id', 'period', 'event_seq']).where('case_id', 'in', caseIds).execute();
  t.same(records.map((r) => [r.case_id, r.period, r.event_seq]).sort(), caseIds.map((id) => [id, '2026', seqOf.get(id)]).sort(), 'one payment record per case for 2026, naming that entry');
  const view = async () => (await app.inject({ url: `/api/v1/payment-batches/${batch.id}`, headers: users.clerk })).json();
  const after = await view();
  t.equal(after.status, 'recorded');
  t.equal(after.paidOn, PAID_ON);
  t.same(after.lines.map((l: { status: string }) => l.status), Array(LINES).fill('paid'), 'all 12 lines paid');
  t.ok(after.lines.every((l: { caseId: string; eventSeq: number }) => l.eventSeq === seqOf.get(l.caseId)), 'each line names its case\'s entry');
  t.ok(paid.every((e) => (e.payload as { data: { paidOn: string } }).data.paidOn === PAID_ON), 'every entry has the one day paid');

  // A fourth user retries: the same answer, nothing written; another day is refused and changes nothing.
  const retry = await record(users.clerk3);
  t.equal(retry.status, 200, JSON.stringify(retry.body).slice(0, 300));
  t.same(retry.body.lines, after.lines, 'the retry is answered with the lines as they were');
  const otherDay = await record(users.clerk3, '2026-12-31');
  t.match(otherDay, { status: 422, body: { code: 'VALIDATION_FAILED', errors: [{ path: '/paidOn', message: /本批次已登记发放日期2026-12-20/ }] } }, 'the day paid is fixed by the first recording');
  t.equal((await view()).paidOn, PAID_ON, 'and stays as it was');

  // A claim left by a request that died (no sign of life for 5 minutes) may be taken over; a live one may not.
  const claimedAgo = (minutes: number) => sql`update payment_batches set status = 'recording', recording_claim = 'gone', recording_at = now() - make_interval(mins => ${minutes}) where id = ${batch.id}`.execute(app.db);
  await claimedAgo(1);
  t.match(await record(users.clerk3), { status: 409, body: { code: 'BATCH_RECORDING' } }, 'a live claim holds');
  await claimedAgo(6);
  t.match(await record(users.clerk3), { status: 200, body: { status: 'recorded', paidOn: PAID_ON } }, 'a dead one is taken over');

  // A line the race once left failed although its case has the payment: a retry marks it paid with that entry.
  await sql`update payments set status = 'failed', event_seq = null, error = 'STALE_VERSION' where batch_id = ${batch.id} and case_id = ${caseIds[0]}`.execute(app.db);
  const repaired = await record(users.clerk3);
  t.equal(repaired.status, 200);
  t.match((repaired.body.lines as { caseId: string }[]).find((l) => l.caseId === caseIds[0]), { status: 'paid', eventSeq: seqOf.get(caseIds[0]!) }, 'paid with the existing entry');
  t.equal((await events()).length, LINES, 'and not paid again');

  // Straight through the case API: a period already paid is refused by the same rule, with nothing written.
  const c1 = (await app.inject({ url: `/api/v1/cases/${caseIds[1]}`, headers: users.clerk })).json();
  const direct = (period: string) => ({ period, batchNumber: '手工补录', monthsCounted: 12, amountFen: 13_584_000, paidOn: PAID_ON });
  const twice = await send(app, users.clerk, caseIds[1]!, 'RECORD_PAYMENT', direct('2026'), c1.version);
  t.match(twice, { statusCode: 409 });
  t.match(twice.json(), { code: 'PAYMENT_ALREADY_RECORDED', message: /该案件2026期已登记发放/ }, 'in Chinese');
  const en = await send(app, await login(app, 'district-clerk', 'en'), caseIds[1]!, 'RECORD_PAYMENT', direct('2026'), c1.version);
  t.match(en.json(), { code: 'PAYMENT_ALREADY_RECORDED', message: /already recorded/ }, 'or English');
  t.equal((await app.inject({ url: `/api/v1/cases/${caseIds[1]}`, headers: users.clerk })).json().version, c1.version, 'the case did not move');
  t.equal((await events()).length, LINES, 'no entry written');

  // A period not yet paid may be recorded outside a batch, once; taking it back gives the period back.
  const y2025 = await send(app, users.clerk, caseIds[1]!, 'RECORD_PAYMENT', direct('2025'));
  t.equal(y2025.statusCode, 200, y2025.body.slice(0, 300));
  t.match((await send(app, users.clerk2, caseIds[1]!, 'RECORD_PAYMENT', direct('2025'))).json(), { code: 'PAYMENT_ALREADY_RECORDED' }, 'a second one for 2025 is refused');
  t.equal((await send(app, users.clerk, caseIds[1]!, 'RECALL', { reason: '补录有误' })).statusCode, 200, 'the clerk takes it back');
  t.notOk(await app.db.selectFrom('payment_records').select('event_seq').where('case_id', '=', caseIds[1]!).where('period', '=', '2025').executeTakeFirst(), '2025 is unpaid again');

  // A period on a batch's line is the batch's to record.
  const next = (await app.inject({ method: 'POST', url: '/api/v1/payment-batches', headers: users.clerk, payload: { workflowId: 'disability-pension', period: '2027' } })).json();
  t.equal(next.lines.length, LINES, 'the 2027 batch takes everyone');
  t.match((await send(app, users.clerk, caseIds[2]!, 'RECORD_PAYMENT', direct('2027'))).json(), { code: 'PAYMENT_IN_BATCH', message: new RegExp(`已列入发放批次${next.number}`) });

  await app.close();
  open = false;
  const good = await runTool('verify', env);
  t.equal(good.code, 0, `verify exits 0: ${good.stdout}${good.stderr}`);
  t.match(good.stdout, /verify OK: .* 1[23] payments agree/);

  // Tampered with as the owner: a payment record deleted, a second payment written into a
  // history, a line marked failed.
  const owner = await buildApp(testConfig({ databaseUrl, dataDir, demo: false }), { logger: false });
  await owner.ready();
  await sql`delete from payment_records where case_id = ${caseIds[3]}`.execute(owner.db);
  const v4 = (await owner.db.selectFrom('cases').select('version').where('id', '=', caseIds[4]!).executeTakeFirstOrThrow()).version;
  // Copied whole, its hash too (the history chain breaks as well; verify says both).
  await sql`insert into case_events (case_id, seq, kind, type, payload, from_state, to_state, at, hash)
    select case_id, ${v4 + 1}, kind, type, payload, from_state, to_state, at, hash from case_events where case_id = ${caseIds[4]} and seq = ${seqOf.get(caseIds[4]!)}`.execute(owner.db);
  await sql`update cases set version = ${v4 + 1} where id = ${caseIds[4]}`.execute(owner.db);
  await sql`update payments set status = 'failed' where batch_id = ${batch.id} and case_id = ${caseIds[5]}`.execute(owner.db);
  await owner.close();
  const bad = await runTool('verify', env);
  t.equal(bad.code, 1, 'verify exits 1');
  t.match(bad.stdout, new RegExp(`MISMATCH case ${caseIds[3]}: entry ${seqOf.get(caseIds[3]!)} \\(RECORD_PAYMENT of 2026\\) has no payment record`));
  t.match(bad.stdout, new RegExp(`MISMATCH case ${caseIds[4]}: period 2026 is paid twice in the history \\(entries ${seqOf.get(caseIds[4]!)} and ${v4 + 1}\\)`));
  t.match(bad.stdout, new RegExp(`MISMATCH case ${caseIds[5]}: line \\d+ of batch ${batch.number} is failed, though entry ${seqOf.get(caseIds[5]!)} paid it`));
});

import t from 'tap';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { verifyHistories } from '../src/cli/verify-history.ts';
import { csvRows } from '../src/rosters/roster.parse.ts';
import { build, login } from './helpers/build.ts';
import { send } from './helpers/fixtures.ts';
import { sendSystemEvent } from '../src/cases/case.service.ts';
import { makeIdNumber } from '../src/personal-numbers/id-number.ts';
import { loadSamples } from './helpers/paths.ts';
import { payingElderlySubsidy } from './helpers/payments.ts';
import { conscriptRows, csvBytes, luhnComplete, multipart, ROSTER_DEFAULTS, ROSTER_HEADERS, ROSTER_MAPPING } from './helpers/rosters.ts';

t.setTimeout(600_000);

const doc = { issuer: '新河区人民政府', number: '新政办〔2026〕3号', date: '2025-12-20' };
const MATERIALS = ['registration-form', 'conscript-id', 'household-register', 'enlistment-notice', 'payee-bank-card'];

// Ten conscripts of 东城镇 with different service in 2026 (the annual standard 13,623 元, Tibet/Xinjiang 2×, college 150%).
const PEOPLE: {
  enlisted: string; tibet?: boolean; college?: boolean; expect: { months: number; pct: number; fen: number } | null;
  note: string;
}[] = [
  { enlisted: '2025-09-10', expect: { months: 12, pct: 100, fen: 1_362_300 }, note: 'a whole year' },
  { enlisted: '2025-09-10', tibet: true, expect: { months: 12, pct: 200, fen: 2_724_600 }, note: 'a whole year in Tibet: 2×' },
  { enlisted: '2026-03-01', expect: { months: 10, pct: 100, fen: 1_135_250 }, note: 'enlisted in March' },
  { enlisted: '2024-09-10', expect: { months: 8, pct: 100, fen: 908_200 }, note: 'two years end on 10 September: 8 months from 10 January (4 in 2024, 12 in 2025: 24 in all)' },
  { enlisted: '2026-09-10', college: true, expect: { months: 6, pct: 150, fen: 1_021_725 }, note: 'a college student from September: under 6 months counts as 6' },
  { enlisted: '2026-10-15', tibet: true, college: true, expect: { months: 6, pct: 200, fen: 1_362_300 }, note: 'the larger multiplier counts' },
  { enlisted: '2025-09-10', expect: { months: 6, pct: 100, fen: 681_150 }, note: 'stopped on 2026-04-15 (became an officer): 4 months count as 6' },
  { enlisted: '2026-06-01', college: true, expect: { months: 7, pct: 150, fen: 1_192_013 }, note: '1,192,012.5 fen rounds half up' },
  { enlisted: '2024-03-01', expect: { months: 6, pct: 100, fen: 681_150 }, note: 'service ended in March' },
  { enlisted: '2023-09-10', expect: null, note: 'served out in 2025: nothing due' },
];
const STOPPED = 6;

t.test('a payment batch over a year: amounts from dated standards, a second person approves, the bank file to the fen, payments recorded', async (t) => {
  const app = await build(t);
  const policy = await login(app, 'policy');
  const district = await login(app, 'district-clerk');
  const district2 = await login(app, 'district-clerk-2');
  const town = await login(app, 'town-clerk');
  const supervisor = await login(app, 'supervisor');

  for (const s of [
    { key: 'conscript-family-allowance-annual', value: 1_300_000, unit: '分/年', effectiveFrom: '2025-01-01', note: '2025年度城乡统一标准' },
    { key: 'conscript-family-allowance-annual', value: 1_362_300, unit: '分/年', effectiveFrom: '2026-01-01', note: '2026年度城乡统一标准（上年城镇居民人均可支配收入的45%）' },
    { key: 'conscript-family-allowance-annual', value: 1_400_000, unit: '分/年', effectiveFrom: '2027-01-01', note: '2027年度标准' },
    { key: 'tibet-xinjiang-multiplier', value: 2, unit: '倍', effectiveFrom: '2020-01-01', note: '在西藏、新疆服役的按标准的2倍发放' },
    { key: 'college-student-multiplier', value: 1.5, unit: '倍', effectiveFrom: '2020-01-01', note: '大学生士兵按标准的150%发放' },
  ]) {
    const r = await app.inject({ method: 'POST', url: '/api/v1/standards', headers: policy, payload: { ...s, policyDocument: doc } });
    t.equal(r.statusCode, 201, r.body);
  }

  // The cases: from a roster, then through the item's steps (list confirmed, payee registered, approved).
  const rows = conscriptRows({ rows: PEOPLE.length, villages: ['桥头村', '河西社区'], seed: 12_000, enlistmentDate: (i) => PEOPLE[i]!.enlisted, tibet: (i) => !!PEOPLE[i]!.tibet, college: (i) => !!PEOPLE[i]!.college });
  rows[0]![15] = '=1+2'; // an account holder a spreadsheet would run as a formula
  const body = multipart({ workflowId: 'conscript-family-allowance', period: '2026', mapping: JSON.stringify(ROSTER_MAPPING), defaults: JSON.stringify(ROSTER_DEFAULTS) }, { name: 'list.csv', bytes: csvBytes(ROSTER_HEADERS, rows) });
  const preview = (await app.inject({ method: 'POST', url: '/api/v1/rosters', headers: { ...district, ...body.headers }, payload: body.payload })).json();
  t.equal(preview.counts.valid, PEOPLE.length, JSON.stringify(preview.rows.filter((r: { status: string }) => r.status !== 'valid')));
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/rosters/${preview.id}/commit`, headers: district })).statusCode, 201);
  const caseIds: string[] = (await app.inject({ url: `/api/v1/rosters/${preview.id}`, headers: district })).json().rows.map((r: { caseId: string }) => r.caseId);
  const batch = async (headers: Record<string, string>, state: string, type: string, data?: Record<string, unknown>) =>
    (await app.inject({ method: 'POST', url: '/api/v1/batch-actions', headers, payload: { workflowId: 'conscript-family-allowance', state, type, rosterId: preview.id, data } })).json();
  t.match(await batch(district, 'listReceived', 'CONFIRM_LIST'), { counts: { succeeded: PEOPLE.length } });
  t.match(await batch(town, 'payeeRegistration', 'SUBMIT', { materials: [...MATERIALS, 'student-proof'] }), { counts: { succeeded: PEOPLE.length } });
  for (const [i, id] of caseIds.entries()) {
    const r = await send(app, supervisor, id, 'APPROVE', {
      standardYear: 2026, annualStandardFen: 1_362_300,
      multiplierPercent: PEOPLE[i]!.tibet ? 200 : PEOPLE[i]!.college ? 150 : 100, annualAmountFen: 1_362_300,
      startDate: PEOPLE[i]!.enlisted, publicNoticeRequired: false, opinion: '经审核，符合义务兵家庭优待金发放条件。',
    });
    t.equal(r.json().state, 'paying', `approved: ${PEOPLE[i]!.note}`);
  }

  // A mid-year stop: the conscript became an officer on 2026-04-15; the stop is a step with its notice.
  const stop = await send(app, district, caseIds[STOPPED]!, 'STOP', { stopReason: 'status-unclear', reason: '征兵办通报该义务兵已于2026年4月15日提干，待部队证明', stoppedOn: '2026-04-15' });
  t.equal(stop.json().state, 'suspended');
  const stopNotices = (await app.inject({ url: `/api/v1/cases/${caseIds[STOPPED]}/notices`, headers: district })).json().items;
  t.ok(stopNotices.some((n: { key: string }) => n.key === 'stopNotice'), 'the stop has its notice');

  const built = await app.inject({ method: 'POST', url: '/api/v1/payment-batches', headers: district, payload: { workflowId: 'conscript-family-allowance', period: '2026' } });
  t.equal(built.statusCode, 201, built.body.slice(0, 400));
  const b = built.json();
  t.equal(b.status, 'draft');
  t.match(b.number, /^CFA-2026-001$/);
  t.same(b.skipped.map((s: { caseId: string }) => s.caseId), [caseIds[9]], 'nothing due for the one who served out in 2025');
  // The roster's cases are numbered in roster order, one series of the item and year.
  type Numbered = { caseId: string; caseNo: string };
  const caseNoOf = new Map<string, string>(b.lines.map((l: Numbered) => [l.caseId, l.caseNo]));
  const serials = caseIds.filter((id) => caseNoOf.has(id)).map((id) => Number(/^优金-2026-(\d{5})$/.exec(caseNoOf.get(id)!)![1]));
  t.same(serials, [...serials].sort((x, y) => x - y), 'roster cases are numbered 优金-2026-… in roster order');
  t.equal(new Set(serials).size, serials.length, 'each its own number');
  t.match(b.standards.find((s: { key: string }) => s.key === 'conscript-family-allowance-annual'), { value: 1_362_300, effectiveFrom: '2026-01-01' }, 'the standard in force for the period, not last year\'s or next year\'s');
  const expected = PEOPLE.map((p, i) => ({ p, id: caseIds[i]! })).filter((x) => x.p.expect);
  t.equal(b.lines.length, expected.length);
  for (const x of expected) {
    const line = b.lines.find((l: { caseId: string }) => l.caseId === x.id);
    t.match(line, {
      months: x.p.expect!.months, multiplierPercent: x.p.expect!.pct, amountFen: x.p.expect!.fen, annualFen: 1_362_300,
    }, x.p.note);
  }
  const total = expected.reduce((s, x) => s + x.p.expect!.fen, 0);
  t.equal(b.totalFen, total, 'the total is the sum of the lines');
  t.match(b.lines[0].bankAccount, /^\*+\d{4}$/, 'accounts are masked in the view');

  const downloads = () => app.db.selectFrom('reveal_log').select(['user_id', 'fields']).where('subject', '=', `payment-batch:${b.id}`).execute();
  t.equal((await app.inject({ url: `/api/v1/payment-batches/${b.id}/bank-file.csv`, headers: district })).statusCode, 409, 'no bank file before approval');
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/payment-batches/${b.id}/approve`, headers: district })).statusCode, 403, 'not by the one who built it');
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/payment-batches/${b.id}/approve`, headers: town })).statusCode, 403, 'not by a town station');
  const approved = await app.inject({ method: 'POST', url: `/api/v1/payment-batches/${b.id}/approve`, headers: district2 });
  t.equal(approved.json().status, 'approved', 'a second person approves');
  t.equal(approved.json().approvedBy, 'u-district-clerk-2');

  t.equal((await app.inject({ url: `/api/v1/payment-batches/${b.id}/bank-file.csv`, headers: town })).statusCode, 403, 'not for a town station');
  t.same(await downloads(), [], 'a refused download is not recorded');
  const file = await app.inject({ url: `/api/v1/payment-batches/${b.id}/bank-file.csv`, headers: district });
  t.equal(file.statusCode, 200);
  t.same(await downloads(), [{ user_id: 'u-district-clerk', fields: ['bankAccount'] }], 'the download of every full account number is recorded like a reveal, once');
  t.match(file.headers['content-type'], /text\/csv/);
  t.equal(file.rawPayload.subarray(0, 3).toString('hex'), 'efbbbf', 'UTF-8 with BOM');
  const table = [...csvRows(file.body.replace(/^\uFEFF/, ''))].filter((r) => r.length > 1);
  t.same(table[0], ['序号', '收款人户名', '收款账号', '开户银行', '金额（元）', '金额（分）', '摘要', '批次号', '业务编号'], 'the documented layout');
  const lines = table.slice(1);
  t.equal(lines.length, expected.length);
  for (const x of expected) {
    const r = lines.find((l) => l[8] === caseNoOf.get(x.id))!;
    t.equal(Number(r[5]), x.p.expect!.fen, `${x.p.note}: the fen in the file`);
    t.equal(r[4], `${Math.floor(x.p.expect!.fen / 100)}.${String(x.p.expect!.fen % 100).padStart(2, '0')}`, 'and the yuan');
  }
  t.equal(lines.reduce((s, l) => s + Number(l[5]), 0), total, 'the file adds up to the batch total');
  const first = lines.find((l) => l[8] === caseNoOf.get(caseIds[0]!))!;
  t.equal(first[1], "'=1+2", 'a cell a spreadsheet would run as a formula is escaped');
  t.match(first[2], /^622848\d{13}$/, 'the full account number, for the bank');
  t.equal((await app.inject({ url: `/api/v1/payment-batches/${b.id}`, headers: district })).json().status, 'exported');

  const recorded = await app.inject({ method: 'POST', url: `/api/v1/payment-batches/${b.id}/record`, headers: district, payload: { paidOn: '2026-07-20', bankReference: 'ABC2026072000001' } });
  t.equal(recorded.statusCode, 200, recorded.body.slice(0, 300));
  t.ok(recorded.json().lines.every((l: { status: string }) => l.status === 'paid'), JSON.stringify(recorded.json().lines.filter((l: { status: string }) => l.status !== 'paid')));
  for (const x of expected) {
    const ev = await app.db.selectFrom('case_events').select(['type', 'payload', 'actor_id']).where('case_id', '=', x.id).where('type', '=', 'RECORD_PAYMENT').execute();
    t.equal(ev.length, 1);
    t.match(ev[0]!.payload, { data: { amountFen: x.p.expect!.fen, monthsCounted: x.p.expect!.months, batchNumber: 'CFA-2026-001', paidOn: '2026-07-20' } }, 'recorded in the case');
  }

  // At most once per period: a second batch finds nothing, and the database refuses a second payment.
  const again = (await app.inject({ method: 'POST', url: '/api/v1/payment-batches', headers: district, payload: { workflowId: 'conscript-family-allowance', period: '2026' } })).json();
  t.equal(again.lines.length, 0, 'nothing left to pay for 2026');
  const dup = await sql`insert into payments (id, batch_id, line_no, case_id, period, months, multiplier_percent, annual_fen, amount_fen, payee_name, bank_name, bank_account_enc, status)
    values ('x', ${again.id}, 1, ${caseIds[0]}, '2026', 12, 100, 1, 1, 'x', 'x', 'x', 'pending')`.execute(app.db).then(() => null, (e: { code?: string }) => e.code);
  t.equal(dup, '23505', 'UNIQUE (case_id, period)');

  // Money paid in error: recovered with its notice, then the payment ends with its notice.
  const recover = await send(app, district, caseIds[STOPPED]!, 'RECOVER', {
    recoveryCode: 'overpaid-after-status-change', amountFen: 340_575, reason: '该义务兵2026年4月15日提干，按月计算多发部分予以追缴', legalBasis: '《军人抚恤优待条例》第八条', dueDate: '2026-09-30',
  });
  t.equal(recover.statusCode, 200, recover.body.slice(0, 300));
  const end = await send(app, district, caseIds[STOPPED]!, 'END', { endReason: 'promoted-officer', endDate: '2026-04-15', totalMonthsPaid: 10 });
  t.equal(end.json().state, 'ended');
  const keys = (await app.inject({ url: `/api/v1/cases/${caseIds[STOPPED]}/notices`, headers: district })).json().items.map((n: { key: string }) => n.key);
  t.same(keys.slice(-3), ['stopNotice', 'recovery', 'endNotice'], 'stop, recovery and end each with their notice');

  // A cancelled batch frees its cases for another batch.
  const b2027 = (await app.inject({ method: 'POST', url: '/api/v1/payment-batches', headers: district, payload: { workflowId: 'conscript-family-allowance', period: '2027' } })).json();
  t.ok(b2027.lines.length > 0);
  t.equal(b2027.lines[0].annualFen, 1_400_000, '2027 at the 2027 standard');
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/payment-batches/${b2027.id}/cancel`, headers: district2 })).json().status, 'cancelled');
  const b2027b = (await app.inject({ method: 'POST', url: '/api/v1/payment-batches', headers: district, payload: { workflowId: 'conscript-family-allowance', period: '2027' } })).json();
  t.equal(b2027b.lines.length, b2027.lines.length, 'the same cases again after the cancellation');
  t.same((await verifyHistories(app.db, app.registry)).mismatches, [], 'every case replays from its history (npm run verify)');
});

t.test('the yearly confirmation: who confirmed is recorded, the others are stopped with their notice', async (t) => {
  const app = await build(t);
  const district = await login(app, 'district-clerk');
  const town = await login(app, 'town-clerk');
  const supervisor = await login(app, 'supervisor');
  const rows = conscriptRows({ rows: 4, villages: ['桥头村'], seed: 20_000, enlistmentDate: '2025-09-10' });
  const body = multipart({ workflowId: 'conscript-family-allowance', period: '2025-H2', mapping: JSON.stringify(ROSTER_MAPPING), defaults: JSON.stringify(ROSTER_DEFAULTS) }, { name: 'list.csv', bytes: csvBytes(ROSTER_HEADERS, rows) });
  const preview = (await app.inject({ method: 'POST', url: '/api/v1/rosters', headers: { ...district, ...body.headers }, payload: body.payload })).json();
  await app.inject({ method: 'POST', url: `/api/v1/rosters/${preview.id}/commit`, headers: district });
  const batch = async (headers: Record<string, string>, state: string, type: string, data?: Record<string, unknown>) =>
    (await app.inject({ method: 'POST', url: '/api/v1/batch-actions', headers, payload: { workflowId: 'conscript-family-allowance', state, type, rosterId: preview.id, data } })).json();
  await batch(district, 'listReceived', 'CONFIRM_LIST');
  await batch(town, 'payeeRegistration', 'SUBMIT', { materials: MATERIALS });
  const approved = await batch(supervisor, 'districtAssessment', 'APPROVE', {
    standardYear: 2025, annualStandardFen: 1_300_000, multiplierPercent: 100, annualAmountFen: 1_300_000, startDate: '2025-09-10', publicNoticeRequired: false, opinion: '经审核，符合发放条件。',
  });
  t.match(approved, { counts: { succeeded: 4 } }, 'a batch approval by the supervisor (four eyes hold per case)');

  const run = await app.inject({ method: 'POST', url: '/api/v1/confirmation-runs', headers: district, payload: { workflowId: 'conscript-family-allowance', year: 2026 } });
  t.equal(run.statusCode, 201, run.body.slice(0, 300));
  const r = run.json();
  t.equal(r.entries.length, 4, 'everyone being paid is listed');
  t.same(r.counts, { pending: 4, confirmed: 0, suspended: 0, failed: 0 });
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/confirmation-runs', headers: district, payload: { workflowId: 'conscript-family-allowance', year: 2026 } })).statusCode, 409, 'one run per item and year');
  const ids = r.entries.map((e: { caseId: string }) => e.caseId);
  const confirmed = await app.inject({
    method: 'POST', url: `/api/v1/confirmation-runs/${r.id}/confirm`, headers: district,
    payload: { caseIds: ids.slice(0, 3), data: { listRefreshedOn: '2026-06-30', serviceStatus: 'serving', stillEligible: true } },
  });
  t.ok(confirmed.json().results.every((x: { ok: boolean }) => x.ok), confirmed.body.slice(0, 300));
  const closed = (await app.inject({ method: 'POST', url: `/api/v1/confirmation-runs/${r.id}/close`, headers: district, payload: {} })).json();
  t.same(closed.counts, { pending: 0, confirmed: 3, suspended: 1, failed: 0 });
  t.match(closed.entries[0], { status: 'confirmed', by: '区局 陈静', state: 'paying' }, 'who confirmed, recorded');
  t.match(closed.entries[3], { status: 'suspended', state: 'suspended' }, 'the one not confirmed is stopped');
  const notices = (await app.inject({ url: `/api/v1/cases/${ids[3]}/notices`, headers: district })).json().items;
  t.equal(notices.at(-1).key, 'stopNotice', 'with its notice');
  const ev = await app.db.selectFrom('case_events').select(['type', 'payload']).where('case_id', '=', ids[0]).where('type', '=', 'CONFIRM_YEAR').execute();
  t.match(ev[0]!.payload, { data: { confirmationYear: 2026, serviceStatus: 'serving' } }, 'the confirmation is a step in the case');
});

// 残疾抚恤金 in 2026 from the demo district's seeded table (src/demo/demo-standards.ts, 2026-01-01): monthly
// 因战一级 11,320 元, 因公三级 8,526, 因公五级 5,115, 因公八级 1,599, 因病六级 3,507 (× 12 a year).
const DISABLED: {
  nature: string; grade: number; startMonth: string; stop?: string;
  expect: { months: number; annualFen: number; fen: number } | null; note: string;
}[] = [
  { nature: 'war', grade: 1, startMonth: '2025-01', expect: { months: 12, annualFen: 13_584_000, fen: 13_584_000 }, note: '因战一级, the whole year: 135,840 元' },
  { nature: 'duty', grade: 8, startMonth: '2026-07', expect: { months: 6, annualFen: 1_918_800, fen: 959_400 }, note: '因公八级 from July: 6 × 1,599 元' },
  { nature: 'illness', grade: 6, startMonth: '2026-10', expect: { months: 3, annualFen: 4_208_400, fen: 1_052_100 }, note: '因病六级 from October: 3 × 3,507 元' },
  { nature: 'duty', grade: 3, startMonth: '2025-01', stop: '2026-05', expect: { months: 4, annualFen: 10_231_200, fen: 3_410_400 }, note: '因公三级 stopped from May: 4 × 8,526 元' },
  { nature: 'duty', grade: 5, startMonth: '2027-01', expect: null, note: 'a transfer paid from next January: nothing in 2026' },
];

t.test('残疾抚恤金, 老年生活补助 and 定期抚恤金: yearly batches from the seeded standards, four eyes, the bank file to the fen, RECORD_PAYMENT in each case, yearly confirmation', async (t) => {
  const app = await build(t);
  const users = Object.fromEntries(await Promise.all(['village-clerk', 'town-clerk', 'district-clerk', 'district-clerk-2', 'supervisor'].map(async (u) => [u, await login(app, u)] as const)));
  const step = async (user: string, caseId: string, type: string, data: Record<string, unknown>) => {
    const r = await send(app, users[user]!, caseId, type, data);
    if (r.statusCode !== 200) throw new Error(`${type}: ${r.statusCode} ${r.body.slice(0, 400)}`);
    return r.json();
  };
  let seq = 0;
  /** A person of 桥头村 and a case of theirs for the item. */
  const enrol = async (workflowId: string, birth: string, attributes: Record<string, unknown>) => {
    const name = `抚恤${++seq}`;
    const idNumber = makeIdNumber('330102', birth, 301 + seq * 2);
    const r = await app.inject({ method: 'POST', url: '/api/v1/persons', headers: users['village-clerk']!, payload: { name, idNumber, attributes } });
    if (r.statusCode !== 201) throw new Error(r.body);
    const c = await app.inject({ method: 'POST', url: '/api/v1/cases', headers: users['district-clerk']!, payload: { workflowId, personId: r.json().id } });
    if (c.statusCode !== 201) throw new Error(c.body);
    return { caseId: c.json().id as string, name, idNumber, account: luhnComplete(`62220200000000${String(seq).padStart(4, '0')}`) };
  };
  /** The whole batch cycle of an item for 2026; the lines by case. */
  const payYear = async (workflowId: string, prefix: string, expected: { caseId: string; months: number; multiplierPercent: number; annualFen: number; fen: number; payee: string; account: string }[], skipped: string[], seq = '001') => {
    const built = await app.inject({ method: 'POST', url: '/api/v1/payment-batches', headers: users['district-clerk']!, payload: { workflowId, period: '2026' } });
    t.equal(built.statusCode, 201, built.body.slice(0, 400));
    const b = built.json();
    t.equal(b.number, `${prefix}-2026-${seq}`);
    t.same(b.skipped.map((s: { caseId: string }) => s.caseId).sort(), [...skipped].sort(), 'the cases with nothing due are left out, each with why');
    t.equal(b.lines.length, expected.length);
    for (const x of expected) {
      t.match(b.lines.find((l: { caseId: string }) => l.caseId === x.caseId), { months: x.months, multiplierPercent: x.multiplierPercent, annualFen: x.annualFen, amountFen: x.fen, payeeName: x.payee }, `${workflowId}: line of ${x.payee}`);
    }
    const total = expected.reduce((s, x) => s + x.fen, 0);
    t.equal(b.totalFen, total);
    t.equal((await app.inject({ method: 'POST', url: `/api/v1/payment-batches/${b.id}/approve`, headers: users['district-clerk']! })).statusCode, 403, 'not approved by the one who built it');
    t.equal((await app.inject({ method: 'POST', url: `/api/v1/payment-batches/${b.id}/approve`, headers: users['district-clerk-2']! })).json().status, 'approved');
    const file = await app.inject({ url: `/api/v1/payment-batches/${b.id}/bank-file.csv`, headers: users['district-clerk']! });
    t.equal(file.statusCode, 200);
    const rows = [...csvRows(file.body.replace(/^\uFEFF/, ''))].filter((r) => r.length > 1).slice(1);
    t.equal(rows.length, expected.length);
    for (const x of expected) {
      const caseNo = b.lines.find((l: { caseId: string }) => l.caseId === x.caseId).caseNo;
      const r = rows.find((row) => row[8] === caseNo)!;
      t.same([r[1], r[2], r[5], r[7]], [x.payee, x.account, String(x.fen), b.number], `${x.payee}: payee, full account and the fen in the file`);
      t.equal(r[4], `${Math.floor(x.fen / 100)}.${String(x.fen % 100).padStart(2, '0')}`, 'and the yuan');
    }
    t.equal(rows.reduce((s, r) => s + Number(r[5]), 0), total, 'the file adds up to the total');
    const recorded = await app.inject({ method: 'POST', url: `/api/v1/payment-batches/${b.id}/record`, headers: users['district-clerk']!, payload: { paidOn: '2026-12-20', bankReference: 'ICBC2026122000001' } });
    t.equal(recorded.statusCode, 200, recorded.body.slice(0, 300));
    t.ok(recorded.json().lines.every((l: { status: string }) => l.status === 'paid'), JSON.stringify(recorded.json().lines.filter((l: { status: string }) => l.status !== 'paid')));
    for (const x of expected) {
      const ev = await app.db.selectFrom('case_events').select(['payload']).where('case_id', '=', x.caseId).where('type', '=', 'RECORD_PAYMENT').execute();
      t.equal(ev.length, 1, 'recorded once in the case');
      t.match(ev[0]!.payload, { data: { period: '2026', batchNumber: b.number, monthsCounted: x.months, amountFen: x.fen, paidOn: '2026-12-20', bankReference: 'ICBC2026122000001' } });
    }
    const again = (await app.inject({ method: 'POST', url: '/api/v1/payment-batches', headers: users['district-clerk']!, payload: { workflowId, period: '2026' } })).json();
    t.equal(again.lines.length, 0, 'at most one payment per case and year');
    return b;
  };
  /** A survivor of 桥头村 whose 定期抚恤金 is paid from `startMonth`. */
  const payingSurvivor = async (deathType: string, startMonth: string, annualStandardFen: number) => {
    const s = loadSamples('death-pension-survivors').forms as Record<string, Record<string, unknown>[] & Record<string, unknown>>;
    const p = await enrol('death-pension-survivors', '1970-10-02', { category: 'survivor', hukouType: 'rural' });
    await step('district-clerk', p.caseId, 'REGISTER', { ...s.registration![1], deathType });
    await step('supervisor', p.caseId, 'APPROVE', s.lumpSum!);
    await step('district-clerk', p.caseId, 'PAY_LUMP_SUM', s.lumpSumPayment!);
    await step('district-clerk', p.caseId, deathType === 'martyr' ? 'PRESENT_CERTIFICATE' : 'ISSUE_CERTIFICATE', deathType === 'martyr' ? s.martyrCertificate! : s.certificate!);
    await step('town-clerk', p.caseId, 'APPLY_PERIODIC', { ...s.periodicApplication, claimantName: p.name, claimantIdNumber: p.idNumber, bankAccount: p.account });
    const paying = await step('supervisor', p.caseId, 'APPROVE_PERIODIC', { annualStandardFen, startMonth, opinion: '符合定期抚恤条件，按本区标准核发。' });
    t.equal(paying.state, 'paying');
    return p;
  };

  await t.test('残疾抚恤金 by nature and grade', async (t) => {
    const s = loadSamples('disability-pension').forms as Record<string, Record<string, unknown>[] & Record<string, unknown>>;
    const cases = [];
    for (const d of DISABLED) {
      const p = await enrol('disability-pension', '1983-09-09', { category: 'veteran', hukouType: 'urban', soldierType: 'nco', enlistmentDate: '2001-12-10', dischargeDate: '2026-06-30', placementType: 'self-employment' });
      await step('district-clerk', p.caseId, 'SUBMIT', { ...s.application![0], name: p.name, idNumber: p.idNumber, disabilityNature: d.nature, currentGrade: d.grade });
      await step('district-clerk', p.caseId, 'CONFIRM_TRANSFER', { ...s.transferCheck, nature: d.nature, grade: d.grade });
      await step('district-clerk', p.caseId, 'RECORD_DECISION', s.externalDecision as Record<string, unknown>);
      const paying = await step('district-clerk-2', p.caseId, 'START_PAYMENT', {
        nature: d.nature, grade: d.grade, standardYear: 2026, annualAmountFen: d.expect?.annualFen ?? 7_675_200, startMonth: d.startMonth, bankName: '中国工商银行新河支行', bankAccount: p.account, accountHolder: p.name,
      });
      t.equal(paying.state, 'paying', d.note);
      if (d.stop) {
        const stopped = await step('district-clerk', p.caseId, 'STOP', { reasonCode: 'annual-confirmation-missed', reason: '本人未按规定完成年度确认，依规暂停发放残疾抚恤金。', legalBasis: '《军人抚恤优待条例》（2024）第五十八条', effectiveMonth: d.stop });
        t.equal(stopped.state, 'suspended');
      }
      cases.push({ ...d, ...p });
    }
    const b = await payYear('disability-pension', 'DIS', cases.filter((c) => c.expect).map((c) => ({ caseId: c.caseId, months: c.expect!.months, multiplierPercent: 100, annualFen: c.expect!.annualFen, fen: c.expect!.fen, payee: c.name, account: c.account })),
      cases.filter((c) => !c.expect).map((c) => c.caseId));
    t.match(b.standards, [{ key: 'disability-pension-annual', effectiveFrom: '2026-01-01', policyDocument: { number: '《军人抚恤优待条例》第三十一条' } }], 'the seeded (national) standard in force, as applied');
    t.equal(b.totalFen, 19_005_900, '135,840 + 9,594 + 10,521 + 34,104 = 190,059 元');

    // Yearly confirmation in this item's own forms: two confirmed, the others stopped from the next month.
    const run = (await app.inject({ method: 'POST', url: '/api/v1/confirmation-runs', headers: users['district-clerk']!, payload: { workflowId: 'disability-pension', year: 2027 } })).json();
    t.equal(run.entries.length, 4, 'everyone being paid (not the suspended one)');
    const confirmed = await app.inject({ method: 'POST', url: `/api/v1/confirmation-runs/${run.id}/confirm`, headers: users['district-clerk']!, payload: { caseIds: [cases[0]!.caseId, cases[1]!.caseId], data: { year: 2026, method: 'data-match', confirmedDate: '2027-03-01' } } });
    t.ok(confirmed.json().results.every((x: { ok: boolean }) => x.ok), confirmed.body.slice(0, 300));
    const closed = (await app.inject({ method: 'POST', url: `/api/v1/confirmation-runs/${run.id}/close`, headers: users['district-clerk']!, payload: {} })).json();
    t.same(closed.counts, { pending: 0, confirmed: 2, suspended: 2, failed: 0 }, closed.entries.map((e: { error?: string }) => e.error).join(' '));
    const conf = await app.db.selectFrom('case_events').select(['payload']).where('case_id', '=', cases[0]!.caseId).where('type', '=', 'CONFIRM_YEAR').execute();
    t.match(conf[0]!.payload, { data: { year: 2027, method: 'data-match' } }, 'the year in the item\'s own field: the run\'s, not one in the data');
    const stop = await app.db.selectFrom('case_events').select(['payload']).where('case_id', '=', cases[2]!.caseId).where('type', '=', 'STOP').execute();
    t.match(stop[0]!.payload, { data: { reasonCode: 'annual-confirmation-missed', effectiveMonth: /^\d{4}-\d{2}$/ } }, 'stopped with the item\'s own stop form');
  });

  await t.test('老年生活补助: years of compulsory service × the monthly standard', async (t) => {
    const s = loadSamples('rural-veteran-elderly-subsidy').forms as Record<string, Record<string, unknown>>;
    const people = [
      { years: 3, startMonth: '2026-06', expect: { months: 7, fen: 126_000 } },
      { years: 2, startMonth: '2024-05', expect: { months: 12, fen: 144_000 } },
    ];
    const expected = [];
    for (const x of people) {
      const p = await enrol('rural-veteran-elderly-subsidy', '1958-06-15', { category: 'veteran', hukouType: 'rural', soldierType: 'conscript', enlistmentDate: '1976-12-20', dischargeDate: '1980-01-05', placementType: 'self-employment' });
      await step('village-clerk', p.caseId, 'SUBMIT', { ...s.application, name: p.name, idNumber: p.idNumber, compulsoryServiceYears: x.years });
      await step('town-clerk', p.caseId, 'APPROVE', s.review!);
      const notice = await step('district-clerk', p.caseId, 'VERIFY', { ...s.verification, compulsoryServiceYearsVerified: x.years });
      t.ok(await sendSystemEvent(app.caseDeps, p.caseId, 'DEADLINE', notice.version), 'the 7-day public notice ends');
      const paying = await step('district-clerk-2', p.caseId, 'APPROVE', {
        compulsoryServiceYears: x.years, rateYear: 2026, ratePerServiceYearFen: 6_000,
        monthlyAmountFen: 6_000 * x.years, startMonth: x.startMonth, paymentChannel: 'social-security-card', bankName: '中国农业银行新河支行', bankAccount: p.account,
      });
      t.equal(paying.state, 'paying');
      expected.push({
        caseId: p.caseId, months: x.expect.months, multiplierPercent: x.years * 100, annualFen: 72_000,
        fen: x.expect.fen, payee: p.name, account: p.account,
      });
    }
    const b = await payYear('rural-veteran-elderly-subsidy', 'RVE', expected, []);
    t.match(b.standards, [{ key: 'rural-veteran-elderly-subsidy-monthly', value: 6_000, effectiveFrom: '2025-01-01' }]);
    t.equal(b.totalFen, 270_000, '1,260 + 1,440 = 2,700 元');
  });
  await t.test('定期抚恤金: per survivor by the nature of the death (version 2 of the item)', async (t) => {
    // 烈士 3,500 / 因公牺牲 3,000 / 病故 2,800 元 a month (seeded from 2026-01-01).
    const claims = [
      { deathType: 'martyr', startMonth: '2026-11', expect: { months: 2, annualFen: 4_200_000, fen: 700_000 } },
      { deathType: 'duty', startMonth: '2026-01', expect: { months: 12, annualFen: 3_600_000, fen: 3_600_000 } },
      { deathType: 'illness', startMonth: '2025-03', stoppedOn: '2026-03-15', expect: { months: 3, annualFen: 3_360_000, fen: 840_000 } },
    ];
    const expected = [];
    for (const x of claims) {
      const p = await payingSurvivor(x.deathType, x.startMonth, x.expect.annualFen);
      if (x.stoppedOn) t.equal((await step('district-clerk', p.caseId, 'STOP', { stopReason: 'under-review', reason: '领取人条件变化待核实，中止发放。', stoppedOn: x.stoppedOn })).state, 'suspended');
      expected.push({
        caseId: p.caseId, months: x.expect.months, multiplierPercent: 100, annualFen: x.expect.annualFen,
        fen: x.expect.fen, payee: p.name, account: p.account,
      });
    }
    const b = await payYear('death-pension-survivors', 'DPS', expected, []);
    t.equal(b.totalFen, 5_140_000, '7,000 + 36,000 + 8,400 = 51,400 元');
  });
  await t.test('定期抚恤金 stopped and resumed within the year, the standard raised on 1 July: each month at its own rate, one rounding per line', async (t) => {
    // The raise, through the standards API: 360,950.5 / 309,300.5 / 288,600.5 fen a month leave half a fen on purpose.
    const raised = { martyr: 4_331_406, duty: 3_711_606, illness: 3_463_206 };
    const added = await app.inject({
      method: 'POST', url: '/api/v1/standards', headers: await login(app, 'policy'),
      payload: { key: 'death-pension-survivors-annual', value: raised, unit: '分/年（每名遗属，按死亡性质）', effectiveFrom: '2026-07-01', policyDocument: { issuer: '新河区退役军人事务局、新河区财政局', number: '新退役发〔2026〕9号', date: '2026-06-20' }, note: '自2026年7月1日起提高定期抚恤金标准。' },
    });
    t.equal(added.statusCode, 201, added.body);
    const cases = [
      // Paid January to April at 2,800 元 and September to December at 2,886.005 元: 11,200 + 11,544.02 元.
      { deathType: 'illness', startMonth: '2025-03', stop: '2026-04-15', resume: '2026-09-10', expect: { months: 8, annualFen: 3_463_206, fen: 2_274_402 } },
      // January to June at 3,500 元, then July and December alone at 3,609.505 元: 21,000 + 7,219.01 元
      // (7,219.02 if each month were rounded).
      { deathType: 'martyr', startMonth: '2025-03', stop: '2026-08-01', resume: '2026-12-01', expect: { months: 8, annualFen: 4_331_406, fen: 2_821_901 } },
      // From April, still stopped from 20 November: 3 × 3,000 + 5 × 3,093.005 = 24,465.025 元, half up to the fen once.
      { deathType: 'duty', startMonth: '2026-04', stop: '2026-11-20', expect: { months: 8, annualFen: 3_711_606, fen: 2_446_503 } },
      // Resumed, then the resumption taken back (撤回): still stopped from 10 February, January and February at 2,800 元.
      { deathType: 'illness', startMonth: '2025-03', stop: '2026-02-10', resume: '2026-05-05', recall: true, expect: { months: 2, annualFen: 3_360_000, fen: 560_000 } },
    ];
    const expected = [];
    for (const x of cases) {
      const p = await payingSurvivor(x.deathType, x.startMonth, x.expect.annualFen);
      t.equal((await step('district-clerk', p.caseId, 'STOP', { stopReason: 'under-review', reason: '领取人条件变化待核实，中止发放。', stoppedOn: x.stop })).state, 'suspended');
      if (x.resume) t.equal((await step('district-clerk', p.caseId, 'RESUME', { resumedOn: x.resume, note: '经核实仍符合条件，恢复发放。' })).state, 'paying');
      if (x.recall) t.equal((await step('district-clerk', p.caseId, 'RECALL', { reason: '恢复依据尚未到位' })).state, 'suspended');
      expected.push({
        caseId: p.caseId, months: x.expect.months, multiplierPercent: 100, annualFen: x.expect.annualFen,
        fen: x.expect.fen, payee: p.name, account: p.account,
      });
    }
    // The year's third batch: the second found nothing left to pay.
    const b = await payYear('death-pension-survivors', 'DPS', expected, [], '003');
    t.match(b.standards, [{ key: 'death-pension-survivors-annual', effectiveFrom: '2026-01-01' }, { key: 'death-pension-survivors-annual', effectiveFrom: '2026-07-01', value: raised }], 'both standards of the year, as applied');
    t.equal(b.totalFen, 8_102_806, '22,744.02 + 28,219.01 + 24,465.03 + 5,600 = 81,028.06 元');
  });
  t.same((await verifyHistories(app.db, app.registry)).mismatches, [], 'every case replays from its history');
});

t.test('a case still on version 1 of its item (no RECORD_PAYMENT while paying) is left out of the batch, with why, until it is migrated', async (t) => {
  const app = await build(t);
  const users = Object.fromEntries(await Promise.all(['village-clerk', 'town-clerk', 'district-clerk', 'district-clerk-2'].map(async (u) => [u, await login(app, u)] as const)));
  // Version 1 as it was before payments were recorded in the case: `paying` and `suspended` took no RECORD_PAYMENT.
  const { $schema: _, ...v2 } = JSON.parse(readFileSync(new URL('../workflows/rural-veteran-elderly-subsidy.json', import.meta.url), 'utf8'));
  t.equal(v2.version, 2);
  const v1 = structuredClone(v2);
  v1.version = 1;
  for (const st of ['paying', 'suspended']) {
    delete v1.machine.states[st].on.RECORD_PAYMENT;
    delete v1.machine.states[st].meta.events.RECORD_PAYMENT;
  }
  await app.db.insertInto('workflow_versions').values({
    workflow_id: v1.id, version: 1, status: 'retired', definition: JSON.stringify(v1), note: '第1版', author: 'system', created_at: new Date('2025-01-01'), published_at: new Date('2025-01-01'), effective_from: null,
  }).onConflict((oc) => oc.columns(['workflow_id', 'version']).doUpdateSet({ definition: JSON.stringify(v1) })).execute();

  const paying = async (seq: number, version: number) => {
    // While the case is opened, the version it is to stay on is the one in force.
    await app.db.updateTable('workflow_versions').set({ status: version === 1 ? 'published' : 'retired' }).where('workflow_id', '=', v1.id).where('version', '=', 1).execute();
    await app.db.updateTable('workflow_versions').set({ effective_from: version === 1 ? new Date('2099-01-01') : null }).where('workflow_id', '=', v1.id).where('version', '=', 2).execute();
    const { opened, done } = await payingElderlySubsidy(app, users, seq);
    t.equal(opened.workflowVersion, version, `opened on version ${version}`);
    t.equal(done.state, 'paying');
    t.equal(done.workflowVersion, version, 'and stays on it');
    return opened.id;
  };
  const old = await paying(1, 1);
  const current = await paying(2, 2);

  const built = await app.inject({ method: 'POST', url: '/api/v1/payment-batches', headers: users['district-clerk']!, payload: { workflowId: v1.id, period: '2026' } });
  t.equal(built.statusCode, 201, built.body.slice(0, 400));
  const b = built.json();
  t.same(b.lines.map((l: { caseId: string }) => l.caseId), [current], 'only the case on the version that records payments');
  t.match(b.lines[0], { months: 12, amountFen: 144_000 });
  t.match(b.skipped, [{ caseId: old, reason: /第1版.*不能登记发放（RECORD_PAYMENT）.*迁移/ }], 'the case on version 1 is left out, and why');
  t.equal(b.totalFen, 144_000);
});

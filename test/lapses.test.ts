import t from 'tap';
import { manualClock } from '../src/clock.ts';
import { makeIdNumber } from '../src/personal-numbers/id-number.ts';
import { sweep } from '../src/supervision/sweeper.ts';
import { build, login } from './helpers/build.ts';
import { archiveForm, dischargeIntake, openCase, send } from './helpers/fixtures.ts';
import { flat, readPdf } from './helpers/notice-pdf.ts';
import { loadSamples } from './helpers/paths.ts';

// Issue #15 §3 through the real service: the reporting delay is computed from the dates, late
// reporters are received and the placement consequence decided with its notice, and a 补正 notice
// states the timer's date and what the machine does when it runs out.
if (!process.env.TAP_TIMEOUT) t.setTimeout(240_000);

const clock = manualClock('2026-11-09T10:00:00+08:00'); // a Monday
// The clock moves by weeks; sessions must outlive it.
const app = await build(t, { clock, config: { sessionTtlMinutes: 60 * 24 * 365, sessionMaxHours: 24 * 365 } });
const district = await login(app, 'district-clerk');
const late = { ...dischargeIntake, dischargeDate: '2026-09-05', reportDate: '2026-11-09' }; // 35 days past 5 October

const reporting = loadSamples('discharge-reporting').person;
let seq = 0;
/** A veteran of their own for each case: a person has one reporting case at a time. */
async function person(): Promise<string> {
  const res = await app.inject({
    method: 'POST', url: '/api/v1/persons', headers: await login(app, 'village-clerk'),
    payload: { name: `迟报${seq}`, idNumber: makeIdNumber('330102', reporting.birthDate!, 101 + 2 * seq++), attributes: reporting.attributes },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json().id;
}

const get = async (id: string) => (await app.inject({ url: `/api/v1/cases/${id}`, headers: district })).json();
const children = async (id: string) => (await app.db.selectFrom('cases').select('workflow_id').where('parent_case_id', '=', id).execute()).map((c) => c.workflow_id).sort();

async function noticeText(caseId: string, title: RegExp): Promise<string> {
  const items = (await app.inject({ url: `/api/v1/cases/${caseId}/notices`, headers: district })).json().items as { code: string; title: string; kind: string }[];
  const n = items.filter((x) => title.test(x.title)).at(-1);
  if (!n) throw new Error(`no notice ${title} among ${items.map((x) => x.title).join(', ')}`);
  const pdf = await app.inject({ url: `/api/v1/notices/${n.code}.pdf`, headers: district });
  return flat(readPdf(pdf.rawPayload).text);
}

async function submitted(intake: Record<string, unknown>) {
  const c = (await openCase(app, district, 'discharge-reporting', await person())).json();
  const res = await send(app, district, c.id, 'SUBMIT', intake);
  t.equal(res.statusCode, 200, JSON.stringify(res.json()));
  return c.id as string;
}

t.test('reporting in time: straight on to the file and the household letter, with every follow-up item', async (t) => {
  const id = await submitted({ ...dischargeIntake, dischargeDate: '2026-09-05', reportDate: '2026-11-04' }); // 30 days past, not more
  t.equal((await get(id)).state, 'archiveCheck');
  t.same(await children(id), ['self-employment-subsidy', 'social-insurance-transfer', 'veteran-profile', 'veteran-training']);
});

t.test('more than 30 days late: received, then the district decides; no good reason forfeits the placement benefits, with a decision notice', async (t) => {
  const id = await submitted(late);
  t.equal((await get(id)).state, 'lateReview', 'received, and the placement consequence goes to a district step');
  t.same(await children(id), ['social-insurance-transfer', 'veteran-profile', 'veteran-training'], 'no placement benefit is started before the decision');
  const res = await send(app, district, id, 'FORFEIT', { reason: '你超过规定报到时间30日以上报到，经询问未能说明正当理由。', legalBasis: '《退役军人安置条例》第五十一条第二款' });
  t.equal(res.statusCode, 200, JSON.stringify(res.json()));
  t.equal((await get(id)).state, 'archiveCheck', 'the file and household steps still follow (安置条例第五十三条)');
  t.same(await children(id), ['social-insurance-transfer', 'veteran-profile', 'veteran-training'], 'nor after it');
  const text = await noticeText(id, /视为放弃安置待遇决定书/);
  t.match(text, '超过规定报到时间的天数35日', 'the computed delay is printed');
  t.match(text, '2026年10月5日', 'with the day the period ended');
  t.match(text, '未能说明正当理由', 'and the reason');
  t.match(text, '复议', 'and the remedy');
  const archived = await send(app, district, id, 'RECORD_ARCHIVE', { ...archiveForm, archiveReceivedDate: '2026-11-09' });
  t.equal(archived.statusCode, 200, archived.body.slice(0, 400));
  t.equal((await get(id)).outcome, 'completed');
});

t.test('more than 30 days late with a good reason: the placement goes on', async (t) => {
  const id = await submitted(late);
  t.equal((await send(app, district, id, 'ACCEPT_REASON', { goodReason: '因执行抢险救灾任务延迟离队，有原部队证明。' })).statusCode, 200);
  t.equal((await get(id)).state, 'archiveCheck');
  t.same(await children(id), ['self-employment-subsidy', 'social-insurance-transfer', 'veteran-profile', 'veteran-training']);
});

t.test('a placement by job counts from the time its notice set, which the form then requires', async (t) => {
  const assigned = { ...late, placementType: 'assigned-job', soldierType: 'nco', materials: [...late.materials, 'placement-notice'] };
  const c = (await openCase(app, district, 'discharge-reporting', await person())).json();
  t.equal((await send(app, district, c.id, 'SUBMIT', assigned)).statusCode, 422, 'no reporting time, no reception');
  t.equal((await send(app, district, c.id, 'SUBMIT', { ...assigned, reportBy: '2026-10-20' })).statusCode, 200);
  t.equal((await get(c.id)).state, 'archiveCheck', '20 days past the notice\'s date is not more than 30');
  const c2 = await submitted({ ...assigned, reportBy: '2026-10-09' });
  t.equal((await get(c2)).state, 'lateReview', '31 days past it is');
});

t.test('an application\'s 补正 notice prints the timer\'s date and 视为撤回; the lapse is told on a notice', async (t) => {
  clock.set('2026-09-07T10:00:00+08:00');
  const c = (await openCase(app, district, 'discharge-reporting', await person())).json();
  t.equal((await send(app, district, c.id, 'RETURN', { missing: ['unit-letter'] })).statusCode, 200);
  const text = await noticeText(c.id, /补正材料通知书/);
  t.match(text, '请于2026年10月8日前', '30 days end on 7 October, a holiday: the next working day');
  t.match(text, '视为撤回本次申请');
  clock.set('2026-10-09T09:00:00+08:00');
  await sweep(app.caseDeps, { graceWorkingDays: 2, batchSize: 50 });
  t.equal((await get(c.id)).outcome, 'withdrawn');
  const lapse = await noticeText(c.id, /终止办理告知书/);
  t.match(lapse, '本次申请视为撤回');
  t.match(lapse, '复议');
});

t.test('where the duty is the state\'s, the 补正 notice does not say 视为撤回, and the lapse goes back to a clerk', async (t) => {
  clock.set('2026-11-09T10:00:00+08:00');
  const parent = await submitted({ ...dischargeIntake, reportDate: '2026-09-20' });
  const child = (await app.db.selectFrom('cases').select('id').where('parent_case_id', '=', parent).where('workflow_id', '=', 'veteran-profile').executeTakeFirstOrThrow()).id;
  const samples = loadSamples('veteran-profile');
  const village = await login(app, 'village-clerk');
  const town = await login(app, 'town-clerk');
  t.equal((await send(app, village, child, 'SUBMIT', samples.forms.collection as Record<string, unknown>)).statusCode, 200);
  t.equal((await send(app, town, child, 'RETURN', { missing: ['photo'] })).statusCode, 200);
  const text = await noticeText(child, /补正材料通知书/);
  t.notMatch(text, '视为撤回');
  t.match(text, '本机关将依据现有材料继续办理');
  t.match(text, '请于2026年11月23日前', 'the 10 working days of the waiting step\'s timer');
  clock.set('2026-11-24T09:00:00+08:00');
  await sweep(app.caseDeps, { graceWorkingDays: 2, batchSize: 50 });
  const c = await get(child);
  t.match(c, { state: 'correctionLapsed', status: 'open' }, 'not closed: in a step of its own');
  t.ok(c.dueAt, 'with an SLA, so it shows in the queue as due');
  t.equal((await send(app, village, child, 'PROCEED')).statusCode, 200);
  t.equal((await get(child)).state, 'collection');
});

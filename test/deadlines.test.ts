import t from 'tap';
import { readFileSync } from 'node:fs';
import { addWorkingDays, dueAt, MAX_DAYS, workingDaysLeft } from '../src/calendar/deadline.ts';
import { makeCalendar } from '../src/calendar/working-calendar.ts';
import { manualClock } from '../src/clock.ts';
import type { WorkflowDefinition } from '../src/definitions/definition.types.ts';
import { insertVersionIfMissing } from '../src/definitions/workflow.repository.ts';
import { sweep } from '../src/supervision/sweeper.ts';
import { build, login } from './helpers/build.ts';
import { send } from './helpers/fixtures.ts';

const cal = makeCalendar();
/** The end of a Shanghai day, as the instant the API reports. */
const endOf = (day: string) => new Date(`${day}T23:59:59.999+08:00`).toISOString();

// Expected values are the State Council's published 2026 arrangement, written out by hand:
// 春节 2月15日至23日放假，2月14日（周六）、2月28日（周六）上班；国庆 10月1日至7日放假，10月10日（周六）上班.
t.test('working days follow the official holidays and make-up working days', async (t) => {
  t.equal(addWorkingDays(new Date('2026-09-30T10:00:00+08:00'), 3, cal).at.toISOString(), endOf('2026-10-10'), 'over National Day: 8th, 9th, and Saturday the 10th (make-up)');
  t.equal(addWorkingDays(new Date('2026-02-13T10:00:00+08:00'), 2, cal).at.toISOString(), endOf('2026-02-24'), 'over Spring Festival: Saturday the 14th, then the 24th');
  t.equal(addWorkingDays(new Date('2026-02-27T10:00:00+08:00'), 1, cal).at.toISOString(), endOf('2026-02-28'), 'Saturday 28 February is a working day');
  t.equal(addWorkingDays(new Date('2026-11-20T23:30:00+08:00'), 1, cal).at.toISOString(), endOf('2026-11-23'), 'a Friday evening in Shanghai counts from Friday');
  t.equal(workingDaysLeft(new Date('2026-09-29T09:00:00+08:00'), new Date(endOf('2026-10-12')), cal), 5, '30th, 8th, 9th, 10th, 12th');
  t.equal(dueAt({ calendarDays: 7 }, new Date('2026-09-30T10:00:00+08:00'), cal).at.toISOString(), endOf('2026-10-08'), 'the 7th day, 7 October, is a holiday: the period ends on Thursday the 8th');
  t.equal(dueAt({ calendarDays: 10 }, new Date('2026-09-30T10:00:00+08:00'), cal).at.toISOString(), endOf('2026-10-10'), 'Saturday 10 October is a make-up working day: no move');
  t.equal(dueAt({ calendarDays: 2 }, new Date('2026-11-19T10:00:00+08:00'), cal).at.toISOString(), endOf('2026-11-23'), 'a period ending on Saturday ends on Monday');
  t.equal(dueAt({ calendarDays: 1 }, new Date('2026-11-19T10:00:00+08:00'), cal).at.toISOString(), endOf('2026-11-20'), 'a period ending on a working day stays');
  t.equal(dueAt({ before: '08-01' }, new Date('2026-11-24T10:00:00+08:00'), cal).at.toISOString(), new Date('2027-08-01T00:00:00+08:00').toISOString(), '"before 1 August" means next year once this one has passed');
});

t.test('counting days is bounded: ten years at most, refused beyond, quick either way', async (t) => {
  const from = new Date('2026-11-24T10:00:00+08:00');
  const started = performance.now();
  const far = addWorkingDays(from, MAX_DAYS, cal);
  t.ok(far.at.getUTCFullYear() >= 2040 && far.uncertain, `${MAX_DAYS} working days end in ${far.at.getUTCFullYear()}, flagged uncertain`);
  for (const n of [MAX_DAYS + 1, Infinity, NaN, -1, 1.5, 2 ** 60]) {
    t.throws(() => addWorkingDays(from, n, cal), { code: 'BAD_REQUEST', statusCode: 400 }, `${n} working days are refused as bad input`);
    t.throws(() => dueAt({ calendarDays: n }, from, cal), { code: 'BAD_REQUEST' }, `so are ${n} calendar days`);
  }
  t.equal(workingDaysLeft(from, new Date('9999-12-31T00:00:00Z'), cal), MAX_DAYS, 'a due date in the year 9999 counts no further than the bound');
  t.ok(performance.now() - started < 2000, `all in ${Math.round(performance.now() - started)} ms`);
});

t.test('a deadline in a year the calendar does not know is flagged until an admin loads it', async (t) => {
  const late = addWorkingDays(new Date('2026-12-29T10:00:00+08:00'), 5, cal);
  t.ok(late.uncertain, 'counting into 2027 is flagged');
  t.notOk(addWorkingDays(new Date('2026-12-01T10:00:00+08:00'), 5, cal).uncertain);
  const app = await build(t);
  const admin = await login(app, 'admin');
  const clerk = await login(app, 'district-clerk');
  const body = { source: '国务院办公厅关于2027年部分节假日安排的通知', holidays: ['2027-01-01'], workdays: [] };
  t.equal((await app.inject({ method: 'PUT', url: '/api/v1/calendar/2027', headers: clerk, payload: body })).statusCode, 403, 'only admins load calendars');
  const bad = await app.inject({ method: 'PUT', url: '/api/v1/calendar/2027', headers: admin, payload: { ...body, holidays: ['2028-01-01'] } });
  t.equal(bad.statusCode, 422, 'a day outside the year is refused');
  const put = await app.inject({ method: 'PUT', url: '/api/v1/calendar/2027', headers: admin, payload: body });
  t.equal(put.statusCode, 200, put.body);
  const loaded = app.calendar.current;
  t.ok(loaded.knowsYear(2027));
  t.notOk(loaded.isWorkday('2027-01-01'), 'New Year 2027 is a holiday once loaded (the package calls it a working day)');
  const after = addWorkingDays(new Date('2026-12-29T10:00:00+08:00'), 5, loaded);
  t.notOk(after.uncertain);
  t.equal(after.at.toISOString(), endOf('2027-01-06'), '30th, 31st, (1st off), 4th, 5th, 6th');
  const got = (await app.inject({ url: '/api/v1/calendar/2027', headers: clerk })).json();
  t.match(got, { year: 2027, known: true, source: body.source, holidays: ['2027-01-01'] });
});

async function drillApp(t: Parameters<typeof build>[0], start: string) {
  const clock = manualClock(start);
  // The drill moves the clock by weeks; sessions must outlive it.
  const app = await build(t, { clock, config: { sessionTtlMinutes: 60 * 24 * 365, sessionMaxHours: 24 * 365 } });
  const def = JSON.parse(readFileSync(new URL('./fixtures/deadline-drill.json', import.meta.url), 'utf8')) as WorkflowDefinition;
  await insertVersionIfMissing(app.db, def, 'test fixture', 'test', clock.now());
  const town = await login(app, 'town-clerk');
  const district = await login(app, 'district-clerk');
  const open = async () => (await app.inject({ method: 'POST', url: '/api/v1/cases', headers: district, payload: { workflowId: 'deadline-drill', personId: 'p-zhang-wei' } })).json();
  const get = async (id: string) => (await app.inject({ url: `/api/v1/cases/${id}`, headers: district })).json();
  const sweepNow = () => sweep(app.caseDeps, { graceWorkingDays: 2, batchSize: 2 });
  return { app, clock, town, district, open, get, sweepNow };
}

t.test('补正 stops the clock and keeps the days left; a send-back starts afresh', async (t) => {
  const d = await drillApp(t, '2026-11-02T09:00:00+08:00'); // a Monday
  const c = await d.open();
  t.equal(c.dueAt, endOf('2026-11-09'), '5 working days');
  d.clock.set('2026-11-04T09:00:00+08:00');
  await send(d.app, d.town, c.id, 'RETURN', { missing: ['form'] });
  const paused = await d.get(c.id);
  t.equal(paused.state, 'awaitingMaterials');
  t.equal(paused.dueAt, null, 'no SLA runs while the applicant gathers materials');
  d.clock.set('2026-11-16T09:00:00+08:00');
  await send(d.app, d.town, c.id, 'RESUBMIT', { materials: ['form'] });
  const resumed = await d.get(c.id);
  t.equal(resumed.dueAt, endOf('2026-11-19'), 'the 3 working days left (5th, 6th, 9th) run on from the 16th: 17th, 18th, 19th');
  await send(d.app, d.town, c.id, 'APPROVE', { opinion: '同意' });
  d.clock.set('2026-11-17T09:00:00+08:00');
  await send(d.app, d.district, c.id, 'SEND_BACK', { opinion: '请补充核实' });
  t.equal((await d.get(c.id)).dueAt, endOf('2026-11-24'), 'sent back: a fresh 5 working days from the 17th');
});

t.test('a public notice ends by itself; an unanswered 补正 lapses; both catch up after downtime', async (t) => {
  const d = await drillApp(t, '2026-11-02T09:00:00+08:00');
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const c = await d.open();
    await send(d.app, d.town, c.id, 'APPROVE', { opinion: '同意' });
    await send(d.app, d.district, c.id, 'APPROVE', { opinion: '同意公示' });
    ids.push(c.id);
  }
  const lapsing = await d.open();
  await send(d.app, d.town, lapsing.id, 'RETURN', { missing: ['form'] });
  t.equal((await d.get(ids[0]!)).state, 'publicNotice');
  d.clock.set('2026-11-05T09:00:00+08:00');
  t.match(await d.sweepNow(), { timers: 0 }, 'nothing is due yet');
  t.equal((await d.get(ids[0]!)).state, 'publicNotice');
  // The service was down for weeks: one sweep catches up on everything, in batches of two.
  d.clock.set('2026-12-01T09:00:00+08:00');
  const r = await d.sweepNow();
  t.equal(r.timers, 6, 'five notices ended and one 补正 lapsed');
  for (const id of ids) {
    const c = await d.get(id);
    t.equal(c.state, 'approved');
    t.equal(c.outcome, 'granted');
    t.equal(c.history.at(-1).type, 'DEADLINE');
    t.equal(c.history.at(-1).actor, null, 'sent by the service');
  }
  t.equal((await d.get(lapsing.id)).outcome, 'withdrawn');
  t.match(await d.sweepNow(), { timers: 0 }, 'a second sweep finds nothing to do again');
});

t.test('an overdue case is escalated exactly once, even with two sweepers at once', async (t) => {
  const d = await drillApp(t, '2026-11-02T09:00:00+08:00');
  const cases = [];
  for (let i = 0; i < 6; i++) cases.push(await d.open());
  d.clock.set('2026-11-10T09:00:00+08:00'); // due the 9th: overdue, within the 2-day grace
  const first = await d.sweepNow();
  t.equal(first.overdue, 6);
  t.equal(first.escalated, 0, 'inside the grace period nothing is escalated');
  d.clock.set('2026-11-12T09:00:00+08:00'); // grace ended with the 11th
  const [a, b] = await Promise.all([d.sweepNow(), d.sweepNow()]);
  t.equal(a.escalated + b.escalated, 6, 'each case escalated by one sweeper or the other');
  await d.sweepNow();
  for (const c of cases) {
    const v = await d.get(c.id);
    const escalations = v.history.filter((h: { type: string }) => h.type === 'ESCALATE');
    t.equal(escalations.length, 1, 'exactly one escalation entry');
    t.match(escalations[0].payload, { fromLevel: 'town', toLevel: 'district', automatic: true });
    t.equal(v.state, 'townReview', 'escalation does not move the machine');
  }
});

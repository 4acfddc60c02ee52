import t from 'tap';
import { manualClock } from '../src/clock.ts';
import { build, login } from './helpers/build.ts';
import { archiveForm, dischargeIntake, openCase, send } from './helpers/fixtures.ts';

t.test('a discharge report walks from the window to completion, with notices and a child case', async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'district-clerk');
  const opened = await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei');
  t.equal(opened.statusCode, 201);
  const c = opened.json();
  t.equal(c.state, 'reception');
  t.equal(c.status, 'open');
  t.equal(c.version, 1);
  t.equal(c.data.name, '张伟', 'name pre-filled from the person file');
  t.match(c.data.idNumber, /^330102\*{8}\d{3}[\dX]$/, 'ID number pre-filled and masked');
  t.ok(c.dueAt, 'the step has a due date');
  t.same(c.currentStep.allowedEvents.map((e: { type: string }) => e.type), ['SUBMIT', 'RETURN', 'REFUSE', 'WITHDRAW']);
  t.equal(c.currentStep.form.properties.idNumber.format, 'cn-id-number', 'the step form is the intake form');

  const submitted = await send(app, clerk, c.id, 'SUBMIT', dischargeIntake, 1);
  t.equal(submitted.statusCode, 200);
  const s = submitted.json();
  t.equal(s.state, 'archiveCheck');
  t.equal(s.version, 2);
  t.same(s.notices.map((n: { key: string }) => n.key), ['registrationForm', 'receipt', 'accepted']);
  t.same(s, (await app.inject({ url: `/api/v1/cases/${c.id}`, headers: clerk })).json(), 'the step answers with the case exactly as it now reads');

  const done = await send(app, clerk, c.id, 'RECORD_ARCHIVE', archiveForm, 2);
  t.equal(done.statusCode, 200);
  const d = done.json();
  t.equal(d.state, 'completed');
  t.equal(d.status, 'closed');
  t.equal(d.outcome, 'completed');
  t.equal(d.currentStep, null);
  t.same(d.history.map((h: { type: string }) => h.type), ['START', 'SUBMIT', 'RECORD_ARCHIVE']);
  t.same(d.history.map((h: { to: string }) => h.to), ['reception', 'archiveCheck', 'completed']);
  t.ok(d.notices.some((n: { kind: string }) => n.kind === 'completion'), 'completion notice issued');

  const person = (await app.inject({ url: '/api/v1/persons/p-zhang-wei', headers: clerk })).json();
  const child = person.cases.find((x: { workflowId: string }) => x.workflowId === 'veteran-profile');
  t.ok(child, 'reporting started the veteran profile');
  t.equal(child.parentCaseId, c.id, 'as a child case');
  t.equal(child.state, 'collection');

  const closedAgain = await send(app, clerk, c.id, 'SUBMIT', dischargeIntake, 3);
  t.equal(closedAgain.statusCode, 409);
  t.equal(closedAgain.json().code, 'CASE_CLOSED');
});

t.test('a form\'s cross-field rules: 422 naming both fields, judged on the Shanghai day of the service clock, skipped on bad data', async (t) => {
  // 00:30 on 1 October in Shanghai, still 30 September in UTC.
  const app = await build(t, { clock: manualClock('2026-09-30T16:30:00Z') });
  const clerk = await login(app, 'district-clerk');
  const c = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json();
  const errorsOf = async (data: Record<string, unknown>, headers = clerk) => {
    const res = await send(app, headers, c.id, 'SUBMIT', { ...dischargeIntake, ...data }, 1);
    t.equal(res.statusCode, 422, JSON.stringify(data));
    t.equal(res.json().code, 'VALIDATION_FAILED');
    return res.json().errors as { path: string; message: string }[];
  };
  t.same(await errorsOf({ reportDate: '2026-09-01' }), [{ path: '/reportDate', message: '「报到日期」不能早于「批准退出现役日期」' }], 'a report before the discharge');
  t.same(await errorsOf({ reportDate: '2026-09-01' }, { ...clerk, 'accept-language': 'en' }), [{ path: '/reportDate', message: 'Date of reporting cannot be earlier than Date of discharge' }], 'in English on request');
  t.same(await errorsOf({ reportDate: '2026-10-02' }), [{ path: '/reportDate', message: '「报到日期」不能晚于今天（2026-10-01）' }], 'a report tomorrow, in Shanghai');
  t.same(await errorsOf({ dischargeDate: '2026-10-02', reportDate: '2026-10-02' }), [
    { path: '/dischargeDate', message: '「批准退出现役日期」不能晚于今天（2026-10-01）' },
    { path: '/reportDate', message: '「报到日期」不能晚于今天（2026-10-01）' },
  ], 'every rule broken is reported at once');
  const malformed = await errorsOf({ dischargeDate: '2026-02-30', reportDate: '2026-09-01' });
  t.same(malformed.map((e) => e.path), ['/dischargeDate'], 'a date that does not exist is the format\'s error; the rule comparing with it is skipped');
  const { dischargeDate: _, ...withoutDischarge } = dischargeIntake;
  const missing = await send(app, clerk, c.id, 'SUBMIT', { ...withoutDischarge, reportDate: 12 }, 1);
  t.equal(missing.statusCode, 422, 'a missing field and a number for a date: no rule runs, no 500');
  t.same(missing.json().errors.map((e: { path: string }) => e.path).sort(), ['/dischargeDate', '/reportDate']);
  t.equal((await send(app, clerk, c.id, 'SUBMIT', { ...dischargeIntake, reportDate: '2026-10-01' }, 1)).statusCode, 200, 'reporting today is accepted');
});

t.test('field errors come back in Chinese, or English on request, and nothing is written', async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'district-clerk');
  const c = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json();
  const bad = await send(app, clerk, c.id, 'SUBMIT', { ...dischargeIntake, idNumber: '330102200203151311', reportDate: '2026-13-40' }, 1);
  t.equal(bad.statusCode, 422);
  const body = bad.json();
  t.equal(body.code, 'VALIDATION_FAILED');
  t.match(body.message, /[\u4e00-\u9fa5]/, 'message in Chinese');
  const idErr = body.errors.find((e: { path: string }) => e.path === '/idNumber');
  t.match(idErr.message, /公民身份号码/);
  t.ok(body.errors.find((e: { path: string }) => e.path === '/reportDate'), 'the bad date is named');
  const en = await send(app, { ...clerk, 'accept-language': 'en-GB,en' }, c.id, 'SUBMIT', { ...dischargeIntake, mobile: '12345' }, 1);
  t.equal(en.statusCode, 422);
  t.match(en.json().errors[0], { path: '/mobile', message: /Mobile/ });
  const missing = await send(app, clerk, c.id, 'SUBMIT', { name: '张伟' }, 1);
  t.ok(missing.json().errors.some((e: { path: string; message: string }) => e.path === '/dischargeDate' && /必填/.test(e.message)));
  const after = (await app.inject({ url: `/api/v1/cases/${c.id}`, headers: clerk })).json();
  t.equal(after.version, 1, 'a rejected event writes nothing');
  t.equal(after.history.length, 1);
});

t.test('guards: materials must be complete, conditional materials included', async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'district-clerk');
  const c = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json();
  const r = await send(app, clerk, c.id, 'SUBMIT', { ...dischargeIntake, partyMember: true }, 1);
  t.equal(r.statusCode, 422);
  t.equal(r.json().code, 'GUARD_FAILED', 'a party member must bring the party letter');
  const ok = await send(app, clerk, c.id, 'SUBMIT', { ...dischargeIntake, partyMember: true, materials: [...dischargeIntake.materials, 'party-letter'] }, 1);
  t.equal(ok.statusCode, 200);
});

t.test('stale versions, unknown events, system events and idempotent retries', async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'district-clerk');
  const c = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json();

  const stale = await send(app, clerk, c.id, 'SUBMIT', dischargeIntake, 7);
  t.equal(stale.statusCode, 409);
  t.match(stale.json(), { code: 'STALE_VERSION', currentVersion: 1 });

  const wrong = await send(app, clerk, c.id, 'RECORD_ARCHIVE', archiveForm, 1);
  t.equal(wrong.statusCode, 409);
  t.equal(wrong.json().code, 'EVENT_NOT_ALLOWED');
  t.ok(wrong.json().allowedEvents.some((e: { type: string }) => e.type === 'SUBMIT'), 'the error lists what is allowed');

  const system = await send(app, clerk, c.id, 'DEADLINE', undefined, 1);
  t.equal(system.statusCode, 403);
  t.equal(system.json().code, 'SYSTEM_EVENT');

  const key = { 'idempotency-key': 'retry-1' };
  const first = await send(app, clerk, c.id, 'SUBMIT', dischargeIntake, 1, key);
  t.equal(first.statusCode, 200);
  const retry = await send(app, clerk, c.id, 'SUBMIT', dischargeIntake, 1, key);
  t.equal(retry.statusCode, 200, 'a retry with the same key returns the first result, before the version check');
  t.same(retry.json(), first.json());
  const differ = await send(app, clerk, c.id, 'SUBMIT', { ...dischargeIntake, reportDate: '2026-09-21' }, 1, key);
  t.equal(differ.statusCode, 422);
  t.equal(differ.json().code, 'IDEMPOTENCY_MISMATCH');
  const now = (await app.inject({ url: `/api/v1/cases/${c.id}`, headers: clerk })).json();
  t.equal(now.history.filter((h: { type: string }) => h.type === 'SUBMIT').length, 1, 'one event, not two');
});

t.test('jurisdiction: outside it a case does not exist; steps belong to one level', async (t) => {
  const app = await build(t);
  const district = await login(app, 'district-clerk');
  const village = await login(app, 'village-clerk');
  const xishan = await login(app, 'xishan-clerk');
  const c = (await openCase(app, district, 'discharge-reporting', 'p-zhang-wei')).json();
  t.equal((await app.inject({ url: `/api/v1/cases/${c.id}`, headers: xishan })).statusCode, 404, 'another town cannot see it');
  t.equal((await send(app, xishan, c.id, 'SUBMIT', dischargeIntake, 1)).statusCode, 404, 'nor act on it');
  t.equal((await openCase(app, xishan, 'discharge-reporting', 'p-zhang-wei')).statusCode, 404, 'nor open one for that person');
  const seen = await app.inject({ url: `/api/v1/cases/${c.id}`, headers: village });
  t.equal(seen.statusCode, 200, 'the village where the person lives sees the case');
  t.same(seen.json().currentStep.allowedEvents, [], 'but a district step offers the village nothing');
  const forbidden = await send(app, village, c.id, 'SUBMIT', dischargeIntake, 1);
  t.equal(forbidden.statusCode, 403);
  const list = (await app.inject({ url: '/api/v1/cases?status=open', headers: xishan })).json();
  t.same(list.items, [], 'lists are scoped too');
  const noSession = await app.inject({ url: `/api/v1/cases/${c.id}` });
  t.equal(noSession.statusCode, 401);
});

t.test('one open case per item and person; eligibility is checked', async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'district-clerk');
  t.equal((await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).statusCode, 201);
  const second = await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei');
  t.equal(second.statusCode, 409);
  t.equal(second.json().code, 'CASE_ALREADY_OPEN');
  const family = await openCase(app, clerk, 'discharge-reporting', 'p-zhang-jianguo');
  t.equal(family.statusCode, 422);
  t.equal(family.json().code, 'NOT_ELIGIBLE');
  t.match(family.json().message, /退役军人/);
  const card = await openCase(app, clerk, 'preferential-card', 'p-li-jun');
  t.equal(card.statusCode, 422, 'the card needs an established personal file first');
  t.equal((await openCase(app, clerk, 'no-such-item', 'p-zhang-wei')).statusCode, 422);
});

t.test('administrative acts go into the history without moving the machine', async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'district-clerk');
  const supervisor = await login(app, 'supervisor');
  const c = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json();
  const comment = await send(app, supervisor, c.id, 'COMMENT', { text: '请尽快核对档案' }, 1);
  t.equal(comment.statusCode, 200);
  const urge = await send(app, supervisor, c.id, 'URGE', { text: '已超期，请今日办结' }, 2);
  t.equal(urge.statusCode, 200);
  const reassign = await send(app, supervisor, c.id, 'REASSIGN', { userId: 'u-district-clerk-2', reason: '休假' }, 3);
  t.equal(reassign.statusCode, 200);
  const v = reassign.json();
  t.equal(v.state, 'reception', 'state unchanged');
  t.equal(v.version, 4);
  t.equal(v.assigneeId, 'u-district-clerk-2');
  t.same(v.history.map((h: { kind: string }) => h.kind), ['machine', 'admin', 'admin', 'admin']);
  const clerkUrges = await send(app, clerk, c.id, 'URGE', { text: 'x' }, 4);
  t.equal(clerkUrges.statusCode, 403, 'only supervisors urge');
  const outside = await send(app, supervisor, c.id, 'REASSIGN', { userId: 'u-xishan-clerk' }, 4);
  t.equal(outside.statusCode, 422, 'cannot hand over to someone without access');
});

t.test('many requests at once each get their own answer', async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'district-clerk');
  const persons = ['p-zhang-wei', 'p-zhang-jianguo', 'p-li-jun', 'p-zhao-lei'];
  const opened = await Promise.all(persons.map((id) => app.inject({ method: 'POST', url: '/api/v1/cases', headers: clerk, payload: { workflowId: 'festival-visit', personId: id } })));
  const reads = await Promise.all(Array.from({ length: 60 }, (_, i) => app.inject({ url: `/api/v1/persons/${persons[i % 4]}`, headers: clerk })));
  t.ok(reads.every((r, i) => r.statusCode === 200 && r.json().id === persons[i % 4]), 'every concurrent read answers for its own person');
  t.same(opened.map((r) => r.statusCode).filter((s) => s !== 201 && s !== 422 && s !== 409), [], 'opens answer 201 or a clear refusal, never a server error');
});

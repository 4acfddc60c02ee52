import t from 'tap';
import { verifyHistories } from '../src/cli/verify-history.ts';
import { build, login } from './helpers/build.ts';
import { send } from './helpers/fixtures.ts';
import { errorSummary, PageClient, textOf } from './helpers/pages.ts';
import { loadSamples, PathRunner } from './helpers/paths.ts';

const samples = loadSamples('glory-plaque');
const form = (id: string) => {
  const s = samples.forms[id]!;
  return (Array.isArray(s) ? s[0] : s) as Record<string, unknown>;
};

t.test('撤回: a clerk takes back the step just sent while nobody else has acted', async (t) => {
  const app = await build(t);
  const village = await login(app, 'village-clerk');
  const district = await login(app, 'district-clerk');
  const personId = await new PathRunner(app).newPerson(samples);
  const opened = (await app.inject({ method: 'POST', url: '/api/v1/cases', headers: village, payload: { workflowId: 'glory-plaque', personId } })).json();
  t.equal(opened.state, 'householdCheck');
  t.equal(opened.recall, null, 'nothing to take back on a new case');

  const submitted = (await send(app, village, opened.id, 'SUBMIT', form('householdCheck'), 1)).json();
  t.equal(submitted.state, 'districtReview');
  t.same(submitted.recall, { seq: 2, type: 'SUBMIT', label: { zh: submitted.recall?.label.zh, en: submitted.recall?.label.en } });
  t.ok(submitted.recall.label.zh, 'the step is named');
  const seenByDistrict = (await app.inject({ url: `/api/v1/cases/${opened.id}`, headers: district })).json();
  t.equal(seenByDistrict.recall, null, 'the next level is not offered the take-back');

  const notYours = await send(app, district, opened.id, 'RECALL', {}, 2);
  t.equal(notYours.statusCode, 409);
  t.equal(notYours.json().code, 'RECALL_REFUSED');
  t.match(notYours.json().message, /不是您办理的/);

  const bad = await send(app, village, opened.id, 'RECALL', { why: 'x' }, 2);
  t.equal(bad.statusCode, 422, 'a RECALL carries only a reason');
  const stale = await send(app, village, opened.id, 'RECALL', {}, 1);
  t.equal(stale.statusCode, 409);
  t.equal(stale.json().code, 'STALE_VERSION');

  const recalled = await send(app, village, opened.id, 'RECALL', { reason: '户主姓名填错' }, 2);
  t.equal(recalled.statusCode, 200, recalled.body);
  const r = recalled.json();
  t.equal(r.state, 'householdCheck', 'back at the step it was taken from');
  t.equal(r.version, 3);
  t.same(r.data, opened.data, 'the data is as before the step');
  t.equal(r.dueAt, opened.dueAt, 'the step keeps its original deadline');
  t.same(r.history.map((h: { type: string }) => h.type), ['START', 'SUBMIT', 'RECALL']);
  t.match(r.history[2], { kind: 'machine', from: 'districtReview', to: 'householdCheck', payload: { recalledSeq: 2, recalledType: 'SUBMIT', reason: '户主姓名填错' } });
  t.equal(r.recall, null, 'START cannot be taken back');
  const again = await send(app, village, opened.id, 'RECALL', {}, 3);
  t.equal(again.statusCode, 409);
  t.match(again.json().message, /没有可撤回/);

  // Sent again, then acted on by the district: too late to take back.
  const resubmitted = (await send(app, village, opened.id, 'SUBMIT', form('householdCheck'), 3)).json();
  t.equal(resubmitted.recall?.seq, 4);
  const sentBack = await send(app, district, opened.id, 'SEND_BACK', form('sendBack'), 4);
  t.equal(sentBack.statusCode, 200, sentBack.body);
  const late = await send(app, village, opened.id, 'RECALL', {}, 5);
  t.equal(late.statusCode, 409);
  t.equal(late.json().code, 'RECALL_REFUSED');

  const verified = await verifyHistories(app.db, app.caseDeps.registry);
  t.same(verified.mismatches, [], 'every snapshot equals the replay of its history, RECALL included');
});

t.test('撤回 is refused after a notice, or once someone else has worked on the case', async (t) => {
  const app = await build(t);
  const village = await login(app, 'village-clerk');
  const district = await login(app, 'district-clerk', 'en');
  const runner = new PathRunner(app);
  const open = async () => (await app.inject({ method: 'POST', url: '/api/v1/cases', headers: village, payload: { workflowId: 'glory-plaque', personId: await runner.newPerson(samples) } })).json();

  const a = await open();
  const returned = (await send(app, village, a.id, 'RETURN', form('correction'), 1)).json();
  t.equal(returned.state, 'awaitingMaterials');
  t.ok(returned.notices.length > 0, 'returning for materials issued a notice');
  t.equal(returned.recall, null, 'not offered');
  const refused = await send(app, village, a.id, 'RECALL', {}, 2);
  t.equal(refused.statusCode, 409);
  t.match(refused.json().message, /文书/);

  const b = await open();
  await send(app, village, b.id, 'SUBMIT', form('householdCheck'), 1);
  const commented = await send(app, district, b.id, 'COMMENT', { text: '已收到，待审核' }, 2);
  t.equal(commented.statusCode, 200);
  const after = await send(app, village, b.id, 'RECALL', {}, 3);
  t.equal(after.statusCode, 409);
  t.match(after.json().message, /他人或系统处理/);
  const unchanged = (await app.inject({ url: `/api/v1/cases/${b.id}`, headers: village })).json();
  t.equal(unchanged.version, 3, 'a refused take-back writes nothing');
  t.equal(unchanged.state, 'districtReview');
});

t.test('撤回 restores the clock as it stood (an escalation stays), and a step made by a batch cannot be taken back', async (t) => {
  const app = await build(t);
  const village = await login(app, 'village-clerk');
  const townSup = await login(app, 'town-supervisor');
  const runner = new PathRunner(app);
  const open = async () => (await app.inject({ method: 'POST', url: '/api/v1/cases', headers: village, payload: { workflowId: 'glory-plaque', personId: await runner.newPerson(samples) } })).json();

  const a = await open();
  const esc = await app.inject({ method: 'POST', url: '/api/v1/supervision/escalate', headers: townSup, payload: { caseIds: [a.id], reason: '久拖未办' } });
  t.match(esc.json().results, [{ ok: true }]);
  const escalated = (await app.inject({ url: `/api/v1/cases/${a.id}`, headers: village })).json();
  t.ok(escalated.escalatedTo, 'escalated while at the village step');
  // The escalation handed the village step to the town (ADR 0019): the town clerk takes it, and takes it back.
  t.equal((await send(app, village, a.id, 'SUBMIT', form('householdCheck'), escalated.version)).statusCode, 403, 'the village no longer holds it');
  const town = await login(app, 'town-clerk');
  const sent = (await send(app, town, a.id, 'SUBMIT', form('householdCheck'), escalated.version)).json();
  t.equal(sent.escalatedTo, null, 'the next step starts with a clean clock');
  const back = await send(app, town, a.id, 'RECALL', {}, sent.version);
  t.equal(back.statusCode, 200, back.body);
  t.match(back.json(), { state: 'householdCheck', escalatedTo: escalated.escalatedTo, dueAt: escalated.dueAt, stepEnteredAt: escalated.stepEnteredAt }, 'the escalation and the deadline are back as they were');
  t.same(await verifyHistories(app.db, app.caseDeps.registry).then((v) => v.mismatches), []);

  const b = await open();
  const byBatch = await send(app, village, b.id, 'SUBMIT', form('householdCheck'), 1, { 'idempotency-key': 'batch:01-test' });
  t.equal(byBatch.statusCode, 200);
  t.equal(byBatch.json().recall, null, 'not offered for a step made by a batch');
  t.equal((await app.inject({ url: `/api/v1/cases/${b.id}`, headers: village })).json().recall, null, 'nor when the case is read again');
  const refused = await send(app, village, b.id, 'RECALL', {}, 2);
  t.equal(refused.statusCode, 409);
  t.match(refused.json().message, /批量操作/);
});

t.test('撤回 on the case page: offered to the clerk who sent the step, recorded in the timeline', async (t) => {
  const app = await build(t);
  const village = await login(app, 'village-clerk');
  const personId = await new PathRunner(app).newPerson(samples);
  const c = (await app.inject({ method: 'POST', url: '/api/v1/cases', headers: village, payload: { workflowId: 'glory-plaque', personId } })).json();
  await send(app, village, c.id, 'SUBMIT', form('householdCheck'), 1);

  const other = new PageClient(app);
  await other.login('district-clerk');
  t.notMatch((await other.get(`/cases/${c.id}`)).body, /id="recall"/, 'not offered to the next level');
  const forged = await other.post(`/cases/${c.id}/acts`, { _act: 'RECALL', _version: '2' });
  t.equal(forged.statusCode, 409, 'and refused if posted anyway');
  t.match(errorSummary(forged.body), /不是您办理的/);

  const page = new PageClient(app);
  await page.login('village-clerk');
  const before = await page.get(`/cases/${c.id}`);
  t.match(textOf(before.body, 'recall'), /尚无他人处理/);
  const noToken = await page.post(`/cases/${c.id}/acts`, { _act: 'RECALL', _version: '2' }, { csrf: null });
  t.equal(noToken.statusCode, 403, 'CSRF applies');
  const done = await page.post(`/cases/${c.id}/acts`, { _act: 'RECALL', _version: '2', reason: '地址写错' });
  t.equal(done.statusCode, 303);
  const after = await page.follow(done);
  t.match(after.body, /已撤回/);
  t.notMatch(after.body, /id="recall"/, 'nothing more to take back');
  const history = textOf(after.body, 'history');
  t.match(history, /撤回的步骤/);
  t.match(history, /地址写错/);
  t.match(history, /（已撤回）/, 'the step taken back is marked');
  const view = (await app.inject({ url: `/api/v1/cases/${c.id}`, headers: village })).json();
  t.equal(view.state, 'householdCheck');
});

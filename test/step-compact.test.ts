import t from 'tap';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { verifyHistories } from '../src/cli/verify-history.ts';
import { build, login } from './helpers/build.ts';
import { archiveForm, dischargeIntake, openCase } from './helpers/fixtures.ts';
import { formSample, loadSamples, PathRunner } from './helpers/paths.ts';

/**
 * POST /api/v2/cases/:id/events (docs/adr/0027-compact-step.md): the same body, headers and errors
 * as v1, answered with the StepAnswer, which reads no history: its statements and size do not grow
 * with the case's history.
 */

const glory = loadSamples('glory-plaque');
const householdCheck = formSample(glory, 'householdCheck');

// Every statement either database is sent goes through a pg client (the embedded one behind its socket too).
let statements = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function counted(this: pg.Client, ...args: unknown[]) {
  statements++;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;
t.teardown(() => { pg.Client.prototype.query = query; });

async function counting<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }> {
  const before = statements;
  const result = await work();
  return { result, statements: statements - before };
}

function step(
  app: FastifyInstance, headers: Record<string, string>, id: string, type: string, data: unknown,
  expectedVersion: number,
  extra: Record<string, string> = {},
) {
  return app.inject({ method: 'POST', url: `/api/v2/cases/${id}/events`, headers: { ...headers, ...extra }, payload: { type, data, expectedVersion } });
}

async function openGlory(app: FastifyInstance, headers: Record<string, string>, runner: PathRunner) {
  const personId = await runner.newPerson(glory);
  const opened = await app.inject({ method: 'POST', url: '/api/v1/cases', headers, payload: { workflowId: 'glory-plaque', personId } });
  t.equal(opened.statusCode, 201, opened.body);
  return opened.json() as { id: string; version: number };
}

t.test('a v2 step costs the same statements and answer bytes on a case with 50 history entries as on a new one', async (t) => {
  const app = await build(t);
  const village = await login(app, 'village-clerk');
  const runner = new PathRunner(app);
  const fresh = await openGlory(app, village, runner);
  const old = await openGlory(app, village, runner);
  for (let v = 1; v < 50; v++) {
    const res = await app.inject({ method: 'POST', url: `/api/v2/cases/${old.id}/events`, headers: village, payload: { type: 'COMMENT', data: { text: `第${v}条意见` }, expectedVersion: v } });
    t.equal(res.statusCode, 200, res.body);
  }
  const history = (await app.inject({ url: `/api/v1/cases/${old.id}`, headers: village })).json().history;
  t.equal(history.length, 50, 'the old case has 50 history entries');

  const a = await counting(() => step(app, village, fresh.id, 'SUBMIT', householdCheck, 1));
  const b = await counting(() => step(app, village, old.id, 'SUBMIT', householdCheck, 50));
  t.equal(a.result.statusCode, 200, a.result.body);
  t.equal(b.result.statusCode, 200, b.result.body);
  t.comment(`v2 step: ${a.statements} statements, ${a.result.body.length} bytes (new case); ${b.statements} statements, ${b.result.body.length} bytes (50 entries)`);
  t.equal(b.statements, a.statements, 'the same statements whatever the history');
  t.ok(a.statements <= 5, `at most BEGIN, session, lock, write, COMMIT (${a.statements})`);
  const shape = (body: string) => body.replace(/"(id|caseNo)":"[^"]*"/g, '"$1":""').replace(/"(version|seq)":\d+/g, '"$1":0');
  t.equal(shape(b.result.body), shape(a.result.body), 'the same answer but for the ids and numbers');
  t.ok(b.result.body.length - a.result.body.length <= 2, 'the same bytes but for the digits of the version and seq');
  const answer = b.result.json();
  t.notOk('history' in answer, 'no history in the answer');
  t.same(Object.keys(answer), ['id', 'caseNo', 'version', 'state', 'status', 'outcome', 'currentStep', 'forms', 'recall', 'notices', 'children']);
  t.match(answer, { version: 51, state: 'districtReview', status: 'open', recall: { seq: 51, type: 'SUBMIT' }, notices: [], children: [] });

  const v1 = await counting(() => app.inject({ method: 'POST', url: `/api/v1/cases/${fresh.id}/events`, headers: village, payload: { type: 'RECALL', data: {}, expectedVersion: 2 } }));
  const get = await counting(() => app.inject({ url: `/api/v1/cases/${old.id}`, headers: village }));
  t.equal(v1.result.statusCode, 200, v1.result.body);
  t.comment(`v1 RECALL: ${v1.statements} statements, ${v1.result.body.length} bytes; GET case (51 entries): ${get.statements} statements, ${get.result.body.length} bytes`);
  t.same((await verifyHistories(app.db, app.registry)).mismatches, [], 'the rows agree with their histories');
});

t.test('the v2 answer: next step, forms, idempotent replay, stale version, jurisdiction, four eyes', async (t) => {
  const app = await build(t);
  const district = await login(app, 'district-clerk');
  const other = await login(app, 'xishan-clerk');
  const runner = new PathRunner(app);
  const samples = loadSamples('job-placement');
  const personId = await runner.newPerson(samples);
  const opened = (await app.inject({ method: 'POST', url: '/api/v1/cases', headers: district, payload: { workflowId: 'job-placement', personId } })).json();
  const reception = formSample(samples, 'reception');

  const foreign = await step(app, { ...district, origin: 'http://evil.example' }, opened.id, 'REGISTER', reception, 1);
  t.equal(foreign.statusCode, 403, 'CSRF: a cookie write from another origin is refused, as on v1');
  t.equal(foreign.json().code, 'CSRF_REFUSED');
  const outside = await step(app, other, opened.id, 'REGISTER', reception, 1);
  t.equal(outside.statusCode, 404, 'outside the jurisdiction the case does not exist');
  const stale = await step(app, district, opened.id, 'REGISTER', reception, 7);
  t.equal(stale.statusCode, 409);
  t.match(stale.json(), { code: 'STALE_VERSION', currentVersion: 1, currentStep: { name: 'reception' } });

  const key = { 'idempotency-key': 'register-1' };
  const sent = await step(app, district, opened.id, 'REGISTER', reception, 1, key);
  t.equal(sent.statusCode, 200, sent.body);
  const answer = sent.json();
  t.match(answer, { id: opened.id, caseNo: opened.caseNo, version: 2, state: 'qualificationReview', status: 'open', outcome: null });
  t.match(answer.currentStep, { name: 'qualificationReview', level: 'district' });
  t.same(answer.currentStep.allowedEvents, [], 'four eyes: the clerk who registered cannot review');
  t.same(answer.forms, {});
  const replay = await step(app, district, opened.id, 'REGISTER', reception, 1, key);
  t.equal(replay.statusCode, 200);
  t.equal(replay.body, sent.body, 'a retry under the same key gets the same answer');
  t.equal((await app.inject({ url: `/api/v1/cases/${opened.id}`, headers: district })).json().version, 2, 'and writes nothing');
  const mismatch = await step(app, district, opened.id, 'REGISTER', { ...reception, extra: 1 }, 1, key);
  t.equal(mismatch.json().code, 'IDEMPOTENCY_MISMATCH');

  const refused = await step(app, district, opened.id, 'APPROVE', {}, 2);
  t.equal(refused.statusCode, 403);
  t.equal(refused.json().code, 'FOUR_EYES');
  const second = await step(app, await login(app, 'district-clerk-2'), opened.id, 'SEND_BACK', {}, 2);
  t.not(second.statusCode, 403, 'another clerk may act at the review');

  const seen = (await app.inject({ url: `/api/v1/cases/${opened.id}`, headers: await login(app, 'district-clerk-2') })).json();
  const offered = seen.currentStep.allowedEvents as { type: string; formId?: string }[];
  t.ok(offered.length > 0, 'the second clerk is offered the review');
});

t.test('the v2 answer names the notices a step issued and the cases it started, and the 撤回 offer', async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'district-clerk');
  const c = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json();
  const submitted = await step(app, clerk, c.id, 'SUBMIT', dischargeIntake, 1);
  t.equal(submitted.statusCode, 200, submitted.body);
  const s = submitted.json();
  t.same(s.notices.map((n: { key: string }) => n.key), ['registrationForm', 'receipt', 'accepted']);
  t.equal(s.recall, null, 'a step that issued a notice is not offered back');
  t.match(s.currentStep, { name: 'archiveCheck' });
  for (const e of s.currentStep.allowedEvents as { formId?: string }[]) if (e.formId) t.ok(s.forms[e.formId]?.properties, `form ${e.formId} sent with the answer`);
  const archived = (await step(app, clerk, c.id, 'RECORD_ARCHIVE', archiveForm, 2)).json();
  t.match(archived, { status: 'closed', currentStep: null, recall: null });
  const view = (await app.inject({ url: `/api/v1/cases/${c.id}`, headers: clerk })).json();
  const named = [...s.notices, ...archived.notices].map((n: { id: string }) => n.id).sort();
  t.same(named, view.notices.map((n: { id: string }) => n.id).sort(), 'every notice of the case was named by the step that issued it');
  t.ok(archived.notices.some((n: { kind: string }) => n.kind === 'completion'));
  const person = (await app.inject({ url: '/api/v1/persons/p-zhang-wei', headers: clerk })).json();
  type Listed = { id: string; caseNo: string; workflowId: string; parentCaseId: string };
  const children = (person.cases as Listed[]).filter((x) => x.parentCaseId === c.id)
    .map((x) => ({ id: x.id, caseNo: x.caseNo, workflowId: x.workflowId }));
  t.ok(children.length > 0);
  t.same([...s.children, ...archived.children], children, 'the cases started are named by the step that started them');

  const village = await login(app, 'village-clerk');
  const runner = new PathRunner(app);
  const g = await openGlory(app, village, runner);
  const sent = (await step(app, village, g.id, 'SUBMIT', householdCheck, 1)).json();
  t.match(sent.recall, { seq: 2, type: 'SUBMIT', label: { zh: String } }, 'right after a step, its maker is offered 撤回');
  const back = (await step(app, village, g.id, 'RECALL', {}, 2)).json();
  t.match(back, { state: 'householdCheck', version: 3, recall: null });
  t.same((await verifyHistories(app.db, app.registry)).mismatches, []);
});

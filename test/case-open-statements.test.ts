import t from 'tap';
import { build, login } from './helpers/build.ts';
import { dischargeIntake, openCase, send } from './helpers/fixtures.ts';
import { statementsOf } from './helpers/statements.ts';

/**
 * Opening a case (POST /api/v1/cases) in a few round trips, counted through real HTTP on either
 * database (docs/adr/0029-case-creation-in-few-round-trips.md): the session, BEGIN, the definition
 * in force (until the registry keeps it in memory), one statement that locks the person and reads
 * what eligibility, prefill and the answer need, one that checks for an open case, numbers and
 * writes the case and its first history entry, COMMIT.
 */
const MOST = 6;

t.test('opening a case: a few statements, and the answer is the case as GET then reads it', async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'district-clerk');
  // The pool's connection and the compiled definition are warm, as on a service that has run a while.
  const warm = await app.inject({ method: 'POST', url: '/api/v1/cases', headers: clerk, payload: { workflowId: 'discharge-reporting', personId: 'p-li-jun' } });
  t.equal(warm.statusCode, 201);

  const payload = { workflowId: 'discharge-reporting', personId: 'p-zhang-wei', applicantId: 'p-zhang-jianguo', payeeId: 'p-li-jun' };
  const { result: opened, statements } = await statementsOf(() => app.inject({ method: 'POST', url: '/api/v1/cases', headers: clerk, payload }));
  t.equal(opened.statusCode, 201);
  t.comment(`${statements.length} statements, ${statements.reduce((n, s) => n + s.bytesOut, 0)} B out, ${statements.reduce((n, s) => n + s.bytesIn, 0)} B in, answer ${opened.body.length} B`);
  for (const s of statements) t.comment(`  ${s.bytesOut} B / ${s.bytesIn} B  ${s.text.slice(0, 140)}`);
  t.ok(statements.length <= MOST, `at most ${MOST} statements (${statements.length}), applicant and payee given`);
  t.notOk(statements.some((s) => /from "?case_events"?/.test(s.text) && /^select/i.test(s.text)), 'the history is not read back');

  const c = opened.json();
  t.same(c.history.map((h: { type: string }) => h.type), ['START']);
  t.same(c.data.name, '张伟', 'prefilled from the person file');
  const read = await app.inject({ url: `/api/v1/cases/${c.id}`, headers: clerk });
  t.same(c, read.json(), 'the answer equals the case as GET reads it right after, field for field');
});

t.test('an earlier case\'s answers prefill a new one; refusals write nothing and take no number', async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'district-clerk');
  const village = await login(app, 'village-clerk');
  // 李军's file has no phone: the mobile comes from his earlier case, where it is sealed.
  const first = (await openCase(app, clerk, 'discharge-reporting', 'p-li-jun')).json();
  t.equal((await send(app, clerk, first.id, 'SUBMIT', { ...dischargeIntake, mobile: '13912345678' }, 1)).statusCode, 200);
  const revealed = async (id: string) => (await app.inject({ url: `/api/v1/cases/${id}?reveal=1`, headers: clerk })).json();
  const child = (await app.inject({ url: '/api/v1/persons/p-li-jun', headers: clerk })).json().cases
    .find((c: { parentCaseId: string | null }) => c.parentCaseId === first.id);
  t.equal((await revealed(child.id)).data.mobile, '13912345678', 'a child case the step started: the earlier answer, opened');
  const next = await openCase(app, clerk, 'hardship-assistance', 'p-li-jun');
  t.equal(next.statusCode, 201);
  t.equal((await revealed(next.json().id)).data.mobile, '13912345678', 'a case a clerk opens: the same');
  t.equal(next.json().data.mobile, '139****5678', 'masked in the answer');

  const counters = () => app.db.selectFrom('case_number_counters').selectAll().orderBy('prefix').execute();
  const cases = () => app.db.selectFrom('cases').select('id').execute();
  const [countersBefore, casesBefore] = [await counters(), await cases()];
  const refusals: [Record<string, string>, Record<string, string>, number, string][] = [
    [clerk, { workflowId: 'discharge-reporting', personId: 'p-li-jun' }, 409, 'CASE_ALREADY_OPEN'],
    [clerk, { workflowId: 'discharge-reporting', personId: 'p-zhang-jianguo' }, 422, 'NOT_ELIGIBLE'],
    [clerk, { workflowId: 'discharge-reporting', personId: 'p-zhang-wei', applicantId: 'p-nobody' }, 422, 'VALIDATION_FAILED'],
    [village, { workflowId: 'discharge-reporting', personId: 'p-zhang-wei', payeeId: 'p-li-jun' }, 422, 'VALIDATION_FAILED'],
    [village, { workflowId: 'discharge-reporting', personId: 'p-li-jun' }, 404, 'NOT_FOUND'],
    [village, { workflowId: 'no-such-item', personId: 'p-li-jun' }, 404, 'NOT_FOUND'],
    [village, { workflowId: 'no-such-item', personId: 'p-zhang-wei' }, 422, 'NO_PUBLISHED_VERSION'],
  ];
  for (const [headers, payload, status, code] of refusals) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/cases', headers, payload });
    t.equal(res.statusCode, status, `${JSON.stringify(payload)}: ${status}`);
    t.equal(res.json().code, code);
  }
  const again = await openCase(app, clerk, 'discharge-reporting', 'p-li-jun');
  t.equal(again.json().message, `该对象已有同一事项的在办案件 ${first.caseNo}`, 'the refusal names the open case');
  const payee = await app.inject({ method: 'POST', url: '/api/v1/cases', headers: village, payload: { workflowId: 'discharge-reporting', personId: 'p-zhang-wei', payeeId: 'p-li-jun' } });
  t.match(payee.json().errors, [{ path: '/payeeId' }], 'a payee outside the jurisdiction is named as such');
  t.same(await counters(), countersBefore, 'no number was taken');
  t.same(await cases(), casesBefore, 'no case was written');
});

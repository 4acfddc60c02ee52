import t, { type Test } from 'tap';
import type { FastifyInstance } from 'fastify';
import { verifyHistories } from '../src/cli/verify-history.ts';
import { build, login } from './helpers/build.ts';
import { dischargeIntake, openCase } from './helpers/fixtures.ts';

// Asserted on PostgreSQL only: the embedded database runs one transaction at a time, so nothing
// there ever races and a pass would prove nothing.
if (!process.env.DATABASE_URL) {
  t.pass('runs in the PostgreSQL pass (DATABASE_URL)');
} else {
  const post = (
    app: FastifyInstance, headers: Record<string, string>, caseId: string, body: object,
    extra: Record<string, string> = {},
  ) =>
    app.inject({ method: 'POST', url: `/api/v1/cases/${caseId}/events`, headers: { ...headers, ...extra }, payload: body });

  async function history(app: FastifyInstance, caseId: string) {
    return app.db.selectFrom('case_events').select(['seq', 'type', 'payload']).where('case_id', '=', caseId).orderBy('seq').execute();
  }

  async function consistent(t: Test, app: FastifyInstance) {
    const r = await verifyHistories(app.db, app.registry);
    t.same(r.mismatches, [], `every snapshot equals the replay of its history (${r.cases} cases, ${r.events} entries)`);
  }

  t.test('50 clients post to one case at once: distinct sequence numbers, 409 for the rest, snapshot = replay', async (t) => {
    const app = await build(t, { config: { dbPoolSize: 20 } });
    const sessions = await Promise.all(['district-clerk', 'district-clerk-2', 'supervisor', 'admin', 'policy'].map((u) => login(app, u)));
    const c = (await openCase(app, sessions[0]!, 'discharge-reporting', 'p-zhang-wei')).json();

    // Round 1: fifty clients send the same step at version 1 at the same moment; one may win.
    const submits = await Promise.all(Array.from({ length: 50 }, (_, i) => post(app, sessions[i % 2]!, c.id, { type: 'SUBMIT', data: dischargeIntake, expectedVersion: 1 })));
    const codes = submits.map((r) => r.statusCode);
    t.equal(codes.filter((s) => s === 200).length, 1, 'exactly one SUBMIT is accepted');
    t.equal(codes.filter((s) => s === 409).length, 49, 'the other 49 get 409');
    t.ok(submits.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'STALE_VERSION' && r.json().currentVersion === 2), 'STALE_VERSION, naming the version now current');

    // Round 2: fifty clients each add a comment, re-reading the version and retrying on 409.
    const accepted: number[] = [];
    let conflicts = 0;
    const others: number[] = [];
    await Promise.all(Array.from({ length: 50 }, async (_, i) => {
      const who = sessions[i % sessions.length]!;
      let version = 2;
      for (let attempt = 0; attempt < 200; attempt++) {
        const r = await post(app, who, c.id, { type: 'COMMENT', data: { text: `客户端${i}` }, expectedVersion: version });
        if (r.statusCode === 200) return accepted.push(r.json().version);
        if (r.statusCode !== 409) return others.push(r.statusCode);
        conflicts++;
        version = r.json().currentVersion;
      }
      others.push(-1);
    }));
    t.same(others, [], 'no answer other than 200 or 409, and every client got through');
    t.equal(accepted.length, 50, 'all fifty comments are accepted in the end');
    t.equal(new Set(accepted).size, 50, 'each at a distinct version');
    t.ok(conflicts > 0, `${conflicts} conflicts were answered 409 on the way (the race was real)`);
    const h = await history(app, c.id);
    t.same(h.map((e) => e.seq), Array.from({ length: 52 }, (_, i) => i + 1), 'the history is numbered 1..52 without gaps or doubles');
    t.same(h.filter((e) => e.type === 'SUBMIT').length, 1, 'one SUBMIT, not fifty');
    t.same(accepted.sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i + 3), 'each acknowledged version is an entry of the history');
    t.same(new Set(h.filter((e) => e.type === 'COMMENT').map((e) => (e.payload as { text: string }).text)).size, 50, 'every comment is there once');
    await consistent(t, app);
  });

  t.test('a retried request with its Idempotency-Key returns the first answer and adds nothing, even when retries race', async (t) => {
    const app = await build(t, { config: { dbPoolSize: 20 } });
    const clerk = await login(app, 'district-clerk');
    const c = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json();
    const key = { 'idempotency-key': 'pay-step-7f3a' };
    const tries = await Promise.all(Array.from({ length: 30 }, () => post(app, clerk, c.id, { type: 'SUBMIT', data: dischargeIntake, expectedVersion: 1 }, key)));
    t.same([...new Set(tries.map((r) => r.statusCode))], [200], 'every retry is answered 200');
    for (const r of tries.slice(1)) t.same(r.json(), tries[0]!.json(), 'with the very same answer');
    const h = await history(app, c.id);
    t.same(h.map((e) => e.type), ['START', 'SUBMIT'], 'and one event, not thirty');
    const later = await post(app, clerk, c.id, { type: 'SUBMIT', data: dischargeIntake, expectedVersion: 1 }, key);
    t.equal(later.statusCode, 200, 'a retry long after still gets 200 (not a 409)');
    t.same(later.json(), tries[0]!.json(), 'and the original answer');
    const otherKey = await post(app, clerk, c.id, { type: 'SUBMIT', data: dischargeIntake, expectedVersion: 1 }, { 'idempotency-key': 'another' });
    t.equal(otherKey.statusCode, 409, 'a new key is a new request: stale');
    await consistent(t, app);
  });

  t.test('two clerks opening the same item for one person at once: one case', async (t) => {
    const app = await build(t, { config: { dbPoolSize: 20 } });
    const clerks = await Promise.all(['district-clerk', 'district-clerk-2', 'village-clerk', 'town-clerk'].map((u) => login(app, u)));
    const opened = await Promise.all(Array.from({ length: 24 }, (_, i) => openCase(app, clerks[i % clerks.length]!, 'discharge-reporting', 'p-zhang-wei')));
    t.equal(opened.filter((r) => r.statusCode === 201).length, 1, 'one is opened');
    t.ok(opened.filter((r) => r.statusCode !== 201).every((r) => r.statusCode === 409 && r.json().code === 'CASE_ALREADY_OPEN'), 'the rest: 409 CASE_ALREADY_OPEN');
    const open = await app.db.selectFrom('cases').select('id').where('person_id', '=', 'p-zhang-wei').where('workflow_id', '=', 'discharge-reporting').execute();
    t.equal(open.length, 1);
    await consistent(t, app);
  });
}

import t from 'tap';
import fc from 'fast-check';
import { body, DbState, check, CONTENT_TYPES, fill, hostileObject, hostileString, judge, SCALE, seed, send, setup, type Auth } from './helpers/fuzz.ts';

// Property-based tests of bad input (test/helpers/fuzz.ts says what is sent and what is checked).
t.comment(`fast-check seed ${seed} (FC_SEED=${seed} replays this run; FUZZ_RUNS scales the runs)`);

t.test('malformed, mistyped and oversized bodies on every route that takes one', async (t) => {
  const w = await setup(t);
  const state = await DbState.of(w.app);
  const writers = w.routes.filter((r) => r.method === 'POST' || r.method === 'PUT');
  const url = (r: { url: string }) => fill(r.url, (name) => (w.realParams[name] ?? ['x'])[0]!);
  for (const route of writers) {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...CONTENT_TYPES.slice(0, 9)), body, fc.constantFrom<Auth>('clerk', 'admin'), async (contentType, payload, auth) => {
      const wrong = await check(w, state, { method: route.method as 'POST', url: url(route), headers: { 'content-type': contentType }, payload: payload ?? '' }, auth, route.page);
      if (wrong) throw new Error(`${route.method} ${route.url} (${contentType}, ${JSON.stringify(payload)?.slice(0, 200)}): ${wrong}`);
    }), { numRuns: Math.round(25 * SCALE), seed, endOnFailure: true });
  }
  // Over the limit: 1 MiB for the API (16 KiB for the login); the JSON is valid, only its size is wrong.
  const huge = JSON.stringify({ name: '张'.repeat(400_000), text: 'x'.repeat(200_000) });
  for (const route of writers) {
    const r = await send(w, { method: route.method as 'POST', url: url(route), headers: { 'content-type': 'application/json' }, payload: huge }, 'clerk');
    t.equal(judge(r, route.page), null, `${route.method} ${route.url}: oversized body answered cleanly`);
    if (!route.page) t.equal(r.statusCode, 413, `${route.method} ${route.url}: 413 for a ${(Buffer.byteLength(huge) / 2 ** 20).toFixed(1)} MiB body`);
  }
  t.equal(await state.after(413), null, 'nothing was written by any of them');
});

t.test('known fields with hostile values reach the deeper checks and are refused cleanly', async (t) => {
  const w = await setup(t);
  const state = await DbState.of(w.app);
  const clerk = w.auth.clerk;
  const caseId = w.realParams.id![0]!;
  const version = (await w.app.inject({ url: `/api/v1/cases/${caseId}`, headers: clerk })).json().version;
  const shapes: { url: string; method: 'POST' | 'PUT'; body: fc.Arbitrary<Record<string, unknown>> }[] = [
    { method: 'POST', url: '/api/v1/session', body: fc.record({ username: hostileString, password: hostileString }) },
    { method: 'POST', url: '/api/v1/persons', body: fc.record({ name: hostileString, idNumber: hostileString, phone: hostileString, stationId: hostileString }, { requiredKeys: ['name', 'idNumber'] }) },
    { method: 'POST', url: '/api/v1/persons/search', body: fc.oneof(fc.record({ idNumber: hostileString }), fc.record({ name: hostileString })) },
    { method: 'POST', url: '/api/v1/cases', body: fc.record({ workflowId: hostileString, personId: hostileString, applicantId: hostileString }, { requiredKeys: ['workflowId', 'personId'] }) },
    { method: 'POST', url: `/api/v1/cases/${caseId}/events`, body: fc.record({ type: fc.constantFrom('RECORD_ARCHIVE', 'COMMENT', 'URGE', 'REASSIGN', 'RETURN', 'DEADLINE'), data: fc.oneof(hostileObject, fc.record({ text: hostileString }), fc.record({ userId: hostileString })), expectedVersion: fc.constantFrom(version, version + 1, 0, -1, 2 ** 31) }) },
    { method: 'PUT', url: '/api/v1/calendar/2031', body: fc.record({ source: hostileString, holidays: fc.array(hostileString, { maxLength: 3 }), workdays: fc.array(hostileString, { maxLength: 3 }) }) },
    { method: 'POST', url: '/api/v1/supervision/urge', body: fc.record({ caseIds: fc.array(hostileString, { minLength: 1, maxLength: 3 }), text: hostileString }) },
  ];
  for (const shape of shapes) {
    await fc.assert(fc.asyncProperty(shape.body, async (payload) => {
      const r = await send(w, { method: shape.method, url: shape.url, payload: payload as Record<string, string> }, shape.url === '/api/v1/calendar/2031' ? 'admin' : shape.url.includes('/urge') ? 'admin' : 'clerk');
      const wrong = judge(r, false);
      if (wrong) throw new Error(`${shape.method} ${shape.url} ${JSON.stringify(payload).slice(0, 300)}: ${wrong}`);
      const changed = await state.after(r.statusCode);
      if (changed) throw new Error(`${shape.url}: ${changed}`);
    }), { numRuns: Math.round(80 * SCALE), seed, endOnFailure: true });
  }
  const after = (await w.app.inject({ url: `/api/v1/cases/${caseId}`, headers: w.auth.clerk })).json();
  t.ok(after.history.length >= 2, 'the case is still readable');
});

t.test('a JSON number that is not finite or not exact is refused before any route sees it', async (t) => {
  const w = await setup(t);
  const state = await DbState.of(w.app);
  const caseId = w.realParams.id![0]!;
  const bodies: [string, string][] = [
    [`/api/v1/cases/${caseId}/events`, '{"type":"COMMENT","data":{"text":"x"},"expectedVersion":1e999}'],
    [`/api/v1/cases/${caseId}/events`, '{"type":"COMMENT","data":{"text":"x"},"expectedVersion":12345678901234567890}'],
    [`/api/v1/cases/${caseId}/events`, '{"type":"COMMENT","data":{"text":"x","nested":[{"n":-1e999}]},"expectedVersion":2}'],
    ['/api/v1/persons/search', '{"name":"张","page":9007199254740993}'],
  ];
  for (const [url, payload] of bodies) {
    const r = await send(w, { method: 'POST', url, headers: { 'content-type': 'application/json' }, payload }, 'clerk');
    t.equal(r.statusCode, 400, `${payload.slice(0, 80)}: 400`);
    t.match(r.json(), { code: 'BAD_REQUEST', message: /数值超出范围/ }, 'with a message that says which number');
  }
  t.equal(await state.after(400), null, 'nothing was written');
});

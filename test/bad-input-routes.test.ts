import t from 'tap';
import fc from 'fast-check';
import { body, DbState, check, CONTENT_TYPES, encode, fill, hostileString, SCALE, seed, setup, type Auth } from './helpers/fuzz.ts';

// Property-based tests of bad input (test/helpers/fuzz.ts says what is sent and what is checked).
t.comment(`fast-check seed ${seed} (FC_SEED=${seed} replays this run; FUZZ_RUNS scales the runs)`);

t.test('hostile parameters, query strings, headers and bodies on every route', async (t) => {
  const w = await setup(t);
  t.ok(w.routes.length >= 40, `${w.routes.length} routes under test`);
  const state = await DbState.of(w.app);
  const seen = new Map<string, Set<number>>();
  const param = fc.oneof({ weight: 1, arbitrary: fc.constantFrom('real') }, { weight: 2, arbitrary: hostileString });
  const request = fc.record({
    route: fc.constantFrom(...w.routes),
    params: fc.array(param, { minLength: 3, maxLength: 3 }),
    pick: fc.nat(10),
    query: fc.option(fc.dictionary(fc.oneof(fc.constantFrom('reveal', 'limit', 'cursor', 'status', 'from', 'to', 'format', 'next', 'lang', 'against', 'on', 'key', 'due', '__proto__'), hostileString), hostileString, { maxKeys: 3 })),
    contentType: fc.constantFrom(...CONTENT_TYPES),
    body,
    auth: fc.constantFrom<Auth>('clerk', 'clerk', 'admin', 'none', 'garbage-cookie', 'garbage-bearer'),
    lang: fc.constantFrom('zh-CN', 'en', '*', '\u0000', 'x'.repeat(300)),
    idempotencyKey: fc.option(hostileString),
  });
  await fc.assert(fc.asyncProperty(request, async (q) => {
    let i = 0;
    const url = fill(q.route.url, (name) => {
      const p = q.params[i++ % 3]!;
      const real = w.realParams[name] ?? ['x'];
      return encode(p === 'real' ? real[q.pick % real.length]! : p);
    }) + (q.query ? `?${Object.entries(q.query).map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')}` : '');
    const headers: Record<string, string> = { 'accept-language': q.lang.replace(/[^\t\x20-\x7e]/g, '') };
    if (q.contentType) headers['content-type'] = q.contentType;
    if (q.idempotencyKey !== null) headers['idempotency-key'] = q.idempotencyKey.replace(/[^\t\x20-\x7e]/g, '?');
    const withBody = q.route.method !== 'GET' && q.route.method !== 'DELETE' && q.body !== undefined;
    const wrong = await check(w, state, { method: q.route.method as 'GET', url, headers, ...(withBody ? { payload: q.body } : {}) }, q.auth, q.route.page);
    const key = `${q.route.method} ${q.route.url}`;
    (seen.get(key) ?? seen.set(key, new Set()).get(key)!).add(0);
    if (wrong) throw new Error(`${q.route.method} ${url} (${q.auth}, ${q.contentType}, body ${JSON.stringify(q.body)?.slice(0, 200)}): ${wrong}`);
  }), { numRuns: Math.round(1200 * SCALE), seed, endOnFailure: true });
  t.ok(seen.size >= w.routes.length * 0.9, `${seen.size} of ${w.routes.length} routes were hit`);
});


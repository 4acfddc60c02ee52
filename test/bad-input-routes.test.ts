import t from 'tap';
import fc from 'fast-check';
import { apiParameters, body, DbState, check, CONTENT_TYPES, encode, fill, HOSTILE_NUMBERS, hostileString, MORE_HOSTILE_NUMBERS, judge, PAGE_QUERY, SCALE, seed, send, setup, type Auth } from './helpers/fuzz.ts';
import { login } from './helpers/build.ts';

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

// ajv coerced "1e999" in a query string to Infinity past `maximum: 60`, and the working-day count
// then held the process for two minutes (issue 14). Every query parameter of every route (and
// each numeric path parameter) gets each such number, as each role that may call it: a 4xx (or a
// 2xx where the value is fine), never a 5xx, each answered at once; a parameter the API types as
// a number refuses all but plain digits.
t.test('coercion-hostile numbers in every query parameter of every route', async (t) => {
  const w = await setup(t);
  const supervisor = await login(w.app, 'supervisor');
  const state = await DbState.of(w.app);
  const roles = [w.auth.clerk, w.auth.admin, supervisor];
  const declared = apiParameters(w.app);
  const real = (name: string) => encode((w.realParams[name] ?? ['x'])[0]!);
  let sent = 0;
  let slowest = 0;
  const probe = async (method: string, url: string, page: boolean, numeric: boolean, value: string) => {
    for (const headers of roles) {
      const started = performance.now();
      const r = await send(w, { method: method as 'GET', url, headers }, 'none');
      const ms = performance.now() - started;
      slowest = Math.max(slowest, ms);
      sent++;
      // The public check of a notice answers an unknown token with its documented {genuine: false}.
      const documented = url.startsWith('/verify/') && r.statusCode === 404 && r.json().genuine === false;
      const wrong = (documented ? null : judge(r, page)) ?? (await state.after(r.statusCode))
        ?? (ms > 5000 ? `took ${Math.round(ms)} ms` : null)
        ?? (numeric && value !== '-0' && r.statusCode < 400 ? `${r.statusCode} for a number that is not plain digits` : null);
      if (wrong) throw new Error(`${method} ${url}: ${wrong}`);
    }
  };
  for (const route of w.routes) {
    const key = `${route.method} ${route.url}`;
    if (route.page && route.method === 'GET') {
      for (const v of HOSTILE_NUMBERS) await probe('GET', `${fill(route.url, real)}?${PAGE_QUERY.map((q) => `${q}=${encode(v)}`).join('&')}`, true, false, v);
    }
    for (const p of declared.get(key) ?? []) {
      const numeric = p.schema?.type === 'integer' || p.schema?.type === 'number';
      if (p.in === 'path' && !numeric) continue;
      for (const v of numeric ? [...HOSTILE_NUMBERS, ...MORE_HOSTILE_NUMBERS] : HOSTILE_NUMBERS) {
        const url = p.in === 'path' ? fill(route.url, (name) => (name === p.name ? encode(v) : real(name))) : `${fill(route.url, real)}?${p.name}=${encode(v)}`;
        await probe(route.method, url, route.page, numeric, v);
      }
    }
  }
  t.ok(sent > 800, `${sent} requests, the slowest answered in ${Math.round(slowest)} ms`);
  t.equal((await w.app.inject({ url: '/ready' })).statusCode, 200, 'the service is still ready');
});

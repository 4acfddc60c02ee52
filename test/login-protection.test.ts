import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { manualClock } from '../src/clock.ts';
import { build, freshDatabase, testConfig } from './helpers/build.ts';

const attempt = (
  app: FastifyInstance, username: string, password: string,
  extra: { remoteAddress?: string; headers?: Record<string, string> } = {},
) =>
  app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password }, remoteAddress: extra.remoteAddress, headers: extra.headers });

/** The login page's form, posted as a browser would (with its CSRF token). */
async function pageAttempt(app: FastifyInstance, username: string, password: string, remoteAddress?: string) {
  const page = await app.inject({ url: '/login', remoteAddress });
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const csrf = page.cookies.find((c) => c.name === 'csrf')!.value;
  return app.inject({
    method: 'POST', url: '/login', remoteAddress, headers: { cookie: `csrf=${csrf}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: token, username, password, next: '/' }).toString(),
  });
}

t.setTimeout(300_000);

// One service for the tests that need no settings of their own (each uses its own users and addresses).
let shared: Promise<FastifyInstance> | undefined;
const sharedApp = () => (shared ??= build(t));

const countsOf = (app: FastifyInstance, username: string) =>
  app.db.selectFrom('login_failures').select(['client', 'failures', 'locked_until']).where('username', '=', username).orderBy('client').execute();

t.test('five wrong passwords lock the account for 15 minutes; the right one waits too', async (t) => {
  const clock = manualClock('2026-11-24T09:00:00+08:00');
  const app = await build(t, { clock });
  for (let i = 1; i <= 4; i++) {
    const r = await attempt(app, 'town-clerk', `wrong-${i}`);
    t.equal(r.statusCode, 401, `failure ${i} is a plain 401`);
  }
  const fifth = await attempt(app, 'town-clerk', 'wrong-5');
  t.equal(fifth.statusCode, 423, 'the fifth failure locks the account');
  t.equal(fifth.json().code, 'ACCOUNT_LOCKED');
  t.match(fifth.json().message, /账户已暂时锁定，请15分钟后再试/);
  const right = await attempt(app, 'town-clerk', 'demo1234');
  t.equal(right.statusCode, 423, 'while locked, even the right password is refused');
  t.notOk(right.cookies.some((c) => c.name === 'sid'), 'and no session is made');
  const en = await attempt(app, 'town-clerk', 'demo1234', { headers: { 'accept-language': 'en' } });
  t.match(en.json().message, /locked; try again in 15 minutes/);
  t.equal((await attempt(app, 'village-clerk', 'demo1234')).statusCode, 200, 'other users are not affected');
  const [pair] = (await countsOf(app, 'town-clerk')).filter((r) => r.client !== '*');
  t.equal(pair?.locked_until?.toISOString(), '2026-11-24T01:15:00.000Z', 'the lockout is stored in the database (every instance sees it)');

  clock.advance(14 * 60_000);
  t.match((await attempt(app, 'town-clerk', 'demo1234')).json().message, /请1分钟后再试/, 'one minute left');
  clock.advance(60_000);
  t.equal((await attempt(app, 'town-clerk', 'demo1234')).statusCode, 200, 'after 15 minutes the right password works');
  t.same(await countsOf(app, 'town-clerk'), [], 'and the count starts again');
  for (let i = 1; i <= 4; i++) await attempt(app, 'town-clerk', 'wrong');
  t.equal((await attempt(app, 'town-clerk', 'demo1234')).statusCode, 200, 'four failures and a success do not lock');
  t.equal((await attempt(app, 'town-clerk', 'wrong')).statusCode, 401, 'the count was reset by the success');
  clock.advance(15 * 60_000);
  for (let i = 1; i <= 4; i++) await attempt(app, 'town-clerk', 'wrong');
  clock.advance(15 * 60_000);
  t.equal((await attempt(app, 'town-clerk', 'wrong')).statusCode, 401, 'failures lapse after 15 minutes without one');
  clock.advance(16 * 60_000);
  t.equal((await attempt(app, 'village-clerk', 'demo1234')).statusCode, 200);
  t.same(await app.db.selectFrom('login_failures').select('username').execute(), [], 'a login clears away counts that lapsed');
  t.same((await app.db.selectFrom('login_attempts').selectAll().execute()).map((r) => r.window_start.toISOString()), ['2026-11-24T02:01:00.000Z'], 'and past minutes');
});

t.test('20 wrong passwords at once over real HTTP: five are checked, the rest refused, and the right one then waits', async (t) => {
  const app = await sharedApp();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const post = (password: string) => fetch(`http://127.0.0.1:${port}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'district-clerk-2', password }),
  });
  // Counts the password checks (scrypt) the service runs, whatever the timing of the requests.
  const scrypt = crypto.scrypt;
  let checks = 0;
  crypto.scrypt = ((...args: Parameters<typeof scrypt>) => { checks++; return scrypt(...args); }) as typeof scrypt;
  syncBuiltinESMExports();
  t.teardown(() => { crypto.scrypt = scrypt; syncBuiltinESMExports(); });
  const started = Date.now();
  const statuses = (await Promise.all(Array.from({ length: 20 }, (_, i) => post(`guess-${i}`)))).map((r) => r.status).sort();
  t.comment(`20 parallel guesses answered in ${Date.now() - started} ms`);
  t.equal(checks, 5, 'only five passwords were checked');
  t.same(statuses, [...Array(4).fill(401), ...Array(16).fill(423)], 'four plain refusals, the fifth starts the lock, fifteen are refused without a check');
  const right = await post('demo1234');
  t.equal(right.status, 423, 'the right password afterwards does not log in');
  t.notOk(right.headers.get('set-cookie'), 'and makes no session');
  t.equal(checks, 5, 'and is not even checked');
});

t.test('unknown and known user names are counted and locked alike', async (t) => {
  const app = await sharedApp();
  const run = async (username: string) => {
    const out: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await attempt(app, username, `wrong-${i}`, { remoteAddress: '192.0.2.50' });
      out.push(`${r.statusCode} ${r.json().code} ${r.json().message}`);
    }
    return out;
  };
  const known = await run('town-clerk');
  const unknown = await run('nobody-here');
  t.same(unknown, known, 'the same answers, lock included, for a name that does not exist');
  t.match(unknown[5], /^423 ACCOUNT_LOCKED/);
  t.same((await countsOf(app, 'nobody-here')).map((r) => [r.client, r.failures]), [['*', 5], ['192.0.2.50', 6]],
    'the unknown name has its counts like any other (refused attempts count for the address only)');
});

t.test('remote lockout is limited: a lock holds for one address; only many addresses together lock a name everywhere', async (t) => {
  const app = await sharedApp();
  for (let i = 0; i < 25; i++) await attempt(app, 'town-supervisor', 'wrong', { remoteAddress: '198.51.100.1' });
  t.equal((await attempt(app, 'town-supervisor', 'demo1234', { remoteAddress: '198.51.100.1' })).statusCode, 423, 'the guessing address is locked out of the name');
  t.equal((await attempt(app, 'town-supervisor', 'demo1234', { remoteAddress: '198.51.100.9' })).statusCode, 200, 'the user at another address logs in, however long the guessing went on');

  const addresses = Array.from({ length: 10 }, (_, i) => `203.0.113.${i + 1}`);
  const last: number[] = [];
  for (const ip of addresses) {
    for (let i = 0; i < 4; i++) await attempt(app, 'policy', 'wrong', { remoteAddress: ip });
    last.push((await attempt(app, 'policy', 'wrong', { remoteAddress: ip })).statusCode);
  }
  t.same(last, Array(10).fill(423), 'each address is locked after its five');
  const everywhere = await attempt(app, 'policy', 'demo1234', { remoteAddress: '203.0.113.200' });
  t.equal(everywhere.statusCode, 423, 'fifty failures from ten addresses lock the name at every address');
  t.match(everywhere.json().message, /请15分钟后再试/);
});

t.test('login attempts are limited per client address, API and login page together: 30 a minute', async (t) => {
  const app = await sharedApp();
  const statuses: number[] = [];
  for (let i = 0; i < 15; i++) statuses.push((await attempt(app, `ghost-${i}`, 'x', { remoteAddress: '192.0.2.7' })).statusCode);
  for (let i = 0; i < 15; i++) statuses.push((await pageAttempt(app, `spectre-${i}`, 'x', '192.0.2.7')).statusCode);
  t.same(statuses, Array(30).fill(401), 'thirty attempts are answered, fifteen through each route');
  const limited = await attempt(app, 'village-clerk', 'demo1234', { remoteAddress: '192.0.2.7' });
  t.equal(limited.statusCode, 429, 'the 31st is refused, even with the right password');
  t.equal(limited.json().code, 'TOO_MANY_LOGINS');
  t.match(limited.json().message, /登录尝试过于频繁/);
  t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After says when to come back');
  const page = await pageAttempt(app, 'village-clerk', 'demo1234', '192.0.2.7');
  t.equal(page.statusCode, 429, 'the login page is refused too');
  t.match(page.body, /登录尝试过于频繁/);
  const spoofed = await attempt(app, 'village-clerk', 'demo1234', { remoteAddress: '192.0.2.7', headers: { 'x-forwarded-for': '203.0.113.9' } });
  t.equal(spoofed.statusCode, 429, 'X-Forwarded-For is not believed without TRUST_PROXY');
  t.equal((await attempt(app, 'village-clerk', 'demo1234', { remoteAddress: '192.0.2.8' })).statusCode, 200, 'another address is not affected');
  t.equal((await app.inject({ url: '/api/v1/chain', remoteAddress: '192.0.2.7' })).statusCode, 401, 'only logging in is limited');
});

t.test('two instances on one PostgreSQL database share the address limit and the lockout', { skip: !process.env.DATABASE_URL && 'PostgreSQL only (DATABASE_URL)' }, async (t) => {
  const databaseUrl = await freshDatabase(t);
  const config = testConfig({ databaseUrl, login: { ratePerMinute: 10 } });
  const [a, b] = [await buildApp(config, { logger: false }), await buildApp(config, { logger: false })];
  t.teardown(async () => { await a.close(); await b.close(); });
  await Promise.all([a.ready(), b.ready()]);
  for (let i = 1; i <= 4; i++) t.equal((await attempt(i % 2 ? a : b, 'town-clerk', 'wrong')).statusCode, 401, `failure ${i}, on instance ${i % 2 ? 'A' : 'B'}`);
  t.equal((await attempt(a, 'town-clerk', 'wrong')).statusCode, 423, 'the fifth, on A, locks');
  t.equal((await attempt(b, 'town-clerk', 'demo1234')).statusCode, 423, 'B refuses the right password too');
  for (let i = 0; i < 3; i++) await attempt(b, 'village-clerk', 'wrong');
  t.equal((await attempt(a, 'village-clerk', 'wrong')).statusCode, 401, 'the tenth attempt of the address this minute');
  t.equal((await attempt(a, 'village-clerk', 'demo1234')).statusCode, 429, 'the eleventh is refused on A');
  t.equal((await pageAttempt(b, 'village-clerk', 'demo1234')).statusCode, 429, 'and on B, through the page');
});

t.test('behind a trusted proxy the client address and https come from the proxy headers', async (t) => {
  const app = await build(t, { config: { trustProxy: '127.0.0.1', login: { ratePerMinute: 2 } } });
  const via = (ip: string, extra: Record<string, string> = {}) => attempt(app, 'village-clerk', 'demo1234', { remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': ip, ...extra } });
  t.equal((await via('198.51.100.1')).statusCode, 200);
  t.equal((await via('198.51.100.1')).statusCode, 200);
  t.equal((await via('198.51.100.1')).statusCode, 429, 'the limit follows the forwarded client address');
  const secure = await via('198.51.100.2', { 'x-forwarded-proto': 'https' });
  t.equal(secure.statusCode, 200);
  t.ok(secure.cookies.find((c) => c.name === 'sid')?.secure, 'over https (as the proxy says) the cookie is Secure');
});

t.test('the session cookie: HttpOnly, SameSite, whole site, expires with the session', async (t) => {
  const app = await sharedApp();
  const before = Date.now();
  const r = await attempt(app, 'district-clerk', 'demo1234', { remoteAddress: '192.0.2.60' });
  const sid = r.cookies.find((c) => c.name === 'sid')!;
  t.ok(sid.httpOnly, 'HttpOnly: scripts cannot read it');
  t.equal(sid.sameSite, 'Lax', 'SameSite=Lax: not sent on cross-site posts');
  t.equal(sid.path, '/');
  t.notOk(sid.secure, 'plain HTTP without a trusted proxy: not Secure (a browser would drop it)');
  const expires = new Date(sid.expires!).getTime();
  t.ok(expires > before + 59 * 60_000 && expires < Date.now() + 61 * 60_000, 'expires with the session (60 minutes)');
  t.match(r.headers['set-cookie'], /HttpOnly/);
  t.ok(sid.value.length >= 43, 'an unguessable token (32 random bytes)');
});

t.test('a login page that is locked says so beside the form', async (t) => {
  const app = await sharedApp();
  for (let i = 0; i < 5; i++) await pageAttempt(app, 'xishan-clerk', 'wrong', '192.0.2.70');
  const r = await pageAttempt(app, 'xishan-clerk', 'demo1234', '192.0.2.70');
  t.equal(r.statusCode, 423, 'the page answers 423 while locked');
  t.match(r.body, /账户已暂时锁定，请15分钟后再试/);
  t.notOk(r.cookies.some((c) => c.name === 'sid'), 'no session');
});

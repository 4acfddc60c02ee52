import t from 'tap';
import { manualClock } from '../src/clock.ts';
import { build } from './helpers/build.ts';

const attempt = (app: Awaited<ReturnType<typeof build>>, username: string, password: string, extra: { remoteAddress?: string; headers?: Record<string, string> } = {}) =>
  app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password }, remoteAddress: extra.remoteAddress, headers: extra.headers });

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
  const row = await app.db.selectFrom('users').select(['failed_logins', 'locked_until']).where('username', '=', 'town-clerk').executeTakeFirstOrThrow();
  t.equal(row.failed_logins, 5);
  t.equal(row.locked_until?.toISOString(), '2026-11-24T01:15:00.000Z', 'the lockout is stored (every instance sees it)');

  clock.advance(14 * 60_000);
  t.match((await attempt(app, 'town-clerk', 'demo1234')).json().message, /请1分钟后再试/, 'one minute left');
  clock.advance(60_000);
  t.equal((await attempt(app, 'town-clerk', 'demo1234')).statusCode, 200, 'after 15 minutes the right password works');
  const reset = await app.db.selectFrom('users').select(['failed_logins', 'locked_until']).where('username', '=', 'town-clerk').executeTakeFirstOrThrow();
  t.same(reset, { failed_logins: 0, locked_until: null }, 'and the count starts again');
  for (let i = 1; i <= 4; i++) await attempt(app, 'town-clerk', 'wrong');
  t.equal((await attempt(app, 'town-clerk', 'demo1234')).statusCode, 200, 'four failures and a success do not lock');
  t.equal((await attempt(app, 'town-clerk', 'wrong')).statusCode, 401, 'the count was reset by the success');
});

t.test('parallel guesses all count', async (t) => {
  const app = await build(t);
  const results = await Promise.all(Array.from({ length: 12 }, (_, i) => attempt(app, 'district-clerk-2', `guess-${i}`, { remoteAddress: `10.0.0.${i + 1}` })));
  t.ok(results.every((r) => [401, 423].includes(r.statusCode)), 'each guess is refused');
  const row = await app.db.selectFrom('users').select(['failed_logins', 'locked_until']).where('username', '=', 'district-clerk-2').executeTakeFirstOrThrow();
  t.ok(row.failed_logins >= 5 && row.locked_until, 'the account is locked, whatever the interleaving');
  t.equal((await attempt(app, 'district-clerk-2', 'demo1234')).statusCode, 423);
});

t.test('an unknown user name is never locked and looks like a wrong password', async (t) => {
  const app = await build(t);
  for (let i = 0; i < 7; i++) {
    const r = await attempt(app, 'nobody-here', 'x');
    t.equal(r.json().code, 'BAD_CREDENTIALS');
  }
});

t.test('login attempts are limited per client address: 30 a minute', async (t) => {
  const app = await build(t);
  const statuses: number[] = [];
  for (let i = 0; i < 31; i++) statuses.push((await attempt(app, `ghost-${i}`, 'x', { remoteAddress: '192.0.2.7' })).statusCode);
  t.same(statuses.slice(0, 30), Array(30).fill(401), 'thirty attempts are answered');
  t.equal(statuses[30], 429, 'the 31st is refused');
  const limited = await attempt(app, 'village-clerk', 'demo1234', { remoteAddress: '192.0.2.7' });
  t.equal(limited.statusCode, 429, 'even with the right password');
  t.equal(limited.json().code, 'TOO_MANY_LOGINS');
  t.match(limited.json().message, /登录尝试过于频繁/);
  t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After says when to come back');
  const spoofed = await attempt(app, 'village-clerk', 'demo1234', { remoteAddress: '192.0.2.7', headers: { 'x-forwarded-for': '203.0.113.9' } });
  t.equal(spoofed.statusCode, 429, 'X-Forwarded-For is not believed without TRUST_PROXY');
  t.equal((await attempt(app, 'village-clerk', 'demo1234', { remoteAddress: '192.0.2.8' })).statusCode, 200, 'another address is not affected');
  t.equal((await app.inject({ url: '/api/v1/chain', remoteAddress: '192.0.2.7' })).statusCode, 401, 'only the login route is limited');
});

t.test('behind a trusted proxy the client address and https come from the proxy headers', async (t) => {
  const app = await build(t, { config: { trustProxy: '127.0.0.1', login: { ratePerMinute: 2, maxFailures: 5, lockMinutes: 15 } } });
  const via = (ip: string, extra: Record<string, string> = {}) => attempt(app, 'village-clerk', 'demo1234', { remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': ip, ...extra } });
  t.equal((await via('198.51.100.1')).statusCode, 200);
  t.equal((await via('198.51.100.1')).statusCode, 200);
  t.equal((await via('198.51.100.1')).statusCode, 429, 'the limit follows the forwarded client address');
  const secure = await via('198.51.100.2', { 'x-forwarded-proto': 'https' });
  t.equal(secure.statusCode, 200);
  t.ok(secure.cookies.find((c) => c.name === 'sid')?.secure, 'over https (as the proxy says) the cookie is Secure');
});

t.test('the session cookie: HttpOnly, SameSite, whole site, expires with the session', async (t) => {
  const app = await build(t, { config: { sessionTtlMinutes: 30 } });
  const before = Date.now();
  const r = await attempt(app, 'village-clerk', 'demo1234');
  const sid = r.cookies.find((c) => c.name === 'sid')!;
  t.ok(sid.httpOnly, 'HttpOnly: scripts cannot read it');
  t.equal(sid.sameSite, 'Lax', 'SameSite=Lax: not sent on cross-site posts');
  t.equal(sid.path, '/');
  t.notOk(sid.secure, 'plain HTTP without a trusted proxy: not Secure (a browser would drop it)');
  const expires = new Date(sid.expires!).getTime();
  t.ok(expires > before + 29 * 60_000 && expires < Date.now() + 31 * 60_000, 'expires with the session (30 minutes)');
  t.match(r.headers['set-cookie'], /HttpOnly/);
  t.ok(sid.value.length >= 43, 'an unguessable token (32 random bytes)');
});

import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { insertSession, newToken, tokenHash } from '../src/auth/session.repository.ts';
import { manualClock } from '../src/clock.ts';
import { build, login, OWN_ORIGIN, SECRET } from './helpers/build.ts';
import { PageClient } from './helpers/pages.ts';

t.setTimeout(300_000);

// One service for the tests that need no settings or clock of their own.
let shared: Promise<FastifyInstance> | undefined;
const sharedApp = () => (shared ??= build(t));

t.test('log in, use the session, log out', async (t) => {
  const app = await sharedApp();
  const bad = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'village-clerk', password: 'wrong' } });
  t.equal(bad.statusCode, 401);
  t.equal(bad.json().code, 'BAD_CREDENTIALS');
  t.match(bad.json().message, /用户名或密码/);
  const unknown = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'nobody', password: 'demo1234' } });
  t.equal(unknown.statusCode, 401, 'an unknown user looks the same as a wrong password');

  const ok = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'village-clerk', password: 'demo1234' } });
  t.equal(ok.statusCode, 200);
  const cookie = ok.cookies.find((c) => c.name === 'sid')!;
  t.ok(cookie.httpOnly, 'the cookie is httpOnly');
  t.equal(cookie.sameSite, 'Lax');
  t.match(ok.json().user, { username: 'village-clerk', role: 'clerk', stationId: 'qiaotou', stationLevel: 'village' });
  const stored = await app.db.selectFrom('sessions').select('token_hash').execute();
  t.notOk(stored.some((s) => s.token_hash === cookie.value), 'the database holds only a keyed hash of the token');

  const headers = { cookie: `sid=${cookie.value}`, origin: OWN_ORIGIN };
  t.equal((await app.inject({ url: '/api/v1/session', headers })).json().user.username, 'village-clerk');
  t.equal((await app.inject({ method: 'DELETE', url: '/api/v1/session', headers })).statusCode, 204);
  t.equal((await app.inject({ url: '/api/v1/session', headers })).statusCode, 401, 'the session is gone after logout');
});

t.test('a bearer API token works like a session; nonsense does not', async (t) => {
  const app = await sharedApp();
  const token = newToken();
  await insertSession(app.db, { hash: tokenHash(SECRET, token), userId: 'u-district-clerk', kind: 'api', now: new Date(), expiresAt: new Date(Date.now() + 86_400_000) });
  const me = await app.inject({ url: '/api/v1/session', headers: { authorization: `Bearer ${token}` } });
  t.equal(me.statusCode, 200);
  t.equal(me.json().user.username, 'district-clerk');
  t.equal((await app.inject({ url: '/api/v1/chain', headers: { authorization: 'Bearer nonsense' } })).statusCode, 401);
  const none = await app.inject({ url: '/api/v1/chain' });
  t.equal(none.statusCode, 401);
  t.equal(none.json().code, 'UNAUTHENTICATED');
  t.equal((await app.inject({ url: '/api/v1/nowhere', headers: await login(app, 'admin') })).statusCode, 404);
});

t.test('sessions expire', async (t) => {
  const app = await sharedApp();
  const headers = await login(app, 'town-clerk');
  t.equal((await app.inject({ url: '/api/v1/session', headers })).statusCode, 200);
  const hash = tokenHash(SECRET, headers.cookie!.replace('sid=', ''));
  await app.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('token_hash', '=', hash).execute();
  t.equal((await app.inject({ url: '/api/v1/session', headers })).statusCode, 401);
});

/** A fresh API token of the district clerk (as `npm run user:add -- --api-token` makes one). */
async function apiToken(app: FastifyInstance, days = 90): Promise<Record<string, string>> {
  const token = newToken();
  await insertSession(app.db, { hash: tokenHash(SECRET, token), userId: 'u-district-clerk', kind: 'api', now: new Date(), expiresAt: new Date(Date.now() + days * 86_400_000) });
  return { authorization: `Bearer ${token}` };
}

t.test('DELETE /api/v1/session with a bearer token revokes the token', async (t) => {
  const app = await sharedApp();
  const headers = await apiToken(app);
  t.equal((await app.inject({ url: '/api/v1/session', headers })).statusCode, 200);
  t.equal((await app.inject({ method: 'DELETE', url: '/api/v1/session', headers })).statusCode, 204);
  t.equal((await app.inject({ url: '/api/v1/session', headers })).statusCode, 401, 'the token no longer works');
});

t.test('POST /session/extend with only a bearer token is refused with a 4xx, not a 500', async (t) => {
  const app = await sharedApp();
  const headers = await apiToken(app);
  const page = await app.inject({ url: '/login' });
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const csrf = page.cookies.find((c) => c.name === 'csrf')!.value;
  const r = await app.inject({ method: 'POST', url: '/session/extend', headers: { ...headers, cookie: `csrf=${csrf}`, 'x-csrf-token': token, accept: 'application/json' } });
  t.equal(r.statusCode, 400);
  t.match(r.body, /API 令牌不能延长/);
});

t.test('a browser session ends SESSION_MAX_HOURS after login, however often it is extended', async (t) => {
  // Ahead of the real time: the test's browser drops cookies whose expiry has passed by its own clock.
  const clock = manualClock('2027-03-01T08:00:00+08:00');
  const app = await build(t, { clock, config: { sessionTtlMinutes: 480, sessionMaxHours: 12 } });
  const p = new PageClient(app);
  await p.login('town-clerk');
  const extend = () => p.post('/session/extend', { next: '/' }, { headers: { accept: 'application/json' } });
  clock.advance(2 * 3_600_000);
  const first = await extend();
  t.equal(first.statusCode, 200);
  t.equal(first.json().expiresAt, '2027-03-01T10:00:00.000Z', 'a full idle term again (10:00 + 8 h)');
  clock.advance(5 * 3_600_000);
  t.equal((await extend()).json().expiresAt, '2027-03-01T12:00:00.000Z', 'at 15:00 only up to 12 hours after login (20:00)');
  clock.advance(3_600_000);
  const refused = await extend();
  t.equal(refused.statusCode, 409, 'no further');
  t.match(refused.body, /登录已达最长时限/);
  clock.advance(4 * 3_600_000 - 1000);
  t.equal((await p.get('/')).statusCode, 200, 'the session holds until 20:00');
  clock.advance(1000);
  const over = await p.get('/');
  t.equal(over.statusCode, 303, 'and ends then');
  t.match(String(over.headers.location), /^\/login/);
});

t.test('changing the password: rules, the current password, and the other sessions and tokens end', async (t) => {
  const app = await sharedApp();
  const mine = await login(app, 'district-clerk');
  const elsewhere = await login(app, 'district-clerk');
  const token = await apiToken(app);
  const change = (body: Record<string, string>, headers = mine) => app.inject({ method: 'PUT', url: '/api/v1/session/password', headers, payload: body });

  const short = await change({ currentPassword: 'demo1234', newPassword: 'short1' });
  t.equal(short.statusCode, 422);
  t.same(short.json().errors, [{ path: '/newPassword', message: '新密码至少10个字符' }]);
  t.match((await change({ currentPassword: 'demo1234', newPassword: 'aaaaaaaaaaaa' })).json().errors[0].message, /至少两类/);
  t.match((await change({ currentPassword: 'demo1234', newPassword: 'district-clerk-1' })).json().errors[0].message, /不能包含用户名/);
  t.match((await change({ currentPassword: 'demo1234', newPassword: 'x' }, { ...mine, 'accept-language': 'en' })).json().message, /10 characters at least/);
  const wrong = await change({ currentPassword: 'not-it', newPassword: 'new-secret-2026' });
  t.equal(wrong.statusCode, 422);
  t.same(wrong.json().errors, [{ path: '/currentPassword', message: '当前密码不正确' }]);
  t.equal((await change({ currentPassword: 'demo1234' })).statusCode, 422, 'both fields are required');

  t.equal((await change({ currentPassword: 'demo1234', newPassword: 'new-secret-2026' })).statusCode, 204);
  t.equal((await app.inject({ url: '/api/v1/session', headers: mine })).statusCode, 200, 'the session that changed it goes on');
  t.equal((await app.inject({ url: '/api/v1/session', headers: elsewhere })).statusCode, 401, 'the other session has ended');
  t.equal((await app.inject({ url: '/api/v1/session', headers: token })).statusCode, 401, 'and so has the API token');
  const old = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'district-clerk', password: 'demo1234' }, remoteAddress: '192.0.2.90' });
  t.equal(old.statusCode, 401, 'the old password no longer logs in');
  const fresh = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'district-clerk', password: 'new-secret-2026' }, remoteAddress: '192.0.2.90' });
  t.equal(fresh.statusCode, 200, 'the new one does');
});

t.test('wrong current passwords in a password change count towards the lockout', async (t) => {
  const app = await sharedApp();
  const headers = await login(app, 'supervisor');
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await app.inject({ method: 'PUT', url: '/api/v1/session/password', headers, payload: { currentPassword: `guess-${i}`, newPassword: 'new-secret-2026' }, remoteAddress: '192.0.2.91' })).statusCode);
  t.same(statuses, [422, 422, 422, 422, 423]);
  const right = await app.inject({ method: 'PUT', url: '/api/v1/session/password', headers, payload: { currentPassword: 'demo1234', newPassword: 'new-secret-2026' }, remoteAddress: '192.0.2.91' });
  t.equal(right.statusCode, 423, 'locked: not even the right current password changes it');
});

t.test('the password page: a link in the header, the form, its errors, and the change', async (t) => {
  const app = await sharedApp();
  const p = new PageClient(app);
  const other = new PageClient(app);
  await other.login('town-supervisor');
  const home = await p.login('town-supervisor');
  t.match(home.body, /<a [^>]*href="\/password"[^>]*>修改密码<\/a>/, 'the header links to the page');
  const form = await p.get('/password');
  t.equal(form.statusCode, 200);
  t.match(form.body, /name="currentPassword"[^>]*autocomplete="current-password"/);
  const mismatch = await p.post('/password', { currentPassword: 'demo1234', newPassword: 'new-secret-2026', confirmPassword: 'new-secret-2027' });
  t.equal(mismatch.statusCode, 422);
  t.match(mismatch.body, /两次输入的新密码不一致/);
  const weak = await p.post('/password', { currentPassword: 'demo1234', newPassword: 'short', confirmPassword: 'short' });
  t.equal(weak.statusCode, 422);
  t.match(weak.body, /id="newPassword-error"[\s\S]*新密码至少10个字符/, 'the rule is shown beside the field');
  const wrong = await p.post('/password', { currentPassword: 'nope', newPassword: 'new-secret-2026', confirmPassword: 'new-secret-2026' });
  t.match(wrong.body, /id="currentPassword-error"[\s\S]*当前密码不正确/);
  const done = await p.post('/password', { currentPassword: 'demo1234', newPassword: 'new-secret-2026', confirmPassword: 'new-secret-2026' });
  t.equal(done.statusCode, 303);
  t.equal(done.headers.location, '/password?done=1');
  t.match((await p.follow(done)).body, /密码已修改/);
  t.equal((await p.get('/')).statusCode, 200, 'this browser stays logged in');
  t.equal((await other.get('/')).statusCode, 303, 'the other one is sent to the login page');
});

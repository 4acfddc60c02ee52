import t from 'tap';
import { insertSession, newToken, tokenHash } from '../src/auth/session.repository.ts';
import { build, login, OWN_ORIGIN, SECRET } from './helpers/build.ts';

t.test('log in, use the session, log out', async (t) => {
  const app = await build(t);
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
  const app = await build(t);
  const token = newToken();
  await insertSession(app.db, { hash: tokenHash(SECRET, token), userId: 'u-district-clerk', kind: 'api', now: new Date(), expiresAt: null });
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
  const app = await build(t, { config: { sessionTtlMinutes: 5 } });
  const headers = await login(app, 'town-clerk');
  t.equal((await app.inject({ url: '/api/v1/session', headers })).statusCode, 200);
  await app.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).execute();
  t.equal((await app.inject({ url: '/api/v1/session', headers })).statusCode, 401);
});

import t from 'tap';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import type { Test } from 'tap';
import { issueApiToken } from '../src/auth/api-token.service.ts';
import { setUserDisabled } from '../src/auth/account.service.ts';
import { buildApp } from '../src/app.ts';
import { listen } from './helpers/browser.ts';
import { freshDatabase, SECRET, testConfig } from './helpers/build.ts';

/*
 * Sessions answer from each instance's memory (src/auth/session-cache.ts) and every change of what
 * a session resolves to is forgotten at once on every instance, by the database's notice on commit.
 * The entries here live ten minutes, so a refusal seen within the bounded wait below can only come
 * from the notice. PostgreSQL: two instances on one database, real HTTP to each; embedded: one.
 */
t.setTimeout(600_000);
const postgres = Boolean(process.env.DATABASE_URL);

interface Instance { app: FastifyInstance; base: string; acquired: () => number }

async function instance(t: Test, databaseUrl: string | undefined): Promise<Instance> {
  const app = await buildApp(testConfig({ databaseUrl, sessionCacheSeconds: 600 }), { logger: false });
  t.teardown(() => app.close());
  const base = await listen(app);
  let count = 0;
  app.pg.pool.on('acquire', () => { count++; });
  return { app, base, acquired: () => count };
}

async function logIn(i: Instance, username: string): Promise<string> {
  const r = await fetch(`${i.base}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'demo1234' }),
  });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status}`);
  return r.headers.getSetCookie().find((c) => c.startsWith('sid='))!.split(';')[0]!;
}

function me(i: Instance, auth: { cookie: string } | { authorization: string }): Promise<Response> {
  return fetch(`${i.base}/api/v1/session`, { headers: auth });
}

/** The answer to GET /session once it is not 200 any more, or the last 200 after a bounded wait (2 s). */
async function untilChanged(
  check: () => Promise<Response>, changed: (r: Response, body: any) => boolean,
): Promise<{ status: number; body: any }> {
  let last = { status: 0, body: undefined as any };
  for (let i = 0; i < 100; i++) {
    const r = await check();
    last = { status: r.status, body: await r.json() };
    if (changed(r, last.body)) return last;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return last;
}

/** A warm entry answers without taking a database connection: the lookup left the request's path. */
async function warm(t: Test, i: Instance, auth: { cookie: string } | { authorization: string }): Promise<void> {
  t.equal((await me(i, auth)).status, 200);
  const before = i.acquired();
  t.equal((await me(i, auth)).status, 200);
  t.equal(i.acquired() - before, 0, 'a warm session takes no database connection');
}

t.test('a change on one instance is seen on the other at once', async (t) => {
  const databaseUrl = await freshDatabase(t);
  const a = await instance(t, databaseUrl);
  // Embedded: one process by construction, so both roles are played by one instance.
  const b = postgres ? await instance(t, databaseUrl) : a;
  const refused = (r: Response) => r.status === 401;

  t.test('logout on A', async (t) => {
    const cookie = await logIn(a, 'village-clerk');
    await warm(t, b, { cookie });
    const out = await fetch(`${a.base}/api/v1/session`, { method: 'DELETE', headers: { cookie, origin: a.base } });
    t.equal(out.status, 204);
    t.equal((await untilChanged(() => me(b, { cookie }), refused)).status, 401, 'B refuses the session');
    t.equal((await me(a, { cookie })).status, 401, 'and A at once');
  });

  t.test('disabling the user on A', async (t) => {
    const cookie = await logIn(a, 'town-clerk');
    await warm(t, b, { cookie });
    await setUserDisabled(a.app.db, 'u-town-clerk', true);
    t.equal((await untilChanged(() => me(b, { cookie }), refused)).status, 401, 'B refuses the disabled user');
    await setUserDisabled(a.app.db, 'u-town-clerk', false);
    t.equal((await me(b, { cookie })).status, 401, 'enabling again brings no session back');
  });

  t.test('a role and a station changed by SQL on the database', async (t) => {
    const cookie = await logIn(a, 'district-clerk');
    await warm(t, b, { cookie });
    await a.app.db.updateTable('users').set({ role: 'supervisor' }).where('id', '=', 'u-district-clerk').execute();
    const promoted = await untilChanged(() => me(b, { cookie }), (_r, body) => body.user?.role !== 'clerk');
    t.equal(promoted.body.user.role, 'supervisor', 'B sees the new role');
    await warm(t, b, { cookie });
    await a.app.db.updateTable('stations').set({ name_en: 'Xinhe District Veterans Affairs Bureau.' }).where('id', '=', 'xinhe').execute();
    const before = b.acquired();
    t.equal((await me(b, { cookie })).status, 200);
    t.equal(b.acquired() - before, 1, 'a station changed: B reads the session again');
  });

  t.test('a password change on A ends the other sessions on B', async (t) => {
    const keep = await logIn(a, 'policy');
    const other = await logIn(b, 'policy');
    await warm(t, b, { cookie: other });
    const changed = await fetch(`${a.base}/api/v1/session/password`, {
      method: 'PUT', headers: { cookie: keep, origin: a.base, 'content-type': 'application/json' },
      body: JSON.stringify({ currentPassword: 'demo1234', newPassword: 'Another-pass-2026' }),
    });
    t.equal(changed.status, 204);
    t.equal((await untilChanged(() => me(b, { cookie: other }), refused)).status, 401, 'the other session is refused on B');
    t.equal((await me(b, { cookie: keep })).status, 200, "the changer's own session goes on");
  });

  t.test('an API token revoked on A', async (t) => {
    const { token } = await issueApiToken(a.app.db, SECRET, 'u-supervisor', new Date(), 30);
    const authorization = `Bearer ${token}`;
    await warm(t, b, { authorization });
    t.equal((await fetch(`${a.base}/api/v1/session`, { method: 'DELETE', headers: { authorization } })).status, 204);
    t.equal((await untilChanged(() => me(b, { authorization }), refused)).status, 401, 'B refuses the token');
  });

  t.test('a session expired in the database', async (t) => {
    const cookie = await logIn(a, 'xishan-clerk');
    await warm(t, b, { cookie });
    await a.app.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('user_id', '=', 'u-xishan-clerk').execute();
    t.equal((await untilChanged(() => me(b, { cookie }), refused)).status, 401);
  });

  if (postgres) {
    t.test('the listening connection lost and back: B forgets everything', async (t) => {
      const cookie = await logIn(a, 'town-supervisor');
      await warm(t, b, { cookie });
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      t.teardown(() => admin.end());
      const cut = await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity
        where application_name = 'veterans-notifications' and datname = current_database()`);
      t.equal(cut.rowCount, 2, "both instances' listening connections are cut");
      let back = false;
      for (let i = 0; i < 200 && !back; i++) {
        back = a.app.notifications.listening && b.app.notifications.listening;
        if (!back) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      t.ok(back, 'both listen again');
      const before = b.acquired();
      t.equal((await me(b, { cookie })).status, 200);
      t.equal(b.acquired() - before, 1, 'the session is read again after the reset');
      await a.app.db.deleteFrom('sessions').where('user_id', '=', 'u-town-supervisor').execute();
      t.equal((await untilChanged(() => me(b, { cookie }), refused)).status, 401, 'notices arrive again');
    });
  }
});

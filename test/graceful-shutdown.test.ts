import t from 'tap';
import http from 'node:http';
import net from 'node:net';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { freshDatabase, login, testConfig } from './helpers/build.ts';
import { dischargeIntake, openCase } from './helpers/fixtures.ts';

// Shutting down (SIGTERM in src/server.ts calls app.close()): the port stops taking connections,
// a request already being received finishes and is answered, and only then does the pool drain.
t.test('close: in-flight requests finish, new connections are refused, the pool drains', async (t) => {
  const databaseUrl = await freshDatabase(t);
  const app = await buildApp(testConfig({ databaseUrl }), { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as net.AddressInfo).port;
  const clerk = await login(app, 'district-clerk');
  const c = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json();

  // A slow client: half the body now, the rest after the shutdown has begun. Sent as the service's own
  // page sends it over this real socket: the Origin is the address it listens on (Host 127.0.0.1:port),
  // not app.inject's http://localhost, or the API's CSRF check refuses it before the body is read.
  const body = Buffer.from(JSON.stringify({ type: 'SUBMIT', data: dischargeIntake, expectedVersion: 1 }));
  const order: string[] = [];
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: `/api/v1/cases/${c.id}/events`, headers: { ...clerk, origin: `http://127.0.0.1:${port}`, 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => { order.push('answered'); resolve({ status: res.statusCode!, body: text }); });
    });
    req.on('error', reject);
    req.write(body.subarray(0, 40));
    setTimeout(() => {
      order.push('rest of body sent');
      req.end(body.subarray(40));
    }, 1500);
  });
  await new Promise((r) => setTimeout(r, 300));
  const closing = app.close().then(() => { order.push('closed'); });

  await new Promise((r) => setTimeout(r, 200));
  const refused = await new Promise<string>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => { s.destroy(); resolve('connected'); });
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
  t.equal(refused, 'ECONNREFUSED', 'a new connection is refused once shutdown begins');

  const done = await answer;
  t.equal(done.status, 200, 'the request in flight was answered normally');
  t.equal(JSON.parse(done.body).version, 2, 'and its event was written');
  await closing;
  t.same(order, ['rest of body sent', 'answered', 'closed'], 'close() waited for it');
  t.equal(app.pg.pool.totalCount, 0, 'the pool has no connections left');
  t.equal((app.pg.pool as unknown as { ending: boolean }).ending, true, 'and is ended');

  if (databaseUrl) {
    const url = new URL(databaseUrl);
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    const left = await admin.query('select count(*)::int as n from pg_stat_activity where datname = $1', [url.pathname.slice(1)]);
    const events = await new pg.Client({ connectionString: databaseUrl });
    await events.connect();
    const h = await events.query('select type from case_events where case_id = $1 order by seq', [c.id]);
    await events.end();
    await admin.end();
    t.equal(left.rows[0].n, 0, 'PostgreSQL sees no connection of the service any more');
    t.same(h.rows.map((r) => r.type), ['START', 'SUBMIT'], 'the in-flight event is committed');
  }
});

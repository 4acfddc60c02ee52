import t from 'tap';
import net from 'node:net';
import { once } from 'node:events';
import { build, freshDatabase, login } from './helpers/build.ts';

/** A TCP relay in front of PostgreSQL that the test can cut and restore, like a network outage. */
function relay(target: URL) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  return {
    async up() {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 5432), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('error', () => {});
          s.on('close', () => sockets.delete(s));
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
      port = (server.address() as net.AddressInfo).port;
      return port;
    },
    async down() {
      for (const s of sockets) s.destroy();
      if (server?.listening) await new Promise((r) => server!.close(r));
    },
  };
}

if (!process.env.DATABASE_URL) {
  t.pass('needs a PostgreSQL server to cut off; runs in the PostgreSQL pass');
} else {
  t.test('while the database is away, /ready and the API answer 503, and both recover', async (t) => {
    const url = new URL((await freshDatabase(t))!);
    const link = relay(url);
    const port = await link.up();
    t.teardown(() => link.down());
    const viaRelay = new URL(url);
    viaRelay.port = String(port);
    const app = await build(t, { config: { databaseUrl: viaRelay.toString() } });
    const clerk = await login(app, 'district-clerk');
    t.equal((await app.inject({ url: '/ready' })).statusCode, 200);

    await link.down();
    const ready = await app.inject({ url: '/ready' });
    t.equal(ready.statusCode, 503, '/ready fails while the database is away');
    const api = await app.inject({ url: '/api/v1/persons/p-zhang-wei', headers: clerk });
    t.equal(api.statusCode, 503, 'an API call answers 503, not 400 or 500');
    t.equal(api.json().code, 'DATABASE_UNAVAILABLE');
    t.match(api.json().message, /数据库暂不可用/);

    await link.up();
    let recovered = 0;
    for (let i = 0; i < 50 && recovered !== 200; i++) {
      recovered = (await app.inject({ url: '/ready' })).statusCode;
      if (recovered !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    t.equal(recovered, 200, '/ready recovers when the database returns');
    t.equal((await app.inject({ url: '/api/v1/persons/p-zhang-wei', headers: clerk })).statusCode, 200);
  });
}

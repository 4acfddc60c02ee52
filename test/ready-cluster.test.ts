import t from 'tap';
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.ts';
import { login, testConfig } from './helpers/build.ts';

/*
 * /ready fails while the database is away and recovers when it returns, on a real PostgreSQL
 * cluster this test makes for itself (initdb on a spare port, then pg_ctl stop / start), never the
 * shared one. Runs in the PostgreSQL pass (DATABASE_URL set), where the server binaries are present.
 */
function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const version = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))[0];
  return version && join(root, version, 'bin');
}

async function sparePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

const bin = binDir();
if (!process.env.DATABASE_URL) {
  t.pass('runs in the PostgreSQL pass (DATABASE_URL)');
} else if (!bin) {
  t.fail('PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql');
} else {
  t.test('a throw-away cluster is stopped and started under the running service', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'vet-cluster-'));
    const asRoot = userInfo().uid === 0;
    if (asRoot) {
      const pgUser = execFileSync('id', ['-u', 'postgres']).toString().trim();
      const pgGroup = execFileSync('id', ['-g', 'postgres']).toString().trim();
      chownSync(dir, Number(pgUser), Number(pgGroup));
    }
    // initdb and pg_ctl refuse to run as root: as the postgres user then.
    const run = (cmd: string, args: string[]) => execFileSync(asRoot ? 'runuser' : join(bin, cmd), asRoot ? ['-u', 'postgres', '--', join(bin, cmd), ...args] : args, { stdio: 'pipe', timeout: 60_000 }).toString();
    const data = join(dir, 'data');
    const port = await sparePort();
    const ctl = (action: string) => run('pg_ctl', ['-D', data, '-w', '-t', '30', ...(action === 'start'
      ? ['-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`, '-l', join(dir, 'log'), 'start']
      : ['-m', 'fast', 'stop'])]);
    t.teardown(() => {
      try { run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']); } catch { /* already stopped */ }
      rmSync(dir, { recursive: true, force: true });
    });
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
    ctl('start');

    const app = await buildApp(testConfig({ databaseUrl: `postgres://postgres@127.0.0.1:${port}/postgres` }), { logger: false });
    await app.ready();
    t.teardown(() => app.close());
    const clerk = await login(app, 'district-clerk');
    t.equal((await app.inject({ url: '/ready' })).statusCode, 200, 'ready with its database');
    t.equal((await app.inject({ url: '/api/v1/persons/p-zhang-wei', headers: clerk })).statusCode, 200);

    ctl('stop');
    const ready = await app.inject({ url: '/ready' });
    t.equal(ready.statusCode, 503, '/ready fails while the database is stopped');
    t.equal(ready.json().status, 'database unavailable');
    const api = await app.inject({ url: '/api/v1/persons/p-zhang-wei', headers: clerk });
    t.equal(api.statusCode, 503, 'the API answers 503');
    t.equal(api.json().code, 'DATABASE_UNAVAILABLE');
    t.notMatch(api.body, /ECONNREFUSED|127\.0\.0\.1|at /, 'without the details');
    t.equal((await app.inject({ url: '/health' })).statusCode, 200, 'the process itself is alive (liveness ≠ readiness)');

    ctl('start');
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await app.inject({ url: '/ready' })).statusCode;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    t.equal(status, 200, '/ready recovers when the database is back');
    t.equal((await app.inject({ url: '/api/v1/persons/p-zhang-wei', headers: clerk })).statusCode, 200, 'and so does the API, with the same session');
  });
}

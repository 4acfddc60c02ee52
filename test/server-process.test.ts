import t from 'tap';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { makeIdNumber } from '../src/personal-numbers/id-number.ts';

const require = createRequire(import.meta.url);

// About the embedded database's folder; the PostgreSQL run has nothing to add here.
if (process.env.DATABASE_URL) {
  t.pass('embedded-only');
} else {
  const dataDir = mkdtempSync(join(tmpdir(), 'vet-data-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const port = 20000 + (process.pid % 20000);
  const base = `http://127.0.0.1:${port}`;

  interface Running { child: ChildProcess; output: () => string }

  // What `npm start` runs: the compiled copy, built (or found up to date) by the same command as its prestart.
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'tsconfig.build.json'], { stdio: 'inherit' });

  function startService(env: Record<string, string> = {}): Running {
    let out = '';
    const { DATABASE_URL: _, ...rest } = process.env;
    const child = spawn(process.execPath, ['dist/src/server.js'], {
      env: { ...rest, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => { out += d; });
    child.stderr!.on('data', (d) => { out += d; });
    return { child, output: () => out };
  }

  async function waitReady(r: Running): Promise<void> {
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      if (r.child.exitCode !== null) throw new Error(`service exited: ${r.output()}`);
      try {
        if ((await fetch(`${base}/ready`)).status === 200) return;
      } catch { /* not listening yet */ }
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`not ready: ${r.output()}`);
  }

  async function stop(r: Running): Promise<number | null> {
    r.child.kill('SIGTERM');
    const [code] = await once(r.child, 'exit');
    return code as number | null;
  }

  async function loginCookie(): Promise<string> {
    const res = await fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'village-clerk', password: 'demo1234' }) });
    return res.headers.get('set-cookie')!.split(';')[0]!;
  }

  const idNumber = makeIdNumber('330102', '1985-02-03', 515);

  t.test('the embedded database keeps its data across restarts, and one process at a time', async (t) => {
    const first = startService();
    await waitReady(first);
    t.ok(existsSync(join(dataDir, 'service.lock')), 'the data folder is locked');
    const cookie = await loginCookie();
    const created = await fetch(`${base}/api/v1/persons`, { method: 'POST', headers: { cookie, origin: base, 'content-type': 'application/json' }, body: JSON.stringify({ name: '钱昇', idNumber }) });
    t.equal(created.status, 201);
    await fetch(`${base}/api/v1/persons/${idNumber}`, { headers: { cookie } });

    const second = startService({ PORT: String(port + 1) });
    const [code] = await once(second.child, 'exit');
    t.equal(code, 1, 'a second process on the same folder refuses to start');
    t.match(second.output(), /in use by process \d+/);

    t.equal(await stop(first), 0, 'SIGTERM shuts down cleanly');
    t.notOk(existsSync(join(dataDir, 'service.lock')), 'and releases the folder');
    const logs = first.output();
    t.notOk(logs.includes(idNumber), 'the full ID number never reaches the log, even from a URL');
    t.match(logs, /330102\*{8}/, 'it is logged masked');
    t.notOk(logs.includes('demo1234'), 'passwords are never logged');

    const again = startService();
    await waitReady(again);
    const cookie2 = await loginCookie();
    const found = await fetch(`${base}/api/v1/persons/search`, { method: 'POST', headers: { cookie: cookie2, origin: base, 'content-type': 'application/json' }, body: JSON.stringify({ idNumber }) });
    t.equal(((await found.json()) as { items: { name: string }[] }).items[0]?.name, '钱昇', 'the person is still there after a restart');
    t.equal(await stop(again), 0);
  });

  t.test('configuration is validated at start with a clear message', async (t) => {
    const bad = startService({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' });
    const [code] = await once(bad.child, 'exit');
    t.equal(code, 1);
    t.match(bad.output(), /invalid configuration.*SESSION_SECRET/s, 'a shared database needs a session secret');
    const noAddress = startService({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', SESSION_SECRET: 's'.repeat(32), DATA_KEY: 'ab'.repeat(32) });
    t.equal((await once(noAddress.child, 'exit'))[0], 1, 'a shared database needs the public address too');
    t.match(noAddress.output(), /必须设置 PUBLIC_BASE_URL.*二维码.*PUBLIC_BASE_URL is required with DATABASE_URL.*QR codes/s, 'and says why, in Chinese and English');
    const badPort = startService({ PORT: 'eighty' });
    await once(badPort.child, 'exit');
    t.match(badPort.output(), /配置错误 \/ invalid configuration.*PORT/s);
  });
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { buildApp } from '../src/app.ts';
import { manualClock, type Clock } from '../src/clock.ts';
import { freshDatabase, testConfig } from './helpers/build.ts';
import { runTool } from './helpers/processes.ts';

t.setTimeout(300_000);

t.test('npm run user:add --api-token: the token expires after --token-days (default 90, at most 366)', async (t) => {
  const databaseUrl = await freshDatabase(t);
  const dataDir = databaseUrl ? 'memory://' : await mkdtemp(join(tmpdir(), 'vet-token-'));
  if (!databaseUrl) t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const open = async (clock?: Clock) => {
    const app = await buildApp(testConfig({ databaseUrl, dataDir }), { clock, logger: false });
    await app.ready();
    return app;
  };
  // The demo district (its stations) first; the embedded database is one process at a time.
  const seeded = await open();
  if (!databaseUrl) await seeded.close();
  const env = { ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir }), USER_PASSWORD: 'a-long-password-1' };
  const add = (username: string, extra: string[]) => runTool('user-add', env, ['--username', username, '--name', '王芳', '--role', 'clerk', '--station', 'qiaotou', '--api-token', ...extra]);
  const tooLong = await add('wang-too-long', ['--token-days', '400']);
  t.equal(tooLong.code, 1);
  t.match(tooLong.stderr, /--token-days 须为1至366的整数/);
  const month = await add('wang-month', ['--token-days', '30']);
  t.equal(month.code, 0, month.stderr);
  const usual = await add('wang-usual', []);
  t.equal(usual.code, 0, usual.stderr);
  const bearer = (out: string) => ({ authorization: `Bearer ${/API token .*: (\S+)\s*$/m.exec(out)![1]}` });
  if (databaseUrl) await seeded.close();

  const clock = manualClock(new Date());
  const app = await open(clock);
  t.teardown(() => app.close());
  const rows = await app.db.selectFrom('sessions').innerJoin('users', 'users.id', 'sessions.user_id').select(['users.username', 'sessions.expires_at']).where('sessions.kind', '=', 'api').orderBy('users.username').execute();
  const days = rows.map((r) => [r.username, Math.round((r.expires_at.getTime() - Date.now()) / 86_400_000)]);
  t.same(days, [['wang-month', 30], ['wang-usual', 90]], 'the expiry is stored');
  t.equal((await app.inject({ url: '/api/v1/session', headers: bearer(month.stdout) })).statusCode, 200, 'the token works');
  clock.advance(31 * 86_400_000);
  t.equal((await app.inject({ url: '/api/v1/session', headers: bearer(month.stdout) })).statusCode, 401, '31 days on, the 30-day token is refused');
  t.equal((await app.inject({ url: '/api/v1/session', headers: bearer(usual.stdout) })).statusCode, 200, 'the 90-day one still works');
});

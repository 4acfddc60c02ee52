import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { openConfiguredDatabase } from '../src/cli/database.ts';
import { freshDatabase, login, testConfig } from './helpers/build.ts';
import { archiveForm, dischargeIntake, openCase, send } from './helpers/fixtures.ts';
import { runTool } from './helpers/processes.ts';

// `npm run verify` checks the database the service is configured for: DATA_DIR (embedded, while
// the service is stopped) or DATABASE_URL. Every case's snapshot must equal the replay of its history.
t.test('npm run verify passes on a consistent database and lists every case that is not', async (t) => {
  const databaseUrl = await freshDatabase(t);
  const dataDir = databaseUrl ? 'memory://' : mkdtempSync(join(tmpdir(), 'vet-verify-'));
  if (!databaseUrl) t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir };

  const app = await buildApp(testConfig({ databaseUrl, dataDir }), { logger: false });
  await app.ready();
  const clerk = await login(app, 'district-clerk');
  const supervisor = await login(app, 'supervisor');
  const done = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json();
  t.equal((await send(app, clerk, done.id, 'SUBMIT', dischargeIntake, 1)).statusCode, 200);
  t.equal((await send(app, supervisor, done.id, 'COMMENT', { text: '档案已催' }, 2)).statusCode, 200, 'an admin act in between');
  t.equal((await send(app, clerk, done.id, 'RECORD_ARCHIVE', archiveForm, 3)).statusCode, 200);
  const open = (await openCase(app, clerk, 'discharge-reporting', 'p-li-jun')).json();
  await app.close();

  const good = await runTool('verify', env);
  t.equal(good.code, 0, `verify exits 0 on a consistent database: ${good.stdout}${good.stderr}`);
  t.match(good.stdout, /verify OK: [3-9] cases/, 'the cases checked: two opened and the child the report started');
  t.notMatch(good.stdout, /MISMATCH/);

  // Break it three ways: a snapshot that does not follow the history, a version ahead of the
  // history (a lost event), and a case row without any history (half-written).
  const corrupt = async (run: (q: (text: string) => Promise<unknown>) => Promise<void>) => {
    if (databaseUrl) {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      await run((text) => c.query(text));
      await c.end();
    } else {
      const { db, close } = await openConfiguredDatabase(testConfig({ dataDir }));
      await run((text) => sql.raw(text).execute(db));
      await close();
    }
  };
  await corrupt(async (q) => {
    await q(`update cases set snapshot = jsonb_set(snapshot, '{value}', '"archiveCheck"') where id = '${open.id}'`);
    await q(`update cases set version = version + 1 where id = '${done.id}'`);
    await q(`insert into cases (id, case_no, workflow_id, workflow_version, person_id, station_id, station_path, state, status, exclusive, version, snapshot, created_at, updated_at)
      select 'half-written-case', '退报-1999-99999', workflow_id, workflow_version, 'p-zhang-jianguo', station_id, station_path, state, status, false, 1, snapshot, created_at, updated_at
      from cases where id = '${open.id}'`);
  });
  const bad = await runTool('verify', env);
  t.equal(bad.code, 1, 'verify exits 1 when a case does not match its history');
  t.match(bad.stdout, new RegExp(`MISMATCH case ${open.id}: stored snapshot differs from the replay`));
  t.match(bad.stdout, new RegExp(`MISMATCH case ${done.id}: case version 5, but 4 history entries`));
  t.match(bad.stdout, /MISMATCH case half-written-case: no history at all/);
  t.match(bad.stdout, /verify FAILED: 3 of \d+ cases/);
});

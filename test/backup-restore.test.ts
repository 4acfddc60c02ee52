import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { makeIdNumber } from '../src/personal-numbers/id-number.ts';
import { freshDatabase, login, testConfig } from './helpers/build.ts';
import { archiveForm, dischargeIntake, openCase, send } from './helpers/fixtures.ts';
import { runTool } from './helpers/processes.ts';

// The README's "Backup and restore", done: pg_dump -Fc of a seeded database, pg_restore into an
// empty one, and the copy is the same to the last row, verifies, and serves (with the same DATA_KEY).
function tool(name: string): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', name))).sort((a, b) => Number(b) - Number(a)) : [];
  return versions[0] ? join(root, versions[0], 'bin', name) : name;
}

async function tableDigests(url: string): Promise<Record<string, string>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const tables = (await c.query<{ t: string }>(`select table_name as t from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`)).rows.map((r) => r.t);
  const out: Record<string, string> = {};
  for (const name of tables) {
    const r = await c.query<{ n: number; d: string | null }>(`select count(*)::int as n, md5(string_agg(to_jsonb(x)::text, '|' order by to_jsonb(x)::text)) as d from "${name}" x`);
    out[name] = `${r.rows[0]!.n}:${r.rows[0]!.d}`;
  }
  await c.end();
  return out;
}

if (!process.env.DATABASE_URL) {
  t.pass('runs in the PostgreSQL pass (DATABASE_URL)');
} else {
  t.test('pg_dump a seeded database, pg_restore it into an empty one: the same data, verified, serving', async (t) => {
    const source = (await freshDatabase(t))!;
    const app = await buildApp(testConfig({ databaseUrl: source }), { logger: false });
    await app.ready();
    const clerk = await login(app, 'district-clerk');
    const village = await login(app, 'village-clerk');
    const idNumber = makeIdNumber('330102', '1993-03-03', 303);
    t.equal((await app.inject({ method: 'POST', url: '/api/v1/persons', headers: village, payload: { name: '备份测试', idNumber, phone: '13611112222', attributes: { category: 'veteran' } } })).statusCode, 201);
    const c = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json();
    await send(app, clerk, c.id, 'SUBMIT', dischargeIntake, 1);
    await send(app, clerk, c.id, 'COMMENT', { text: '备份前' }, 2);
    await send(app, clerk, c.id, 'RECORD_ARCHIVE', archiveForm, 3);
    const open = (await openCase(app, clerk, 'discharge-reporting', 'p-li-jun')).json();
    await app.close();

    const dir = mkdtempSync(join(tmpdir(), 'vet-backup-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const dump = join(dir, 'veterans.dump');
    execFileSync(tool('pg_dump'), ['--format=custom', '--no-owner', `--file=${dump}`, source], { stdio: 'pipe' });

    const target = new URL(source);
    target.pathname = `${target.pathname}_restored`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`create database ${target.pathname.slice(1)}`);
    await admin.end();
    t.teardown(async () => {
      const a = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await a.connect();
      await a.query(`drop database if exists ${target.pathname.slice(1)} with (force)`);
      await a.query(`drop role if exists ${target.pathname.slice(1)}_runtime`);
      await a.end();
    });
    // --no-acl: the grants name the source's runtime role, which another server need not have; the
    // service grants its own on start.
    execFileSync(tool('pg_restore'), ['--no-owner', '--no-acl', '--exit-on-error', `--dbname=${target}`, dump], { stdio: 'pipe' });

    const before = await tableDigests(source);
    const after = await tableDigests(target.toString());
    t.ok(Object.keys(before).length >= 15, `${Object.keys(before).length} tables`);
    t.ok(Number(before.case_events!.split(':')[0]) >= 5, 'with history in them');
    t.same(after, before, 'every table of the copy holds exactly the rows of the original');

    const verify = await runTool('verify', { DATABASE_URL: target.toString() });
    t.equal(verify.code, 0, `npm run verify on the copy: ${verify.stdout}${verify.stderr}`);

    const wrongKey = await runTool('migrate', { DATABASE_URL: target.toString(), DATA_KEY: 'cd'.repeat(32) });
    t.equal(wrongKey.code, 1, 'the copy is useless without its DATA_KEY (kept apart from the dump)');

    const restored = await buildApp(testConfig({ databaseUrl: target.toString() }), { logger: false });
    await restored.ready();
    t.teardown(() => restored.close());
    const clerk2 = await login(restored, 'district-clerk');
    const found = await restored.inject({ method: 'POST', url: '/api/v1/persons/search', headers: clerk2, payload: { idNumber } });
    t.equal(found.json().items[0]?.name, '备份测试', 'encrypted personal data is found and read with the same key');
    const file = (await restored.inject({ url: `/api/v1/cases/${c.id}`, headers: clerk2 })).json();
    t.same(file.history.map((h: { type: string }) => h.type), ['START', 'SUBMIT', 'COMMENT', 'RECORD_ARCHIVE'], 'the history came back whole');
    const next = await send(restored, clerk2, open.id, 'SUBMIT', { ...dischargeIntake, name: '李军', idNumber: makeIdNumber('330102', '1960-01-20', 171) }, 1);
    t.equal(next.statusCode, 200, 'and the restored service goes on working');
    const c2 = new pg.Client({ connectionString: target.toString() });
    await c2.connect();
    const refused = await c2.query('delete from case_events').then(() => 'deleted', (e: { code: string }) => e.code);
    await c2.end();
    t.equal(refused, '42501', 'the append-only trigger came back with the restore');
    const who = (await restored.db.selectFrom('case_events').select(sql<string>`current_user`.as('role')).limit(1).executeTakeFirstOrThrow()).role;
    t.equal(who, `${target.pathname.slice(1)}_runtime`, 'the restored service serves as a runtime role of its own');
    const blocked = await sql`delete from case_events`.execute(restored.db).then(() => 'deleted', (e: { message: string }) => e.message);
    t.match(blocked, /permission denied for table case_events/, 'which may not delete history');
  });
}

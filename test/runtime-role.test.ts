import t from 'tap';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { freshDatabase, login, testConfig } from './helpers/build.ts';
import { dischargeIntake, openCase, send } from './helpers/fixtures.ts';
import { runTool } from './helpers/processes.ts';

// Two logins (docs/adr/0009-runtime-role.md): MIGRATION_DATABASE_URL owns the tables and migrates;
// DATABASE_URL owns nothing and serves. Unlike SET ROLE, nothing the runtime login runs can give it
// the owner's rights back.
if (!process.env.DATABASE_URL) {
  t.pass('runs in the PostgreSQL pass (DATABASE_URL): the embedded database has one login');
} else {
  t.test('the service migrates as the owner and serves as a login that owns nothing', async (t) => {
    const ownerUrl = (await freshDatabase(t))!;
    const name = new URL(ownerUrl).pathname.slice(1);
    const runtimeLogin = `${name}_app`;
    const admin = async (text: string) => {
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      try { await c.query(text); } finally { await c.end(); }
    };
    await admin(`create role ${runtimeLogin} login`);
    t.teardown(async () => {
      await admin(`drop database if exists ${name} with (force)`);
      await admin(`drop role if exists ${runtimeLogin}`);
    });
    const u = new URL(ownerUrl);
    u.username = runtimeLogin;
    const appUrl = u.toString();

    const alone = await runTool('migrate', { DATABASE_URL: appUrl });
    t.equal(alone.code, 1, 'the runtime login alone cannot migrate');
    t.match(alone.stderr, /migrations are pending and .*_app owns nothing: run npm run migrate with MIGRATION_DATABASE_URL/);
    const migrated = await runTool('migrate', { DATABASE_URL: appUrl, MIGRATION_DATABASE_URL: ownerUrl });
    t.equal(migrated.code, 0, `npm run migrate with the owner's URL: ${migrated.stderr}`);

    const app = await buildApp(testConfig({ databaseUrl: appUrl, migrationDatabaseUrl: ownerUrl }), { logger: false });
    await app.ready();
    t.teardown(() => app.close());
    const clerk = await login(app, 'district-clerk');
    const c = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json();
    t.equal((await send(app, clerk, c.id, 'SUBMIT', dischargeIntake, 1)).statusCode, 200, 'the service works as the runtime login');
    const who = (await sql<{ current: string; session: string }>`select current_user as current, session_user as session`.execute(app.db)).rows[0]!;
    t.same(who, { current: runtimeLogin, session: runtimeLogin }, 'and is that login, no SET ROLE');

    const refused = async (what: string, text: string) => {
      const err = await sql.raw(text).execute(app.db)
        .then(() => undefined, (e: { code?: string; message: string }) => e);
      t.equal(err?.code, '42501', `${what} is refused: ${err?.message}`);
    };
    await refused('SET ROLE to the owner', 'set role postgres');
    await sql`reset role`.execute(app.db);
    await refused('ALTER TABLE … DISABLE TRIGGER ALL', 'alter table case_events disable trigger all');
    await refused('SET session_replication_role = replica', 'set session_replication_role = replica');
    await refused('UPDATE case_events', `update case_events set payload = '{}'::jsonb`);
    await refused('DELETE FROM case_events', 'delete from case_events');
    await refused('TRUNCATE case_events', 'truncate case_events');
    await refused('DROP TABLE case_events', 'drop table case_events');
    await refused('a table of its own', 'create table mine (a int)');
    await app.close();

    const served = await buildApp(testConfig({ databaseUrl: appUrl }), { logger: false });
    await served.ready();
    t.equal((await served.inject({ url: '/ready' })).statusCode, 200, 'once migrated, DATABASE_URL alone serves');
    await served.close();
    const verify = await runTool('verify', { DATABASE_URL: appUrl });
    t.equal(verify.code, 0, `npm run verify as the runtime login: ${verify.stdout}${verify.stderr}`);
  });
}

import t from 'tap';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FileMigrationProvider, Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { parseDataKey } from '../src/crypto/data-key.ts';
import type { Database } from '../src/db/database.ts';
import { startEmbeddedDatabase } from '../src/db/embedded.ts';
import { migrateToLatest, migrationsFolder } from '../src/db/migrate.ts';
import { makeIdNumber } from '../src/persons/id-number.ts';
import { findPerson, searchPersons } from '../src/persons/person.repository.ts';
import { build, DATA_KEY, freshDatabase, login } from './helpers/build.ts';
import { runTool } from './helpers/processes.ts';

// ID numbers and phones are stored encrypted (AES-256-GCM) with a keyed hash to search by; the key
// (DATA_KEY, or DATA_DIR/data-key) is never in the database.

t.test('the persons table holds no ID number or phone in clear; search and duplicates still work', async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'village-clerk');
  const idNumber = makeIdNumber('330102', '1991-04-05', 333);
  const phone = '13712345678';
  const created = await app.inject({ method: 'POST', url: '/api/v1/persons', headers: clerk, payload: { name: '钱多', idNumber, phone } });
  t.equal(created.statusCode, 201);
  const id = created.json().id;

  const dump = (await sql<{ row: string }>`select row_to_json(p)::text as row from persons p`.execute(app.db)).rows.map((r) => r.row).join('\n');
  t.notOk(dump.includes(idNumber), 'the new ID number is nowhere in the table');
  t.notOk(dump.includes(phone), 'nor the phone');
  for (const demo of [makeIdNumber('330102', '2002-03-15', 131), '13800138000']) t.notOk(dump.includes(demo), 'nor the demo persons\' data');
  const row = await app.db.selectFrom('persons').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  t.match(row.id_number_enc, /^v1:[A-Za-z0-9_-]{40,}$/, 'AES-GCM ciphertext, versioned');
  t.match(row.phone_enc, /^v1:/);
  t.match(row.id_number_hash, /^[A-Za-z0-9_-]{43}$/, 'HMAC-SHA256 blind index');
  const columns = (await sql<{ column_name: string }>`select column_name from information_schema.columns where table_name = 'persons'`.execute(app.db)).rows.map((r) => r.column_name);
  t.notOk(columns.includes('id_number') || columns.includes('phone'), 'the plaintext columns are gone');

  const everything = (await sql<{ t: string }>`select string_agg(row_to_json(d)::text, '') as t from data_keys d`.execute(app.db)).rows[0]!.t;
  t.notOk(everything.includes(DATA_KEY) || everything.includes(parseDataKey(DATA_KEY).toString('base64')), 'only the key\'s id is stored, never the key');

  const found = await app.inject({ method: 'POST', url: '/api/v1/persons/search', headers: clerk, payload: { idNumber } });
  t.equal(found.json().items[0]?.id, id, 'found by its full ID number through the keyed hash');
  const lower = await app.inject({ method: 'POST', url: '/api/v1/persons/search', headers: clerk, payload: { idNumber: makeIdNumber('110101', '1990-01-01', 1) } });
  t.same(lower.json().items, [], 'an unknown number finds nobody');
  const dup = await app.inject({ method: 'POST', url: '/api/v1/persons', headers: clerk, payload: { name: '钱多多', idNumber } });
  t.equal(dup.json().code, 'PERSON_EXISTS', 'duplicates are still refused');
  const revealed = (await app.inject({ url: `/api/v1/persons/${id}?reveal=1`, headers: clerk })).json();
  t.equal(revealed.idNumber, idNumber, 'decrypted on reveal');
  t.equal(revealed.phone, phone);
});

t.test('a ciphertext moved to another row does not decrypt', async (t) => {
  const app = await build(t);
  await sql`update persons set id_number_enc = (select id_number_enc from persons where id = 'p-zhang-wei') where id = 'p-li-jun'`.execute(app.db);
  await t.rejects(findPerson(app.db, 'p-li-jun', 'xinhe'), /cannot decrypt persons\.id_number:p-li-jun/);
  const clerk = await login(app, 'district-clerk');
  const res = await app.inject({ url: '/api/v1/persons/p-li-jun', headers: clerk });
  t.equal(res.statusCode, 500, 'tampered data is an internal error');
  t.notMatch(res.body, /decrypt|DATA_KEY|at .*\.ts/, 'that says nothing of why');
});

t.test('the service refuses to start with a key other than the one the data was encrypted with', async (t) => {
  const databaseUrl = await freshDatabase(t);
  const dataDir = await fs.mkdtemp(path.join((await import('node:os')).tmpdir(), 'vet-key-'));
  t.teardown(() => fs.rm(dataDir, { recursive: true, force: true }));
  const env = databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir, DATA_KEY: undefined };
  const first = await runTool('migrate', env);
  t.equal(first.code, 0, first.stderr);
  if (!databaseUrl) t.match(await fs.readFile(path.join(dataDir, 'data-key'), 'utf8'), /^[A-Za-z0-9+/]{43}=$/, 'embedded: the key is generated beside the database');
  const other = await runTool('migrate', { ...env, DATA_KEY: 'ab'.repeat(32) });
  t.equal(other.code, 1);
  t.match(other.stderr, /DATA_KEY is not the key this database's personal data was encrypted with/);
  const malformed = await runTool('migrate', { ...env, DATA_KEY: 'too-short' });
  t.equal(malformed.code, 1);
  t.match(malformed.stderr, /invalid configuration.*DATA_KEY/s);
  t.notMatch(malformed.stderr, /too-short/, 'the bad key is not echoed');
  if (!databaseUrl) {
    const noKey = await runTool('migrate', { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', DATA_KEY: undefined });
    t.match(noKey.stderr, /must have required property 'DATA_KEY'/, 'a shared database needs DATA_KEY');
  }
});

t.test('migration 0004 encrypts the persons already stored, and needs the key to do so', async (t) => {
  const databaseUrl = await freshDatabase(t);
  const embedded = databaseUrl ? undefined : await startEmbeddedDatabase('memory://', 2);
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl ?? embedded!.connectionString, max: 2 }) }) });
  t.teardown(async () => {
    await db.destroy();
    await embedded?.close();
  });
  const upTo3 = new Migrator({ db, provider: new FileMigrationProvider({ fs, path, migrationFolder: migrationsFolder }) });
  const r = await upTo3.migrateTo('20261124T0003_deadlines');
  t.error(r.error);
  const now = new Date();
  await db.insertInto('stations').values({ id: 'v', parent_id: null, level: 'district', path: 'v', name_zh: '区', name_en: 'D' }).execute();
  await db.insertInto('users').values({ id: 'u', username: 'u', display_name: 'U', role: 'clerk', station_id: 'v', password_hash: 'x', created_at: now }).execute();
  // More than one batch of the migration's 500.
  const people = Array.from({ length: 1000 }, (_, i) => ({
    id: `old-${String(i).padStart(4, '0')}`, name: `旧${i}`, id_number: makeIdNumber('330102', '1970-01-01', i),
    sex: 'male', birth_date: '1970-01-01', phone: i % 2 ? `139${String(i).padStart(8, '0')}` : null, station_id: 'v', station_path: 'v', attributes: '{}', created_by: 'u', created_at: now,
  }));
  for (let i = 0; i < people.length; i += 500) await db.insertInto('persons').values(people.slice(i, i + 500)).execute();

  await t.rejects(migrateToLatest(db), /migration 20261124T0004_hardening failed: 1000 persons must be encrypted and no data key was given/);
  const still = await db.selectFrom('persons').select(['id_number']).where('id', '=', 'old-0001').executeTakeFirst();
  t.equal(still?.id_number, people[1]!.id_number, 'a failed migration changes nothing');

  await migrateToLatest(db, { dataKey: parseDataKey(DATA_KEY) });
  const columns = (await sql<{ column_name: string }>`select column_name from information_schema.columns where table_name = 'persons'`.execute(db)).rows.map((r) => r.column_name);
  t.notOk(columns.includes('id_number'), 'the plaintext column is dropped');
  const typed = db as unknown as Kysely<Database>;
  // The process key is the tests' DATA_KEY (set by testConfig through build()); set it here too.
  (await import('../src/crypto/data-key.ts')).useDataKey(parseDataKey(DATA_KEY));
  const p = await findPerson(typed, 'old-0999', 'v');
  t.equal(p?.idNumber, people[999]!.id_number, 'an old row decrypts with the key');
  t.equal(p?.phone, people[999]!.phone);
  t.equal((await findPerson(typed, 'old-0998', 'v'))?.phone, null, 'a missing phone stays missing');
  const byId = await searchPersons(typed, { idNumber: people[500]!.id_number }, 'v', 5);
  t.same(byId.map((x) => x.id), ['old-0500'], 'and is found through the keyed hash the migration wrote');
  const kids = await db.selectFrom('data_keys').select('kid').execute();
  t.equal(kids.length, 1, 'the key id is recorded');
});

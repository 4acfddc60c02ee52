import t from 'tap';
import { sql } from 'kysely';
import type { Executor } from '../src/db/database.ts';
import { build } from './helpers/build.ts';
import { displayNames } from '../src/users/user.repository.ts';

/*
 * The driver names repeated statements (src/db/named-statements.ts): on PostgreSQL a text used
 * twice is prepared once per connection, a connection holds at most 256 of them whatever the
 * lengths of `in (…)` lists, and a table changed under a prepared statement does not break it.
 * The embedded database names nothing (one PostgreSQL session behind every socket connection).
 */
t.setTimeout(600_000);
const postgres = Boolean(process.env.DATABASE_URL);

t.test('repeated statements are prepared once, boundedly, and survive a schema change', async (t) => {
  // One connection, so every statement below meets the same server session.
  const app = await build(t, { config: { dbPoolSize: 1 } });
  const prepared = async () => (await sql<{ name: string }>`select name from pg_prepared_statements`.execute(app.db)).rows.map((r) => r.name);
  const before = await prepared();
  for (let i = 0; i < 3; i++) await displayNames(app.db, ['u-admin']);
  const after = await prepared();
  if (!postgres) {
    t.same(after, [], 'embedded: nothing is named');
    return;
  }
  t.equal(after.length - before.length, 1, 'the repeated lookup is one named statement');
  t.match(after.at(-1), /^k0_/);

  await sql`create temp table probe (a int)`.execute(app.db);
  await sql`insert into probe values (1)`.execute(app.db);
  const read = (db: Executor = app.db) => sql<Record<string, unknown>>`select * from probe where a = ${1}`.execute(db);
  await read();
  await read();
  await sql`alter table probe add column b int`.execute(app.db);
  t.same((await read()).rows, [{ a: 1, b: null }], 'a changed table: the statement is run afresh');
  t.same((await read()).rows, [{ a: 1, b: null }], 'and prepared again');
  await sql`alter table probe add column c int`.execute(app.db);
  const inTransaction = await app.db.transaction().execute((trx) => read(trx).then(() => 'ran'))
    .catch((err: { code?: string }) => err.code);
  t.equal(inTransaction, '0A000', 'inside a transaction the one statement fails as PostgreSQL says (the transaction is aborted)');
  t.same((await app.db.transaction().execute((trx) => read(trx))).rows, [{ a: 1, b: null, c: null }], 'the next transaction runs');
  const ids = Array.from({ length: 400 }, (_, i) => `u-${i}`);
  for (let n = 1; n <= 400; n++) for (let k = 0; k < 2; k++) await displayNames(app.db, ids.slice(0, n));
  t.equal((await prepared()).length, 256, 'in-lists of 400 lengths: the connection holds 256 named statements');
});

import { Kysely, sql } from 'kysely';

// Frozen: never import src/ here; a later change is a new migration.
// Login protection moves out of process memory and off the users table (docs/adr/0005-login-lockout.md):
// - login_failures counts wrong passwords per user-name string (known or not, so the counter tells
//   nobody which names exist) and per client address: one row per (username, client) pair and one per
//   username with client '*' for all addresses together;
// - login_attempts counts login attempts per client address in a minute from its first one, shared by
//   every instance.
// API tokens get an expiry: the ones that had none run 90 days from this migration.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('login_failures')
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('client', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('locked_until', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('login_failures_pkey', ['username', 'client'])
    .execute();
  await db.schema.createIndex('login_failures_updated_at_idx').on('login_failures').column('updated_at').execute();

  await db.schema.createTable('login_attempts')
    .addColumn('client', 'text', (c) => c.notNull())
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('login_attempts_pkey', ['client'])
    .execute();
  await db.schema.createIndex('login_attempts_window_start_idx').on('login_attempts').column('window_start').execute();

  await db.schema.alterTable('users').dropColumn('failed_logins').dropColumn('locked_until').execute();

  await sql`update sessions set expires_at = now() + interval '90 days' where expires_at is null`.execute(db);
  await sql`alter table sessions alter column expires_at set not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table sessions alter column expires_at drop not null`.execute(db);
  await db.schema.alterTable('users')
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'timestamptz')
    .execute();
  await db.schema.dropTable('login_attempts').execute();
  await db.schema.dropTable('login_failures').execute();
}

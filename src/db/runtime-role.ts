import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database, Db } from './database.ts';
import { migrateToLatest, migrationsApplied, type MigrationContext } from './migrate.ts';

/**
 * Two roles (docs/adr/0009-runtime-role.md): the owner of the tables runs the migrations; requests
 * are served by a role that owns nothing, so it cannot ALTER a table, switch its triggers off or
 * set session_replication_role, and may only read and append the history. With
 * MIGRATION_DATABASE_URL the owner and the runtime role are two logins; with one DATABASE_URL
 * whose user owns the schema (a developer, CI, the embedded database) the service makes a
 * `<database>_runtime` role and every serving connection SET ROLEs to it.
 */
export interface ServingAccess {
  connectionString: string;
  /** SET ROLE on every new connection: the URL's user owns the schema. */
  role?: string;
  /** Serving as a role that can rewrite the history (said in the log at start). */
  warning?: string;
}

export interface AccessOptions {
  /** DATABASE_URL, or the embedded database's socket. */
  url: string;
  migrationUrl?: string;
  migration: MigrationContext;
}

/** The tables the runtime role may not change as it may the rest, and what it may do to them. */
const LIMITED: { table: string; grant: string }[] = [
  { table: 'case_events', grant: 'select, insert' },
  { table: 'notices', grant: 'select, insert, update (pdf, sha256, rendered_at, render_attempts, render_error)' },
  { table: 'kysely_migration', grant: 'select' },
  { table: 'kysely_migration_lock', grant: 'select' },
];

async function withDb<T>(url: string, run: (db: Db) => Promise<T>): Promise<T> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    return await run(db);
  } finally {
    await db.destroy();
  }
}

interface Standing { role: string; database: string; superuser: boolean; owner: boolean }

/**
 * Who the connection is: a superuser, or a role that owns the
 * history table (or, before the first migration, may create tables).
 */
async function standing(db: Db): Promise<Standing> {
  const r = await sql<Standing>`select current_user as role, current_database() as database,
      (select rolsuper from pg_roles where rolname = current_user) as superuser,
      coalesce((select pg_has_role(current_user, c.relowner, 'USAGE') from pg_class c where c.oid = to_regclass('public.case_events')),
        has_schema_privilege(current_user, 'public', 'CREATE')) as owner`.execute(db);
  return r.rows[0]!;
}

function holdsHistory(s: Standing): string | undefined {
  return s.superuser || s.owner
    ? `the service serves as ${s.role}, which ${s.superuser ? 'is a superuser' : 'owns the tables'}: it could switch off the history's triggers / 服务以可改写历史的角色 ${s.role} 运行`
    : undefined;
}

/**
 * The runtime role of a database whose owner is also its only login:
 * made once, idempotently (concurrent starts, parallel test files).
 */
async function ensureRuntimeRole(db: Db, me: Standing): Promise<string | undefined> {
  const role = `${me.database}_runtime`;
  try {
    await sql`create role ${sql.id(role)} nologin`.execute(db);
  } catch (err) {
    const code = (err as { code?: string }).code;
    // 42710: it exists; 23505: another start made it at the same moment; 42501: no CREATEROLE.
    if (code === '42501') return undefined;
    if (code !== '42710' && code !== '23505') throw err;
  }
  if (me.superuser) return role;
  // A non-superuser owner (with CREATEROLE) must be a member to SET ROLE to it.
  return sql`grant ${sql.id(role)} to ${sql.id(me.role)}`.execute(db).then(() => role, (err: { code?: string }) => {
    if (err.code === '42501') return undefined;
    throw err;
  });
}

/**
 * Grants the runtime role exactly what serving needs, after every migration run (new tables
 * included): read and write on every table, but only read and append on the history, only the
 * PDF bookkeeping of notices, only read the migration tables; no TRUNCATE, TRIGGER or REFERENCES.
 */
async function grantRuntime(db: Db, role: string): Promise<void> {
  const r = sql.id(role);
  await db.transaction().execute(async (trx) => {
    // Concurrent GRANTs on one table fail ("tuple concurrently updated"): one start at a time.
    await sql`select pg_advisory_xact_lock(hashtext('veterans runtime grants'))`.execute(trx);
    await sql`grant usage on schema public to ${r}`.execute(trx);
    await sql`revoke all on all tables in schema public from ${r}`.execute(trx);
    await sql`grant select, insert, update, delete on all tables in schema public to ${r}`.execute(trx);
    for (const t of LIMITED) {
      await sql`revoke all on ${sql.table(t.table)} from ${r}`.execute(trx);
      await sql`grant ${sql.raw(t.grant)} on ${sql.table(t.table)} to ${r}`.execute(trx);
    }
    await sql`grant usage, select on all sequences in schema public to ${r}`.execute(trx);
  });
}

/**
 * Brings the schema up to date as the owner and grants the runtime role; returns how to serve.
 * A DATABASE_URL that owns nothing and no MIGRATION_DATABASE_URL: served as it is, once the
 * owner has migrated (`npm run migrate` with MIGRATION_DATABASE_URL).
 */
export async function prepareDatabase(o: AccessOptions): Promise<ServingAccess> {
  if (o.migrationUrl) {
    return withDb(o.migrationUrl, async (db) => {
      await migrateToLatest(db, o.migration);
      const runtime = await withDb(o.url, standing);
      await grantRuntime(db, runtime.role);
      return { connectionString: o.url, warning: holdsHistory(runtime) };
    });
  }
  return withDb(o.url, async (db) => {
    const me = await standing(db);
    if (!me.superuser && !me.owner) {
      if (!(await migrationsApplied(db))) {
        throw new Error(`数据库结构未更新：${me.role} 无权迁移，请用 MIGRATION_DATABASE_URL 运行 npm run migrate / migrations are pending and ${me.role} owns nothing: run npm run migrate with MIGRATION_DATABASE_URL (the owner)`);
      }
      return { connectionString: o.url };
    }
    await migrateToLatest(db, o.migration);
    const role = await ensureRuntimeRole(db, me);
    if (!role) return { connectionString: o.url, warning: holdsHistory(me) };
    await grantRuntime(db, role);
    return { connectionString: o.url, role };
  });
}

/**
 * Every new connection of the pool takes the runtime role before its first query (pg runs a
 * client's queries in order); one that cannot is closed, so nothing runs as the owner.
 */
export function assumeRole(pool: pg.Pool, role: string, onError: (err: Error) => void): void {
  pool.on('connect', (client) => {
    takeRole(client, role).catch((err: Error) => {
      onError(err);
      client.end().catch(() => {});
    });
  });
}

export async function takeRole(client: pg.ClientBase, role: string): Promise<void> {
  await client.query(`set role ${pg.escapeIdentifier(role)}`);
}

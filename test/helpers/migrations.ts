import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FileMigrationProvider, Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Test } from 'tap';
import { startEmbeddedDatabase } from '../../src/db/embedded.ts';
import { migrationsFolder } from '../../src/db/migrate.ts';
import { freshDatabase } from './build.ts';

/** An empty database of its own (fresh on the PostgreSQL server, or embedded) and a migrator to walk it up by hand. */
export async function migrationDatabase(t: Test): Promise<{ db: Kysely<any>; migrator: Migrator }> {
  const databaseUrl = await freshDatabase(t);
  const embedded = databaseUrl ? undefined : await startEmbeddedDatabase('memory://', 2);
  const db = new Kysely<any>({
    dialect: new PostgresDialect({
      pool: new pg.Pool({ connectionString: databaseUrl ?? embedded!.connectionString, max: 2 }),
    }),
  });
  t.teardown(async () => {
    await db.destroy();
    await embedded?.close();
  });
  const provider = new FileMigrationProvider({ fs, path, migrationFolder: migrationsFolder });
  return { db, migrator: new Migrator({ db, provider }) };
}

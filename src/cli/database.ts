import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.ts';
import type { Database, Db } from '../db/database.ts';
import { startEmbeddedDatabase } from '../db/embedded.ts';
import { assumeRole, prepareDatabase } from '../db/runtime-role.ts';
import { checkDataKey, embeddedDataKey, parseDataKey, useDataKey } from '../crypto/data-key.ts';

/**
 * The database the service is configured for, migrated by its owner
 * and opened for a command-line tool as the service's runtime role.
 */
export async function openConfiguredDatabase(config: Config): Promise<{ db: Db; close: () => Promise<void> }> {
  // One connection for the embedded database, as in the service (src/db/db.plugin.ts), and one for the owner's.
  const embedded = config.databaseUrl ? undefined : await startEmbeddedDatabase(config.dataDir, 2);
  let db: Db | undefined;
  try {
    const dataKey = config.dataKey ? parseDataKey(config.dataKey) : embeddedDataKey(config.dataDir);
    const access = await prepareDatabase({
      url: config.databaseUrl ?? embedded!.connectionString, migrationUrl: config.migrationDatabaseUrl,
      migration: { dataKey },
    });
    if (access.warning) console.warn(access.warning);
    const pool = new pg.Pool({ connectionString: access.connectionString, max: embedded ? 1 : 2 });
    if (access.role) assumeRole(pool, access.role, (err) => console.error(err.message));
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    await checkDataKey(db, useDataKey(dataKey), new Date());
  } catch (err) {
    await db?.destroy();
    await embedded?.close();
    throw err;
  }
  return {
    db,
    close: async () => {
      await db.destroy();
      await embedded?.close();
    },
  };
}

/** Runs a tool and turns known failures into a one-line message and exit code 1. */
export function runCli(main: () => Promise<void>): void {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}

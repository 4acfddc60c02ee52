import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.ts';
import type { Database, Db } from '../db/database.ts';
import { startEmbeddedDatabase } from '../db/embedded.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { checkDataKey, embeddedDataKey, parseDataKey, useDataKey } from '../crypto/data-key.ts';

/** The database the service is configured for, opened for a command-line tool and migrated. */
export async function openConfiguredDatabase(config: Config): Promise<{ db: Db; close: () => Promise<void> }> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedDatabase(config.dataDir, 1);
  // One connection for the embedded database, as in the service (src/db/db.plugin.ts).
  const pool = new pg.Pool({ connectionString: config.databaseUrl ?? embedded!.connectionString, max: embedded ? 1 : 2 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    const dataKey = config.dataKey ? parseDataKey(config.dataKey) : embeddedDataKey(config.dataDir);
    await migrateToLatest(db, { dataKey });
    await checkDataKey(db, useDataKey(dataKey), new Date());
  } catch (err) {
    await db.destroy();
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

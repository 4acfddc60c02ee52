import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { migrationsApplied } from '../db/migrate.ts';

export type DatabaseState = 'ready' | 'migrating' | 'database unavailable';

/** Whether the database answers and has every migration: what a load balancer needs to know. */
export async function databaseState(db: Db): Promise<DatabaseState> {
  try {
    await sql`select 1`.execute(db);
    return (await migrationsApplied(db)) ? 'ready' : 'migrating';
  } catch {
    return 'database unavailable';
  }
}

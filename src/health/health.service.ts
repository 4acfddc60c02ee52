import type { Db } from '../db/database.ts';
import { migrationsApplied } from '../db/migrate.ts';
import { pingDatabase } from './health.repository.ts';

export type DatabaseState = 'ready' | 'migrating' | 'database unavailable';

/** Whether the database answers and has every migration: what a load balancer needs to know. */
export async function databaseState(db: Db): Promise<DatabaseState> {
  try {
    await pingDatabase(db);
    return (await migrationsApplied(db)) ? 'ready' : 'migrating';
  } catch {
    return 'database unavailable';
  }
}

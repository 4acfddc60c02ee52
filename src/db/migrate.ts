import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileMigrationProvider, Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { Db } from './database.ts';

export const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

/** What a migration may need besides the database: the data key, to encrypt existing rows (0004). Never stored. */
export interface MigrationContext {
  dataKey?: Buffer;
}

type MigrationWithContext = {
  up(db: Kysely<any>, ctx?: MigrationContext): Promise<void>;
  down?(db: Kysely<any>, ctx?: MigrationContext): Promise<void>;
};

/** The migrations folder, each migration handed the context as its second argument. */
class ContextMigrationProvider implements MigrationProvider {
  constructor(private readonly ctx: MigrationContext) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const files = await new FileMigrationProvider({ fs, path, migrationFolder: migrationsFolder }).getMigrations();
    return Object.fromEntries(Object.entries(files).map(([name, m]) => {
      const mc = m as MigrationWithContext;
      return [name, {
        up: (d: Kysely<any>) => mc.up(d, this.ctx),
        ...(mc.down ? { down: (d: Kysely<any>) => mc.down!(d, this.ctx) } : {}),
      }];
    }));
  }
}

function migrator(db: Db, ctx: MigrationContext = {}): Migrator {
  return new Migrator({ db, provider: new ContextMigrationProvider(ctx) });
}

/** Brings the schema up to date; throws with the failing migration's name. */
export async function migrateToLatest(db: Db, ctx: MigrationContext = {}): Promise<MigrationResultSet> {
  const result = await migrator(db, ctx).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${(result.error as Error).message}`, { cause: result.error });
  }
  return result;
}

/** True when every migration in the folder has been applied. */
export async function migrationsApplied(db: Db): Promise<boolean> {
  const all = await migrator(db).getMigrations();
  return all.every((m) => m.executedAt !== undefined);
}

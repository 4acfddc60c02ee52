import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import type { Test } from 'tap';
import { buildApp } from '../../src/app.ts';
import { startEmbeddedDatabase } from '../../src/db/embedded.ts';
import { freshDatabase, testConfig } from './build.ts';

export type OwnerQuery = (text: string, params?: unknown[]) => Promise<Record<string, any>[]>;

export interface OwnedDatabase {
  /** The environment of `npm run verify` and the other tools on this database. */
  env: Record<string, string>;
  /** Runs `work` connected as the tables' owner, not as the service's runtime role (the service is stopped). */
  asOwner<T>(work: (q: OwnerQuery) => Promise<T>): Promise<T>;
}

/**
 * A database of its own, seeded through the real service, then stopped: a fresh PostgreSQL
 * database (DATABASE_URL's user, the superuser, owns it), or an embedded one in a folder.
 */
export async function ownedDatabase(t: Test, seed: (app: FastifyInstance) => Promise<void>): Promise<OwnedDatabase> {
  const databaseUrl = await freshDatabase(t);
  const dataDir = databaseUrl ? 'memory://' : mkdtempSync(join(tmpdir(), 'vet-owner-'));
  if (!databaseUrl) t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const app = await buildApp(testConfig({ databaseUrl, dataDir }), { logger: false });
  await app.ready();
  try {
    await seed(app);
  } finally {
    await app.close();
  }
  return {
    env: databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir },
    async asOwner(work) {
      const embedded = databaseUrl ? undefined : await startEmbeddedDatabase(dataDir, 1);
      const client = new pg.Client({ connectionString: databaseUrl ?? embedded!.connectionString });
      await client.connect();
      try {
        return await work(async (text, params) => (await client.query(text, params)).rows);
      } finally {
        await client.end();
        await embedded?.close();
      }
    },
  };
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import type { Test } from 'tap';
import { buildApp } from '../../src/app.ts';
import type { Database } from '../../src/db/database.ts';
import { startEmbeddedDatabase } from '../../src/db/embedded.ts';
import { freshDatabase, testConfig } from './build.ts';

type OwnerQuery = (text: string, params?: unknown[]) => Promise<Record<string, any>[]>;

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

/**
 * Runs `work` on one of a running service's connections as the owner, for DDL a test needs (a
 * trigger that fails on purpose): test databases have one DATABASE_URL, so the connection has
 * SET ROLE to the runtime role (src/db/runtime-role.ts) and may step out of it and back.
 */
export async function asOwnerOf(app: FastifyInstance, work: (db: Kysely<Database>) => Promise<void>): Promise<void> {
  await app.db.connection().execute(async (db) => {
    const role = (await sql<{ role: string }>`select current_user as role`.execute(db)).rows[0]!.role;
    await sql`reset role`.execute(db);
    try {
      await work(db);
    } finally {
      await sql`set role ${sql.id(role)}`.execute(db);
    }
  });
}

import fp from 'fastify-plugin';
import fastifyPostgres from '@fastify/postgres';
import { Kysely, PostgresDialect } from 'kysely';
import type { ClientBase, Pool } from 'pg';
import type { Database, Db } from './database.ts';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded.ts';
import { namingPool } from './named-statements.ts';
import { listenOnConnect } from './notifications.ts';
import { prepareDatabase, takeRole } from './runtime-role.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    databaseKind: 'postgresql' | 'embedded';
  }
}

interface DbPluginOptions {
  databaseUrl?: string;
  /** The tables' owner, for migrations (src/db/runtime-role.ts). */
  migrationUrl?: string;
  dataDir: string;
  poolSize: number;
  /** Handed to the migrations that encrypt existing rows (src/crypto/data-key.ts); never stored. */
  dataKey?: Buffer;
}

/**
 * Owns the connection: real PostgreSQL with DATABASE_URL, otherwise PGlite behind a loopback
 * socket, so both go through the same pg Pool (@fastify/postgres) and kysely code.
 */
export default fp<DbPluginOptions>(async (app, opts) => {
  let embedded: EmbeddedDatabase | undefined;
  // PGlite runs one statement at a time, and pglite-socket's multiplexer was seen to hand one
  // connection's replies to another under concurrent load (bench/repro-pglite-socket.ts); so the
  // embedded database gets exactly one connection. Code never waits on a second connection
  // inside a transaction, so one is enough.
  const poolSize = opts.databaseUrl ? opts.poolSize : 1;
  // One more than the pool: the owner's connection, which migrates first, may still be closing.
  if (!opts.databaseUrl) embedded = await startEmbeddedDatabase(opts.dataDir, poolSize + 1);
  // onClose hooks run in reverse order: added before the pool's, this one runs after the pool has ended.
  if (embedded) app.addHook('onClose', async () => embedded!.close());
  try {
    // Migrated as the owner before the pool opens; the pool serves as the runtime role.
    const access = await prepareDatabase({
      url: opts.databaseUrl ?? embedded!.connectionString, migrationUrl: opts.migrationUrl,
      migration: { dataKey: opts.dataKey },
    });
    if (access.warning) app.log.warn(access.warning);
    await app.register(fastifyPostgres, {
      connectionString: access.connectionString, max: poolSize,
      connectionTimeoutMillis: opts.databaseUrl ? 5000 : 30_000,
      // Before a new connection is handed out: one that cannot take the runtime role is closed, so
      // nothing runs as the owner; and it listens for the notices (src/db/notifications.ts).
      onConnect: async (client: ClientBase) => {
        if (access.role) await takeRole(client, access.role);
        await listenOnConnect(client);
      },
    });
  } catch (err) {
    await embedded?.close();
    throw err;
  }
  const pool: Pool = app.pg.pool;
  // An idle client losing its server must not crash the process; /ready reports the outage.
  pool.on('error', (err) => app.log.warn({ err }, 'idle database client error'));
  pool.on('connect', (client) => client.on('error', (err) => app.log.warn({ err }, 'database connection lost')));
  // kysely only wraps the pool; @fastify/postgres ends it, so kysely.destroy() is never called.
  // The embedded database names nothing: its one PostgreSQL session is shared by every socket
  // connection, so a name prepared by one pg client collides (42P05) with the next client's.
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: embedded ? pool : namingPool(pool) }) });
  app.decorate('db', db);
  app.decorate('databaseKind', embedded ? 'embedded' : 'postgresql');
}, { name: 'db' });

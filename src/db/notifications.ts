import fp from 'fastify-plugin';
import { sql } from 'kysely';
import pg from 'pg';
import type { Executor } from './database.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Notices between the instances on one database (docs/adr/0028-prepared-statements-and-session-cache.md). */
    notifications: NotificationBus;
  }
}

export interface NotificationBus {
  /** Calls the handler with each notice's payload on the channel, from any instance, once its transaction committed. */
  listen(channel: string, handler: (payload: string) => void): void;
  /**
   * Calls the handler when the listening connection was lost and is back: notices sent meanwhile
   * are gone, so every cache must drop everything.
   */
  onReset(handler: () => void): void;
  /** True while notices arrive; a cache must neither answer nor fill while it is false. */
  readonly listening: boolean;
}

/** A notice sent with the caller's transaction: delivered (to every instance, this one included) only if it commits. */
export async function notifyOnCommit(trx: Executor, channel: string, payload: string): Promise<void> {
  await sql`select pg_notify(${channel}, ${payload})`.execute(trx);
}

type Handler = (payload: string) => void;

/** The handlers by channel, and the reset handlers; both kinds of delivery below feed it. */
class Dispatch {
  readonly channels = new Map<string, Handler[]>();
  readonly resets: (() => void)[] = [];
  add(channel: string, handler: Handler): boolean {
    const known = this.channels.get(channel);
    if (known) known.push(handler);
    else this.channels.set(channel, [handler]);
    return !known;
  }
  deliver(msg: pg.Notification, onError: (err: unknown) => void): void {
    for (const h of this.channels.get(msg.channel) ?? []) {
      try {
        h(msg.payload ?? '');
      } catch (err) {
        onError(err);
      }
    }
  }
  reset(onError: (err: unknown) => void): void {
    for (const h of this.resets) {
      try {
        h();
      } catch (err) {
        onError(err);
      }
    }
  }
}

const listenSql = (channel: string) => `listen ${pg.escapeIdentifier(channel)}`;
const RETRY_MS = { first: 250, max: 5000 };

/**
 * PostgreSQL: one connection of its own, outside the pool (a pooled client is handed to requests
 * and idles out), that LISTENs to every channel and comes back after a loss with backoff.
 */
function listenerConnection(
  connectionString: string | undefined, dispatch: Dispatch,
  log: { warn(o: object, m: string): void; error(o: object, m: string): void },
) {
  let client: pg.Client | undefined;
  let listening = false;
  let closed = false;
  let everConnected = false;
  let retryMs = RETRY_MS.first;
  let timer: NodeJS.Timeout | undefined;
  const onError = (err: unknown) => log.error({ err }, 'notification handler failed');

  const lost = (c: pg.Client) => {
    if (client !== c) return;
    client = undefined;
    listening = false;
    c.end().catch(() => {});
    if (!closed) timer = setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, RETRY_MS.max);
  };
  async function connect(): Promise<void> {
    timer = undefined;
    if (closed) return;
    const c = new pg.Client({ connectionString, keepAlive: true, application_name: 'veterans-notifications' });
    client = c;
    c.on('error', (err) => {
      log.warn({ err }, 'notification connection lost');
      lost(c);
    });
    c.on('end', () => lost(c));
    c.on('notification', (msg) => dispatch.deliver(msg, onError));
    try {
      await c.connect();
      for (const channel of dispatch.channels.keys()) await c.query(listenSql(channel));
    } catch (err) {
      log.warn({ err }, 'notification connection failed; retrying');
      lost(c);
      return;
    }
    if (client !== c) return;
    listening = true;
    retryMs = RETRY_MS.first;
    // Notices sent while no connection listened are lost: the caches start afresh.
    if (everConnected) dispatch.reset(onError);
    everConnected = true;
  }
  return {
    connect,
    get listening() { return listening; },
    /** A channel added after the connection is up is listened to at once. */
    follow(channel: string) {
      if (!listening) return;
      const c = client!;
      c.query(listenSql(channel)).catch((err: unknown) => {
        log.warn({ err }, 'LISTEN failed');
        lost(c);
      });
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      const c = client;
      client = undefined;
      listening = false;
      await c?.end().catch(() => {});
    },
  };
}

/**
 * Every client of the pool LISTENs too (queued on it when it is handed out, before the caller's
 * queries). PostgreSQL hands a listening session its own transaction's notices before COMMIT
 * returns, so whoever changes something through this instance's pool finds it forgotten here by
 * the time its transaction is done: no caller forgets anything by hand. On the embedded database
 * this is the whole delivery: it is one PostgreSQL session shared by every socket connection
 * (pglite-socket multiplexes them) in one process (the data-dir lock), so every notice is one
 * this instance committed.
 */
function poolListener(pool: pg.Pool, dispatch: Dispatch, log: { error(o: object, m: string): void }) {
  const following = new WeakMap<pg.PoolClient, Set<string>>();
  const onError = (err: unknown) => log.error({ err }, 'notification handler failed');
  pool.on('acquire', (client) => {
    let channels = following.get(client);
    if (!channels) {
      channels = new Set();
      following.set(client, channels);
      client.on('notification', (msg) => dispatch.deliver(msg, onError));
    }
    for (const channel of dispatch.channels.keys()) {
      if (channels.has(channel)) continue;
      channels.add(channel);
      client.query(listenSql(channel)).catch((err: unknown) => log.error({ err }, 'LISTEN failed'));
    }
  });
}

export default fp(async (app) => {
  const dispatch = new Dispatch();
  const pool: pg.Pool = app.pg.pool;
  poolListener(pool, dispatch, app.log);
  // Another instance's notices come only on a connection that is never busy with a request.
  const connection = app.databaseKind === 'postgresql' ? listenerConnection(pool.options.connectionString, dispatch, app.log) : undefined;
  if (connection) {
    await connection.connect();
    app.addHook('onClose', () => connection.close());
  }
  app.decorate('notifications', {
    listen(channel, handler) {
      if (dispatch.add(channel, handler)) connection?.follow(channel);
    },
    onReset(handler) {
      dispatch.resets.push(handler);
    },
    get listening() { return connection ? connection.listening : true; },
  } satisfies NotificationBus);
}, { name: 'notifications', dependencies: ['db'] });

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

interface NotificationBus {
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

/**
 * The one PostgreSQL channel every notice travels on, as `<channel>:<payload>`: a connection
 * LISTENs once, when it opens, whatever channels are listened to later.
 */
const BUS = 'veterans_notices';

/** A notice sent with the caller's transaction: delivered (to every instance, this one included) only if it commits. */
export async function notifyOnCommit(trx: Executor, channel: string, payload: string): Promise<void> {
  await sql`select pg_notify(${BUS}, ${`${channel}:${payload}`})`.execute(trx);
}

/** Run on every new connection of the pool before its first use (src/db/db.plugin.ts). */
export async function listenOnConnect(client: pg.ClientBase): Promise<void> {
  await client.query(`listen ${BUS}`);
}

type Handler = (payload: string) => void;

/** The handlers by channel, and the reset handlers; both kinds of delivery below feed it. */
class Dispatch {
  readonly channels = new Map<string, Handler[]>();
  readonly resets: (() => void)[] = [];
  add(channel: string, handler: Handler): void {
    this.channels.set(channel, [...this.channels.get(channel) ?? [], handler]);
  }
  deliver(msg: pg.Notification, onError: (err: unknown) => void): void {
    const text = msg.payload ?? '';
    const colon = text.indexOf(':');
    if (msg.channel !== BUS || colon < 0) return;
    for (const h of this.channels.get(text.slice(0, colon)) ?? []) {
      try {
        h(text.slice(colon + 1));
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

const RETRY_MS = { first: 250, max: 5000 };

/**
 * PostgreSQL: one connection of its own, outside the pool (a pooled client is handed to requests
 * and idles out), that LISTENs and comes back after a loss with backoff. It passes on the notices
 * of other connections than this instance's pool's: those reached their handlers already.
 */
function listenerConnection(
  connectionString: string | undefined, dispatch: Dispatch, ownBackends: Set<number>,
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
    c.on('notification', (msg) => {
      if (!ownBackends.has(msg.processId)) dispatch.deliver(msg, onError);
    });
    try {
      await c.connect();
      await listenOnConnect(c);
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
 * Every client of the pool LISTENs too (listenOnConnect, before its first use), and passes on the
 * notices of its own transactions: PostgreSQL hands a listening session those before COMMIT
 * returns, so whoever changes something through this instance's pool finds it forgotten here by
 * the time its transaction is done, and no caller forgets anything by hand. On the embedded
 * database this is the whole delivery: it is one PostgreSQL session shared by every socket
 * connection (pglite-socket multiplexes them) in one process (the data-dir lock).
 */
function poolListener(pool: pg.Pool, dispatch: Dispatch, log: { error(o: object, m: string): void }): Set<number> {
  const ownBackends = new Set<number>();
  const watched = new WeakSet<pg.PoolClient>();
  const onError = (err: unknown) => log.error({ err }, 'notification handler failed');
  // On acquire, not on connect: a client opened before this plugin was registered is watched too.
  pool.on('acquire', (client) => {
    if (watched.has(client)) return;
    watched.add(client);
    const backend = (client as pg.PoolClient & { processID: number }).processID;
    ownBackends.add(backend);
    client.on('end', () => ownBackends.delete(backend));
    client.on('notification', (msg) => {
      if (msg.processId === backend) dispatch.deliver(msg, onError);
    });
  });
  return ownBackends;
}

export default fp(async (app) => {
  const dispatch = new Dispatch();
  const pool: pg.Pool = app.pg.pool;
  const ownBackends = poolListener(pool, dispatch, app.log);
  // Another instance's notices come on a connection that is never busy with a request.
  const connection = app.databaseKind === 'postgresql'
    ? listenerConnection(pool.options.connectionString, dispatch, ownBackends, app.log)
    : undefined;
  if (connection) {
    await connection.connect();
    app.addHook('onClose', () => connection.close());
  }
  app.decorate('notifications', {
    listen(channel, handler) {
      dispatch.add(channel, handler);
    },
    onReset(handler) {
      dispatch.resets.push(handler);
    },
    get listening() { return connection ? connection.listening : true; },
  } satisfies NotificationBus);
}, { name: 'notifications', dependencies: ['db'] });

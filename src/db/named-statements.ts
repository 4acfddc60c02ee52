import { createHash } from 'node:crypto';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import { LRUCache } from 'lru-cache';
import pg from 'pg';

/**
 * Runs kysely's repeated statements as named prepared statements, so PostgreSQL parses and plans
 * each once per connection instead of on every call (docs/adr/0028-prepared-statements-and-session-cache.md).
 * No caller names anything: a statement text is named from its second use in this process on,
 * after a hash of the text, and each connection holds at most `perConnection` of them, so texts
 * that differ by the length of an `in (…)` list cannot grow the server's set without bound.
 */
export interface NamingOptions {
  /** Uses of a text, in this process, before it is named. */
  threshold: number;
  /** Named statements one connection may hold; later texts run unnamed on it. */
  perConnection: number;
}

const DEFAULT_NAMING: NamingOptions = { threshold: 2, perConnection: 256 };

/** "cached plan must not change result type": a table's columns changed under a prepared statement. */
const STALE_PLAN = '0A000';

interface ConnectionState {
  names: Map<string, string>;
  /** Bumped when a named statement went stale: its text gets a new name on this connection. */
  generation: number;
  /** Stale names still on the server, dropped before the connection's next statement outside a transaction. */
  stale: string[];
  inTransaction: boolean;
}

function nameOf(text: string, generation: number): string {
  return `k${generation}_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
}

/** Tracks BEGIN … COMMIT/ROLLBACK as kysely sends them: a failed statement inside cannot be retried. */
function transactionAfter(text: string, inTransaction: boolean): boolean {
  const head = text.trimStart().slice(0, 20).toLowerCase();
  if (head.startsWith('begin') || head.startsWith('start transaction')) return true;
  if (head.startsWith('rollback to')) return inTransaction;
  if (head.startsWith('commit') || head.startsWith('rollback')) return false;
  return inTransaction;
}

/** The pool as kysely's PostgresDialect sees it: the same connections, statements named. */
export function namingPool(pool: pg.Pool, opts: NamingOptions = DEFAULT_NAMING): PostgresPool {
  const seen = new LRUCache<string, number>({ max: 4 * opts.perConnection });
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();

  function wrap(client: pg.PoolClient): PostgresPoolClient {
    const state: ConnectionState = { names: new Map(), generation: 0, stale: [], inTransaction: false };
    const named = (text: string): string | undefined => {
      const known = state.names.get(text);
      if (known) return known;
      const uses = (seen.get(text) ?? 0) + 1;
      seen.set(text, uses);
      if (uses < opts.threshold || state.names.size + state.stale.length >= opts.perConnection) return undefined;
      const name = nameOf(text, state.generation);
      state.names.set(text, name);
      return name;
    };
    async function run(text: string, values: unknown[]) {
      const wasInTransaction = state.inTransaction;
      if (!wasInTransaction) {
        for (const name of state.stale.splice(0)) await client.query(`deallocate ${pg.escapeIdentifier(name)}`);
      }
      state.inTransaction = transactionAfter(text, wasInTransaction);
      const name = values.length ? named(text) : undefined;
      if (!name) return client.query(text, values);
      try {
        return await client.query({ name, text, values });
      } catch (err) {
        if ((err as { code?: string }).code !== STALE_PLAN) throw err;
        // The schema changed (a migration, a restore): this text is prepared afresh next time.
        state.names.delete(text);
        state.stale.push(name);
        state.generation++;
        if (wasInTransaction) throw err;
        return client.query(text, values);
      }
    }
    const facade = {
      query(textOrCursor: unknown, values?: readonly unknown[]) {
        if (typeof textOrCursor !== 'string') return client.query(textOrCursor as pg.Submittable);
        return run(textOrCursor, [...(values ?? [])]);
      },
      release: () => client.release(),
    };
    return facade as unknown as PostgresPoolClient;
  }

  return {
    async connect() {
      const client = await pool.connect();
      let w = wrapped.get(client);
      if (!w) {
        w = wrap(client);
        wrapped.set(client, w);
      }
      return w;
    },
    end: () => pool.end(),
  };
}

import { LRUCache } from 'lru-cache';
import type { User } from '../users/user.repository.ts';

/** A live session or API token and the user it resolves to. */
export interface ResolvedSession {
  user: User;
  session: { kind: 'cookie' | 'api'; createdAt: Date; expiresAt: Date };
}

/** The channel the database's triggers tell every instance on (migrations/20261204T0022_session_notices.ts). */
export const SESSIONS_CHANNEL = 'sessions';

export interface SessionCacheOptions {
  /**
   * How long an entry answers without the database: the bound on a change no notice reports (one
   * made while this instance's listening connection is cut and not yet known to be). 0: no cache.
   */
  ttlMs: number;
  max: number;
  /** False while notices may be missed (the listening connection is away): then the cache is not used. */
  isLive: () => boolean;
}

/**
 * The sessions this instance resolved lately, by token hash (docs/adr/0028-prepared-statements-and-session-cache.md).
 * An entry is forgotten at once on a notice of a change to its session, its user or any station,
 * and never answers past its session's expiry by the service's clock.
 */
export class SessionCache {
  private readonly entries: LRUCache<string, ResolvedSession>;
  /** Bumped by every forgetting: a lookup that began before one must not store what it read. */
  private generation = 0;

  constructor(private readonly opts: SessionCacheOptions) {
    this.entries = new LRUCache({ max: opts.max, ttl: Math.max(opts.ttlMs, 1) });
  }

  /** The session from memory, else from `load` (kept unless something was forgotten while it ran). */
  async resolve(
    hash: string, now: Date, load: () => Promise<ResolvedSession | undefined>,
  ): Promise<ResolvedSession | undefined> {
    const live = this.opts.ttlMs > 0 && this.opts.isLive();
    const hit = live ? this.entries.get(hash) : undefined;
    if (hit && hit.session.expiresAt > now) return hit;
    const started = this.generation;
    const found = await load();
    // Frozen: one entry is every later request's req.user.
    if (found && live && started === this.generation && this.opts.isLive()) {
      this.entries.set(hash, Object.freeze({ user: Object.freeze(found.user), session: Object.freeze(found.session) }));
    }
    return found;
  }

  /** A notice's payload: `s:<token hash>`, `u:<user id>`, or anything else (`*`) for everything. */
  forget(payload: string): void {
    this.generation++;
    if (payload.startsWith('s:')) this.entries.delete(payload.slice(2));
    else if (payload.startsWith('u:')) {
      const userId = payload.slice(2);
      const hashes = [...this.entries.entries()].filter(([, e]) => e.user.id === userId).map(([hash]) => hash);
      for (const hash of hashes) this.entries.delete(hash);
    } else this.entries.clear();
  }

  clear(): void {
    this.forget('*');
  }
}

import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import { AppError } from '../http/errors.ts';
import { findUserBySession, type User } from '../users/user.repository.ts';
import { SESSIONS_CHANNEL, SessionCache } from './session-cache.ts';
import { tokenHash } from './session.repository.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
    /** The session or API token the request came with (set with `user`). */
    authSession: AuthSession | null;
  }
  interface FastifyContextConfig {
    /** Reachable without logging in. */
    public?: boolean;
    /** A page for people (src/pages/): without a session the browser is sent to /login instead of a 401. */
    page?: boolean;
  }
}

export const SESSION_COOKIE = 'sid';

export interface AuthSession {
  /** The keyed hash the token is stored as. */
  hash: string;
  kind: 'cookie' | 'api';
  createdAt: Date;
  expiresAt: Date;
}

function tokenOf(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  return req.cookies?.[SESSION_COOKIE];
}

/** Pages send the browser to the login page (and back afterwards); the API answers 401. */
function unauthenticated(req: FastifyRequest, reply: FastifyReply) {
  if (req.routeOptions.config?.page) return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
  throw new AppError('UNAUTHENTICATED');
}

// Far more than the people and clients one instance serves at once.
const CACHE_MAX = 10_000;

/** Resolves the session cookie or bearer token to a user; every route not marked public requires one. */
export default fp<{ secret: string; cacheSeconds: number }>(async (app, opts) => {
  const cache = new SessionCache({
    ttlMs: opts.cacheSeconds * 1000, max: CACHE_MAX, isLive: () => app.notifications.listening,
  });
  app.notifications.listen(SESSIONS_CHANNEL, (payload) => cache.forget(payload));
  app.notifications.onReset(() => cache.clear());
  app.decorateRequest('user', null);
  app.decorateRequest('authSession', null);
  app.addHook('onRequest', async (req, reply) => {
    if (req.routeOptions.config?.public || !req.routeOptions.url) return;
    const token = tokenOf(req);
    if (!token) return unauthenticated(req, reply);
    const hash = tokenHash(opts.secret, token);
    const now = app.clock.now();
    const found = await cache.resolve(hash, now, () => findUserBySession(app.db, hash, now));
    if (!found) return unauthenticated(req, reply);
    req.user = found.user;
    req.authSession = { hash, ...found.session };
  });
}, { name: 'auth', dependencies: ['db', 'clock', 'notifications'] });

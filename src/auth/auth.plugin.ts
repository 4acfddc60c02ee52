import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import { AppError } from '../http/errors.ts';
import { findUserById, type User } from '../users/user.repository.ts';
import { findSessionUser, tokenHash } from './session.repository.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
  }
  interface FastifyContextConfig {
    /** Reachable without logging in. */
    public?: boolean;
  }
}

export const SESSION_COOKIE = 'sid';

function tokenOf(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  return req.cookies?.[SESSION_COOKIE];
}

/** Resolves the session cookie or bearer token to a user; every route not marked public requires one. */
export default fp<{ secret: string }>(async (app, opts) => {
  app.decorateRequest('user', null);
  app.addHook('onRequest', async (req) => {
    if (req.routeOptions.config?.public || !req.routeOptions.url) return;
    const token = tokenOf(req);
    if (!token) throw new AppError('UNAUTHENTICATED');
    const userId = await findSessionUser(app.db, tokenHash(opts.secret, token), app.clock.now());
    const user = userId ? await findUserById(app.db, userId) : undefined;
    if (!user) throw new AppError('UNAUTHENTICATED');
    req.user = user;
  });
}, { name: 'auth', dependencies: ['db', 'clock'] });

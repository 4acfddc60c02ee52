import { createHmac } from 'node:crypto';
import fp from 'fastify-plugin';
import fastifyCsrfProtection from '@fastify/csrf-protection';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../auth/auth.plugin.ts';
import { AppError } from '../http/errors.ts';
import { isOwnOrigin } from '../http/origin.ts';
import { catalogue } from '../messages/catalogue.ts';

const CSRF_COOKIE = 'csrf';

const CSRF_FAILED = new AppError('FORBIDDEN', { detail: catalogue.PAGE_CSRF_FAILED });

/**
 * What a token is bound to: the session cookie as it was when the form was drawn. A token and
 * csrf cookie from another session (a colleague's, or a cookie set by a page on another port of
 * this host, which cookies do not tell apart) are refused; logging in or out makes open forms stale.
 */
function sessionOf(req: FastifyRequest): string {
  const sid = req.cookies?.[SESSION_COOKIE];
  return sid ? `sid:${sid}` : 'anonymous';
}

/** The token a page's forms carry in `_csrf` (and its scripts in `x-csrf-token`). */
export function csrfToken(req: FastifyRequest, reply: FastifyReply): string {
  return reply.generateCsrf({ userInfo: sessionOf(req), secure: req.protocol === 'https' });
}

/**
 * Every page POST (ADR 0006): no foreign or opaque (`null`) Origin, and the token of a form this
 * session was shown (@fastify/csrf-protection: a random secret in an HttpOnly cookie, the token a
 * keyed hash of it and of the session). Runs once urlencoded and multipart bodies are parsed.
 */
interface CsrfOptions {
  secret: string;
  publicBaseUrl: string;
  tokenOf: (req: FastifyRequest) => string | undefined;
}

export default fp<CsrfOptions>(async (app, opts) => {
  await app.register(fastifyCsrfProtection, {
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true },
    // A key of its own, derived from the session secret, so a token never equals a stored session hash.
    csrfOpts: { userInfo: true, hmacKey: createHmac('sha256', opts.secret).update('page-csrf').digest() },
    getUserInfo: sessionOf,
    getToken: opts.tokenOf,
  });
  app.addHook('preHandler', (req, reply, done) => {
    if (req.method !== 'POST') return done();
    const origin = req.headers.origin;
    if (origin !== undefined && !isOwnOrigin(req, origin, opts.publicBaseUrl)) return done(CSRF_FAILED);
    app.csrfProtection(req, reply, done);
  });
}, { name: 'page-csrf' });

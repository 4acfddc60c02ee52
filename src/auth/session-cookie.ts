import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import { SESSION_COOKIE } from './auth.plugin.ts';
import type { LoginRefusal } from './login.service.ts';

/** The browser session's cookie, the same for the API's login and the login page: HttpOnly, lax, secure over https. */
export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string, expiresAt: Date): void {
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: req.protocol === 'https', expires: expiresAt });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** The per-address limit's Retry-After, on the API's answer and the login page's alike. */
export function setRetryAfter(reply: FastifyReply, r: LoginRefusal): void {
  if (r.retryAfterSeconds) reply.header('retry-after', String(r.retryAfterSeconds));
}

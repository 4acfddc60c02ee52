import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from './auth.plugin.ts';
import { AppError } from '../http/errors.ts';
import { isOwnOrigin } from '../http/origin.ts';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const MULTIPART = 'multipart/form-data';

/**
 * Forms can post text/plain, urlencoded or multipart bodies anywhere, with the user's cookies (a
 * page on another port of the same host is same-site, so SameSite=Lax does not stop it). A body
 * must be JSON, which only a script of the same origin can send; multipart only where the route
 * takes an upload. No content type means no body (Fastify refuses a body without one).
 */
function bodyTypeAllowed(req: FastifyRequest): boolean {
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type === undefined || type === 'application/json') return true;
  const consumes = (req.routeOptions.schema as { consumes?: string[] } | undefined)?.consumes ?? [];
  return type === MULTIPART && consumes.includes(MULTIPART);
}

/** Browsers send Origin with every POST; without it a Referer of ours, or a header no form can send. */
function sentByOwnPage(req: FastifyRequest, publicBaseUrl: string): boolean {
  if (req.headers.origin !== undefined) return isOwnOrigin(req, req.headers.origin, publicBaseUrl);
  return isOwnOrigin(req, req.headers.referer, publicBaseUrl) || req.headers['x-requested-with'] !== undefined || req.headers['x-csrf'] !== undefined;
}

/**
 * CSRF protection of the JSON API (ADR 0006). Writes that a browser's cookie authenticates need a
 * JSON (or declared multipart) body and our own Origin. The login itself carries no session yet
 * but must not be posted by a foreign form either (it would log the victim in as the attacker):
 * JSON, and our Origin when one is sent. A bearer token is never added by a browser on its own,
 * so token clients pass untouched.
 */
export default fp<{ publicBaseUrl: string }>(async (app, opts) => {
  app.addHook('onRequest', async (req) => {
    if (!WRITES.has(req.method) || req.headers.authorization?.startsWith('Bearer ')) return;
    const login = req.routeOptions.config?.public === true;
    if (!login && req.cookies?.[SESSION_COOKIE] === undefined) return;
    const origin = req.headers.origin;
    const fromUs = login
      ? origin === undefined || isOwnOrigin(req, origin, opts.publicBaseUrl)
      : sentByOwnPage(req, opts.publicBaseUrl);
    if (!bodyTypeAllowed(req) || !fromUs) throw new AppError('CSRF_REFUSED');
  });
}, { name: 'api-csrf' });

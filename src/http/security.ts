import fp from 'fastify-plugin';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';

/**
 * Security headers on every response (@fastify/helmet) with a Content-Security-Policy that lets a
 * page load scripts, styles, images and fonts from this service only: no inline script or style,
 * no other origin, no framing. Personal data is never cached. Rate limiting is available to
 * routes that ask for it (`config.rateLimit`; the login route does).
 */
const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
};

/** Swagger UI at /docs draws its icons as data: images; that page alone may use them. */
export const DOCS_HELMET = { contentSecurityPolicy: { useDefaults: false, directives: { ...CSP_DIRECTIVES, imgSrc: ["'self'", 'data:'] } } };

export default fp(async (app) => {
  await app.register(fastifyHelmet, {
    // useDefaults would add 'unsafe-inline' styles, https: sources and upgrade-insecure-requests
    // (which breaks a service reached over plain HTTP on an office network).
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    // Strict-Transport-Security stays on: browsers ignore it over plain HTTP and keep to HTTPS once seen over it.
  });
  await app.register(fastifyRateLimit, { global: false });
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.url.startsWith('/api/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}, { name: 'security' });

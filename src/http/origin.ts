import type { FastifyRequest } from 'fastify';

/** The origin of a URL (`scheme://host[:port]`, default ports dropped), or undefined if it is none. */
function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const origin = new URL(url).origin;
    // Opaque origins (sandboxed frames, data: and file: pages) serialise as "null": never ours.
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/**
 * The origins this service answers as: the request's own as the server sees it (Host, and the
 * scheme; both from X-Forwarded-* only with TRUST_PROXY), and PUBLIC_BASE_URL's, the address
 * users are given when a proxy in front does not pass the original Host or scheme on.
 */
export function isOwnOrigin(req: FastifyRequest, url: string | undefined, publicBaseUrl: string | undefined): boolean {
  const origin = originOf(url);
  return origin !== undefined && (origin === originOf(`${req.protocol}://${req.host}`) || origin === originOf(publicBaseUrl));
}

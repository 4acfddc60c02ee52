import type { FastifyInstance } from 'fastify';

/** Every route of the app as "METHOD /url" (HEAD left out), read from Fastify's own route tree. */
export function allRoutes(app: FastifyInstance): string[] {
  const out: string[] = [];
  const stack: { depth: number; path: string }[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^(.*?)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    while (stack.length && stack[stack.length - 1]!.depth >= depth) stack.pop();
    const path = (stack[stack.length - 1]?.path ?? '') + m[2]!;
    stack.push({ depth, path });
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim()).filter((s) => s && s !== 'HEAD')) out.push(`${method} ${path}`);
  }
  return [...new Set(out)].sort();
}

const PUBLIC = new Set(['GET /health', 'GET /ready', 'GET /verify/:token', 'POST /verify/:token', 'GET /docs']);

/** The JSON API under /api/, and the public routes beside it (not the pages, not Swagger UI's files). */
export async function apiRoutes(app: FastifyInstance): Promise<string[]> {
  return allRoutes(app).filter((r) => r.split(' ')[1]!.startsWith('/api/') || PUBLIC.has(r));
}

/**
 * The server-rendered pages (src/pages/): every route but the API, the public ones above, Swagger
 * UI and the static files' catch-all.
 */
export function pageRoutes(app: FastifyInstance): string[] {
  return allRoutes(app).filter((r) => {
    const url = r.split(' ')[1]!;
    return !url.startsWith('/api/') && !PUBLIC.has(r) && url !== '/docs' && !url.startsWith('/docs/') && r !== 'GET /*';
  });
}

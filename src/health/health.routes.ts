import type { FastifyInstance } from 'fastify';
import { databaseState } from './health.service.ts';
import { Health, Readiness } from './health.schemas.ts';

export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/health', { config: { public: true }, schema: { hide: true, response: { 200: Health } } }, async () => ({ status: 'ok' }));

  app.get('/ready', { config: { public: true }, schema: { hide: true, response: { 200: Readiness, 503: Readiness } } }, async (_req, reply) => {
    const status = await databaseState(app.db);
    return reply.status(status === 'ready' ? 200 : 503).send({ status, database: app.databaseKind });
  });
}

import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { migrationsApplied } from '../db/migrate.ts';
import { Health, Readiness } from './health.schemas.ts';

export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/health', { config: { public: true }, schema: { hide: true, response: { 200: Health } } }, async () => ({ status: 'ok' }));

  app.get('/ready', { config: { public: true }, schema: { hide: true, response: { 200: Readiness, 503: Readiness } } }, async (_req, reply) => {
    try {
      await sql`select 1`.execute(app.db);
      if (!(await migrationsApplied(app.db))) return reply.status(503).send({ status: 'migrating', database: app.databaseKind });
      return { status: 'ready', database: app.databaseKind };
    } catch {
      return reply.status(503).send({ status: 'database unavailable', database: app.databaseKind });
    }
  });
}

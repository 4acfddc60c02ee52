import type { FastifyInstance } from 'fastify';
import { AppError } from '../http/errors.ts';
import { listVersionsInForce } from './workflow.repository.ts';

/** Chain order: enlistment → service → discharge, then the catalogue's order. */
const STAGES = ['enlistment', 'service', 'discharge'];

export default async function workflowRoutes(app: FastifyInstance): Promise<void> {
  app.get('/workflows', { schema: { tags: ['workflows'], summary: 'The items in force, in chain order' } }, async () => {
    const rows = await listVersionsInForce(app.db, app.clock.now());
    return rows
      .map((r) => ({ id: r.workflowId, version: r.version, stage: r.definition.stage, order: r.definition.order, title: r.definition.title, initiation: r.definition.initiation }))
      .sort((a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage) || a.order - b.order);
  });

  app.get<{ Params: { id: string } }>('/workflows/:id', {
    schema: { tags: ['workflows'], summary: 'A definition in force: forms, materials, legal basis, machine', params: { type: 'object', properties: { id: { type: 'string', maxLength: 100 } }, required: ['id'] } },
  }, async (req) => {
    const wf = await app.registry.inForce(app.db, req.params.id, app.clock.now());
    if (!wf) throw new AppError('NOT_FOUND');
    return wf.definition;
  });
}

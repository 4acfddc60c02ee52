import type { FastifyInstance } from 'fastify';
import { chainItems } from './chain.service.ts';
import { AppError } from '../http/errors.ts';
import { Definition, Workflows } from './chain.schemas.ts';

export default async function workflowRoutes(app: FastifyInstance): Promise<void> {
  app.get('/workflows', { schema: { tags: ['workflows'], response: { 200: Workflows }, summary: 'The items in force, in chain order' } }, async () =>
    (await chainItems(app.registry, app.db, app.clock.now()))
      .map(({ workflowId, ...rest }) => ({ id: workflowId, ...rest })));

  app.get<{ Params: { id: string } }>('/workflows/:id', {
    schema: { tags: ['workflows'], response: { 200: Definition }, summary: 'A definition in force: forms, materials, legal basis, machine', params: { type: 'object', properties: { id: { type: 'string', maxLength: 100 } }, required: ['id'] } },
  }, async (req) => {
    const wf = await app.registry.inForce(app.db, req.params.id, app.clock.now());
    if (!wf) throw new AppError('NOT_FOUND');
    return wf.definition;
  });
}

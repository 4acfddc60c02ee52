import type { FastifyInstance } from 'fastify';
import { AppError } from '../http/errors.ts';
import { findPerson } from '../persons/person.service.ts';
import { chainItems, personChain } from './chain.service.ts';
import { Chain, PersonChain } from './chain.schemas.ts';

export default async function chainRoutes(app: FastifyInstance): Promise<void> {
  app.get('/chain', { schema: { tags: ['chain'], response: { 200: Chain }, summary: 'The 22 items in chain order (enlistment → service → discharge)' } }, async () => ({ items: await chainItems(app.registry, app.db, app.clock.now()) }));

  app.get<{ Params: { id: string } }>('/persons/:id/chain', {
    schema: { tags: ['chain'], response: { 200: PersonChain }, summary: "A person's place on each item: not applicable, not started, in progress or done", params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } },
  }, async (req) => {
    const person = await findPerson(app.db, req.params.id, req.user!.stationPath);
    if (!person) throw new AppError('NOT_FOUND');
    return { personId: person.id, items: await personChain(app.db, app.registry, person, app.clock.now()) };
  });
}

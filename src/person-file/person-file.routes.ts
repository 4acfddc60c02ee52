import type { FastifyInstance } from 'fastify';
import { listPersonCasesView } from '../cases/case-list.ts';
import { AppError } from '../http/errors.ts';
import { listCorrections } from '../persons/person-correction.service.ts';
import { personSummary } from '../persons/person-summary.ts';
import { findPerson, listRelations, recordPersonReveal } from '../persons/person.service.ts';
import { PersonFile } from './person-file.schemas.ts';

/**
 * 一人一档 (GET /persons/:id): the person with their household and every case. It lives above persons/ and cases/
 * because cases already build on persons; inside persons/ it made the two folders import each other.
 */
export default async function personFileRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { id: string }; Querystring: { reveal?: string } }>('/persons/:id', {
    schema: {
      tags: ['persons'],
      response: { 200: PersonFile },
      summary: 'The person file: details, household relations and all cases along the chain',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } },
      querystring: { type: 'object', additionalProperties: false, properties: { reveal: { enum: ['0', '1'] } } },
    },
  }, async (req) => {
    const person = await findPerson(app.db, req.params.id, req.user!.stationPath);
    if (!person) throw new AppError('NOT_FOUND');
    const reveal = req.query.reveal === '1';
    if (reveal) {
      await recordPersonReveal(app.db, req.user!.id, person.id, app.clock.now());
      req.log.info({ userId: req.user!.id, personId: person.id }, 'personal data revealed');
    }
    return {
      ...personSummary(person, reveal),
      relations: await listRelations(app.db, person.id, req.user!.stationPath),
      cases: await listPersonCasesView(app.db, person.id, app.clock.now()),
      corrections: await listCorrections(app.db, person.id, reveal),
    };
  });
}

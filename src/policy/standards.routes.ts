import type { FastifyInstance } from 'fastify';
import { recordStandard, standardsOn, type StandardValue } from './standards.service.ts';
import { Created, Standards } from './policy.schemas.ts';

/**
 * Dated local standards (an allowance per year, a rate per year of service, a multiplier), each
 * with the policy document it comes from; the paying items read the one in force on a date.
 */
export default async function standardsRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { key?: string; on?: string } }>('/standards', {
    schema: { tags: ['policy'], response: { 200: Standards }, summary: 'Local standards; with `on`, only the one in force that day per key', querystring: { type: 'object', additionalProperties: false, properties: { key: { type: 'string', maxLength: 100 }, on: { type: 'string', format: 'date' } } } },
  }, async (req) => {
    const items = (await standardsOn(app.db, req.query)).map((s) => ({ ...s, createdAt: s.createdAt.toISOString() }));
    return { items };
  });

  app.post<{ Body: StandardValue }>('/standards', {
    schema: {
      tags: ['policy'], response: { 201: Created }, summary: 'Record a local standard from a date (policy staff)',
      body: {
        type: 'object', additionalProperties: false, required: ['key', 'value', 'unit', 'effectiveFrom', 'policyDocument', 'note'],
        properties: {
          key: { type: 'string', title: '标准名称', 'x-title-en': 'Key', pattern: '^[a-z][a-z0-9-]*$', maxLength: 100 },
          value: { title: '标准值', 'x-title-en': 'Value', type: ['number', 'object'] },
          unit: { type: 'string', title: '单位', 'x-title-en': 'Unit', minLength: 1, maxLength: 40 },
          effectiveFrom: { type: 'string', title: '执行日期', 'x-title-en': 'Effective from', format: 'date' },
          policyDocument: {
            type: 'object', additionalProperties: false, required: ['issuer', 'number', 'date'],
            properties: { issuer: { type: 'string', minLength: 2, maxLength: 100 }, number: { type: 'string', minLength: 2, maxLength: 60 }, date: { type: 'string', format: 'date' } },
          },
          note: { type: 'string', title: '说明', 'x-title-en': 'Note', minLength: 2, maxLength: 2000 },
        },
      },
    },
  }, async (req, reply) => {
    const id = await recordStandard(app.db, req.user!, req.body, app.clock.now());
    return reply.status(201).send({ id });
  });
}

import type { FastifyInstance } from 'fastify';
import { isoDay } from '../db/dates.ts';
import { newId } from '../db/ids.ts';
import { AppError } from '../http/errors.ts';
import { authorize } from '../jurisdiction/authorize.ts';

/**
 * Dated local standards (an allowance per year, a rate per year of service, a multiplier), each
 * with the policy document it comes from; the paying items read the one in force on a date.
 */
export default async function standardsRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { key?: string; on?: string } }>('/standards', {
    schema: { tags: ['policy'], summary: 'Local standards; with `on`, only the one in force that day per key', querystring: { type: 'object', additionalProperties: false, properties: { key: { type: 'string', maxLength: 100 }, on: { type: 'string', format: 'date' } } } },
  }, async (req) => {
    let q = app.db.selectFrom('local_standards as s').leftJoin('users as u', 'u.id', 's.author')
      .select(['s.id', 's.key', 's.value', 's.unit', 's.effective_from', 's.policy_document', 's.note', 'u.display_name', 's.created_at']);
    if (req.query.key) q = q.where('s.key', '=', req.query.key);
    if (req.query.on) q = q.where('s.effective_from', '<=', req.query.on);
    const rows = await q.orderBy('s.key').orderBy('s.effective_from', 'desc').execute();
    const seen = new Set<string>();
    const items = rows.filter((r) => !req.query.on || (!seen.has(r.key) && seen.add(r.key))).map((r) => ({
      id: r.id, key: r.key, value: r.value, unit: r.unit, effectiveFrom: isoDay(r.effective_from),
      policyDocument: r.policy_document, note: r.note, author: r.display_name, createdAt: r.created_at.toISOString(),
    }));
    return { items };
  });

  app.post<{ Body: { key: string; value: unknown; unit: string; effectiveFrom: string; policyDocument: { issuer: string; number: string; date: string }; note: string } }>('/standards', {
    schema: {
      tags: ['policy'], summary: 'Record a local standard from a date (policy staff)',
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
    authorize(req.user!, 'policy.edit');
    const id = newId(app.clock.now().getTime());
    try {
      await app.db.insertInto('local_standards').values({
        id, key: req.body.key, value: JSON.stringify(req.body.value), unit: req.body.unit, effective_from: req.body.effectiveFrom,
        policy_document: JSON.stringify(req.body.policyDocument), note: req.body.note, author: req.user!.id, created_at: app.clock.now(),
      }).execute();
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new AppError('VALIDATION_FAILED', { errors: [{ path: '/effectiveFrom', message: '该标准在这一天已有取值 / this standard already has a value from that date' }] });
      throw err;
    }
    return reply.status(201).send({ id });
  });
}

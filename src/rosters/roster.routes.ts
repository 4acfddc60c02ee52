import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyMultipart from '@fastify/multipart';
import { AppError } from '../http/errors.ts';
import { authorize } from '../jurisdiction/authorize.ts';
import { itemTitles } from '../chain/chain.service.ts';
import { disposition } from '../http/download.ts';
import { message } from '../messages/catalogue.ts';
import { languageOf } from '../messages/lang.ts';
import { batchNoticesPdf, batchView, createBatch, rosterNoticesPdf, runBatch, runBatchAs, SYNC_BATCH_CASES, type BatchInput } from './batch.service.ts';
import { MAX_FILE_BYTES, MAX_ROWS } from './roster.parse.ts';
import { commitRoster, commitRosterAs, discardRoster, findRoster, listRosters, PERIOD_PATTERN, rosterFieldsOf, rosterView, SYNC_COMMIT_ROWS, uploadRoster, type UploadInput } from './roster.service.ts';
import { BatchQueued, BatchView, RosterCommitted, RosterFields, RosterList, RosterQueued, RosterUploaded, RosterView } from './roster.schemas.ts';
import { NoContent, Pdf } from '../http/response.schemas.ts';

const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } as const;

function jsonField(name: string, text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    const v = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch { /* fall through */ }
  throw new AppError('VALIDATION_FAILED', { errors: [{ path: `/${name}`, message: `${name} 须为JSON对象 / must be a JSON object` }] });
}

/** A PDF to print, opened in the browser under the Chinese name Save As offers. */
function sendPdf(reply: FastifyReply, pdf: Buffer, name: string, fallback: string): FastifyReply {
  return reply.type('application/pdf').header('content-disposition', disposition(name, `${fallback}.pdf`, 'inline'))
    .header('cache-control', 'private, no-store').send(pdf);
}

/**
 * Roster import (upload → preview → commit) and batch actions, under /api/v1. Multipart bodies are
 * parsed for these routes only.
 */
export default async function rosterRoutes(app: FastifyInstance): Promise<void> {
  await app.register(
    fastifyMultipart, { limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 10, fieldSize: 64 * 1024 } },
  );
  const deps = () => app.caseDeps;

  app.jobs.register('roster-commit', (a, params, progress) => commitRosterAs(a.caseDeps, params.userId as string, params.rosterId as string, progress));
  app.jobs.register('batch-action', async (a, params, progress) => {
    const view = await runBatchAs(a.caseDeps, params.userId as string, params.batchId as string, (params.data ?? {}) as Record<string, unknown>, params.lang === 'en' ? 'en' : 'zh', progress);
    return { batchId: params.batchId, counts: view?.counts };
  });

  app.get('/rosters', { schema: { tags: ['rosters'], response: { 200: RosterList }, summary: 'Rosters uploaded in your jurisdiction, newest first' } }, async (req) => ({ items: await listRosters(app.db, req.user!) }));

  app.get<{ Querystring: { workflowId: string } }>('/rosters/fields', {
    schema: { tags: ['rosters'], response: { 200: RosterFields }, summary: "The fields a roster of an item can fill (a column whose header is a field's title maps by itself)", querystring: { type: 'object', required: ['workflowId'], properties: { workflowId: { type: 'string', maxLength: 100 } } } },
  }, async (req) => ({ items: await rosterFieldsOf(deps(), req.query.workflowId) }));

  app.post('/rosters', {
    schema: {
      tags: ['rosters'], response: { 201: RosterUploaded }, consumes: ['multipart/form-data'],
      summary: 'Upload a roster (CSV or XLSX) for an item and period: multipart `file`, `workflowId`, `period`, optional `mapping` {header: field}, `defaults` {field: value}, `personAttributes`; answers the preview with each row\'s result',
    },
  }, async (req, reply) => {
    if (!req.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
    const fields: Record<string, string> = {};
    let file: { name: string; bytes: Buffer } | undefined;
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        const bytes = await part.toBuffer();
        if (part.file.truncated) throw new AppError('PAYLOAD_TOO_LARGE');
        file = { name: part.filename || 'roster.csv', bytes };
      } else fields[part.fieldname] = String(part.value ?? '');
    }
    const errors = [];
    if (!file) errors.push({ path: '/file', message: '请选择名册文件 / choose the roster file' });
    if (!fields.workflowId) errors.push({ path: '/workflowId', message: '请选择事项 / choose the item' });
    if (!fields.period || !new RegExp(PERIOD_PATTERN).test(fields.period)) errors.push({ path: '/period', message: '期次格式如 2026 或 2026-H2 / period like 2026 or 2026-H2' });
    if (errors.length) throw new AppError('VALIDATION_FAILED', { errors });
    const input: UploadInput = {
      workflowId: fields.workflowId!, period: fields.period!, fileName: file!.name, bytes: file!.bytes,
      mapping: jsonField('mapping', fields.mapping) as Record<string, string> | undefined, defaults: jsonField('defaults', fields.defaults),
      personAttributes: jsonField('personAttributes', fields.personAttributes),
    };
    return reply.status(201).send(await uploadRoster(deps(), req.user!, input));
  });

  app.get<{ Params: { id: string }; Querystring: { status?: string; offset?: number; limit?: number } }>('/rosters/:id', {
    schema: {
      tags: ['rosters'], response: { 200: RosterView }, summary: 'A roster with the result of each row (names and masked ID numbers only)', params: idParam,
      querystring: { type: 'object', additionalProperties: false, properties: { status: { enum: ['valid', 'duplicate', 'error', 'created'] }, offset: { type: 'integer', minimum: 0, maximum: MAX_ROWS }, limit: { type: 'integer', minimum: 1, maximum: 20000 } } },
    },
  }, async (req) => {
    const v = await rosterView(app.db, req.user!, req.params.id, req.query);
    if (!v) throw new AppError('NOT_FOUND');
    return v;
  });

  app.post<{ Params: { id: string } }>('/rosters/:id/commit', {
    schema: { tags: ['rosters'], response: { 201: RosterCommitted, 202: RosterQueued }, summary: `Create the cases of every valid row, all or nothing; over ${SYNC_COMMIT_ROWS} rows as a background job (202, GET /api/v1/jobs/:id)`, params: idParam },
  }, async (req, reply) => {
    const user = req.user!;
    const r = await findRoster(app.db, user, req.params.id);
    if (!r) throw new AppError('NOT_FOUND');
    authorize(user, 'roster.import');
    if (r.status !== 'preview') throw new AppError('EVENT_NOT_ALLOWED', { detail: { zh: '该名册已经导入或已作废', en: 'This roster was already committed or discarded' } });
    if (r.row_count > SYNC_COMMIT_ROWS) {
      const jobId = await app.jobs.enqueue('roster-commit', { rosterId: r.id, userId: user.id }, user.id);
      return reply.status(202).send({ rosterId: r.id, jobId, status: 'queued' });
    }
    return reply.status(201).send(await commitRoster(deps(), user, r.id));
  });

  app.delete<{ Params: { id: string } }>('/rosters/:id', { schema: { tags: ['rosters'], response: { 204: NoContent }, summary: 'Discard a roster that was not committed', params: idParam } }, async (req, reply) => {
    await discardRoster(deps(), req.user!, req.params.id);
    return reply.status(204).send();
  });

  app.get<{ Params: { id: string }; Querystring: { noticeKey?: string; duplex?: string } }>('/rosters/:id/notices.pdf', {
    schema: {
      tags: ['rosters'], response: { 200: Pdf }, summary: "All notices of a roster's cases as one PDF, in roster order", params: idParam,
      querystring: { type: 'object', additionalProperties: false, properties: { noticeKey: { type: 'string', maxLength: 60 }, duplex: { enum: ['0', '1'] } } },
    },
  }, async (req, reply) => {
    const r = await findRoster(app.db, req.user!, req.params.id);
    if (!r) throw new AppError('NOT_FOUND');
    const { pdf } = await rosterNoticesPdf(app.db, req.user!, r.id, app.clock.now(), req.query.noticeKey, req.query.duplex === '1');
    const lang = languageOf(req.headers['accept-language']);
    const item = (await itemTitles(app.registry, app.db, app.clock.now())).get(r.workflow_id)?.[lang] ?? r.workflow_id;
    const name = message(lang, 'DOWNLOAD_ROSTER_NOTICES', { item, period: r.period });
    return sendPdf(reply, pdf, name, `roster-${r.id}-notices`);
  });

  app.post<{ Body: BatchInput }>('/batch-actions', {
    schema: {
      tags: ['rosters'], response: { 200: BatchView, 202: BatchQueued }, summary: `Apply one decision to many cases at one step (by ids, by roster, or by filter); each case its own event, notices and outcome; over ${SYNC_BATCH_CASES} cases as a background job`,
      body: {
        type: 'object', additionalProperties: false, required: ['workflowId', 'state', 'type'],
        properties: {
          workflowId: { type: 'string', maxLength: 100 }, state: { type: 'string', maxLength: 100 },
          type: { type: 'string', pattern: '^[A-Z][A-Z0-9_]{0,63}$' }, data: { type: 'object' },
          caseIds: { type: 'array', maxItems: 5000, items: { type: 'string', maxLength: 64 } }, rosterId: { type: 'string', maxLength: 64 },
          filter: { type: 'object', additionalProperties: false, properties: { stationId: { type: 'string', maxLength: 64 }, period: { type: 'string', maxLength: 20 } } },
          limit: { type: 'integer', minimum: 1, maximum: 5000 },
        },
      },
    },
  }, async (req, reply) => {
    const lang = languageOf(req.headers['accept-language']);
    const user = req.user!;
    const { id, caseIds } = await createBatch(deps(), user, req.body);
    if (caseIds.length > SYNC_BATCH_CASES) {
      const jobId = await app.jobs.enqueue('batch-action', { batchId: id, userId: user.id, data: req.body.data ?? {}, lang }, user.id);
      return reply.status(202).send({ id, jobId, status: 'running', counts: { cases: caseIds.length } });
    }
    return reply.status(200).send(await runBatch(deps(), user, id, req.body.data ?? {}, lang));
  });

  app.get<{ Params: { id: string } }>('/batch-actions/:id', { schema: { tags: ['rosters'], response: { 200: BatchView }, summary: 'A batch action and each case\'s outcome', params: idParam } }, async (req) => {
    const v = await batchView(app.db, req.user!, req.params.id);
    if (!v) throw new AppError('NOT_FOUND');
    return v;
  });

  app.get<{ Params: { id: string }; Querystring: { duplex?: string } }>('/batch-actions/:id/notices.pdf', {
    schema: { tags: ['rosters'], response: { 200: Pdf }, summary: 'All notices a batch action issued, as one PDF in the batch\'s order, ready to print', params: idParam, querystring: { type: 'object', additionalProperties: false, properties: { duplex: { enum: ['0', '1'] } } } },
  }, async (req, reply) => {
    const out = await batchNoticesPdf(app.db, req.user!, req.params.id, app.clock.now(), req.query.duplex === '1');
    if (!out) throw new AppError('NOT_FOUND');
    const name = message(languageOf(req.headers['accept-language']), 'DOWNLOAD_BATCH_NOTICES', { batch: req.params.id.slice(-12) });
    return sendPdf(reply, out.pdf, name, `batch-${req.params.id}-notices`);
  });
}

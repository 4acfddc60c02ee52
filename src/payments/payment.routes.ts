import type { FastifyInstance } from 'fastify';
import { AppError } from '../http/errors.ts';
import { disposition } from '../http/download.ts';
import { message } from '../messages/catalogue.ts';
import { languageOf } from '../messages/lang.ts';
import { closeRun, confirmCases, runView, startRun } from './confirmation.service.ts';
import { approveBatch, bankFile, batchView, buildBatch, cancelBatch, claimBatch, findBatch, listBatches, recordClaimed, recordClaimedAs, SYNC_RECORD_LINES } from './payment.service.ts';
import { ConfirmationRun, Confirmed, PaymentBatch, PaymentBatchBuilt, PaymentBatches, PaymentRecording } from './payment.schemas.ts';
import { file } from '../http/response.schemas.ts';

const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } as const;

/**
 * Payment batches of the paying items (build → approve by a second person → bank file →
 * record in each case) and yearly confirmation runs, under /api/v1.
 */
export default async function paymentRoutes(app: FastifyInstance): Promise<void> {
  const deps = () => app.caseDeps;

  app.jobs.register('payment-record', async (a, params, progress) => {
    const v = await recordClaimedAs(a.caseDeps, params.userId as string, params.batchId as string, params.claim as string, params.lang === 'en' ? 'en' : 'zh', progress);
    return { batchId: params.batchId, paid: v?.lines.filter((l) => l.status === 'paid').length, failed: v?.lines.filter((l) => l.status === 'failed').length };
  });

  app.get<{ Querystring: { workflowId?: string } }>('/payment-batches', {
    schema: { tags: ['payments'], response: { 200: PaymentBatches }, summary: 'Payment batches in your jurisdiction, newest first', querystring: { type: 'object', additionalProperties: false, properties: { workflowId: { type: 'string', maxLength: 100 } } } },
  }, async (req) => ({ items: await listBatches(app.db, req.user!, req.query.workflowId) }));

  app.post<{ Body: { workflowId: string; period: string } }>('/payment-batches', {
    schema: {
      tags: ['payments'], response: { 201: PaymentBatchBuilt }, summary: 'Build the payment batch of an item for a year: the cases due, amounts from the local standards in force (a draft)',
      body: { type: 'object', additionalProperties: false, required: ['workflowId', 'period'], properties: { workflowId: { type: 'string', maxLength: 100 }, period: { type: 'string', pattern: '^\\d{4}$' } } },
    },
  }, async (req, reply) => {
    const { id, skipped } = await buildBatch(deps(), req.user!, req.body);
    return reply.status(201).send({ ...(await batchView(app.db, req.user!, id))!, skipped });
  });

  app.get<{ Params: { id: string } }>('/payment-batches/:id', { schema: { tags: ['payments'], response: { 200: PaymentBatch }, summary: 'A payment batch with its lines (accounts masked)', params: idParam } }, async (req) => {
    const v = await batchView(app.db, req.user!, req.params.id);
    if (!v) throw new AppError('NOT_FOUND');
    return v;
  });

  app.post<{ Params: { id: string } }>('/payment-batches/:id/approve', { schema: { tags: ['payments'], response: { 200: PaymentBatch }, summary: 'Approve a draft batch (a different person from the one who built it)', params: idParam } }, async (req) => {
    await approveBatch(deps(), req.user!, req.params.id);
    return batchView(app.db, req.user!, req.params.id);
  });

  app.post<{ Params: { id: string } }>('/payment-batches/:id/cancel', { schema: { tags: ['payments'], response: { 200: PaymentBatch }, summary: 'Cancel a batch not yet recorded; its cases can go into another batch', params: idParam } }, async (req) => {
    await cancelBatch(deps(), req.user!, req.params.id);
    return batchView(app.db, req.user!, req.params.id);
  });

  app.get<{ Params: { id: string } }>('/payment-batches/:id/bank-file.csv', {
    schema: { tags: ['payments'], response: { 200: file('text/csv', 'The bank\'s payment file (GB18030 CSV)') }, summary: 'The bank file of an approved batch (CSV, UTF-8 with BOM, layout in the README)', params: idParam },
  }, async (req, reply) => {
    const { csv, number } = await bankFile(deps(), req.user!, req.params.id);
    const name = disposition(message(languageOf(req.headers['accept-language']), 'DOWNLOAD_BANK_FILE', { number }), `${number}.csv`);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', name).header('cache-control', 'private, no-store').send(csv);
  });

  app.post<{ Params: { id: string }; Body: { paidOn: string; bankReference?: string } }>('/payment-batches/:id/record', {
    schema: {
      tags: ['payments'], response: { 200: PaymentBatch, 202: PaymentRecording }, summary: `Record the payment in each case (RECORD_PAYMENT), once per case and period; one request at a time (409 BATCH_RECORDING), the day paid fixed by the first; safe to repeat; over ${SYNC_RECORD_LINES} lines as a background job`, params: idParam,
      body: { type: 'object', additionalProperties: false, required: ['paidOn'], properties: { paidOn: { type: 'string', format: 'date' }, bankReference: { type: 'string', maxLength: 60 } } },
    },
  }, async (req, reply) => {
    const b = await findBatch(app.db, req.user!, req.params.id);
    if (!b) throw new AppError('NOT_FOUND');
    const lang = languageOf(req.headers['accept-language']);
    // Claimed here, so a second request is answered 409 at once whether this one records now or in a job.
    const claim = await claimBatch(deps(), req.user!, b.id, req.body);
    if (b.line_count > SYNC_RECORD_LINES) {
      const jobId = await app.jobs.enqueue('payment-record', { batchId: b.id, userId: req.user!.id, claim, lang }, req.user!.id);
      return reply.status(202).send({ id: b.id, jobId, status: 'queued' });
    }
    return recordClaimed(deps(), req.user!, b.id, claim, lang);
  });

  app.post<{ Body: { workflowId: string; year: number } }>('/confirmation-runs', {
    schema: {
      tags: ['payments'], response: { 201: ConfirmationRun }, summary: 'Start the yearly confirmation of an item: everyone being paid is listed as pending',
      body: { type: 'object', additionalProperties: false, required: ['workflowId', 'year'], properties: { workflowId: { type: 'string', maxLength: 100 }, year: { type: 'integer', minimum: 2020, maximum: 2100 } } },
    },
  }, async (req, reply) => {
    const id = await startRun(deps(), req.user!, req.body);
    return reply.status(201).send(await runView(app.db, req.user!, id));
  });

  app.get<{ Params: { id: string } }>('/confirmation-runs/:id', { schema: { tags: ['payments'], response: { 200: ConfirmationRun }, summary: 'A confirmation run: who is confirmed, pending or stopped', params: idParam } }, async (req) => {
    const v = await runView(app.db, req.user!, req.params.id);
    if (!v) throw new AppError('NOT_FOUND');
    return v;
  });

  app.post<{ Params: { id: string }; Body: { caseIds: string[]; data?: Record<string, unknown> } }>('/confirmation-runs/:id/confirm', {
    schema: {
      tags: ['payments'], response: { 200: Confirmed }, summary: "Record the confirmation of cases (CONFIRM_YEAR with the run's year and the given form data)", params: idParam,
      body: { type: 'object', additionalProperties: false, required: ['caseIds'], properties: { caseIds: { type: 'array', maxItems: 5000, items: { type: 'string', maxLength: 64 } }, data: { type: 'object' } } },
    },
  }, async (req) => ({ results: await confirmCases(deps(), req.user!, req.params.id, { caseIds: req.body.caseIds, data: req.body.data ?? {} }, languageOf(req.headers['accept-language'])) }));

  app.post<{ Params: { id: string }; Body: { stopData?: Record<string, unknown> } }>('/confirmation-runs/:id/close', {
    schema: {
      tags: ['payments'], response: { 200: ConfirmationRun }, summary: 'Close the run: every case not confirmed is stopped (STOP, with its notice)', params: idParam,
      body: { type: 'object', additionalProperties: false, properties: { stopData: { type: 'object' } } },
    },
  }, async (req) => closeRun(deps(), req.user!, req.params.id, req.body?.stopData, languageOf(req.headers['accept-language'])));
}

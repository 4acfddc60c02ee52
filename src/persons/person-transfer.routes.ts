import type { FastifyInstance } from 'fastify';
import { acceptTransfer, listTransfers, refuseTransfer } from './person-transfer.service.ts';
import { TransferAccepted, TransferRefused, Transfers } from './person.schemas.ts';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } as const;

/** 转入申请 (src/persons/person-transfer.service.ts): listed for both sides, answered by the holding side. */
export default async function personTransferRoutes(app: FastifyInstance): Promise<void> {
  app.get('/person-transfers', {
    schema: { tags: ['persons'], response: { 200: Transfers }, summary: 'Transfer requests: those your area must answer (incoming) and those it made (outgoing)' },
  }, async (req) => listTransfers(app.db, req.user!));

  app.post<{ Params: { id: string } }>('/person-transfers/:id/accept', {
    schema: { tags: ['persons'], response: { 200: TransferAccepted }, summary: "Hand the person's file over to the requesting station (recorded)", params: idParams },
  }, async (req) => acceptTransfer(app.db, req.user!, req.params.id, app.clock.now()));

  app.post<{ Params: { id: string }; Body: { reason: string } }>('/person-transfers/:id/refuse', {
    schema: {
      tags: ['persons'], response: { 200: TransferRefused }, summary: 'Refuse a transfer request, with the reason', params: idParams,
      body: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: { type: 'string', title: '不予转出原因', 'x-title-en': 'Reason', minLength: 1, maxLength: 500, pattern: '\\S' } } },
    },
  }, async (req) => refuseTransfer(app.db, req.user!, req.params.id, req.body.reason.trim(), app.clock.now()));
}

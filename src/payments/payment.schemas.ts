import Type from 'typebox';
import { DateTime, Day, MapOf, Nullable } from '../http/response.schemas.ts';

/** Response schemas of payment batches and confirmation runs (src/payments/). */

const BatchStatus = Type.Union(['draft', 'approved', 'exported', 'recording', 'recorded', 'cancelled'].map((s) => Type.Literal(s)));

const summaryFields = {
  id: Type.String(), number: Type.String(), workflowId: Type.String(), period: Type.String(), status: BatchStatus,
  lineCount: Type.Integer(), totalFen: Type.Integer({ description: 'Total in fen (0.01 yuan)' }), createdAt: DateTime(),
};

export const PaymentBatches = Type.Object({ items: Type.Array(Type.Object(summaryFields)) });

const batchFields = {
  ...summaryFields, totalYuan: Type.String(),
  standards: Type.Unknown({ description: 'The local standards the amounts were taken from' }), createdBy: Type.String(),
  approvedBy: Nullable(Type.String()), approvedAt: Nullable(DateTime()), exportedAt: Nullable(DateTime()),
  exportSha256: Nullable(Type.String()), recordedAt: Nullable(DateTime()), paidOn: Nullable(Day()),
  lines: Type.Array(Type.Object({
    line: Type.Integer(), caseId: Type.String(), caseNo: Type.String(), personName: Type.String(),
    months: Type.Integer(),
    multiplierPercent: Type.Number(), annualFen: Type.Integer(), amountFen: Type.Integer(), payeeName: Type.String(),
    bankName: Type.String(), bankAccount: Type.String({ description: 'Masked' }),
    status: Type.Union([Type.Literal('pending'), Type.Literal('paid'), Type.Literal('failed')]),
    error: Type.Optional(Type.String()), eventSeq: Type.Optional(Type.Integer()),
  })),
};

export const PaymentBatch = Type.Object(batchFields, { title: 'PaymentBatch' });
export const PaymentBatchBuilt = Type.Object({
  ...batchFields,
  skipped: Type.Array(Type.Object({ caseId: Type.String(), caseNo: Type.String(), reason: Type.String() })),
});
export const PaymentRecording = Type.Object({ id: Type.String(), jobId: Type.String(), status: Type.Literal('queued') });

export const ConfirmationRun = Type.Object({
  id: Type.String(), workflowId: Type.String(), year: Type.Integer(), status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  createdAt: DateTime(), closedAt: Nullable(DateTime()), counts: MapOf(Type.Integer(), 'Entries per status'),
  entries: Type.Array(Type.Object({
    caseId: Type.String(), caseNo: Type.String(), personName: Type.String(), state: Type.String(),
    status: Type.Union([Type.Literal('pending'), Type.Literal('confirmed'), Type.Literal('suspended'), Type.Literal('failed')]),
    error: Type.Optional(Type.String()), by: Type.Optional(Type.String()), at: Type.Optional(DateTime()),
    eventSeq: Type.Optional(Type.Integer()),
  })),
}, { title: 'ConfirmationRun' });

export const Confirmed = Type.Object({
  results: Type.Array(Type.Object({
    caseId: Type.String(), ok: Type.Boolean(), seq: Type.Optional(Type.Integer()), error: Type.Optional(Type.String()),
  })),
});

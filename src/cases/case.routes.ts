import type { FastifyInstance } from 'fastify';
import { languageOf } from '../messages/lang.ts';
import { listCases, type DueFilter } from './case-list.service.ts';
import { getCase, sendEvent, sendStep, type EventInput } from './case.service.ts';
import { openCase, type OpenCaseInput } from './case-open.service.ts';
import { CaseList, caseListFilters, CaseView, StepAnswer } from './case.schemas.ts';

const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } as const;

const openBody = {
  type: 'object', additionalProperties: false, required: ['workflowId', 'personId'],
  properties: {
    workflowId: { type: 'string', title: '事项', 'x-title-en': 'Item', minLength: 1, maxLength: 100 },
    personId: { type: 'string', title: '办理对象', 'x-title-en': 'Subject', minLength: 1, maxLength: 64 },
    applicantId: { type: 'string', title: '申请人', 'x-title-en': 'Applicant', maxLength: 64 },
    payeeId: { type: 'string', title: '领款人', 'x-title-en': 'Payee', maxLength: 64 },
    agent: {
      type: 'object', additionalProperties: false, required: ['name', 'idNumber', 'powerOfAttorney'], title: '代办人', 'x-title-en': 'Agent',
      properties: {
        name: { type: 'string', title: '代办人姓名', 'x-title-en': 'Agent name', minLength: 1, maxLength: 50 },
        idNumber: { type: 'string', title: '代办人身份号码', 'x-title-en': 'Agent ID number', format: 'cn-id-number' },
        powerOfAttorney: { type: 'boolean', const: true, title: '已提交委托书', 'x-title-en': 'Power of attorney received' },
      },
    },
  },
} as const;

const eventBody = {
  type: 'object', additionalProperties: false, required: ['type', 'expectedVersion'],
  properties: {
    type: { type: 'string', title: '操作', 'x-title-en': 'Event', pattern: '^[A-Z][A-Z0-9_]{0,63}$' },
    data: { type: 'object', title: '表单', 'x-title-en': 'Form data' },
    expectedVersion: { type: 'integer', title: '版本号', 'x-title-en': 'Expected version', minimum: 1 },
  },
} as const;

const eventSchema = {
  tags: ['cases'], params: idParam, body: eventBody,
  headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 128 } } },
} as const;

interface EventRequest { Params: { id: string }; Body: EventInput; Headers: { 'idempotency-key'?: string } }

const listQuery = {
  type: 'object', additionalProperties: false,
  properties: {
    ...caseListFilters,
    cursor: { type: 'string', maxLength: 200 }, limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  },
} as const;

interface ListQuery {
  workflowId?: string; caseNo?: string; state?: string; status?: 'open' | 'closed'; stationId?: string; cursor?: string; limit: number;
  due?: DueFilter; soonDays: number; idleDays: number; stepLevel?: string; assigneeId?: string; minAgeDays?: number;
}

export default async function caseRoutes(app: FastifyInstance): Promise<void> {
  const deps = () => app.caseDeps;

  app.post<{ Body: OpenCaseInput }>('/cases', { schema: { tags: ['cases'], response: { 201: CaseView }, summary: 'Open a case of an item for a person', body: openBody } }, async (req, reply) => {
    const view = await openCase(deps(), req.user!, req.body, languageOf(req.headers['accept-language']));
    return reply.status(201).send(view);
  });

  app.get<{ Params: { id: string }; Querystring: { reveal?: string } }>('/cases/:id', {
    schema: { tags: ['cases'], response: { 200: CaseView }, summary: 'A case at its current step, with its history', params: idParam, querystring: { type: 'object', additionalProperties: false, properties: { reveal: { enum: ['0', '1'] } } } },
  }, async (req) => {
    const reveal = req.query.reveal === '1';
    if (reveal) req.log.info({ userId: req.user!.id, caseId: req.params.id }, 'personal data revealed');
    return getCase(deps(), req.user!, req.params.id, reveal, languageOf(req.headers['accept-language']));
  });

  app.post<EventRequest>('/cases/:id/events', {
    schema: {
      ...eventSchema, response: { 200: CaseView },
      summary: 'Send an event (a step, or an administrative act) to a case; answers the whole case, its history read (POST /api/v2/cases/:id/events answers compactly)',
    },
  }, async (req) => sendEvent(deps(), req.user!, req.params.id, req.body, req.headers['idempotency-key'], languageOf(req.headers['accept-language'])));

  app.get<{ Querystring: ListQuery }>('/cases', {
    schema: {
      tags: ['cases'], response: { 200: CaseList }, querystring: listQuery,
      summary: 'Cases in your jurisdiction: all (newest first), or overdue / due soon (by due date) / idle (by last event); keyset pagination',
    },
  }, async (req) => listCases(deps(), req.user!, req.query));
}

/**
 * The compact step (under /api/v2): the same body, headers, idempotency and errors as
 * POST /api/v1/cases/:id/events, answered with where the case stands and what may follow
 * (src/cases/step-answer.ts), no history read.
 */
export async function caseStepRoutes(app: FastifyInstance): Promise<void> {
  app.post<EventRequest>('/cases/:id/events', {
    schema: {
      ...eventSchema, response: { 200: StepAnswer },
      summary: 'Send an event to a case; answers the step the case is at now, what this user may send, the 撤回 offer, the notices and cases the step made; no history',
    },
  }, async (req) => sendStep(app.caseDeps, req.user!, req.params.id, req.body, req.headers['idempotency-key'], languageOf(req.headers['accept-language'])));
}

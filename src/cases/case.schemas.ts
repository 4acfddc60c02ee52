import Type from 'typebox';
import { DateTime, Localized, Nullable, OpenObject } from '../http/response.schemas.ts';

/** Response schemas of /cases (src/cases/case.view.ts, src/cases/case-list.ts): every property they send. */

const AllowedEvent = Type.Object({
  type: Type.String(), label: Localized,
  formId: Type.Optional(Type.String({ description: 'The form the event takes' })),
  form: Type.Optional(OpenObject('JSON Schema of that form, with x- annotations')),
});

const Material = Type.Object({
  id: Type.String(), title: Localized, required: Type.Boolean(), received: Type.Boolean(),
});

const CurrentStep = Type.Object({
  name: Type.String(), title: Localized, level: Nullable(Type.String()), external: Type.Boolean(),
  role: Type.Array(Type.String()), form: Nullable(OpenObject('JSON Schema of the step\'s main form')),
  allowedEvents: Type.Array(AllowedEvent), materials: Type.Array(Material),
});

const HistoryEntry = Type.Object({
  seq: Type.Integer(), kind: Type.String(), type: Type.String(), actor: Nullable(Type.String()),
  actorName: Nullable(Type.String()), from: Nullable(Type.String()), to: Nullable(Type.String()), at: DateTime(),
  payload: OpenObject('What the event carried (personal data masked unless revealed)'),
});

const Holder = Nullable(Type.Union([
  Type.Object({ kind: Type.Literal('person'), userId: Type.String(), name: Type.String() }),
  Type.Object({
    kind: Type.Literal('queue'), stationId: Type.String(), stationName: Localized,
    level: Type.Union([Type.Literal('village'), Type.Literal('town'), Type.Literal('district')]),
    supervisors: Type.Boolean({ description: 'Escalated past the top level: that station\'s supervisors hold the step' }),
  }),
], { description: 'Who holds the open step and may act on it (ADR 0019); null when closed or the step waits for the service' }));

const Recall = Nullable(Type.Object({ seq: Type.Integer(), type: Type.String(), label: Localized }, { description: 'The step this user may take back now (撤回, event RECALL)' }));

export const CaseView = Type.Object({
  id: Type.String(), caseNo: Type.String({ description: 'The short case number people read (退报-2026-00123); `id` stays the key' }), workflowId: Type.String(), workflowVersion: Type.Integer(), title: Localized,
  parentCaseId: Nullable(Type.String()), personId: Type.String(), applicantId: Nullable(Type.String()),
  payeeId: Nullable(Type.String()), state: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]), outcome: Nullable(Type.String()), version: Type.Integer(),
  data: OpenObject('The case data, keyed by form field (personal data masked unless revealed)'), materialsReceived: Type.Array(Type.String()),
  dueAt: Nullable(DateTime()), dueUncertain: Type.Boolean({ description: 'The deadline was counted through a year whose official holidays are not loaded' }),
  timerAt: Nullable(DateTime()), stepEnteredAt: Nullable(DateTime()), overdue: Type.Boolean(),
  escalatedTo: Nullable(Type.String()), assigneeId: Nullable(Type.String()), holder: Holder,
  createdAt: DateTime(), updatedAt: DateTime(), currentStep: Nullable(CurrentStep),
  history: Type.Array(HistoryEntry),
  notices: Type.Array(Type.Object({
    id: Type.String(), key: Type.String(), kind: Type.String(), title: Type.String(), issuedAt: DateTime(),
  })),
  recall: Recall,
  claim: Nullable(Type.Object({
    claimedBy: Nullable(Type.Object({ userId: Type.String(), name: Nullable(Type.String()), at: DateTime() }, { description: 'Who claimed the open step (CLAIM) and when; null when nobody holds it by a claim' })),
    mayClaim: Type.Boolean({ description: 'This user may claim the step now (event CLAIM)' }),
    mayRelease: Type.Boolean({ description: 'This user may release the step to its queue now (event RELEASE)' }),
  }, { description: '认领 / 退回队列; null when the case is closed' })),
}, { title: 'Case' });

/** The compact answer of POST /api/v2/cases/:id/events (src/cases/step-answer.ts). */
export const StepAnswer = Type.Object({
  id: Type.String(), caseNo: Type.String(), version: Type.Integer(), state: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]), outcome: Nullable(Type.String()),
  currentStep: Nullable(Type.Object({
    name: Type.String(), title: Localized, level: Nullable(Type.String()),
    allowedEvents: Type.Array(Type.Object({
      type: Type.String(), label: Localized,
      formId: Type.Optional(Type.String({ description: 'The form the event takes: a key of `forms`' })),
    })),
  }, { description: 'The step the case is at now; null once closed' })),
  forms: Type.Record(Type.String(), OpenObject('JSON Schema of a form, with x- annotations'), { description: 'The forms the allowed events take, by id' }),
  recall: Recall,
  notices: Type.Array(Type.Object({ id: Type.String(), key: Type.String(), kind: Type.String(), title: Type.String() }), { description: 'The notices this step issued' }),
  children: Type.Array(Type.Object({ id: Type.String(), caseNo: Type.String(), workflowId: Type.String() }), { description: 'The cases this step started' }),
}, { title: 'StepAnswer' });

export const CaseSummary = Type.Object({
  id: Type.String(), caseNo: Type.String({ description: 'The short case number people read (退报-2026-00123); `id` stays the key' }), workflowId: Type.String(), workflowVersion: Type.Integer(), parentCaseId: Nullable(Type.String()),
  personId: Type.String(), state: Type.String(), status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  outcome: Nullable(Type.String()), version: Type.Integer(), dueAt: Nullable(DateTime()), dueUncertain: Type.Boolean(),
  overdue: Type.Boolean(), escalatedTo: Nullable(Type.String()), stepLevel: Nullable(Type.String()),
  holderStationId: Nullable(Type.String({ description: 'The station whose queue the step waits in' })),
  assigneeId: Nullable(Type.String()), stepEnteredAt: Nullable(DateTime()), daysInStep: Nullable(Type.Integer()),
  lastEventAt: Nullable(DateTime()), createdAt: DateTime(), updatedAt: DateTime(),
}, { title: 'CaseSummary' });

export const CaseList = Type.Object({ items: Type.Array(CaseSummary), nextCursor: Nullable(Type.String({ description: 'Pass as `cursor` for the next page' })) });

/** The filters of the case list (`GET /cases`), shared by every route that lists or exports it. */
export const caseListFilters = {
  workflowId: { type: 'string', maxLength: 100 }, state: { type: 'string', maxLength: 100 }, status: { enum: ['open', 'closed'] },
  caseNo: { type: 'string', maxLength: 40, description: 'One case by its short number, 退报-2026-00123' },
  stationId: { type: 'string', maxLength: 64 },
  due: { enum: ['overdue', 'soon', 'idle'] }, soonDays: { type: 'integer', minimum: 1, maximum: 60, default: 3 },
  idleDays: { type: 'integer', minimum: 1, maximum: 365, default: 10 }, stepLevel: { enum: ['village', 'town', 'district'] },
  assigneeId: { type: 'string', maxLength: 64 }, minAgeDays: { type: 'integer', minimum: 0, maximum: 3650 },
} as const;

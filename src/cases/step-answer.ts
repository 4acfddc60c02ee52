import type { Executor } from '../db/database.ts';
import type { JsonSchema, Localized } from '../definitions/definition.types.ts';
import type { User } from '../users/user.repository.ts';
import type { WorkflowRegistry } from './workflow.registry.ts';
import { childrenStartedAt } from './case.repository.ts';
import type { Written } from './case.types.ts';
import { stepEvents, type StepEvent } from './case.view.ts';
import { stepNotices } from './notice.repository.ts';
import { recallOffer, type RecallOffer } from './recall.ts';

/**
 * What a step answers on the compact path (POST /api/v2/cases/:id/events, docs/adr/0027-compact-step.md):
 * where the case stands and what this user may do next, built from the row the step wrote. It reads no
 * history, so its size and cost do not grow with the case's; GET /api/v1/cases/:id gives the whole case.
 */
export interface StepAnswer {
  id: string;
  caseNo: string;
  version: number;
  state: string;
  status: 'open' | 'closed';
  outcome: string | null;
  /** The step the case is at now; null once closed. */
  currentStep: { name: string; title: Localized; level: string | null; allowedEvents: StepEvent[] } | null;
  /** The forms the allowed events take, by id. */
  forms: Record<string, JsonSchema>;
  recall: RecallOffer | null;
  /** The notices this step issued. */
  notices: { id: string; key: string; kind: string; title: string }[];
  /** The cases this step started. */
  children: { id: string; caseNo: string; workflowId: string }[];
}

/** The answer to a step just written; notices and child cases are read only when the step made some. */
export async function stepAnswer(
  db: Executor, registry: WorkflowRegistry, w: Written, user: User,
): Promise<StepAnswer> {
  const c = w.row;
  const wf = (await registry.get(db, c.workflowId, c.workflowVersion))!;
  const state = c.status === 'open' ? wf.definition.machine.states[c.state]! : undefined;
  const events = state ? stepEvents(wf, c, user) : [];
  const forms: Record<string, JsonSchema> = {};
  for (const e of events) if (e.formId) forms[e.formId] = wf.definition.forms[e.formId]!;
  return {
    id: c.id, caseNo: c.caseNo, version: c.version, state: c.state, status: c.status, outcome: c.outcome,
    currentStep: state
      ? { name: c.state, title: state.meta.step, level: state.meta.level ?? null, allowedEvents: events }
      : null,
    forms,
    recall: recallOffer(wf, c, user.id),
    notices: w.effects?.notices
      ? (await stepNotices(db, c.id, w.entry.seq)).map((n) => ({
          id: n.id, key: n.noticeKey, kind: n.kind, title: n.title,
        }))
      : [],
    children: w.effects?.children ? await childrenStartedAt(db, c.id, w.entry.at) : [],
  };
}

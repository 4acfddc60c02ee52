import type { Executor } from '../db/database.ts';
import type { WorkflowRegistry } from './workflow.registry.ts';
import type { JsonSchema, Localized } from '../definitions/definition.types.ts';
import { allowedEvents } from '../engine/engine.ts';
import type { CompiledWorkflow } from '../engine/compile.ts';
import type { Lang } from '../messages/lang.ts';
import { maskData } from '../http/mask.ts';
import type { User } from '../users/user.repository.ts';
import { actorOf } from './actor.ts';
import { caseHolder, describeHolder, type HolderView } from './case-holder.ts';
import { claimOffer } from './claim.ts';
import { listEvents, type CaseEventRow } from './case-event.repository.ts';
import { recallOffer } from './recall.ts';
import type { Case } from './case.types.ts';
import { listCaseNotices, type NoticeRow } from './notice.repository.ts';
import type { Station } from '../stations/station.repository.ts';

export interface CaseView {
  id: string;
  caseNo: string;
  workflowId: string;
  workflowVersion: number;
  title: Localized;
  parentCaseId: string | null;
  personId: string;
  applicantId: string | null;
  payeeId: string | null;
  state: string;
  status: 'open' | 'closed';
  outcome: string | null;
  version: number;
  data: Record<string, unknown>;
  materialsReceived: string[];
  dueAt: string | null;
  /** The deadline was counted through a year whose official holidays are not loaded. */
  dueUncertain: boolean;
  timerAt: string | null;
  stepEnteredAt: string | null;
  overdue: boolean;
  escalatedTo: string | null;
  assigneeId: string | null;
  /** Who holds the open step and may act on it (ADR 0019). */
  holder: HolderView | null;
  createdAt: string;
  updatedAt: string;
  currentStep: {
    name: string;
    title: Localized;
    level: string | null;
    external: boolean;
    role: string[];
    form: JsonSchema | null;
    allowedEvents: (StepEvent & { form?: JsonSchema })[];
    materials: { id: string; title: Localized; required: boolean; received: boolean }[];
  } | null;
  history: {
    seq: number; kind: string; type: string; actor: string | null; actorName: string | null; from: string | null;
    to: string | null; at: string; payload: Record<string, unknown>;
  }[];
  notices: { id: string; key: string; kind: string; title: string; issuedAt: string }[];
  /** The step this user may take back now (撤回, event type RECALL), if any. */
  recall: { seq: number; type: string; label: Localized } | null;
  /** 认领 (ADR 0026): who claimed the open step and when, and whether this user may claim or release it now. */
  claim: {
    claimedBy: { userId: string; name: string | null; at: string } | null; mayClaim: boolean; mayRelease: boolean;
  } | null;
}

/** Fields a definition's forms mark as personal data. */
function sensitiveFields(wf: CompiledWorkflow): Set<string> {
  const out = new Set<string>();
  for (const form of Object.values(wf.definition.forms)) {
    for (const [name, prop] of Object.entries((form.properties as Record<string, JsonSchema> | undefined) ?? {})) if (prop['x-sensitive']) out.add(name);
  }
  return out;
}

/** The events this user may send at the case's open step, each with the id of the form it takes. */
export function stepEvents(wf: CompiledWorkflow, c: Case, user: User): StepEvent[] {
  const on = { holder: caseHolder(wf, c), previousActorId: c.lastStep.actorId };
  return allowedEvents(wf, c.snapshot, actorOf(user), on).map((e) => ({
    type: e.type, label: e.label, ...(e.form ? { formId: e.form } : {}),
  }));
}

export interface StepEvent {
  type: string;
  label: Localized;
  formId?: string;
}

function currentStep(wf: CompiledWorkflow, c: Case, user: User): CaseView['currentStep'] {
  if (c.snapshot.status === 'done') return null;
  const state = wf.definition.machine.states[c.snapshot.value]!;
  const events = stepEvents(wf, c, user).map((e) => (e.formId ? { ...e, form: wf.definition.forms[e.formId] } : e));
  const mainForm = Object.values(state.meta.events ?? {}).find((e) => e.form)?.form;
  const received = new Set(c.snapshot.context.materials);
  return {
    name: c.snapshot.value,
    title: state.meta.step,
    level: state.meta.level ?? null,
    external: state.meta.external === true,
    role: state.meta.roles ?? ['clerk'],
    form: mainForm ? wf.definition.forms[mainForm]! : null,
    allowedEvents: events,
    materials: (state.meta.materials ?? []).map((id) => {
      const m = wf.definition.materials.find((x) => x.id === id)!;
      return { id, title: m.title, required: m.required, received: received.has(id) };
    }),
  };
}

/** `holder`: the claimant is the person holding the step, so the holder's name is theirs. */
function claimView(wf: CompiledWorkflow, c: Case, user: User, holder: HolderView | null): CaseView['claim'] {
  if (c.status !== 'open') return null;
  const { claimedBy, mayClaim, mayRelease } = claimOffer(wf, c, user);
  const name = holder?.kind === 'person' && holder.userId === claimedBy?.userId ? holder.name : null;
  const by = claimedBy && { userId: claimedBy.userId, name, at: claimedBy.at.toISOString() };
  return { claimedBy: by, mayClaim, mayRelease };
}

/** The case as a client sees it; personal data masked unless revealed. `actingLevel` decides the queue. */
export interface ViewOptions {
  reveal: boolean;
  lang: Lang;
  /** What the caller has in hand already (a case just opened: its START entry, no notices, the stations above it). */
  inHand?: { history?: CaseEventRow[]; notices?: NoticeRow[]; stations?: Station[] };
}

/** The whole case: its history and notices read; the 撤回 offer, four eyes and 认领 from the row. */
export async function buildCaseView(
  db: Executor, registry: WorkflowRegistry, c: Case, user: User, opts: ViewOptions,
): Promise<CaseView> {
  const wf = (await registry.get(db, c.workflowId, c.workflowVersion))!;
  const events = opts.inHand?.history ?? await listEvents(db, c.id);
  const notices = opts.inHand?.notices ?? await listCaseNotices(db, c.id);
  const holder = await describeHolder(db, caseHolder(wf, c), opts.inHand?.stations);
  const sensitive = sensitiveFields(wf);
  const mask = <T>(v: T): T => (opts.reveal ? v : maskData(v, sensitive));
  return {
    id: c.id, caseNo: c.caseNo, workflowId: c.workflowId, workflowVersion: c.workflowVersion,
    title: wf.definition.title,
    parentCaseId: c.parentCaseId, personId: c.personId, applicantId: c.applicantId, payeeId: c.payeeId, state: c.state,
    status: c.status, outcome: c.outcome, version: c.version, data: mask(c.snapshot.context.data),
    materialsReceived: c.snapshot.context.materials, dueAt: c.dueAt?.toISOString() ?? null,
    dueUncertain: c.dueUncertain, timerAt: c.timerAt?.toISOString() ?? null,
    stepEnteredAt: c.stepEnteredAt?.toISOString() ?? null, overdue: c.overdueAt !== null, escalatedTo: c.escalatedTo,
    assigneeId: c.assigneeId, holder,
    createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString(),
    currentStep: currentStep(wf, c, user),
    history: events.map((e) => ({
      seq: e.seq, kind: e.kind, type: e.type, actor: e.actorId, actorName: e.actorName, from: e.fromState,
      to: e.toState, at: e.at.toISOString(), payload: mask(e.payload),
    })),
    notices: notices.map((n) => ({
      id: n.id, key: n.noticeKey, kind: n.kind, title: n.title, issuedAt: n.issuedAt.toISOString(),
    })),
    claim: claimView(wf, c, user, holder),
    recall: recallOffer(wf, c, user.id),
  };
}

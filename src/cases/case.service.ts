import type { Executor } from '../db/database.ts';
import { guardSubject, missingMaterials, type CompiledWorkflow } from '../engine/compile.ts';
import { isAdminAct, step, allowedEvents, type Effect, type StoredSnapshot } from '../engine/engine.ts';
import { actorOf } from './actor.ts';
import { caseHolder } from './case-holder.ts';
import { checkTaker } from './step-takers.service.ts';
import { AppError, type ErrorExtras } from '../http/errors.ts';
import { message } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import { findPerson, type Person } from '../persons/person.repository.ts';
import { findUserById, type User } from '../users/user.repository.ts';
import { checkAdminAct, type AdminActType } from './admin-acts.ts';
import { claimChange, claimedRefusal } from './claim.ts';
import { requireActiveHolder } from './queue-holders.ts';
import { listEvents } from './case-event.repository.ts';
import { applyEffects } from './case-effects.ts';
import { findCase, lockCase, lockCaseForKey, writeEntry } from './case.repository.ts';
import { EVERYWHERE, inSubtree } from '../jurisdiction/within-area.ts';
import type { Case, CaseDeps, Written } from './case.types.ts';

export type { CaseDeps, Written } from './case.types.ts';
import { lockKey, requestHash, saveKey } from './idempotency.repository.ts';
import { buildCaseView, type CaseView } from './case.view.ts';
import { currentTiming, timingOnEntry } from './step-timing.ts';
import { isBatchKey, recallStep, STEP_ROUTES } from './recall.ts';
import { stepAnswer, type StepAnswer } from './step-answer.ts';
import { lastChange, stepNow } from './last-change.ts';
import { RECALL, type Localized, type WorkflowDefinition } from '../definitions/definition.types.ts';
import { listNumbered } from '../notices/notice.repository.ts';
import { listCaseNotices } from './notice.repository.ts';
import { recordReveal } from '../auth/reveal-log.repository.ts';

export interface EventInput {
  type: string;
  data?: Record<string, unknown>;
  expectedVersion: number;
}

function rejection(r: Pick<ErrorExtras, 'errors' | 'detail' | 'missingMaterials'> & { code: AppError['code'] }, extras: { allowedEvents?: unknown[]; currentVersion?: number } = {}): AppError {
  return new AppError(r.code, { errors: r.errors, detail: r.detail, missingMaterials: r.missingMaterials, ...extras });
}

/** Builds a step's answer inside its transaction, once the step is written. */
type Answer<T> = (trx: Executor, written: Written) => Promise<T>;

/**
 * Sends an event to a case: one transaction locks the case, checks the version, runs the pure
 * step, writes the case and its history entry, and carries out the effects; or writes nothing.
 * `deps.afterStep` runs in the same transaction (`paymentLine`: the batch line this RECORD_PAYMENT
 * pays), so a payment is kept once per case and period with the step or not at all. Only a 撤回
 * reads the history; `answer` builds what the route sends (and a retry under the same key gets again).
 */
async function stepCase<T>(
  deps: CaseDeps, user: User, caseId: string, input: EventInput, idempotencyKey: string | undefined, lang: Lang,
  route: string, answer: Answer<T>, paymentLine?: string,
): Promise<T> {
  const now = deps.clock.now();
  const scope = idempotencyKey ? { userId: user.id, route, key: `${caseId}:${idempotencyKey}` } : undefined;
  const hash = requestHash(input);
  return deps.db.transaction().execute(async (trx) => {
    if (scope) await lockKey(trx, scope);
    const { c, kept } = scope ? await lockCaseForKey(trx, caseId, user.stationPath, scope)
      : { c: await lockCase(trx, caseId, user.stationPath), kept: undefined };
    if (kept) {
      if (kept.requestHash !== hash) throw new AppError('IDEMPOTENCY_MISMATCH');
      return kept.response as T;
    }
    if (!c) throw new AppError('NOT_FOUND');
    if (c.version !== input.expectedVersion) throw await staleVersion(trx, deps, c, input.expectedVersion);
    const byBatch = idempotencyKey !== undefined && isBatchKey(idempotencyKey);
    const written = isAdminAct(input.type) ? await recordAdminAct(trx, deps, c, user, input, now, lang)
      : input.type === RECALL ? await recallStep(trx, deps, c, user, await listEvents(trx, c.id), input.data, now, lang)
        : await advance(trx, deps, c, user, input, now, lang, byBatch);
    await deps.afterStep(trx, c, written.entry, paymentLine);
    const out = await answer(trx, written);
    if (scope) await saveKey(trx, scope, hash, 200, out, now);
    return out;
  });
}

/** A step answered with the whole case (POST /api/v1/cases/:id/events): the view reads the history after the write. */
export async function sendEvent(
  deps: CaseDeps, user: User, caseId: string, input: EventInput, idempotencyKey: string | undefined, lang: Lang,
  paymentLine?: string,
): Promise<CaseView> {
  return stepCase(deps, user, caseId, input, idempotencyKey, lang, STEP_ROUTES[0],
    (trx, w) => buildCaseView(trx, deps.registry, w.row, user, { reveal: false, lang }), paymentLine);
}

/** A step answered compactly (POST /api/v2/cases/:id/events, src/cases/step-answer.ts): no history read. */
export async function sendStep(
  deps: CaseDeps, user: User, caseId: string, input: EventInput, idempotencyKey: string | undefined, lang: Lang,
): Promise<StepAnswer> {
  return stepCase(deps, user, caseId, input, idempotencyKey, lang, STEP_ROUTES[1],
    (trx, w) => stepAnswer(trx, deps.registry, w, user));
}

/** The refusal of a step sent from an older version, with what happened since (who did what, when) and the step now. */
async function staleVersion(trx: Executor, deps: CaseDeps, c: Case, expectedVersion: number): Promise<AppError> {
  const wf = (await deps.registry.get(trx, c.workflowId, c.workflowVersion))!;
  const history = (await listEvents(trx, c.id)).map((e) => ({
    seq: e.seq, kind: e.kind, type: e.type, actor: e.actorId, actorName: e.actorName, from: e.fromState,
    at: e.at.toISOString(),
  }));
  return new AppError('STALE_VERSION', {
    currentVersion: c.version,
    lastEntry: lastChange(wf.definition, history, expectedVersion),
    currentStep: stepNow(wf.definition, c.state, c.status === 'open'),
  });
}

async function recordAdminAct(
  trx: Executor, deps: CaseDeps, c: Case, user: User, input: EventInput, now: Date, lang: Lang,
): Promise<Written> {
  const payload = checkAdminAct(input.type as AdminActType, user, input.data, lang);
  // 转办 hands the step to the person (ADR 0019): only someone who may take it.
  if (input.type === 'REASSIGN') {
    const wf = (await deps.registry.get(trx, c.workflowId, c.workflowVersion))!;
    const target = await checkTaker(trx, wf.definition, c, String(payload.userId), lang);
    return appendAdminEntry(trx, c, { type: input.type, payload, actorId: user.id, assigneeId: target.id }, now);
  }
  if (typeof payload.userId === 'string') {
    const target = await findUserById(trx, payload.userId);
    if (!target || !inSubtree(c.stationPath, target.stationPath)) {
      throw new AppError('VALIDATION_FAILED', { errors: [{ path: '/userId', message: message(lang, 'CASE_HANDOVER_UNKNOWN_USER') }] });
    }
  }
  let assigneeId: string | null | undefined;
  if (input.type === 'CLAIM' || input.type === 'RELEASE' || input.type === 'URGE') {
    const wf = (await deps.registry.get(trx, c.workflowId, c.workflowVersion))!;
    // An urge nobody active will read is refused rather than recorded as if it reached someone.
    if (input.type === 'URGE') await requireActiveHolder(trx, wf, c);
    else {
      const holderName = c.assigneeId ? (await findUserById(trx, c.assigneeId))?.displayName ?? null : null;
      assigneeId = claimChange(input.type, wf, c, user, holderName);
    }
  }
  return appendAdminEntry(trx, c, { type: input.type, payload, actorId: user.id, assigneeId }, now);
}

/** The service's own actor: it alone sends DEADLINE, ESCALATE and MIGRATE. */
const SYSTEM_ACTOR = { id: 'system', role: 'system', level: 'system' } as const;

/**
 * Sends a system event (a timer ran out, an escalation) through the same path as a user's
 * step; returns false when the case has moved on and the event no longer applies.
 */
export async function sendSystemEvent(
  deps: CaseDeps, caseId: string, type: string, expectedVersion: number,
): Promise<boolean> {
  return deps.db.transaction().execute(async (trx) => {
    const c = await lockCase(trx, caseId, EVERYWHERE);
    if (!c || c.version !== expectedVersion) return false;
    return applySystemEvent(trx, deps, c, type, deps.clock.now());
  });
}

/** A system event on a case the caller has locked; false when the current step does not take it. */
export async function applySystemEvent(
  trx: Executor, deps: CaseDeps, c: Case, type: string, now: Date,
): Promise<boolean> {
  const wf = (await deps.registry.get(trx, c.workflowId, c.workflowVersion))!;
  const result = step(wf, c.snapshot, { type }, SYSTEM_ACTOR, { lang: 'zh', now, holder: null });
  if (!result.ok) return false;
  await persistStep(trx, deps, c, wf, result, { type, data: {}, actorId: null, byBatch: false }, now);
  return true;
}

/** The administrative acts that change who holds the step personally, and so end a claim (or make one). */
const HOLDING_ACTS = new Set(['CLAIM', 'RELEASE', 'REASSIGN']);

/** Appends a history entry that does not move the machine (the sweeper's escalations, supervisors' acts). */
export async function appendAdminEntry(
  trx: Executor, c: Case,
  e: { type: string; payload: Record<string, unknown>; actorId: string | null; assigneeId?: string | null }, now: Date,
): Promise<Written> {
  const entry = { seq: c.version + 1, kind: 'admin', type: e.type, payload: e.payload, actorId: e.actorId, fromState: c.state, toState: c.state, at: now } as const;
  const row = await writeEntry(trx, c, {
    assigneeId: e.assigneeId,
    othersSinceStep: c.othersSinceStep || e.actorId !== c.lastStep.actorId,
    ...(HOLDING_ACTS.has(e.type) ? { claimedAt: e.type === 'CLAIM' ? now : null } : {}),
  }, entry, null, now);
  return { row, entry };
}

async function persistStep(
  trx: Executor, deps: CaseDeps, c: Case, wf: CompiledWorkflow, result: { snapshot: StoredSnapshot; effects: Effect[] },
  e: { type: string; data: Record<string, unknown>; actorId: string | null; byBatch: boolean }, now: Date,
): Promise<Written> {
  const seq = c.version + 1;
  const timing = timingOnEntry(wf, c, result.snapshot, now, deps.calendar.current);
  const notices = result.effects.some((x) => x.type === 'issueNotice');
  const entry = { seq, kind: 'machine', type: e.type, payload: { data: e.data }, actorId: e.actorId, fromState: c.state, toState: result.snapshot.value, at: now } as const;
  // A new step goes to its level's queue: the person it was handed to held only the step they were given.
  const row = await writeEntry(trx, c, {
    snapshot: result.snapshot, timing, progressed: true, ...(timing ? { assigneeId: null } : {}),
    lastStep: { seq, type: e.type, actorId: e.actorId, byBatch: e.byBatch, noticed: notices },
    othersSinceStep: false, claimedAt: null,
  }, entry, currentTiming(c), now);
  if (result.effects.length > 0) {
    const person = (await findPerson(trx, c.personId, c.stationPath))!;
    await applyEffects(
      trx, deps, { caseId: c.id, wf, person, snapshot: result.snapshot, seq, actorId: e.actorId, now, depth: 0 },
      result.effects,
    );
  }
  return { row, entry, effects: { notices, children: result.effects.some((x) => x.type === 'startCase') } };
}

async function advance(
  trx: Executor, deps: CaseDeps, c: Case, user: User, input: EventInput, now: Date, lang: Lang, byBatch: boolean,
): Promise<Written> {
  const wf = (await deps.registry.get(trx, c.workflowId, c.workflowVersion))!;
  const actor = actorOf(user);
  const on = { holder: caseHolder(wf, c), previousActorId: c.lastStep.actorId };
  const result = step(wf, c.snapshot, { type: input.type, data: input.data }, actor, { lang, now, ...on });
  if (!result.ok) {
    if (result.code === 'FORBIDDEN') {
      const nameOf = async (id: string) => (await findUserById(trx, id))?.displayName ?? null;
      throw (await claimedRefusal(c, user, nameOf)) ?? rejection(result);
    }
    const extras = result.code === 'EVENT_NOT_ALLOWED' || result.code === 'CASE_CLOSED'
      ? { allowedEvents: allowedEvents(wf, c.snapshot, actor, on) } : {};
    throw rejection(result, extras);
  }
  const e = { type: input.type, data: input.data ?? {}, actorId: user.id, byBatch };
  return persistStep(trx, deps, c, wf, result, e, now);
}

export async function getCase(
  deps: CaseDeps, user: User, caseId: string, reveal: boolean, lang: Lang,
): Promise<CaseView> {
  const c = await findCase(deps.db, caseId, user.stationPath);
  if (!c) throw new AppError('NOT_FOUND');
  if (reveal) {
    await recordReveal(deps.db, { userId: user.id, subject: `case:${caseId}`, fields: ['data'], at: deps.clock.now() });
  }
  return buildCaseView(deps.db, deps.registry, c, user, { reveal, lang });
}

/** A case inside the user's jurisdiction, as the pages work on it: its row, definition, view and person. */
export interface CaseAtHand {
  row: Case;
  definition: WorkflowDefinition;
  view: CaseView;
  person: Person;
}

/** The case with what its pages show; outside the user's jurisdiction it does not exist (404). */
export async function caseAtHand(deps: CaseDeps, user: User, caseId: string, lang: Lang): Promise<CaseAtHand> {
  const row = await findCase(deps.db, caseId, user.stationPath);
  if (!row) throw new AppError('NOT_FOUND');
  const wf = (await deps.registry.get(deps.db, row.workflowId, row.workflowVersion))!;
  const view = await buildCaseView(deps.db, deps.registry, row, user, { reveal: false, lang });
  const person = (await findPerson(deps.db, row.personId, user.stationPath))!;
  return { row, definition: wf.definition, view, person };
}

/** What a step would do, worked out without writing anything: where the case goes, which notices and cases follow. */
export type StepPreview =
  | { ok: true; state: string; done: boolean; outcome: string | null; notices: Localized[]; children: Localized[] }
  | { ok: false; error: AppError };

/**
 * The same checks and moves as `sendEvent` (form, guards, who may act, four eyes), on the case as
 * the caller holds it, so that a form can be told its mistakes and the check-your-answers page
 * what will follow.
 */
export async function previewStep(
  deps: CaseDeps, user: User, at: CaseAtHand, input: { type: string; data?: Record<string, unknown> }, lang: Lang,
): Promise<StepPreview> {
  const wf = (await deps.registry.get(deps.db, at.row.workflowId, at.row.workflowVersion))!;
  const now = deps.clock.now();
  const result = step(
    wf, at.row.snapshot, { type: input.type, data: input.data }, actorOf(user),
    { lang, now, previousActorId: at.row.lastStep.actorId, holder: caseHolder(wf, at.row) },
  );
  if (!result.ok) return { ok: false, error: rejection(result) };
  const children: Localized[] = [];
  for (const e of result.effects) {
    if (e.type !== 'startCase') continue;
    const title = (await deps.registry.inForce(deps.db, e.workflowId, now))?.definition.title;
    if (title) children.push(title);
  }
  return {
    ok: true, state: result.snapshot.value, done: result.snapshot.status === 'done', outcome: result.snapshot.context.outcome,
    notices: result.effects.flatMap((e) => (e.type === 'issueNotice' && wf.definition.notices[e.notice] ? [wf.definition.notices[e.notice]!.title] : [])),
    children,
  };
}

/** The materials of the case's current step that its data, with `data` added, makes required. */
export async function requiredMaterials(
  deps: CaseDeps, at: CaseAtHand, data: Record<string, unknown>,
): Promise<Set<string>> {
  const wf = (await deps.registry.get(deps.db, at.row.workflowId, at.row.workflowVersion))!;
  const subject = guardSubject(at.row.snapshot.context, { type: 'x', data });
  return new Set(missingMaterials(wf, { ...subject, materials: [] }));
}

/** A case's notices with their numbers and, for the step that issued each, its history entry. */
export async function caseNotices(deps: CaseDeps, caseId: string) {
  const [numbered, all] = [await listNumbered(deps.db, caseId), await listCaseNotices(deps.db, caseId)];
  const seqOf = new Map(all.map((n) => [n.id, n.eventSeq]));
  return numbered.map((n) => ({ ...n, eventSeq: seqOf.get(n.id) ?? 0 }));
}

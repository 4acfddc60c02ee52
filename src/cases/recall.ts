import type { Executor } from '../db/database.ts';
import { ajv, fieldErrors } from '../definitions/ajv.ts';
import { withPlainText } from '../definitions/plain-text.ts';
import { RECALL, type Localized } from '../definitions/definition.types.ts';
import type { CompiledWorkflow } from '../engine/compile.ts';
import { replay } from '../engine/engine.ts';
import { AppError } from '../http/errors.ts';
import type { Lang } from '../messages/lang.ts';
import type { User } from '../users/user.repository.ts';
import { priorTimingOf, type CaseEventRow } from './case-event.repository.ts';
import { hasChildSince, writeEntry } from './case.repository.ts';
import { sentUnderKeyPrefix } from './idempotency.repository.ts';
import type { Case, CaseDeps, LastStep, Written } from './case.types.ts';
import { heldThrough, historyEvent, historyVersions, stepsInEffect } from './history-replay.ts';
import { listCaseNotices } from './notice.repository.ts';
import { timingFromJson, timingOnEntry } from './step-timing.ts';

/**
 * 撤回: a user takes back the step they just sent, as long as nobody else (nor the service) has
 * written to the case since. The history keeps both entries (the step and a RECALL naming it); the
 * case returns to the snapshot it had before the step and to its clock as it stood then (kept
 * beside each step: due date, paused 补正 clock, overdue and escalation marks), so taking a step
 * back never buys time nor hides an escalation. A step that issued a notice, started another case,
 * or was made by a batch cannot be taken back: notice numbers are never reused, the other case has
 * a life of its own, and a batch (payments, yearly confirmation) keeps its own record of the step.
 */

interface RecallTarget {
  seq: number;
  type: string;
  /**
   * When the case first came to the step it returns to (for steps
   * kept before clocks were: the deadline counts from then).
   */
  stepEnteredAt: Date;
}

type Entry = Pick<CaseEventRow, 'seq' | 'kind' | 'type' | 'actorId' | 'fromState' | 'toState' | 'at'>;

const NOTHING: Localized = { zh: '没有可撤回的办理步骤', en: 'There is no step of yours to take back' };
const NOT_YOURS: Localized = { zh: '最近一步不是您办理的（下一环节已办理，或由他人提交），无法撤回', en: 'The latest step was not yours (the next level has acted, or someone else sent it), so it cannot be taken back' };
const OTHERS_SINCE: Localized = { zh: '您办理后已有他人或系统处理该案件（如意见、转办、督办），无法撤回', en: 'Someone else, or the service (an escalation), has worked on the case since your step, so it cannot be taken back' };
const SENT_BY_BATCH: Localized = { zh: '该步骤由批量操作（发放批次、年度确认或批量办理）完成，须在该批次中处理，无法在案件中撤回', en: 'That step was made by a batch (a payment batch, a yearly confirmation or a batch action); deal with it in the batch' };
const NOTICE_ISSUED: Localized = { zh: '该步骤已出具文书（文书编号不能收回），无法撤回', en: 'That step issued a notice (its number cannot be withdrawn), so it cannot be taken back' };
const CASE_STARTED: Localized = { zh: '该步骤已启动关联事项，无法撤回', en: 'That step started another case, so it cannot be taken back' };

/** The step `userId` may take back now, or why not. Pure: it reads the history and the steps that issued notices. */
function recallTarget(
  history: Entry[], userId: string, noticeSeqs: ReadonlySet<number>,
): { ok: true; target: RecallTarget } | { ok: false; reason: Localized } {
  const steps = stepsInEffect(history);
  const last = steps[steps.length - 1];
  if (!last || last.type === 'START' || last.type === 'MIGRATE' || last.actorId === null) return { ok: false, reason: NOTHING };
  if (last.actorId !== userId) return { ok: false, reason: NOT_YOURS };
  // The service's own entries count too: a step escalated or timed out since is no longer "just sent".
  if (history.some((e) => e.seq > last.seq && e.actorId !== userId)) return { ok: false, reason: OTHERS_SINCE };
  if (noticeSeqs.has(last.seq)) return { ok: false, reason: NOTICE_ISSUED };
  // Steps that stayed in the same state (ticking materials, saving) did not start its clock.
  let i = steps.length - 2;
  while (i > 0 && steps[i]!.fromState === steps[i]!.toState) i--;
  return { ok: true, target: { seq: last.seq, type: last.type, stepEnteredAt: steps[i]!.at } };
}

/** What a case view offers to take back: the step, its type and the event's label. */
export interface RecallOffer {
  seq: number;
  type: string;
  label: Localized;
}

/**
 * The step `userId` may take back now, as the case row keeps it (docs/adr/0027-compact-step.md): the
 * same rules as `recallTarget` without reading the history. Taking it back checks the history.
 */
export function recallOffer(wf: CompiledWorkflow, c: Case, userId: string): RecallOffer | null {
  const s = c.lastStep;
  if (c.status !== 'open' || s.type === 'START' || s.type === 'MIGRATE' || s.actorId !== userId) return null;
  if (c.othersSinceStep || s.noticed || s.byBatch) return null;
  return { seq: s.seq, type: s.type, label: wf.definition.events[s.type]?.label ?? { zh: s.type, en: s.type } };
}

/**
 * The idempotency keys batches send their steps with (src/payments/payment.service.ts, confirmation.service.ts,
 * src/rosters/batch.service.ts). The key is written in the step's own transaction, so it is there the moment
 * the step is, unlike the batch's own records, which are updated after.
 */
const BATCH_KEY_PREFIXES = ['payment:', 'confirm:', 'confirm-stop:', 'batch:'];

export function isBatchKey(idempotencyKey: string): boolean {
  return BATCH_KEY_PREFIXES.some((p) => idempotencyKey.startsWith(p));
}

/** Whether a batch sent the case's step `seq`, from the keys (the case row keeps it for the last step in effect). */
async function sentByBatch(trx: Executor, caseId: string, seq: number): Promise<boolean> {
  return sentUnderKeyPrefix(trx, STEP_ROUTES, caseId, BATCH_KEY_PREFIXES, seq);
}

/** The routes whose idempotency keys a step is sent under: the full answer (v1) and the compact one (v2). */
export const STEP_ROUTES = ['POST /api/v1/cases/:id/events', 'POST /api/v2/cases/:id/events'] as const;

const recallData = withPlainText(ajv.compile({
  type: 'object', additionalProperties: false,
  properties: { reason: { type: 'string', title: '撤回原因', 'x-title-en': 'Reason', maxLength: 2000 } },
}));

/** Takes back the user's last step, inside the caller's transaction with the case locked. */
export async function recallStep(
  trx: Executor, deps: CaseDeps, c: Case, user: User, history: CaseEventRow[],
  data: Record<string, unknown> | undefined, now: Date, lang: Lang,
): Promise<Written> {
  if (!recallData(data ?? {})) throw new AppError('VALIDATION_FAILED', { errors: fieldErrors(recallData.errors, lang) });
  if (c.status === 'closed') throw new AppError('CASE_CLOSED');
  const notices = await listCaseNotices(trx, c.id);
  const found = recallTarget(history, user.id, new Set(notices.map((n) => n.eventSeq)));
  if (!found.ok) throw new AppError('RECALL_REFUSED', { detail: found.reason });
  const { target } = found;
  const recalled = history.find((e) => e.seq === target.seq)!;
  if (await hasChildSince(trx, c.id, recalled.at)) throw new AppError('RECALL_REFUSED', { detail: CASE_STARTED });
  if (c.lastStep.byBatch) throw new AppError('RECALL_REFUSED', { detail: SENT_BY_BATCH });

  const versions = await historyVersions(trx, deps.registry, c.workflowId, c.workflowVersion, history);
  if ('missing' in versions) throw new Error(`definition ${versions.missing} is missing`);
  const earlier = history.filter((e) => e.seq > 1 && e.seq < target.seq && e.kind === 'machine').map(historyEvent);
  const before = replay(
    versions.first, (history[0]!.payload.data as Record<string, unknown> | undefined) ?? {}, earlier, versions.of,
  );
  const wf = versions.of(before.workflowVersion);
  const kept = await priorTimingOf(trx, c.id, target.seq);
  const timing = kept ? timingFromJson(kept)
    : before.value === c.state ? null : timingOnEntry(wf, null, before, target.stepEnteredAt, deps.calendar.current);
  // The person who held the step before it goes back to holding it (ADR 0019), as replay derives.
  const heldBefore = heldThrough(history)[history.findIndex((e) => e.seq === target.seq)]!;
  const reason = typeof data?.reason === 'string' && data.reason.trim() ? { reason: data.reason.trim() } : {};
  const entry = {
    seq: c.version + 1, kind: 'machine', type: RECALL, payload: { recalledSeq: target.seq, recalledType: target.type, ...reason },
    actorId: user.id, fromState: c.state, toState: before.value, at: now,
  } as const;
  const row = await writeEntry(trx, c, {
    snapshot: before, timing, progressed: true, assigneeId: heldBefore.assigneeId,
    ...await stepLeftInEffect(trx, c.id, [...history, entry], new Set(notices.map((n) => n.eventSeq))), claimedAt: null,
  }, entry, null, now);
  return { row, entry };
}

/**
 * What the case row keeps about the step a RECALL leaves in effect (`history` ends with the RECALL):
 * the step, and whether anyone else has written since it.
 */
async function stepLeftInEffect(
  trx: Executor, caseId: string, history: Entry[], noticeSeqs: ReadonlySet<number>,
): Promise<{ lastStep: LastStep; othersSinceStep: boolean }> {
  const last = stepsInEffect(history).at(-1)!;
  const byBatch = last.seq > 1 && await sentByBatch(trx, caseId, last.seq);
  return {
    lastStep: { seq: last.seq, type: last.type, actorId: last.actorId, byBatch, noticed: noticeSeqs.has(last.seq) },
    othersSinceStep: history.some((e) => e.seq > last.seq && e.actorId !== last.actorId),
  };
}

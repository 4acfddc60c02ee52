import { findCase } from '../cases/case.repository.ts';
import { EVERYWHERE } from '../jurisdiction/within-area.ts';
import { sendEvent, type CaseDeps } from '../cases/case.service.ts';
import type { Executor } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import { AppError, errorText } from '../http/errors.ts';
import { authorize } from '../jurisdiction/authorize.ts';
import type { Lang } from '../messages/lang.ts';
import { shanghaiParts } from '../time/shanghai.ts';
import type { User } from '../users/user.repository.ts';
import { casesBeingPaid, findRunInArea, findRunOfYear, insertRun, markRunClosed, runEntries, settleEntry, unsettledEntries } from './confirmation.repository.ts';
import { ruleFor } from './payment.service.ts';

/**
 * Yearly confirmation of recurring payments (军人抚恤优待条例第八条): a run lists everyone being
 * paid, records who was confirmed (CONFIRM_YEAR on the case), and at its close stops the
 * payment of those who were not (STOP, with its notice).
 */

export async function startRun(deps: CaseDeps, user: User, input: { workflowId: string; year: number }) {
  authorize(user, 'payment.confirm');
  // Confirming and closing fill in the item's own forms, which only a paying item's rule knows.
  ruleFor(input.workflowId);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const existing = await findRunOfYear(trx, input.workflowId, input.year);
    if (existing) throw new AppError('EVENT_NOT_ALLOWED', { detail: { zh: `${input.year}年度确认已经开始`, en: `The ${input.year} confirmation run already exists` }, errors: [{ path: '/year', message: existing.id }] });
    const cases = await casesBeingPaid(trx, input.workflowId, user.stationPath);
    const id = newId(now.getTime());
    await insertRun(trx, {
      id, workflow_id: input.workflowId, year: input.year, status: 'open', station_path: user.stationPath, created_by: user.id, created_at: now, closed_by: null, closed_at: null,
    }, cases);
    return id;
  });
}

async function findRun(db: Executor, user: User, id: string) {
  return findRunInArea(db, id, user.stationPath);
}

export async function runView(db: Executor, user: User, id: string) {
  const r = await findRun(db, user, id);
  if (!r) return undefined;
  const entries = await runEntries(db, id);
  return {
    id: r.id, workflowId: r.workflow_id, year: r.year, status: r.status, createdAt: r.created_at.toISOString(),
    closedAt: r.closed_at?.toISOString() ?? null,
    counts: Object.fromEntries(['pending', 'confirmed', 'suspended', 'failed'].map((s) => [s, entries.filter((e) => e.status === s).length])),
    entries: entries.map((e) => ({
      caseId: e.case_id, caseNo: e.case_no, personName: e.name, status: e.status, state: e.state,
      ...(e.event_seq ? { eventSeq: e.event_seq } : {}),
      ...(e.display_name ? { by: e.display_name, at: e.at?.toISOString() } : {}),
      ...(e.error ? { error: e.error } : {}),
    })),
  };
}

async function step(
  deps: CaseDeps, user: User, caseId: string, type: string, data: Record<string, unknown>, key: string, lang: Lang,
) {
  try {
    const c = await findCase(deps.db, caseId, EVERYWHERE);
    if (!c) throw new Error(`case ${caseId} of the confirmation run is gone`);
    const view = await sendEvent(deps, user, caseId, { type, data, expectedVersion: c.version }, key, lang);
    return { ok: true as const, seq: view.version };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { ok: false as const, error: `${err.code}: ${errorText(lang, err)}${err.extras.errors?.length ? `（${err.extras.errors.map((e) => e.message).join('；')}）` : ''}` };
  }
}

/**
 * Records the confirmation of the given cases: CONFIRM_YEAR with
 * the run's year (in the item's field) and the common data.
 */
export async function confirmCases(
  deps: CaseDeps, user: User, runId: string, input: { caseIds: string[]; data: Record<string, unknown> }, lang: Lang,
) {
  authorize(user, 'payment.confirm');
  const r = await findRun(deps.db, user, runId);
  if (!r) throw new AppError('NOT_FOUND');
  if (r.status !== 'open') throw new AppError('EVENT_NOT_ALLOWED', { detail: { zh: '本年度确认已结束', en: 'This confirmation run is closed' } });
  const pending = await unsettledEntries(deps.db, runId, input.caseIds);
  const { yearField } = ruleFor(r.workflow_id).confirmation;
  const results = [];
  for (const p of pending) {
    const out = await step(deps, user, p.case_id, 'CONFIRM_YEAR', { ...input.data, [yearField]: r.year }, `confirm:${runId}`, lang);
    await settleEntry(deps.db, runId, p.case_id, out.ok ? { status: 'confirmed', eventSeq: out.seq, by: user.id, at: deps.clock.now() } : { status: 'failed', error: out.error });
    results.push({ caseId: p.case_id, ...out });
  }
  return results;
}

/**
 * Closes the run: every case not confirmed is stopped (STOP with the given form data, by default
 * the item's "not confirmed this year"), each with its notice; the run's list says who.
 */
export async function closeRun(
  deps: CaseDeps, user: User, runId: string, stopData: Record<string, unknown> | undefined, lang: Lang,
) {
  authorize(user, 'payment.confirm');
  const r = await findRun(deps.db, user, runId);
  if (!r) throw new AppError('NOT_FOUND');
  if (r.status !== 'open') throw new AppError('EVENT_NOT_ALLOWED', { detail: { zh: '本年度确认已结束', en: 'This confirmation run is closed' } });
  const p = shanghaiParts(deps.clock.now());
  const today = `${p.y}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
  const data = stopData ?? ruleFor(r.workflow_id).confirmation.stop(r.year, today);
  const pending = await unsettledEntries(deps.db, runId);
  for (const e of pending) {
    const out = await step(deps, user, e.case_id, 'STOP', data, `confirm-stop:${runId}`, lang);
    await settleEntry(deps.db, runId, e.case_id, out.ok ? { status: 'suspended', eventSeq: out.seq, by: user.id, at: deps.clock.now() } : { status: 'failed', error: out.error });
  }
  await markRunClosed(deps.db, runId, user.id, deps.clock.now());
  return runView(deps.db, user, runId);
}

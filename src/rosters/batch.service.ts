import type { CaseDeps } from '../cases/case.service.ts';
import { sendEvent } from '../cases/case.service.ts';
import { findCase } from '../cases/case.repository.ts';
import { EVERYWHERE } from '../jurisdiction/within-area.ts';
import type { Executor } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import { AppError, errorText } from '../http/errors.ts';
import { authorize, can } from '../jurisdiction/authorize.ts';
import type { Lang } from '../messages/lang.ts';
import { documentOf } from '../notices/notice.service.ts';
import { renderPdfBatch } from '../notices/notice.pdf.ts';
import { sealOf } from '../notices/notice.runtime.ts';
import type { StoredNotice } from '../notices/notice.repository.ts';
import { findStation } from '../stations/station.repository.ts';
import { findUserById, type User } from '../users/user.repository.ts';
import {
  batchCaseResults, casesAtStep, findBatchAction, findBatchActionWithCreator, finishBatchAction, insertBatchAction,
  numberedNotices, pendingBatchCases, recordBatchCase, stationNameAt,
} from './batch.repository.ts';
import { findRosterOrigin, rosterCaseIds } from './roster.repository.ts';

export interface BatchInput {
  workflowId: string;
  /** The step every case must be at. */
  state: string;
  /** The decision, as the step's event: e.g. CONFIRM_LIST / APPROVE, RETURN, REFUSE. */
  type: string;
  /** Common form data (a reason, a legal basis); each case's own data fills the rest of the form. */
  data?: Record<string, unknown>;
  caseIds?: string[];
  rosterId?: string;
  filter?: { stationId?: string; period?: string };
  limit?: number;
}

/** Batches with more cases than this run as a background job (202 + GET /api/v1/jobs/:id). */
export const SYNC_BATCH_CASES = 100;
const MAX_BATCH_CASES = 5000;

/** The cases a batch applies to: at the step, open, in the user's jurisdiction; in roster order when from a roster. */
async function selectCases(db: Executor, user: User, b: BatchInput): Promise<string[]> {
  if (!b.caseIds && !b.rosterId && !b.filter) throw new AppError('VALIDATION_FAILED', { errors: [{ path: '', message: '请选择案件：caseIds、rosterId 或 filter / choose the cases' }] });
  let scope = user.stationPath;
  if (b.filter?.stationId) {
    const s = await findStation(db, b.filter.stationId);
    if (!s) throw new AppError('NOT_FOUND');
    authorize(user, 'station.view', { stationPath: s.path });
    scope = s.path;
  }
  const ids = await casesAtStep(db, {
    workflowId: b.workflowId, state: b.state, stationPath: scope, caseIds: b.caseIds, rosterId: b.rosterId,
    period: b.filter?.period, limit: Math.min(b.limit ?? MAX_BATCH_CASES, MAX_BATCH_CASES),
  });
  if (b.caseIds) {
    const order = new Map(b.caseIds.map((id, i) => [id, i]));
    if (!b.rosterId) ids.sort((a, c) => order.get(a)! - order.get(c)!);
  }
  return ids;
}

/** Records the batch and its cases (in order); the steps are applied by runBatch. */
export async function createBatch(
  deps: CaseDeps, user: User, b: BatchInput,
): Promise<{ id: string; caseIds: string[] }> {
  authorize(user, 'batch.run');
  if (b.rosterId) {
    const r = await findRosterOrigin(deps.db, b.rosterId);
    if (!r) throw new AppError('NOT_FOUND');
    authorize(user, 'batch.use-roster', { stationPath: r.station_path });
  }
  const caseIds = await selectCases(deps.db, user, b);
  const now = deps.clock.now();
  const id = newId(now.getTime());
  const batch = {
    id, workflow_id: b.workflowId, state: b.state, event_type: b.type, roster_id: b.rosterId ?? null,
    case_count: caseIds.length, succeeded: 0, failed: 0, status: 'running' as const, created_by: user.id,
    created_at: now, finished_at: null,
  };
  await deps.db.transaction().execute((trx) => insertBatchAction(trx, batch, caseIds));
  return { id, caseIds };
}

/** The form data for one case: the form's fields the case already holds, then the batch's common data. */
async function dataFor(deps: CaseDeps, db: Executor, caseId: string, type: string, common: Record<string, unknown>) {
  const c = await findCase(db, caseId, EVERYWHERE);
  if (!c) return undefined;
  const wf = await deps.registry.get(db, c.workflowId, c.workflowVersion);
  const snap = c.snapshot;
  const formId = wf?.definition.machine.states[c.state]?.meta.events?.[type]?.form;
  if (!wf || !formId) return { version: c.version, data: Object.keys(common).length ? common : undefined };
  const props = wf.definition.forms[formId].properties ?? {};
  const data: Record<string, unknown> = {};
  for (const key of Object.keys(props)) if (snap.context.data[key] !== undefined) data[key] = snap.context.data[key];
  if ('materials' in props && snap.context.materials.length) data.materials = snap.context.materials;
  return { version: c.version, data: { ...data, ...common } };
}

interface CaseOutcome {
  position: number;
  caseId: string;
  ok: boolean;
  version?: number;
  state?: string;
  code?: string;
  message?: string;
  errors?: unknown;
}

/**
 * Applies the batch's decision to each case in its own transaction (the case service's sendEvent:
 * history, version, notices), one after another; a case that fails is reported and the others go
 * on. Safe to run again: each step carries the batch's idempotency key, and cases done are skipped.
 */
export async function runBatch(
  deps: CaseDeps, user: User, batchId: string, common: Record<string, unknown>, lang: Lang,
  progress?: (p: Record<string, unknown>) => Promise<void>,
) {
  const batch = await findBatchAction(deps.db, batchId);
  const pending = await pendingBatchCases(deps.db, batchId);
  let n = 0;
  for (const p of pending) {
    let outcome: Omit<CaseOutcome, 'position' | 'caseId'>;
    try {
      const prepared = await dataFor(deps, deps.db, p.case_id, batch.event_type, common);
      if (!prepared) throw new AppError('NOT_FOUND');
      const view = await sendEvent(deps, user, p.case_id, { type: batch.event_type, data: prepared.data, expectedVersion: prepared.version }, `batch:${batchId}`, lang);
      outcome = { ok: true, version: view.version, state: view.state };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      outcome = { ok: false, code: err.code, message: errorText(lang, err), errors: err.extras.errors };
    }
    await recordBatchCase(deps.db, batchId, p.position, {
      ok: outcome.ok, eventSeq: outcome.version ?? null, code: outcome.code ?? null, message: outcome.message ?? null,
      errors: outcome.errors,
    });
    if (++n % 50 === 0) await progress?.({ done: n, of: pending.length });
  }
  await finishBatchAction(deps.db, batchId, deps.clock.now());
  return batchView(deps.db, user, batchId);
}

/** A background job's run of a batch, by the user who asked for it. */
export async function runBatchAs(
  deps: CaseDeps, userId: string, batchId: string, common: Record<string, unknown>, lang: Lang,
  progress: (p: Record<string, unknown>) => Promise<void>,
) {
  const user = await findUserById(deps.db, userId);
  if (!user) throw new Error('the user no longer exists');
  return runBatch(deps, user, batchId, common, lang, progress);
}

export async function batchView(db: Executor, user: User, batchId: string) {
  const b = await findBatchActionWithCreator(db, batchId);
  // The one who ran it, the administrator, and supervisors over the station of the one who ran it.
  if (!b || !can(user, 'batch.view', { ownerId: b.created_by, stationPath: b.creator_path })) return undefined;
  const rows = await batchCaseResults(db, batchId);
  return {
    id: b.id, workflowId: b.workflow_id, state: b.state, type: b.event_type, rosterId: b.roster_id, status: b.status,
    counts: { cases: b.case_count, succeeded: b.succeeded, failed: b.failed },
    createdAt: b.created_at.toISOString(), finishedAt: b.finished_at?.toISOString() ?? null,
    results: rows.map((r) => ({
      position: r.position, caseId: r.case_id, caseNo: r.case_no, ok: r.ok, ...(r.ok ? { version: r.event_seq } : {}),
      ...(r.ok === false ? { code: r.code, message: r.message, errors: r.errors ?? undefined } : {}),
    })),
  };
}

// ---------------------------------------------------------------- printing

type Pair = { caseId: string; seq: number | null };

/** Numbered notices of (case, history entry) pairs in the given order; seq null = all of the case's notices. */
async function noticesOf(db: Executor, pairs: Pair[], scopePath: string): Promise<StoredNotice[]> {
  const rows = await numberedNotices(db, [...new Set(pairs.map((p) => p.caseId))], scopePath);
  const byCase = new Map<string, typeof rows>();
  for (const r of rows) byCase.set(r.case_id, [...(byCase.get(r.case_id) ?? []), r]);
  const out: StoredNotice[] = [];
  for (const p of pairs) {
    for (const r of byCase.get(p.caseId) ?? []) {
      if (p.seq !== null && r.event_seq !== p.seq) continue;
      out.push({
        id: r.id, caseId: r.case_id, noticeKey: r.notice_key, kind: r.kind, title: r.title, code: r.code!,
        number: r.number!, template: r.template!, content: r.content!, contentSha256: r.content_sha256!,
        data: r.data as unknown as Record<string, unknown>, verifyToken: r.verify_token!, issuedAt: r.issued_at,
        districtId: r.district_id!, stationPath: r.station_path, pdf: null, sha256: null,
      });
    }
  }
  return out;
}

async function organOf(db: Executor, user: User): Promise<string> {
  return await stationNameAt(db, user.stationPath.split('.')[0]!) ?? '';
}

/** All notices a batch action issued, in the batch's (roster) order, as one PDF ready to print. */
export async function batchNoticesPdf(
  db: Executor, user: User, batchId: string, now: Date, duplex = false,
): Promise<{ pdf: Buffer; count: number } | undefined> {
  const b = await batchView(db, user, batchId);
  if (!b) return undefined;
  const pairs = b.results.filter((r) => r.ok).map((r) => ({
    caseId: r.caseId, seq: (r as { version?: number }).version ?? null,
  }));
  const notices = await noticesOf(db, pairs, user.stationPath);
  const pdf = await renderPdfBatch(notices.map((n) => documentOf(n, sealOf(db))), { title: `批量打印 ${notices.length}份文书`, author: await organOf(db, user), at: now }, { duplex });
  return { pdf, count: notices.length };
}

/** All notices of a roster's cases (optionally of one notice kind), in roster order. */
export async function rosterNoticesPdf(
  db: Executor, user: User, rosterId: string, now: Date, noticeKey?: string, duplex = false,
): Promise<{ pdf: Buffer; count: number }> {
  const caseIds = await rosterCaseIds(db, rosterId);
  let notices = await noticesOf(db, caseIds.map((caseId) => ({ caseId, seq: null })), user.stationPath);
  if (noticeKey) notices = notices.filter((n) => n.noticeKey === noticeKey);
  const pdf = await renderPdfBatch(notices.map((n) => documentOf(n, sealOf(db))), { title: `名册文书 ${notices.length}份`, author: await organOf(db, user), at: now }, { duplex });
  return { pdf, count: notices.length };
}

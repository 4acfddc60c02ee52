import { sql } from 'kysely';
import type { CaseDeps } from '../cases/case.service.ts';
import { sendEvent } from '../cases/case.service.ts';
import { openSnapshot } from '../cases/case.repository.ts';
import type { Executor } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import type { JsonSchema } from '../definitions/definition.types.ts';
import { AppError, errorText } from '../http/errors.ts';
import { authorize, can } from '../jurisdiction/authorize.ts';
import type { Lang } from '../messages/lang.ts';
import { documentOf } from '../notices/notice.service.ts';
import { renderPdfBatch } from '../notices/notice.pdf.ts';
import { sealOf } from '../notices/notice.runtime.ts';
import type { StoredNotice } from '../notices/notice.repository.ts';
import { findStation } from '../stations/station.repository.ts';
import type { User } from '../users/user.repository.ts';
import './tables.ts';

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
export const MAX_BATCH_CASES = 5000;

function inScope(path: string) {
  return sql<boolean>`(cases.station_path = ${path} or cases.station_path like ${`${path}.%`})`;
}

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
  let q = db.selectFrom('cases').leftJoin('roster_rows', (j) => j.onRef('roster_rows.case_id', '=', 'cases.id').onRef('roster_rows.roster_id', '=', 'cases.roster_id'))
    .select(['cases.id']).where('cases.workflow_id', '=', b.workflowId).where('cases.state', '=', b.state).where('cases.status', '=', 'open')
    .where(inScope(scope));
  if (b.caseIds) q = q.where('cases.id', 'in', b.caseIds.length ? b.caseIds : ['-']);
  if (b.rosterId) q = q.where('cases.roster_id', '=', b.rosterId);
  if (b.filter?.period) q = q.where('cases.period', '=', b.filter.period);
  const rows = await q.orderBy('cases.roster_id').orderBy('roster_rows.row_no').orderBy('cases.id').limit(Math.min(b.limit ?? MAX_BATCH_CASES, MAX_BATCH_CASES)).execute();
  const ids = rows.map((r) => r.id);
  if (b.caseIds) {
    const order = new Map(b.caseIds.map((id, i) => [id, i]));
    if (!b.rosterId) ids.sort((a, c) => order.get(a)! - order.get(c)!);
  }
  return ids;
}

/** Records the batch and its cases (in order); the steps are applied by runBatch. */
export async function createBatch(deps: CaseDeps, user: User, b: BatchInput): Promise<{ id: string; caseIds: string[] }> {
  authorize(user, 'batch.run');
  if (b.rosterId) {
    const r = await deps.db.selectFrom('rosters').select(['station_path', 'workflow_id']).where('id', '=', b.rosterId).executeTakeFirst();
    if (!r) throw new AppError('NOT_FOUND');
    authorize(user, 'batch.use-roster', { stationPath: r.station_path });
  }
  const caseIds = await selectCases(deps.db, user, b);
  const now = deps.clock.now();
  const id = newId(now.getTime());
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('batch_actions').values({
      id, workflow_id: b.workflowId, state: b.state, event_type: b.type, roster_id: b.rosterId ?? null, case_count: caseIds.length,
      succeeded: 0, failed: 0, status: 'running', created_by: user.id, created_at: now, finished_at: null,
    }).execute();
    for (let i = 0; i < caseIds.length; i += 1000) {
      await trx.insertInto('batch_action_cases').values(caseIds.slice(i, i + 1000).map((caseId, j) => ({
        batch_id: id, position: i + j + 1, case_id: caseId, ok: null, event_seq: null, code: null, message: null, errors: null,
      }))).execute();
    }
  });
  return { id, caseIds };
}

/** The form data for one case: the form's fields the case already holds, then the batch's common data. */
async function dataFor(deps: CaseDeps, db: Executor, caseId: string, type: string, common: Record<string, unknown>) {
  const c = await db.selectFrom('cases').select(['workflow_id', 'workflow_version', 'snapshot', 'version', 'state']).where('id', '=', caseId).executeTakeFirst();
  if (!c) return undefined;
  const wf = await deps.registry.get(db, c.workflow_id, c.workflow_version);
  const snap = openSnapshot(caseId, c.snapshot);
  const formId = wf?.definition.machine.states[c.state]?.meta.events?.[type]?.form;
  if (!wf || !formId) return { version: c.version, data: Object.keys(common).length ? common : undefined };
  const props = ((wf.definition.forms[formId] as JsonSchema).properties ?? {}) as Record<string, unknown>;
  const data: Record<string, unknown> = {};
  for (const key of Object.keys(props)) if (snap.context.data[key] !== undefined) data[key] = snap.context.data[key];
  if ('materials' in props && snap.context.materials.length) data.materials = snap.context.materials;
  return { version: c.version, data: { ...data, ...common } };
}

export interface CaseOutcome {
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
export async function runBatch(deps: CaseDeps, user: User, batchId: string, common: Record<string, unknown>, lang: Lang, progress?: (p: Record<string, unknown>) => Promise<void>) {
  const batch = await deps.db.selectFrom('batch_actions').selectAll().where('id', '=', batchId).executeTakeFirstOrThrow();
  const pending = await deps.db.selectFrom('batch_action_cases').select(['position', 'case_id']).where('batch_id', '=', batchId).where('ok', 'is', null).orderBy('position').execute();
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
    await deps.db.updateTable('batch_action_cases').set({
      ok: outcome.ok, event_seq: outcome.version ?? null, code: outcome.code ?? null, message: outcome.message ?? null,
      errors: outcome.errors ? JSON.stringify(outcome.errors) : null,
    }).where('batch_id', '=', batchId).where('position', '=', p.position).execute();
    if (++n % 50 === 0) await progress?.({ done: n, of: pending.length });
  }
  const tally = await deps.db.selectFrom('batch_action_cases').select([sql<number>`count(*) filter (where ok)::int`.as('ok'), sql<number>`count(*) filter (where not ok)::int`.as('failed')])
    .where('batch_id', '=', batchId).executeTakeFirstOrThrow();
  await deps.db.updateTable('batch_actions').set({ status: 'done', succeeded: tally.ok, failed: tally.failed, finished_at: deps.clock.now() }).where('id', '=', batchId).execute();
  return batchView(deps.db, user, batchId);
}

export async function batchView(db: Executor, user: User, batchId: string) {
  const b = await db.selectFrom('batch_actions').innerJoin('users', 'users.id', 'batch_actions.created_by').innerJoin('stations', 'stations.id', 'users.station_id')
    .selectAll('batch_actions').select('stations.path as creator_path').where('batch_actions.id', '=', batchId).executeTakeFirst();
  // The one who ran it, the administrator, and supervisors over the station of the one who ran it.
  if (!b || !can(user, 'batch.view', { ownerId: b.created_by, stationPath: b.creator_path })) return undefined;
  const rows = await db.selectFrom('batch_action_cases').select(['position', 'case_id', 'ok', 'event_seq', 'code', 'message', 'errors']).where('batch_id', '=', batchId).orderBy('position').execute();
  return {
    id: b.id, workflowId: b.workflow_id, state: b.state, type: b.event_type, rosterId: b.roster_id, status: b.status,
    counts: { cases: b.case_count, succeeded: b.succeeded, failed: b.failed },
    createdAt: b.created_at.toISOString(), finishedAt: b.finished_at?.toISOString() ?? null,
    results: rows.map((r) => ({
      position: r.position, caseId: r.case_id, ok: r.ok, ...(r.ok ? { version: r.event_seq } : {}),
      ...(r.ok === false ? { code: r.code, message: r.message, errors: r.errors ?? undefined } : {}),
    })),
  };
}

// ---------------------------------------------------------------- printing

type Pair = { caseId: string; seq: number | null };

/** Numbered notices of (case, history entry) pairs in the given order; seq null = all of the case's notices. */
async function noticesOf(db: Executor, pairs: Pair[], scopePath: string): Promise<StoredNotice[]> {
  const ids = [...new Set(pairs.map((p) => p.caseId))];
  const rows = [];
  for (let i = 0; i < ids.length; i += 1000) {
    rows.push(...await db.selectFrom('notices').innerJoin('cases', 'cases.id', 'notices.case_id')
      .select(['notices.id', 'notices.case_id', 'notices.event_seq', 'notices.notice_key', 'notices.kind', 'notices.title', 'notices.code', 'notices.number',
        'notices.template', 'notices.content', 'notices.content_sha256', 'notices.data', 'notices.verify_token', 'notices.issued_at', 'notices.district_id', 'cases.station_path', 'notices.serial'])
      .where('notices.number', 'is not', null).where('notices.case_id', 'in', ids.slice(i, i + 1000)).where(inScope(scopePath))
      .orderBy('notices.event_seq').orderBy('notices.id').execute());
  }
  const byCase = new Map<string, typeof rows>();
  for (const r of rows) byCase.set(r.case_id, [...(byCase.get(r.case_id) ?? []), r]);
  const out: StoredNotice[] = [];
  for (const p of pairs) {
    for (const r of byCase.get(p.caseId) ?? []) {
      if (p.seq !== null && r.event_seq !== p.seq) continue;
      out.push({
        id: r.id, caseId: r.case_id, noticeKey: r.notice_key, kind: r.kind, title: r.title, code: r.code!, number: r.number!, template: r.template!,
        content: r.content!, contentSha256: r.content_sha256!, data: r.data as unknown as Record<string, unknown>, verifyToken: r.verify_token!,
        issuedAt: r.issued_at, districtId: r.district_id!, stationPath: r.station_path, pdf: null, sha256: null,
      });
    }
  }
  return out;
}

async function organOf(db: Executor, user: User): Promise<string> {
  const district = await db.selectFrom('stations').select('name_zh').where('path', '=', user.stationPath.split('.')[0]!).executeTakeFirst();
  return district?.name_zh ?? '';
}

/** All notices a batch action issued, in the batch's (roster) order, as one PDF ready to print. */
export async function batchNoticesPdf(db: Executor, user: User, batchId: string, now: Date, duplex = false): Promise<{ pdf: Buffer; count: number } | undefined> {
  const b = await batchView(db, user, batchId);
  if (!b) return undefined;
  const pairs = b.results.filter((r) => r.ok).map((r) => ({ caseId: r.caseId, seq: (r as { version?: number }).version ?? null }));
  const notices = await noticesOf(db, pairs, user.stationPath);
  const pdf = await renderPdfBatch(notices.map((n) => documentOf(n, sealOf(db))), { title: `批量打印 ${notices.length}份文书`, author: await organOf(db, user), at: now }, { duplex });
  return { pdf, count: notices.length };
}

/** All notices of a roster's cases (optionally of one notice kind), in roster order. */
export async function rosterNoticesPdf(db: Executor, user: User, rosterId: string, now: Date, noticeKey?: string, duplex = false): Promise<{ pdf: Buffer; count: number }> {
  const rows = await db.selectFrom('roster_rows').select(['case_id']).where('roster_id', '=', rosterId).where('case_id', 'is not', null).orderBy('row_no').execute();
  let notices = await noticesOf(db, rows.map((r) => ({ caseId: r.case_id!, seq: null })), user.stationPath);
  if (noticeKey) notices = notices.filter((n) => n.noticeKey === noticeKey);
  const pdf = await renderPdfBatch(notices.map((n) => documentOf(n, sealOf(db))), { title: `名册文书 ${notices.length}份`, author: await organOf(db, user), at: now }, { duplex });
  return { pdf, count: notices.length };
}

/** Notices of given (case, history entry) pairs in order, e.g. a payment batch's lines. */
export async function pairsNoticesPdf(db: Executor, user: User, pairs: Pair[], title: string, now: Date, duplex = false): Promise<{ pdf: Buffer; count: number }> {
  const notices = await noticesOf(db, pairs, user.stationPath);
  const pdf = await renderPdfBatch(notices.map((n) => documentOf(n, sealOf(db))), { title, author: await organOf(db, user), at: now }, { duplex });
  return { pdf, count: notices.length };
}

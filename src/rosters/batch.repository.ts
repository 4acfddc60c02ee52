import { sql, type Insertable } from 'kysely';
import type { Executor } from '../db/database.ts';
import { chunked } from './chunked.ts';
import { withinArea } from '../jurisdiction/within-area.ts';
import type { BatchActionTable } from './roster.table.ts';

/** Cases per statement when a batch's cases are written or their notices read. */
const CHUNK = 1000;

interface CasesAtStep {
  workflowId: string;
  state: string;
  stationPath: string;
  caseIds?: string[];
  rosterId?: string;
  period?: string;
  limit: number;
}

/** The open cases of an item at a step in an area, narrowed to given cases, a roster or a period; in roster order. */
export async function casesAtStep(db: Executor, q: CasesAtStep): Promise<string[]> {
  let query = db.selectFrom('cases').leftJoin('roster_rows', (j) => j.onRef('roster_rows.case_id', '=', 'cases.id').onRef('roster_rows.roster_id', '=', 'cases.roster_id'))
    .select(['cases.id']).where('cases.workflow_id', '=', q.workflowId).where('cases.state', '=', q.state).where('cases.status', '=', 'open')
    .where(withinArea('cases.station_path', q.stationPath));
  if (q.caseIds) query = query.where('cases.id', 'in', q.caseIds.length ? q.caseIds : ['-']);
  if (q.rosterId) query = query.where('cases.roster_id', '=', q.rosterId);
  if (q.period) query = query.where('cases.period', '=', q.period);
  const rows = await query.orderBy('cases.roster_id').orderBy('roster_rows.row_no').orderBy('cases.id').limit(q.limit).execute();
  return rows.map((r) => r.id);
}

/** The batch and its cases, numbered in the given order, none applied yet. */
export async function insertBatchAction(
  db: Executor, batch: Insertable<BatchActionTable>, caseIds: string[],
): Promise<void> {
  await db.insertInto('batch_actions').values(batch).execute();
  const cases = caseIds.map((caseId, i) => ({
    batch_id: batch.id, position: i + 1, case_id: caseId, ok: null, event_seq: null, code: null, message: null,
    errors: null,
  }));
  await chunked(cases, CHUNK, (slice) => db.insertInto('batch_action_cases').values(slice).execute());
}

export async function findBatchAction(db: Executor, id: string) {
  return db.selectFrom('batch_actions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** The batch with the station path of the one who ran it. */
export async function findBatchActionWithCreator(db: Executor, id: string) {
  return db.selectFrom('batch_actions').innerJoin('users', 'users.id', 'batch_actions.created_by').innerJoin('stations', 'stations.id', 'users.station_id')
    .selectAll('batch_actions').select('stations.path as creator_path').where('batch_actions.id', '=', id).executeTakeFirst();
}

/** The batch's cases not applied yet, in order. */
export async function pendingBatchCases(
  db: Executor, batchId: string,
): Promise<{ position: number; case_id: string }[]> {
  return db.selectFrom('batch_action_cases').select(['position', 'case_id']).where('batch_id', '=', batchId).where('ok', 'is', null).orderBy('position').execute();
}

export async function batchCaseResults(db: Executor, batchId: string) {
  return db.selectFrom('batch_action_cases').innerJoin('cases', 'cases.id', 'batch_action_cases.case_id')
    .select(['position', 'case_id', 'cases.case_no', 'ok', 'event_seq', 'code', 'message', 'errors'])
    .where('batch_id', '=', batchId).orderBy('position').execute();
}

interface BatchCaseResult {
  ok: boolean; eventSeq: number | null; code: string | null; message: string | null; errors: unknown;
}

export async function recordBatchCase(
  db: Executor, batchId: string, position: number, r: BatchCaseResult,
): Promise<void> {
  await db.updateTable('batch_action_cases').set({
    ok: r.ok, event_seq: r.eventSeq, code: r.code, message: r.message,
    errors: r.errors ? JSON.stringify(r.errors) : null,
  }).where('batch_id', '=', batchId).where('position', '=', position).execute();
}

/** Marks the batch done with the tally of its cases. */
export async function finishBatchAction(db: Executor, batchId: string, at: Date): Promise<void> {
  const tally = await db.selectFrom('batch_action_cases').select([sql<number>`count(*) filter (where ok)::int`.as('ok'), sql<number>`count(*) filter (where not ok)::int`.as('failed')])
    .where('batch_id', '=', batchId).executeTakeFirstOrThrow();
  await db.updateTable('batch_actions').set({ status: 'done', succeeded: tally.ok, failed: tally.failed, finished_at: at }).where('id', '=', batchId).execute();
}

/** The numbered notices of the given cases in an area, oldest entry first. */
export async function numberedNotices(db: Executor, caseIds: string[], stationPath: string) {
  return chunked(caseIds, CHUNK, (slice) => db.selectFrom('notices').innerJoin('cases', 'cases.id', 'notices.case_id')
    .select(['notices.id', 'notices.case_id', 'notices.event_seq', 'notices.notice_key', 'notices.kind', 'notices.title', 'notices.code', 'notices.number',
      'notices.template', 'notices.content', 'notices.content_sha256', 'notices.data', 'notices.verify_token', 'notices.issued_at', 'notices.district_id', 'cases.station_path', 'notices.serial'])
    .where('notices.number', 'is not', null).where('notices.case_id', 'in', slice).where(withinArea('cases.station_path', stationPath))
    .orderBy('notices.event_seq').orderBy('notices.id').execute());
}

/** The Chinese name of the station at a path. */
export async function stationNameAt(db: Executor, path: string): Promise<string | undefined> {
  return (await db.selectFrom('stations').select('name_zh').where('path', '=', path).executeTakeFirst())?.name_zh;
}

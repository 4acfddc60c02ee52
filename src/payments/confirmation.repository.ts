import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../db/database.ts';
import { chunked } from '../rosters/chunked.ts';
import { withinArea } from '../jurisdiction/within-area.ts';
import type { ConfirmationRunTable } from './payment.table.ts';

export type ConfirmationRunRow = Selectable<ConfirmationRunTable>;

/** Entries written per statement. */
const ENTRY_CHUNK = 1000;

export async function findRunOfYear(
  db: Executor, workflowId: string, year: number,
): Promise<{ id: string } | undefined> {
  return db.selectFrom('confirmation_runs').select('id').where('workflow_id', '=', workflowId).where('year', '=', year).executeTakeFirst();
}

/** The open cases of an item being paid in an area, by station. */
export async function casesBeingPaid(db: Executor, workflowId: string, stationPath: string): Promise<string[]> {
  const rows = await db.selectFrom('cases').select('cases.id').where('cases.workflow_id', '=', workflowId).where('cases.state', '=', 'paying')
    .where('cases.status', '=', 'open').where(withinArea('cases.station_path', stationPath)).orderBy('cases.station_path').orderBy('cases.id').execute();
  return rows.map((r) => r.id);
}

/** The run and an entry per case, pending, numbered in the given order. */
export async function insertRun(db: Executor, run: Insertable<ConfirmationRunTable>, caseIds: string[]): Promise<void> {
  await db.insertInto('confirmation_runs').values(run).execute();
  const entries = caseIds.map((caseId, i) => ({ run_id: run.id, case_id: caseId, position: i + 1, status: 'pending' as const, event_seq: null, by_user: null, at: null, error: null }));
  await chunked(entries, ENTRY_CHUNK, (slice) => db.insertInto('confirmation_entries').values(slice).execute());
}

export async function findRunInArea(
  db: Executor, id: string, stationPath: string,
): Promise<ConfirmationRunRow | undefined> {
  return db.selectFrom('confirmation_runs').selectAll().where('id', '=', id).where(withinArea('station_path', stationPath)).executeTakeFirst();
}

/** The run's entries with the person, the one who settled each and the case's state, in order. */
export async function runEntries(db: Executor, runId: string) {
  return db.selectFrom('confirmation_entries as e').innerJoin('cases', 'cases.id', 'e.case_id').innerJoin('persons', 'persons.id', 'cases.person_id')
    .leftJoin('users', 'users.id', 'e.by_user')
    .select(['e.case_id', 'cases.case_no', 'e.position', 'e.status', 'e.event_seq', 'e.at', 'e.error', 'persons.name', 'users.display_name', 'cases.state'])
    .where('e.run_id', '=', runId).orderBy('e.position').execute();
}

/** The run's cases still to settle (pending, or failed before), in order; only those of `caseIds` when given. */
export async function unsettledEntries(
  db: Executor, runId: string, caseIds?: string[],
): Promise<{ case_id: string }[]> {
  let q = db.selectFrom('confirmation_entries').select(['case_id']).where('run_id', '=', runId);
  if (caseIds) q = q.where('case_id', 'in', caseIds.length ? caseIds : ['-']);
  return q.where('status', 'in', ['pending', 'failed']).orderBy('position').execute();
}

type EntryOutcome =
  | { status: 'confirmed' | 'suspended'; eventSeq: number; by: string; at: Date }
  | { status: 'failed'; error: string };

export async function settleEntry(db: Executor, runId: string, caseId: string, o: EntryOutcome): Promise<void> {
  await db.updateTable('confirmation_entries')
    .set(o.status === 'failed' ? { status: 'failed', error: o.error } : { status: o.status, event_seq: o.eventSeq, by_user: o.by, at: o.at, error: null })
    .where('run_id', '=', runId).where('case_id', '=', caseId).execute();
}

export async function markRunClosed(db: Executor, runId: string, by: string, at: Date): Promise<void> {
  await db.updateTable('confirmation_runs').set({ status: 'closed', closed_by: by, closed_at: at }).where('id', '=', runId).execute();
}

import { sql, type Insertable, type Selectable } from 'kysely';
import type { CaseTable } from '../cases/case.table.ts';
import type { Executor } from '../db/database.ts';
import { withinArea } from '../jurisdiction/within-area.ts';
import type { PersonTable } from '../persons/person.table.ts';
import { chunked } from './chunked.ts';
import type { RosterRowTable, RosterTable } from './roster.table.ts';

export type RosterRow = Selectable<RosterTable>;
export type RosterRowStatus = RosterRowTable['status'];

/** Rows written per statement. */
const WRITE_CHUNK = 500;
/** Values per `in (…)` list of a lookup. */
const LOOKUP_CHUNK = 1000;

/** Serialises imports of one item and period (two clerks committing the same list at once). */
export async function lockImportPeriod(trx: Executor, workflowId: string, period: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`roster:${workflowId}:${period}`}, 0))`.execute(trx);
}

export async function insertRoster(
  db: Executor, roster: Insertable<RosterTable>, rows: Insertable<RosterRowTable>[],
): Promise<void> {
  await db.insertInto('rosters').values(roster).execute();
  await chunked(rows, WRITE_CHUNK, (slice) => db.insertInto('roster_rows').values(slice).execute());
}

export async function findRosterInArea(db: Executor, id: string, stationPath: string): Promise<RosterRow | undefined> {
  return db.selectFrom('rosters').selectAll().where('id', '=', id).where(withinArea('station_path', stationPath)).executeTakeFirst();
}

/** Where a roster was uploaded and for which item, wherever that is. */
export async function findRosterOrigin(
  db: Executor, id: string,
): Promise<{ station_path: string; workflow_id: string } | undefined> {
  return db.selectFrom('rosters').select(['station_path', 'workflow_id']).where('id', '=', id).executeTakeFirst();
}

/** Locks the roster for the rest of the transaction and reads its status as it is now. */
export async function lockRoster(trx: Executor, id: string): Promise<RosterRow['status']> {
  return (await trx.selectFrom('rosters').select('status').where('id', '=', id).forUpdate().executeTakeFirstOrThrow()).status;
}

export async function listRostersInArea(db: Executor, stationPath: string, limit: number) {
  return db.selectFrom('rosters').select(['id', 'workflow_id', 'period', 'file_name', 'status', 'row_count', 'valid_count', 'duplicate_count', 'error_count', 'created_count', 'created_at'])
    .where(withinArea('station_path', stationPath)).orderBy('created_at', 'desc').limit(limit).execute();
}

/** A page of a roster's rows as shown (no ID numbers), in file order. */
export async function shownRosterRows(
  db: Executor, rosterId: string, opts: { status?: RosterRowStatus; offset: number; limit: number },
) {
  let q = db.selectFrom('roster_rows').leftJoin('cases', 'cases.id', 'roster_rows.case_id')
    .select(['row_no', 'display', 'roster_rows.status', 'errors', 'roster_rows.person_id', 'case_id', 'cases.case_no'])
    .where('roster_rows.roster_id', '=', rosterId);
  if (opts.status) q = q.where('roster_rows.status', '=', opts.status);
  return q.orderBy('row_no').offset(opts.offset).limit(opts.limit).execute();
}

/** A roster's rows as uploaded (sealed), in file order. */
export async function storedRosterRows(
  db: Executor, rosterId: string,
): Promise<{ row_no: number; data_enc: string }[]> {
  return db.selectFrom('roster_rows').select(['row_no', 'data_enc']).where('roster_id', '=', rosterId).orderBy('row_no').execute();
}

/** The cases a roster created, in roster order. */
export async function rosterCaseIds(db: Executor, rosterId: string): Promise<string[]> {
  const rows = await db.selectFrom('roster_rows').select(['case_id']).where('roster_id', '=', rosterId).where('case_id', 'is not', null).orderBy('row_no').execute();
  return rows.map((r) => r.case_id!);
}

export async function insertPersons(db: Executor, persons: Insertable<PersonTable>[]): Promise<void> {
  await chunked(persons, WRITE_CHUNK, (slice) => db.insertInto('persons').values(slice).execute());
}

/**
 * Inserts the cases, skipping any the database refuses (one open case per item and person); answers the ids written.
 */
export async function insertRosterCases(db: Executor, cases: Insertable<CaseTable>[]): Promise<string[]> {
  const rows = await db.insertInto('cases').values(cases).onConflict((oc) => oc.doNothing()).returning('id').execute();
  return rows.map((r) => r.id);
}

export interface RowOutcome { status: RosterRowStatus; errors: unknown; personId: string | null; caseId: string | null }

/** Each row's result of the commit, by line. */
export async function settleRosterRows(
  db: Executor, rosterId: string, outcomes: [number, RowOutcome][],
): Promise<void> {
  await chunked(outcomes, WRITE_CHUNK, async (slice) => {
    const values = sql.join(slice.map(([line, o]) => sql`(${line}::int, ${o.status}, ${JSON.stringify(o.errors)}::jsonb, ${o.personId}::text, ${o.caseId}::text)`));
    await sql`update roster_rows r set status = v.status, errors = v.errors, person_id = v.person_id, case_id = v.case_id
      from (values ${values}) as v(row_no, status, errors, person_id, case_id)
      where r.roster_id = ${rosterId} and r.row_no = v.row_no`.execute(db);
    return [];
  });
}

export async function markRosterCommitted(
  db: Executor, id: string, c: { created: number; duplicates: number; errors: number }, by: string, at: Date,
): Promise<void> {
  await db.updateTable('rosters').set({
    status: 'committed', created_count: c.created, valid_count: 0, duplicate_count: c.duplicates, error_count: c.errors, committed_by: by, committed_at: at,
  }).where('id', '=', id).execute();
}

/** Discards a roster still in preview; false when it was committed or discarded already. */
export async function discardPreview(db: Executor, id: string): Promise<boolean> {
  const done = await db.updateTable('rosters').set({ status: 'discarded' }).where('id', '=', id).where('status', '=', 'preview').executeTakeFirst();
  return Number(done.numUpdatedRows) > 0;
}

/** The person files of the given keyed hashes of ID numbers, wherever they are. */
export async function personsByIdHash(db: Executor, hashes: string[]) {
  return chunked(hashes, LOOKUP_CHUNK, (slice) => db.selectFrom('persons')
    .select(['id', 'name', 'station_id', 'station_path', 'sex', 'birth_date', 'attributes', 'id_number_hash']).where('id_number_hash', 'in', slice).execute());
}

/** The persons' cases of an item that are for the period or open. */
export async function itemCasesOf(db: Executor, workflowId: string, personIds: string[], period: string) {
  return chunked(personIds, LOOKUP_CHUNK, (slice) => db.selectFrom('cases').select(['person_id', 'period', 'status', 'exclusive'])
    .where('workflow_id', '=', workflowId).where('person_id', 'in', slice).where((eb) => eb.or([eb('period', '=', period), eb('status', '=', 'open')])).execute());
}

/** The items each person has a case of closed with one of `outcomes`. */
export async function completedItemsOf(
  db: Executor, personIds: string[], outcomes: string[],
): Promise<{ person_id: string; workflow_id: string }[]> {
  return chunked(personIds, LOOKUP_CHUNK, (slice) => db.selectFrom('cases').select(['person_id', 'workflow_id']).distinct()
    .where('person_id', 'in', slice).where('status', '=', 'closed').where('outcome', 'in', outcomes).execute());
}

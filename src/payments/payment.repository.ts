import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor } from '../db/database.ts';
import { RECALL } from '../definitions/definition.types.ts';
import { chunked } from '../rosters/chunked.ts';
import { withinArea } from '../jurisdiction/within-area.ts';
import type { PaymentBatchTable, PaymentTable } from './payment.table.ts';

export type PaymentBatchRow = Selectable<PaymentBatchTable>;
export type BatchLine = Awaited<ReturnType<typeof batchLines>>[number];

/** Lines written per statement. */
const LINE_CHUNK = 500;
/** Cases per `in (…)` list when their history is read. */
const CASE_CHUNK = 1000;

/** Local standards of the given keys taking effect before `before`, by key and oldest first. */
export async function standardsBefore(db: Executor, keys: string[], before: string) {
  return db.selectFrom('local_standards').select(['key', 'value', 'effective_from', 'policy_document'])
    .where('key', 'in', keys).where('effective_from', '<', before).orderBy('key').orderBy('effective_from').execute();
}

interface PayableQuery { workflowId: string; period: string; states: string[]; stationPath: string }

/**
 * Open cases of an item in the states paid and in an area with no
 * payment for the period, on a line or recorded; in roster order.
 */
export async function casesUnpaidFor(db: Executor, q: PayableQuery) {
  return db.selectFrom('cases').leftJoin('roster_rows', (j) => j.onRef('roster_rows.case_id', '=', 'cases.id').onRef('roster_rows.roster_id', '=', 'cases.roster_id'))
    .innerJoin('persons', 'persons.id', 'cases.person_id')
    .select(['cases.id', 'cases.case_no', 'cases.state', 'cases.workflow_version', 'cases.snapshot', 'persons.name'])
    .where('cases.workflow_id', '=', q.workflowId).where('cases.state', 'in', q.states).where('cases.status', '=', 'open').where(withinArea('cases.station_path', q.stationPath))
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('payments').select('payments.id').whereRef('payments.case_id', '=', 'cases.id').where('payments.period', '=', q.period))))
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('payment_records').select('payment_records.case_id').whereRef('payment_records.case_id', '=', 'cases.id').where('payment_records.period', '=', q.period))))
    .orderBy('cases.roster_id').orderBy('roster_rows.row_no').orderBy('cases.id').execute();
}

/** The cases' STOP, RESUME and RECALL entries, by case and oldest first. */
export async function pauseEntries(db: Executor, caseIds: string[]) {
  return chunked(caseIds, CASE_CHUNK, (slice) => db.selectFrom('case_events').select(['case_id', 'seq', 'type', 'payload']).where('case_id', 'in', slice)
    .where('kind', '=', 'machine').where('type', 'in', ['STOP', 'RESUME', RECALL]).orderBy('case_id').orderBy('seq').execute());
}

/** The payload of one history entry. */
export async function entryPayload(db: Executor, caseId: string, seq: number): Promise<unknown> {
  return (await db.selectFrom('case_events').select('payload').where('case_id', '=', caseId).where('seq', '=', seq).executeTakeFirstOrThrow()).payload;
}

export async function countBatchesOf(db: Executor, workflowId: string, period: string): Promise<number> {
  return Number((await db.selectFrom('payment_batches').select(sql<number>`count(*)`.as('n')).where('workflow_id', '=', workflowId).where('period', '=', period).executeTakeFirstOrThrow()).n);
}

export async function insertBatch(
  db: Executor, batch: Insertable<PaymentBatchTable>, lines: Insertable<PaymentTable>[],
): Promise<void> {
  await db.insertInto('payment_batches').values(batch).execute();
  await chunked(lines, LINE_CHUNK, (slice) => db.insertInto('payments').values(slice).execute());
}

export async function findBatchInArea(
  db: Executor, id: string, stationPath: string,
): Promise<PaymentBatchRow | undefined> {
  return db.selectFrom('payment_batches').selectAll().where('id', '=', id).where(withinArea('payment_batches.station_path', stationPath)).executeTakeFirst();
}

export async function listBatchesInArea(db: Executor, stationPath: string, workflowId?: string) {
  let q = db.selectFrom('payment_batches').select(['id', 'number', 'workflow_id', 'period', 'status', 'line_count', 'total_fen', 'created_at'])
    .where(withinArea('payment_batches.station_path', stationPath));
  if (workflowId) q = q.where('workflow_id', '=', workflowId);
  return q.orderBy('created_at', 'desc').limit(100).execute();
}

/** A batch's lines with the name of each case's person, in order. */
export async function batchLines(db: Executor, batchId: string) {
  return db.selectFrom('payments').innerJoin('cases', 'cases.id', 'payments.case_id').innerJoin('persons', 'persons.id', 'cases.person_id')
    .select(['payments.id', 'payments.line_no', 'payments.case_id', 'cases.case_no', 'payments.period', 'payments.months', 'payments.multiplier_percent', 'payments.annual_fen', 'payments.amount_fen',
      'payments.payee_name', 'payments.bank_name', 'payments.bank_account_enc', 'payments.status', 'payments.event_seq', 'payments.error', 'persons.name as person_name'])
    .where('payments.batch_id', '=', batchId).orderBy('payments.line_no').execute();
}

/** Approves a draft; false when the batch is no longer one. */
export async function approveDraft(db: Executor, id: string, by: string, at: Date): Promise<boolean> {
  const r = await db.updateTable('payment_batches').set({ status: 'approved', approved_by: by, approved_at: at }).where('id', '=', id).where('status', '=', 'draft').executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Cancels a batch not yet recorded and removes its lines; false when it was recorded (or is being). */
export async function cancelUnrecorded(trx: Executor, id: string, at: Date): Promise<boolean> {
  const r = await trx.updateTable('payment_batches').set({ status: 'cancelled', cancelled_at: at })
    .where('id', '=', id).where('status', 'in', ['draft', 'approved', 'exported']).executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) return false;
  await trx.deleteFrom('payments').where('batch_id', '=', id).execute();
  return true;
}

/** The first export of an approved batch, with the hash of its file. */
export async function markExported(db: Executor, id: string, at: Date, sha256: string): Promise<void> {
  await db.updateTable('payment_batches').set({ status: 'exported', exported_at: at, export_sha256: sha256 }).where('id', '=', id).where('status', '=', 'approved').execute();
}

interface RecordingClaim {
  id: string;
  stationPath: string;
  claim: string;
  at: Date;
  /** A claim whose last sign of life is older than this was left by a request that died. */
  staleBefore: Date;
  paidOn: string;
  bankReference: string | null;
}

/**
 * Takes the batch for recording in one conditional UPDATE: exported, recorded (lines left to
 * finish) or held by a stale claim, and paid on the same day with the same reference if the day
 * is fixed already (the first claim fixes both). False when another request holds it or the terms differ.
 */
export async function claimForRecording(db: Executor, c: RecordingClaim): Promise<boolean> {
  const r = await db.updateTable('payment_batches')
    .set({ status: 'recording', recording_claim: c.claim, recording_at: c.at, paid_on: sql`coalesce(paid_on, ${c.paidOn}::date)`, bank_reference: sql`case when paid_on is null then ${c.bankReference}::text else bank_reference end` })
    .where('id', '=', c.id).where(withinArea('payment_batches.station_path', c.stationPath))
    .where((eb) => eb.or([eb('status', 'in', ['exported', 'recorded']), eb.and([eb('status', '=', 'recording'), eb('recording_at', '<', c.staleBefore)])]))
    .where((eb) => eb.or([eb('paid_on', 'is', null), eb.and([eb('paid_on', '=', c.paidOn), sql<boolean>`bank_reference is not distinct from ${c.bankReference}::text`])]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** A sign of life of the claim; false when the claim was taken over. */
export async function renewClaim(db: Executor, id: string, claim: string, at: Date): Promise<boolean> {
  const r = await db.updateTable('payment_batches').set({ recording_at: at }).where('id', '=', id).where('recording_claim', '=', claim).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Ends the claim: the batch is recorded, by the first to finish it. */
export async function releaseClaim(db: Executor, id: string, claim: string, by: string, at: Date): Promise<void> {
  await db.updateTable('payment_batches')
    .set({ status: 'recorded', recording_claim: null, recorded_by: sql`coalesce(recorded_by, ${by})`, recorded_at: sql`coalesce(recorded_at, ${at})` })
    .where('id', '=', id).where('recording_claim', '=', claim).execute();
}

export async function markLinePaid(db: Executor, lineId: string, eventSeq: number): Promise<void> {
  await db.updateTable('payments').set({ status: 'paid', event_seq: eventSeq, error: null }).where('id', '=', lineId).where('status', '<>', 'paid').execute();
}

export async function markLineFailed(db: Executor, lineId: string, error: string): Promise<void> {
  await db.updateTable('payments').set({ status: 'failed', error }).where('id', '=', lineId).where('status', '<>', 'paid').execute();
}

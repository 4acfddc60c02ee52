import { sql } from 'kysely';
import { sealPayload } from '../crypto/sealed-payload.ts';
import type { Executor } from '../db/database.ts';
import type { StoredSnapshot } from '../engine/engine.ts';
import type { WrittenEvent } from './case-event.repository.ts';
import { caseNumberSql } from './case-number.ts';
import { sealAgent, sealSnapshot, timingColumns, toCase, type CaseRow } from './case.repository.ts';
import type { Case } from './case.types.ts';
import { entryDigest, genesisHash, linkHash } from './history-chain.ts';
import type { StepTiming } from './step-timing.ts';

export interface NewCase {
  id: string; workflowId: string; workflowVersion: number; parentCaseId: string | null;
  personId: string;
  applicantId: string | null; payeeId: string | null; agent: Record<string, unknown> | null;
  stationId: string; stationPath: string;
  /** One open case per item and person: the case is not written while another is open. */
  exclusive: boolean;
  /** Where its number is counted (case-number.ts). */
  counter: { prefix: string; year: number };
  snapshot: StoredSnapshot; timing: StepTiming; createdBy: string | null; now: Date;
}

/** The row of the new case as stored, but for its number. */
function newCaseRow(c: NewCase, head: string): Omit<CaseRow, 'case_no'> {
  const done = c.snapshot.status === 'done';
  return {
    id: c.id, workflow_id: c.workflowId, workflow_version: c.workflowVersion, parent_case_id: c.parentCaseId,
    person_id: c.personId, applicant_id: c.applicantId, payee_id: c.payeeId, agent: sealAgent(c.id, c.agent),
    station_id: c.stationId, station_path: c.stationPath, state: c.snapshot.value, status: done ? 'closed' : 'open',
    exclusive: c.exclusive, outcome: c.snapshot.context.outcome, version: 1, snapshot: sealSnapshot(c.id, c.snapshot),
    ...timingColumns(c.timing), assignee_id: null, created_by: c.createdBy, created_at: c.now, updated_at: c.now,
    closed_at: done ? c.now : null, last_event_at: c.now, history_hash: head, period: null, roster_id: null,
    // The START is the last step in effect (migration 0019): the columns say so by being empty.
    last_step_seq: null, last_step_type: null, last_step_actor_id: null, last_step_by_batch: false,
    last_step_noticed: false, others_since_step: false, claimed_at: null,
  };
}

/**
 * Writes a new case in one statement: unless another case of the item is open for the person (its
 * number is the answer then, and nothing is written), takes the next serial of the item's counter
 * (the row stays locked until commit, so concurrent openings queue there and a rolled-back one
 * gives its number back), inserts the case with its number and its first history entry (`first`,
 * seq 1), chained from the case's genesis hash (history-chain.ts), and the case's head with it.
 * Returns the case as written, with the snapshot as given.
 */
export async function insertStartedCase(
  trx: Executor, c: NewCase, first: WrittenEvent,
): Promise<{ row: Case } | { openCaseNo: string }> {
  const hash = linkHash(genesisHash(c.id), entryDigest(c.id, { ...first, priorTiming: null }));
  const row = newCaseRow(c, hash);
  const entry = {
    case_id: c.id, seq: first.seq, kind: first.kind, type: first.type,
    payload: sealPayload(c.id, first.seq, first.payload), actor_id: first.actorId,
    from_state: first.fromState, to_state: first.toState, at: first.at, prior_timing: null, hash,
  };
  const columns = (o: object) => sql.join(Object.keys(o).map((k) => sql.ref(k)));
  const fields = (o: object) => sql.join(Object.keys(o).map((k) => sql.ref(`r.${k}`)));
  const open = c.exclusive
    ? sql`select case_no from cases where workflow_id = ${c.workflowId} and person_id = ${c.personId} and status = 'open' limit 1`
    : sql`select null::text as case_no where false`;
  // The values travel as one JSON row each, typed by the table's own row type.
  const r = await sql<{ case_no: string | null; open_case_no: string | null }>`
    with open_case as (${open}),
    serial as (
      insert into case_number_counters (prefix, year, last_serial)
      select ${c.counter.prefix}::text, ${c.counter.year}::int, 1 where not exists (select from open_case)
      on conflict (prefix, year) do update set last_serial = case_number_counters.last_serial + 1
      returning last_serial),
    new_case as (
      insert into cases (${columns(row)}, case_no)
      select ${fields(row)}, ${caseNumberSql(c.counter, sql`serial.last_serial`)}
      from serial, jsonb_populate_record(null::cases, ${JSON.stringify(row)}::jsonb) r
      returning case_no),
    e as (
      insert into case_events (${columns(entry)})
      select ${fields(entry)} from new_case, jsonb_populate_record(null::case_events, ${JSON.stringify(entry)}::jsonb) r)
    select (select case_no from new_case) as case_no, (select case_no from open_case) as open_case_no`.execute(trx);
  const { case_no: caseNo, open_case_no: openCaseNo } = r.rows[0]!;
  if (openCaseNo !== null) return { openCaseNo };
  const written = toCase({ ...row, case_no: caseNo! });
  written.snapshot = c.snapshot;
  return { row: written };
}

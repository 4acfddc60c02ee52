import { sql, type Selectable } from 'kysely';
import { openJson, sealJson } from '../crypto/sealed-data.ts';
import type { Executor } from '../db/database.ts';
import type { CaseTable } from './case.table.ts';
import type { Case, LastStep } from './case.types.ts';
import type { StoredSnapshot } from '../engine/engine.ts';
import type { StepTiming } from './step-timing.ts';
import { EVERYWHERE, inSubtree, withinArea, type Area } from '../jurisdiction/within-area.ts';
import { storedEntry, type WrittenEvent } from './case-event.repository.ts';
import { linkHashSql } from './history-chain.ts';

/** A row of `cases` as kysely reads it; the service works with `Case` (case.types.ts). */
export type CaseRow = Selectable<CaseTable>;

/**
 * A case's snapshot as stored: ID numbers, bank accounts and phones
 * sealed for this case and field (src/crypto/sealed-data.ts).
 */
export function sealSnapshot(caseId: string, snapshot: StoredSnapshot, previous?: StoredSnapshot): StoredSnapshot {
  return sealJson(snapshot, `cases.snapshot:${caseId}:`, previous);
}

/** Every reader of `cases.snapshot` outside this file goes through here. */
export function openSnapshot(caseId: string, stored: unknown): StoredSnapshot {
  return openJson(stored as StoredSnapshot, `cases.snapshot:${caseId}:`);
}

/**
 * A snapshot's form data read on its own (`snapshot -> 'context' -> 'data'`), opened: each value is
 * sealed for its place in the whole snapshot, which this scope names.
 */
export function openSnapshotData(caseId: string, stored: unknown): Record<string, unknown> {
  return openJson(stored as Record<string, unknown>, `cases.snapshot:${caseId}:/context/data`);
}

export function sealAgent(caseId: string, agent: Record<string, unknown> | null): Record<string, unknown> | null {
  return agent && sealJson(agent, `cases.agent:${caseId}:`);
}

/** Every reader of `cases.agent` goes through here. */
export function openAgent(caseId: string, stored: unknown): Record<string, unknown> | null {
  return stored ? openJson(stored as Record<string, unknown>, `cases.agent:${caseId}:`) : null;
}

export function toCase(r: CaseRow): Case {
  const c = {
    id: r.id, caseNo: r.case_no, workflowId: r.workflow_id, workflowVersion: r.workflow_version,
    parentCaseId: r.parent_case_id,
    personId: r.person_id, applicantId: r.applicant_id, payeeId: r.payee_id, agent: openAgent(r.id, r.agent),
    stationId: r.station_id, stationPath: r.station_path, state: r.state, status: r.status, outcome: r.outcome,
    version: r.version, stepLevel: r.step_level, dueAt: r.due_at, assigneeId: r.assignee_id, createdAt: r.created_at,
    updatedAt: r.updated_at, closedAt: r.closed_at, timerAt: r.timer_at, stepEnteredAt: r.step_entered_at,
    lastEventAt: r.last_event_at, dueUncertain: r.due_uncertain,
    pausedState: r.paused_state, pausedWorkingDays: r.paused_working_days,
    overdueAt: r.overdue_at, escalatedAt: r.escalated_at, escalatedTo: r.escalated_to, createdBy: r.created_by,
    lastStep: r.last_step_seq === null
      ? { seq: 1, type: 'START', actorId: r.created_by, byBatch: false, noticed: false }
      : {
          seq: r.last_step_seq, type: r.last_step_type!, actorId: r.last_step_actor_id, byBatch: r.last_step_by_batch,
          noticed: r.last_step_noticed,
        },
    othersSinceStep: r.others_since_step, claimedAt: r.claimed_at,
  } as Case;
  // Lists (dashboards, the person file) never read the form data: it is decrypted when first read, not for every row.
  let snapshot: StoredSnapshot | undefined;
  Object.defineProperty(c, 'snapshot', {
    enumerable: true, configurable: true,
    get: () => (snapshot ??= openSnapshot(r.id, r.snapshot)),
    set: (v: StoredSnapshot) => { snapshot = v; },
  });
  return c;
}

/** The short numbers of those of the cases that are in the area, by id. */
export async function caseNumbersOf(db: Executor, ids: string[], area: Area): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('cases').select(['id', 'case_no']).where('id', 'in', ids).where(withinArea('station_path', area)).execute();
  return new Map(rows.map((r) => [r.id, r.case_no]));
}

export async function findCase(db: Executor, id: string, area: Area): Promise<Case | undefined> {
  const r = await db.selectFrom('cases').selectAll().where('id', '=', id).where(withinArea('station_path', area)).executeTakeFirst();
  return r && toCase(r);
}

/**
 * Locks the case row for the rest of the transaction; named so every writer takes the same lock.
 * The row is read by id alone and its jurisdiction checked here, in code: one plan for every
 * user, and a case outside the area does not exist for the caller (undefined, a 404).
 */
export async function lockCase(db: Executor, id: string, area: Area): Promise<Case | undefined> {
  const r = await db.selectFrom('cases').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  return r && (area === EVERYWHERE || inSubtree(r.station_path, area)) ? toCase(r) : undefined;
}

/** What a request under an idempotency key answered before (only answers that wrote are kept). */
export interface KeptAnswer {
  requestHash: string;
  response: unknown;
}

/**
 * lockCase for a request sent under an idempotency key: the same statement reads what the key
 * answered before, if anything. The caller holds the key's lock (`lockKey`), taken in an earlier
 * statement, so this one sees the answer of a request with the same key that has finished.
 */
export async function lockCaseForKey(
  db: Executor, id: string, area: Area, key: { userId: string; route: string; key: string },
): Promise<{ c: Case | undefined; kept: KeptAnswer | undefined }> {
  const r = await db.selectFrom('cases').selectAll('cases')
    .select((eb) => eb.selectFrom('idempotency_keys').select(sql<KeptAnswer>`json_build_object('requestHash', request_hash, 'response', response)`.as('k'))
      .where('user_id', '=', key.userId).where('route', '=', key.route).where('key', '=', key.key).as('kept'))
    .where('id', '=', id).forUpdate().executeTakeFirst();
  const kept = (r?.kept ?? undefined) as KeptAnswer | undefined;
  return { c: r && (area === EVERYWHERE || inSubtree(r.station_path, area)) ? toCase(r) : undefined, kept };
}

/** Moves the (prefix, year) counter on by `count`, answers the last serial taken; the row stays locked until commit. */
export async function takeCaseSerials(trx: Executor, prefix: string, year: number, count: number): Promise<number> {
  const r = await sql<{ last_serial: number }>`
    insert into case_number_counters (prefix, year, last_serial) values (${prefix}, ${year}, ${count})
    on conflict (prefix, year) do update set last_serial = case_number_counters.last_serial + ${count}
    returning last_serial`.execute(trx);
  return r.rows[0]!.last_serial;
}

export function timingColumns(t: StepTiming) {
  return {
    step_level: t.stepLevel, due_at: t.dueAt, due_uncertain: t.dueUncertain, timer_at: t.timerAt,
    step_entered_at: t.stepEnteredAt, paused_state: t.pausedState, paused_working_days: t.pausedWorkingDays,
    overdue_at: t.overdueAt, escalated_at: t.escalatedAt, escalated_to: t.escalatedTo,
  };
}

export interface CaseUpdate {
  snapshot?: StoredSnapshot;
  /** Null when the step did not change (its clock runs on). */
  timing?: StepTiming | null;
  assigneeId?: string | null;
  /** A machine event moves the idle clock; administrative acts do not. */
  progressed?: boolean;
  /** A machine entry: the step in effect after it (a RECALL: the one it leaves in effect). */
  lastStep?: LastStep;
  othersSinceStep?: boolean;
  claimedAt?: Date | null;
}

/** The START (seq 1, by the case's creator) is kept as nulls, as a new case's row has it. */
function lastStepColumns(s: LastStep) {
  const start = s.seq === 1;
  return {
    last_step_seq: start ? null : s.seq, last_step_type: start ? null : s.type,
    last_step_actor_id: start ? null : s.actorId,
    last_step_by_batch: s.byBatch, last_step_noticed: s.noticed,
  };
}

/** The case as `writeEntry` leaves it, from the row in hand: nothing is read back. */
function afterUpdate(c: Case, u: CaseUpdate, now: Date): Case {
  const snap = u.snapshot;
  const done = snap?.status === 'done';
  return {
    ...c, version: c.version + 1, updatedAt: now,
    ...(snap ? { snapshot: snap, state: snap.value, outcome: snap.context.outcome, status: done ? 'closed' : 'open', closedAt: done ? now : null } : {}),
    ...(u.timing ?? {}),
    ...(u.progressed ? { lastEventAt: now } : {}),
    ...(u.assigneeId !== undefined ? { assigneeId: u.assigneeId } : {}),
    ...(u.lastStep ? { lastStep: u.lastStep } : {}),
    ...(u.othersSinceStep !== undefined ? { othersSinceStep: u.othersSinceStep } : {}),
    ...(u.claimedAt !== undefined ? { claimedAt: u.claimedAt } : {}),
  };
}

/**
 * Moves the case to version + 1 and appends its history entry (seq = the new version) in one
 * statement: the update checks the version and links the entry into the case's hash chain
 * (src/cases/history-chain.ts) from the previous entry's hash, read where it is stored, moving the
 * head (`cases.history_hash`); the insert takes that hash. The caller holds the row lock. Answers
 * the case as written, built from the row in hand.
 */
export async function writeEntry(
  db: Executor, c: Case, u: CaseUpdate, e: WrittenEvent, priorTiming: StepTiming | null, now: Date,
): Promise<Case> {
  if (e.seq !== c.version + 1) throw new Error(`writeEntry: entry ${e.seq} on version ${c.version}`);
  const snap = u.snapshot;
  const done = snap?.status === 'done';
  const stored = storedEntry(c.id, e, priorTiming);
  const previous = sql`(select p.hash from case_events p where p.case_id = cases.id and p.seq = cases.version)`;
  const r = await db.with('u', (qb) => qb.updateTable('cases').set({
    version: c.version + 1,
    updated_at: now,
    ...(snap ? {
      snapshot: JSON.stringify(sealSnapshot(c.id, snap, c.snapshot)), state: snap.value, outcome: snap.context.outcome,
      status: done ? 'closed' : 'open', closed_at: done ? now : null,
    } : {}),
    ...(u.timing ? timingColumns(u.timing) : {}),
    ...(u.progressed ? { last_event_at: now } : {}),
    ...(u.assigneeId !== undefined ? { assignee_id: u.assigneeId } : {}),
    ...(u.lastStep ? lastStepColumns(u.lastStep) : {}),
    ...(u.othersSinceStep !== undefined ? { others_since_step: u.othersSinceStep } : {}),
    ...(u.claimedAt !== undefined ? { claimed_at: u.claimedAt } : {}),
    history_hash: linkHashSql(previous, sql`${stored.digest}::text`),
  }).where('id', '=', c.id).where('version', '=', c.version).returning(['id', 'history_hash']))
    .with('e', (qb) => qb.insertInto('case_events')
      .columns(['case_id', 'seq', 'kind', 'type', 'payload', 'actor_id', 'from_state', 'to_state', 'at', 'prior_timing', 'hash'])
      .expression((eb) => eb.selectFrom('u').select([
        'u.id', sql<number>`${e.seq}::int`.as('seq'), sql<string>`${e.kind}::text`.as('kind'), sql<string>`${e.type}::text`.as('type'),
        sql`${stored.payload}::jsonb`.as('payload'), sql`${e.actorId}::text`.as('actor_id'), sql`${e.fromState}::text`.as('from_state'),
        sql`${e.toState}::text`.as('to_state'), sql`${e.at}::timestamptz`.as('at'), sql`${stored.priorTiming}::jsonb`.as('prior_timing'),
        'u.history_hash',
      ]))
      .returning('seq'))
    .selectFrom('e').select('seq').executeTakeFirst();
  if (!r) throw new Error(`writeEntry: case ${c.id} is not at version ${c.version}`);
  return afterUpdate(c, u, now);
}

export async function listPersonCases(db: Executor, personId: string): Promise<Case[]> {
  const rows = await db.selectFrom('cases').selectAll().where('person_id', '=', personId).orderBy('id').execute();
  return rows.map(toCase);
}

/** The items a person has finished with one of `outcomes`, once each. */
export async function completedWorkflows(
  db: Executor, personId: string, outcomes: readonly string[],
): Promise<string[]> {
  const rows = await db.selectFrom('cases').select('workflow_id').distinct().where('person_id', '=', personId)
    .where('status', '=', 'closed').where('outcome', 'in', outcomes).execute();
  return rows.map((r) => r.workflow_id);
}

/** The form data of a person's cases, oldest first (snapshots opened). */
export async function personCaseData(db: Executor, personId: string): Promise<Record<string, unknown>[]> {
  const rows = await db.selectFrom('cases').select(['id', 'snapshot']).where('person_id', '=', personId).orderBy('id').execute();
  return rows.map((r) => openSnapshot(r.id, r.snapshot).context.data);
}

/** Whether the case started a child case at or after `since`. */
export async function hasChildSince(db: Executor, caseId: string, since: Date): Promise<boolean> {
  const child = await db.selectFrom('cases').select('id').where('parent_case_id', '=', caseId).where('created_at', '>=', since).executeTakeFirst();
  return child !== undefined;
}

/** The child cases a step of the case started (they are created at the step's own time). */
export async function childrenStartedAt(
  db: Executor, caseId: string, at: Date,
): Promise<{ id: string; caseNo: string; workflowId: string }[]> {
  const rows = await db.selectFrom('cases').select(['id', 'case_no', 'workflow_id'])
    .where('parent_case_id', '=', caseId).where('created_at', '=', at).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, caseNo: r.case_no, workflowId: r.workflow_id }));
}

/**
 * Marks an escalation on the case row; the history entry is the caller's. The level escalated to
 * holds the step now, so a person it had been handed to no longer does.
 */
export async function markEscalated(db: Executor, caseId: string, to: string, now: Date): Promise<void> {
  await db.updateTable('cases').set({ escalated_at: now, escalated_to: to, assignee_id: null }).where('id', '=', caseId).execute();
}

export async function listOpenCases(db: Executor, workflowId: string): Promise<Case[]> {
  const rows = await db.selectFrom('cases').selectAll().where('workflow_id', '=', workflowId).where('status', '=', 'open').orderBy('id').execute();
  return rows.map(toCase);
}

/**
 * Moves an open case to another version of its definition; the
 * caller holds the row lock and writes the MIGRATE entry.
 */
export async function moveToVersion(
  db: Executor, c: Case, toVersion: number, next: StoredSnapshot, timing: StepTiming | null, now: Date,
  actorId: string | null,
): Promise<void> {
  await db.updateTable('cases').set({
    workflow_version: toVersion, snapshot: JSON.stringify(sealSnapshot(c.id, next, c.snapshot)), state: next.value,
    version: c.version + 1, updated_at: now,
    // The MIGRATE entry is a machine entry: the step in effect now, and a claim ends with it.
    ...lastStepColumns({ seq: c.version + 1, type: 'MIGRATE', actorId, byBatch: false, noticed: false }),
    others_since_step: false, claimed_at: null,
    ...(timing ? {
      step_level: timing.stepLevel, due_at: timing.dueAt, due_uncertain: timing.dueUncertain, timer_at: timing.timerAt,
      step_entered_at: timing.stepEnteredAt,
    } : {}),
  }).where('id', '=', c.id).where('version', '=', c.version).execute();
}

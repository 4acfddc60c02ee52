import { isDeepStrictEqual } from 'node:util';
import type { Db, Executor } from '../db/database.ts';
import type { WorkflowRegistry } from '../cases/workflow.registry.ts';
import { actingLevel, eventRoles, replay, type HistoryEvent, type StoredSnapshot } from '../engine/engine.ts';
import { holderOf, holds, type Holder } from '../engine/holding.ts';
import { heldThrough, historyEvent, historyVersions, stepsInEffect, type HeldBy } from '../cases/history-replay.ts';
import type { CompiledWorkflow } from '../engine/compile.ts';
import { bilingual } from '../messages/localized.ts';
import { RECALL } from '../definitions/definition.types.ts';
import { openPayload } from '../crypto/sealed-payload.ts';
import { openAgent, openSnapshot } from '../cases/case.repository.ts';
import { message } from '../messages/catalogue.ts';
import { CHAIN_CASE_COLUMNS, CHAIN_EVENT_COLUMNS, chainMismatch } from './verify-chain.ts';

export interface Mismatch {
  caseId: string;
  problem: string;
}

export interface VerifyResult {
  cases: number;
  events: number;
  mismatches: Mismatch[];
}

interface CaseRow {
  id: string; workflow_id: string; workflow_version: number; station_path: string; state: string; status: string;
  outcome: string | null;
  version: number; snapshot: unknown; agent: unknown; history_hash: string | null;
  created_by: string | null; assignee_id: string | null; last_step_seq: number | null; last_step_type: string | null;
  last_step_actor_id: string | null; others_since_step: boolean; claimed_at: Date | null;
}

interface EventRow {
  case_id: string; seq: number; kind: string; type: string; payload: Record<string, unknown>; from_state: string | null;
  to_state: string | null; actor_id: string | null; at: Date; prior_timing: unknown; hash: string | null;
}

/**
 * The replay is of plaintext, so personal data sealed in the snapshot and the payloads is opened
 * first (and the agent, which readers open too); a value that does not open (in clear, moved,
 * altered, another key) is a mismatch of its own.
 */
function opened(c: CaseRow, events: EventRow[]): { c: CaseRow; events: EventRow[] } | { problem: string } {
  try {
    openAgent(c.id, c.agent);
    return {
      c: { ...c, snapshot: openSnapshot(c.id, c.snapshot) },
      events: events.map((e) => ({ ...e, payload: openPayload(e.case_id, e.seq, e.payload) })),
    };
  } catch (err) {
    return { problem: message('en', 'CLI_VERIFY_SEALED', { detail: (err as Error).message }) };
  }
}

/** The staff as verify judges them: role and the level of their station. */
type Staff = Map<string, { role: string; level: string; name: string }>;

async function staffOf(db: Executor): Promise<Staff> {
  const rows = await db.selectFrom('users').innerJoin('stations', 'stations.id', 'users.station_id')
    .select(['users.id', 'users.role', 'users.display_name', 'stations.level']).execute();
  return new Map(rows.map((r) => [r.id, { role: r.role, level: r.level, name: r.display_name }]));
}

function holderText(h: Holder | null, staff: Staff): string {
  if (!h) return '—';
  if (h.kind === 'person') return staff.get(h.userId)?.name ?? h.userId;
  return `${h.stationPath} ${h.level}${h.supervisors ? ' supervisors' : ''}`;
}

/**
 * Whether the actor of a machine entry held the step then (ADR 0019): the holder derived from the
 * history before it (heldThrough), the step's level and the actor's role and level. The service's
 * own entries, the START, RECALL (the step's own maker) and MIGRATE are not a holder's acts.
 */
function notHolder(
  c: CaseRow, e: EventRow, before: StoredSnapshot, wf: CompiledWorkflow, held: HeldBy, staff: Staff,
): string | null {
  if (e.kind !== 'machine' || e.seq === 1 || e.actor_id === null || e.type === RECALL || e.type === 'MIGRATE') return null;
  const state = wf.definition.machine.states[before.value]!;
  const holder = holderOf({ stationPath: c.station_path, ...held }, actingLevel(state));
  const actor = staff.get(e.actor_id);
  if (holder && actor && holds(holder, { id: e.actor_id, ...actor }, eventRoles(state, e.type))) return null;
  return bilingual('HOLD_VERIFY_NOT_HOLDER', { seq: e.seq, type: e.type, actor: actor?.name ?? e.actor_id, holder: holderText(holder, staff) });
}

/**
 * What the case row keeps so that a step reads no history (migration 0019), as the history says it:
 * the last machine entry in effect, whether anyone else wrote since, and the claim holding the step.
 */
function stepColumns(c: CaseRow, events: EventRow[]): string[] {
  const last = stepsInEffect(events).at(-1)!;
  const stored = c.last_step_seq === null ? { seq: 1, type: 'START', actor: c.created_by } : { seq: c.last_step_seq, type: c.last_step_type, actor: c.last_step_actor_id };
  const holding = events.findLast((e) => e.kind === 'machine' || ['CLAIM', 'RELEASE', 'REASSIGN'].includes(e.type));
  const claimed = holding?.type === 'CLAIM' && holding.actor_id === c.assignee_id ? holding.at.toISOString() : null;
  const claimedStored = c.assignee_id && c.claimed_at ? c.claimed_at.toISOString() : null;
  const expected: [string, unknown, unknown][] = [
    ['last_step_seq', stored.seq, last.seq], ['last_step_type', stored.type, last.type], ['last_step_actor_id', stored.actor, last.actor_id],
    ['others_since_step', c.others_since_step, events.some((e) => e.seq > last.seq && e.actor_id !== last.actor_id)],
    ['claimed_at', claimedStored, claimed],
  ];
  return expected.filter(([, a, b]) => a !== b)
    .map(([column, a, b]) => message('en', 'CLI_VERIFY_COLUMN', { column, stored: String(a), replayed: String(b) }));
}

/** JSON as stored (jsonb drops undefined, key order is irrelevant): compare what a reader would get back. */
function asStored(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v));
}

/**
 * Checks one case against its history: entries numbered 1..n without gaps, the first a START,
 * the case's version equal to n, every entry's from/to states following the replay, and the
 * stored snapshot (and its state, status and outcome columns) equal to the replay of the machine
 * events from the START entry's data (administrative entries do not move the machine).
 */
async function checkCase(
  db: Executor, registry: WorkflowRegistry, c: CaseRow, events: EventRow[], staff: Staff,
): Promise<string[]> {
  const problems: string[] = [];
  if (events.length === 0) return [message('en', 'CLI_VERIFY_NO_HISTORY')];
  const gaps = events.map((e, i) => (e.seq === i + 1 ? null : `${i + 1}→${e.seq}`)).filter(Boolean);
  if (gaps.length) problems.push(message('en', 'CLI_VERIFY_GAPS', { gaps: gaps.slice(0, 5).join(', ') }));
  if (c.version !== events.length) problems.push(message('en', 'CLI_VERIFY_VERSION', { version: c.version, entries: events.length }));
  const first = events[0]!;
  if (first.type !== 'START' || first.kind !== 'machine') return [...problems, message('en', 'CLI_VERIFY_FIRST_ENTRY', { type: first.type })];

  const versions = await historyVersions(db, registry, c.workflow_id, c.workflow_version, events);
  if ('missing' in versions) return [...problems, message('en', 'CLI_VERIFY_NO_DEFINITION', { definition: versions.missing })];
  const wf0 = versions.first;
  const initialData = (first.payload.data as Record<string, unknown> | undefined) ?? {};
  const machine = events.slice(1).filter((e) => e.kind === 'machine');
  let replayed: StoredSnapshot;
  try {
    const byVersion = versions.of;
    // Entry by entry: each entry's from/to states must be where the replay stands before and after it,
    // and its maker must have held the step.
    let before: string | null = null;
    let snapBefore: StoredSnapshot | null = null;
    const done: HistoryEvent[] = [];
    const inEffect: number[] = [];
    const held = heldThrough(events.map((e) => ({
      ...e, actorId: e.actor_id, fromState: e.from_state, toState: e.to_state,
    })));
    for (const [i, e] of events.entries()) {
      const refused = snapBefore && notHolder(c, e, snapBefore, byVersion(snapBefore.workflowVersion), held[i]!, staff);
      if (refused) problems.push(refused);
      if (e.seq > 1 && e.kind === 'machine') {
        done.push(historyEvent(e));
        if (e.type !== RECALL) inEffect.push(e.seq);
        else if (Number(e.payload.recalledSeq) !== inEffect.pop()) problems.push(message('en', 'CLI_VERIFY_RECALL', { seq: e.seq, named: String(e.payload.recalledSeq) }));
      }
      snapBefore = replay(wf0, initialData, done, byVersion);
      const after = snapBefore.value;
      if (e.from_state !== before || e.to_state !== after) {
        problems.push(message('en', 'CLI_VERIFY_STATES', { seq: e.seq, type: e.type, recorded: `${e.from_state}→${e.to_state}`, replayed: `${before}→${after}` }));
        break;
      }
      before = after;
    }
    replayed = replay(wf0, initialData, machine.map(historyEvent), byVersion);
  } catch (err) {
    return [...problems, message('en', 'CLI_VERIFY_NO_REPLAY', { detail: (err as Error).message })];
  }
  if (!isDeepStrictEqual(asStored(c.snapshot), asStored(replayed))) problems.push(message('en', 'CLI_VERIFY_SNAPSHOT'));
  if (c.state !== replayed.value) problems.push(message('en', 'CLI_VERIFY_COLUMN', { column: 'state', stored: c.state, replayed: replayed.value }));
  const status = replayed.status === 'done' ? 'closed' : 'open';
  if (c.status !== status) problems.push(message('en', 'CLI_VERIFY_COLUMN', { column: 'status', stored: c.status, replayed: status }));
  if ((c.outcome ?? null) !== (replayed.context.outcome ?? null)) problems.push(message('en', 'CLI_VERIFY_COLUMN', { column: 'outcome', stored: String(c.outcome), replayed: String(replayed.context.outcome) }));
  problems.push(...stepColumns(c, events));
  return problems;
}

/**
 * Checks every case in the database, in batches, inside one repeatable-read transaction (a
 * consistent picture even while the service writes); returns what does not agree with its history.
 */
export async function verifyHistories(
  db: Db, registry: WorkflowRegistry, opts: { batch?: number } = {},
): Promise<VerifyResult> {
  return db.transaction().setIsolationLevel('repeatable read').execute((trx) => verifyIn(trx, registry, opts.batch ?? 200));
}

async function verifyIn(db: Executor, registry: WorkflowRegistry, batch: number): Promise<VerifyResult> {
  const result: VerifyResult = { cases: 0, events: 0, mismatches: [] };
  const staff = await staffOf(db);
  let after = '';
  for (;;) {
    const cases = await db.selectFrom('cases')
      .select(['id', 'workflow_id', 'workflow_version', 'station_path', 'state', 'status', 'outcome', 'version', 'snapshot', 'agent', ...CHAIN_CASE_COLUMNS,
        'created_by', 'assignee_id', 'last_step_seq', 'last_step_type', 'last_step_actor_id', 'others_since_step', 'claimed_at'])
      .where('id', '>', after).orderBy('id').limit(batch).execute() as unknown as CaseRow[];
    if (cases.length === 0) break;
    const events = await db.selectFrom('case_events').select(['case_id', 'seq', 'kind', 'type', 'payload', 'from_state', 'to_state', ...CHAIN_EVENT_COLUMNS])
      .where('case_id', 'in', cases.map((c) => c.id)).orderBy('case_id').orderBy('seq').execute() as unknown as EventRow[];
    const byCase = new Map<string, EventRow[]>();
    for (const e of events) (byCase.get(e.case_id) ?? byCase.set(e.case_id, []).get(e.case_id)!).push(e);
    for (const c of cases) {
      const history = byCase.get(c.id) ?? [];
      const open = history.length ? opened(c, history) : { c, events: history };
      const chain = 'problem' in open ? null : chainMismatch(c.id, c.history_hash, open.events);
      const problems = 'problem' in open ? [open.problem] : [...(chain ? [chain] : []), ...await checkCase(db, registry, open.c, open.events, staff)];
      for (const problem of problems) result.mismatches.push({ caseId: c.id, problem });
    }
    result.cases += cases.length;
    result.events += events.length;
    after = cases[cases.length - 1]!.id;
  }
  return result;
}

import { isDeepStrictEqual } from 'node:util';
import type { Db, Executor } from '../db/database.ts';
import type { WorkflowRegistry } from '../definitions/workflow.registry.ts';
import type { CompiledWorkflow } from '../engine/compile.ts';
import { replay, type HistoryEvent, type StoredSnapshot } from '../engine/engine.ts';

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
  id: string; workflow_id: string; workflow_version: number; state: string; status: string; outcome: string | null; version: number; snapshot: unknown;
}

interface EventRow {
  case_id: string; seq: number; kind: string; type: string; payload: Record<string, unknown>; from_state: string | null; to_state: string | null;
}

/** JSON as stored (jsonb drops undefined, key order is irrelevant): compare what a reader would get back. */
function asStored(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v));
}

function historyEvent(e: EventRow): HistoryEvent {
  if (e.type === 'MIGRATE') return { type: e.type, migration: { toVersion: Number(e.payload.toVersion), toState: String(e.payload.toState) } };
  return { type: e.type, data: (e.payload.data as Record<string, unknown> | undefined) ?? {} };
}

/**
 * Checks one case against its history: entries numbered 1..n without gaps, the first a START,
 * the case's version equal to n, every entry's from/to states following the replay, and the
 * stored snapshot (and its state, status and outcome columns) equal to the replay of the machine
 * events from the START entry's data (administrative entries do not move the machine).
 */
async function checkCase(db: Executor, registry: WorkflowRegistry, c: CaseRow, events: EventRow[]): Promise<string[]> {
  const problems: string[] = [];
  if (events.length === 0) return ['no history at all (a half-written case)'];
  const gaps = events.map((e, i) => (e.seq === i + 1 ? null : `${i + 1}→${e.seq}`)).filter(Boolean);
  if (gaps.length) problems.push(`history entries not numbered 1..n (${gaps.slice(0, 5).join(', ')})`);
  if (c.version !== events.length) problems.push(`case version ${c.version}, but ${events.length} history entries`);
  const first = events[0]!;
  if (first.type !== 'START' || first.kind !== 'machine') return [...problems, `first history entry is ${first.type}, not START`];

  const firstMigration = events.find((e) => e.type === 'MIGRATE');
  const startVersion = firstMigration ? Number(firstMigration.payload.fromVersion) : c.workflow_version;
  const versions = new Map<number, CompiledWorkflow>();
  for (const v of new Set([startVersion, c.workflow_version, ...events.filter((e) => e.type === 'MIGRATE').map((e) => Number(e.payload.toVersion))])) {
    const wf = await registry.get(db, c.workflow_id, v);
    if (!wf) return [...problems, `definition ${c.workflow_id}@${v} is missing`];
    versions.set(v, wf);
  }
  const wf0 = versions.get(startVersion)!;
  const initialData = (first.payload.data as Record<string, unknown> | undefined) ?? {};
  const machine = events.slice(1).filter((e) => e.kind === 'machine');
  let replayed: StoredSnapshot;
  try {
    const byVersion = (v: number) => versions.get(v)!;
    // Entry by entry: each entry's from/to states must be where the replay stands before and after it.
    let before: string | null = null;
    const done: HistoryEvent[] = [];
    for (const e of events) {
      if (e.seq > 1 && e.kind === 'machine') done.push(historyEvent(e));
      const after = replay(wf0, initialData, done, byVersion).value;
      if (e.from_state !== before || e.to_state !== after) {
        problems.push(`entry ${e.seq} (${e.type}) records ${e.from_state}→${e.to_state}, the replay ${before}→${after}`);
        break;
      }
      before = after;
    }
    replayed = replay(wf0, initialData, machine.map(historyEvent), byVersion);
  } catch (err) {
    return [...problems, `the history does not replay: ${(err as Error).message}`];
  }
  if (!isDeepStrictEqual(asStored(c.snapshot), asStored(replayed))) problems.push('stored snapshot differs from the replay of its history');
  if (c.state !== replayed.value) problems.push(`state column ${c.state}, replay ${replayed.value}`);
  const status = replayed.status === 'done' ? 'closed' : 'open';
  if (c.status !== status) problems.push(`status column ${c.status}, replay ${status}`);
  if ((c.outcome ?? null) !== (replayed.context.outcome ?? null)) problems.push(`outcome column ${c.outcome}, replay ${replayed.context.outcome}`);
  return problems;
}

/**
 * Checks every case in the database, in batches, inside one repeatable-read transaction (a
 * consistent picture even while the service writes); returns what does not agree with its history.
 */
export async function verifyHistories(db: Db, registry: WorkflowRegistry, opts: { batch?: number } = {}): Promise<VerifyResult> {
  return db.transaction().setIsolationLevel('repeatable read').execute((trx) => verifyIn(trx, registry, opts.batch ?? 200));
}

async function verifyIn(db: Executor, registry: WorkflowRegistry, batch: number): Promise<VerifyResult> {
  const result: VerifyResult = { cases: 0, events: 0, mismatches: [] };
  let after = '';
  for (;;) {
    const cases = await db.selectFrom('cases')
      .select(['id', 'workflow_id', 'workflow_version', 'state', 'status', 'outcome', 'version', 'snapshot'])
      .where('id', '>', after).orderBy('id').limit(batch).execute() as unknown as CaseRow[];
    if (cases.length === 0) break;
    const events = await db.selectFrom('case_events').select(['case_id', 'seq', 'kind', 'type', 'payload', 'from_state', 'to_state'])
      .where('case_id', 'in', cases.map((c) => c.id)).orderBy('case_id').orderBy('seq').execute() as unknown as EventRow[];
    const byCase = new Map<string, EventRow[]>();
    for (const e of events) (byCase.get(e.case_id) ?? byCase.set(e.case_id, []).get(e.case_id)!).push(e);
    for (const c of cases) {
      for (const problem of await checkCase(db, registry, c, byCase.get(c.id) ?? [])) result.mismatches.push({ caseId: c.id, problem });
    }
    result.cases += cases.length;
    result.events += events.length;
    after = cases[cases.length - 1]!.id;
  }
  return result;
}

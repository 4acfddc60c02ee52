import type { Executor } from '../db/database.ts';
import { RECALL } from '../definitions/definition.types.ts';
import type { WorkflowRegistry } from './workflow.registry.ts';
import type { CompiledWorkflow } from '../engine/compile.ts';
import type { HistoryEvent } from '../engine/engine.ts';

/** The part of a stored history entry that the machine cares about. */
export interface HistoryEntry {
  kind: string;
  type: string;
  payload: Record<string, unknown>;
}

/** What a stored history entry means to the machine. */
export function historyEvent(e: HistoryEntry): HistoryEvent {
  if (e.type === 'MIGRATE') return { type: e.type, migration: { toVersion: Number(e.payload.toVersion), toState: String(e.payload.toState) } };
  if (e.type === RECALL) return { type: e.type, recall: true };
  return { type: e.type, data: (e.payload.data as Record<string, unknown> | undefined) ?? {} };
}

/**
 * The machine entries still in effect, oldest first: each RECALL cancels the latest entry still
 * in effect, as replay does. Four-eyes checks and 撤回 look at the last of them.
 */
export function stepsInEffect<T extends { kind: string; type: string }>(entries: T[]): T[] {
  const out: T[] = [];
  for (const e of entries) {
    if (e.kind !== 'machine') continue;
    if (e.type === RECALL) out.pop();
    else out.push(e);
  }
  return out;
}

export interface HistoryVersions {
  /** The version the case started on. */
  first: CompiledWorkflow;
  of: (version: number) => CompiledWorkflow;
}

/** The definitions a history passes through (a migrated case has several), or the one that is missing. */
export async function historyVersions(
  db: Executor, registry: WorkflowRegistry, workflowId: string, currentVersion: number, entries: HistoryEntry[],
): Promise<HistoryVersions | { missing: string }> {
  const migrations = entries.filter((e) => e.type === 'MIGRATE');
  const startVersion = migrations.length ? Number(migrations[0]!.payload.fromVersion) : currentVersion;
  const versions = new Map<number, CompiledWorkflow>();
  for (const v of new Set([startVersion, currentVersion, ...migrations.map((e) => Number(e.payload.toVersion))])) {
    const wf = await registry.get(db, workflowId, v);
    if (!wf) return { missing: `${workflowId}@${v}` };
    versions.set(v, wf);
  }
  return { first: versions.get(startVersion)!, of: (v) => versions.get(v)! };
}

/** Who a case's step was given to, beyond its level's queue: a person (assignee) and an escalation. */
export interface HeldBy {
  assigneeId: string | null;
  escalatedTo: string | null;
}

type HoldingEntry = HistoryEntry & {
  seq: number; actorId: string | null; fromState: string | null; toState: string | null;
};

/**
 * The hand-overs in effect before each entry (index i: before entries[i]; the last: after them all),
 * derived from the history alone (ADR 0019): REASSIGN gives the step to payload.userId, CLAIM to the
 * entry's actor, RELEASE gives it back to the queue, ESCALATE sends it to payload.toLevel (no person
 * then); a machine entry that moves the case to another step clears both, and a RECALL restores
 * what was in effect before the step it takes back. The case row's `assignee_id` and
 * `escalated_to` follow the same rules as they are written.
 */
export function heldThrough(entries: HoldingEntry[]): HeldBy[] {
  let held: HeldBy = { assigneeId: null, escalatedTo: null };
  const out: HeldBy[] = [];
  const bySeq = new Map<number, HeldBy>();
  for (const e of entries) {
    out.push(held);
    bySeq.set(e.seq, held);
    if (e.kind === 'machine') {
      if (e.type === RECALL) held = bySeq.get(Number(e.payload.recalledSeq)) ?? held;
      else if (e.type !== 'MIGRATE' && e.fromState !== e.toState) held = { assigneeId: null, escalatedTo: null };
    } else if (e.type === 'REASSIGN' && typeof e.payload.userId === 'string') held = { ...held, assigneeId: e.payload.userId };
    else if (e.type === 'CLAIM') held = { ...held, assigneeId: e.actorId };
    else if (e.type === 'RELEASE') held = { ...held, assigneeId: null };
    else if (e.type === 'ESCALATE' && typeof e.payload.toLevel === 'string') held = { assigneeId: null, escalatedTo: e.payload.toLevel };
  }
  out.push(held);
  return out;
}

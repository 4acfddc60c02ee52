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

import type { Executor } from '../db/database.ts';
import { compile, type CompiledWorkflow } from '../engine/compile.ts';
import { findVersion, versionInForce } from '../definitions/workflow.repository.ts';

/** Compiled machines, cached by id@version; a stored version never changes, so neither does its entry. */
export class WorkflowRegistry {
  private readonly cache = new Map<string, CompiledWorkflow>();

  async get(db: Executor, workflowId: string, version: number): Promise<CompiledWorkflow | undefined> {
    const key = `${workflowId}@${version}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const row = await findVersion(db, workflowId, version);
    if (!row) return undefined;
    const compiled = compile(row.definition);
    this.cache.set(key, compiled);
    return compiled;
  }

  async inForce(db: Executor, workflowId: string, now: Date): Promise<CompiledWorkflow | undefined> {
    const version = await versionInForce(db, workflowId, now);
    return version === undefined ? undefined : this.get(db, workflowId, version);
  }
}

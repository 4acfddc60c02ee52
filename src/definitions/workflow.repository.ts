import type { Executor } from '../db/database.ts';
import type { WorkflowDefinition } from './definition.types.ts';

export interface WorkflowVersionRow {
  workflowId: string;
  version: number;
  status: 'draft' | 'published' | 'retired' | 'discarded';
  definition: WorkflowDefinition;
  effectiveFrom: Date | null;
}

function toRow(r: { workflow_id: string; version: number; status: WorkflowVersionRow['status']; definition: unknown; effective_from: Date | null }): WorkflowVersionRow {
  return {
    workflowId: r.workflow_id, version: r.version, status: r.status, definition: r.definition as WorkflowDefinition,
    effectiveFrom: r.effective_from,
  };
}

export async function findVersion(
  db: Executor, workflowId: string, version: number,
): Promise<WorkflowVersionRow | undefined> {
  const r = await db.selectFrom('workflow_versions').selectAll().where('workflow_id', '=', workflowId).where('version', '=', version).executeTakeFirst();
  return r && toRow(r);
}

/**
 * The number of the latest published version whose effective date
 * has come; the definition itself comes from the registry's cache.
 */
export async function versionInForce(db: Executor, workflowId: string, now: Date): Promise<number | undefined> {
  const r = await db.selectFrom('workflow_versions').select('version')
    .where('workflow_id', '=', workflowId).where('status', '=', 'published')
    .where((eb) => eb.or([eb('effective_from', 'is', null), eb('effective_from', '<=', now)]))
    .orderBy('version', 'desc').limit(1).executeTakeFirst();
  return r?.version;
}

export async function listVersionsInForce(db: Executor, now: Date): Promise<WorkflowVersionRow[]> {
  const rows = await db.selectFrom('workflow_versions').selectAll()
    .where('status', '=', 'published')
    .where((eb) => eb.or([eb('effective_from', 'is', null), eb('effective_from', '<=', now)]))
    .orderBy('workflow_id').orderBy('version', 'desc').execute();
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.workflow_id) && seen.add(r.workflow_id)).map(toRow);
}

/** Every stored version as `id@version`. */
export async function storedVersionKeys(db: Executor): Promise<Set<string>> {
  const rows = await db.selectFrom('workflow_versions').select(['workflow_id', 'version']).execute();
  return new Set(rows.map((r) => `${r.workflow_id}@${r.version}`));
}

/** Inserts a version unless that id@version is already stored; stored versions are never overwritten. */
export async function insertVersionIfMissing(
  db: Executor, def: WorkflowDefinition, note: string, author: string, now: Date,
): Promise<boolean> {
  const result = await db.insertInto('workflow_versions').values({
    workflow_id: def.id, version: def.version, status: 'published', definition: JSON.stringify(def),
    note, author, created_at: now, published_at: now, effective_from: null,
  }).onConflict((oc) => oc.columns(['workflow_id', 'version']).doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

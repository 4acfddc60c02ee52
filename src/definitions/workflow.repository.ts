import type { Executor } from '../db/database.ts';
import type { WorkflowDefinition } from './definition.types.ts';

/** One stored version, by item and number. */
export interface VersionKey {
  workflowId: string;
  version: number;
}

/** A published version's place in time: what the choice of the one in force needs, not its definition. */
export interface PublishedVersion extends VersionKey {
  effectiveFrom: Date | null;
}

/** Every published version (retired and draft ones are never in force), small columns only. */
export async function listPublished(db: Executor): Promise<PublishedVersion[]> {
  const rows = await db.selectFrom('workflow_versions').select(['workflow_id', 'version', 'effective_from'])
    .where('status', '=', 'published').execute();
  return rows.map((r) => ({ workflowId: r.workflow_id, version: r.version, effectiveFrom: r.effective_from }));
}

/**
 * The number of the version in force at `now`, read from the database (not the registry's memory):
 * publishing compares it, under its locks, with the one its request was made against.
 */
export async function versionInForce(db: Executor, workflowId: string, now: Date): Promise<number | undefined> {
  const r = await db.selectFrom('workflow_versions').select('version')
    .where('workflow_id', '=', workflowId).where('status', '=', 'published')
    .where((eb) => eb.or([eb('effective_from', 'is', null), eb('effective_from', '<=', now)]))
    .orderBy('version', 'desc').limit(1).executeTakeFirst();
  return r?.version;
}

/** The definitions of these versions (any status), in one statement. */
export async function findDefinitions(
  db: Executor, keys: VersionKey[],
): Promise<(VersionKey & { definition: WorkflowDefinition })[]> {
  const rows = await db.selectFrom('workflow_versions').select(['workflow_id', 'version', 'definition'])
    .where((eb) => eb(eb.refTuple('workflow_id', 'version'), 'in', keys.map((k) => eb.tuple(k.workflowId, k.version))))
    .execute();
  return rows.map((r) => ({
    workflowId: r.workflow_id, version: r.version, definition: r.definition as WorkflowDefinition,
  }));
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

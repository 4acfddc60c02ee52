import type { Executor } from '../db/database.ts';
import type { PolicyDocument } from '../definitions/policy-document.ts';
import type { WorkflowDefinition } from '../definitions/definition.types.ts';
import type { Finding } from '../definitions/linter.ts';
import { draftSha256Of } from './publication-request.repository.ts';

export interface VersionRecord {
  workflowId: string;
  version: number;
  status: 'draft' | 'published' | 'retired' | 'discarded';
  definition: WorkflowDefinition;
  /** The sha256 of the stored text: a publication request is tied to it. */
  draftSha256: string;
  note: string;
  author: string;
  authorName: string | null;
  createdAt: Date;
  publishedAt: Date | null;
  effectiveFrom: Date | null;
  retiredAt: Date | null;
  findings: Finding[];
  policyDocument: PolicyDocument | null;
  discardedBy: string | null;
  discardedByName: string | null;
  discardedAt: Date | null;
}

function base(db: Executor) {
  return db.selectFrom('workflow_versions as v').leftJoin('users as u', 'u.id', 'v.author').leftJoin('users as d', 'd.id', 'v.discarded_by')
    .select(['v.workflow_id', 'v.version', 'v.status', 'v.definition', 'v.note', 'v.author', 'u.display_name', 'v.created_at', 'v.published_at',
      'v.effective_from', 'v.retired_at', 'v.findings', 'v.policy_document', 'v.discarded_by', 'd.display_name as discarded_by_name', 'v.discarded_at'])
    .select(draftSha256Of('v.definition').as('sha256'));
}

type Row = Awaited<ReturnType<ReturnType<typeof base>['executeTakeFirstOrThrow']>>;

function toRecord(r: Row): VersionRecord {
  return {
    workflowId: r.workflow_id, version: r.version, status: r.status, definition: r.definition as WorkflowDefinition,
    note: r.note, author: r.author, authorName: r.display_name, createdAt: r.created_at, publishedAt: r.published_at,
    effectiveFrom: r.effective_from, retiredAt: r.retired_at, findings: r.findings as Finding[],
    policyDocument: r.policy_document as unknown as PolicyDocument | null, draftSha256: r.sha256,
    discardedBy: r.discarded_by, discardedByName: r.discarded_by_name, discardedAt: r.discarded_at,
  };
}

export async function listVersions(db: Executor, workflowId: string): Promise<VersionRecord[]> {
  return (await base(db).where('v.workflow_id', '=', workflowId).orderBy('v.version', 'desc').execute()).map(toRecord);
}

export async function getVersion(
  db: Executor, workflowId: string, version: number,
): Promise<VersionRecord | undefined> {
  const r = await base(db).where('v.workflow_id', '=', workflowId).where('v.version', '=', version).executeTakeFirst();
  return r && toRecord(r);
}

/** The version's row, locked against a concurrent request, approval or discard. */
export async function lockVersion(
  db: Executor, workflowId: string, version: number,
): Promise<VersionRecord | undefined> {
  const r = await base(db).where('v.workflow_id', '=', workflowId).where('v.version', '=', version).forUpdate('v').executeTakeFirst();
  return r && toRecord(r);
}

export async function nextVersion(db: Executor, workflowId: string): Promise<number> {
  const r = await db.selectFrom('workflow_versions').select((eb) => eb.fn.max('version').as('v')).where('workflow_id', '=', workflowId).executeTakeFirst();
  return Number(r?.v ?? 0) + 1;
}

export async function insertDraft(db: Executor, d: {
  definition: WorkflowDefinition; note: string; author: string; findings: Finding[];
  policyDocument: PolicyDocument | null; effectiveFrom: Date | null; now: Date;
}): Promise<void> {
  await db.insertInto('workflow_versions').values({
    workflow_id: d.definition.id, version: d.definition.version, status: 'draft',
    definition: JSON.stringify(d.definition), note: d.note, author: d.author, created_at: d.now,
    findings: JSON.stringify(d.findings), policy_document: d.policyDocument ? JSON.stringify(d.policyDocument) : null,
    effective_from: d.effectiveFrom,
  }).execute();
}

export async function markPublished(
  db: Executor, workflowId: string, version: number, effectiveFrom: Date, now: Date,
): Promise<void> {
  await db.updateTable('workflow_versions').set({ status: 'published', published_at: now, effective_from: effectiveFrom })
    .where('workflow_id', '=', workflowId).where('version', '=', version).execute();
}

/** A draft set aside: kept, with who and when, never published. */
export async function markDiscarded(
  db: Executor, workflowId: string, version: number, by: string, now: Date,
): Promise<void> {
  await db.updateTable('workflow_versions').set({ status: 'discarded', discarded_by: by, discarded_at: now })
    .where('workflow_id', '=', workflowId).where('version', '=', version).where('status', '=', 'draft').execute();
}

/** Published versions replaced by one now in force are retired (they stay readable and pinned by their cases). */
export async function retireBefore(db: Executor, workflowId: string, version: number, now: Date): Promise<void> {
  await db.updateTable('workflow_versions').set({ status: 'retired', retired_at: now })
    .where('workflow_id', '=', workflowId).where('status', '=', 'published').where('version', '<', version).execute();
}

/** Every draft not yet published, of all items, for the policy list. */
export async function listDrafts(db: Executor): Promise<Pick<VersionRecord, 'workflowId' | 'version' | 'note' | 'createdAt'>[]> {
  const rows = await db.selectFrom('workflow_versions').select(['workflow_id', 'version', 'note', 'created_at'])
    .where('status', '=', 'draft').orderBy('workflow_id').orderBy('version').execute();
  return rows.map((r) => ({ workflowId: r.workflow_id, version: r.version, note: r.note, createdAt: r.created_at }));
}

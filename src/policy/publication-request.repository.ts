import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';
import type { PublicationRequestTable } from './publication-request.table.ts';

export interface PublicationRequest {
  id: string;
  workflowId: string;
  version: number;
  draftSha256: string;
  baseVersion: number | null;
  effectiveFrom: Date | null;
  status: PublicationRequestTable['status'];
  requestedBy: string;
  requestedByName: string | null;
  requestedAt: Date;
  closedBy: string | null;
  closedByName: string | null;
  closedAt: Date | null;
}

function base(db: Executor) {
  return db.selectFrom('publication_requests as r')
    .leftJoin('users as rq', 'rq.id', 'r.requested_by').leftJoin('users as cl', 'cl.id', 'r.closed_by')
    .select(['r.id', 'r.workflow_id', 'r.version', 'r.draft_sha256', 'r.base_version', 'r.effective_from', 'r.status',
      'r.requested_by', 'rq.display_name as requested_by_name', 'r.requested_at', 'r.closed_by', 'cl.display_name as closed_by_name', 'r.closed_at']);
}

type Row = Awaited<ReturnType<ReturnType<typeof base>['executeTakeFirstOrThrow']>>;

function toRequest(r: Row): PublicationRequest {
  return {
    id: r.id, workflowId: r.workflow_id, version: r.version, draftSha256: r.draft_sha256, baseVersion: r.base_version,
    effectiveFrom: r.effective_from, status: r.status,
    requestedBy: r.requested_by, requestedByName: r.requested_by_name,
    requestedAt: r.requested_at, closedBy: r.closed_by, closedByName: r.closed_by_name, closedAt: r.closed_at,
  };
}

/** The sha256 of a version's stored text (json keeps it as written): what a request is tied to. */
export function draftSha256Of(column: 'definition' | 'v.definition') {
  return sql<string>`encode(sha256(convert_to(${sql.ref(column)}::text, 'UTF8')), 'hex')`;
}

/** Every request of an item's versions, oldest first: the versions' history. */
export async function listRequests(db: Executor, workflowId: string, version?: number): Promise<PublicationRequest[]> {
  let q = base(db).where('r.workflow_id', '=', workflowId);
  if (version !== undefined) q = q.where('r.version', '=', version);
  return (await q.orderBy('r.requested_at').orderBy('r.id').execute()).map(toRequest);
}

/** The draft's request still waiting for a second person, locked when `forUpdate`. */
export async function findPending(
  db: Executor, workflowId: string, version: number, forUpdate = false,
): Promise<PublicationRequest | undefined> {
  let q = base(db).where('r.workflow_id', '=', workflowId).where('r.version', '=', version).where('r.status', '=', 'pending');
  if (forUpdate) q = q.forUpdate('r');
  const r = await q.executeTakeFirst();
  return r && toRequest(r);
}

export async function insertRequest(db: Executor, r: {
  id: string; workflowId: string; version: number; draftSha256: string; baseVersion: number | null;
  effectiveFrom: Date | null; requestedBy: string; now: Date;
}): Promise<void> {
  await db.insertInto('publication_requests').values({
    id: r.id, workflow_id: r.workflowId, version: r.version, draft_sha256: r.draftSha256, base_version: r.baseVersion,
    effective_from: r.effectiveFrom, requested_by: r.requestedBy, requested_at: r.now, status: 'pending',
  }).execute();
}

/** Ends a pending request; false when it was no longer pending. */
export async function closeRequest(
  db: Executor, id: string, status: 'withdrawn' | 'stale' | 'approved', by: string, at: Date,
): Promise<boolean> {
  const r = await db.updateTable('publication_requests').set({ status, closed_by: by, closed_at: at })
    .where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

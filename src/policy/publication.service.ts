import type { CaseDeps } from '../cases/case.service.ts';
import { versionInForce } from '../definitions/workflow.repository.ts';
import { newId } from '../db/ids.ts';
import { AppError } from '../http/errors.ts';
import { authorize } from '../jurisdiction/authorize.ts';
import type { Executor } from '../db/database.ts';
import type { User } from '../users/user.repository.ts';
import { impactReport } from './impact.ts';
import { getVersion, listVersions as versionRows, lockVersion, markDiscarded, markPublished, retireBefore, type VersionRecord } from './policy.repository.ts';
import { closeRequest, findPending, insertRequest, listRequests, type PublicationRequest } from './publication-request.repository.ts';

/**
 * Publishing is a controlled act (四眼, docs/adr/0033-publishing-by-two.md), shaped as payment
 * batches are: one policy user requests the publication of a clean draft as it stands, a different
 * one approves it, and only the approval publishes. A request is tied to the draft's sha256 and to
 * the version in force when it was made, the two things its diff and impact were read against.
 */

const ONLY_DRAFTS = { zh: '只能发布草稿', en: 'Only a draft can be published' };

function assertDraft(v: VersionRecord | undefined): VersionRecord {
  if (!v) throw new AppError('NOT_FOUND');
  if (v.status !== 'draft') throw new AppError('EVENT_NOT_ALLOWED', { detail: ONLY_DRAFTS });
  return v;
}

/** A version that may be asked for and approved: a draft without lint findings (the pages check before confirming). */
export function assertPublishable(v: VersionRecord | undefined): VersionRecord {
  const draft = assertDraft(v);
  if (draft.findings.length === 0) return draft;
  throw new AppError('VALIDATION_FAILED', { detail: { zh: '草稿未通过检查，不能发布', en: 'The draft has lint findings and cannot be published' }, errors: draft.findings.map((f) => ({ path: f.path, message: f.message })) });
}

/** A clean draft without a request waiting: it may be requested. */
export function assertRequestable(
  v: VersionRecord | undefined, pending: PublicationRequest | null | undefined,
): VersionRecord {
  const draft = assertPublishable(v);
  if (pending) throw new AppError('EVENT_NOT_ALLOWED', { detail: { zh: '该草稿已有待审批的发布申请', en: 'This draft already has a publication request waiting for approval' } });
  return draft;
}

/** The request a user other than its requester may approve. */
export function assertApprovable(user: User, pending: PublicationRequest | null | undefined): PublicationRequest {
  if (!pending) throw new AppError('PUBLICATION_NOT_REQUESTED');
  if (pending.requestedBy !== user.id) return pending;
  throw new AppError('FOUR_EYES', { detail: { zh: '发布申请须由另一名政策人员审批，不能审批自己的申请', en: 'A different policy user must approve the publication; you cannot approve your own request' } });
}

export function assertDiscardable(v: VersionRecord | undefined): VersionRecord {
  if (!v) throw new AppError('NOT_FOUND');
  if (v.status !== 'draft') throw new AppError('EVENT_NOT_ALLOWED', { detail: { zh: '只能废弃草稿，已发布的版本不能废弃', en: 'Only a draft can be discarded; a published version never' } });
  return v;
}

/** The first person: asks for the draft to be published, effective now or on a date. */
export async function requestPublication(
  deps: CaseDeps, user: User, workflowId: string, version: number, effectiveFrom?: string,
) {
  authorize(user, 'policy.edit');
  const now = deps.clock.now();
  const id = newId(now.getTime());
  await deps.db.transaction().execute(async (trx) => {
    const v = await lockVersion(trx, workflowId, version);
    const draft = assertRequestable(v, await findPending(trx, workflowId, version));
    const baseVersion = (await versionInForce(trx, workflowId, now)) ?? null;
    await insertRequest(trx, {
      id, workflowId, version, draftSha256: draft.draftSha256, baseVersion,
      effectiveFrom: effectiveFrom ? new Date(effectiveFrom) : draft.effectiveFrom, requestedBy: user.id, now,
    });
  });
  const request = requestView((await findPending(deps.db, workflowId, version))!);
  return { ...request, impact: await impactReport(deps, workflowId, version) };
}

async function pendingOf(trx: Executor, workflowId: string, version: number): Promise<PublicationRequest> {
  const r = await findPending(trx, workflowId, version, true);
  if (!r) throw new AppError('PUBLICATION_NOT_REQUESTED');
  return r;
}

/** Either person ends a pending request (the requester withdraws it, the other declines it). */
export async function withdrawRequest(deps: CaseDeps, user: User, workflowId: string, version: number) {
  authorize(user, 'policy.edit');
  const now = deps.clock.now();
  const r = await deps.db.transaction().execute(async (trx) => {
    assertDraft(await lockVersion(trx, workflowId, version));
    const pending = await pendingOf(trx, workflowId, version);
    await closeRequest(trx, pending.id, 'withdrawn', user.id, now);
    return pending;
  });
  return requestView({ ...r, status: 'withdrawn', closedBy: user.id, closedByName: user.displayName, closedAt: now });
}

/**
 * The second person: publishes the draft a different person asked for, exactly as it was when
 * asked and as the approver saw it (`draftSha256`). A request whose draft or base has changed since
 * is closed as stale and refused; the requester asks again.
 */
export async function publish(deps: CaseDeps, user: User, workflowId: string, version: number, draftSha256: string) {
  authorize(user, 'policy.edit');
  const now = deps.clock.now();
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const draft = assertPublishable(await lockVersion(trx, workflowId, version));
    const pending = assertApprovable(user, await findPending(trx, workflowId, version, true));
    const base = (await versionInForce(trx, workflowId, now)) ?? null;
    if (pending.draftSha256 !== draft.draftSha256 || pending.baseVersion !== base) {
      await closeRequest(trx, pending.id, 'stale', user.id, now);
      return 'stale' as const;
    }
    if (draftSha256 !== draft.draftSha256) return 'unseen' as const;
    const from = pending.effectiveFrom ?? now;
    await markPublished(trx, workflowId, version, from, now);
    if (from <= now) await retireBefore(trx, workflowId, version, now);
    await closeRequest(trx, pending.id, 'approved', user.id, now);
    return from;
  });
  if (outcome === 'stale') throw new AppError('PUBLICATION_STALE');
  if (outcome === 'unseen') throw new AppError('PUBLICATION_STALE', { detail: { zh: '您看到的不是申请发布的草稿，请刷新后重新核对', en: 'What you saw is not the draft requested; reload and check it again' } });
  // Every instance, this one included, hears of it from workflow_versions' trigger (migration 0024); said here
  // too so that this instance never answers from the old list after the commit, whatever the bus is doing.
  deps.registry.forgetInForce();
  return { workflowId, version, status: 'published' as const, effectiveFrom: outcome.toISOString(), impact: await impactReport(deps, workflowId, version) };
}

/** Sets a draft aside for good (with confirmation on the page); a published version never. */
export async function discardDraft(deps: CaseDeps, user: User, workflowId: string, version: number) {
  authorize(user, 'policy.edit');
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    assertDiscardable(await lockVersion(trx, workflowId, version));
    const pending = await findPending(trx, workflowId, version, true);
    if (pending) await closeRequest(trx, pending.id, 'withdrawn', user.id, now);
    await markDiscarded(trx, workflowId, version, user.id, now);
  });
  return { workflowId, version, status: 'discarded' as const };
}

export function requestView(r: PublicationRequest) {
  return {
    workflowId: r.workflowId, version: r.version, status: r.status,
    draftSha256: r.draftSha256, baseVersion: r.baseVersion,
    effectiveFrom: r.effectiveFrom?.toISOString() ?? null,
    requestedBy: r.requestedBy, requestedByName: r.requestedByName, requestedAt: r.requestedAt.toISOString(),
    closedBy: r.closedBy, closedByName: r.closedByName, closedAt: r.closedAt?.toISOString() ?? null,
  };
}

export interface VersionAct {
  act: 'created' | 'requested' | 'withdrawn' | 'stale' | 'approved' | 'discarded';
  by: string | null;
  byName: string | null;
  at: Date;
}

/** What happened to a version, oldest first: saved, each request and its end, discarded. */
function historyOf(v: VersionRecord, requests: PublicationRequest[]): VersionAct[] {
  const acts: VersionAct[] = [{ act: 'created', by: v.author, byName: v.authorName, at: v.createdAt }];
  for (const r of requests) {
    acts.push({ act: 'requested', by: r.requestedBy, byName: r.requestedByName, at: r.requestedAt });
    if (r.status !== 'pending' && r.closedAt) acts.push({ act: r.status, by: r.closedBy, byName: r.closedByName, at: r.closedAt });
  }
  if (v.discardedAt) acts.push({ act: 'discarded', by: v.discardedBy, byName: v.discardedByName, at: v.discardedAt });
  return acts.sort((a, b) => a.at.getTime() - b.at.getTime());
}

export interface VersionWithPublication extends VersionRecord {
  /** The request waiting for approval, or the one approved. */
  request: PublicationRequest | null;
  history: VersionAct[];
}

function withPublication(v: VersionRecord, requests: PublicationRequest[]): VersionWithPublication {
  const own = requests.filter((r) => r.version === v.version);
  return { ...v, request: own.find((r) => r.status === 'pending' || r.status === 'approved') ?? null, history: historyOf(v, own) };
}

/** Every version of an item, newest first, with who asked for and who approved its publication. */
export async function listVersions(deps: Pick<CaseDeps, 'db'>, workflowId: string): Promise<VersionWithPublication[]> {
  const [rows, requests] = [await versionRows(deps.db, workflowId), await listRequests(deps.db, workflowId)];
  return rows.map((v) => withPublication(v, requests));
}

export async function versionWithPublication(deps: Pick<CaseDeps, 'db'>, workflowId: string, version: number): Promise<VersionWithPublication | undefined> {
  const v = await getVersion(deps.db, workflowId, version);
  return v && withPublication(v, await listRequests(deps.db, workflowId, version));
}

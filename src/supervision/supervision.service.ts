import { findCase, lockCase } from '../cases/case.repository.ts';
import { EVERYWHERE } from '../jurisdiction/within-area.ts';
import { sendEvent, type CaseDeps } from '../cases/case.service.ts';
import { escalateStep } from './escalation.ts';
import { AppError } from '../http/errors.ts';
import { authorize } from '../jurisdiction/authorize.ts';
import type { Lang } from '../messages/lang.ts';
import type { User } from '../users/user.repository.ts';

export type BulkOutcome =
  | { caseId: string; ok: true; version: number }
  | { caseId: string; ok: false; code: string; message: string };

/** Applies one act to many cases; each case is its own transaction and gets its own history entry. */
async function eachCase(caseIds: string[], act: (id: string) => Promise<number>): Promise<BulkOutcome[]> {
  const out: BulkOutcome[] = [];
  for (const caseId of caseIds) {
    try {
      out.push({ caseId, ok: true, version: await act(caseId) });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      out.push({ caseId, ok: false, code: err.code, message: err.message });
    }
  }
  return out;
}

/** An administrative act (REASSIGN, URGE, COMMENT…) on many cases at their current versions. */
export async function bulkAct(deps: CaseDeps, user: User, caseIds: string[], type: 'REASSIGN' | 'URGE' | 'COMMENT', data: Record<string, unknown>, lang: Lang): Promise<BulkOutcome[]> {
  authorize(user, 'supervision.oversee');
  return eachCase(caseIds, async (id) => {
    const c = await findCase(deps.db, id, user.stationPath);
    if (!c) throw new AppError('NOT_FOUND');
    return (await sendEvent(deps, user, id, { type, data, expectedVersion: c.version }, undefined, lang)).version;
  });
}

/** A supervisor sends cases up a level by hand, as the sweeper does (escalation.ts); each case its own entry. */
export async function escalateCases(
  deps: CaseDeps, user: User, caseIds: string[], reason: string,
): Promise<BulkOutcome[]> {
  authorize(user, 'supervision.oversee');
  const now = deps.clock.now();
  return eachCase(caseIds, (id) => deps.db.transaction().execute(async (trx) => {
    const c = await lockCase(trx, id, user.stationPath);
    if (!c) throw new AppError('NOT_FOUND');
    if (c.status !== 'open') throw new AppError('CASE_CLOSED');
    await escalateStep(trx, c, { actorId: user.id, extras: { reason, automatic: false } }, now);
    return (await lockCase(trx, id, EVERYWHERE))!.version;
  }));
}

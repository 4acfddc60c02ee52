import { caseNumbersOf, findCase, lockCase } from '../cases/case.repository.ts';
import { EVERYWHERE } from '../jurisdiction/within-area.ts';
import { sendEvent, type CaseDeps } from '../cases/case.service.ts';
import { escalateStep } from './escalation.ts';
import { AppError, errorText } from '../http/errors.ts';
import { authorize } from '../jurisdiction/authorize.ts';
import type { Lang } from '../messages/lang.ts';
import type { User } from '../users/user.repository.ts';

/** `caseNo` names the case for people; null when no such case is in the user's area (nothing to reveal). */
export type BulkOutcome =
  | { caseId: string; caseNo: string | null; ok: true; version: number }
  | { caseId: string; caseNo: string | null; ok: false; code: string; message: string };

/**
 * Applies one act to many cases; each case is its own transaction and gets its own history entry.
 * A refusal carries its reason in the reader's language: what was wrong, not the error's code.
 */
async function eachCase(
  deps: CaseDeps, user: User, caseIds: string[], lang: Lang, act: (id: string) => Promise<number>,
): Promise<BulkOutcome[]> {
  const numbers = await caseNumbersOf(deps.db, caseIds, user.stationPath);
  const out: BulkOutcome[] = [];
  for (const caseId of caseIds) {
    const caseNo = numbers.get(caseId) ?? null;
    try {
      out.push({ caseId, caseNo, ok: true, version: await act(caseId) });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      // The field messages say what was wrong ("该用户不存在…"); the code's own text only says that something was.
      const fields = (err.extras.errors ?? []).map((e) => e.message);
      out.push({ caseId, caseNo, ok: false, code: err.code, message: fields.length ? fields.join('；') : errorText(lang, err) });
    }
  }
  return out;
}

/** An administrative act (REASSIGN, URGE, COMMENT…) on many cases at their current versions. */
export async function bulkAct(deps: CaseDeps, user: User, caseIds: string[], type: 'REASSIGN' | 'URGE' | 'COMMENT', data: Record<string, unknown>, lang: Lang): Promise<BulkOutcome[]> {
  authorize(user, 'supervision.oversee');
  return eachCase(deps, user, caseIds, lang, async (id) => {
    const c = await findCase(deps.db, id, user.stationPath);
    if (!c) throw new AppError('NOT_FOUND');
    return (await sendEvent(deps, user, id, { type, data, expectedVersion: c.version }, undefined, lang)).version;
  });
}

/** A supervisor sends cases up a level by hand, as the sweeper does (escalation.ts); each case its own entry. */
export async function escalateCases(
  deps: CaseDeps, user: User, caseIds: string[], reason: string, lang: Lang,
): Promise<BulkOutcome[]> {
  authorize(user, 'supervision.oversee');
  const now = deps.clock.now();
  return eachCase(deps, user, caseIds, lang, (id) => deps.db.transaction().execute(async (trx) => {
    const c = await lockCase(trx, id, user.stationPath);
    if (!c) throw new AppError('NOT_FOUND');
    if (c.status !== 'open') throw new AppError('CASE_CLOSED');
    await escalateStep(trx, c, { actorId: user.id, extras: { reason, automatic: false } }, now);
    return (await lockCase(trx, id, EVERYWHERE))!.version;
  }));
}

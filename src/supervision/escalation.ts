import { markEscalated } from '../cases/case.repository.ts';
import { appendAdminEntry } from '../cases/case.service.ts';
import { describeHolder, holderName } from '../cases/case-holder.ts';
import type { Case } from '../cases/case.types.ts';
import type { Executor } from '../db/database.ts';
import { escalationLevel, holderOf, isHoldingLevel } from '../engine/holding.ts';
import { AppError } from '../http/errors.ts';
import { localized } from '../messages/localized.ts';

/**
 * Escalates a case's open step (the sweeper past the grace, or a supervisor by hand): the level
 * above the one holding it takes the step, at the top level that level's supervisors (ADR 0019),
 * so an escalation always reaches someone new; a step already there is refused. The history entry
 * names the holders before and after (their station paths), which replay and verify read.
 */
export async function escalateStep(
  trx: Executor, c: Case, how: { actorId: string | null; extras: Record<string, unknown> }, now: Date,
): Promise<void> {
  const stepLevel = isHoldingLevel(c.stepLevel) ? c.stepLevel : null;
  const before = holderOf(c, stepLevel);
  if (!stepLevel || !before) throw new AppError('EVENT_NOT_ALLOWED', { detail: localized('HOLD_ESCALATE_NO_STEP') });
  const fromLevel = isHoldingLevel(c.escalatedTo) ? c.escalatedTo : stepLevel;
  const toLevel = escalationLevel(fromLevel);
  const after = holderOf({ ...c, assigneeId: null, escalatedTo: toLevel }, stepLevel)!;
  if (c.escalatedTo === toLevel) {
    const named = await describeHolder(trx, after);
    throw new AppError('EVENT_NOT_ALLOWED', { detail: localized('HOLD_ESCALATE_NOTHING_NEW', (lang) => ({ holder: holderName(named!, lang) })) });
  }
  const from = before.kind === 'person'
    ? { fromUserId: before.userId }
    : { fromStationPath: before.stationPath, fromSupervisors: before.supervisors };
  const to = after.kind === 'queue' ? { toStationPath: after.stationPath, toSupervisors: after.supervisors } : {};
  await appendAdminEntry(trx, c, {
    type: 'ESCALATE', payload: { fromLevel, toLevel, ...from, ...to, ...how.extras }, actorId: how.actorId, assigneeId: null,
  }, now);
  await markEscalated(trx, c.id, toLevel, now);
}

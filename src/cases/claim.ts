import type { CompiledWorkflow } from '../engine/compile.ts';
import { eventRoles } from '../engine/engine.ts';
import { mayBeHanded, type Holder } from '../engine/holding.ts';
import { isSystemEvent } from '../definitions/transitions.ts';
import { AppError } from '../http/errors.ts';
import { can } from '../jurisdiction/authorize.ts';
import { accessMessages } from '../messages/access.messages.ts';
import { message } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import { formatShanghai, shanghaiParts } from '../time/shanghai.ts';
import type { User } from '../users/user.repository.ts';
import { caseHolder } from './case-holder.ts';
import type { Case } from './case.types.ts';

/** Who claimed the open step (认领) and when, if the person holding it now holds it by their own claim. */
interface Claim {
  userId: string;
  at: Date;
}

/**
 * The claim behind the case's assignee, as the row keeps it: a CLAIM sets `claimedAt`; a 转办, a
 * RELEASE or any machine entry clears it (ADR 0026, docs/adr/0027-compact-step.md).
 */
function claimOf(c: Pick<Case, 'assigneeId' | 'claimedAt'>): Claim | null {
  return c.assigneeId && c.claimedAt ? { userId: c.assigneeId, at: c.claimedAt } : null;
}

/** "12月4日 10:32", Beijing time. */
export function claimedAt(at: Date, lang: Lang): string {
  const p = shanghaiParts(at);
  return message(lang, 'QUEUE_AT', { m: p.m, d: p.d, time: formatShanghai(at, 'HH:mm') });
}

/** The roles the open step's events are for: who of a station's staff it waits for. */
function stepRoles(wf: CompiledWorkflow, c: Case): string[] {
  const state = wf.definition.machine.states[c.snapshot.value]!;
  const events = Object.keys(state.on ?? {}).filter((t) => !isSystemEvent(t));
  return [...new Set(events.flatMap((t) => eventRoles(state, t)))];
}

/**
 * Whether the user holds the queue the open step waits in, and so may claim it: staff of that very
 * station (`case.claim`, the queue's station as the resource), a clerk only for a step clerks take,
 * a supervisor for any (as 转办 may hand them any); a queue of supervisors (escalated past the top) to them alone.
 */
function holdsQueue(user: User, holder: Extract<Holder, { kind: 'queue' }>, roles: string[]): boolean {
  if (!can(user, 'case.claim', { stationPath: holder.stationPath }) || user.stationPath !== holder.stationPath) return false;
  return holder.supervisors ? user.role === 'supervisor' : mayBeHanded(user.role, roles);
}

/** What the case page offers about claiming: who claimed it, and whether this user may claim or release it now. */
export interface ClaimOffer {
  claimedBy: Claim | null;
  mayClaim: boolean;
  mayRelease: boolean;
}

export function claimOffer(wf: CompiledWorkflow, c: Case, user: User): ClaimOffer {
  const holder = caseHolder(wf, c);
  const claimedBy = claimOf(c);
  if (!holder) return { claimedBy, mayClaim: false, mayRelease: false };
  return {
    claimedBy,
    mayClaim: holder.kind === 'queue' && holdsQueue(user, holder, stepRoles(wf, c)),
    mayRelease: holder.kind === 'person' && can(user, 'case.release', { ownerId: holder.userId, stationPath: c.stationPath }),
  };
}

/**
 * The assignee a CLAIM or RELEASE leaves on the case, or the refusal: only an open step held by a
 * queue is claimed, by someone who holds that queue; only a step held by a person is released, by
 * them or a supervisor over the case. `holderName` names whoever holds it now for the refusal.
 */
export function claimChange(
  type: 'CLAIM' | 'RELEASE', wf: CompiledWorkflow, c: Case, user: User, holderName: string | null,
): string | null {
  if (c.status !== 'open') throw new AppError('CASE_CLOSED');
  const holder = caseHolder(wf, c);
  if (!holder) throw new AppError('EVENT_NOT_ALLOWED');
  const offer = claimOffer(wf, c, user);
  if (type === 'RELEASE') {
    if (holder.kind !== 'person') throw new AppError('QUEUE_NOT_CLAIMED');
    if (!offer.mayRelease) throw new AppError('FORBIDDEN', { detail: accessMessages.QUEUE_RELEASE_NOT_YOURS });
    return null;
  }
  if (holder.kind === 'person') throw new AppError('QUEUE_CLAIMED', { detail: takenDetail(offer.claimedBy, holderName ?? holder.userId) });
  if (!offer.mayClaim) throw new AppError('FORBIDDEN', { detail: accessMessages.QUEUE_CLAIM_NOT_YOURS });
  return user.id;
}

/** Who holds the step and since when, as a refusal says it in both languages. */
function takenDetail(claim: Claim | null, name: string): { zh: string; en: string } {
  const say = (lang: Lang) => (claim
    ? message(lang, 'QUEUE_CLAIMED_REFUSAL', { name, at: claimedAt(claim.at, lang) })
    : message(lang, 'QUEUE_HELD_BY', { name }));
  return { zh: say('zh'), en: say('en') };
}

/**
 * The refusal a member of the queue meets when someone claimed the step: who and since when,
 * instead of the plain "you may not". Null when the step is not claimed by someone else; `nameOf`
 * is asked only then.
 */
export async function claimedRefusal(
  c: Case, user: User, nameOf: (userId: string) => Promise<string | null>,
): Promise<AppError | null> {
  const claim = claimOf(c);
  if (!claim || claim.userId === user.id) return null;
  return new AppError('FORBIDDEN', { detail: takenDetail(claim, (await nameOf(claim.userId)) ?? claim.userId) });
}

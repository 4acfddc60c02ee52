import { openByHolder } from '../cases/case-queue.repository.ts';
import { describeHolders, type HolderView } from '../cases/case-holder.ts';
import { activeHolders } from '../cases/queue-holders.ts';
import type { CaseDeps } from '../cases/case.service.ts';
import { holderOf, type Holder, type HoldingLevel } from '../engine/holding.ts';
import { authorize } from '../jurisdiction/authorize.ts';
import type { User } from '../users/user.repository.ts';

/** Who a queue is, as the supervisor reads it (the case view's holder). */
export type QueueHolder = HolderView;

export interface QueueSummary {
  holder: QueueHolder;
  open: number;
  overdue: number;
  /** Someone not disabled reads it (ADR 0026); when not, its cases wait for nobody. */
  active: boolean;
  /** Its cases (at most a bulk 转办's worth): for routing them elsewhere when nobody reads the queue. */
  caseIds: string[];
}

/** At most this many case ids a queue lists: as many as one bulk 转办 takes. */
const ROUTE_AT_ONCE = 500;

const keyOf = (h: Holder) => (h.kind === 'person' ? `person:${h.userId}` : `queue:${h.stationPath}:${h.level}:${h.supervisors}`);

/**
 * Every holder of open cases in the supervisor's area with its open and overdue counts and whether
 * anyone active holds it; those nobody reads first, then by overdue cases.
 */
export async function holderQueues(
  deps: CaseDeps, user: User, opts: { caseIds: boolean } = { caseIds: true },
): Promise<QueueSummary[]> {
  authorize(user, 'supervision.oversee');
  const groups = await openByHolder(deps.db, user.stationPath, deps.clock.now(), opts.caseIds ? ROUTE_AT_ONCE : 0);
  const byKey = new Map<string, { holder: Holder; open: number; overdue: number; caseIds: string[] }>();
  for (const g of groups) {
    const holder = holderOf(g, g.stepLevel as HoldingLevel)!;
    const q = byKey.get(keyOf(holder)) ?? { holder, open: 0, overdue: 0, caseIds: [] };
    q.open += g.open;
    q.overdue += g.overdue;
    q.caseIds.push(...g.caseIds);
    byKey.set(keyOf(holder), q);
  }
  const queues = [...byKey.values()];
  const active = await activeHolders(deps.db, queues.map((q) => q.holder));
  const named = await describeHolders(deps.db, queues.map((q) => q.holder));
  const summaries = queues.map(({ holder, open, overdue, caseIds }, i): QueueSummary => ({
    holder: named[i]!, open, overdue, active: active(holder), caseIds: caseIds.slice(0, ROUTE_AT_ONCE),
  }));
  return summaries.sort((a, b) => Number(a.active) - Number(b.active) || b.overdue - a.overdue || b.open - a.open);
}

import { addWorkingDays } from '../calendar/deadline.ts';
import { AppError } from '../http/errors.ts';
import { stationInArea } from '../stations/station.service.ts';
import { dashboardCases, type DueFilter, type HeldBy } from './case-list.repository.ts';
import type { User } from '../users/user.types.ts';
import { caseSummary, type CaseSummary } from './case-list.ts';
import { toCase } from './case.repository.ts';
import type { CaseDeps } from './case.service.ts';

export type { DueFilter, HeldBy };
export { listPersonCases } from './case.repository.ts';

/** Where the next page of a list starts: the last case's sort key (due date, last event, or none) and id. */
interface CaseCursor {
  sort: string | null;
  id: string;
}

/** The filters of `GET /cases` and of the supervisor's dashboard. */
export interface CaseListFilters {
  /** A station inside the user's area; the user's whole area when absent. */
  stationId?: string;
  due?: DueFilter;
  status?: 'open' | 'closed';
  workflowId?: string;
  state?: string;
  stepLevel?: string;
  assigneeId?: string;
  /** Only the cases this holder holds (a queue, a person, or either: the clerks' own list). */
  heldBy?: HeldBy;
  /** `due`: nearest due date first whatever `due` is (the clerks' list). */
  sort?: 'due';
  /** `soon`: due within this many working days. */
  soonDays: number;
  /** `idle`: no machine event for this many days. */
  idleDays: number;
  /** Only cases opened at least this many days ago. */
  minAgeDays?: number;
  /** A `nextCursor` of the same list; one that is not is refused (400). */
  cursor?: string;
  limit: number;
}

/** A cursor as `nextCursor` spells it, or undefined when it is not one. */
function decodeCursor(cursor: string): CaseCursor | undefined {
  try {
    const [sort, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string | null, string];
    if (typeof id !== 'string' || (sort !== null && Number.isNaN(Date.parse(sort)))) return undefined;
    return { sort, id };
  } catch {
    return undefined;
  }
}

/** True when `cursor` is a `nextCursor` of a case list. */
export function isCaseCursor(cursor: string): boolean {
  return decodeCursor(cursor) !== undefined;
}

function encodeCursor(c: CaseCursor): string {
  return Buffer.from(JSON.stringify([c.sort, c.id])).toString('base64url');
}

/**
 * Cases in the user's jurisdiction: all (newest first), or overdue / due soon (by due date) / idle
 * (by last event), keyset-paginated; `nextCursor` is null on the last page.
 */
export async function listCases(
  deps: CaseDeps, user: User, f: CaseListFilters,
): Promise<{ items: CaseSummary[]; nextCursor: string | null }> {
  const scopePath = f.stationId ? (await stationInArea(deps.db, f.stationId, user.stationPath)).path : user.stationPath;
  const cursor = f.cursor ? decodeCursor(f.cursor) : undefined;
  if (f.cursor && !cursor) throw new AppError('BAD_REQUEST', { errors: [{ path: '/querystring/cursor', message: '分页游标无效 / invalid cursor' }] });
  const now = deps.clock.now();
  const cases = (await dashboardCases(deps.db, {
    scopePath, now, due: f.due, workflowId: f.workflowId, state: f.state, status: f.status, stepLevel: f.stepLevel,
    assigneeId: f.assigneeId, heldBy: f.heldBy, sort: f.sort,
    soonUntil: addWorkingDays(now, f.soonDays, deps.calendar.current).at,
    idleSince: new Date(now.getTime() - f.idleDays * 86_400_000),
    createdBefore: f.minAgeDays !== undefined ? new Date(now.getTime() - f.minAgeDays * 86_400_000) : undefined,
    cursor, limit: f.limit,
  })).map(toCase);
  const items = cases.map((c) => caseSummary(c, now));
  const last = cases[cases.length - 1];
  if (cases.length < f.limit || !last) return { items, nextCursor: null };
  const sortKey = f.due === 'idle' ? last.lastEventAt : f.due || f.sort === 'due' ? last.dueAt : null;
  const sort = sortKey?.toISOString() ?? null;
  return { items, nextCursor: encodeCursor({ sort, id: last.id }) };
}

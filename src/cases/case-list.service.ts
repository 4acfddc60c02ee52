import { addWorkingDays } from '../calendar/deadline.ts';
import { AppError } from '../http/errors.ts';
import { bilingual } from '../messages/localized.ts';
import { stationInArea } from '../stations/station.service.ts';
import { caseIdByNumber, casesByIds, countDashboardCases, dashboardCases, openCaseAssignees, type DashboardFilter, type DueFilter, type HeldBy } from './case-list.repository.ts';
import { normalizeCaseNo } from './case-number.ts';
import type { User } from '../users/user.types.ts';
import { caseSummary, type CaseSummary } from './case-list.ts';
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
  /** One case by its short number (退报-2026-00123, typed as people type it). */
  caseNo?: string;
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

/** The list's filters as the repository reads them: the station's subtree, and instants from the clock. */
async function dashboardFilter(
  deps: CaseDeps, user: User, f: Omit<CaseListFilters, 'cursor' | 'limit'>,
): Promise<Omit<DashboardFilter, 'cursor' | 'limit'>> {
  const scopePath = f.stationId ? (await stationInArea(deps.db, f.stationId, user.stationPath)).path : user.stationPath;
  const now = deps.clock.now();
  return {
    scopePath, now, due: f.due, workflowId: f.workflowId, caseNo: f.caseNo && caseNoFilter(f.caseNo),
    state: f.state, status: f.status, stepLevel: f.stepLevel,
    assigneeId: f.assigneeId, heldBy: f.heldBy, sort: f.sort,
    soonUntil: addWorkingDays(now, f.soonDays, deps.calendar.current).at,
    idleSince: new Date(now.getTime() - f.idleDays * 86_400_000),
    createdBefore: f.minAgeDays !== undefined ? new Date(now.getTime() - f.minAgeDays * 86_400_000) : undefined,
  };
}

/** How many cases `listCases` would list over all its pages. */
export async function countCases(deps: CaseDeps, user: User, f: Omit<CaseListFilters, 'cursor' | 'limit'>): Promise<number> {
  return countDashboardCases(deps.db, await dashboardFilter(deps, user, f));
}

function caseNoFilter(text: string): string {
  const caseNo = normalizeCaseNo(text);
  if (!caseNo) throw new AppError('BAD_REQUEST', { errors: [{ path: '/querystring/caseNo', message: bilingual('CASE_NO_MALFORMED', { text }) }] });
  return caseNo;
}

/**
 * The case a clerk names by its short number, if it is in the clerk's area;
 * undefined when the text is not a case number.
 */
export async function findCaseByNumber(
  deps: Pick<CaseDeps, 'db'>, user: User, text: string,
): Promise<{ caseNo: string; id: string | undefined } | undefined> {
  const caseNo = normalizeCaseNo(text);
  return caseNo === undefined ? undefined : { caseNo, id: await caseIdByNumber(deps.db, caseNo, user.stationPath) };
}

/**
 * Cases in the user's jurisdiction: all (newest first), or overdue / due soon (by due date) / idle
 * (by last event), keyset-paginated; `nextCursor` is null on the last page.
 */
export async function listCases(
  deps: CaseDeps, user: User, f: CaseListFilters,
): Promise<{ items: CaseSummary[]; nextCursor: string | null }> {
  const cursor = f.cursor ? decodeCursor(f.cursor) : undefined;
  if (f.cursor && !cursor) throw new AppError('BAD_REQUEST', { errors: [{ path: '/querystring/cursor', message: '分页游标无效 / invalid cursor' }] });
  const filter = await dashboardFilter(deps, user, f);
  const cases = await dashboardCases(deps.db, { ...filter, cursor, limit: f.limit });
  const now = filter.now;
  const items = cases.map((c) => caseSummary(c, now));
  const last = cases[cases.length - 1];
  if (cases.length < f.limit || !last) return { items, nextCursor: null };
  const sortKey = f.due === 'idle' ? last.lastEventAt : f.due || f.sort === 'due' ? last.dueAt : null;
  const sort = sortKey?.toISOString() ?? null;
  return { items, nextCursor: encodeCursor({ sort, id: last.id }) };
}

/** Who holds open cases in the user's area: the 承办人 a supervisor can filter by. */
export async function caseHolders(deps: CaseDeps, user: User): Promise<{ id: string; name: string }[]> {
  return openCaseAssignees(deps.db, user.stationPath);
}

/** The cases of these ids in the user's area, as lists show them; ids outside it are left out. */
export async function casesNamed(deps: CaseDeps, user: User, ids: string[]): Promise<CaseSummary[]> {
  const now = deps.clock.now();
  return (await casesByIds(deps.db, ids, user.stationPath)).map((c) => caseSummary(c, now));
}

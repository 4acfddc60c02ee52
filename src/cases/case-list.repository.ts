import { sql, type ExpressionBuilder } from 'kysely';
import type { Database, Executor } from '../db/database.ts';
import { withinArea, type Area } from '../jurisdiction/within-area.ts';
import type { CaseRow } from './case.repository.ts';
import type { ListedCase } from './case-list.ts';

/** The columns of a listed case (src/cases/case-list.ts): a list never reads the sealed snapshot or agent. */
export const LISTED_COLUMNS = [
  'id', 'case_no', 'workflow_id', 'workflow_version', 'parent_case_id', 'person_id', 'station_path', 'state', 'status',
  'outcome', 'version', 'step_level', 'due_at', 'due_uncertain', 'escalated_to', 'assignee_id', 'step_entered_at',
  'last_event_at', 'created_at', 'updated_at',
] as const;

export type ListedRow = Pick<CaseRow, typeof LISTED_COLUMNS[number]>;

export function toListed(r: ListedRow): ListedCase {
  return {
    id: r.id, caseNo: r.case_no, workflowId: r.workflow_id, workflowVersion: r.workflow_version,
    parentCaseId: r.parent_case_id, personId: r.person_id, stationPath: r.station_path, state: r.state,
    status: r.status, outcome: r.outcome, version: r.version, stepLevel: r.step_level, dueAt: r.due_at,
    dueUncertain: r.due_uncertain, escalatedTo: r.escalated_to, assigneeId: r.assignee_id,
    stepEnteredAt: r.step_entered_at, lastEventAt: r.last_event_at, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export type DueFilter = 'overdue' | 'soon' | 'idle';

/**
 * Cases whose open step a given holder holds (ADR 0019, src/engine/holding.ts in SQL): handed or
 * claimed to a person, or waiting in a station's queue at a level, of its clerks or (escalated past
 * the top) its supervisors. Either or both; both means either.
 */
export interface HeldBy {
  userId?: string;
  queue?: { stationPath: string; level: string; supervisors: boolean };
}

function heldBy(h: HeldBy) {
  return (eb: ExpressionBuilder<Database, 'cases'>) => {
    const parts = [];
    if (h.userId) parts.push(eb('assignee_id', '=', h.userId));
    if (h.queue) {
      const { level } = h.queue;
      const escalatedHere = eb.and([eb('escalated_to', '=', level), eb('step_level', h.queue.supervisors ? '=' : '<>', level)]);
      parts.push(eb.and([
        eb('assignee_id', 'is', null), withinArea('station_path', h.queue.stationPath),
        h.queue.supervisors ? escalatedHere : eb.or([eb.and([eb('escalated_to', 'is', null), eb('step_level', '=', level)]), escalatedHere]),
      ]));
    }
    return eb.or(parts);
  };
}

export interface DashboardFilter {
  scopePath: string;
  due?: DueFilter;
  now: Date;
  /** For `soon`: due before this instant. For `idle`: no machine event since this instant. */
  soonUntil: Date;
  idleSince: Date;
  workflowId?: string;
  caseNo?: string;
  state?: string;
  stepLevel?: string;
  assigneeId?: string;
  createdBefore?: Date;
  status?: 'open' | 'closed';
  heldBy?: HeldBy;
  /** `due`: nearest due date first, those without one last (the clerks' list); the default follows `due`. */
  sort?: 'due';
  cursor?: { sort: string | null; id: string };
  limit: number;
}

/** The cases a filter selects, before sorting and paging. */
function selected(db: Executor, f: Omit<DashboardFilter, 'cursor' | 'limit'>) {
  let q = db.selectFrom('cases').where(withinArea('station_path', f.scopePath));
  if (f.due) q = q.where('status', '=', 'open');
  else if (f.status) q = q.where('status', '=', f.status);
  if (f.due === 'overdue') q = q.where('due_at', '<', f.now);
  if (f.due === 'soon') q = q.where('due_at', '>=', f.now).where('due_at', '<', f.soonUntil);
  if (f.due === 'idle') q = q.where('last_event_at', '<', f.idleSince);
  if (f.workflowId) q = q.where('workflow_id', '=', f.workflowId);
  if (f.caseNo) q = q.where('case_no', '=', f.caseNo);
  if (f.state) q = q.where('state', '=', f.state);
  if (f.stepLevel) q = q.where('step_level', '=', f.stepLevel);
  if (f.assigneeId) q = q.where('assignee_id', '=', f.assigneeId);
  if (f.createdBefore) q = q.where('created_at', '<', f.createdBefore);
  if (f.heldBy) q = q.where(heldBy(f.heldBy));
  return q;
}

/**
 * The supervisor's lists: overdue and soon-due cases by due date, idle ones by last event,
 * others newest first; keyset-paginated on (sort key, id). Served by partial indexes on open cases.
 */
export async function dashboardCases(db: Executor, f: DashboardFilter): Promise<ListedCase[]> {
  return (await dashboardRows(db, f)).map(toListed);
}

function dashboardRows(db: Executor, f: DashboardFilter): Promise<ListedRow[]> {
  let q = selected(db, f).select(LISTED_COLUMNS);
  if (f.sort === 'due' && !f.due) {
    // Nearest due date first, cases without one after them, so the keyset runs through both.
    const c = f.cursor;
    if (c?.sort) q = q.where((eb) => eb.or([sql<boolean>`(due_at, id) > (${new Date(c.sort!)}, ${c.id})`, eb('due_at', 'is', null)]));
    else if (c) q = q.where('due_at', 'is', null).where('id', '>', c.id);
    return q.orderBy(sql`due_at asc nulls last`).orderBy('id').limit(f.limit).execute();
  }
  const sortColumn = f.due === 'idle' ? 'last_event_at' : f.due ? 'due_at' : null;
  if (sortColumn) {
    if (f.cursor?.sort) q = q.where(sql<boolean>`(${sql.ref(sortColumn)}, id) > (${new Date(f.cursor.sort)}, ${f.cursor.id})`);
    q = q.orderBy(sortColumn).orderBy('id');
  } else {
    if (f.cursor) q = q.where('id', '<', f.cursor.id);
    q = q.orderBy('id', 'desc');
  }
  return q.limit(f.limit).execute();
}

/** How many cases the same filter selects (an export checks its limit before it starts). */
export async function countDashboardCases(db: Executor, f: Omit<DashboardFilter, 'cursor' | 'limit'>): Promise<number> {
  const r = await selected(db, f).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The people who hold open cases of an area (distinct assignees, disabled accounts included), by name. */
export async function openCaseAssignees(db: Executor, scopePath: string): Promise<{ id: string; name: string }[]> {
  return db.selectFrom('cases').innerJoin('users', 'users.id', 'cases.assignee_id')
    .select(['users.id', 'users.display_name as name']).distinct()
    .where('cases.status', '=', 'open').where(withinArea('cases.station_path', scopePath))
    .orderBy('users.display_name').orderBy('users.id').execute();
}

/** The cases of these ids that lie in an area (a batch result names each one). */
export async function casesByIds(db: Executor, ids: string[], scopePath: string): Promise<ListedCase[]> {
  if (!ids.length) return [];
  const rows = await db.selectFrom('cases').select(LISTED_COLUMNS)
    .where('id', 'in', ids).where(withinArea('station_path', scopePath)).execute();
  return rows.map(toListed);
}

/** The id of the case with this number, if it is in the area. */
export async function caseIdByNumber(db: Executor, caseNo: string, area: Area): Promise<string | undefined> {
  const r = await db.selectFrom('cases').select('id').where('case_no', '=', caseNo).where(withinArea('station_path', area)).executeTakeFirst();
  return r?.id;
}

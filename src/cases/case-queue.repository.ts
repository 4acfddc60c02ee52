import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';
import type { User } from '../users/user.types.ts';
import { openPayload } from '../crypto/sealed-payload.ts';
import { withinArea } from '../jurisdiction/within-area.ts';
import { LISTED_COLUMNS, toListed } from './case-list.repository.ts';
import type { ListedCase } from './case-list.ts';

/**
 * The clerk's own queue: open cases in their area whose step their level holds (holding.ts: the
 * step's level, or the level it was escalated to; escalated at the top, that level's supervisors)
 * and not handed to someone else, or handed to them; the nearest due date first, those without one last.
 */
export async function myQueue(
  db: Executor, user: User, limit: number,
): Promise<(ListedCase & { personName: string })[]> {
  const rows = await db.selectFrom('cases').innerJoin('persons', 'persons.id', 'cases.person_id')
    .select(LISTED_COLUMNS.map((c) => `cases.${c}` as const)).select('persons.name as person_name')
    .where('cases.status', '=', 'open')
    .where(withinArea('cases.station_path', user.stationPath))
    .where((eb) => {
      const level = user.stationLevel;
      const clerks = eb.or([
        eb.and([eb('cases.escalated_to', 'is', null), eb('cases.step_level', '=', level)]),
        eb.and([eb('cases.escalated_to', '=', level), eb('cases.step_level', '<>', level)]),
      ]);
      const supervisors = eb.and([eb('cases.escalated_to', '=', level), eb('cases.step_level', '=', level)]);
      // Supervisors also take the steps their level's definitions leave to them, as before escalation.
      const queues = user.role === 'supervisor' ? eb.or([clerks, supervisors]) : clerks;
      return eb.or([eb('cases.assignee_id', '=', user.id), eb.and([eb('cases.assignee_id', 'is', null), queues])]);
    })
    .orderBy(sql`cases.due_at asc nulls last`).orderBy('cases.id').limit(limit).execute();
  return rows.map((r) => ({ ...toListed(r), personName: r.person_name }));
}

/** Cases copied (抄送) to this user for information, newest first. */
export async function copiedToMe(db: Executor, u: User, limit = 10) {
  const rows = await sql<{
    case_id: string; case_no: string; seq: number; workflow_id: string; payload: unknown; at: Date;
    actor: string | null; person_name: string;
  }>`
    select e.case_id, c.case_no, e.seq, c.workflow_id, e.payload, e.at, usr.display_name as actor, p.name as person_name
    from case_events e join cases c on c.id = e.case_id join persons p on p.id = c.person_id left join users usr on usr.id = e.actor_id
    where e.type = 'COPY_TO' and e.payload->>'userId' = ${u.id}
      and (c.station_path = ${u.stationPath} or c.station_path like ${`${u.stationPath}.%`})
    order by e.at desc limit ${limit}`.execute(db);
  return rows.rows.map((r) => {
    const note = openPayload(r.case_id, r.seq, r.payload).note;
    return { caseId: r.case_id, caseNo: r.case_no, workflowId: r.workflow_id, note: typeof note === 'string' ? note : null, at: r.at, by: r.actor, personName: r.person_name };
  });
}

/** Persons this user registered or worked on lately (ids only; the person repository reads the rest). */
export async function recentPersonIds(db: Executor, u: User, limit = 8): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    select x.pid as id, max(x.at) as last from (
      select c.person_id as pid, e.at from case_events e join cases c on c.id = e.case_id where e.actor_id = ${u.id}
      union all
      select id as pid, created_at as at from persons where created_by = ${u.id}
    ) x join persons p on p.id = x.pid
    where (p.station_path = ${u.stationPath} or p.station_path like ${`${u.stationPath}.%`})
    group by x.pid order by last desc limit ${limit}`.execute(db);
  return rows.rows.map((r) => r.id);
}

/** Open cases at a step someone acts on, grouped by what decides their holder (src/engine/holding.ts). */
export interface HolderGroup {
  stationPath: string;
  stepLevel: string;
  escalatedTo: string | null;
  assigneeId: string | null;
  open: number;
  overdue: number;
  caseIds: string[];
}

/**
 * `idsPerGroup`: the first so many ids of each group are all a caller lists, so only those leave the
 * database; 0 reads none (a page that links to the queue instead of listing its cases).
 */
export async function openByHolder(
  db: Executor, scopePath: string, now: Date, idsPerGroup: number,
): Promise<HolderGroup[]> {
  const rows = await db.selectFrom('cases')
    .select(['station_path', 'step_level', 'escalated_to', 'assignee_id'])
    .select(sql<string>`count(*)`.as('open'))
    .select(sql<string>`count(*) filter (where due_at < ${now})`.as('overdue'))
    .select(idsPerGroup > 0 ? sql<string[]>`(array_agg(id order by id))[1:${idsPerGroup}]`.as('ids') : sql<string[]>`'{}'::text[]`.as('ids'))
    .where('status', '=', 'open').where('step_level', 'is not', null).where(withinArea('station_path', scopePath))
    .groupBy(['station_path', 'step_level', 'escalated_to', 'assignee_id']).execute();
  return rows.map((r) => ({
    stationPath: r.station_path, stepLevel: r.step_level!, escalatedTo: r.escalated_to, assigneeId: r.assignee_id,
    open: Number(r.open), overdue: Number(r.overdue), caseIds: r.ids,
  }));
}

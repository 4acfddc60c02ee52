import { sql } from 'kysely';
import { chainItems } from '../chain/chain.service.ts';
import { openPayload } from '../crypto/sealed-payload.ts';
import { toCase } from '../cases/case.repository.ts';
import type { Case } from '../cases/case.types.ts';
import type { Db, Executor } from '../db/database.ts';
import type { Localized } from '../definitions/definition.types.ts';
import { listStations, type Station } from '../stations/station.repository.ts';
import type { User } from '../users/user.repository.ts';

function scope(path: string, column = 'station_path') {
  return sql<boolean>`(${sql.ref(column)} = ${path} or ${sql.ref(column)} like ${`${path}.%`})`;
}

/** Titles of the items in force, by id. */
export async function itemTitles(db: Db, now: Date): Promise<Map<string, Localized>> {
  return new Map((await chainItems(db, now)).map((i) => [i.workflowId, i.title]));
}

/**
 * The clerk's own queue: open cases in their area waiting at their level and not handed to
 * someone else, or handed to them; the nearest due date first, those without one last.
 */
export async function myQueue(db: Executor, user: User, limit: number): Promise<(Case & { personName: string })[]> {
  const rows = await db.selectFrom('cases').innerJoin('persons', 'persons.id', 'cases.person_id')
    .selectAll('cases').select('persons.name as person_name')
    .where('cases.status', '=', 'open')
    .where(scope(user.stationPath, 'cases.station_path'))
    .where((eb) => eb.or([
      eb('cases.assignee_id', '=', user.id),
      eb.and([eb('cases.assignee_id', 'is', null), eb('cases.step_level', '=', user.stationLevel)]),
    ]))
    .orderBy(sql`cases.due_at asc nulls last`).orderBy('cases.id').limit(limit).execute();
  return rows.map((r) => ({ ...toCase(r), personName: r.person_name }));
}

/** Cases copied (抄送) to this user for information, newest first. */
export async function copiedToMe(db: Executor, u: User, limit = 10) {
  const rows = await sql<{ case_id: string; seq: number; workflow_id: string; payload: unknown; at: Date; actor: string | null; person_name: string }>`
    select e.case_id, e.seq, c.workflow_id, e.payload, e.at, usr.display_name as actor, p.name as person_name
    from case_events e join cases c on c.id = e.case_id join persons p on p.id = c.person_id left join users usr on usr.id = e.actor_id
    where e.type = 'COPY_TO' and e.payload->>'userId' = ${u.id}
      and (c.station_path = ${u.stationPath} or c.station_path like ${`${u.stationPath}.%`})
    order by e.at desc limit ${limit}`.execute(db);
  return rows.rows.map((r) => {
    const note = openPayload(r.case_id, r.seq, r.payload).note;
    return { caseId: r.case_id, workflowId: r.workflow_id, note: typeof note === 'string' ? note : null, at: r.at, by: r.actor, personName: r.person_name };
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

/** Users who may hold a case of a station: those whose own station is that station or above it. */
export async function usersAbove(db: Executor, stationPath: string): Promise<{ id: string; name: string; role: string; stationId: string }[]> {
  const rows = await db.selectFrom('users').innerJoin('stations', 'stations.id', 'users.station_id')
    .select(['users.id', 'users.display_name', 'users.role', 'users.station_id', 'stations.path'])
    .where('users.disabled', '=', false).orderBy('stations.path').orderBy('users.display_name').execute();
  return rows.filter((r) => stationPath === r.path || stationPath.startsWith(`${r.path}.`))
    .map((r) => ({ id: r.id, name: r.display_name, role: r.role, stationId: r.station_id }));
}

/** Users whose station lies inside an area (a supervisor's assignee filter and reassign targets). */
export async function usersWithin(db: Executor, scopePath: string): Promise<{ id: string; name: string; role: string; stationId: string }[]> {
  const rows = await db.selectFrom('users').innerJoin('stations', 'stations.id', 'users.station_id')
    .select(['users.id', 'users.display_name', 'users.role', 'users.station_id'])
    .where('users.disabled', '=', false).where(scope(scopePath, 'stations.path')).orderBy('stations.path').orderBy('users.display_name').execute();
  return rows.map((r) => ({ id: r.id, name: r.display_name, role: r.role, stationId: r.station_id }));
}

export async function userNames(db: Executor, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

export async function personNames(db: Executor, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db.selectFrom('persons').select(['id', 'name']).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Stations inside an area, in tree order. */
export async function stationsWithin(db: Executor, scopePath: string): Promise<Station[]> {
  return (await listStations(db)).filter((s) => s.path === scopePath || s.path.startsWith(`${scopePath}.`));
}

import { sql } from 'kysely';
import { openPayload } from '../crypto/sealed-payload.ts';
import type { Executor } from '../db/database.ts';
import type { User } from '../users/user.repository.ts';
import { withinArea } from '../jurisdiction/within-area.ts';

export interface Urge {
  caseId: string;
  caseNo: string;
  workflowId: string;
  state: string;
  text: string;
  at: Date;
  by: string | null;
  personName: string;
}

/**
 * Urges (催办) on open cases this user holds or their station
 * holds, newest first; the text is opened from the sealed entry.
 */
export async function urgesFor(db: Executor, u: User, limit: number): Promise<Urge[]> {
  const rows = await sql<{
    case_id: string; case_no: string; seq: number; workflow_id: string; state: string; payload: unknown; at: Date;
    actor: string | null; person_name: string;
  }>`
    select e.case_id, c.case_no, e.seq, c.workflow_id, c.state, e.payload, e.at, usr.display_name as actor, p.name as person_name
    from case_events e join cases c on c.id = e.case_id join persons p on p.id = c.person_id left join users usr on usr.id = e.actor_id
    where e.type = 'URGE' and c.status = 'open'
      and (c.assignee_id = ${u.id} or (c.assignee_id is null and c.step_level = ${u.stationLevel}
           and ${withinArea('c.station_path', u.stationPath)}))
    order by e.at desc limit ${limit}`.execute(db);
  return rows.rows.map((r) => ({
    caseId: r.case_id, caseNo: r.case_no, workflowId: r.workflow_id, state: r.state, text: String(openPayload(r.case_id, r.seq, r.payload).text ?? ''),
    at: r.at, by: r.actor, personName: r.person_name,
  }));
}

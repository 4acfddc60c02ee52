import type { Executor } from '../db/database.ts';
import { withinArea } from '../jurisdiction/within-area.ts';

export interface AuditEntry {
  caseId: string;
  caseNo: string;
  workflowId: string;
  seq: number;
  kind: 'machine' | 'admin';
  type: string;
  actorId: string | null;
  actor: string | null;
  from: string | null;
  to: string | null;
  at: Date;
}

function entries(db: Executor) {
  return db.selectFrom('case_events as e').innerJoin('cases as c', 'c.id', 'e.case_id').leftJoin('users as u', 'u.id', 'e.actor_id')
    .select(['e.case_id', 'c.case_no', 'c.workflow_id', 'e.seq', 'e.kind', 'e.type', 'e.actor_id', 'u.display_name', 'e.from_state', 'e.to_state', 'e.at']);
}

type EntryRow = Awaited<ReturnType<ReturnType<typeof entries>['execute']>>[number];

function toEntry(r: EntryRow): AuditEntry {
  return {
    caseId: r.case_id, caseNo: r.case_no, workflowId: r.workflow_id, seq: r.seq, kind: r.kind, type: r.type,
    actorId: r.actor_id,
    actor: r.display_name, from: r.from_state, to: r.to_state, at: r.at,
  };
}

/** Every history entry in [from, to) of the cases in the area, in time order; payloads stay sealed and unread. */
export async function entriesInPeriod(
  db: Executor, stationPath: string, from: Date, to: Date, limit: number,
): Promise<AuditEntry[]> {
  const rows = await entries(db).where('e.at', '>=', from).where('e.at', '<', to).where(withinArea('c.station_path', stationPath))
    .orderBy('e.at').orderBy('e.case_id').orderBy('e.seq').limit(limit).execute();
  return rows.map(toEntry);
}

/** Every history entry of a person's cases, in time order. */
export async function entriesOfPerson(db: Executor, personId: string): Promise<AuditEntry[]> {
  const rows = await entries(db).where('c.person_id', '=', personId).orderBy('e.at').orderBy('e.case_id').orderBy('e.seq').execute();
  return rows.map(toEntry);
}

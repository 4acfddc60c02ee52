import type { Executor } from '../db/database.ts';
import { openSnapshot } from '../cases/case.repository.ts';

/** The open cases a roster's import started, with their snapshots opened. */
export async function openCasesOfRoster(db: Executor, rosterId: string) {
  const rows = await db.selectFrom('cases').select(['id', 'state', 'workflow_id', 'workflow_version', 'snapshot', 'station_path', 'assignee_id', 'escalated_to']).where('roster_id', '=', rosterId).where('status', '=', 'open').execute();
  return rows.map((c) => ({
    id: c.id, state: c.state, workflowId: c.workflow_id, workflowVersion: c.workflow_version,
    stationPath: c.station_path, assigneeId: c.assignee_id, escalatedTo: c.escalated_to,
    snapshot: openSnapshot(c.id, c.snapshot),
  }));
}
